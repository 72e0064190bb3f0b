"""Adagrad: hand-derived steps and validation."""
import numpy as np
import pytest

from tinygrad_opt.optim import Adagrad
from tinygrad_opt.tensor import Tensor

from ._hand import trajectory


def test_adagrad_divides_by_root_of_summed_squares_with_decayed_rate():
    # clr_t = lr / (1 + (t - 1) lr_decay); sum_t = sum_{t-1} + g^2; p -= clr g / (sqrt(sum)+eps)
    lr, lr_decay, eps, start = 0.1, 0.5, 1e-10, 0.3
    values, state = trajectory(lambda p: Adagrad(p, lr=lr, lr_decay=lr_decay,
                                                 initial_accumulator_value=start),
                               [1.0], [[2.0], [-1.0]])
    sum1 = start + 4.0
    p1 = 1.0 - lr * 2.0 / (np.sqrt(sum1) + eps)
    sum2 = sum1 + 1.0
    p2 = p1 - lr / (1 + lr_decay) * -1.0 / (np.sqrt(sum2) + eps)
    np.testing.assert_allclose(values[:, 0], [p1, p2], rtol=1e-12)
    np.testing.assert_allclose(state["sum"], [sum2], rtol=1e-12)
    assert state["step"] == 2.0


def test_weight_decay_is_added_to_the_gradient():
    values, _ = trajectory(lambda p: Adagrad(p, lr=0.1, weight_decay=0.5), [2.0], [[1.0]])
    g = 1.0 + 0.5 * 2.0
    np.testing.assert_allclose(values[0], [2.0 - 0.1 * g / (abs(g) + 1e-10)], rtol=1e-12)


@pytest.mark.parametrize("name", ["lr", "lr_decay", "weight_decay",
                                  "initial_accumulator_value", "eps"])
def test_negative_options_raise_naming_the_value(name):
    with pytest.raises(ValueError, match=f"{name}: -1"):
        Adagrad([Tensor(np.zeros(2), requires_grad=True)], **{name: -1.0})
