"""SGD: hand-derived steps for each option, and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import SGD
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory

GRADS = [[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]]


def test_plain_sgd_is_p_minus_lr_g():
    values, state = trajectory(lambda p: SGD(p, lr=0.1), [1.0, 1.0], GRADS)
    expected = np.array([1.0, 1.0]) - 0.1 * np.cumsum(GRADS, axis=0)
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-12)
    assert state == {}


def test_momentum_buffer_starts_as_the_gradient_then_accumulates():
    # b1 = g1; b2 = 0.9 b1 + 0.5 g2 (dampening 0.5); p -= lr b
    values, state = trajectory(lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.5),
                               [0.0, 0.0], GRADS[:2])
    b1 = np.array(GRADS[0])
    b2 = 0.9 * b1 + 0.5 * np.array(GRADS[1])
    np.testing.assert_allclose(values[0], -0.1 * b1, atol=1e-12)
    np.testing.assert_allclose(values[1], -0.1 * b1 - 0.1 * b2, atol=1e-12)
    np.testing.assert_allclose(state["momentum_buffer"], b2, atol=1e-12)


def test_nesterov_steps_along_gradient_plus_momentum_times_buffer():
    # g = g + wd p; b1 = g; d = g + mu b1; p1 = p0 - lr d
    values, _ = trajectory(lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                         weight_decay=0.5), [2.0], [[1.0]])
    g = 1.0 + 0.5 * 2.0
    np.testing.assert_allclose(values[0], [2.0 - 0.1 * (g + 0.9 * g)], atol=1e-12)


def test_ema_momentum_of_the_notes_is_dampening_equal_momentum_after_step_one():
    beta = 0.8
    values, state = trajectory(lambda p: SGD(p, lr=1.0, momentum=beta, dampening=beta),
                               [0.0], [[1.0], [1.0], [1.0]])
    ema = 1.0  # first step copies g, not (1 - beta) g
    for _ in range(2):
        ema = beta * ema + (1 - beta) * 1.0
    np.testing.assert_allclose(state["momentum_buffer"], [ema], atol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-0.1), "lr: -0.1"),
    (dict(momentum=-0.5), "momentum: -0.5"),
    (dict(weight_decay=-1.0), "weight_decay: -1.0"),
    (dict(nesterov=True), "momentum=0"),
    (dict(nesterov=True, momentum=0.9, dampening=0.1), "dampening=0.1"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
