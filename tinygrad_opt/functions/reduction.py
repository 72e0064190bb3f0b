"""Reductions over one or several axes: Sum, Mean, Var, Max.

``axis`` is None (all axes), an int or a tuple of ints; negative axes count from the end.
Backward first restores the reduced axes as size 1 (as keepdims=True would have left
them), then broadcasts the gradient over them.
"""
import numpy as np

from ..autograd import Function


def normalize_axes(axis, ndim):
    """Return ``axis`` (None for all, an int or a tuple of ints, negative counting from the
    end) as a sorted tuple of non-negative ints; a 0-d array accepts axis 0 and -1, as NumPy.

    Raises:
        numpy.exceptions.AxisError: an axis out of range (an IndexError and a ValueError).
        ValueError: an axis repeated.
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for ax in axes:
        if not -ndim <= ax < max(ndim, 1):
            raise np.exceptions.AxisError(int(ax), ndim)
        normalized.append(int(ax) % max(ndim, 1))
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(normalized))


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
