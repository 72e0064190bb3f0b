"""Shared helper for the hand-derived trajectories: one parameter, fixed gradients."""
import numpy as np

from tinygrad_opt.tensor import Tensor


def trajectory(make_optimizer, start, grads):
    """Parameter values after each step, with the given gradients fed in turn (float64)."""
    param = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    optimizer = make_optimizer([param])
    values = []
    for grad in grads:
        param.grad = np.array(grad, dtype=np.float64)
        optimizer.step()
        values.append(param.data.copy())
    return np.array(values), optimizer.state[param]
