"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""
from .optimizer import Optimizer, as_betas, check_betas, check_non_negative


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), ``torch.optim.NAdam``'s rule and defaults.

    For each parameter p with gradient g at step t = 1, 2, ... (lambda = ``weight_decay``,
    psi = ``momentum_decay``)::

        1. g       = g + lambda * p                            (only if weight_decay != 0)
        2. mu_t    = beta1 * (1 - 0.5 * 0.96^(t psi)),   mu_{t+1} likewise with t + 1
        3. P_t     = P_{t-1} * mu_t                            (``mu_product``, P_0 = 1)
        4. m_t     = beta1 * m_{t-1} + (1 - beta1) * g         (``exp_avg``; as a lerp)
        5. v_t     = beta2 * v_{t-1} + (1 - beta2) * g^2       (``exp_avg_sq``)
        6. denom   = sqrt(v_t / (1 - beta2^t)) + eps
        7. p       = p - lr * (1 - mu_t) / (1 - P_t) * g / denom
        8. p       = p - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m_t / denom

    eps is added after the bias-corrected square root (as in Adam); steps 7 and 8 are two
    separate in-place additions, as in PyTorch. State: ``step`` and ``mu_product`` (Python
    floats) and ``exp_avg``, ``exp_avg_sq``. The schedule mu_t rises from about
    beta1 / 2 towards beta1, so momentum warms up over the first few hundred steps.

    Relation to the course notes: Nesterov's look-ahead applied to Adam: step 8 uses the
    momentum of the *next* step, and step 7 adds the current gradient's share directly, the
    way SGD's Nesterov form adds mu * b to g.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0), default 2e-3.
        betas: (beta1, beta2), each in [0, 1).
        eps: term added to the denominator (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        momentum_decay: psi of the momentum schedule (>= 0).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps, weight_decay or momentum_decay, or a beta outside
            [0, 1).
    """

    _kernel_name = "nadam_update"
    _state_names = frozenset({"step", "mu_product", "exp_avg", "exp_avg_sq"})

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=as_betas(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "eps", "weight_decay", "momentum_decay")
        check_betas(options)

    def _kernel_options(self, group):
        beta1, beta2 = group["betas"]
        return (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                float(group["weight_decay"]), float(group["momentum_decay"]))

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        mu_product = state.setdefault("mu_product", 1.0)
        return (data, grad, self.state_array(param, data, state, "exp_avg"),
                self.state_array(param, data, state, "exp_avg_sq"), state["step"], mu_product,
                *options)

    def _finish(self, state, result):
        state["mu_product"] = result
