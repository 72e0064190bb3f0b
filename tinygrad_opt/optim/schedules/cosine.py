"""Cosine annealing and SGDR warm restarts (Loshchilov & Hutter 2017)."""

import math

from ._checks import check_positive_int, check_real, check_step


def cosine_annealing(step, lr0, T_max, eta_min=0.0):
    """Cosine annealing without restarts (PyTorch's ``CosineAnnealingLR`` closed form).

    ``lr_t = eta_min + (lr0 - eta_min) * (1 + cos(pi * t / T_max)) / 2``. Past ``T_max`` the
    cosine keeps going, so the rate climbs back to ``lr0`` at ``2 * T_max``, as in PyTorch.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base (maximum) learning rate.
        T_max: Half-period in steps (> 0).
        eta_min: Minimum learning rate ``>= 0``.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("T_max", T_max, low=0, low_open=True)
    check_real("eta_min", eta_min, low=0)
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


def restart_position(step, T_0, T_mult=1):
    """Locate step ``t`` inside the SGDR cycles of lengths ``T_0, T_0 * T_mult, ...``.

    With ``T_mult = 1``: ``T_i = T_0`` and ``T_cur = t mod T_0``. Otherwise cycle ``n`` starts
    at ``T_0 * (T_mult**n - 1) / (T_mult - 1)``; the cycle is found by walking the cycle
    starts, exact for integer steps (no logarithm to round at a boundary).

    Args:
        step: Step count ``t >= 0``; may be fractional (per-batch stepping by epoch fractions).
        T_0: Length of the first cycle (a positive integer).
        T_mult: Growth factor of the cycle length (an integer >= 1).

    Returns:
        ``(T_cur, T_i)``: steps since the last restart and the current cycle length.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_real("step", step, low=0)
    check_positive_int("T_0", T_0)
    check_positive_int("T_mult", T_mult)
    if T_mult == 1:
        return step % T_0, T_0
    cycle_start, cycle_length = 0, T_0
    while step >= cycle_start + cycle_length:
        cycle_start += cycle_length
        cycle_length *= T_mult
    return step - cycle_start, cycle_length


def cosine_warm_restarts(step, lr0, T_0, T_mult=1, eta_min=0.0):
    """SGDR: cosine annealing with warm restarts (PyTorch's ``CosineAnnealingWarmRestarts``).

    ``lr_t = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, where ``T_cur`` is
    the number of steps since the last restart and ``T_i`` the length of the current cycle
    (``T_0``, then ``T_0 * T_mult``, ...; see :func:`restart_position`).

    Args:
        step: Step count ``t >= 0``.
        lr0: Base (maximum) learning rate.
        T_0: Length of the first cycle (a positive integer).
        T_mult: Growth factor of the cycle length (an integer >= 1).
        eta_min: Minimum learning rate ``>= 0``.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("eta_min", eta_min, low=0)
    steps_since_restart, cycle_length = restart_position(step, T_0, T_mult)
    return sgdr_value(steps_since_restart, cycle_length, lr0, eta_min)


def sgdr_value(T_cur, T_i, lr0, eta_min):
    """Cosine value inside one SGDR cycle, ``T_cur`` steps after a restart.

    ``lr = eta_min + (lr0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``; ``T_cur`` may be
    fractional, as with PyTorch's per-batch ``step(epoch + batch / batches)``.

    Args:
        T_cur: Steps (possibly fractional) since the last restart, in ``[0, T_i)``.
        T_i: Length of the current cycle.
        lr0: Base (maximum) learning rate.
        eta_min: Minimum learning rate.

    Returns:
        The learning rate.
    """
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2
