"""Every differentiable op: forward against NumPy, backward against central differences.

One table drives both checks: (name, tinygrad expression, NumPy expression, input shapes,
how inputs are drawn). Shapes cover broadcasting over leading and size-1 axes, scalars,
size-1 and empty axes.
"""
import numpy as np
import pytest

import tinygrad_opt as tg

BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), (2, 3)),
                   ((), (2, 3)), ((2, 3), ())]
UNARY_SHAPES = [(5,), (2, 3), (1, 4, 1), ()]


def _draw(rng, shape, kind):
    if kind == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if kind == "away_from_zero":  # keeps kinks (relu, abs) more than eps away
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)
    return rng.normal(size=shape)


BINARY = [
    ("add", lambda a, b: a + b, np.add, "normal"),
    ("sub", lambda a, b: a - b, np.subtract, "normal"),
    ("mul", lambda a, b: a * b, np.multiply, "normal"),
    ("div", lambda a, b: a / b, np.divide, "positive"),
    ("pow", lambda a, b: a ** b, np.power, "positive"),
    ("maximum", lambda a, b: a.maximum(b), np.maximum, "normal"),
]

UNARY = [
    ("neg", lambda a: -a, np.negative, "normal"),
    ("exp", lambda a: a.exp(), np.exp, "normal"),
    ("log", lambda a: a.log(), np.log, "positive"),
    ("sqrt", lambda a: a.sqrt(), np.sqrt, "positive"),
    ("abs", lambda a: a.abs(), np.abs, "away_from_zero"),
    ("cos", lambda a: a.cos(), np.cos, "normal"),
    ("tanh", lambda a: a.tanh(), np.tanh, "normal"),
    ("sigmoid", lambda a: a.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), "normal"),
    ("relu", lambda a: a.relu(), lambda x: np.maximum(x, 0), "away_from_zero"),
    ("leaky_relu", lambda a: a.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x),
     "away_from_zero"),
    ("clip", lambda a: a.clip(-0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7), "normal"),
    ("pow_scalar", lambda a: a ** 3, lambda x: x ** 3, "normal"),
    ("rpow", lambda a: 2.0 ** a, lambda x: 2.0 ** x, "normal"),
    ("rsub_scalar", lambda a: 1.5 - a, lambda x: 1.5 - x, "normal"),
    ("rdiv_scalar", lambda a: 1.5 / a, lambda x: 1.5 / x, "positive"),
]


