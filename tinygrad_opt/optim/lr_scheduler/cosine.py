"""Cosine schedulers: CosineAnnealingLR and SGDR's CosineAnnealingWarmRestarts."""

import math

from .. import schedules
from .base import LRScheduler


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from ``base_lr`` to ``eta_min`` over ``T_max`` steps, per epoch.

    Closed form: ``lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``.
    Matches ``torch.optim.lr_scheduler.CosineAnnealingLR``, which is chainable and steps
    recursively:
    ``lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi * t / T_max)) / (1 + cos(pi * (t -
    1) / T_max))``, except one step past each trough (``(t - 1 - T_max) mod 2 T_max = 0``),
    where ``lr_t = lr_{t-1} + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2``. Past ``T_max``
    the rate climbs back (no restart). The ratio near the trough divides two small numbers,
    so the recursive and closed forms drift apart by up to ~3e-13 of ``base_lr`` over 1,000
    steps; this class follows the recursive form to reproduce PyTorch's values exactly.

    Args:
        optimizer: Object with ``param_groups``.
        T_max: Steps from ``base_lr`` down to ``eta_min`` (> 0).
        eta_min: Minimum learning rate ``>= 0``.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Recursive form (see the class docstring)."""
        if self._is_initial:
            return self._group_values("lr")
        groups = self.optimizer.param_groups
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            rise = (1 - math.cos(math.pi / self.T_max)) / 2
            return [group["lr"] + (base_lr - self.eta_min) * rise
                    for base_lr, group in zip(self.base_lrs, groups, strict=True)]
        ratio = ((1 + math.cos(math.pi * self.last_epoch / self.T_max))
                 / (1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max)))
        return [ratio * (group["lr"] - self.eta_min) + self.eta_min for group in groups]

    def _closed_form_lrs(self, step):
        return [schedules.cosine_annealing(step, base_lr, self.T_max, self.eta_min)
                for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: cosine annealing with warm restarts (Loshchilov & Hutter 2017).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, where ``T_cur``
    counts steps since the last restart and the cycle length ``T_i`` starts at ``T_0`` and is
    multiplied by ``T_mult`` at each restart. Matches
    ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`` (closed form in ``T_cur``).
    Step it once per epoch with ``step()``, or once per batch with a fractional epoch,
    ``step(epoch + batch_index / batches_per_epoch)``.

    Args:
        optimizer: Object with ``param_groups``.
        T_0: Length of the first cycle (a positive integer).
        T_mult: Growth factor of the cycle length (an integer >= 1).
        eta_min: Minimum learning rate ``>= 0``.
        last_epoch: Index of the last step taken; -1 starts fresh.
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Closed form in the current ``T_cur`` and ``T_i``."""
        return [schedules.sgdr_value(self.T_cur, self.T_i, base_lr, self.eta_min)
                for base_lr in self.base_lrs]

    def _closed_form_lrs(self, step):
        return [schedules.cosine_warm_restarts(step, base_lr, self.T_0, self.T_mult,
                                               self.eta_min)
                for base_lr in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch, or jump to a (possibly fractional) ``epoch``.

        Args:
            epoch: None for the next epoch; otherwise a number ``>= 0`` (e.g. ``3.25`` a
                quarter through epoch 3), placed in its cycle by
                :func:`~tinygrad_opt.optim.schedules.restart_position`.

        Raises:
            ValueError: If ``epoch`` is negative.
        """
        self._count_step()
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            self.T_cur, self.T_i = schedules.restart_position(epoch, self.T_0, self.T_mult)
            self.last_epoch = math.floor(epoch)
        self._write_lrs(self.get_lr())
