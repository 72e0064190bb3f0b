"""Element-wise functions of one array (and Maximum of two).

Where a function has a kink (abs at 0, relu at 0, clip at its bounds, maximum at ties)
the derivative chosen there is PyTorch's, stated in each docstring. The transcendental
functions (exp, log, sqrt, sin, cos, tanh, sigmoid) of an integer or boolean array give
float32, PyTorch's default float dtype (NumPy would give float64).
"""
import numpy as np

from ..autograd import Function
from ._broadcast import unbroadcast


def _floating(x):
    """``x`` itself if it is a float array, else ``x`` as float32 (as PyTorch)."""
    return x if x.dtype.kind == "f" else x.astype(np.float32)


class Exp(Function):
    """f(x) = e^x;  df/dx = e^x (the saved output)."""

    def forward(self, x):
        x = _floating(x)
        out = np.exp(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad * out,)


class Log(Function):
    """f(x) = ln x;  df/dx = 1 / x.

    Like NumPy, ln 0 = -inf and ln of a negative number is nan (with a RuntimeWarning).
    """

    def forward(self, x):
        x = _floating(x)
        self.save_for_backward(x)
        return np.log(x)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (grad / x,)


class Sqrt(Function):
    """f(x) = sqrt(x);  df/dx = 1 / (2 sqrt(x)) (inf at 0; nan for x < 0, as NumPy)."""

    def forward(self, x):
        x = _floating(x)
        out = np.sqrt(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad / (2 * out),)


class Abs(Function):
    """f(x) = |x|;  df/dx = sign(x), taken as 0 at x = 0."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (grad * np.sign(x),)


class Sin(Function):
    """f(x) = sin x;  df/dx = cos x."""

    def forward(self, x):
        x = _floating(x)
        self.save_for_backward(x)
        return np.sin(x)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (grad * np.cos(x),)


class Cos(Function):
    """f(x) = cos x;  df/dx = -sin x."""

    def forward(self, x):
        x = _floating(x)
        self.save_for_backward(x)
        return np.cos(x)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (-grad * np.sin(x),)


class Tanh(Function):
    """f(x) = tanh x;  df/dx = 1 - tanh^2 x."""

    def forward(self, x):
        x = _floating(x)
        out = np.tanh(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad * (1 - out * out),)


class Sigmoid(Function):
    """f(x) = 1 / (1 + e^-x);  df/dx = f(x) (1 - f(x)).

    Computed from e^-|x| so that no exponential overflows:
    f(x) = 1 / (1 + e^-|x|) for x >= 0 and e^-|x| / (1 + e^-|x|) for x < 0.
    """

    def forward(self, x):
        x = _floating(x)
        exp_neg_abs = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1, exp_neg_abs) / (1 + exp_neg_abs)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad * out * (1 - out),)


class ReLU(Function):
    """f(x) = max(x, 0);  df/dx = 1 if x > 0 else 0 (0 at x = 0, as PyTorch)."""

    def forward(self, x):
        out = np.maximum(x, 0)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad * (out > 0),)


class LeakyReLU(Function):
    """f(x) = x if x > 0 else slope * x;  df/dx = 1 if x > 0 else slope."""

    def forward(self, x, slope=0.01):
        if x.dtype.kind not in "fc":  # slope * x would be truncated to 0 (PyTorch refuses)
            raise TypeError(f"leaky_relu needs a float tensor, got dtype {x.dtype}; cast it "
                            f"first (x.float())")
        self.slope = slope
        self.save_for_backward(x)
        return np.where(x > 0, x, x * np.asarray(slope, dtype=x.dtype))

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (np.where(x > 0, grad, grad * np.asarray(self.slope, dtype=grad.dtype)),)


class Clip(Function):
    """f(x) = min(max(x, lo), hi);  df/dx = 1 where lo <= x <= hi, else 0.

    Either bound may be None. The bounds count as inside, as in PyTorch's clamp.
    """

    def forward(self, x, lo=None, hi=None):
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip: lower bound {lo} is greater than upper bound {hi}")
        self.save_for_backward(x)
        self.bounds = (lo, hi)
        out = np.clip(x, lo, hi)
        if x.dtype.kind in "biu" and out.dtype.kind == "f":
            out = out.astype(np.float32)  # PyTorch: an int tensor clamped to a float bound
        return out

    def backward(self, grad):
        (x,) = self.saved_tensors
        lo, hi = self.bounds
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return (grad * inside,)


class Maximum(Function):
    """f(a, b) = max(a, b) element-wise;  df/da = [a > b],  df/db = [b > a].

    At ties the gradient is split in half between a and b, as PyTorch does.
    """

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return np.maximum(a, b)

    def backward(self, grad):
        a, b = self.saved_tensors
        share_a = ((a > b) + 0.5 * (a == b)).astype(grad.dtype, copy=False)
        grad_a = unbroadcast(grad * share_a, a.shape) if self.needs_input_grad[0] else None
        grad_b = unbroadcast(grad * (1 - share_a), b.shape) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Log1p(Function):
    """f(x) = ln(1 + x), accurate for tiny x;  df/dx = 1 / (1 + x)."""

    def forward(self, x):
        x = _floating(x)
        self.save_for_backward(x)
        return np.log1p(x)

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (grad / (1 + x),)


class Expm1(Function):
    """f(x) = e^x - 1, accurate for tiny x;  df/dx = e^x = f(x) + 1."""

    def forward(self, x):
        x = _floating(x)
        out = np.expm1(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved_tensors
        return (grad * (out + 1),)


STEP_FUNCTIONS = {"sign": np.sign, "floor": np.floor, "ceil": np.ceil, "round": np.round,
                  "trunc": np.trunc}


class Step(Function):
    """f(x) = sign, floor, ceil, round (half to even, as PyTorch) or trunc of x, a piecewise
    constant function;  df/dx = 0 everywhere (PyTorch's choice at the jumps too)."""

    def forward(self, x, name="sign"):
        return STEP_FUNCTIONS[name](x)

    def backward(self, grad):
        return (np.zeros_like(grad),)


class Cast(Function):
    """f(x) = x converted to another dtype;  dL/dx = dL/df converted back to x's dtype."""

    def forward(self, x, dtype=None):
        self.dtype = x.dtype
        return x.astype(dtype, copy=False)

    def backward(self, grad):
        return (grad.astype(self.dtype, copy=False),)
