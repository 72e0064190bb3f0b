"""Numba kernels: one fused, in-place update per optimizer over flat 1-D arrays.

Every kernel takes the parameter, its gradient and its state arrays (flat, contiguous, all of
the parameter's dtype, float32 or float64), followed by PyTorch's hyper-parameters as plain
Python floats and bools. Scalars that depend only on the step (bias corrections, NAdam's mu)
are computed once in float64 before the loop, as PyTorch computes them in Python, and every
scalar used inside the loop is cast to the parameter's dtype first: a float64 scalar would
silently promote a float32 loop to float64 and halve its speed.

The loop reads and writes each array once, in place, and allocates nothing. A state array an
option does not use (``momentum_buffer`` with ``momentum=0``, ``max_exp_avg_sq`` without
``amsgrad``) may be passed as an empty array: it is never indexed. Options are loop-invariant
booleans, which LLVM hoists out of the loop, so each variant still vectorises.

Compiled with ``error_model="numpy"`` (division by zero gives inf/nan instead of a Python
exception check that blocks vectorisation), serial, and without ``fastmath`` so that rounding
follows IEEE order exactly; ``optim/reference.py`` holds the same rules in plain NumPy.

Compiled kernels are cached on disk (``cache=True``) and the cache never stops an import or
a run: a damaged cache file is discarded and the kernel compiled again, and where no cache
folder is writable (read-only package folder and HOME, no ``NUMBA_CACHE_DIR``) the kernels
are compiled in every process, with a warning.
"""
import warnings

import numba
import numpy as np
from numba.core.caching import FunctionCache


class _SelfHealingCache(FunctionCache):
    """Numba's on-disk cache, except that a truncated or garbage cache file is a cache miss.

    Numba raises whatever unpickling the file raises, in every later process; here the
    kernel's cache entries are flushed instead, so the compile that follows saves a fresh one.
    """

    def load_overload(self, sig, target_context):
        try:
            return super().load_overload(sig, target_context)
        except Exception:  # any cache file that cannot be read means "compile again"
            try:
                self.flush()
            except OSError:
                pass  # a read-only damaged file stays: each process compiles, none fails
            return None

    def save_overload(self, sig, data):
        try:
            super().save_overload(sig, data)
        except Exception:  # the index could not be read or written: the next run compiles
            pass


def _jit(function):
    """``numba.njit(cache=True, error_model="numpy")`` with a cache that cannot break a run."""
    try:
        kernel = numba.njit(cache=True, error_model="numpy")(function)
    except RuntimeError:  # "cannot cache function ...: no locator available for file ..."
        warnings.warn("no writable Numba cache folder (package folder, HOME): tinygrad_opt "
                      "compiles its kernels in every process; set NUMBA_CACHE_DIR to a "
                      "writable folder to keep them", RuntimeWarning)
        return numba.njit(error_model="numpy")(function)
    kernel._cache = _SelfHealingCache(function)  # as enable_caching() does, with our class
    return kernel


@_jit
def sgd_update(param, grad, momentum_buffer, lr, momentum, dampening, weight_decay, nesterov,
               first_step):
    """SGD with optional momentum, dampening, L2 weight decay and Nesterov, in place.

    ``first_step`` is True when ``momentum_buffer`` holds nothing yet: it then becomes a copy
    of the (decayed) gradient, as in PyTorch.
    """
    as_dtype = param.dtype.type
    step_lr = as_dtype(lr)
    beta = as_dtype(momentum)
    grad_weight = as_dtype(1.0 - dampening)
    decay = as_dtype(weight_decay)
    use_momentum = momentum != 0.0
    use_decay = weight_decay != 0.0
    for i in range(param.size):
        value = param[i]
        direction = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            direction = direction + decay * value
        if use_momentum:
            # b = g on the first step, then b = momentum * b + (1 - dampening) * g
            if first_step:
                buffer = direction
            else:
                buffer = momentum_buffer[i] * beta + grad_weight * direction
            momentum_buffer[i] = buffer
            if nesterov:
                # g = g + momentum * b
                direction = direction + beta * buffer
            else:
                direction = buffer
        # p = p - lr * g
        param[i] = value - step_lr * direction


