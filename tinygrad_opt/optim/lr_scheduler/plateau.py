"""ReduceLROnPlateau: cut the rate when a monitored metric stops improving."""

import math

from ..schedules._checks import check_count, check_real
from .base import LRScheduler, check_optimizer, per_group


class ReduceLROnPlateau(LRScheduler):
    """Multiply the rate by ``factor`` when a metric has not improved for ``patience`` epochs.

    Stepped once per epoch (or per validation) with the metric: ``step(val_loss)``. Matches
    ``torch.optim.lr_scheduler.ReduceLROnPlateau``:

    1. ``metric`` is an improvement when (mode "min") ``metric < best * (1 - threshold)``
       (threshold_mode "rel") or ``metric < best - threshold`` ("abs"); mode "max" mirrors
       this with ``best * (1 + threshold)`` and ``best + threshold``. An improvement sets
       ``best = metric`` and ``num_bad_epochs = 0``, otherwise ``num_bad_epochs += 1``.
    2. During cooldown (``cooldown`` epochs after a cut) bad epochs are not counted.
    3. When ``num_bad_epochs > patience``: ``lr = max(lr * factor, min_lr)`` in each group,
       applied only if it changes ``lr`` by more than ``eps``; then cooldown starts and the
       bad-epoch count resets.

    Args:
        optimizer: Object with ``param_groups``.
        mode: "min" (a loss) or "max" (an accuracy).
        factor: Multiplier of a cut, in [0, 1).
        patience: Bad epochs tolerated before a cut (an integer >= 0).
        threshold: Smallest significant improvement (>= 0).
        threshold_mode: "rel" or "abs".
        cooldown: Epochs after a cut during which bad epochs are ignored (integer >= 0).
        min_lr: Floor of the rate, a number or one per group (>= 0).
        eps: Cuts smaller than this are skipped (>= 0).

    Raises:
        ValueError: If an argument is out of range or unknown.
    """

    needs_metric = True

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        check_optimizer(optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        check_real("factor", factor, low=0, high=1, high_open=True)
        check_count("patience", patience)
        check_count("cooldown", cooldown)
        check_real("threshold", threshold, low=0)
        check_real("eps", eps, low=0)
        self.min_lrs = per_group("min_lr", optimizer, min_lr)
        for value in self.min_lrs:
            check_real("min_lr", value, low=0)
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = self._group_values("lr")

    def _closed_form_lrs(self, step):
        """No closed form: the rate depends on the metric history, so this is the current one."""
        return self._group_values("lr")

    def is_better(self, metric, best):
        """Whether ``metric`` improves on ``best`` by more than the threshold (rule 1)."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    @property
    def in_cooldown(self):
        """Whether a recent cut still suppresses counting bad epochs."""
        return self.cooldown_counter > 0

    def step(self, metrics):
        """Record one epoch's metric and cut the rate if it has plateaued.

        Args:
            metrics: The monitored value (anything ``float()`` accepts).
        """
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._group_values("lr")

    def _reduce_lr(self):
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr
