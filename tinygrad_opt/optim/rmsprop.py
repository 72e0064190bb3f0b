"""RMSprop: gradient scaled by a running root-mean-square, optionally centered."""
from .optimizer import Optimizer, check_non_negative


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), ``torch.optim.RMSprop``'s rule and defaults.

    For each parameter p with gradient g (lambda = ``weight_decay``, mu = ``momentum``)::

        1. g       = g + lambda * p                            (only if weight_decay != 0)
        2. v_t     = alpha * v_{t-1} + (1 - alpha) * g^2       (``square_avg``, v_0 = 0)
        3. gbar_t  = gbar_{t-1} + (1 - alpha) * (g - gbar_{t-1})   (``grad_avg``; centered)
        4. denom   = sqrt(v_t - gbar_t^2) + eps   (centered)   or   sqrt(v_t) + eps
        5. b_t     = mu * b_{t-1} + g / denom;   p = p - lr * b_t    (momentum > 0, b_0 = 0)
           p       = p - lr * g / denom                              (momentum = 0)

    eps sits outside the square root. State: ``step`` (float), ``square_avg``, and
    ``momentum_buffer`` (momentum > 0) and ``grad_avg`` (centered) when used. There is no
    bias correction: on the first step v_1 = (1 - alpha) g^2, so the step is about
    lr / sqrt(1 - alpha) = 10 lr with the default alpha = 0.99. ``momentum`` or ``centered``
    switched on after some steps starts its state (b or gbar) at zero then (PyTorch raises a
    KeyError instead).

    Relation to the course notes: their E[g^2]_t = 0.9 E[g^2]_{t-1} + 0.1 g^2 with
    theta - eta / sqrt(E[g^2] + eps) g is ``alpha = 0.9`` with eps moved outside the root.
    Centering divides by an estimate of the gradient's standard deviation instead of its RMS.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0).
        alpha: smoothing constant of the running averages, in [0, 1].
        eps: term added to the denominator (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        momentum: momentum factor mu (>= 0).
        centered: normalise by the running variance instead of the second moment.
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps, weight_decay or momentum, or alpha outside [0, 1].
    """

    _kernel_name = "rmsprop_update"
    _state_names = frozenset({"step", "square_avg", "momentum_buffer", "grad_avg"})

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "eps", "weight_decay", "momentum")
        if not 0.0 <= options["alpha"] <= 1.0:
            raise ValueError(f"Invalid alpha value: {options['alpha']} (must be in [0, 1])")

    def _kernel_options(self, group):
        return (float(group["lr"]), float(group["alpha"]), float(group["eps"]),
                float(group["weight_decay"]), float(group["momentum"]), bool(group["centered"]))

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        square_avg = self.state_array(param, data, state, "square_avg")
        # a state array the options leave unused is passed empty: the kernel never reads it
        grad_avg = self.state_array(param, data, state, "grad_avg") if options[5] else data[:0]
        momentum_buffer = (self.state_array(param, data, state, "momentum_buffer")
                           if options[4] > 0 else data[:0])
        return (data, grad, square_avg, grad_avg, momentum_buffer, *options)
