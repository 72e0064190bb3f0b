"""Per-batch cyclical schedulers that also cycle momentum: CyclicLR and OneCycleLR."""

from abc import abstractmethod

from .. import schedules
from ..schedules._checks import check_positive_int
from .base import LRScheduler, callable_state, check_optimizer, per_group


def momentum_uses_beta1(optimizer):
    """Whether cycled momentum goes to ``betas[0]`` (Adam-like) rather than ``momentum``.

    Decided from ``optimizer.defaults`` as in PyTorch: "betas" wins, then "momentum" (SGD,
    RMSprop).

    Raises:
        ValueError: If the optimizer's defaults hold neither ``"betas"`` nor ``"momentum"``.
    """
    defaults = getattr(optimizer, "defaults", {})
    if "betas" not in defaults and "momentum" not in defaults:
        raise ValueError(
            f"cycle_momentum=True needs an optimizer with 'momentum' (SGD, RMSprop) or 'betas' "
            f"(Adam-like) in its defaults; {type(optimizer).__name__} has {sorted(defaults)}. "
            f"Pass cycle_momentum=False to cycle the learning rate only."
        )
    return "betas" in defaults


def write_momentums(optimizer, use_beta1, momentums):
    """Write one momentum per group into ``betas[0]`` or ``momentum``."""
    for group, momentum in zip(optimizer.param_groups, momentums, strict=True):
        if use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum


class _MomentumCyclingScheduler(LRScheduler):
    """Shared part of CyclicLR and OneCycleLR: momentum (or beta1) on its own schedule.

    ``_momentums_at(step)`` is written after every rate update when ``cycle_momentum`` is on.
    """

    step_interval = "batch"

    def _configure_momentum(self, optimizer, cycle_momentum, base_momentum, max_momentum):
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = momentum_uses_beta1(optimizer)
            self.base_momentums = per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = per_group("max_momentum", optimizer, max_momentum)
            self._momentums_at(0)

    def _init_momentum_groups(self, optimizer):
        """Start every group at its ``max_momentum`` and record both bounds (PyTorch's keys)."""
        if not self.cycle_momentum:
            return
        write_momentums(optimizer, self.use_beta1, self.max_momentums)
        for group, base_momentum, max_momentum in zip(
            optimizer.param_groups, self.base_momentums, self.max_momentums, strict=True
        ):
            group["max_momentum"] = max_momentum
            group["base_momentum"] = base_momentum

    @abstractmethod
    def _momentums_at(self, step):
        """Momentum of every param group at ``step``."""

    def _update_lr(self, epoch=None):
        super()._update_lr(epoch)
        if self.cycle_momentum:
            write_momentums(self.optimizer, self.use_beta1, self._momentums_at(self.last_epoch))


class CyclicLR(_MomentumCyclingScheduler):
    """Cyclical learning rate (Smith 2017), stepped once per batch.

    The rate moves between ``base_lr`` and ``max_lr`` along a triangle of ``step_size_up``
    rising and ``step_size_down`` falling steps, its height scaled per cycle ("triangular",
    "triangular2") or per iteration ("exp_range", ``gamma ** t``); see
    :func:`~tinygrad_opt.optim.schedules.cyclic` for the formula. Momentum (or Adam's beta1)
    cycles the opposite way, between ``max_momentum`` and ``base_momentum``. Matches
    ``torch.optim.lr_scheduler.CyclicLR``, including its group keys ``max_momentum`` and
    ``base_momentum``; the optimizer's ``lr`` is replaced by ``base_lr`` at construction.

    Args:
        optimizer: Object with ``param_groups`` (and ``defaults`` for momentum cycling).
        base_lr: Lower rate, a number or one per group.
        max_lr: Upper rate, a number or one per group.
        step_size_up: Batches in the rising half of a cycle (> 0).
        step_size_down: Batches in the falling half (> 0); None means ``step_size_up``.
        mode: "triangular", "triangular2" or "exp_range"; ignored when ``scale_fn`` is given.
        gamma: Base of the "exp_range" amplitude ``gamma ** t``.
        scale_fn: Optional custom amplitude function of one number.
        scale_mode: "cycle" or "iterations": what ``scale_fn`` receives.
        cycle_momentum: Whether to cycle momentum inversely to the rate.
        base_momentum: Momentum at the rate's peak, a number or one per group.
        max_momentum: Momentum at the rate's trough, a number or one per group.
        last_epoch: Index of the last batch taken; -1 starts fresh.

    Raises:
        ValueError: For an out-of-range argument, or when ``cycle_momentum`` is True and the
            optimizer has neither momentum nor betas.
    """

    _state_excluded = ("optimizer", "scale_fn")

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        check_optimizer(optimizer)
        base_lrs = per_group("base_lr", optimizer, base_lr)
        self.base_lrs = base_lrs
        self.max_lrs = per_group("max_lr", optimizer, max_lr)
        self.step_size_up = step_size_up
        self.step_size_down = step_size_down
        self.mode = mode
        self.gamma = gamma
        self.scale_fn = scale_fn
        self.scale_mode = scale_mode
        self._configure_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        self._closed_form_lrs(0)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs, strict=True):
                group["lr"] = lr
            self._init_momentum_groups(optimizer)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _cyclic(self, step, low, high):
        return schedules.cyclic(step, low, high, self.step_size_up, self.step_size_down,
                                self.mode, self.gamma, self.scale_fn, self.scale_mode)

    def _closed_form_lrs(self, step):
        return [self._cyclic(step, base_lr, max_lr)
                for base_lr, max_lr in zip(self.base_lrs, self.max_lrs, strict=True)]

    def _momentums_at(self, step):
        # Running the triangle from max_momentum to base_momentum gives PyTorch's
        # max_momentum - (max_momentum - base_momentum) * scale bit for bit (negation is exact).
        return [self._cyclic(step, max_momentum, base_momentum)
                for base_momentum, max_momentum
                in zip(self.base_momentums, self.max_momentums, strict=True)]

    def state_dict(self):
        """Scheduler state; a custom ``scale_fn`` is saved as a callable object's ``__dict__``.

        Returns:
            A dict that :meth:`load_state_dict` accepts.
        """
        state = super().state_dict()
        state["scale_fn"] = callable_state(self.scale_fn)
        return state

    def load_state_dict(self, state_dict):
        """Restore state; a saved ``scale_fn`` object's attributes go back into the current one."""
        state = dict(state_dict)
        saved_scale_fn = state.pop("scale_fn")
        super().load_state_dict(state)
        if saved_scale_fn is not None:
            self.scale_fn.__dict__.update(saved_scale_fn)


