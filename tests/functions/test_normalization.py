"""Normalize: forward against NumPy, analytic backward against central differences."""
import numpy as np
import pytest

from tinygrad_opt.functions.normalization import Normalize
from tinygrad_opt.gradcheck import gradcheck
from tinygrad_opt.tensor import Tensor

CASES = [  # (shape, axes): BatchNorm (N, C) and (N, C, L), LayerNorm, GroupNorm-style
    ((5, 3), (0,)),
    ((4, 3, 5), (0, 2)),
    ((3, 4), (-1,)),
    ((2, 3, 4), (1, 2)),
    ((2, 2, 6), (2,)),
    ((1, 6), (1,)),  # batch of one, normalised over features
]


def _normalize(x, axes, eps=1e-5):
    return Normalize.apply(x, axes=axes, eps=eps)


@pytest.mark.parametrize("shape, axes", CASES)
def test_forward_matches_numpy_with_biased_variance(rng, shape, axes):
    x = rng.normal(1.0, 3.0, shape)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(_normalize(Tensor(x), axes).data, expected, rtol=1e-12)


@pytest.mark.parametrize("shape, axes", CASES)
def test_backward_matches_central_differences(rng, shape, axes):
    x = Tensor(rng.normal(0.5, 2.0, shape), requires_grad=True)
    assert gradcheck(lambda t: _normalize(t, axes), [x])


def test_backward_of_weighted_sum_matches_closed_form(rng):
    x = rng.normal(size=(6, 2))
    upstream = rng.normal(size=(6, 2))
    t = Tensor(x, requires_grad=True)
    _normalize(t, (0,), eps=0.0).backward(upstream)
    x_hat = (x - x.mean(0)) / x.std(0)
    expected = (upstream - upstream.mean(0) - x_hat * (upstream * x_hat).mean(0)) / x.std(0)
    np.testing.assert_allclose(t.grad, expected, rtol=1e-10)


def test_float32_stays_float32(rng):
    x = Tensor(rng.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    out = _normalize(x, (0,))
    out.backward(np.ones((4, 3), np.float32))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


def test_constant_input_gives_zero_not_nan():
    out = _normalize(Tensor(np.full((3, 2), 7.0)), (0,))
    np.testing.assert_array_equal(out.data, 0.0)


@pytest.mark.parametrize("axes, error, message", [
    ((2,), np.exceptions.AxisError, "axis 2 is out of bounds for array of dimension 2"),
    ((0, -2), ValueError, r"repeated axis in \(0, -2\)"),
])
@pytest.mark.parametrize("apply", [_normalize, lambda x, axes: x.sum(axis=axes)])
def test_bad_axes_give_the_same_named_error_here_and_in_reductions(apply, axes, error,
                                                                   message):
    with pytest.raises(error, match=message):
        apply(Tensor(np.ones((2, 3))), axes)
