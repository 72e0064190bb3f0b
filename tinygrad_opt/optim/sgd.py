"""Stochastic gradient descent with momentum, dampening, weight decay and Nesterov."""
from .optimizer import Optimizer, check_non_negative


class SGD(Optimizer):
    r"""Stochastic gradient descent, ``torch.optim.SGD``'s rule and defaults.

    For each parameter p with gradient g, step t (lr = learning rate, mu = ``momentum``,
    tau = ``dampening``, lambda = ``weight_decay``)::

        1. g   = g + lambda * p                      (only if weight_decay != 0)
        2. b_t = g                                   (t = 1: the buffer starts as a copy of g)
           b_t = mu * b_{t-1} + (1 - tau) * g        (t > 1; only if momentum != 0)
        3. d   = g + mu * b_t   (nesterov)   or   d = b_t   (momentum)   or   d = g
        4. p   = p - lr * d

    State: ``momentum_buffer`` (b), only when ``momentum != 0``; no step count, as PyTorch.
    As in PyTorch, a momentum switched on after some steps starts its buffer at that step
    (b = g, step 2).

    Relation to the course notes: their momentum form v = alpha v - eps g, theta = theta + v is
    this rule with v = -lr * b (same trajectory for a constant lr; PyTorch scales the buffer by
    lr when it is used, so a changed lr acts at once). The exponential-moving-average form
    v = beta v + (1 - beta) g is ``dampening = beta`` (with ``momentum = beta``), except on
    the first step, where PyTorch takes b_1 = g rather than (1 - beta) g. The notes' Nesterov
    gradient at the look-ahead point theta + alpha v is rewritten, as in Sutskever et al.
    (2013), so that only the current gradient is needed: step 3 above.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0).
        momentum: momentum factor mu (>= 0).
        dampening: dampening tau of the gradient added to the buffer.
        weight_decay: L2 penalty lambda (>= 0), added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, momentum or weight_decay, or nesterov without momentum
            or with dampening.
    """

    _kernel_name = "sgd_update"
    _state_names = frozenset({"momentum_buffer"})

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "momentum", "weight_decay")
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError(f"Nesterov momentum requires a momentum and zero dampening, got "
                             f"momentum={options['momentum']}, "
                             f"dampening={options['dampening']}")

    def _kernel_options(self, group):
        return (float(group["lr"]), float(group["momentum"]), float(group["dampening"]),
                float(group["weight_decay"]), bool(group["nesterov"]))

    def _arguments(self, param, data, grad, state, options):
        if options[1] == 0.0:
            return (data, grad, data[:0], *options, False)  # no buffer: the kernel skips it
        first_step = "momentum_buffer" not in state
        buffer = self.state_array(param, data, state, "momentum_buffer")
        return (data, grad, buffer, *options, first_step)
