"""L1/L2 penalties and the exponential barrier for bounds."""
import math

import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.gradcheck import gradcheck
from tinygrad_opt.nn.regularization import exponential_barrier, l1_penalty, l2_penalty
from tinygrad_opt.tensor import Tensor


def test_l1_and_l2_penalties_over_a_model():
    model = nn.Dense(2, 2, weight_init="zeros")
    model.weight.data[...] = [[1.0, -2.0], [0.0, 3.0]]
    model.bias.data[...] = [-1.0, 0.5]
    assert l1_penalty(model.parameters(), 0.1).item() == pytest.approx(0.75)
    assert l2_penalty(model.parameters(), 0.5).item() == pytest.approx(0.5 * 15.25)
    l2_penalty(model.parameters(), 0.5).backward()
    np.testing.assert_allclose(model.weight.grad, model.weight.data)


@pytest.mark.parametrize("side, sign", [("upper", 1.0), ("lower", -1.0)])
def test_exponential_barrier_value_and_gradient(side, sign):
    w = Tensor(np.array([0.5, 1.0, 1.5]), requires_grad=True)
    barrier = exponential_barrier(w, bound=1.0, m=4.0, side=side)
    expected = np.exp(sign * 4.0 * (w.data - 1.0))
    assert barrier.item() == pytest.approx(expected.sum())
    barrier.backward()
    np.testing.assert_allclose(w.grad, sign * 4.0 * expected)
    assert gradcheck(lambda t: exponential_barrier(t, 1.0, 4.0, side), [w])


def test_exponential_barrier_penalises_only_the_infeasible_side():
    inside = exponential_barrier(Tensor(np.array([0.0])), 1.0, m=10.0, side="upper").item()
    outside = exponential_barrier(Tensor(np.array([1.5])), 1.0, m=10.0, side="upper").item()
    assert inside == pytest.approx(math.exp(-10)) and outside == pytest.approx(math.exp(5))


def test_exponential_barrier_keeps_a_descent_run_above_a_lower_bound():
    w = Tensor(np.array([2.0]), requires_grad=True)
    for _ in range(500):  # minimise w^2 subject to w >= 1 via the barrier
        w.grad = None
        ((w * w).sum() + exponential_barrier(w, 1.0, m=20.0, side="lower")).backward()
        w.data -= 0.01 * w.grad
    assert 1.0 < w.data[0] < 1.2


def test_exponential_barrier_validates_side_and_m():
    with pytest.raises(ValueError, match="'left'"):
        exponential_barrier(Tensor(np.zeros(1)), 0.0, side="left")
    with pytest.raises(ValueError, match="m must be > 0"):
        exponential_barrier(Tensor(np.zeros(1)), 0.0, m=0.0)
