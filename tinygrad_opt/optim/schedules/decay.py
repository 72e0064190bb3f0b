"""Monotone schedules: constant, step, multistep, exponential, inverse-time, linear, poly."""

from bisect import bisect_right

from ._checks import check_positive_int, check_real, check_step


def constant(step, lr0, factor=1.0 / 3, total_iters=5):
    """Constant factor for a warm-up period (PyTorch's ``ConstantLR``).

    ``lr_t = lr0 * factor`` for ``t < total_iters``, then ``lr_t = lr0``.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        factor: Multiplier in [0, 1] applied during the first ``total_iters`` steps.
        total_iters: Number of steps at the reduced rate (an integer >= 0).

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("factor", factor, low=0, high=1)
    check_step(total_iters)
    return lr0 * factor if step < total_iters else lr0


def step_decay(step, lr0, step_size, gamma=0.1):
    """Step decay: multiply by ``gamma`` every ``step_size`` steps (PyTorch's ``StepLR``).

    ``lr_t = lr0 * gamma ** floor(t / step_size)``.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        step_size: Steps between two decays (a positive integer).
        gamma: Multiplicative factor per decay.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_positive_int("step_size", step_size)
    check_real("gamma", gamma, low=0)
    return lr0 * gamma ** (step // step_size)


def multistep(step, lr0, milestones, gamma=0.1):
    """Decay by ``gamma`` at each milestone (PyTorch's ``MultiStepLR``).

    ``lr_t = lr0 * gamma ** #{m in milestones : m <= t}``; a milestone listed twice counts twice.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        milestones: Iterable of non-negative integer steps, in any order.
        gamma: Multiplicative factor per milestone passed.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("gamma", gamma, low=0)
    ordered = sorted(milestones)
    for milestone in ordered:
        check_step(milestone)
    return lr0 * gamma ** bisect_right(ordered, step)


def exponential(step, lr0, gamma):
    """Exponential decay (PyTorch's ``ExponentialLR``): ``lr_t = lr0 * gamma ** t``.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        gamma: Multiplicative factor per step.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("gamma", gamma, low=0)
    return lr0 * gamma**step


def inverse_time(step, lr0, decay):
    """Inverse-time decay, the course notes' "learning rate decay".

    ``lr_t = lr0 / (1 + decay * t)``; with ``decay >= 0`` the rate never rises.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        decay: Decay rate ``>= 0``.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("decay", decay, low=0)
    return lr0 / (1 + decay * step)


def linear(step, lr0, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
    """Linear change of a multiplicative factor (PyTorch's ``LinearLR``).

    ``lr_t = lr0 * (s + (e - s) * min(t, T) / T)`` with ``s = start_factor``,
    ``e = end_factor`` and ``T = total_iters``; constant at ``lr0 * e`` after ``T``.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        start_factor: Factor at ``t = 0``, in (0, 1].
        end_factor: Factor from ``t = T`` on, in [0, 1].
        total_iters: Number of steps ``T`` of the ramp (a positive integer).

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_real("start_factor", start_factor, low=0, high=1, low_open=True)
    check_real("end_factor", end_factor, low=0, high=1)
    check_positive_int("total_iters", total_iters)
    return lr0 * (start_factor + (end_factor - start_factor) * min(total_iters, step) / total_iters)


def polynomial(step, lr0, total_iters=5, power=1.0):
    """Polynomial decay to zero (PyTorch's ``PolynomialLR``).

    ``lr_t = lr0 * (1 - min(t, T) / T) ** power`` with ``T = total_iters``; zero from ``T`` on.

    Args:
        step: Step count ``t >= 0``.
        lr0: Base learning rate.
        total_iters: Number of decay steps ``T`` (a positive integer).
        power: Exponent ``>= 0``; 1 is a linear decay.

    Returns:
        The learning rate at step ``t``.

    Raises:
        ValueError: If an argument is out of range.
    """
    check_step(step)
    check_real("lr0", lr0, low=0)
    check_positive_int("total_iters", total_iters)
    check_real("power", power, low=0)
    return lr0 * (1.0 - min(total_iters, step) / total_iters) ** power
