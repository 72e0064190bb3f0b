"""Adadelta: hand-derived steps and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import Adadelta
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory


def test_adadelta_scales_by_ratio_of_running_rms_times_lr():
    # v = rho v + (1-rho) g^2; delta = sqrt(u+eps)/sqrt(v+eps) g; u = rho u + (1-rho) delta^2
    lr, rho, eps = 0.5, 0.9, 1e-6
    values, state = trajectory(lambda p: Adadelta(p, lr=lr, rho=rho, eps=eps), [1.0],
                               [[2.0], [1.0]])
    v1 = 0.1 * 4.0
    d1 = np.sqrt(0.0 + eps) / np.sqrt(v1 + eps) * 2.0
    u1 = 0.1 * d1 ** 2
    v2 = rho * v1 + 0.1 * 1.0
    d2 = np.sqrt(u1 + eps) / np.sqrt(v2 + eps) * 1.0
    np.testing.assert_allclose(values[:, 0], [1.0 - lr * d1, 1.0 - lr * d1 - lr * d2],
                               rtol=1e-12)
    np.testing.assert_allclose(state["acc_delta"], [rho * u1 + 0.1 * d2 ** 2], rtol=1e-12)
    np.testing.assert_allclose(state["square_avg"], [v2], rtol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1.0), "lr: -1.0"), (dict(eps=-1.0), "eps: -1.0"),
    (dict(weight_decay=-1.0), "weight_decay: -1.0"), (dict(rho=1.5), "rho value: 1.5"),
    (dict(rho=-0.1), "rho value: -0.1"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adadelta([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
