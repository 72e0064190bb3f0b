"""TensorInPlace: PyTorch's in-place methods (``x[i] = v``, ``zero_``, ``add_``, ...) and
``new_*`` factories, inherited by ``Tensor``.

In-place changes are allowed only where no recorded graph can see them (a tensor without
grad, or under ``no_grad``); elsewhere they raise a RuntimeError naming the way out, as the
in-place operators ``+=`` etc. do on leaves.
"""
import numpy as np

from . import autograd
from ._tensor_extras import _data, _sizes, _wrap


class TensorInPlace:
    """Mix-in of in-place and ``new_*`` methods; see the module docstring."""

    __slots__ = ()

    # ----- in place (refused where it would corrupt a recorded graph) -------------------
    def __setitem__(self, index, value):
        """``self[index] = value`` in place, on data that no recorded graph uses: a tensor
        without grad, or any tensor inside ``no_grad``. With grad recording it is refused
        (RuntimeError), since ops already recorded on this tensor would get a wrong gradient;
        ``tg.where``/``masked_fill`` build the changed tensor as a new one instead."""
        node = autograd.Function.node_type
        recorded = self.requires_grad or (isinstance(value, node) and value.requires_grad)
        if recorded and autograd.is_grad_enabled():
            raise RuntimeError("item assignment (x[index] = value) on a tensor in a recorded "
                               "graph; build the new tensor with tg.where(mask, value, x) or "
                               "x.masked_fill(mask, value), or assign under tg.no_grad()")
        if isinstance(index, tuple):
            index = tuple(_data(part) for part in index)
        self.data[_data(index)] = _data(value)

    def zero_(self):
        """Set every element to 0 in place; returns self."""
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to ``value`` in place; returns self. Refused (RuntimeError) on
        a tensor that requires grad while grad mode is on, as the in-place operators are."""
        self._check_inplace("fill_/zero_")
        self.data[...] = _data(value)
        return self

    def _check_inplace(self, name):
        if self.requires_grad and autograd.is_grad_enabled():
            raise RuntimeError(f"in-place {name} on a tensor that requires grad; wrap it in "
                               f"`with tg.no_grad():` (parameter updates) or use the "
                               f"out-of-place form")

    def _update_(self, name, ufunc, other, alpha=1):
        self._check_inplace(name)
        other = _data(other)
        ufunc(self.data, other if alpha == 1 else np.multiply(other, alpha), out=self.data,
              casting="same_kind")
        return self

    def add_(self, other, *, alpha=1):
        """``self += alpha * other`` in place (no graph: under ``no_grad`` or without grad)."""
        return self._update_("add_", np.add, other, alpha)

    def sub_(self, other, *, alpha=1):
        """``self -= alpha * other`` in place (no graph)."""
        return self._update_("sub_", np.subtract, other, alpha)

    def mul_(self, other):
        """``self *= other`` in place (no graph)."""
        return self._update_("mul_", np.multiply, other)

    def div_(self, other):
        """``self /= other`` in place (no graph)."""
        return self._update_("div_", np.divide, other)

    def clamp_(self, min=None, max=None):
        """Clip to ``[min, max]`` in place (no graph)."""
        self._check_inplace("clamp_")
        np.clip(self.data, min, max, out=self.data)
        return self

    def copy_(self, source):
        """Overwrite the values with ``source`` (broadcast) in place (no graph)."""
        return self.fill_(source)

    # ----- new tensors like this one (dtype kept, no graph) ------------------------------
    def new_tensor(self, data):
        """A tensor of ``data`` in this tensor's dtype."""
        return autograd.Function.node_type(data, dtype=self.dtype)

    def new_zeros(self, *sizes):
        return self.new_full(_sizes(sizes), 0)

    def new_ones(self, *sizes):
        return self.new_full(_sizes(sizes), 1)

    def new_full(self, size, fill_value):
        """A tensor of shape ``size`` filled with ``fill_value``, in this tensor's dtype."""
        return _wrap(np.full(size, fill_value, dtype=self.dtype))
