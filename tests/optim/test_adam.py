"""Adam and AdamW: hand-derived steps for each option, and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import Adam, AdamW
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory

B1, B2, EPS = 0.9, 0.999, 1e-8


def test_first_adam_step_has_size_lr_whatever_the_gradient_scale():
    # m1 = (1-b1) g, v1 = (1-b2) g^2: p1 = p0 - lr/(1-b1) m1 / (sqrt(v1)/sqrt(1-b2) + eps)
    values, _ = trajectory(lambda p: Adam(p, lr=0.1), [0.0, 0.0], [[1e3, -1e-3]])
    np.testing.assert_allclose(values[0], [-0.1 * 1e3 / (1e3 + EPS), 0.1 * 1e-3 / (1e-3 + EPS)],
                               rtol=1e-12)


def test_two_adam_steps_with_l2_weight_decay():
    lr, wd = 0.1, 0.5
    values, state = trajectory(lambda p: Adam(p, lr=lr, weight_decay=wd), [1.0],
                               [[2.0], [-1.0]])
    p, m, v = 1.0, 0.0, 0.0
    for t, grad in [(1, 2.0), (2, -1.0)]:
        g = grad + wd * p
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        p = p - lr / (1 - B1 ** t) * m / (np.sqrt(v) / np.sqrt(1 - B2 ** t) + EPS)
    np.testing.assert_allclose(values[-1], [p], rtol=1e-12)
    np.testing.assert_allclose(state["exp_avg"], [m], rtol=1e-12)


def test_amsgrad_divides_by_the_largest_second_moment_so_far():
    values, state = trajectory(lambda p: Adam(p, lr=0.1, amsgrad=True), [0.0],
                               [[3.0], [0.01]])
    v1 = (1 - B2) * 9.0
    v2 = B2 * v1 + (1 - B2) * 0.01 ** 2
    m2 = B1 * (1 - B1) * 3.0 + (1 - B1) * 0.01
    step2 = 0.1 / (1 - B1 ** 2) * m2 / (np.sqrt(v1) / np.sqrt(1 - B2 ** 2) + EPS)
    assert v2 < v1
    np.testing.assert_allclose(values[1] - values[0], [-step2], rtol=1e-9)
    np.testing.assert_allclose(state["max_exp_avg_sq"], [v1], rtol=1e-12)
    np.testing.assert_allclose(state["exp_avg_sq"], [v2], rtol=1e-12)


def test_adamw_shrinks_the_parameter_before_an_undecayed_adam_step():
    lr, wd = 0.1, 0.2
    values, _ = trajectory(lambda p: AdamW(p, lr=lr, weight_decay=wd), [2.0], [[1.0]])
    shrunk = 2.0 * (1 - lr * wd)
    np.testing.assert_allclose(values[0], [shrunk - lr * 1.0 / (1.0 + EPS)], rtol=1e-12)
    assert AdamW([Tensor(np.zeros(1), requires_grad=True)]).defaults["weight_decay"] == 1e-2


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-1.0), "lr: -1.0"), (dict(eps=-1.0), "eps: -1.0"),
    (dict(weight_decay=-1.0), "weight_decay: -1.0"),
    (dict(betas=(1.0, 0.999)), "index 0: 1.0"), (dict(betas=(0.9, -0.1)), "index 1: -0.1"),
])
def test_invalid_options_raise_naming_the_value(kwargs, message):
    for cls in (Adam, AdamW):
        with pytest.raises(ValueError, match=message):
            cls([Tensor(np.zeros(2), requires_grad=True)], **kwargs)
