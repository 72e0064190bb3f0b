"""Adamax: hand-derived steps and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import Adamax
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory


def test_adamax_uses_decayed_max_of_abs_gradient_plus_eps():
    # m = b1 m + (1-b1) g; u = max(b2 u, |g| + eps); p -= lr/(1-b1^t) m / u
    lr, b1, b2, eps = 0.1, 0.9, 0.5, 1e-8
    values, state = trajectory(lambda p: Adamax(p, lr=lr, betas=(b1, b2)), [0.0],
                               [[4.0], [1.0]])
    m1, u1 = 0.4, 4.0 + eps
    p1 = -lr / (1 - b1) * m1 / u1
    m2, u2 = b1 * m1 + 0.1 * 1.0, max(b2 * u1, 1.0 + eps)
    np.testing.assert_allclose(values[:, 0], [p1, p1 - lr / (1 - b1 ** 2) * m2 / u2],
                               rtol=1e-12)
    np.testing.assert_allclose(state["exp_inf"], [u2], rtol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1.0), "lr: -1.0"), (dict(eps=-1.0), "eps: -1.0"),
    (dict(weight_decay=-1.0), "weight_decay: -1.0"), (dict(betas=(0.9, 1.0)), "index 1: 1.0"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adamax([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
