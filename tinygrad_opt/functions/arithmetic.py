"""Binary arithmetic with NumPy broadcasting: Add, Sub, Mul, Div, Neg, Pow, MatMul."""
import numpy as np

from ..autograd import Function
from ._broadcast import unbroadcast


class Add(Function):
    """f(a, b) = a + b;  df/da = 1,  df/db = 1."""

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a + b

    def backward(self, grad):
        shape_a, shape_b = self.shapes
        return unbroadcast(grad, shape_a), unbroadcast(grad, shape_b)


class Sub(Function):
    """f(a, b) = a - b;  df/da = 1,  df/db = -1."""

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a - b

    def backward(self, grad):
        shape_a, shape_b = self.shapes
        grad_b = unbroadcast(-grad, shape_b) if self.needs_input_grad[1] else None
        return unbroadcast(grad, shape_a), grad_b


class Mul(Function):
    """f(a, b) = a * b;  df/da = b,  df/db = a."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad):
        a, b = self.saved_tensors
        grad_a = unbroadcast(grad * b, a.shape) if self.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * a, b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    """f(a, b) = a / b;  df/da = 1 / b,  df/db = -a / b^2.

    Division by zero follows NumPy (inf or nan with a RuntimeWarning), not an error.
    Dividing integers (or booleans) gives float32, PyTorch's default float dtype.
    """

    def forward(self, a, b):
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            a, b = a.astype(np.float32), b.astype(np.float32)
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = self.saved_tensors
        grad_over_b = grad / b
        grad_a = unbroadcast(grad_over_b, a.shape) if self.needs_input_grad[0] else None
        grad_b = unbroadcast(-grad_over_b * a / b, b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Neg(Function):
    """f(a) = -a;  df/da = -1."""

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)


class Pow(Function):
    """f(a, b) = a ** b;  df/da = b a^(b-1),  df/db = a^b ln(a).

    df/da is 0 where b = 0 (a^0 = 1 is constant, also at a = 0, as PyTorch gives).

    df/db is taken as 0 where a^b = 0 (as PyTorch does), so 0 ** b does not give nan.
    """

    def forward(self, a, b):
        out = np.power(a, b)
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = self.saved_tensors
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            # b a^(b-1) is 0 * inf = nan at a = 0, b = 0; the derivative of a^0 = 1 is 0
            with np.errstate(divide="ignore", invalid="ignore"):
                grad_a = np.where(b == 0, 0.0, grad * b * np.power(a, b - 1)).astype(
                    out.dtype, copy=False)
            grad_a = unbroadcast(grad_a, a.shape)
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.where(out == 0, 0.0, np.log(np.where(out == 0, 1.0, a)))
            grad_b = unbroadcast(grad * out * log_a, b.shape)
        return grad_a, grad_b


class MatMul(Function):
    """f(A, B) = A @ B;  dL/dA = G @ B^T,  dL/dB = A^T @ G  (G = dL/df).

    1-D operands follow np.matmul (a vector is a row on the left, a column on the right);
    batch axes broadcast and their gradients are summed back.
    """

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"matmul needs operands with at least one axis, got shapes {a.shape} and {b.shape}")
        inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner_b:
            raise ValueError(
                f"matmul: inner dimensions differ: {a.shape} @ {b.shape} "
                f"({a.shape[-1]} != {inner_b})")
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, grad):
        a, b = self.saved_tensors
        if a.ndim == 1 and b.ndim == 1:
            return grad * b, grad * a
        a_mat = a[np.newaxis, :] if a.ndim == 1 else a
        b_mat = b[:, np.newaxis] if b.ndim == 1 else b
        grad_mat = np.expand_dims(grad, -2) if a.ndim == 1 else grad
        grad_mat = np.expand_dims(grad_mat, -1) if b.ndim == 1 else grad_mat
        grad_a = grad_b = None
        if self.needs_input_grad[0]:
            grad_a = unbroadcast(grad_mat @ np.swapaxes(b_mat, -1, -2), a_mat.shape)
            grad_a = grad_a.reshape(a.shape)
        if self.needs_input_grad[1]:
            grad_b = unbroadcast(np.swapaxes(a_mat, -1, -2) @ grad_mat, b_mat.shape)
            grad_b = grad_b.reshape(b.shape)
        return grad_a, grad_b
