"""The one global random generator behind init, Dropout and shuffling.

Every function that draws random numbers takes ``rng: np.random.Generator | None``;
``None`` means "use the global generator", which ``manual_seed`` resets.
"""
import numbers

import numpy as np

_global_rng = np.random.default_rng()


def manual_seed(seed):
    """Reset the global generator to ``np.random.default_rng(seed)`` and return it.

    Args:
        seed: a non-negative int.

    Returns:
        The new global ``np.random.Generator``.

    Raises:
        TypeError: ``seed`` is not an int (a float, a string); ValueError: it is negative.
    """
    global _global_rng
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"manual_seed takes an int, got {seed!r}")
    if seed < 0:
        raise ValueError(f"manual_seed takes an int >= 0, got {seed}")
    _global_rng = np.random.default_rng(seed)
    return _global_rng


def global_rng():
    """Return the current global generator (it changes after ``manual_seed``)."""
    return _global_rng


def resolve_rng(rng=None):
    """Return ``rng`` if given, else the global generator.

    Raises:
        TypeError: ``rng`` is neither None nor a ``np.random.Generator``.
    """
    if rng is None:
        return _global_rng
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}; "
            "create one with np.random.default_rng(seed)")
    return rng
