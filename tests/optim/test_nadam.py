"""NAdam: hand-derived steps and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import NAdam
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory


def test_two_nadam_steps_with_momentum_schedule():
    lr, b1, b2, eps, psi = 0.1, 0.9, 0.999, 1e-8, 4e-3

    def mu(t):  # mu_t = b1 (1 - 0.5 * 0.96^(t psi))
        return b1 * (1 - 0.5 * 0.96 ** (t * psi))

    values, state = trajectory(lambda p: NAdam(p, lr=lr), [1.0], [[2.0], [-1.0]])
    p, m, v, product = 1.0, 0.0, 0.0, 1.0
    for t, g in [(1, 2.0), (2, -1.0)]:
        product *= mu(t)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2 ** t)) + eps
        p = p - lr * (1 - mu(t)) / (1 - product) * g / denom
        p = p - lr * mu(t + 1) / (1 - product * mu(t + 1)) * m / denom
    np.testing.assert_allclose(values[-1], [p], rtol=1e-12)
    assert state["mu_product"] == pytest.approx(product, rel=1e-15)
    assert type(state["mu_product"]) is float


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1.0), "lr: -1.0"), (dict(momentum_decay=-1.0), "momentum_decay: -1.0"),
    (dict(betas=(-0.1, 0.9)), "index 0: -0.1"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NAdam([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
