"""Ops that move elements without changing them: Reshape, Transpose, GetItem, Concatenate, Stack.

Their backward moves the gradient back the same way (the Jacobian is a permutation or
selection matrix), so no arithmetic happens except where an element was used twice.
"""
import numpy as np

from ..autograd import Function


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
