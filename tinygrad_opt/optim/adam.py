"""Adam and AdamW: bias-corrected first and second moment estimates."""
from .optimizer import Optimizer, as_betas, check_betas, check_non_negative


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), ``torch.optim.Adam``'s rule and defaults.

    For each parameter p with gradient g at step t = 1, 2, ... (lambda = ``weight_decay``)::

        1. g     = g + lambda * p                                  (only if weight_decay != 0)
        2. m_t   = beta1 * m_{t-1} + (1 - beta1) * g               (``exp_avg``, m_0 = 0;
                                                                    computed as a lerp)
        3. v_t   = beta2 * v_{t-1} + (1 - beta2) * g^2             (``exp_avg_sq``, v_0 = 0)
        4. vmax  = max(vmax_{t-1}, v_t); use vmax for v_t below    (``max_exp_avg_sq``; amsgrad)
        5. bc1   = 1 - beta1^t,   bc2 = 1 - beta2^t
        6. denom = sqrt(v_t) / sqrt(bc2) + eps
        7. p     = p - (lr / bc1) * m_t / denom

    eps is added after the bias-corrected square root: it bounds the step where v is tiny.
    State: ``step`` (float), ``exp_avg``, ``exp_avg_sq`` and ``max_exp_avg_sq`` (amsgrad). On
    the first step m_1 / bc1 = g and sqrt(v_1 / bc2) = |g|, so every coordinate moves by about
    lr * sign(g): Adam's first step has size lr whatever the gradient's scale. ``amsgrad``
    switched on after some steps starts ``max_exp_avg_sq`` at zero then, so the running
    maximum begins at that step (PyTorch raises a KeyError instead).

    Relation to the course notes: their theta - eta * mhat / (sqrt(vhat) + eps) with
    mhat = m / bc1 and vhat = v / bc2 is the same rule (sqrt(vhat) = sqrt(v) / sqrt(bc2));
    PyTorch folds 1 / bc1 into the step size. ``weight_decay`` adds lambda p to the gradient
    (L2 regularisation), which the moments then rescale; see ``AdamW`` for decoupled decay.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0).
        betas: (beta1, beta2), decay rates of the two moment estimates, each in [0, 1).
        eps: term added to the denominator (>= 0).
        weight_decay: L2 penalty lambda (>= 0).
        amsgrad: use the running maximum of v_t (Reddi et al., 2018).
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).
    """

    _kernel_name = "adam_update"
    _state_names = frozenset({"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"})
    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=as_betas(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def _check_options(self, options):
        check_non_negative(options, "lr", "eps", "weight_decay")
        check_betas(options)

    def _kernel_options(self, group):
        beta1, beta2 = group["betas"]
        return (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                float(group["weight_decay"]), bool(group["amsgrad"]),
                self._decoupled_weight_decay)

    def _arguments(self, param, data, grad, state, options):
        state["step"] = state.get("step", 0.0) + 1.0
        amsgrad = options[5]
        max_exp_avg_sq = (self.state_array(param, data, state, "max_exp_avg_sq") if amsgrad
                          else data[:0])  # unused without amsgrad: the kernel skips it
        return (data, grad, self.state_array(param, data, state, "exp_avg"),
                self.state_array(param, data, state, "exp_avg_sq"), max_exp_avg_sq,
                state["step"], *options)


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019), ``torch.optim.AdamW``'s rule and defaults.

    Adam with decoupled weight decay: step 1 of ``Adam`` is replaced by a shrink of the
    parameter before the moment update, and the gradient enters the moments undecayed::

        0. p = p * (1 - lr * lambda)
        then steps 2-7 of ``Adam`` with the raw gradient g.

    Everything else (state, eps placement, bias correction, amsgrad, first step of size
    about lr) is Adam's. Relation to the course notes: the shrink is plain weight decay at
    rate lr * lambda, the "decay" term of SGD, applied outside the adaptive scaling, so every
    weight decays at the same relative rate whatever its gradient history.

    Args:
        params: parameters or param groups to optimize.
        lr: learning rate (>= 0).
        betas: (beta1, beta2), each in [0, 1).
        eps: term added to the denominator (>= 0).
        weight_decay: decoupled decay lambda (>= 0), default 1e-2.
        amsgrad: use the running maximum of v_t.
        maximize: ascend instead of descend: the update uses -g for g (PyTorch's rule).

    Raises:
        ValueError: a negative lr, eps or weight_decay, or a beta outside [0, 1).
    """

    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)
