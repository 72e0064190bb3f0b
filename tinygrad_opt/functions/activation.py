"""Smooth activation functions of one array: GELU, ELU, Softplus (PyTorch's formulas).

Their derivatives at the points where PyTorch picks a one-sided value (ELU at 0, Softplus
past its threshold) are PyTorch's, stated in each docstring.
"""
import math

import numpy as np

from ..autograd import Function

_erf_objects = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; math.erf is exact to rounding


def _erf(x):
    return np.asarray(_erf_objects(x), dtype=x.dtype)


def _floating(x):
    return x if x.dtype.kind == "f" else x.astype(np.float32)


class GELU(Function):
    """Gaussian error linear unit, PyTorch's ``gelu``.

    Exact (``approximate="none"``), with Phi the standard normal CDF and phi its density:
        f(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2;   df/dx = Phi(x) + x phi(x).
    ``approximate="tanh"``, with u = sqrt(2/pi) (x + 0.044715 x^3) and t = tanh u:
        f(x) = x (1 + t) / 2;   df/dx = (1 + t) / 2 + x (1 - t^2) u'(x) / 2,
        u'(x) = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
    """

    def forward(self, x, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        x = _floating(x)
        self.approximate = approximate
        self.save_for_backward(x)
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(self._u(x)))
        return 0.5 * x * (1 + _erf(x / np.asarray(math.sqrt(2), x.dtype)))

    @staticmethod
    def _u(x):
        return np.asarray(math.sqrt(2 / math.pi), x.dtype) * (x + 0.044715 * x ** 3)

    def backward(self, grad):
        (x,) = self.saved_tensors
        if self.approximate == "tanh":
            t = np.tanh(self._u(x))
            du = np.asarray(math.sqrt(2 / math.pi), x.dtype) * (1 + 3 * 0.044715 * x * x)
            return (grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du),)
        cdf = 0.5 * (1 + _erf(x / np.asarray(math.sqrt(2), x.dtype)))
        pdf = np.exp(-0.5 * x * x) / np.asarray(math.sqrt(2 * math.pi), x.dtype)
        return (grad * (cdf + x * pdf),)


class ELU(Function):
    """f(x) = x if x > 0 else alpha (e^x - 1);  df/dx = 1 if x > 0 else alpha e^x
    (alpha at x = 0, as PyTorch)."""

    def forward(self, x, alpha=1.0):
        x = _floating(x)
        self.alpha = alpha
        self.save_for_backward(x)
        negative = np.asarray(alpha, x.dtype) * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, negative)

    def backward(self, grad):
        (x,) = self.saved_tensors
        slope = np.asarray(self.alpha, x.dtype) * np.exp(np.minimum(x, 0))
        return (np.where(x > 0, grad, grad * slope),)


class Softplus(Function):
    """f(x) = log(1 + e^(beta x)) / beta;  df/dx = sigmoid(beta x).

    As PyTorch, where beta x > threshold the function is taken as x (derivative 1), and
    log(1 + e^z) is computed as max(z, 0) + log1p(e^-|z|) so no exponential overflows.
    """

    def forward(self, x, beta=1.0, threshold=20.0):
        x = _floating(x)
        self.beta, self.threshold = beta, threshold
        self.save_for_backward(x)
        z = x * np.asarray(beta, x.dtype)
        soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / np.asarray(beta, x.dtype)
        return np.where(z > threshold, x, soft)

    def backward(self, grad):
        (x,) = self.saved_tensors
        z = x * np.asarray(self.beta, x.dtype)
        exp_neg_abs = np.exp(-np.abs(z))
        sigmoid = np.where(z >= 0, 1, exp_neg_abs) / (1 + exp_neg_abs)
        return (grad * np.where(z > self.threshold, 1, sigmoid).astype(grad.dtype),)
