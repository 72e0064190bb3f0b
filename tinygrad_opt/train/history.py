"""``History``: what ``fit`` records, per epoch and per step."""
import numpy as np


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
        step_losses: the loss of every optimizer step, in order.
        step_lrs: the learning rate (first param group) used by every step.
        stop_reason: the message of the stopping rule that ended training, or None.
    """

    def __init__(self):
        self.history = {}
        self.epoch = []
        self.epoch_seconds = []
        self.step_losses = []
        self.step_lrs = []
        self.stop_reason = None

    def record_epoch(self, epoch, logs, seconds):
        """Append one epoch's ``logs`` (``{name: float}``) and its wall time."""
        self.epoch.append(epoch)
        self.epoch_seconds.append(seconds)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)

    def state_dict(self):
        """Everything, with the per-step series as float64 arrays (compact in a checkpoint)."""
        return {"history": {name: list(values) for name, values in self.history.items()},
                "epoch": list(self.epoch), "epoch_seconds": list(self.epoch_seconds),
                "step_losses": np.asarray(self.step_losses, dtype=np.float64),
                "step_lrs": np.asarray(self.step_lrs, dtype=np.float64),
                "stop_reason": self.stop_reason}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict``; values come back as Python floats, exactly."""
        self.history = {name: list(values) for name, values in state_dict["history"].items()}
        self.epoch = list(state_dict["epoch"])
        self.epoch_seconds = list(state_dict["epoch_seconds"])
        self.step_losses = np.asarray(state_dict["step_losses"]).tolist()
        self.step_lrs = np.asarray(state_dict["step_lrs"]).tolist()
        self.stop_reason = state_dict["stop_reason"]

    def to_json_dict(self):
        """A JSON-serialisable dict of the per-epoch record (for summaries)."""
        return {"history": self.history, "epoch": self.epoch,
                "epoch_seconds": self.epoch_seconds, "stop_reason": self.stop_reason}

    def __repr__(self):
        last = {name: values[-1] for name, values in self.history.items() if values}
        shown = ", ".join(f"{name}={value:.4g}" for name, value in last.items())
        return f"History(epochs={len(self.epoch)}, steps={len(self.step_losses)}, last: {shown})"
