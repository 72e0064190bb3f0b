"""ArrayLike: the side of a Tensor that hands back plain NumPy and Python values.

Everything here reads ``self.data`` and records no graph: the array properties, the
NumPy protocols (``np.asarray(t)``, ``np.mean(t)``, ``plt.plot(t)``), conversions to Python
numbers and lists, comparisons (boolean arrays) and argmax/argmin (int64 Tensors). The
differentiable methods live in ``tensor.py``; ``Tensor`` inherits from this class.
"""
import numpy as np

from . import _convert, autograd


class BoolArray(np.ndarray):
    """The boolean ndarray a comparison returns, with PyTorch's casts to a Tensor, so that
    ``(pred == y).float().mean()`` works as in PyTorch. Element-wise results that stay
    boolean (``~m``, ``m & n``, slices) are BoolArrays too; everything else (``m.sum()``,
    ``m * 1.0``) is a plain NumPy value."""

    def __array_wrap__(self, array, context=None, return_scalar=False):
        if return_scalar:
            return array[()]
        return array.view(BoolArray if array.dtype == bool else np.ndarray)

    def astype(self, dtype, *args, **kwargs):
        """NumPy's ``astype``; a non-boolean result is a plain ndarray."""
        result = np.ndarray.astype(self, dtype, *args, **kwargs)
        return result if result.dtype == bool else result.view(np.ndarray)

    def __repr__(self):
        return repr(self.view(np.ndarray))  # prints as the plain array it is

    def float(self):
        """A float32 Tensor of 0.0 and 1.0 (no gradient)."""
        return _tensor(self, np.float32)

    def double(self):
        """A float64 Tensor of 0.0 and 1.0 (no gradient)."""
        return _tensor(self, np.float64)

    def long(self):
        """An int64 Tensor of 0 and 1."""
        return _tensor(self, np.int64)

    def int(self):
        """An int32 Tensor of 0 and 1."""
        return _tensor(self, np.int32)


def _tensor(array, dtype):
    """A Tensor (no graph) of ``array`` converted to ``dtype``."""
    return autograd.Function.node_type._wrap(np.asarray(array).astype(dtype, copy=False))


def as_mask(result):
    """A boolean result as a ``BoolArray``."""
    return np.asarray(result).view(BoolArray)


class Size(int):
    """A tensor's ``size``: the number of elements, as NumPy's ``size`` (an int); calling it
    is PyTorch's ``size(dim=None)``: the shape tuple, or the length of axis ``dim``."""

    def __new__(cls, shape):
        size = super().__new__(cls, int(np.prod(shape, dtype=np.int64)))
        size.shape = tuple(shape)
        return size

    def __call__(self, dim=None):
        return self.shape if dim is None else self.shape[dim]


class ArrayLike:
    """Mix-in for a class whose instances hold an ``np.ndarray`` in ``data``."""

    __slots__ = ()

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        """The number of elements (an int), also callable as PyTorch's ``size(dim=None)``."""
        return Size(self.data.shape)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (a single number): use .item() or float()")
        return len(self.data)

    def __bool__(self):
        """``if t:`` as PyTorch: the truth of a one-element tensor, ambiguous for more."""
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             f"use .any() or .all() on its data, or compare one element")
        return bool(self.data.reshape(()).item())

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, this one has shape {self.shape}")
        return self.data.item()

    def tolist(self):
        """The values as nested Python lists (a number for a 0-d tensor)."""
        return self.data.tolist()

    def __float__(self):
        return float(self._one_element("float"))

    def __int__(self):
        return int(self._one_element("int"))

    def _one_element(self, caller):
        if self.data.size != 1:
            raise TypeError(f"{caller}() needs a one-element tensor, this one has shape "
                            f"{self.shape}; reduce it first (e.g. .sum()) or index one element")
        return self.data.reshape(()).item()

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` gives ``.data`` (NumPy 2's protocol: a copy only when asked or
        needed for ``dtype``; ``copy=False`` with another dtype is a ValueError)."""
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            if copy is False:
                raise ValueError(f"cannot convert a {self.data.dtype} tensor to {dtype} "
                                 f"without a copy (copy=False)")
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __array_function__(self, func, types, args, kwargs):
        """NumPy functions (``np.mean(t)``, ``np.stack([t, u])``) run on the arrays and
        return arrays: NumPy knows nothing of the graph."""
        return func(*_arrays_in(args), **dict(zip(kwargs, _arrays_in(kwargs.values()))))

    # Comparisons give boolean arrays (``BoolArray``): they have no gradient.
    def __lt__(self, other):
        return as_mask(self.data < _data(other))

    def __le__(self, other):
        return as_mask(self.data <= _data(other))

    def __gt__(self, other):
        return as_mask(self.data > _data(other))

    def __ge__(self, other):
        return as_mask(self.data >= _data(other))

    def __eq__(self, other):
        return as_mask(self.data == _data(other))

    def __ne__(self, other):
        return as_mask(self.data != _data(other))

    __hash__ = object.__hash__

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Index of the maximum (the first at ties) as an int64 Tensor, as PyTorch's; no
        gradient. (A Tensor indexes NumPy arrays and compares with them like an array.)"""
        axis, keepdims = _convert.reduction_args("argmax", axis, keepdims, dim, keepdim)
        return _tensor(np.argmax(self.data, axis=axis, keepdims=keepdims), np.int64)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Index of the minimum (the first at ties) as an int64 Tensor; no gradient."""
        axis, keepdims = _convert.reduction_args("argmin", axis, keepdims, dim, keepdim)
        return _tensor(np.argmin(self.data, axis=axis, keepdims=keepdims), np.int64)


def _data(value):
    return value.data if isinstance(value, ArrayLike) else value


def _arrays_in(values):
    """``values`` with each ArrayLike, also inside lists and tuples, replaced by its array."""
    return [value.data if isinstance(value, ArrayLike)
            else type(value)(_arrays_in(value)) if isinstance(value, (list, tuple))
            else value for value in values]
