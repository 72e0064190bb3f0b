"""SequentialLR: run schedulers one after another, switching at milestone steps."""

from bisect import bisect_right

from .base import LRScheduler
from .plateau import ReduceLROnPlateau


class SequentialLR(LRScheduler):
    """Hand the optimizer from one scheduler to the next at given steps (e.g. warm-up, decay).

    Scheduler ``i`` is in charge for steps ``milestones[i-1] <= t < milestones[i]``; at each
    milestone the next scheduler restarts from its own step 0 (its closed form at 0, which is
    ``base_lr`` for the decays), so ``SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5),
    ExponentialLR(opt, 0.9)], milestones=[5])`` warms up for 5 steps, then decays from the base
    rate. Matches ``torch.optim.lr_scheduler.SequentialLR``: construction puts every group back
    at its ``initial_lr``, takes back the initial step of every scheduler and replays the first
    one's. Stepped as often as its schedulers are (per epoch or per batch).

    Args:
        optimizer: The optimizer every scheduler drives.
        schedulers: Schedulers built on ``optimizer``, in order of use.
        milestones: Increasing steps at which to switch; one fewer than ``schedulers``.
        last_epoch: Index of the last step taken; -1 starts fresh.

    Raises:
        ValueError: For no schedulers, a ``ReduceLROnPlateau``, a scheduler of another
            optimizer, or milestones of the wrong length or order.
    """

    _state_excluded = ("optimizer", "_schedulers")

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        _check_sequence(optimizer, self._schedulers, self._milestones)
        self.optimizer = optimizer
        self.last_epoch = last_epoch + 1
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            _undo_initial_step(scheduler)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @property
    def step_interval(self):
        """"batch" if any chained scheduler counts in batches (e.g. a one-cycle phase)."""
        intervals = {scheduler.step_interval for scheduler in self._schedulers}
        return "batch" if "batch" in intervals else "epoch"

    def _closed_form_lrs(self, step):
        """The rates of the scheduler in charge at ``step``, from its own restart."""
        index = bisect_right(self._milestones, step)
        start = self._milestones[index - 1] if index > 0 else 0
        return self._schedulers[index]._closed_form_lrs(step - start)

    def step(self):
        """Advance one step with the scheduler in charge, restarting it at its milestone."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """Own state plus one ``state_dict`` per scheduler under ``"_schedulers"``."""
        state = super().state_dict()
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """Restore own state and every scheduler's."""
        state = dict(state_dict)
        scheduler_states = state.pop("_schedulers")
        super().load_state_dict(state)
        for scheduler, scheduler_state in zip(self._schedulers, scheduler_states, strict=True):
            scheduler.load_state_dict(scheduler_state)


def _undo_initial_step(scheduler):
    """Take back a scheduler's construction step, recursing into nested SequentialLRs."""
    if isinstance(scheduler, SequentialLR):
        for inner in scheduler._schedulers:
            _undo_initial_step(inner)
    else:
        scheduler.last_epoch -= 1


def _check_sequence(optimizer, schedulers, milestones):
    if len(schedulers) < 1:
        raise ValueError("SequentialLR needs at least one scheduler, got none")
    for index, scheduler in enumerate(schedulers):
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"SequentialLR cannot run ReduceLROnPlateau (schedulers[{index}]): its step "
                f"needs a metric"
            )
        if getattr(scheduler, "optimizer", None) is not optimizer:
            raise ValueError(
                f"schedulers[{index}] ({type(scheduler).__name__}) drives another optimizer "
                f"than the one given to SequentialLR"
            )
    if len(milestones) != len(schedulers) - 1:
        raise ValueError(
            f"SequentialLR needs one milestone fewer than schedulers: got {len(schedulers)} "
            f"schedulers and milestones={milestones!r}"
        )
    if any(later <= earlier for earlier, later in zip(milestones, milestones[1:])):
        raise ValueError(f"milestones must be strictly increasing, got {milestones!r}")


class ChainedScheduler:
    """Step several schedulers together, each acting on the rate the previous one left:
    the chainable (recursive) schedulers compose, e.g. ``ChainedScheduler([ConstantLR(opt,
    0.1, 2), ExponentialLR(opt, 0.9)])``. Matches ``torch.optim.lr_scheduler.
    ChainedScheduler``.

    Args:
        schedulers: Schedulers built on one optimizer (no ``ReduceLROnPlateau``).
        optimizer: That optimizer (default: the first scheduler's).

    Raises:
        ValueError: For no schedulers, a ``ReduceLROnPlateau``, or schedulers of another
            optimizer.
    """

    def __init__(self, schedulers, optimizer=None):
        self._schedulers = list(schedulers)
        if not self._schedulers:
            raise ValueError("ChainedScheduler needs at least one scheduler, got none")
        self.optimizer = optimizer if optimizer is not None else self._schedulers[0].optimizer
        for index, scheduler in enumerate(self._schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(f"ChainedScheduler cannot run ReduceLROnPlateau "
                                 f"(schedulers[{index}]): its step needs a metric")
            if getattr(scheduler, "optimizer", None) is not self.optimizer:
                raise ValueError(f"schedulers[{index}] ({type(scheduler).__name__}) drives "
                                 f"another optimizer than the others")
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    @property
    def step_interval(self):
        """"batch" if any chained scheduler counts in batches."""
        intervals = {scheduler.step_interval for scheduler in self._schedulers}
        return "batch" if "batch" in intervals else "epoch"

    needs_metric = False

    def step(self):
        """One ``step()`` of every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The rates after the last step, one per param group (a new list)."""
        return list(self._last_lr)

    def state_dict(self):
        """``{"_last_lr": ..., "_schedulers": [one state_dict per scheduler]}``."""
        return {"_last_lr": list(self._last_lr),
                "_schedulers": [scheduler.state_dict() for scheduler in self._schedulers]}

    def load_state_dict(self, state_dict):
        """Restore every scheduler's state and the last rates."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"_last_lr", "_schedulers"}:
            raise ValueError("ChainedScheduler.load_state_dict expects a dict with '_last_lr' "
                             "and '_schedulers', as state_dict() returns")
        for scheduler, state in zip(self._schedulers, state_dict["_schedulers"], strict=True):
            scheduler.load_state_dict(state)
        self._last_lr = list(state_dict["_last_lr"])