@_jit
def adagrad_update(param, grad, state_sum, step, lr, lr_decay, weight_decay, eps):
    """Adagrad with PyTorch's decayed rate clr = lr / (1 + (step - 1) * lr_decay), in place."""
    as_dtype = param.dtype.type
    clr = as_dtype(lr / (1.0 + (step - 1.0) * lr_decay))
    decay = as_dtype(weight_decay)
    epsilon = as_dtype(eps)
    use_decay = weight_decay != 0.0
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            g = g + decay * value
        # sum = sum + g^2
        accumulated = state_sum[i] + g * g
        state_sum[i] = accumulated
        # p = p - clr * g / (sqrt(sum) + eps)
        param[i] = value - clr * g / (np.sqrt(accumulated) + epsilon)


@_jit
def adadelta_update(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay):
    """Adadelta (Zeiler 2012) with PyTorch's extra lr multiplier on the step, in place."""
    as_dtype = param.dtype.type
    step_lr = as_dtype(lr)
    decay_rate = as_dtype(rho)
    new_weight = as_dtype(1.0 - rho)
    epsilon = as_dtype(eps)
    decay = as_dtype(weight_decay)
    use_decay = weight_decay != 0.0
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            g = g + decay * value
        # v = rho * v + (1 - rho) * g^2
        avg = square_avg[i] * decay_rate + new_weight * g * g
        square_avg[i] = avg
        # delta = sqrt(u + eps) / sqrt(v + eps) * g
        delta = np.sqrt(acc_delta[i] + epsilon) / np.sqrt(avg + epsilon) * g
        # u = rho * u + (1 - rho) * delta^2
        acc_delta[i] = acc_delta[i] * decay_rate + new_weight * delta * delta
        # p = p - lr * delta
        param[i] = value - step_lr * delta


@_jit
def rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps,
                   weight_decay, momentum, centered):
    """RMSprop, optionally centered and with momentum on the scaled gradient, in place."""
    as_dtype = param.dtype.type
    step_lr = as_dtype(lr)
    smoothing = as_dtype(alpha)
    new_weight = as_dtype(1.0 - alpha)
    epsilon = as_dtype(eps)
    decay = as_dtype(weight_decay)
    beta = as_dtype(momentum)
    use_decay = weight_decay != 0.0
    use_momentum = momentum > 0.0
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            g = g + decay * value
        # v = alpha * v + (1 - alpha) * g^2
        avg_sq = square_avg[i] * smoothing + new_weight * g * g
        square_avg[i] = avg_sq
        if centered:
            # g_avg = g_avg + (1 - alpha) * (g - g_avg)
            mean = grad_avg[i]
            mean = mean + new_weight * (g - mean)
            grad_avg[i] = mean
            # denom = sqrt(v - g_avg^2) + eps
            denom = np.sqrt(avg_sq - mean * mean) + epsilon
        else:
            # denom = sqrt(v) + eps
            denom = np.sqrt(avg_sq) + epsilon
        if use_momentum:
            # b = momentum * b + g / denom;  p = p - lr * b
            buffer = momentum_buffer[i] * beta + g / denom
            momentum_buffer[i] = buffer
            param[i] = value - step_lr * buffer
        else:
            # p = p - lr * g / denom
            param[i] = value - step_lr * g / denom


