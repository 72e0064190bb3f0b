"""TensorExtras: PyTorch's Tensor methods beyond the core set, inherited by ``Tensor``.

Each method either composes the core differentiable methods of ``tensor.py`` (``square`` is
``x * x``, ``std`` is ``sqrt(var)``) or applies one Function class where composing would be
wrong at a kink or unstable (``norm``, ``prod``, ``logsumexp``, ``gather``, ``where``).
Methods that give no gradient (``numel``, ``all``, ``long``) return NumPy values or
Tensors cut from the graph, as comparisons do. ``where`` is also a module-level function
(``tg.where``). Reductions take ``axis``/``keepdims`` or PyTorch's ``dim``/``keepdim``.
"""
import numpy as np

from . import _convert, autograd
from .functions import reduction, shape


def _data(value):
    return value.data if isinstance(value, autograd.Function.node_type) else value


def _sizes(sizes):
    """A tuple of ints from ``(2, 3)`` or ``((2, 3),)``."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    return tuple(sizes)


def where(condition, input, other):
    """``input`` where ``condition`` is true, else ``other`` (all three broadcast together);
    ``torch.where``. Differentiable in ``input`` and ``other``; ``condition`` is a boolean
    array or Tensor (no gradient). Either value may be a Python number."""
    return shape.Where.apply(input, other, condition=_data(condition))


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
        if isinstance(value, autograd.Function.node_type) and value.dtype != self.dtype:
            value = value.astype(self.dtype)
        return shape.Where.apply(value, self, condition=mask)

    def gather(self, dim, index):
        """``out[..., i, ...] = self[..., index[..., i, ...], ...]`` along axis ``dim``."""
        return shape.Gather.apply(self, axis=dim, index=np.asarray(_data(index)))

    # ----- reductions ------------------------------------------------------------------
    def std(self, axis=None, unbiased=None, keepdims=False, *, dim=None, keepdim=None,
            correction=None):
        """``sqrt(var)`` with PyTorch's default ``correction=1`` (divides by n - 1);
        ``unbiased=False`` or ``correction=0`` give the population std. (``var`` keeps
        NumPy's ``ddof=0`` default.) At a constant slice the gradient is nan, as PyTorch's."""
        axis, keepdims = _convert.reduction_args("std", axis, keepdims, dim, keepdim)
        if unbiased is not None and correction is not None:
            raise TypeError("std() got both unbiased and correction; pass one")
        ddof = correction if correction is not None else int(unbiased is not False)
        return self.var(axis=axis, keepdims=keepdims, ddof=ddof).sqrt()

    def norm(self, p=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """``(sum |x|^p)^(1/p)`` over ``axis`` (all by default; ``p="fro"`` is 2, ``inf``
        the max of |x|); the gradient at a zero norm is 0, as PyTorch's."""
        axis, keepdims = _convert.reduction_args("norm", axis, keepdims, dim, keepdim)
        p = 2 if p == "fro" else p
        return reduction.Norm.apply(self, p=p, axis=axis, keepdims=keepdims)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Product over one axis, or all; exact gradient also where elements are 0."""
        axis, keepdims = _convert.reduction_args("prod", axis, keepdims, dim, keepdim)
        return reduction.Prod.apply(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis=None, *, dim=None):
        """Running sum along ``axis`` (alias ``dim``, required as in PyTorch)."""
        axis = _convert.torch_alias("cumsum", axis, dim, None)
        if axis is None:
            raise TypeError("cumsum() missing the axis (or dim) to sum along")
        return reduction.CumSum.apply(self, axis=axis)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """``log(sum(exp(x)))`` over ``axis``, max-shifted so it never overflows."""
        axis, keepdims = _convert.reduction_args("logsumexp", axis, keepdims, dim, keepdim)
        return reduction.LogSumExp.apply(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Whether every element is non-zero (a NumPy bool or boolean array; no grad)."""
        axis, keepdims = _convert.reduction_args("all", axis, keepdims, dim, keepdim)
        return np.all(self.data, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Whether some element is non-zero (a NumPy bool or boolean array; no grad)."""
        axis, keepdims = _convert.reduction_args("any", axis, keepdims, dim, keepdim)
        return np.any(self.data, axis=axis, keepdims=keepdims)

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

    # ----- in place (refused where it would corrupt a recorded graph) -------------------
    def zero_(self):
        """Set every element to 0 in place; returns self."""
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to ``value`` in place; returns self. Refused (RuntimeError) on
        a tensor that requires grad while grad mode is on, as the in-place operators are."""
        if self.requires_grad and autograd.is_grad_enabled():
            raise RuntimeError("in-place fill_/zero_ on a tensor that requires grad; wrap it "
                               "in `with tg.no_grad():` or work on a .detach()ed tensor")
        self.data[...] = _data(value)
        return self
