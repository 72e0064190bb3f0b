"""Adagrad: per-coordinate step sizes from the running sum of squared gradients."""
from .optimizer import Optimizer, check_non_negative


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), ``torch.optim.Adagrad``'s rule and defaults.

    For each parameter p with gradient g at step t = 1, 2, ... (lambda = ``weight_decay``)::

        1. g     = g + lambda * p                     (only if weight_decay != 0)
        2. clr   = lr / (1 + (t - 1) * lr_decay)
        3. sum_t = sum_{t-1} + g^2                    (sum_0 = initial_accumulator_value)
        4. p     = p - clr * g / (sqrt(sum_t) + eps)

    eps sits outside the square root and is added after it. State: ``step`` (float) and
    ``sum``. On the first step clr = lr and, with sum_0 = 0, the step is lr * g / (|g| + eps),
    about lr * sign(g) for every coordinate.

    Relation to the course notes: they write theta - eta / sqrt(G + eps) * g with eps inside
    the root; PyTorch adds eps after it. With the default eps = 1e-10 the two agree unless
    sum is of order eps. ``lr_decay`` is the notes' inverse-time decay
    lr / (1 + decay * k), counted from 0 at the first step.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0).
        lr_decay: inverse-time decay of lr per step (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        initial_accumulator_value: starting value of ``sum`` (>= 0).
        eps: term added to the denominator (>= 0).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: any argument negative.
    """

    _kernel_name = "adagrad_update"
    _state_names = frozenset({"step", "sum"})

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, *, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "lr_decay", "weight_decay",
                           "initial_accumulator_value", "eps")

    def _kernel_options(self, group):
        return (float(group["lr"]), float(group["lr_decay"]), float(group["weight_decay"]),
                float(group["eps"]), float(group["initial_accumulator_value"]))

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        state_sum = self.state_array(param, data, state, "sum", fill=options[4])
        return (data, grad, state_sum, state["step"], *options[:4])