@_jit
def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
                weight_decay, amsgrad, decoupled_weight_decay):
    """Adam (L2 weight decay) or AdamW (``decoupled_weight_decay``), optionally AMSGrad, in place.

    ``step`` is the count including this update (1 on the first call).
    """
    as_dtype = param.dtype.type
    bias_correction1 = 1.0 - beta1 ** step
    bias_correction2 = 1.0 - beta2 ** step
    step_size = as_dtype(lr / bias_correction1)
    bias_correction2_sqrt = as_dtype(bias_correction2 ** 0.5)
    avg_weight = as_dtype(1.0 - beta1)
    sq_decay = as_dtype(beta2)
    sq_weight = as_dtype(1.0 - beta2)
    epsilon = as_dtype(eps)
    decay = as_dtype(weight_decay)
    shrink = as_dtype(1.0 - lr * weight_decay)
    use_l2 = weight_decay != 0.0 and not decoupled_weight_decay
    use_shrink = weight_decay != 0.0 and decoupled_weight_decay
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_shrink:
            # p = p * (1 - lr * weight_decay)
            value = value * shrink
        if use_l2:
            # g = g + weight_decay * p
            g = g + decay * value
        # m = m + (1 - beta1) * (g - m), i.e. beta1 * m + (1 - beta1) * g
        mean = exp_avg[i]
        mean = mean + avg_weight * (g - mean)
        exp_avg[i] = mean
        # v = beta2 * v + (1 - beta2) * g^2
        second = exp_avg_sq[i] * sq_decay + sq_weight * g * g
        exp_avg_sq[i] = second
        if amsgrad:
            # v_max = max(v_max, v)
            # np.maximum, not max(): it propagates nan as torch.maximum does, and the builtin's
            # branch becomes a masked store (vmaskmovps), microcoded and slow on AMD CPUs
            second = np.maximum(max_exp_avg_sq[i], second)
            max_exp_avg_sq[i] = second
        # p = p - lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
        param[i] = value - step_size * mean / (np.sqrt(second) / bias_correction2_sqrt + epsilon)


@_jit
def adamax_update(param, grad, exp_avg, exp_inf, step, lr, beta1, beta2, eps, weight_decay):
    """Adamax: Adam with the infinity norm in place of the second moment, in place."""
    as_dtype = param.dtype.type
    clr = as_dtype(lr / (1.0 - beta1 ** step))
    avg_weight = as_dtype(1.0 - beta1)
    inf_decay = as_dtype(beta2)
    epsilon = as_dtype(eps)
    decay = as_dtype(weight_decay)
    use_decay = weight_decay != 0.0
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            g = g + decay * value
        # m = m + (1 - beta1) * (g - m)
        mean = exp_avg[i]
        mean = mean + avg_weight * (g - mean)
        exp_avg[i] = mean
        # u = max(beta2 * u, |g| + eps)
        norm = max(exp_inf[i] * inf_decay, abs(g) + epsilon)
        exp_inf[i] = norm
        # p = p - lr / bc1 * m / u
        param[i] = value - clr * mean / norm


@_jit
def nadam_update(param, grad, exp_avg, exp_avg_sq, step, mu_product, lr, beta1, beta2, eps,
                 weight_decay, momentum_decay):
    """NAdam (Dozat 2016) with PyTorch's momentum schedule, in place.

    Returns:
        The new ``mu_product`` (prod of mu_1 .. mu_step), a float64 the caller stores.
    """
    as_dtype = param.dtype.type
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1.0) * momentum_decay))
    mu_product = mu_product * mu
    grad_coef = as_dtype(lr * (1.0 - mu) / (1.0 - mu_product))
    avg_coef = as_dtype(lr * mu_next / (1.0 - mu_product * mu_next))
    bias_correction2 = as_dtype(1.0 - beta2 ** step)
    avg_weight = as_dtype(1.0 - beta1)
    sq_decay = as_dtype(beta2)
    sq_weight = as_dtype(1.0 - beta2)
    epsilon = as_dtype(eps)
    decay = as_dtype(weight_decay)
    use_decay = weight_decay != 0.0
    for i in range(param.size):
        value = param[i]
        g = grad[i]
        if use_decay:
            # g = g + weight_decay * p
            g = g + decay * value
        # m = m + (1 - beta1) * (g - m)
        mean = exp_avg[i]
        mean = mean + avg_weight * (g - mean)
        exp_avg[i] = mean
        # v = beta2 * v + (1 - beta2) * g^2
        second = exp_avg_sq[i] * sq_decay + sq_weight * g * g
        exp_avg_sq[i] = second
        # denom = sqrt(v / bc2) + eps
        denom = np.sqrt(second / bias_correction2) + epsilon
        # p = p - lr (1 - mu_t) / (1 - prod mu_1..t) * g / denom
        value = value - grad_coef * g / denom
        # p = p - lr mu_{t+1} / (1 - prod mu_1..t+1) * m / denom
        param[i] = value - avg_coef * mean / denom
    return mu_product
