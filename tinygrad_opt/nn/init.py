"""Weight initialisers with PyTorch's names and formulas (``torch.nn.init``), for our layout.

Our Dense weight has shape ``(in_features, out_features)`` (PyTorch stores the transpose),
so the fans are read the other way round from PyTorch's ``(out, in, *kernel)``:

* 2-D ``(fan_in, fan_out)``: ``fan_in = shape[0]``, ``fan_out = shape[1]``;
* higher rank ``(in, out, *receptive)``: with ``r = prod(receptive)``,
  ``fan_in = shape[0] * r`` and ``fan_out = shape[1] * r``;
* 1-D and 0-D tensors have no fans: a ValueError, as in PyTorch.

Each initialiser takes the tensor (a Tensor/Parameter, or an ndarray) first, an optional
``rng`` (``np.random.Generator``; the global one when None), fills it in place and returns
it. Random values are drawn in float64 and cast to the tensor's dtype.
"""
import math

import numpy as np

from tinygrad_opt._random import resolve_rng

_LINEAR_NAMES = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                 "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """Return the recommended gain for ``nonlinearity`` (``torch.nn.init.calculate_gain``).

    ======================  ==============================
    nonlinearity            gain
    ======================  ==============================
    linear, identity,       1
    conv*, sigmoid
    tanh                    5/3
    relu                    sqrt(2)
    leaky_relu              sqrt(2 / (1 + slope^2)), slope = ``param`` (default 0.01)
    selu                    3/4
    ======================  ==============================

    The gain multiplies the standard deviation: Kaiming uses ``std = gain / sqrt(fan)``, so
    ``Var w = gain^2 / fan`` (2 / fan_in for ReLU, the "twice the variance" of the course
    notes). The notes' ``sigma = sqrt(gain / n)`` would give Var w = sqrt(2) / n for ReLU;
    their own explanation (double the variance) matches the squared gain used here.

    Raises:
        ValueError: unknown ``nonlinearity`` or a non-numeric leaky_relu slope.
    """
    if nonlinearity in _LINEAR_NAMES:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1.0 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}")


def _array(tensor):
    return tensor.data if hasattr(tensor, "data") and not isinstance(tensor, np.ndarray) \
        else tensor


def _fill(tensor, values):
    _array(tensor)[...] = values
    return tensor


def calculate_fan_in_and_fan_out(tensor):
    """Return ``(fan_in, fan_out)`` for our ``(in, out, *receptive)`` layout (see module doc).

    Raises:
        ValueError: the tensor has fewer than 2 dimensions.
    """
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer "
                         f"than 2 dimensions (got shape {shape})")
    receptive = math.prod(shape[2:])
    return shape[0] * receptive, shape[1] * receptive


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def zeros_(tensor):
    """Fill with 0."""
    return _fill(tensor, 0.0)


def ones_(tensor):
    """Fill with 1."""
    return _fill(tensor, 1.0)


def constant_(tensor, val):
    """Fill with the constant ``val``."""
    return _fill(tensor, val)


def uniform_(tensor, a=0.0, b=1.0, rng=None):
    """Fill with draws from U(a, b).

    Raises:
        ValueError: ``a > b``.
    """
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    shape = _array(tensor).shape
    return _fill(tensor, resolve_rng(rng).uniform(a, b, size=shape))


def normal_(tensor, mean=0.0, std=1.0, rng=None):
    """Fill with draws from N(mean, std^2).

    Raises:
        ValueError: ``std < 0``.
    """
    if not std >= 0:
        raise ValueError(f"normal_ needs std >= 0, got std={std}")
    shape = _array(tensor).shape
    return _fill(tensor, resolve_rng(rng).normal(mean, std, size=shape))


def xavier_uniform_(tensor, gain=1.0, rng=None):
    """Glorot/Xavier uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Keeps the activation and gradient variance ``2 / (fan_in + fan_out)`` (Glorot & Bengio,
    2010); matches ``torch.nn.init.xavier_uniform_``.
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, rng=rng)


def xavier_normal_(tensor, gain=1.0, rng=None):
    """Glorot/Xavier normal: N(0, std^2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, rng=rng)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    """He/Kaiming uniform: U(-bound, bound), ``bound = sqrt(3) * gain / sqrt(fan)``.

    ``gain = calculate_gain(nonlinearity, a)``; the defaults (leaky_relu with slope ``a=0``)
    give ``gain = sqrt(2)``, He et al. (2015)'s ReLU value. ``fan`` is ``fan_in``
    (preserves forward variance) or ``fan_out`` (backward). Matches
    ``torch.nn.init.kaiming_uniform_``.
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, rng=rng)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    """He/Kaiming normal: N(0, std^2) with ``std = gain / sqrt(fan)`` (see kaiming_uniform_)."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, rng=rng)
