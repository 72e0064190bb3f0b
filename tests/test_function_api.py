"""The custom-op API: subclass ``tg.Function``, write forward/backward, call ``MyOp.apply``."""
import numpy as np
import pytest

import tinygrad_opt as tg


class Huber(tg.Function):
    """f(p, t) = r^2 / 2 if |r| <= delta else delta (|r| - delta / 2), r = p - t (elementwise);
    df/dp = clip(r, -delta, delta) = -df/dt."""

    def forward(self, prediction, target, delta=1.0):
        residual = prediction - target
        self.save_for_backward(residual)
        self.delta = delta
        small = np.abs(residual) <= delta
        return np.where(small, 0.5 * residual ** 2, delta * (np.abs(residual) - 0.5 * delta))

    def backward(self, grad):
        (residual,) = self.saved_tensors
        slope = grad * np.clip(residual, -self.delta, self.delta)
        return (slope if self.needs_input_grad[0] else None,
                -slope if self.needs_input_grad[1] else None)


class WrongHuber(Huber):
    """Forgets the clip: the slope of the quadratic part everywhere."""

    def backward(self, grad):
        (residual,) = self.saved_tensors
        return grad * residual, -grad * residual


def _pair(rng, shape=(3, 4)):
    # residuals spread over both pieces, kept away from the kinks at +-delta
    prediction = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 3.0, size=shape)
    return tg.Tensor(prediction, requires_grad=True), tg.Tensor(np.zeros(shape),
                                                                requires_grad=True)


def test_apply_returns_a_tensor_in_the_graph_with_the_forward_values():
    p = tg.Tensor([0.5, -3.0], requires_grad=True)
    out = Huber.apply(p, np.zeros(2))
    assert isinstance(out, tg.Tensor) and out.requires_grad and not out.is_leaf
    np.testing.assert_allclose(out.data, [0.125, 2.5])


def test_options_are_passed_to_forward_as_keywords():
    p = tg.Tensor([0.5, -3.0], requires_grad=True)
    out = Huber.apply(p, np.zeros(2), delta=0.25)
    np.testing.assert_allclose(out.data, [0.25 * (0.5 - 0.125), 0.25 * (3.0 - 0.125)])
    out.sum().backward()
    np.testing.assert_allclose(p.grad, [0.25, -0.25])


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_gradcheck_passes_the_correct_backward_for_both_inputs(rng, delta):
    prediction, target = _pair(rng)
    assert tg.gradcheck(lambda p, t: Huber.apply(p, t, delta=delta), [prediction, target])


def test_gradcheck_catches_the_wrong_backward_naming_an_element(rng):
    prediction, target = _pair(rng)
    with pytest.raises(tg.GradcheckError, match=r"input 0\["):
        tg.gradcheck(lambda p, t: WrongHuber.apply(p, t), [prediction, target])


def test_save_for_backward_hands_the_same_arrays_to_backward():
    seen = {}

    class Keep(tg.Function):
        def forward(self, x):
            seen["kept"] = (x * 2.0, x + 1.0)
            self.save_for_backward(*seen["kept"])
            return x.copy()

        def backward(self, grad):
            seen["saved"] = self.saved_tensors
            return (grad,)

    op_input = tg.Tensor([1.0, 2.0], requires_grad=True)
    out = Keep.apply(op_input)
    out.sum().backward()
    assert len(seen["saved"]) == 2
    assert all(a is b for a, b in zip(seen["saved"], seen["kept"]))


def test_an_input_that_needs_no_gradient_gets_none_and_keeps_grad_none(rng):
    prediction, _ = _pair(rng, (4,))
    target = tg.Tensor(np.ones(4))  # data: requires_grad=False
    out = Huber.apply(prediction, target)
    assert out._ctx.needs_input_grad == (True, False)
    out.sum().backward()
    assert target.grad is None
    np.testing.assert_allclose(prediction.grad, np.clip(prediction.data - 1.0, -1.0, 1.0))


def test_no_grad_records_nothing_and_never_calls_backward():
    class Exploding(Huber):
        def backward(self, grad):
            raise AssertionError("backward must not run")

    p = tg.Tensor([2.0], requires_grad=True)
    with tg.no_grad():
        out = Exploding.apply(p, np.zeros(1))
    assert not out.requires_grad and out.is_leaf
    np.testing.assert_allclose(out.data, [1.5])


def test_backward_may_return_a_list_or_a_bare_array_for_one_input():
    class Double(tg.Function):
        def forward(self, x):
            return 2.0 * x

        def backward(self, grad):
            return 2.0 * grad

    class DoubleList(Double):
        def backward(self, grad):
            return [2.0 * grad]

    for op in (Double, DoubleList):
        x = tg.Tensor([1.0, 3.0], requires_grad=True)
        op.apply(x).sum().backward()
        np.testing.assert_array_equal(x.grad, [2.0, 2.0])


class _OneGradient(Huber):
    def backward(self, grad):
        return (grad,)


class _WrongShape(Huber):
    def backward(self, grad):
        return grad.sum(axis=0), None


class _NotAnArray(Huber):
    def backward(self, grad):
        return 1.0, None


class _IntegerGradient(Huber):
    def backward(self, grad):
        return np.ones(grad.shape, dtype=np.int64), None


@pytest.mark.parametrize("op, message", [
    (_OneGradient, r"_OneGradient\.backward returned 1 gradients for 2 inputs"),
    (_WrongShape, r"_WrongShape\.backward returned a gradient \(shape \(3,\) and dtype float64\) "
                  r"for input 0, which has shape \(2, 3\)"),
    (_NotAnArray, r"_NotAnArray\.backward returned a gradient \(float\) for input 0"),
    (_IntegerGradient, r"_IntegerGradient\.backward returned a gradient \(shape \(2, 3\) and "
                       r"dtype int64\) for input 0"),
])
def test_a_bad_backward_is_an_error_naming_the_op(op, message):
    p = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    out = op.apply(p, np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match=message):
        out.sum().backward()
    assert p.grad is None


@pytest.mark.parametrize("method", ["forward", "backward"])
def test_a_pytorch_style_static_method_is_refused_where_the_class_is_written(method):
    body = {"forward": lambda self, x: x, "backward": lambda self, grad: (grad,)}
    body[method] = staticmethod(lambda ctx, x: x)
    with pytest.raises(TypeError, match=rf"Cube\.{method} is a @staticmethod taking ctx"):
        type("Cube", (tg.Function,), body)
