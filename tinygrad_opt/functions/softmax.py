"""Softmax and LogSoftmax along one axis, in the max-shifted (overflow-free) form.

softmax(x) = softmax(x - c) for any constant c; with c = max(x) every exponent is <= 0,
so nothing overflows and at least one term of the sum is exactly 1.
"""
import numpy as np

from ..autograd import Function


def log_softmax(x, axis=-1):
    """log softmax(x) = (x - max x) - log sum_j exp(x_j - max x) along ``axis`` (an array)."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class Softmax(Function):
    """s_i = e^{x_i} / sum_j e^{x_j};  dL/dx = s * (g - sum_j g_j s_j)  (g = dL/ds)."""

    def forward(self, x, axis=-1):
        self.axis = axis
        shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
        out = shifted / np.sum(shifted, axis=axis, keepdims=True)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (out * (grad - np.sum(grad * out, axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    """y_i = x_i - log sum_j e^{x_j};  dL/dx = g - softmax(x) * sum_j g_j  (g = dL/dy)."""

    def forward(self, x, axis=-1):
        self.axis = axis
        out = log_softmax(x, axis)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad - np.exp(out) * np.sum(grad, axis=self.axis, keepdims=True),)
