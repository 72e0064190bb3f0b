"""Callbacks for ``fit``: hooks into the loop, ``AnyOf`` (rules joined with ``|``) and
``LearningRateScheduler``.

Every callback receives the loop's ``TrainingState`` (``state``) at five points::

    on_train_begin -> [on_epoch_begin -> on_step_end x steps -> on_epoch_end] x epochs
                   -> on_train_end

A stopping rule calls ``state.request_stop(reason)``; the loop finishes the current step (a
rule checked per step) or epoch (a rule checked per epoch) and stops. Rules combine with
``|`` ("or"), as the notes recommend: training stops as soon as any of them fires::

    stop = EarlyStopping(patience=5) | MaxDuration(60) | MaxIterations(10_000)

The rules themselves are in ``stopping.py``.
"""
import math
import numbers


class Callback:
    """Base class: every hook does nothing; override the ones you need.

    ``state_dict``/``load_state_dict`` hold what a checkpoint must keep for a resumed run to
    decide exactly as an uninterrupted one (plain Python values and NumPy arrays only).
    """

    def on_train_begin(self, state):
        """Called once before the first epoch (also when resuming)."""

    def on_epoch_begin(self, state):
        """Called before each epoch's first step; ``state.epoch`` is the 0-based epoch."""

    def on_step_end(self, state):
        """Called after each optimizer step; ``state.step`` counts steps, ``state.step_loss``
        is the step's loss."""

    def on_epoch_end(self, state):
        """Called after each epoch, validation included; ``state.logs`` holds its values."""

    def on_train_end(self, state):
        """Called once after the last epoch, however training ended (except by an error)."""

    def state_dict(self):
        """Return the callback's resumable state (a dict)."""
        return {}

    def load_state_dict(self, state_dict):
        """Restore a state returned by ``state_dict``."""

    def __or__(self, other):
        return AnyOf(self, other)


def note_stopper(state, callback):
    """Record ``callback``'s class name as ``state.stopped_by`` if it just asked to stop."""
    if state.stop_reason is not None and getattr(state, "stopped_by", "") is None:
        state.stopped_by = type(callback).__name__


class AnyOf(Callback):
    """Several callbacks as one; stops when any of them asks to (``a | b`` builds it).

    Args:
        *callbacks: the callbacks, called in order at every hook.
    """

    def __init__(self, *callbacks):
        self.callbacks = []
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"can only combine Callbacks, got {type(callback).__name__}")
            self.callbacks.extend(callback.callbacks if isinstance(callback, AnyOf)
                                  else [callback])

    def on_train_begin(self, state):
        for callback in self.callbacks:
            callback.on_train_begin(state)
            note_stopper(state, callback)

    def on_epoch_begin(self, state):
        for callback in self.callbacks:
            callback.on_epoch_begin(state)
            note_stopper(state, callback)

    def on_step_end(self, state):
        for callback in self.callbacks:
            callback.on_step_end(state)
            note_stopper(state, callback)

    def on_epoch_end(self, state):
        for callback in self.callbacks:
            callback.on_epoch_end(state)
            note_stopper(state, callback)

    def on_train_end(self, state):
        for callback in self.callbacks:
            callback.on_train_end(state)

    def _stateful(self):
        """The callbacks that keep state (override ``state_dict``), in order."""
        return [callback for callback in self.callbacks
                if type(callback).state_dict is not Callback.state_dict]

    def state_dict(self):
        """``{"callbacks": [[class name, state], ...]}`` for the stateful callbacks only, so
        a resumed run may add or drop stateless ones."""
        return {"callbacks": [[type(callback).__name__, callback.state_dict()]
                              for callback in self._stateful()]}

    def load_state_dict(self, state_dict):
        """Restore each stateful callback, matched by position and class name.

        Raises:
            ValueError: the saved and current stateful callbacks differ.
        """
        stateful = self._stateful()
        saved_names = [name for name, _ in state_dict["callbacks"]]
        names = [type(callback).__name__ for callback in stateful]
        if saved_names != names:
            raise ValueError(f"saved state is for callbacks {saved_names}, "
                             f"but this run has {names}")
        for callback, (_, saved) in zip(stateful, state_dict["callbacks"]):
            callback.load_state_dict(saved)

    def __repr__(self):
        return " | ".join(repr(callback) for callback in self.callbacks)


class LearningRateScheduler(Callback):
    """Set the learning rate before each epoch from ``fn(epoch, lr) -> lr`` (Keras style).

    ``epoch`` is 0-based and ``lr`` the group's current rate; the result is written into
    every param group's ``"lr"``, e.g. ``LearningRateScheduler(lambda e, lr: lr * 0.95)``.

    Raises:
        ValueError: ``fn`` returns a negative or non-finite rate (during training).
    """

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        self.fn = fn

    def on_epoch_begin(self, state):
        for group in state.optimizer.param_groups:
            lr = self.fn(state.epoch, group["lr"])
            if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
                raise TypeError(f"LearningRateScheduler: fn({state.epoch}, {group['lr']}) "
                                f"returned {lr!r}; it must return the new learning rate")
            lr = float(lr)
            if not (math.isfinite(lr) and lr >= 0.0):
                raise ValueError(f"LearningRateScheduler: fn({state.epoch}, {group['lr']}) "
                                 f"returned {lr}; a learning rate must be finite and >= 0")
            group["lr"] = lr

    def __repr__(self):
        return f"LearningRateScheduler({self.fn!r})"
