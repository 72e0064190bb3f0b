"""Gradient clipping."""
import math

import numpy as np
import pytest

from tinygrad_opt import nn


def _params(*grads):
    params = []
    for grad in grads:
        param = nn.Parameter(np.zeros(np.shape(grad)))
        param.grad = None if grad is None else np.array(grad, dtype=np.float64)
        params.append(param)
    return params


def test_clip_grad_norm_scales_by_max_norm_over_total_norm():
    params = _params([3.0, 0.0], [[4.0]], None)
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad, [3 * scale, 0.0])
    np.testing.assert_allclose(params[1].grad, [[4 * scale]])
    assert params[2].grad is None


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = _params([0.3, 0.4])
    assert nn.utils.clip_grad_norm_(params, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad, [0.3, 0.4])


def test_clip_grad_norm_inf_and_one_norms():
    params = _params([1.0, -6.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 3.0, norm_type=math.inf) == pytest.approx(6.0)
    np.testing.assert_allclose(params[0].grad, np.array([1.0, -6.0]) * 3 / (6 + 1e-6))
    params = _params([1.0, -6.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 100.0, norm_type=1) == pytest.approx(9.0)


def test_clip_grad_norm_is_in_place_and_accepts_one_tensor():
    (param,) = _params([30.0, 40.0])
    grad = param.grad
    assert nn.utils.clip_grad_norm_(param, 5.0) == pytest.approx(50.0)
    assert param.grad is grad
    assert np.linalg.norm(grad) == pytest.approx(5.0, rel=1e-6)
    assert nn.utils.clip_grad_norm_(_params(None), 1.0) == 0.0


def test_clip_grad_value_clamps_each_element_in_place():
    params = _params([-3.0, 0.5, 2.0], None)
    grad = params[0].grad
    nn.utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(grad, [-1.0, 0.5, 1.0])
    assert params[0].grad is grad and params[1].grad is None


def test_clip_grad_norm_with_a_nan_gradient_makes_every_gradient_nan():
    # PyTorch multiplies by max_norm / (nan + 1e-6) = nan: no gradient is left finite.
    a, b = _params([np.nan, 1.0], [2.0])
    assert math.isnan(nn.utils.clip_grad_norm_([a, b], 1.0))
    assert np.isnan(a.grad).all() and np.isnan(b.grad).all()
