"""Layers without normalisation state: Dense/Linear, containers (Sequential, ModuleList),
Flatten, Dropout and activations."""
import warnings

import numpy as np

from .. import _convert, autograd
from ..functions.linear import LinearReLU
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter


def _small_normal_(tensor, rng=None):
    """N(0, 0.01^2): the "small random numbers" initialisation (what ``"normal"`` means)."""
    return init.normal_(tensor, 0.0, 0.01, rng=rng)


_WEIGHT_INITS = {
    "xavier_uniform": init.xavier_uniform_,
    "xavier_normal": init.xavier_normal_,
    "kaiming_uniform": init.kaiming_uniform_,
    "kaiming_normal": init.kaiming_normal_,
    "normal": _small_normal_,
    "zeros": lambda tensor, rng=None: init.zeros_(tensor),
}


class Dense(Module):
    """Fully connected layer ``y = x @ weight + bias``; ``torch.nn.Linear`` with the weight
    stored transposed.

    Shapes: x ``(*, in_features)`` -> y ``(*, out_features)``; ``weight`` is
    ``(in_features, out_features)``, ``bias`` ``(out_features,)`` (zeros at start).

    Args:
        in_features, out_features: sizes of the last axis of x and y.
        bias: whether to add a bias.
        weight_init: a name in ``"xavier_uniform"`` (default), ``"xavier_normal"``,
            ``"kaiming_uniform"``, ``"kaiming_normal"`` (both with PyTorch's defaults, i.e.
            ReLU gain sqrt(2)), ``"normal"`` (N(0, 0.01^2)), ``"zeros"``; or a callable
            that fills the weight Parameter in place, e.g.
            ``lambda w: nn.init.normal_(w, std=0.1)``.
        rng: ``np.random.Generator`` for the initial weights (global one when None).

    Raises:
        ValueError: unknown ``weight_init`` name; in ``forward``, an input whose last axis
            is not ``in_features``.
    """

    def __init__(self, in_features, out_features, bias=True, weight_init="xavier_uniform",
                 rng=None):
        super().__init__()
        for name, size in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(size, (bool, str)) or int(size) != size or size < 0:
                raise ValueError(f"{type(self).__name__}: {name} must be an int >= 0, "
                                 f"got {size!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = Parameter(np.zeros((self.in_features, self.out_features), np.float32))
        if callable(weight_init):
            weight_init(self.weight)
        elif weight_init in _WEIGHT_INITS:
            _WEIGHT_INITS[weight_init](self.weight, rng=rng)
        else:
            raise ValueError(f"unknown weight_init {weight_init!r}; choose one of "
                             f"{sorted(_WEIGHT_INITS)} or pass a callable")
        self.bias = Parameter(np.zeros(self.out_features, np.float32)) if bias else None

    def forward(self, x, relu=False):
        """``x @ weight + bias``; ``relu=True`` gives ``max(x @ weight + bias, 0)`` as one
        fused op (``functions.linear.LinearReLU``), which ``Sequential`` asks for when this
        layer is followed by a ``ReLU`` module."""
        width = x.shape[-1] if len(x.shape) else None
        if width != self.in_features:
            raise ValueError(f"{type(self).__name__} expected input with {self.in_features} "
                             f"features in its last axis, got {width} (input shape "
                             f"{tuple(x.shape)})")
        if not relu:
            return F.linear(x, self.weight, self.bias)
        x = x if isinstance(x, Tensor) else Tensor(x)
        if self.bias is None:
            return LinearReLU.apply(x, self.weight)
        return LinearReLU.apply(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


Linear = Dense


class Sequential(Module):
    """Apply modules in order: ``y = m_k(...m_2(m_1(x)))``; ``torch.nn.Sequential``.

    Indexable (``model[0]``, slices give a new Sequential), has ``len`` and iterates over its
    modules. They are held in the list ``layers``, so parameter names read
    ``layers.0.weight``. A ``Dense`` followed by a ``ReLU`` (exactly these classes, not
    subclasses) runs as one fused op, ``Dense.forward(x, relu=True)``: same numbers, one
    graph node (``LinearReLU``) and one array fewer per layer. While ``tg.trace_backward``
    records, nothing is fused, so that a trace shows the ``Linear`` and ``ReLU`` steps of
    the textbook.
    """

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential argument {index} is a {type(module).__name__}, "
                                "not a Module")
        self.layers = list(modules)

    def forward(self, x):
        layers, index = self.layers, 0
        fuse = not autograd.backward_observers  # a trace is recording: show every step
        while index < len(layers):
            layer = layers[index]
            if (fuse and type(layer) is Dense and index + 1 < len(layers)
                    and type(layers[index + 1]) is ReLU):
                x = layer(x, relu=True)
                index += 2
            else:
                x = layer(x)
                index += 1
        return x

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)


