"""RMSprop: hand-derived steps for each option, and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import RMSprop
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory


def test_plain_rmsprop_puts_eps_outside_the_root():
    # v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps)
    values, _ = trajectory(lambda p: RMSprop(p, lr=0.01, alpha=0.9, eps=1e-3), [1.0],
                           [[2.0], [1.0]])
    v1 = 0.1 * 4.0
    p1 = 1.0 - 0.01 * 2.0 / (np.sqrt(v1) + 1e-3)
    v2 = 0.9 * v1 + 0.1 * 1.0
    np.testing.assert_allclose(values[:, 0], [p1, p1 - 0.01 * 1.0 / (np.sqrt(v2) + 1e-3)],
                               rtol=1e-12)


def test_centered_momentum_rmsprop():
    # gbar = gbar + (1-alpha)(g - gbar); avg = sqrt(v - gbar^2) + eps; b = mu b + g / avg
    alpha, lr, mu, eps = 0.9, 0.01, 0.5, 1e-8
    values, state = trajectory(lambda p: RMSprop(p, lr=lr, alpha=alpha, momentum=mu,
                                                 centered=True), [1.0], [[2.0], [1.0]])
    v1, gbar1 = 0.1 * 4.0, 0.1 * 2.0
    b1 = 2.0 / (np.sqrt(v1 - gbar1 ** 2) + eps)
    v2, gbar2 = alpha * v1 + 0.1 * 1.0, gbar1 + 0.1 * (1.0 - gbar1)
    b2 = mu * b1 + 1.0 / (np.sqrt(v2 - gbar2 ** 2) + eps)
    np.testing.assert_allclose(values[:, 0], [1.0 - lr * b1, 1.0 - lr * b1 - lr * b2],
                               rtol=1e-12)
    np.testing.assert_allclose(state["grad_avg"], [gbar2], rtol=1e-12)
    assert set(state) == {"step", "square_avg", "momentum_buffer", "grad_avg"}


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1.0), "lr: -1.0"), (dict(eps=-1.0), "eps: -1.0"),
    (dict(momentum=-1.0), "momentum: -1.0"), (dict(weight_decay=-1.0), "weight_decay: -1.0"),
    (dict(alpha=1.5), "alpha value: 1.5"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RMSprop([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
