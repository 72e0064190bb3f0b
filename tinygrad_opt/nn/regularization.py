"""Penalties added to a loss: L1/L2 on parameters and exponential barriers for bounds.

Regularisation (soft constraint) nudges parameters towards preferred values; a barrier
turns a hard bound ``w >= k`` or ``w <= k``, which gradient descent cannot enforce
directly, into a smooth cost that explodes as ``w`` crosses ``k``:
``J' = J + B`` (course notes, "Hard Constraints and Bounds"). Each function returns a
scalar Tensor to add to the loss before ``backward()``.
"""
from ..tensor import Tensor


def _as_list(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def l1_penalty(parameters, coefficient):
    """``coefficient * sum_p sum |w|`` (lasso): pushes weights to exactly zero (sparsity);
    gradient ``coefficient * sign(w)``.

    Args:
        parameters: a Tensor or an iterable of them (e.g. ``model.parameters()``).
        coefficient: the strength lambda >= 0.
    """
    return coefficient * sum(param.abs().sum() for param in _as_list(parameters))


def l2_penalty(parameters, coefficient):
    """``coefficient * sum_p sum w^2`` (ridge): shrinks weights; gradient ``2 * coefficient
    * w``, so plain SGD with ``weight_decay=wd`` equals this penalty with
    ``coefficient = wd / 2``."""
    return coefficient * sum((param * param).sum() for param in _as_list(parameters))


def exponential_barrier(parameter, bound, m=10.0, side="lower"):
    """Exponential barrier ``B = sum exp(s * m * (w - k))`` for the bound ``w >= k`` or
    ``w <= k``, from the notes' ``+-exp{m (beta - k)}``.

    The sign ``s`` of the exponent picks the side that is penalised: for an upper bound
    (``w <= k``) ``s = +1``, so ``B = exp(m (w - k))`` is 1 at the bound, grows by a factor
    ``e`` every ``1/m`` beyond it and tends to 0 inside; for a lower bound (``w >= k``)
    ``s = -1``, ``B = exp(-m (w - k))``. The barrier coefficient ``m > 0`` sets how sharp
    the wall is; ``dB/dw = s * m * B``. The bound is soft: a strong enough loss gradient
    can still push ``w`` past ``k``.

    Args:
        parameter: the Tensor to bound (every element gets the same bound).
        bound: ``k``, a number or an array broadcastable to ``parameter``.
        m: barrier coefficient, > 0.
        side: ``"lower"`` for ``w >= k``, ``"upper"`` for ``w <= k``.

    Raises:
        ValueError: ``side`` is not ``"lower"``/``"upper"`` or ``m <= 0``.
    """
    if side not in ("lower", "upper"):
        raise ValueError(f"side must be 'lower' (w >= k) or 'upper' (w <= k), got {side!r}")
    if m <= 0:
        raise ValueError(f"barrier coefficient m must be > 0, got {m}")
    sign = 1.0 if side == "upper" else -1.0
    return ((parameter - bound) * (sign * m)).exp().sum()