class InplaceArgument(Module):
    """Base of the modules whose ``torch.nn`` class takes ``inplace=False``. The argument is
    accepted so PyTorch code (``nn.ReLU(inplace=True)``) runs unchanged; the output is always
    a new tensor, with the same values (the input is not overwritten)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = bool(inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Dropout(InplaceArgument):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale the
    rest by ``1/(1-p)``; the identity in eval mode. ``torch.nn.Dropout``. Shape preserved.

    Raises:
        ValueError: ``p`` outside [0, 1].
        TypeError: ``p`` not a number.
    """

    def __init__(self, p=0.5, inplace=False, rng=None):
        super().__init__(inplace)
        if isinstance(p, (bool, str)) or not np.isscalar(p):
            raise TypeError(f"dropout probability must be a number, got {p!r}")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        if p == 1.0:
            warnings.warn("Dropout(p=1.0) zeroes every input in training: the layers before "
                          "it get no gradient and the model cannot learn", UserWarning,
                          stacklevel=2)
        self.p = float(p)
        self.rng = rng

    def forward(self, x):
        return F.dropout(x, self.p, self.training, rng=self.rng)

    def extra_repr(self):
        return f"p={self.p}" + (", inplace=True" if self.inplace else "")


class Identity(Module):
    """``y = x``; ``torch.nn.Identity``."""

    def forward(self, x):
        return x


class ReLU(InplaceArgument):
    """``y = max(x, 0)`` elementwise; ``torch.nn.ReLU``."""

    def forward(self, x):
        return F.relu(x)


class LeakyReLU(InplaceArgument):
    """``y = x`` if ``x > 0`` else ``negative_slope * x``; ``torch.nn.LeakyReLU``."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace
                                                          else "")


class Tanh(Module):
    """``y = tanh(x)`` elementwise; ``torch.nn.Tanh``."""

    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    """``y = 1 / (1 + exp(-x))`` elementwise; ``torch.nn.Sigmoid``."""

    def forward(self, x):
        return F.sigmoid(x)


class Softmax(Module):
    """``y = exp(x) / sum(exp(x))`` along ``axis`` (default last; ``dim=`` is PyTorch's
    name for it); ``torch.nn.Softmax``."""

    def __init__(self, axis=-1, *, dim=None):
        super().__init__()
        self.axis = _convert.torch_alias("Softmax", axis, dim, -1)

    def forward(self, x):
        return F.softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """``y = x - log(sum(exp(x)))`` along ``axis`` (default last; alias ``dim``);
    ``torch.nn.LogSoftmax``."""

    def __init__(self, axis=-1, *, dim=None):
        super().__init__()
        self.axis = _convert.torch_alias("LogSoftmax", axis, dim, -1)

    def forward(self, x):
        return F.log_softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class GELU(Module):
    """``y = x * Phi(x)`` (exact, erf), or its tanh approximation with
    ``approximate="tanh"``; ``torch.nn.GELU``."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class ELU(InplaceArgument):
    """``y = x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``; ``torch.nn.ELU``."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """``y = log(1 + exp(beta x)) / beta`` (``x`` past ``beta x > threshold``);
    ``torch.nn.Softplus``."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` into one (default: all but the batch axis);
    ``torch.nn.Flatten``. Shape ``(N, *rest)`` -> ``(N, prod(rest))``."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class ModuleList(Module):
    """A list of modules whose parameters the container reports (``torch.nn.ModuleList``);
    not callable itself. Held in the list ``layers``, so names read ``layers.0.weight``."""

    def __init__(self, modules=()):
        super().__init__()
        self.layers = []
        self.extend(modules)

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList holds Modules, got a {type(module).__name__}")
        self.layers.append(module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(self.layers[index])
        return self.layers[index]

    def __setitem__(self, index, module):
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList holds Modules, got a {type(module).__name__}")
        self.layers[index] = module

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)
