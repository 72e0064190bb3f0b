"""Adamax: Adam with an infinity-norm second moment."""
from .optimizer import Optimizer, as_betas, check_betas, check_non_negative


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7), ``torch.optim.Adamax``'s rule and defaults.

    For each parameter p with gradient g at step t = 1, 2, ... (lambda = ``weight_decay``)::

        1. g   = g + lambda * p                            (only if weight_decay != 0)
        2. m_t = beta1 * m_{t-1} + (1 - beta1) * g         (``exp_avg``, m_0 = 0; as a lerp)
        3. u_t = max(beta2 * u_{t-1}, |g| + eps)           (``exp_inf``, u_0 = 0)
        4. p   = p - lr / (1 - beta1^t) * m_t / u_t

    eps is added to |g| inside the max (not to the denominator afterwards), so u_t >= eps
    and the division is always safe. u needs no bias correction. State: ``step`` (float),
    ``exp_avg``, ``exp_inf``. On the first step u_1 = |g| + eps and m_1 / (1 - beta1) = g, so
    each coordinate moves by about lr * sign(g).

    Relation to the course notes: Adam's v_t = beta2 v + (1 - beta2) g^2 generalised to the
    p-norm and taken to p -> infinity becomes the running max of step 3.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0), default 2e-3.
        betas: (beta1, beta2), each in [0, 1).
        eps: term added to |g| (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).
    """

    _kernel_name = "adamax_update"
    _state_names = frozenset({"step", "exp_avg", "exp_inf"})

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, betas=as_betas(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "eps", "weight_decay")
        check_betas(options)

    def _kernel_options(self, group):
        beta1, beta2 = group["betas"]
        return (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                float(group["weight_decay"]))

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        return (data, grad, self.state_array(param, data, state, "exp_avg"),
                self.state_array(param, data, state, "exp_inf"), state["step"], *options)
