"""Reductions over one or several axes: Sum, Mean, Var, Max, Prod, CumSum, LogSumExp, Norm.

``axis`` is None (all axes), an int or a tuple of ints; negative axes count from the end.
Backward first restores the reduced axes as size 1 (as keepdims=True would have left
them), then broadcasts the gradient over them.
"""
import numpy as np

from ..autograd import Function


def normalize_axes(axis, ndim):
    """Return ``axis`` (None for all, an int or a tuple of ints, negative counting from the
    end) as a sorted tuple of non-negative ints; a 0-d array accepts axis 0 and -1, as
    PyTorch, and reduces over no axis (the result is the element itself).

    Raises:
        numpy.exceptions.AxisError: an axis out of range (an IndexError and a ValueError).
        ValueError: an axis repeated.
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for ax in axes:
        if not -max(ndim, 1) <= ax < max(ndim, 1):
            raise np.exceptions.AxisError(int(ax), ndim)
        normalized.append(int(ax) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(normalized)) if ndim else ()


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else size for i, size in enumerate(shape))


class Sum(Function):
    """f(x) = sum_i x_i over ``axis``;  df/dx_i = 1."""

    def forward(self, x, axis=None, keepdims=False):
        self.axes = normalize_axes(axis, x.ndim)
        self.shape = x.shape
        return np.sum(x, axis=self.axes, keepdims=keepdims)

    def backward(self, grad):
        grad = grad.reshape(_keepdims_shape(self.shape, self.axes))
        return (np.broadcast_to(grad, self.shape),)


class Mean(Function):
    """f(x) = (1/n) sum_i x_i over ``axis`` (n elements reduced);  df/dx_i = 1/n.

    A mean over an empty axis is nan, as in NumPy.
    """

    def forward(self, x, axis=None, keepdims=False):
        self.axes = normalize_axes(axis, x.ndim)
        self.shape = x.shape
        return np.mean(x, axis=self.axes, keepdims=keepdims)

    def backward(self, grad):
        count = int(np.prod([self.shape[ax] for ax in self.axes]))
        grad = grad.reshape(_keepdims_shape(self.shape, self.axes)) / max(count, 1)
        return (np.broadcast_to(grad, self.shape),)


class Var(Function):
    """f(x) = sum_i (x_i - mean)^2 / (n - ddof);  df/dx_i = 2 (x_i - mean) / (n - ddof).

    The mean's own dependence on x_i drops out because sum_i (x_i - mean) = 0.
    ddof=0 is the biased (population) variance, ddof=1 the unbiased one.
    """

    def forward(self, x, axis=None, keepdims=False, ddof=0):
        self.axes = normalize_axes(axis, x.ndim)
        count = int(np.prod([x.shape[ax] for ax in self.axes]))
        if count - ddof <= 0:
            raise ValueError(
                f"var: ddof={ddof} needs more than {ddof} elements along axis {axis}, "
                f"the input of shape {x.shape} has {count}")
        self.centered = x - np.mean(x, axis=self.axes, keepdims=True)
        self.divisor = count - ddof
        squares = np.sum(self.centered * self.centered, axis=self.axes, keepdims=keepdims)
        return squares / np.asarray(self.divisor, dtype=x.dtype)

    def backward(self, grad):
        grad = grad.reshape(_keepdims_shape(self.centered.shape, self.axes))
        return (grad * self.centered * np.asarray(2 / self.divisor, dtype=grad.dtype),)


class Max(Function):
    """f(x) = max_i x_i over ``axis``;  df/dx_i = [x_i = max] / (number of ties).

    Tied maxima share the gradient equally, as PyTorch's ``amax`` does, so the gradient
    stays the average of the one-sided derivatives. A max over an empty axis raises.
    """

    def forward(self, x, axis=None, keepdims=False):
        self.axes = normalize_axes(axis, x.ndim)
        if any(x.shape[ax] == 0 for ax in self.axes):
            raise ValueError(f"max over an empty axis of a tensor of shape {x.shape} is undefined")
        out = np.max(x, axis=self.axes, keepdims=True)
        self.save_for_backward(x, out)
        return out if keepdims else np.squeeze(out, axis=self.axes)

    def backward(self, grad):
        x, out = self.saved_tensors
        is_max = x == out
        ties = np.sum(is_max, axis=self.axes, keepdims=True)
        grad = grad.reshape(out.shape)
        return (is_max * (grad / ties).astype(grad.dtype, copy=False),)


def _exclusive_cumprod(x, axis, reverse=False):
    """Products of the elements strictly before (after, if ``reverse``) each one."""
    if reverse:
        x = np.flip(x, axis)
    shifted = np.concatenate([np.ones_like(np.take(x, [0], axis)),
                              np.delete(x, -1, axis)], axis) if x.shape[axis] else x
    out = np.cumprod(shifted, axis=axis)
    return np.flip(out, axis) if reverse else out


class Prod(Function):
    """f(x) = prod_i x_i over ``axis`` (one axis, or None for all);
    df/dx_i = prod_{j != i} x_j.

    The derivative is formed as (product of the elements before i) * (product of those after
    i), not as f / x_i, so it stays exact when some x_i are 0.
    """

    def forward(self, x, axis=None, keepdims=False):
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise TypeError(f"prod: axis must be one int or None (as PyTorch), got {axis!r}")
        if x.ndim == 0 and axis is not None:  # dim 0 or -1 of a 0-d tensor: all of it
            normalize_axes(axis, 0)  # raises unless axis is 0 or -1
            axis = None
        self.shape = x.shape
        self.axis = axis
        flat = x.reshape(-1) if axis is None else x
        self.save_for_backward(flat)
        return np.prod(x, axis=axis, keepdims=keepdims)

    def backward(self, grad):
        (flat,) = self.saved_tensors
        axis = 0 if self.axis is None else self.axis % flat.ndim
        others = _exclusive_cumprod(flat, axis) * _exclusive_cumprod(flat, axis, reverse=True)
        kept = flat.shape[:axis] + (1,) + flat.shape[axis + 1:]
        return ((grad.reshape(kept) * others).reshape(self.shape),)


class CumSum(Function):
    """f(x)_i = sum_{j <= i} x_j along ``axis``;  dL/dx_j = sum_{i >= j} dL/df_i (a
    cumulative sum of the gradient taken from the end)."""

    def forward(self, x, axis=0):
        self.axis = axis
        return np.cumsum(x, axis=axis)

    def backward(self, grad):
        return (np.flip(np.cumsum(np.flip(grad, self.axis), axis=self.axis), self.axis),)


class LogSumExp(Function):
    """f(x) = log sum_i exp(x_i) over ``axis``;  df/dx_i = exp(x_i - f) = softmax(x)_i.

    Computed as m + log sum_i exp(x_i - m) with m = max_i x_i (so no exp overflows); m is
    taken as 0 where it is infinite, so a slice of all -inf gives -inf (as PyTorch).
    """

    def forward(self, x, axis=None, keepdims=False):
        self.axes = normalize_axes(axis, x.ndim)
        shift = np.max(x, axis=self.axes, keepdims=True) if x.size else np.zeros((), x.dtype)
        shift = np.where(np.isfinite(shift), shift, 0)
        with np.errstate(divide="ignore"):
            out = shift + np.log(np.sum(np.exp(x - shift), axis=self.axes, keepdims=True))
        self.save_for_backward(x, out)
        return out if keepdims else np.squeeze(out, axis=self.axes)

    def backward(self, grad):
        x, out = self.saved_tensors
        return (grad.reshape(out.shape) * np.exp(x - out),)


class Norm(Function):
    """f(x) = (sum_i |x_i|^p)^(1/p) over ``axis`` (p > 0, or inf for max_i |x_i|);
    df/dx_i = sign(x_i) |x_i|^(p-1) / f^(p-1)  (x_i / f for p = 2, sign(x_i) for p = 1).

    As PyTorch, the gradient is 0 where f = 0 (the subgradient at the kink of ||x|| at
    x = 0), and for p = inf the elements tied at the maximum share it equally.
    """

    def forward(self, x, p=2, axis=None, keepdims=False):
        if not p > 0:
            raise ValueError(f"norm: p must be > 0 (or inf), got {p}")
        self.axes = normalize_axes(axis, x.ndim)
        self.p = p
        magnitude = np.abs(x)
        if p == np.inf:
            out = np.max(magnitude, axis=self.axes, keepdims=True, initial=0)
        else:
            out = np.sum(magnitude ** p, axis=self.axes, keepdims=True) ** (1 / p)
        self.save_for_backward(x, out)
        return out if keepdims else np.squeeze(out, axis=self.axes)

    def backward(self, grad):
        x, out = self.saved_tensors
        grad = grad.reshape(out.shape)
        if self.p == np.inf:
            at_max = np.abs(x) == out
            share = grad / np.sum(at_max, axis=self.axes, keepdims=True)
            return (np.where(at_max & (out > 0), np.sign(x) * share, 0).astype(grad.dtype),)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(out > 0, grad / out ** (self.p - 1), 0)
            slope = np.where(x != 0, np.sign(x) * np.abs(x) ** (self.p - 1), 0)
        return ((slope * scale).astype(grad.dtype),)
