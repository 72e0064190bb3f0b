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
from .tensor import concatenate as concat
from . import _torch_functions
from ._tensor_extras import where
from ._torch_functions import allclose, is_tensor, isfinite, isinf, isnan
from .trace import trace_backward
# Last, so that ``tg.tensor`` is the factory function (as ``torch.tensor``), not the module.
from .factories import (arange, empty, eye, from_numpy, full, full_like, linspace, ones,
                        ones_like, rand, rand_like, randint, randn, randn_like, tensor, zeros,
                        zeros_like)

from ._version import __version__

# PyTorch's module-level spelling of Tensor methods: tg.exp(x), tg.sum(x, dim=1), tg.matmul(a, b)
globals().update({name: function for name, function in _torch_functions.FUNCTIONS.items()
                  if name not in globals()})
