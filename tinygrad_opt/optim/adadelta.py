"""Adadelta: steps scaled by the ratio of running RMS of past steps and of gradients."""
from .optimizer import Optimizer, check_non_negative


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), ``torch.optim.Adadelta``'s rule and defaults.

    For each parameter p with gradient g (lambda = ``weight_decay``)::

        1. g       = g + lambda * p                          (only if weight_decay != 0)
        2. v_t     = rho * v_{t-1} + (1 - rho) * g^2         (``square_avg``, v_0 = 0)
        3. delta   = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g
        4. u_t     = rho * u_{t-1} + (1 - rho) * delta^2     (``acc_delta``, u_0 = 0)
        5. p       = p - lr * delta

    eps sits inside both square roots. State: ``step`` (float, counted but unused by the
    rule), ``square_avg``, ``acc_delta``. On the first step u_0 = 0, so the numerator is
    sqrt(eps) = 1e-3 with the defaults: Adadelta starts with tiny steps and grows them.

    Relation to the course notes: their Delta theta = -RMS[Delta theta]_{t-1} / RMS[g]_t * g
    with RMS[x] = sqrt(E[x^2] + eps) is exactly steps 2-4; PyTorch multiplies the step by an
    extra ``lr`` (default 1.0, which gives the paper's rule).

    Args:
        params: parameters or param groups to optimize.
        lr: multiplier of the step (>= 0).
        rho: decay of both running averages, in [0, 1].
        eps: term inside the square roots (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps or weight_decay, or rho outside [0, 1].
    """

    _kernel_name = "adadelta_update"
    _state_names = frozenset({"step", "square_avg", "acc_delta"})

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "eps", "weight_decay")
        if not 0.0 <= options["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {options['rho']} (must be in [0, 1])")

    def _kernel_options(self, group):
        return (float(group["lr"]), float(group["rho"]), float(group["eps"]),
                float(group["weight_decay"]))

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        return (data, grad, self.state_array(param, data, state, "square_avg"),
                self.state_array(param, data, state, "acc_delta"), *options)