@pytest.mark.parametrize("name, op, reference, kind", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_binary_op_matches_numpy_and_gradcheck(rng, name, op, reference, kind, shapes):
    a_np, b_np = (_draw(rng, shape, kind) for shape in shapes)
    a, b = tg.Tensor(a_np, requires_grad=True), tg.Tensor(b_np, requires_grad=True)
    np.testing.assert_allclose(op(a, b).data, reference(a_np, b_np), rtol=1e-12)
    assert tg.gradcheck(op, [a, b])


@pytest.mark.parametrize("name, op, reference, kind", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=str)
def test_unary_op_matches_numpy_and_gradcheck(rng, name, op, reference, kind, shape):
    x_np = _draw(rng, shape, kind)
    x = tg.Tensor(x_np, requires_grad=True)
    np.testing.assert_allclose(op(x).data, reference(x_np), rtol=1e-12)
    assert tg.gradcheck(op, [x])


REDUCTIONS = [
    ("sum", lambda x, **kw: x.sum(**kw), np.sum),
    ("mean", lambda x, **kw: x.mean(**kw), np.mean),
    ("var", lambda x, **kw: x.var(**kw), np.var),
    ("var_ddof1", lambda x, **kw: x.var(ddof=1, **kw), lambda x, **kw: np.var(x, ddof=1, **kw)),
    ("max", lambda x, **kw: x.max(**kw), np.max),
    ("min", lambda x, **kw: x.min(**kw), np.min),
]
AXES = [(None, False), (0, False), (1, True), (-1, False), ((0, 2), False), ((0, 2), True)]


@pytest.mark.parametrize("name, op, reference", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("axis, keepdims", AXES, ids=str)
def test_reduction_matches_numpy_and_gradcheck(rng, name, op, reference, axis, keepdims):
    x_np = rng.normal(size=(3, 4, 2))
    x = tg.Tensor(x_np, requires_grad=True)
    expected = reference(x_np, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(op(x, axis=axis, keepdims=keepdims).data, expected, rtol=1e-12)
    assert tg.gradcheck(lambda t: op(t, axis=axis, keepdims=keepdims), [x])


SOFTMAXES = [
    ("softmax", lambda x, axis: x.softmax(axis=axis),
     lambda x, axis: np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True)),
    ("log_softmax", lambda x, axis: x.log_softmax(axis=axis),
     lambda x, axis: x - np.log(np.exp(x).sum(axis=axis, keepdims=True))),
]


@pytest.mark.parametrize("name, op, reference", SOFTMAXES, ids=[s[0] for s in SOFTMAXES])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_matches_numpy_and_gradcheck(rng, name, op, reference, axis):
    x_np = rng.normal(size=(3, 4, 2))
    x = tg.Tensor(x_np, requires_grad=True)
    np.testing.assert_allclose(op(x, axis).data, reference(x_np, axis), rtol=1e-12)
    assert tg.gradcheck(lambda t: op(t, axis), [x])


SHAPE_OPS = [
    ("reshape", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6)),
    ("reshape_tuple_infer", lambda x: x.reshape((2, -1)), lambda x: x.reshape(2, -1)),
    ("transpose", lambda x: x.transpose(2, 0, 1), lambda x: x.transpose(2, 0, 1)),
    ("T", lambda x: x.T, lambda x: x.T),
    ("slice", lambda x: x[1:, ::2, 0], lambda x: x[1:, ::2, 0]),
    ("int_array_repeats", lambda x: x[np.array([0, 1, 1, 0])], lambda x: x[[0, 1, 1, 0]]),
    ("bool_mask", lambda x: x[x.data > 0], lambda x: x[x > 0]),
    ("fancy_pairs", lambda x: x[np.array([0, 1]), np.array([2, 2])],
     lambda x: x[[0, 1], [2, 2]]),
    ("concatenate", lambda x: tg.concatenate([x, x * 2], axis=1),
     lambda x: np.concatenate([x, x * 2], axis=1)),
    ("stack", lambda x: tg.stack([x, x.exp()], axis=-1), lambda x: np.stack([x, np.exp(x)], -1)),
]


@pytest.mark.parametrize("name, op, reference", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
def test_shape_op_matches_numpy_and_gradcheck(rng, name, op, reference):
    x_np = rng.normal(size=(2, 3, 4))
    x = tg.Tensor(x_np, requires_grad=True)
    np.testing.assert_allclose(op(x).data, reference(x_np), rtol=1e-12)
    assert tg.gradcheck(op, [x])


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 5))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_matches_numpy_and_gradcheck(rng, shapes):
    a_np, b_np = (rng.normal(size=shape) for shape in shapes)
    a, b = tg.Tensor(a_np, requires_grad=True), tg.Tensor(b_np, requires_grad=True)
    np.testing.assert_allclose((a @ b).data, a_np @ b_np, rtol=1e-12)
    assert tg.gradcheck(lambda x, y: x @ y, [a, b])


