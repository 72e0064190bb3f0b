"""Argument validation shared by the schedules and the schedulers; each error names the value."""

import math
import numbers


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_count(name, value):
    """Raise ValueError unless ``value`` is an integer >= 0."""
    if not _is_integer(value) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")


def check_step(step):
    """Raise ValueError unless ``step`` is an integer >= 0."""
    check_count("step", step)


def check_positive_int(name, value):
    """Raise ValueError unless ``value`` is an integer > 0."""
    if not _is_integer(value) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def check_real(name, value, low=None, high=None, low_open=False, high_open=False):
    """Raise ValueError unless ``value`` is a finite real number within the given bounds.

    Args:
        name: Argument name, for the message.
        value: The value to check.
        low: Lower bound, or None for none.
        high: Upper bound, or None for none.
        low_open: Whether ``low`` itself is excluded.
        high_open: Whether ``high`` itself is excluded.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(-inf" if low is None else ("(" if low_open else "[") + f"{low}"
        right = "inf)" if high is None else f"{high}" + (")" if high_open else "]")
        raise ValueError(f"{name} must lie in {left}, {right}, got {value!r}")
