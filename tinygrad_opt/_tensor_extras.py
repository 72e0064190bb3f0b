"""TensorExtras: PyTorch's Tensor methods beyond the core set, inherited by ``Tensor``
(reductions are in ``_tensor_reductions``, in-place methods in ``_tensor_inplace``).

Each method either composes the core differentiable methods of ``tensor.py`` (``square`` is
``x * x``, ``t`` is a transpose) or applies one Function class where composing would be
wrong at a kink or unstable (``gather``, ``where``, ``log1p``). Methods that give no
gradient (``numel``, ``long``, comparisons) return NumPy values or Tensors cut from the
graph. ``where`` is also a module-level function (``tg.where``).
"""
import numpy as np

from . import _convert, autograd
from .functions import elementwise, shape


def _data(value):
    return value.data if isinstance(value, autograd.Function.node_type) else value


def _wrap(array):
    return autograd.Function.node_type._wrap(np.asarray(array))


def _integral(*values):
    """Whether no value is a float (Tensor, array or Python float)."""
    return all(np.asarray(_data(v)).dtype.kind in "biu" for v in values)


def _ddof(name, default, unbiased, correction):
    """The divisor offset from PyTorch's ``unbiased``/``correction`` (at most one given)."""
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() got both unbiased and correction; pass one")
    if correction is not None:
        return correction
    return default if unbiased is None else int(bool(unbiased))


