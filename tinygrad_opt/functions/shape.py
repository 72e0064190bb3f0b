"""Ops that move, copy or select elements without changing them: Reshape, Transpose, GetItem,
Concatenate, Stack, Copy, Expand, Repeat, Where, Gather.

Their backward moves the gradient back the same way (the Jacobian is a permutation or
selection matrix), so no arithmetic happens except where an element was used twice.
"""
import numpy as np

from ..autograd import Function
from ._broadcast import unbroadcast


class Reshape(Function):
    """f(x) = x viewed with a new shape;  dL/dx = dL/df reshaped to x's shape."""

    def forward(self, x, shape=()):
        self.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(
                f"cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                f"into shape {tuple(shape)}") from None

    def backward(self, grad):
        return (grad.reshape(self.shape),)


class Transpose(Function):
    """f(x) = x with axes permuted;  dL/dx = dL/df with the inverse permutation."""

    def forward(self, x, axes=None):
        if axes is None:
            axes = tuple(reversed(range(x.ndim)))
        if sorted(int(ax) % max(x.ndim, 1) for ax in axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of "
                             f"the {x.ndim} axes of shape {x.shape}")
        self.inverse = tuple(np.argsort([int(ax) % x.ndim for ax in axes]))
        return np.transpose(x, axes)

    def backward(self, grad):
        return (np.transpose(grad, self.inverse),)


def _has_array_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, (list, np.ndarray)) and np.asarray(part).dtype != bool
               for part in parts)


class GetItem(Function):
    """f(x) = x[index] (basic or integer-array indexing);  dL/dx = scatter-add of dL/df.

    An element picked several times by an integer array gets the sum of its gradients,
    hence ``np.add.at`` for array indices (plain assignment would keep only one).
    """

    def forward(self, x, index=()):
        self.index = index
        self.shape = x.shape
        self.dtype = x.dtype
        return x[index]

    def backward(self, grad):
        grad_x = np.zeros(self.shape, dtype=grad.dtype)
        if _has_array_index(self.index):
            np.add.at(grad_x, self.index, grad)
        else:
            grad_x[self.index] = grad
        return (grad_x,)


class Concatenate(Function):
    """f(x_1, ..., x_k) = the x_j joined along ``axis``;  dL/dx_j = the matching slice."""

    def forward(self, *arrays, axis=0):
        self.axis = axis
        self.boundaries = np.cumsum([array.shape[axis] for array in arrays])[:-1]
        try:
            return np.concatenate(arrays, axis=axis)
        except ValueError:
            shapes = ", ".join(str(array.shape) for array in arrays)
            raise ValueError(f"concatenate along axis {axis}: shapes {shapes} differ "
                             "outside that axis") from None

    def backward(self, grad):
        return tuple(np.split(grad, self.boundaries, axis=self.axis))


class Stack(Function):
    """f(x_1, ..., x_k) = the x_j stacked on a new ``axis``;  dL/dx_j = slice j of dL/df."""

    def forward(self, *arrays, axis=0):
        shapes = {array.shape for array in arrays}
        if len(shapes) > 1:
            raise ValueError(f"stack needs tensors of one shape, got {sorted(shapes)}")
        self.axis = axis
        return np.stack(arrays, axis=axis)

    def backward(self, grad):
        return tuple(np.moveaxis(grad, self.axis, 0))


class Copy(Function):
    """f(x) = a copy of x (PyTorch's ``clone``);  dL/dx = dL/df."""

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        return (grad,)


class Expand(Function):
    """f(x) = x broadcast to ``shape`` (PyTorch's ``expand``; -1 keeps a size);
    dL/dx = dL/df summed over the broadcast axes."""

    def forward(self, x, shape=()):
        extra = len(shape) - x.ndim
        if extra < 0:
            raise ValueError(f"expand: the new shape {tuple(shape)} has fewer axes than the "
                             f"tensor's shape {x.shape}")
        shape = tuple(x.shape[axis - extra] if size == -1 and axis >= extra else size
                      for axis, size in enumerate(shape))
        self.shape = x.shape
        try:
            return np.broadcast_to(x, shape).copy()
        except ValueError:
            raise ValueError(f"expand: a tensor of shape {x.shape} cannot be expanded to "
                             f"{shape} (only size-1 axes can grow)") from None

    def backward(self, grad):
        return (unbroadcast(grad, self.shape),)


class Repeat(Function):
    """f(x) = x tiled ``repeats[i]`` times along axis i (PyTorch's ``repeat``, NumPy's
    ``tile``; x gets leading size-1 axes if ``repeats`` is longer);
    dL/dx = sum of dL/df over the copies."""

    def forward(self, x, repeats=()):
        if len(repeats) < x.ndim:
            raise ValueError(f"repeat: {len(repeats)} repeat counts for a tensor with "
                             f"{x.ndim} axes (shape {x.shape}); give at least one per axis")
        self.shape = x.shape
        self.padded = (1,) * (len(repeats) - x.ndim) + x.shape
        self.repeats = tuple(repeats)
        return np.tile(x.reshape(self.padded), self.repeats)

    def backward(self, grad):
        split = [size for pair in zip(self.repeats, self.padded) for size in pair]
        summed = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return (summed.reshape(self.shape),)


class Where(Function):
    """f(a, b) = a where ``condition`` else b (all three broadcast);
    dL/da = dL/df where condition (else 0), dL/db = dL/df elsewhere, each unbroadcast."""

    def forward(self, a, b, condition=None):
        self.condition = np.asarray(condition, dtype=bool)
        self.shapes = (a.shape, b.shape)
        return np.where(self.condition, a, b)

    def backward(self, grad):
        zero = np.zeros((), grad.dtype)
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(np.where(self.condition, grad, zero), self.shapes[0])
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(np.where(self.condition, zero, grad), self.shapes[1])
        return grad_a, grad_b


class Gather(Function):
    """f(x)[..., i, ...] = x[..., index[..., i, ...], ...] along ``axis`` (PyTorch's
    ``gather``: ``index`` has x's number of axes and is no larger on the other axes);
    dL/dx = scatter-add of dL/df to the gathered positions."""

    def forward(self, x, axis=0, index=None):
        index = np.asarray(index)
        if index.dtype.kind not in "iu" or index.ndim != x.ndim:
            raise ValueError(f"gather: index must be an integer array with the {x.ndim} axes "
                             f"of the input (shape {x.shape}), got dtype {index.dtype} and "
                             f"shape {index.shape}")
        axis = int(axis) % max(x.ndim, 1)
        if any(i != axis and index.shape[i] > x.shape[i] for i in range(x.ndim)):
            raise ValueError(f"gather: index of shape {index.shape} is larger than the input "
                             f"of shape {x.shape} outside axis {axis}")
        self.shape = x.shape
        self.positions = list(np.indices(index.shape, sparse=True))
        self.positions[axis] = index
        self.positions = tuple(self.positions)
        return x[self.positions]

    def backward(self, grad):
        grad_x = np.zeros(self.shape, dtype=grad.dtype)
        np.add.at(grad_x, self.positions, grad)
        return (grad_x,)
