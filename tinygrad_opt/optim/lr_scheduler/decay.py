"""Decay schedulers: Lambda, Step, MultiStep, Exponential, Linear, Polynomial, InverseTime."""

import numbers
from collections import Counter

from .. import schedules
from .base import LRScheduler, callable_state, per_group


def _factor(function, step):
    """``function(step)``, checked to be a number (the factor of the base rate)."""
    factor = function(step)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"lr_lambda({step}) returned {factor!r}; it must return a number, the "
                        f"factor that multiplies the initial learning rate")
    return factor


class LambdaLR(LRScheduler):
    """Rate set by a user function of the step: ``lr_t = base_lr * lr_lambda(t)``.

    Matches ``torch.optim.lr_scheduler.LambdaLR``. Closed form, so it overrides other
    schedulers on the same optimizer instead of composing with them. Steps are whatever the
    caller counts (epochs or batches).

    Args:
        optimizer: Object with ``param_groups``.
        lr_lambda: A function of the step, or a list with one per param group.
        last_epoch: Index of the last step taken; -1 starts fresh.

    Raises:
        TypeError: If a lambda is not callable.
        ValueError: If a list of lambdas has the wrong length.
    """

    _state_excluded = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.lr_lambdas = per_group("lr_lambda", optimizer, lr_lambda)
        for function in self.lr_lambdas:
            if not callable(function):
                raise TypeError(f"lr_lambda must be callable, got {function!r}")
        super().__init__(optimizer, last_epoch)

    def _closed_form_lrs(self, step):
        return [base_lr * _factor(function, step)
                for function, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)]

    def state_dict(self):
        """Scheduler state; a lambda is saved as a callable object's ``__dict__`` (else None).

        Returns:
            A dict that :meth:`load_state_dict` accepts.
        """
        state = super().state_dict()
        state["lr_lambdas"] = [callable_state(function) for function in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """Restore state; saved callable-object attributes go back into the current lambdas."""
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for function, saved in zip(self.lr_lambdas, saved_lambdas, strict=True):
            if saved is not None:
                function.__dict__.update(saved)


class StepLR(LRScheduler):
    """Step decay, per epoch: ``lr_t = base_lr * gamma ** floor(t / step_size)``.

    Matches ``torch.optim.lr_scheduler.StepLR`` (chainable): each ``step()`` multiplies the
    current ``group["lr"]`` by ``gamma`` when ``t`` is a positive multiple of ``step_size``.

    Args:
        optimizer: Object with ``param_groups``.
        step_size: Epochs between two decays (a positive integer).
        gamma: Multiplicative factor per decay.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form: ``lr_t = lr_{t-1} * gamma`` at multiples of ``step_size``."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._group_values("lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        return [schedules.step_decay(step, base_lr, self.step_size, self.gamma)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay by ``gamma`` at each milestone epoch: ``lr_t = base_lr * gamma ** #{m <= t}``.

    Matches ``torch.optim.lr_scheduler.MultiStepLR`` (chainable, per epoch); a milestone
    listed twice decays twice.

    Args:
        optimizer: Object with ``param_groups``.
        milestones: Epoch indices (non-negative integers).
        gamma: Multiplicative factor per milestone.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form: ``lr_t = lr_{t-1} * gamma ** (times t is listed)``."""
        if self.last_epoch not in self.milestones:
            return self._group_values("lr")
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        milestones = list(self.milestones.elements())
        return [schedules.multistep(step, base_lr, milestones, self.gamma)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Exponential decay, per epoch: ``lr_t = base_lr * gamma ** t``.

    Matches ``torch.optim.lr_scheduler.ExponentialLR`` (chainable): each ``step()`` multiplies
    ``group["lr"]`` by ``gamma``. After ``t`` steps this differs from the closed form by at
    most about ``t`` roundings (relative 1e-13 over 1,000 steps).

    Args:
        optimizer: Object with ``param_groups``.
        gamma: Multiplicative factor per step.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form: ``lr_t = lr_{t-1} * gamma``."""
        if self._is_initial:
            return self._group_values("lr")
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        return [schedules.exponential(step, base_lr, self.gamma) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Linear ramp of a multiplicative factor, for warm-up or decay.

    ``lr_t = base_lr * (s + (e - s) * min(t, T) / T)`` with ``s = start_factor``,
    ``e = end_factor``, ``T = total_iters``. Matches ``torch.optim.lr_scheduler.LinearLR``
    (chainable; per epoch, or per batch for a warm-up counted in batches). The recursive step is
    ``lr_t = lr_{t-1} * (1 + (e - s) / (T * s + (t - 1) * (e - s)))`` for ``1 <= t <= T``.

    Args:
        optimizer: Object with ``param_groups``.
        start_factor: Factor at step 0, in (0, 1].
        end_factor: Factor from step ``T`` on, in [0, 1].
        total_iters: Length ``T`` of the ramp (a positive integer).
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form (see the class docstring)."""
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_values("lr")
        slope = self.end_factor - self.start_factor
        ratio = 1.0 + slope / (self.total_iters * self.start_factor + (self.last_epoch - 1) * slope)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        return [schedules.linear(step, base_lr, self.start_factor, self.end_factor,
                                 self.total_iters)
                for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Polynomial decay to zero: ``lr_t = base_lr * (1 - min(t, T) / T) ** power``.

    Matches ``torch.optim.lr_scheduler.PolynomialLR`` (chainable, per epoch or per batch),
    ``T = total_iters``. The recursive step is
    ``lr_t = lr_{t-1} * ((1 - t / T) / (1 - (t - 1) / T)) ** power`` for ``1 <= t <= T``.

    Args:
        optimizer: Object with ``param_groups``.
        total_iters: Steps ``T`` until the rate reaches zero (a positive integer).
        power: Exponent ``>= 0``; 1 is a linear decay.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form (see the class docstring)."""
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_values("lr")
        remaining = 1.0 - self.last_epoch / self.total_iters
        previous = 1.0 - (self.last_epoch - 1) / self.total_iters
        factor = (remaining / previous) ** self.power
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        return [schedules.polynomial(step, base_lr, self.total_iters, self.power)
                for base_lr in self.base_lrs]


class InverseTimeLR(LRScheduler):
    """Inverse-time decay, the course notes' "learning rate decay".

    ``lr_t = base_lr / (1 + decay * t)``. Not in PyTorch (it is Keras' ``InverseTimeDecay``
    with ``decay_steps = 1``). Closed form, so it overrides rather than composes. Steps are
    whatever the caller counts (epochs or batches).

    Args:
        optimizer: Object with ``param_groups``.
        decay: Decay rate ``>= 0``.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, decay, last_epoch=-1):
        self.decay = decay
        super().__init__(optimizer, last_epoch)

    def _closed_form_lrs(self, step):
        return [schedules.inverse_time(step, base_lr, self.decay) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """A constant factor for the first steps: ``lr_t = base_lr * factor`` for
    ``t < total_iters``, ``base_lr`` from then on.

    Matches ``torch.optim.lr_scheduler.ConstantLR`` (chainable): step 0 multiplies the current
    rate by ``factor`` and step ``total_iters`` divides it back.

    Args:
        optimizer: Object with ``param_groups``.
        factor: Factor in [0, 1] during the first ``total_iters`` steps (default 1/3).
        total_iters: Number of steps at the reduced rate.
        last_epoch: Index of the last step taken; -1 starts fresh.

    Raises:
        ValueError: If ``factor`` is outside [0, 1].
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0 <= factor <= 1:
            raise ValueError(f"ConstantLR factor must be in [0, 1], got {factor!r}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form: times ``factor`` at step 0, divided by it at ``total_iters``."""
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return self._group_values("lr")
        return [group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups]

    def _closed_form_lrs(self, step):
        scale = self.factor if step < self.total_iters else 1.0
        return [base_lr * scale for base_lr in self.base_lrs]


class MultiplicativeLR(LambdaLR):
    """Rate multiplied at every step by a user function of the step:
    ``lr_t = lr_{t-1} * lr_lambda(t)`` for ``t >= 1``, so ``lr_t = base_lr * prod_{k=1..t}
    lr_lambda(k)``.

    Matches ``torch.optim.lr_scheduler.MultiplicativeLR`` (chainable). Same arguments, and
    the same ``state_dict`` of the lambdas, as :class:`LambdaLR`.
    """

    def get_lr(self):
        """Recursive form: the current rate times ``lr_lambda(t)``, from step 1 on."""
        if self.last_epoch == 0:
            return self._group_values("lr")
        return [group["lr"] * _factor(function, self.last_epoch)
                for function, group in zip(self.lr_lambdas, self.optimizer.param_groups,
                                           strict=True)]

    def _closed_form_lrs(self, step):
        lrs = []
        for function, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True):
            for k in range(1, step + 1):
                base_lr = base_lr * _factor(function, k)
            lrs.append(base_lr)
        return lrs
