"""More activation modules with ``torch.nn``'s names, each the function of the same name in
``nn.functional`` (formulas there): SiLU, Mish, Hardtanh, ReLU6, SELU, LogSigmoid, Softsign."""
from . import functional as F
from .layers import InplaceArgument
from .module import Module


class SiLU(InplaceArgument):
    """``y = x * sigmoid(x)``; ``torch.nn.SiLU``."""

    def forward(self, x):
        return F.silu(x)


class Mish(InplaceArgument):
    """``y = x * tanh(softplus(x))``; ``torch.nn.Mish``."""

    def forward(self, x):
        return F.mish(x)


class Hardtanh(InplaceArgument):
    """``y = clip(x, min_val, max_val)``; ``torch.nn.Hardtanh``."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__(inplace)
        if min_val >= max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} must be below max_val {max_val}")
        self.min_val = min_val
        self.max_val = max_val

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + (
            ", inplace=True" if self.inplace else "")


class ReLU6(InplaceArgument):
    """``y = min(max(x, 0), 6)``; ``torch.nn.ReLU6``."""

    def forward(self, x):
        return F.relu6(x)


class SELU(InplaceArgument):
    """``y = scale * elu(x, alpha)`` with SELU's constants; ``torch.nn.SELU``."""

    def forward(self, x):
        return F.selu(x)


class LogSigmoid(Module):
    """``y = log(sigmoid(x))``; ``torch.nn.LogSigmoid``."""

    def forward(self, x):
        return F.logsigmoid(x)


class Softsign(Module):
    """``y = x / (1 + |x|)``; ``torch.nn.Softsign``."""

    def forward(self, x):
        return F.softsign(x)
