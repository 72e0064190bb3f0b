"""Functions that create tensors, with PyTorch's names: tensor, zeros, ones, full, randn,
rand, arange, zeros_like, ones_like, eye, linspace, from_numpy.

A shape is given as ints (``zeros(2, 3)``) or one tuple (``zeros((2, 3))``). Results are
float32 unless ``dtype=`` says otherwise (``arange`` of integers gives int64, as PyTorch);
every factory takes ``requires_grad=``. Random ones draw from the global generator
(``tg.manual_seed``) unless given ``rng=``; they draw in float64 and then convert, so one
seed gives the same numbers (to rounding) whatever the dtype.
"""
import numpy as np

from ._random import resolve_rng
from .tensor import Tensor

_DEFAULT_DTYPE = np.float32


def _shape(shape, name):
    """A shape tuple from ``(2, 3)`` or ``((2, 3),)``, each size a non-negative int."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for size in shape:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"{name}: every size in a shape must be a non-negative int, "
                             f"got {size!r} in shape {shape}")
    return tuple(int(size) for size in shape)


def _make(array, dtype, requires_grad):
    return Tensor(array, requires_grad=requires_grad, dtype=dtype or _DEFAULT_DTYPE)


def tensor(data, requires_grad=False, dtype=None):
    """A Tensor from ``data`` (a copy), as ``Tensor(data, requires_grad, dtype)``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape, dtype=None, requires_grad=False):
    """A tensor of zeros of the given shape."""
    return _make(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(*shape, dtype=None, requires_grad=False):
    """A tensor of ones of the given shape."""
    return _make(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape, value, dtype=None, requires_grad=False):
    """A tensor of the given shape filled with ``value`` (float32 unless ``dtype``)."""
    shape = _shape(shape if isinstance(shape, (tuple, list)) else (shape,), "full")
    return _make(np.full(shape, value), dtype, requires_grad)


def randn(*shape, dtype=None, requires_grad=False, rng=None):
    """Samples of the standard normal distribution N(0, 1)."""
    return _make(resolve_rng(rng).standard_normal(_shape(shape, "randn")), dtype, requires_grad)


def rand(*shape, dtype=None, requires_grad=False, rng=None):
    """Samples of the uniform distribution on [0, 1)."""
    return _make(resolve_rng(rng).random(_shape(shape, "rand")), dtype, requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """Values from ``start`` (0 if only one bound is given) up to, not including, ``stop``.

    int64 when every argument is an int and no ``dtype`` is given, float32 otherwise.

    Raises:
        ValueError: ``step`` is 0.
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be 0")
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if integral else _DEFAULT_DTYPE
    return Tensor(np.arange(start, stop, step), requires_grad=requires_grad, dtype=dtype)


def zeros_like(like, dtype=None, requires_grad=False):
    """Zeros of the shape (and, unless ``dtype`` is given, the dtype) of a Tensor or array."""
    like = np.asarray(like)
    return Tensor(np.zeros(like.shape), requires_grad=requires_grad, dtype=dtype or like.dtype)


def ones_like(like, dtype=None, requires_grad=False):
    """Ones of the shape (and, unless ``dtype`` is given, the dtype) of a Tensor or array."""
    like = np.asarray(like)
    return Tensor(np.ones(like.shape), requires_grad=requires_grad, dtype=dtype or like.dtype)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The ``(n, m)`` identity matrix (``m = n`` by default): ones on the diagonal."""
    return _make(np.eye(n, m), dtype, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Raises:
        ValueError: ``steps`` is negative.
    """
    if steps < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {steps}")
    return _make(np.linspace(start, end, int(steps)), dtype, requires_grad)


def from_numpy(array):
    """A Tensor sharing ``array``'s memory and keeping its dtype (float64 stays float64), as
    ``torch.from_numpy``: writing to one changes the other.

    Raises:
        TypeError: ``array`` is not an ``np.ndarray``.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, got {type(array).__name__}")
    return Tensor._wrap(array)
