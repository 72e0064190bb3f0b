"""``History``: what ``fit`` records, per epoch and per step.

The per-epoch record is kept in full. The per-step series are bounded, so that a long run's
memory and every checkpoint stay small: after each epoch, once more than ``max_step_records``
steps are held, every other record is dropped and the stride doubles. The series then hold
the steps ``0, s, 2s, ...`` (0-based, ``s = step_stride``, a power of two), at most
``max_step_records`` of them plus one epoch's steps; a run of up to ``max_step_records``
steps keeps every step. Thinning rather than averaging keeps each point an exact step's
loss and rate, and a resumed run thins at the same epochs as an uninterrupted one.
"""
import numpy as np

MAX_STEP_RECORDS = 2048
"""Default bound of the per-step series (32 KB of float64 in a checkpoint)."""


class History:
    """The record of a training run (Keras' ``History``, plus per-step series).

    Attributes:
        history: ``{name: [value per epoch]}`` with ``"loss"`` (mean training loss over the
            epoch's samples), ``"lr"`` (first param group's rate at the epoch's last step),
            each metric (``"accuracy"``, averaged over the epoch's steps as they happened),
            and with a validation loader ``"val_loss"`` and ``"val_<metric>"`` (measured in
            eval mode after the epoch).
        epoch: the 0-based index of each recorded epoch.
        epoch_seconds: wall time of each epoch, validation included.
        step_losses: the loss of optimizer steps ``0, s, 2s, ...`` in order (every step while
            the run is short; see the module docstring), ``s = step_stride``.
        step_lrs: the learning rate (first param group) used by the same steps.
        step_stride: the spacing ``s`` of the per-step series (1 until they are thinned).
        stop_reason: what ended training early: the message of the stopping rule, or of
            the divergence or interruption (``TrainingDiverged.history``,
            ``TrainingInterrupted.history``); None when the epoch budget was used up.
        stopped_by: what ended training: the stopping rule's class name (``"EarlyStopping"``),
            ``"epochs"`` (the budget), ``"divergence"`` or ``"interrupt"``; None while
            training.

    Args:
        max_step_records: bound of the per-step series (an int >= 2).
    """

    def __init__(self, max_step_records=MAX_STEP_RECORDS):
        if isinstance(max_step_records, bool) or not isinstance(max_step_records, int) \
                or max_step_records < 2:
            raise ValueError(f"max_step_records must be an int >= 2, got {max_step_records!r}")
        self.max_step_records = max_step_records
        self.history = {}
        self.epoch = []
        self.epoch_seconds = []
        self.step_losses = []
        self.step_lrs = []
        self.step_stride = 1
        self.steps_thinned = 0  # steps seen when the series were last thinned
        self.stop_reason = None
        self.stopped_by = None

    def record_epoch(self, epoch, logs, seconds):
        """Append one epoch's ``logs`` (``{name: float}``) and its wall time, then thin the
        per-step series if they exceed the bound."""
        self.epoch.append(epoch)
        self.epoch_seconds.append(seconds)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)
        self._thin()

    @property
    def step_indices(self):
        """The 0-based step number of each entry of ``step_losses`` and ``step_lrs``."""
        return [index * self.step_stride for index in range(len(self.step_losses))]

    def _thin(self):
        """Keep the new entries of the steps that are multiples of the stride; then halve the
        series, doubling the stride, while more than ``max_step_records`` remain."""
        kept = -(-self.steps_thinned // self.step_stride)  # entries of steps before
        total = self.steps_thinned + len(self.step_losses) - kept
        if self.step_stride > 1:
            start = kept + (-self.steps_thinned) % self.step_stride
            for series in (self.step_losses, self.step_lrs):
                series[kept:] = series[start::self.step_stride]
        while len(self.step_losses) > self.max_step_records:
            for series in (self.step_losses, self.step_lrs):
                series[:] = series[::2]
            self.step_stride *= 2
        self.steps_thinned = total

    def state_dict(self):
        """Everything, with the (bounded) per-step series as float64 arrays."""
        return {"history": {name: list(values) for name, values in self.history.items()},
                "epoch": list(self.epoch), "epoch_seconds": list(self.epoch_seconds),
                "step_losses": np.asarray(self.step_losses, dtype=np.float64),
                "step_lrs": np.asarray(self.step_lrs, dtype=np.float64),
                "step_stride": self.step_stride, "steps_thinned": self.steps_thinned,
                "max_step_records": self.max_step_records, "stop_reason": self.stop_reason,
                "stopped_by": self.stopped_by}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict``; values come back as Python floats, exactly."""
        self.history = {name: list(values) for name, values in state_dict["history"].items()}
        self.epoch = list(state_dict["epoch"])
        self.epoch_seconds = list(state_dict["epoch_seconds"])
        self.step_losses = np.asarray(state_dict["step_losses"]).tolist()
        self.step_lrs = np.asarray(state_dict["step_lrs"]).tolist()
        self.step_stride = int(state_dict["step_stride"])
        self.steps_thinned = int(state_dict["steps_thinned"])
        self.max_step_records = int(state_dict["max_step_records"])
        self.stop_reason = state_dict["stop_reason"]
        self.stopped_by = state_dict.get("stopped_by")  # absent from older checkpoints

    def to_json_dict(self):
        """A JSON-serialisable dict of the per-epoch record (for summaries)."""
        return {"history": self.history, "epoch": self.epoch,
                "epoch_seconds": self.epoch_seconds, "stop_reason": self.stop_reason,
                "stopped_by": self.stopped_by}

    def __repr__(self):
        last = {name: values[-1] for name, values in self.history.items() if values}
        shown = ", ".join(f"{name}={value:.4g}" for name, value in last.items())
        steps = self.steps_thinned or len(self.step_losses)
        return f"History(epochs={len(self.epoch)}, steps={steps}, last: {shown})"
