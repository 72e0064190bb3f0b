"""Gradient clipping, in place on ``.grad`` (``torch.nn.utils``'s names and formulas)."""
import math

import numpy as np

from ..tensor import Tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        raise TypeError(f"pass the parameters, not the {type(parameters).__name__}: "
                        f"clip_grad_norm_(model.parameters(), ...)")
    return [param.grad for param in parameters if param.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0):
    """Rescale gradients so that their joint norm is at most ``max_norm``.

    ``total_norm = (sum_p ||g_p||_q^q)^(1/q)`` over all gradients taken as one vector
    (``q = norm_type``; ``inf`` gives ``max |g|``). When ``max_norm / (total_norm + 1e-6)``
    is below 1 (or nan: a nan gradient makes every gradient nan), every gradient is
    multiplied by it, in place; otherwise they are left alone.
    Parameters whose ``.grad`` is None are skipped. Matches
    ``torch.nn.utils.clip_grad_norm_``.

    Args:
        parameters: an iterable of Tensors/Parameters, or a single Tensor.
        max_norm: the largest allowed norm.
        norm_type: ``q`` of the q-norm (float, or ``inf``).

    Returns:
        The total norm before clipping, as a Python float (0.0 when there are no gradients).
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total_norm = max(float(np.abs(grad).max(initial=0.0)) for grad in grads)
    else:
        total_norm = float(np.linalg.norm(
            [np.linalg.norm(grad.ravel(), ord=norm_type) for grad in grads], ord=norm_type))
    clip_coef = float(max_norm) / (total_norm + 1e-6)
    if not clip_coef >= 1.0:  # a nan norm makes every gradient nan, as in PyTorch
        for grad in grads:
            grad *= clip_coef
    return total_norm


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place;
    ``torch.nn.utils.clip_grad_value_``. None gradients are skipped."""
    clip_value = float(clip_value)
    for grad in _grads(parameters):
        np.clip(grad, -clip_value, clip_value, out=grad)