def _sizes(sizes):
    """A tuple of ints from ``(2, 3)`` or ``((2, 3),)``."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    return tuple(sizes)


def where(condition, input, other):
    """``input`` where ``condition`` is true, else ``other`` (all three broadcast together);
    ``torch.where``. Differentiable in ``input`` and ``other``; ``condition`` is a boolean
    array or Tensor (no gradient). Either value may be a Python number.

    Raises:
        TypeError: ``condition`` is not boolean (PyTorch refuses a 0/1 float or int mask,
            which NumPy would read as nonzero-is-true).
    """
    condition = np.asarray(_data(condition))
    if condition.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {condition.dtype}; "
                        f"compare it (mask > 0) or cast it (mask.astype(bool))")
    return shape.Where.apply(input, other, condition=condition)


def _lift(value):
    """``value`` as a Tensor (Tensors pass through, anything else becomes a constant)."""
    node = autograd.Function.node_type
    return value if isinstance(value, node) else node(value)


def _index_array(name, index, size):
    """``index`` as an integer array whose entries all lie in ``0..size-1`` (PyTorch raises
    on negative or too-large indices; NumPy would wrap the negative ones silently)."""
    index = np.asarray(_data(index))
    if index.dtype.kind not in "iu":
        raise TypeError(f"{name}: index must be an integer array, got dtype {index.dtype}")
    bad = (index < 0) | (index >= size)
    if bad.any():
        raise IndexError(f"{name}: index {index[bad].flat[0]} is out of range for an axis of "
                         f"size {size} (indices must be in 0..{size - 1})")
    return index


def _split_sizes(length, split_size_or_sections, axis):
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        return [min(split_size_or_sections, length - start)
                for start in range(0, length, split_size_or_sections)] or [0]
    if not isinstance(split_size_or_sections, (list, tuple)) or not all(
            isinstance(size, (int, np.integer)) and size >= 0 for size in split_size_or_sections):
        raise TypeError(f"split: split_size_or_sections must be an int or a list of "
                        f"non-negative ints, got {split_size_or_sections!r}")
    sizes = [int(size) for size in split_size_or_sections]
    if sum(sizes) != length:
        raise ValueError(f"split: sections {sizes} sum to {sum(sizes)}, but axis {axis} has "
                         f"size {length}")
    return sizes


class TensorExtras:
    """Mix-in of PyTorch-named methods; see the module docstring."""

    __slots__ = ()

    # ----- arithmetic under PyTorch's method names -------------------------------------
    def add(self, other, *, alpha=1):
        """``self + alpha * other``."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, *, alpha=1):
        """``self - alpha * other``."""
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def neg(self):
        return -self

    def __abs__(self):
        return self.abs()

    def __pos__(self):
        return self

    def __mod__(self, other):
        """``a - b * floor(a / b)`` (sign of b, as PyTorch's ``%``); d/da = 1,
        d/db = -floor(a / b). Integer tensors give integers, cut from the graph."""
        if _integral(self, other):
            return _wrap(np.remainder(self.data, _data(other)))
        return self - other * (self / other).floor()

    def __rmod__(self, other):
        return _lift(other) % self if _integral(self, other) else \
            other - self * (other / self).floor()

    def __floordiv__(self, other):
        """``floor(a / b)``, gradient 0 (a step function); integers stay integers."""
        if _integral(self, other):
            return _wrap(np.floor_divide(self.data, _data(other)))
        return (self / other).floor()

    def reciprocal(self):
        """``1 / x`` (derivative -1/x^2)."""
        return 1 / self

    def rsqrt(self):
        """``x^(-1/2)`` (derivative -x^(-3/2) / 2)."""
        return self ** -0.5

    def log1p(self):
        return elementwise.Log1p.apply(self)

    def expm1(self):
        return elementwise.Expm1.apply(self)

    def log2(self):
        """``ln x / ln 2``."""
        return self.log() / np.log(2.0)

    def log10(self):
        """``ln x / ln 10``."""
        return self.log() / np.log(10.0)

    def exp2(self):
        """``2^x`` (derivative 2^x ln 2)."""
        return 2.0 ** self

    def tan(self):
        """``sin x / cos x`` (derivative 1 / cos^2 x)."""
        return self.sin() / self.cos()

    def sign(self):
        """-1, 0 or 1; gradient 0."""
        return elementwise.Step.apply(self, name="sign")

    def floor(self):
        return elementwise.Step.apply(self, name="floor")

    def ceil(self):
        return elementwise.Step.apply(self, name="ceil")

    def round(self):
        """Half to even, as PyTorch; gradient 0."""
        return elementwise.Step.apply(self, name="round")

    def trunc(self):
        return elementwise.Step.apply(self, name="trunc")

    def minimum(self, other):
        """``min(a, b) = -max(-a, -b)`` element-wise (ties split the gradient in half)."""
        return -(-self).maximum(-_lift(other) if not np.isscalar(other) else -other)

    def clamp_min(self, min):
        return self.clip(lo=min)

    def clamp_max(self, max):
        return self.clip(hi=max)

    def lerp(self, end, weight):
        """``self + weight * (end - self)``."""
        return self + weight * (end - self)

    def dot(self, other):
        """Inner product of two 1-D tensors."""
        if self.ndim != 1 or np.ndim(_data(other)) != 1:
            raise ValueError(f"dot expects two 1-D tensors, got shapes {self.shape} and "
                             f"{np.shape(_data(other))}")
        return self @ other

    def outer(self, other):
        """``out[i, j] = self[i] * other[j]`` of two 1-D tensors."""
        return self.reshape(-1, 1) * _lift(other).reshape(1, -1)

    def bmm(self, other):
        """Batched matrix product of (b, n, m) and (b, m, p) tensors."""
        if self.ndim != 3 or np.ndim(_data(other)) != 3:
            raise ValueError(f"bmm expects two 3-D tensors, got shapes {self.shape} and "
                             f"{np.shape(_data(other))}")
        return self @ other

    # comparisons under PyTorch's method names (boolean arrays, as the operators)
    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def square(self):
        """``x * x`` (derivative 2x)."""
        return self * self

    def matmul(self, other):
        return self @ other

    mm = matmul

    def t(self):
        """Transpose of a tensor of at most 2 axes (PyTorch's ``t``)."""
        if self.ndim > 2:
            raise ValueError(f"t() expects a tensor with <= 2 axes, got shape {self.shape}; "
                             f"use transpose(...) or permute(...)")
        return self.transpose()

    def permute(self, *dims):
        """Axes reordered as ``dims`` (same as ``transpose(*dims)``)."""
        return self.transpose(*_sizes(dims))

    def expand_as(self, other):
        return self.expand(*np.shape(_data(other)))

    def view_as(self, other):
        return self.reshape(*np.shape(_data(other)))

    reshape_as = view_as

    def contiguous(self):
        """Self (NumPy arrays need no re-layout for any op here)."""
        return self

    def type_as(self, other):
        """This tensor in ``other``'s dtype."""
        return self.astype(_data(other).dtype)

    def flip(self, *dims):
        """Reversed along each axis in ``dims``."""
        index = [slice(None)] * self.ndim
        axes = [_convert.axis_index(axis, self.ndim, "flip") for axis in _sizes(dims)]
        if len(set(axes)) != len(axes):
            raise ValueError(f"flip: dims {_sizes(dims)} name an axis twice")
        for axis in axes[:self.ndim]:  # a 0-d tensor accepts dim 0 and stays itself
            index[axis] = slice(None, None, -1)
        return self[tuple(index)]

    def split(self, split_size_or_sections, dim=0):
        """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the
        listed sizes; each is differentiable (a slice)."""
        if self.ndim == 0:
            raise ValueError("split expects a tensor with at least one axis, got a 0-d tensor")
        axis = _convert.axis_index(dim, self.ndim, "split")
        pieces, start = [], 0
        for size in _split_sizes(self.shape[axis], split_size_or_sections, dim):
            pieces.append(self[(slice(None),) * axis + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def chunk(self, chunks, dim=0):
        """``split`` into ``chunks`` pieces of ``ceil(size / chunks)`` (fewer if they run out)."""
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be positive, got {chunks}")
        if self.ndim == 0:
            raise ValueError("chunk expects a tensor with at least one axis, got a 0-d tensor")
        axis = _convert.axis_index(dim, self.ndim, "chunk")
        if self.shape[axis] == 0:  # PyTorch: `chunks` empty pieces
            return self.split([0] * chunks, axis)
        return self.split(-(-self.shape[axis] // chunks), axis)

    def unbind(self, dim=0):
        """The slices along ``dim``, that axis removed."""
        if self.ndim == 0:
            raise ValueError("unbind expects a tensor with at least one axis, got a 0-d tensor")
        axis = _convert.axis_index(dim, self.ndim, "unbind")
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def index_select(self, dim, index):
        """Entries at the integer ``index`` (1-D, or 0-d) along ``dim``."""
        axis = _convert.axis_index(dim, self.ndim, "index_select")
        if np.ndim(_data(index)) > 1:
            raise ValueError(f"index_select: index must be 1-D, got shape "
                             f"{np.shape(_data(index))}")
        index = _index_array("index_select", index, self.shape[axis] if self.ndim else 1)
        if self.ndim == 0:
            return self.reshape(1)[index.reshape(-1)].reshape(())
        return self[(slice(None),) * axis + (index.reshape(-1),)]

    def tril(self, diagonal=0):
        """Zero above the ``diagonal``-th diagonal of the last two axes (gradient too)."""
        if self.ndim < 2:
            raise ValueError(f"tril expects a tensor with at least 2 axes, got shape {self.shape}")
        rows, cols = self.shape[-2:]
        return where(np.tri(rows, cols, diagonal, dtype=bool), self, 0)

    def triu(self, diagonal=0):
        """Zero below the ``diagonal``-th diagonal of the last two axes (gradient too)."""
        if self.ndim < 2:
            raise ValueError(f"triu expects a tensor with at least 2 axes, got shape {self.shape}")
        rows, cols = self.shape[-2:]
        return where(~np.tri(rows, cols, diagonal - 1, dtype=bool), self, 0)

    def clone(self):
        """A differentiable copy (the gradient passes through unchanged)."""
        return shape.Copy.apply(self)

    def expand(self, *sizes):
        """Broadcast to ``sizes`` (-1 keeps an axis); the gradient sums over the copies."""
        return shape.Expand.apply(self, shape=_sizes(sizes))

    def repeat(self, *repeats):
        """Tile ``repeats[i]`` times along axis i (PyTorch's ``repeat``, NumPy's ``tile``)."""
        return shape.Repeat.apply(self, repeats=_sizes(repeats))

    def where(self, condition, other):
        """``self`` where ``condition``, else ``other`` (``tg.where(condition, self, other)``)."""
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        """A copy with ``value`` wherever ``mask`` (broadcast to this shape) is true; the
        gradient is 0 at the filled elements."""
        mask = np.asarray(_data(mask))
        if mask.dtype != bool or np.broadcast_shapes(mask.shape, self.shape) != self.shape:
            raise ValueError(f"masked_fill: mask must be boolean and broadcast to the tensor's "
                             f"shape {self.shape}, got dtype {mask.dtype} and shape {mask.shape}")
        if not isinstance(value, autograd.Function.node_type):
            value = np.asarray(value).astype(self.dtype)  # 0.5 into an int tensor is 0
        elif value.dtype != self.dtype:
            value = value.astype(self.dtype)
        return shape.Where.apply(value, self, condition=mask)

    def gather(self, dim, index):
        """``out[..., i, ...] = self[..., index[..., i, ...], ...]`` along axis ``dim``."""
        axis = _convert.axis_index(dim, self.ndim, "gather")
        index = _index_array("gather", index, self.shape[axis] if self.ndim else 1)
        return shape.Gather.apply(self, axis=axis, index=index)

    # ----- sizes and integer casts (no gradient) ---------------------------------------
    def numel(self):
        """Number of elements."""
        return int(self.data.size)

    nelement = numel

    def dim(self):
        """Number of axes (``ndim``)."""
        return self.data.ndim

    def long(self):
        """This tensor as int64, cut from the graph (PyTorch's ``long``)."""
        return self.astype(np.int64)

    def int(self):
        """This tensor as int32, cut from the graph (PyTorch's ``int``)."""
        return self.astype(np.int32)

    @property
    def mT(self):
        """The last two axes swapped (batched matrix transpose)."""
        return self.transpose(-2, -1)
