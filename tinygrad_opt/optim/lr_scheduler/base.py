"""The scheduler base class: PyTorch's ``LRScheduler`` contract over ``optimizer.param_groups``."""

import copy
import numbers
import types
import warnings
from abc import ABC, abstractmethod


def check_optimizer(optimizer):
    """Raise TypeError unless ``optimizer.param_groups`` is a list of dicts holding ``"lr"``."""
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list) or not all(
        isinstance(group, dict) and "lr" in group for group in groups
    ):
        raise TypeError(
            f"{type(optimizer).__name__} is not an optimizer: expected .param_groups, a list of "
            f"dicts each holding 'lr'"
        )


def per_group(name, optimizer, value):
    """Broadcast a scalar to one value per param group, or check a list's length.

    Args:
        name: Argument name, for the error message.
        optimizer: The optimizer whose ``param_groups`` set the length.
        value: A scalar, or a list/tuple with one entry per group.

    Returns:
        A new list with one value per param group.

    Raises:
        ValueError: If a list's length differs from the number of param groups.
    """
    count = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"{name} must have one value per param group ({count}), got {len(value)}: "
                f"{value!r}"
            )
        return list(value)
    return [value] * count


def callable_state(function):
    """State of a user callable for ``state_dict``, as PyTorch saves ``lr_lambda``.

    Returns:
        None for a plain function (not saved), else a copy of the callable object's ``__dict__``.
    """
    if function is None or isinstance(function, types.FunctionType):
        return None
    return dict(function.__dict__)


def _watch_optimizer_steps(optimizer):
    """Make ``optimizer.step`` note that it ran (``optimizer._stepped``), as PyTorch's
    schedulers do, so that a scheduler stepped first can warn. A bound method on the
    instance, so that ``copy.deepcopy(optimizer)`` rebinds it to the copy."""
    step = getattr(optimizer, "step", None)
    if not isinstance(step, types.MethodType) or step.__self__ is not optimizer:
        return
    if getattr(step.__func__, "_notes_steps", False):
        return
    original = step.__func__

    def step_and_note(self, *args, **kwargs):
        self._stepped = True
        return original(self, *args, **kwargs)

    step_and_note._notes_steps = True
    optimizer._stepped = False
    optimizer.step = types.MethodType(step_and_note, optimizer)


