"""The stopping rules of the course notes, as ``fit`` callbacks.

A rule calls ``state.request_stop(reason)``; the loop finishes the current step (a rule
checked per step) or epoch (a rule checked per epoch) and stops. Rules combine with ``|``
("or"): ``EarlyStopping(patience=5) | MaxDuration(60)`` stops as soon as either fires.

The rules, with ``J_e`` the monitored value after epoch ``e`` and ``t`` the optimizer step:

* ``LossThreshold``:        ``J_e <= threshold``
* ``ConvergenceThreshold``: ``|mean(J_{e-w+1..e}) - mean(J_{e-w..e-1})| <= tol``
* ``MetricThreshold``:      ``metric_e >= threshold`` (``<=`` for a metric to minimise)
* ``MaxIterations``:        ``t >= max_steps``
* ``MaxDuration``:          ``training seconds >= seconds``
* ``EarlyStopping``:        no improvement by more than ``min_delta`` for ``patience`` epochs
"""
import math
import numbers

from tinygrad_opt.train.callbacks import Callback


def _resolve_mode(mode, monitor):
    """``"min"`` or ``"max"``; ``"auto"`` maximises accuracies and minimises the rest."""
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
    return mode


def _check_monitor(rule, monitor, state):
    """Raise ValueError at the start of training if ``monitor`` will never be logged."""
    if monitor not in state.log_names:
        hint = " (pass val_loader= to fit)" if monitor.startswith("val_") else ""
        raise ValueError(f"{type(rule).__name__} monitors {monitor!r}, but fit logs only "
                         f"{sorted(state.log_names)}{hint}")


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs (Keras' EarlyStopping).

    An epoch improves on the best value ``b`` when ``J < b - min_delta`` (mode ``"min"``) or
    ``J > b + min_delta`` (mode ``"max"``); after ``patience`` epochs in a row without
    improvement, training stops.

    Args:
        monitor: a logged name: ``"val_loss"``, ``"loss"``, ``"val_accuracy"``, ...
        patience: epochs without improvement to tolerate (0 stops at the first one).
        min_delta: smallest change that counts as an improvement (>= 0).
        mode: ``"min"``, ``"max"``, or ``"auto"`` (max for accuracies, else min).
        restore_best_weights: at the end of training, load the model state (parameters and
            buffers) of the best epoch.

    Raises:
        ValueError: negative ``patience`` or ``min_delta``, a bad ``mode``; at the start of
            training, a ``monitor`` that fit does not log.
    """

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="auto",
                 restore_best_weights=False):
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral):
            raise TypeError(f"patience must be an int (epochs), got {patience!r}")
        if patience < 0 or min_delta < 0:
            raise ValueError(f"patience and min_delta must be >= 0, got {patience}, {min_delta}")
        self.monitor = monitor
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.mode = _resolve_mode(mode, monitor)
        self.restore_best_weights = bool(restore_best_weights)
        self._reset()

    def _reset(self):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.wait = 0
        self.best_weights = None

    def on_train_begin(self, state):
        _check_monitor(self, self.monitor, state)
        self._reset()

    def _improves(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, state):
        value = state.logs[self.monitor]
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best_weights:
                self.best_weights = state.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            state.request_stop(f"EarlyStopping: {self.monitor} did not improve for {self.wait} "
                               f"epoch(s) (best {self.best:.6g} at epoch {self.best_epoch + 1})")

    def on_train_end(self, state):
        if self.restore_best_weights and self.best_weights is not None:
            state.model.load_state_dict(self.best_weights)

    def state_dict(self):
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "best_weights": self.best_weights}

    def load_state_dict(self, state_dict):
        self.best = state_dict["best"]
        self.best_epoch = state_dict["best_epoch"]
        self.wait = state_dict["wait"]
        self.best_weights = state_dict["best_weights"]

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r})")


class LossThreshold(Callback):
    """Stop once the epoch's cost is low enough: ``J_e <= threshold``.

    Args:
        threshold: the acceptable cost.
        monitor: the logged value to compare (``"loss"``, or ``"val_loss"``).
    """

    def __init__(self, threshold, monitor="loss"):
        self.threshold = float(threshold)
        self.monitor = monitor

    def on_train_begin(self, state):
        _check_monitor(self, self.monitor, state)

    def on_epoch_end(self, state):
        value = state.logs[self.monitor]
        if value <= self.threshold:
            state.request_stop(f"LossThreshold: {self.monitor} {value:.6g} <= {self.threshold:g}")

    def __repr__(self):
        return f"LossThreshold({self.threshold!r}, monitor={self.monitor!r})"


class ConvergenceThreshold(Callback):
    """Stop when the moving average of the cost has stopped changing.

    With ``m_e = (J_{e-w+1} + ... + J_e) / w`` the mean of the last ``w = window`` epochs,
    training stops after epoch ``e`` when ``|m_e - m_{e-1}| <= tol`` (so at the earliest
    after ``w + 1`` epochs). ``window=1`` is the plain test ``|J_e - J_{e-1}| <= tol``.

    Args:
        tol: the convergence threshold (>= 0).
        window: epochs in the moving average (>= 1).
        monitor: the logged value (``"loss"`` by default).
    """

    def __init__(self, tol, window=5, monitor="loss"):
        if tol < 0 or window < 1:
            raise ValueError(f"need tol >= 0 and window >= 1, got tol={tol}, window={window}")
        self.tol = float(tol)
        self.window = int(window)
        self.monitor = monitor
        self.recent = []

    def on_train_begin(self, state):
        _check_monitor(self, self.monitor, state)
        self.recent = []

    def on_epoch_end(self, state):
        self.recent = (self.recent + [state.logs[self.monitor]])[-(self.window + 1):]
        if len(self.recent) <= self.window:
            return
        change = abs(sum(self.recent[1:]) - sum(self.recent[:-1])) / self.window
        if change <= self.tol:
            state.request_stop(f"ConvergenceThreshold: the {self.window}-epoch mean of "
                               f"{self.monitor} changed by {change:.3g} <= {self.tol:g}")

    def state_dict(self):
        return {"recent": list(self.recent)}

    def load_state_dict(self, state_dict):
        self.recent = list(state_dict["recent"])

    def __repr__(self):
        return f"ConvergenceThreshold(tol={self.tol!r}, window={self.window})"


class MetricThreshold(Callback):
    """Stop once an evaluation metric is good enough.

    Stops when ``metric_e >= threshold`` in mode ``"max"`` (accuracy) or
    ``metric_e <= threshold`` in mode ``"min"`` (an error such as MAPE).

    Args:
        threshold: the target value.
        monitor: the logged metric, ``"val_accuracy"`` by default.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for accuracies, else min).
    """

    def __init__(self, threshold, monitor="val_accuracy", mode="auto"):
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise TypeError(f"threshold must be a number, got {threshold!r} (the arguments are "
                            f"threshold, monitor: MetricThreshold(0.9, 'val_accuracy'))")
        self.threshold = float(threshold)
        self.monitor = monitor
        self.mode = _resolve_mode(mode, monitor)

    def on_train_begin(self, state):
        _check_monitor(self, self.monitor, state)

    def on_epoch_end(self, state):
        value = state.logs[self.monitor]
        reached = value >= self.threshold if self.mode == "max" else value <= self.threshold
        if reached:
            sign = ">=" if self.mode == "max" else "<="
            state.request_stop(f"MetricThreshold: {self.monitor} {value:.6g} {sign} "
                               f"{self.threshold:g}")

    def __repr__(self):
        return f"MetricThreshold({self.threshold!r}, monitor={self.monitor!r}, mode={self.mode!r})"


class MaxIterations(Callback):
    """Stop after ``max_steps`` optimizer steps in total (checked after every step).

    Args:
        max_steps: the iteration budget, an int >= 1.
    """

    def __init__(self, max_steps):
        if int(max_steps) != max_steps or max_steps < 1:
            raise ValueError(f"max_steps must be an int >= 1, got {max_steps!r}")
        self.max_steps = int(max_steps)

    def on_epoch_begin(self, state):
        self.on_step_end(state)

    def on_step_end(self, state):
        if state.step >= self.max_steps:
            state.request_stop(f"MaxIterations: {state.step} steps >= {self.max_steps}")

    def __repr__(self):
        return f"MaxIterations({self.max_steps})"


class MaxDuration(Callback):
    """Stop once training has run for ``seconds`` (checked after every step).

    The clock counts training time, validation included, across resumed runs.

    Args:
        seconds: the time budget (> 0).
    """

    def __init__(self, seconds):
        if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
            raise TypeError(f"seconds must be a number, got {seconds!r}")
        if not seconds > 0:
            raise ValueError(f"seconds must be > 0, got {seconds!r}")
        self.seconds = float(seconds)

    def on_epoch_begin(self, state):
        self.on_step_end(state)

    def on_step_end(self, state):
        elapsed = state.train_seconds()
        if elapsed >= self.seconds:
            state.request_stop(f"MaxDuration: {elapsed:.3g} s >= {self.seconds:g} s")

    def __repr__(self):
        return f"MaxDuration({self.seconds!r})"
