"""TensorReductions: PyTorch's reductions beyond the core ``sum``/``mean``/``max``
(``var``/``std`` with ``unbiased``/``correction``, ``norm``, ``prod``, ``cumsum``,
``amax``/``amin``, ``logsumexp``, ``all``/``any``), inherited by ``Tensor``. Each takes
``axis``/``keepdims`` or PyTorch's ``dim``/``keepdim``.
"""
import numpy as np

from . import _convert
from ._tensor_extras import _ddof, _integral
from .functions import reduction


class TensorReductions:
    """Mix-in of reductions; see the module docstring."""

    __slots__ = ()

    # ----- reductions ------------------------------------------------------------------
    def var(self, axis=None, keepdims=False, ddof=0, *, dim=None, keepdim=None,
            unbiased=None, correction=None):
        """``sum((x - mean)^2) / (n - ddof)``. The default is NumPy's ``ddof=0`` (the API
        contract; PyTorch's default divides by n - 1); PyTorch's ``unbiased=True`` (ddof 1)
        or ``correction=c`` (ddof c) may be given instead of ``ddof``."""
        axis, keepdims = _convert.reduction_args("var", axis, keepdims, dim, keepdim)
        ddof = _ddof("var", ddof, unbiased, correction)
        return reduction.Var.apply(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def std(self, axis=None, unbiased=None, keepdims=False, *, dim=None, keepdim=None,
            correction=None):
        """``sqrt(var)`` with PyTorch's default ``correction=1`` (divides by n - 1);
        ``unbiased=False`` or ``correction=0`` give the population std. (``var`` keeps
        NumPy's ``ddof=0`` default.) At a constant slice the gradient is nan, as PyTorch's."""
        axis, keepdims = _convert.reduction_args("std", axis, keepdims, dim, keepdim)
        ddof = _ddof("std", 1, unbiased, correction)
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
        if self.ndim == 0:  # PyTorch: a 0-d tensor's cumsum along 0 or -1 is itself
            _convert.axis_index(axis, 0, "cumsum")
            return self.clone()
        return reduction.CumSum.apply(self, axis=axis)

    def amax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Maximum values (ties share the gradient evenly, as PyTorch's ``amax``)."""
        axis, keepdims = _convert.reduction_args("amax", axis, keepdims, dim, keepdim)
        return self.max(axis=axis, keepdims=keepdims)

    def amin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Minimum values (ties share the gradient evenly)."""
        axis, keepdims = _convert.reduction_args("amin", axis, keepdims, dim, keepdim)
        return self.min(axis=axis, keepdims=keepdims)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """``log(sum(exp(x)))`` over ``axis``, max-shifted so it never overflows."""
        axis, keepdims = _convert.reduction_args("logsumexp", axis, keepdims, dim, keepdim)
        x = self.astype(np.float32) if _integral(self) else self  # PyTorch's default float
        return reduction.LogSumExp.apply(x, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Whether every element is non-zero (a NumPy bool or boolean array; no grad)."""
        axis, keepdims = _convert.reduction_args("all", axis, keepdims, dim, keepdim)
        return np.all(self.data, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Whether some element is non-zero (a NumPy bool or boolean array; no grad)."""
        axis, keepdims = _convert.reduction_args("any", axis, keepdims, dim, keepdim)
        return np.any(self.data, axis=axis, keepdims=keepdims)
