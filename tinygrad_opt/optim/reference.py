"""Pure-NumPy versions of the update rules in ``optim/kernels.py``: the readable truth.

Each function has its kernel's signature and, like it, updates ``param`` and the state arrays
in place, performing the same floating-point operations in the same order (Python floats are
"weak" scalars under NumPy 2, so float32 arrays stay float32). It also returns every
intermediate of the update, in order, under the names of ``FORMULAS``; that is what
``Optimizer.explain`` prints (``UPDATE_FORMULAS`` gives each rule's last line, the new
``param``; ``RULE_FORMULAS`` the lines one rule writes with its own option names). Tests
compare the kernels with these functions, and benchmarks time them as the NumPy baseline.
"""
import numpy as np

FORMULAS = {
    "decayed_grad": "g = grad + weight_decay * param",
    "plain_grad": "g = grad  (decoupled: weight decay acted on param instead)",
    "decoupled_param": "param = param * (1 - lr * weight_decay)",
    "momentum_buffer": "b = g on the first step, else momentum * b + (1 - dampening) * g",
    "direction": "d = g + momentum * b (nesterov), else d = b",
    "clr": "clr = lr / (1 + (step - 1) * lr_decay)",
    "sum": "sum = sum + g^2",
    "std": "std = sqrt(sum) + eps",
    "std_grad": "std = sqrt(v + eps)",
    "std_delta": "rms_delta = sqrt(u + eps)",
    "delta": "delta = rms_delta / std * g",
    "acc_delta": "u = rho * u + (1 - rho) * delta^2",
    "grad_avg": "g_avg = g_avg + (1 - alpha) * (g - g_avg)",
    "avg": "avg = sqrt(v - g_avg^2) + eps (centered), else sqrt(v) + eps",
    "bias_correction1": "bc1 = 1 - beta1^step",
    "bias_correction2": "bc2 = 1 - beta2^step",
    "step_size": "step_size = lr / bc1",
    "exp_avg": "m = m + (1 - beta1) * (g - m)  (= beta1 m + (1 - beta1) g)",
    "exp_avg_sq": "v = beta2 * v + (1 - beta2) * g^2",
    "max_exp_avg_sq": "v_max = max(v_max, v)  (amsgrad)",
    "denom": "denom = sqrt(v) / sqrt(bc2) + eps  (v_max in place of v with amsgrad)",
    "exp_inf": "u = max(beta2 * u, |g| + eps)",
    "mu": "mu = beta1 * (1 - 0.5 * 0.96^(step * momentum_decay))",
    "mu_next": "mu_next = beta1 * (1 - 0.5 * 0.96^((step + 1) * momentum_decay))",
    "mu_product": "mu_product = mu_product * mu",
    "nadam_denom": "denom = sqrt(v / bc2) + eps",
    "grad_coef": "c_g = lr * (1 - mu) / (1 - mu_product)",
    "avg_coef": "c_m = lr * mu_next / (1 - mu_product * mu_next)",
}

RULE_FORMULAS = {
    "adadelta_update": {
        "square_avg": "v = rho * v + (1 - rho) * g^2",
        "std_delta": "rms_delta = sqrt(acc_delta + eps)",
        "acc_delta": "acc_delta = rho * acc_delta + (1 - rho) * delta^2",
    },
    "rmsprop_update": {
        "square_avg": "v = alpha * v + (1 - alpha) * g^2",
        "momentum_buffer": "b = momentum * b + g / avg",
    },
}

UPDATE_FORMULAS = {
    "sgd_update": "param = param - lr * d  (d = g without momentum)",
    "adagrad_update": "param = param - clr * g / std",
    "adadelta_update": "param = param - lr * delta",
    "rmsprop_update": "param = param - lr * b (momentum), else param - lr * g / avg",
    "adam_update": "param = param - step_size * m / denom",
    "adamax_update": "param = param - step_size * m / u",
    "nadam_update": "param = param - c_g * g / denom - c_m * m / denom",
}


def _decayed(grad, param, weight_decay):
    """g + weight_decay * p, skipped (not multiplied by zero) when weight_decay is 0."""
    return grad + weight_decay * param if weight_decay != 0 else grad.copy()


def sgd_update(param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov,
               first_step):
    """SGD with momentum/dampening/Nesterov; see ``kernels.sgd_update``."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    direction = steps["decayed_grad"]
    if momentum != 0:
        if first_step:
            momentum_buffer[...] = direction
        else:
            momentum_buffer[...] = momentum_buffer * momentum + (1.0 - dampening) * direction
        steps["momentum_buffer"] = momentum_buffer.copy()
        direction = direction + momentum * momentum_buffer if nesterov else momentum_buffer
        steps["direction"] = direction.copy()
    param -= lr * direction
    steps["param"] = param.copy()
    return steps


def adagrad_update(param, grad, state_sum, step, lr, lr_decay, weight_decay, eps):
    """Adagrad; see ``kernels.adagrad_update``."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    g = steps["decayed_grad"]
    steps["clr"] = clr = lr / (1.0 + (step - 1.0) * lr_decay)
    state_sum += g * g
    steps["sum"] = state_sum.copy()
    steps["std"] = std = np.sqrt(state_sum) + eps
    param -= clr * g / std
    steps["param"] = param.copy()
    return steps


