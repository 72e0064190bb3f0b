"""tinygrad_opt: reverse-mode autodiff on NumPy, with Numba-fused optimizers, for learning
and verifying optimization. Public re-exports only."""
from . import data, nn, objectives, optim, train, viz
from ._random import manual_seed
from .autograd import Function, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .serialization import load, save
from .gradcheck import (GradcheckError, check_gradients, check_model_gradients, gradcheck,
                        gradcheck_eps_sweep)
from .tensor import Tensor, concatenate, stack
from .tensor import concatenate as cat
from ._tensor_extras import where
from .trace import trace_backward
# Last, so that ``tg.tensor`` is the factory function (as ``torch.tensor``), not the module.
from .factories import (arange, eye, from_numpy, full, linspace, ones, ones_like, rand, randn,
                        tensor, zeros, zeros_like)

from ._version import __version__
