"""Learning-rate schedules as pure closed-form functions of the step count.

Each function maps a step ``t`` (an integer >= 0) and the schedule's hyper-parameters to a
learning rate, with no optimizer and no state, in the style of optax's schedules. Plots and
tests call these directly; the PyTorch-style classes in ``optim.lr_scheduler`` are thin
wrappers that write the values into ``optimizer.param_groups``.

The arithmetic follows PyTorch's closed forms operation by operation (its
``_get_closed_form_lr`` methods and the non-recursive ``get_lr`` methods), so the values
agree with PyTorch's bit for bit where PyTorch itself uses a closed form.
"""

from .cosine import cosine_annealing, cosine_warm_restarts, restart_position, sgdr_value
from .cyclical import (
    anneal_cos,
    anneal_linear,
    cyclic,
    one_cycle,
    one_cycle_momentum,
    one_cycle_phase,
    triangular2_scale,
    triangular_scale,
)
from .decay import constant, exponential, inverse_time, linear, multistep, polynomial, step_decay

__all__ = [
    "anneal_cos",
    "anneal_linear",
    "constant",
    "cosine_annealing",
    "cosine_warm_restarts",
    "cyclic",
    "exponential",
    "inverse_time",
    "linear",
    "multistep",
    "one_cycle",
    "one_cycle_momentum",
    "one_cycle_phase",
    "polynomial",
    "restart_position",
    "sgdr_value",
    "step_decay",
    "triangular2_scale",
    "triangular_scale",
]