@pytest.mark.parametrize("x_shape", [(5, 3), (2, 5, 3), (3,)], ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_fused_linear_equals_matmul_plus_bias(rng, x_shape, with_bias):
    x = tg.Tensor(rng.normal(size=x_shape), requires_grad=True)
    w = tg.Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = tg.Tensor(rng.normal(size=(4,)), requires_grad=True)
    expected = x.data @ w.data + (b.data if with_bias else 0)
    np.testing.assert_allclose(x.linear(w, b if with_bias else None).data, expected, rtol=1e-12)
    inputs = [x, w, b] if with_bias else [x, w]
    assert tg.gradcheck(lambda *t: t[0].linear(*t[1:]), inputs)


@pytest.mark.parametrize("x_shape", [(5, 3), (2, 5, 3), (3,)], ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_fused_linear_relu_equals_linear_then_relu_and_passes_gradcheck(
        rng, x_shape, with_bias):
    from tinygrad_opt.functions.linear import LinearReLU
    x = tg.Tensor(rng.normal(size=x_shape), requires_grad=True)
    w = tg.Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = tg.Tensor(rng.normal(size=(4,)), requires_grad=True)
    inputs = [x, w, b] if with_bias else [x, w]
    pre = x.linear(*inputs[1:]).data
    assert np.abs(pre).min() > 1e-3  # no kink within gradcheck's eps
    out = LinearReLU.apply(*inputs)
    np.testing.assert_array_equal(out.data, np.maximum(pre, 0))
    upstream = rng.normal(size=out.shape)
    (out * upstream).sum().backward()
    fused_grads = [t.grad for t in inputs]
    for t in inputs:
        t.zero_grad()
    (x.linear(*inputs[1:]).relu() * upstream).sum().backward()
    for fused, composed in zip(fused_grads, [t.grad for t in inputs]):
        np.testing.assert_array_equal(fused, composed)
    assert tg.gradcheck(lambda *t: LinearReLU.apply(*t), inputs)


def test_fused_linear_relu_gradient_is_zero_where_the_output_is_zero():
    from tinygrad_opt.functions.linear import LinearReLU
    x = tg.Tensor([[1.0, -1.0]], requires_grad=True, dtype=np.float64)
    w = tg.Tensor([[1.0, 2.0], [1.0, 1.0]], requires_grad=True, dtype=np.float64)
    out = LinearReLU.apply(x, w)  # pre-activations [0, 1]: the first sits at the kink
    out.sum().backward()
    np.testing.assert_array_equal(out.data, [[0.0, 1.0]])
    np.testing.assert_array_equal(w.grad, [[0.0, 1.0], [0.0, -1.0]])
    np.testing.assert_array_equal(x.grad, [[2.0, 1.0]])


def test_mean_over_empty_axis_is_nan_like_numpy():
    x = tg.Tensor(np.zeros((0, 3)), requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"), pytest.warns(RuntimeWarning):
        out = x.mean(axis=0)
    assert np.isnan(out.data).all()
    assert x.sum(axis=0).data.tolist() == [0.0, 0.0, 0.0]


def test_sum_over_empty_axis_backpropagates_empty_gradient():
    x = tg.Tensor(np.zeros((0, 3)), requires_grad=True)
    x.sum().backward()
    assert x.grad.shape == (0, 3)


def test_max_splits_gradient_between_ties():
    x = tg.Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5, 0.0])


def test_maximum_splits_gradient_at_ties():
    a = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = tg.Tensor(np.array([1.0, 0.0]), requires_grad=True)
    a.maximum(b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0])


def test_relu_gradient_at_zero_is_zero_and_clip_bounds_count_inside():
    x = tg.Tensor(np.array([0.0, -0.5, 0.7, 1.0]), requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0, 1.0])
    x.zero_grad()
    x.clip(-0.5, 0.7).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0, 0.0])


def test_softmax_and_log_softmax_are_stable_for_huge_logits():
    x = tg.Tensor(np.array([[1e4, 0.0, -1e4]]), requires_grad=True)
    out = x.log_softmax()
    assert np.isfinite(out.data).all()
    np.testing.assert_allclose(out.data, [[0.0, -1e4, -2e4]])
    (out * tg.Tensor(np.array([[1.0, 2.0, 3.0]]))).sum().backward()
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(x.softmax().data, [[1.0, 0.0, 0.0]])


def test_sigmoid_does_not_overflow():
    x = tg.Tensor(np.array([-1000.0, 0.0, 1000.0]), requires_grad=True)
    out = x.sigmoid()
    np.testing.assert_array_equal(out.data, [0.0, 0.5, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.25, 0.0])


def test_pow_gradient_with_respect_to_exponent_is_zero_at_zero_base():
    base = tg.Tensor(np.array([0.0, 2.0]))
    exponent = tg.Tensor(np.array([2.0, 3.0]), requires_grad=True)
    (base ** exponent).sum().backward()
    np.testing.assert_allclose(exponent.grad, [0.0, 8 * np.log(2)])


def test_to_casts_and_sends_gradient_back_in_the_source_dtype():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x.to(np.float32)
    assert y.dtype == np.float32
    (y * 3).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_gradient_of_x_to_the_zero_is_zero_at_zero():
    from tinygrad_opt.tensor import Tensor
    x = Tensor(np.array([0.0, 2.0, -1.5]), requires_grad=True)
    (x ** 0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    exponent = Tensor(np.array([0.0, 1.0, 2.0]))
    y = Tensor(np.array([0.0, 0.0, 3.0]), requires_grad=True)
    (y ** exponent).sum().backward()
    np.testing.assert_array_equal(y.grad, [0.0, 1.0, 6.0])