def adadelta_update(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay):
    """Adadelta; see ``kernels.adadelta_update``."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    g = steps["decayed_grad"]
    square_avg[...] = square_avg * rho + (1.0 - rho) * g * g
    steps["square_avg"] = square_avg.copy()
    steps["std_grad"] = std = np.sqrt(square_avg + eps)
    steps["std_delta"] = rms_delta = np.sqrt(acc_delta + eps)
    steps["delta"] = delta = rms_delta / std * g
    acc_delta[...] = acc_delta * rho + (1.0 - rho) * delta * delta
    steps["acc_delta"] = acc_delta.copy()
    param -= lr * delta
    steps["param"] = param.copy()
    return steps


def rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps,
                   weight_decay, momentum, centered):
    """RMSprop; see ``kernels.rmsprop_update``."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    g = steps["decayed_grad"]
    square_avg[...] = square_avg * alpha + (1.0 - alpha) * g * g
    steps["square_avg"] = square_avg.copy()
    if centered:
        grad_avg += (1.0 - alpha) * (g - grad_avg)
        steps["grad_avg"] = grad_avg.copy()
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    steps["avg"] = avg
    if momentum > 0:
        momentum_buffer[...] = momentum_buffer * momentum + g / avg
        steps["momentum_buffer"] = momentum_buffer.copy()
        param -= lr * momentum_buffer
    else:
        param -= lr * g / avg
    steps["param"] = param.copy()
    return steps


def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
                weight_decay, amsgrad, decoupled_weight_decay):
    """Adam / AdamW / AMSGrad; see ``kernels.adam_update``."""
    steps = {}
    if decoupled_weight_decay and weight_decay != 0:
        param *= 1.0 - lr * weight_decay
        steps["decoupled_param"] = param.copy()
        steps["plain_grad"] = g = grad.copy()
    else:
        steps["decayed_grad"] = g = _decayed(grad, param, weight_decay)
    steps["bias_correction1"] = bias_correction1 = 1.0 - beta1 ** step
    steps["bias_correction2"] = bias_correction2 = 1.0 - beta2 ** step
    steps["step_size"] = step_size = lr / bias_correction1
    exp_avg += (1.0 - beta1) * (g - exp_avg)
    steps["exp_avg"] = exp_avg.copy()
    exp_avg_sq[...] = exp_avg_sq * beta2 + (1.0 - beta2) * g * g
    steps["exp_avg_sq"] = second = exp_avg_sq.copy()
    if amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        steps["max_exp_avg_sq"] = second = max_exp_avg_sq.copy()
    steps["denom"] = denom = np.sqrt(second) / bias_correction2 ** 0.5 + eps
    param -= step_size * exp_avg / denom
    steps["param"] = param.copy()
    return steps


def adamax_update(param, grad, exp_avg, exp_inf, step, lr, beta1, beta2, eps, weight_decay):
    """Adamax; see ``kernels.adamax_update``."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    g = steps["decayed_grad"]
    steps["bias_correction1"] = bias_correction1 = 1.0 - beta1 ** step
    steps["step_size"] = clr = lr / bias_correction1
    exp_avg += (1.0 - beta1) * (g - exp_avg)
    steps["exp_avg"] = exp_avg.copy()
    np.maximum(exp_inf * beta2, np.abs(g) + eps, out=exp_inf)
    steps["exp_inf"] = exp_inf.copy()
    param -= clr * exp_avg / exp_inf
    steps["param"] = param.copy()
    return steps


def nadam_update(param, grad, exp_avg, exp_avg_sq, step, mu_product, lr, beta1, beta2, eps,
                 weight_decay, momentum_decay):
    """NAdam; see ``kernels.nadam_update``. Returns the intermediates; the new product of mu
    is ``steps["mu_product"]`` (the kernel returns it directly)."""
    steps = {"decayed_grad": _decayed(grad, param, weight_decay)}
    g = steps["decayed_grad"]
    steps["mu"] = mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    steps["mu_next"] = mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1.0) * momentum_decay))
    steps["mu_product"] = mu_product = mu_product * mu
    steps["grad_coef"] = grad_coef = lr * (1.0 - mu) / (1.0 - mu_product)
    steps["avg_coef"] = avg_coef = lr * mu_next / (1.0 - mu_product * mu_next)
    steps["bias_correction2"] = bias_correction2 = 1.0 - beta2 ** step
    exp_avg += (1.0 - beta1) * (g - exp_avg)
    steps["exp_avg"] = exp_avg.copy()
    exp_avg_sq[...] = exp_avg_sq * beta2 + (1.0 - beta2) * g * g
    steps["exp_avg_sq"] = exp_avg_sq.copy()
    steps["nadam_denom"] = denom = np.sqrt(exp_avg_sq / bias_correction2) + eps
    param -= grad_coef * g / denom
    param -= avg_coef * exp_avg / denom
    steps["param"] = param.copy()
    return steps
