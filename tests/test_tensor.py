"""Tensor facade and autograd engine: dtypes, accumulation, graph shapes, errors."""
import numpy as np
import pytest

import tinygrad_opt as tg


def test_python_floats_default_to_float32_and_float64_arrays_stay_float64():
    assert tg.Tensor([1.0, 2.0]).dtype == np.float32
    assert tg.Tensor(np.array([1.0, 2.0])).dtype == np.float64
    assert tg.Tensor([1, 2]).dtype == np.int64
    assert tg.Tensor([1.0], dtype=np.float64).dtype == np.float64


def test_mixing_dtypes_promotes_like_numpy_and_scalars_are_weak():
    f32 = tg.Tensor(np.ones(2, dtype=np.float32))
    f64 = tg.Tensor(np.ones(2))
    assert (f32 + f64).dtype == np.float64
    assert (f32 * 2.5).dtype == np.float32
    assert (2.5 - f32).dtype == np.float32
    assert (tg.Tensor([1, 2]) * 0.5).data.tolist() == [0.5, 1.0]


def test_constructor_copies_numpy_data():
    source = np.zeros(3)
    t = tg.Tensor(source)
    t.data[0] = 1.0
    assert source[0] == 0.0


def test_integer_and_boolean_tensors_cannot_require_grad():
    with pytest.raises(ValueError, match="int64"):
        tg.Tensor([1, 2], requires_grad=True)
    with pytest.raises(ValueError, match="bool"):
        tg.Tensor(np.array([True]), requires_grad=True)


def test_setting_requires_grad_checks_as_the_constructor_does():
    labels = tg.Tensor(np.array([1, 2], dtype=np.int32))
    with pytest.raises(ValueError, match="only floating-point tensors.*int32"):
        labels.requires_grad = True
    assert labels.requires_grad is False
    x = tg.Tensor(np.ones(2))
    x.requires_grad = True
    assert x.requires_grad is True and (x * 2).requires_grad
    with pytest.raises(RuntimeError, match="only leaves can be frozen"):
        (x * 2).requires_grad = False


def test_backward_twice_accumulates_gradient():
    x = tg.Tensor(np.array([1.0, -2.0]), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * (2 * x.data))


def test_tensor_used_twice_gets_both_contributions():
    x = tg.Tensor(np.array(3.0), requires_grad=True)
    a = x * 2
    b = x * x
    (a * b).backward()  # d/dx (2x * x^2) = 6 x^2
    assert x.grad == pytest.approx(54.0)


def test_diamond_graph_gradient():
    x = tg.Tensor(np.array([0.5, 1.5]), requires_grad=True)
    h = x.exp()
    y = (h.tanh() + h.sigmoid() * h).sum()
    y.backward()
    e = np.exp(x.data)
    s = 1 / (1 + np.exp(-e))
    expected = e * ((1 - np.tanh(e) ** 2) + s * (1 - s) * e + s)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12)


def test_ten_thousand_deep_chain_needs_no_recursion():
    x = tg.Tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 10_000, rel=1e-9)


def test_no_grad_records_no_graph_and_restores_mode():
    x = tg.Tensor(np.ones(2), requires_grad=True)
    with tg.no_grad():
        y = x * 2
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_no_grad_works_as_decorator():
    @tg.no_grad()
    def double(t):
        return t * 2

    assert not double(tg.Tensor(np.ones(1), requires_grad=True)).requires_grad


def test_detach_cuts_the_graph_and_shares_data():
    x = tg.Tensor(np.ones(2), requires_grad=True)
    d = (x * 3).detach()
    assert not d.requires_grad
    y = (x * d).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_only_tensors_requiring_grad_receive_gradients():
    x = tg.Tensor(np.ones(2), requires_grad=True)
    c = tg.Tensor(np.ones(2))
    (x * c).sum().backward()
    assert c.grad is None and x.grad is not None


def test_backward_of_non_scalar_needs_grad_argument():
    x = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        (x * 2).backward()
    (x * 2).backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))


def test_backward_grad_of_wrong_shape_names_both_shapes():
    x = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        (x * 2).backward(np.ones(3))


def test_gradient_keeps_parameter_dtype():
    w = tg.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    (w * tg.Tensor(np.ones(3))).sum().backward()  # float64 graph
    assert w.grad.dtype == np.float32


def test_zero_grad_sets_none():
    x = tg.Tensor(np.ones(1), requires_grad=True)
    (x * 2).sum().backward()
    x.zero_grad()
    assert x.grad is None


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) @ \(4, 2\)"):
        tg.Tensor(np.ones((2, 3))) @ tg.Tensor(np.ones((4, 2)))


def test_reshape_to_incompatible_size_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        tg.Tensor(np.ones((2, 3))).reshape(4)


def test_broadcast_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(2,3\).*\(4,\)"):
        tg.Tensor(np.ones((2, 3))) + tg.Tensor(np.ones(4))


def test_log_of_non_positive_gives_inf_and_nan_like_numpy():
    with np.errstate(divide="ignore", invalid="ignore"):
        out = tg.Tensor(np.array([0.0, -1.0])).log()
    assert out.data[0] == -np.inf and np.isnan(out.data[1])


def test_comparisons_return_boolean_arrays_and_tensors_hash_by_identity():
    a = tg.Tensor(np.array([1.0, 2.0]))
    assert isinstance(a > 1.5, np.ndarray) and (a > 1.5).tolist() == [False, True]
    assert (a == a).all()
    assert len({a, tg.Tensor(np.array([1.0, 2.0]))}) == 2


def test_ndarray_on_the_left_defers_to_tensor():
    x = tg.Tensor(np.ones(2), requires_grad=True)
    y = np.array([2.0, 3.0]) * x
    assert isinstance(y, tg.Tensor)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


def test_in_place_update_refused_while_recording_allowed_in_no_grad():
    w = tg.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 0.1
    with tg.no_grad():
        w -= 0.5
    np.testing.assert_array_equal(w.data, [0.5, 0.5])


def test_item_numpy_and_properties():
    t = tg.Tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3) and t.ndim == 2 and t.T.shape == (3, 2)
    assert t.numpy() is t.data
    assert tg.Tensor(np.array([4.0])).item() == 4.0
    with pytest.raises(ValueError, match="one-element"):
        t.item()


def test_backward_accumulates_into_the_current_grad_array():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    (w * 2).sum().backward()
    first = w.grad
    (w * 3).sum().backward()
    assert w.grad is first
    np.testing.assert_array_equal(first, [5.0, 5.0, 5.0])


def test_a_grad_handed_out_before_zero_grad_is_never_written_again():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    (w * 2).sum().backward()
    first = w.grad
    w.zero_grad()
    (w * 3).sum().backward()
    assert w.grad is not first
    np.testing.assert_array_equal(first, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(w.grad, [3.0, 3.0, 3.0])


def test_getitem_accepts_tensor_indices():
    x = tg.Tensor(np.arange(4.0), requires_grad=True)
    x[tg.Tensor(np.array([3, 3]))].sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0, 2.0])


def test_op_returning_no_gradient_still_releases_its_inputs():
    from tinygrad_opt.autograd import Function

    class StopGradient(Function):
        def forward(self, x):
            return x.copy()

        def backward(self, grad):
            return (None,)

    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    blocked = StopGradient.apply(x)
    (blocked * 5 + x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


@pytest.mark.parametrize("data", [None, ["a", "b"], [object()]], ids=["None", "str", "object"])
def test_non_numeric_data_is_a_type_error(data):
    with pytest.raises(TypeError, match="numeric"):
        tg.Tensor(data)