class OneCycleLR(_MomentumCyclingScheduler):
    """One-cycle policy (Smith & Topin 2018), stepped once per batch, ``total_steps`` in all.

    The rate rises from ``max_lr / div_factor`` to ``max_lr`` over the first ``pct_start`` of
    the steps, then anneals to ``max_lr / (div_factor * final_div_factor)`` (with
    ``three_phase``, it first comes back down to the initial rate symmetrically); momentum (or
    Adam's beta1) moves the other way between ``max_momentum`` and ``base_momentum``. See
    :func:`~tinygrad_opt.optim.schedules.one_cycle`. Matches
    ``torch.optim.lr_scheduler.OneCycleLR``, including the group keys ``initial_lr``,
    ``max_lr``, ``min_lr``, ``max_momentum`` and ``base_momentum``.

    Args:
        optimizer: Object with ``param_groups`` (and ``defaults`` for momentum cycling).
        max_lr: Peak rate, a number or one per group.
        total_steps: Number of batches in the cycle; or give ``epochs`` and ``steps_per_epoch``.
        epochs: Epochs in the cycle (with ``steps_per_epoch``).
        steps_per_epoch: Batches per epoch (with ``epochs``).
        pct_start: Fraction of the cycle spent raising the rate, in [0, 1].
        anneal_strategy: "cos" or "linear".
        cycle_momentum: Whether to cycle momentum inversely to the rate.
        base_momentum: Momentum at the rate's peak, a number or one per group.
        max_momentum: Momentum at the start and end, a number or one per group.
        div_factor: ``max_lr / initial_lr`` (> 0).
        final_div_factor: ``initial_lr / min_lr`` (> 0).
        three_phase: Whether to use the three-phase variant (fast.ai style annealing).
        last_epoch: Index of the last batch taken; -1 starts fresh.

    Raises:
        ValueError: For an out-of-range argument, for stepping past ``total_steps``, or when
            ``cycle_momentum`` is True and the optimizer has neither momentum nor betas.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        check_optimizer(optimizer)
        self.total_steps = _resolve_total_steps(total_steps, epochs, steps_per_epoch)
        self.max_lrs = per_group("max_lr", optimizer, max_lr)
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase
        self._configure_momentum(optimizer, cycle_momentum, base_momentum, max_momentum)
        self._closed_form_lrs(0)
        if last_epoch == -1:
            for group, peak_lr in zip(optimizer.param_groups, self.max_lrs, strict=True):
                group["initial_lr"] = peak_lr / div_factor
                group["max_lr"] = peak_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
            self._init_momentum_groups(optimizer)
        super().__init__(optimizer, last_epoch)

    def _closed_form_lrs(self, step):
        return [schedules.one_cycle(step, peak_lr, self.total_steps, self.pct_start,
                                    self.anneal_strategy, self.div_factor,
                                    self.final_div_factor, self.three_phase)
                for peak_lr in self.max_lrs]

    def _momentums_at(self, step):
        return [schedules.one_cycle_momentum(step, self.total_steps, base_momentum,
                                             max_momentum, self.pct_start,
                                             self.anneal_strategy, self.three_phase)
                for base_momentum, max_momentum
                in zip(self.base_momentums, self.max_momentums, strict=True)]


def _resolve_total_steps(total_steps, epochs, steps_per_epoch):
    """``total_steps`` if given, else ``epochs * steps_per_epoch``; each a positive integer."""
    if total_steps is not None:
        check_positive_int("total_steps", total_steps)
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("OneCycleLR needs total_steps, or both epochs and steps_per_epoch")
    check_positive_int("epochs", epochs)
    check_positive_int("steps_per_epoch", steps_per_epoch)
    return epochs * steps_per_epoch
