"""PyTorch's module-level functions on tensors: ``tg.exp(x)``, ``tg.sum(x, dim=1)``,
``tg.matmul(a, b)``, ... (each the method of the same name, with ``x`` lifted to a Tensor
when it is an array or a number), and ``allclose``, ``isnan``, ``isinf``, ``isfinite``,
``is_tensor``. The package's ``__init__`` exports them."""
import numpy as np

from . import autograd
from ._arraylike import as_mask
from ._tensor_extras import _data, _lift


def allclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` everywhere (a Python bool)."""
    return bool(np.allclose(_data(input), _data(other), rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def isnan(input):
    """Boolean array, true at NaN (no grad, as comparisons)."""
    return as_mask(np.isnan(_data(input)))


def isinf(input):
    """Boolean array, true at +-inf."""
    return as_mask(np.isinf(_data(input)))


def isfinite(input):
    """Boolean array, true where neither NaN nor infinite."""
    return as_mask(np.isfinite(_data(input)))


def is_tensor(obj):
    """Whether ``obj`` is a Tensor."""
    return isinstance(obj, autograd.Function.node_type)


# ``tg.exp(x)``, ``tg.sum(x, dim=1)``, ``tg.matmul(a, b)``...: PyTorch's module-level spelling
# of each method below, with ``x`` lifted to a Tensor when it is an array or number (exported
# by the package's ``__init__``; kept out of this module's globals, where they would shadow
# the builtins sum/max/min/abs/round/pow).
METHOD_FUNCTIONS = (
    "abs", "neg", "exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt",
    "square", "reciprocal", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sign", "floor",
    "ceil", "round", "trunc", "pow", "clamp", "clip", "maximum", "minimum", "lerp",
    "sum", "mean", "var", "std", "norm", "prod", "cumsum", "logsumexp", "amax", "amin",
    "max", "min", "argmax", "argmin", "softmax", "log_softmax",
    "matmul", "mm", "bmm", "dot", "outer", "reshape", "flatten", "squeeze", "unsqueeze",
    "transpose", "permute", "flip", "split", "chunk", "unbind", "gather", "index_select",
    "masked_fill", "tril", "triu", "numel")


def _method_function(name):
    def function(input, *args, **kwargs):
        return getattr(_lift(input), name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``x.{name}(...)`` as a function of ``x`` (``torch.{name}``)."
    return function


FUNCTIONS = {name: _method_function(name) for name in METHOD_FUNCTIONS}