class LRScheduler(ABC):
    """Base class: sets ``group["lr"]`` of every param group once per :meth:`step`.

    Follows ``torch.optim.lr_scheduler.LRScheduler``. At construction each group gets
    ``group["initial_lr"] = group["lr"]`` (unless already set), ``base_lrs`` takes those values,
    and one initial step moves ``last_epoch`` from -1 to 0 and writes the step-0 rates.
    Each later ``step()`` adds one to ``last_epoch`` and writes ``get_lr()``.

    Subclasses give ``_closed_form_lrs(step)``, the rates as pure functions of the step
    (from ``optim.schedules``). Where PyTorch updates recursively from the current
    ``group["lr"]`` (its "chainable" schedulers, which compose when several act on one
    optimizer), the subclass overrides ``get_lr`` with that recursive form too, so values
    agree with PyTorch's bit for bit rather than only up to rounding.

    Args:
        optimizer: Object with ``param_groups`` (a list of dicts with ``"lr"``).
        last_epoch: Index of the last step taken; -1 starts fresh. A value >= 0 resumes and
            needs ``"initial_lr"`` in every group.

    Raises:
        TypeError: If ``optimizer`` has no usable ``param_groups``.
        KeyError: If resuming (``last_epoch >= 0``) and a group lacks ``"initial_lr"``.
        ValueError: If a hyper-parameter is out of range (checked by the closed form).
    """

    # How often a training loop should call step(): "epoch" (periods counted in epochs) or
    # "batch" (periods counted in optimizer steps, as CyclicLR and OneCycleLR).
    step_interval = "epoch"
    # Whether step() takes the monitored metric, step(val_loss) (ReduceLROnPlateau), so that
    # a training loop can tell without importing the class.
    needs_metric = False

    # Attributes left out of state_dict: the optimizer, and user callables that need not pickle.
    _state_excluded = ("optimizer",)

    def __init__(self, optimizer, last_epoch=-1):
        check_optimizer(optimizer)
        _watch_optimizer_steps(optimizer)
        self.optimizer = optimizer
        if last_epoch != -1:
            for index, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param_groups[{index}] has no 'initial_lr': resuming with "
                        f"last_epoch={last_epoch} needs the optimizer state of the original run"
                    )
        self.base_lrs = [group.get("initial_lr", group["lr"]) for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        # The closed form runs every argument check of the schedule before any group changes.
        self._closed_form_lrs(0)
        for group, base_lr in zip(optimizer.param_groups, self.base_lrs, strict=True):
            group["initial_lr"] = base_lr
        self._initial_step()

    @abstractmethod
    def _closed_form_lrs(self, step):
        """Learning rate of every param group at ``step``, as pure functions of the step."""

    def get_lr(self):
        """Rates for the current ``last_epoch``; by default the closed form.

        Returns:
            One learning rate per param group.
        """
        return self._closed_form_lrs(self.last_epoch)

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def step(self):
        """Advance one step (an epoch or a batch, as the subclass documents) and set the rates.

        Call it after ``optimizer.step()``; the first call before any ``optimizer.step()``
        warns (UserWarning), as PyTorch does: the schedule's first rate would be skipped.
        """
        self._count_step()
        self._update_lr()

    def _count_step(self):
        """Count a call of step(); warn if the first one after construction comes before any
        ``optimizer.step()``."""
        if self._step_count == 1 and getattr(self.optimizer, "_stepped", True) is False:
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`: "
                          "call `optimizer.step()` first, otherwise the first value of the "
                          "learning-rate schedule is skipped", UserWarning, stacklevel=3)
        self._step_count += 1

    def _update_lr(self, epoch=None):
        """Write the next rates into the param groups.

        Without ``epoch``: ``last_epoch += 1``, then ``get_lr()``. With ``epoch``: jump there and
        use the closed form (``SequentialLR`` restarts a scheduler this way at a milestone).
        """
        if epoch is None:
            self.last_epoch += 1
            self._write_lrs(self.get_lr())
        else:
            self.last_epoch = epoch
            self._write_lrs(self._closed_form_lrs(epoch))

    def _write_lrs(self, values):
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = self._group_values("lr")

    def _group_values(self, key):
        return [group[key] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """Return the rates written by the last step, one per param group (a new list)."""
        return list(self._last_lr)

    def state_dict(self):
        """Return a deep copy of the scheduler's attributes, without the optimizer.

        Returns:
            A dict that :meth:`load_state_dict` accepts.
        """
        return copy.deepcopy({key: value for key, value in self.__dict__.items()
                              if key not in self._state_excluded})

    def load_state_dict(self, state_dict):
        """Restore attributes saved by :meth:`state_dict` (the dict itself is not kept).

        Everything is checked first: a refused state leaves the scheduler unchanged.

        Args:
            state_dict: A dict returned by :meth:`state_dict`.

        Raises:
            TypeError: ``state_dict`` is not a dict, or an entry's type differs from the
                scheduler's own (a string where a number belongs).
            ValueError: keys are missing or unexpected (the state of another scheduler).
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"{type(self).__name__}.load_state_dict expects a dict, got "
                            f"{type(state_dict).__name__}")
        current = {key: value for key, value in self.__dict__.items()
                   if key not in self._state_excluded}
        missing = sorted(set(current) - set(state_dict))
        unexpected = sorted(set(state_dict) - set(current))
        if missing or unexpected:
            raise ValueError(f"{type(self).__name__}.load_state_dict: missing keys {missing}, "
                             f"unexpected keys {unexpected} (the state of another scheduler?)")
        for key, value in current.items():
            if not _same_kind(value, state_dict[key]):
                raise TypeError(f"{type(self).__name__}.load_state_dict: {key!r} is "
                                f"{state_dict[key]!r}, expected a {type(value).__name__}")
        self.__dict__.update(copy.deepcopy(state_dict))


def _same_kind(current, saved):
    """Whether ``saved`` may replace ``current``: numbers for numbers, sequences for
    sequences (checked element by element), None on either side, else the same type."""
    if current is None or saved is None:
        return True
    number = (int, float, numbers.Real)
    if isinstance(current, number) and not isinstance(current, str):
        return isinstance(saved, number) and not isinstance(saved, (str, bool)) or (
            isinstance(current, bool) and isinstance(saved, bool))
    if isinstance(current, (list, tuple)):
        return isinstance(saved, (list, tuple)) and all(
            _same_kind(item, other) for item, other in zip(current, saved))
    if isinstance(current, dict):
        return isinstance(saved, dict)
    return isinstance(saved, type(current)) or isinstance(current, type(saved))
