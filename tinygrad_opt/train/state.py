"""``TrainingState``: the run as callbacks see it."""
import time


class TrainingState:
    """What callbacks see: the run's objects, counters and the latest logs.

    Attributes:
        model, optimizer, history: the objects being trained and recorded.
        epochs: the total number of epochs asked for.
        epoch: the current 0-based epoch.
        step: optimizer steps taken so far (across resumes).
        step_loss: the loss of the last step.
        logs: the last finished epoch's values (``{"loss": ..., "val_loss": ..., ...}``).
        log_names: the names every epoch's logs will hold.
        stop_reason: None, or the message of the rule that asked to stop.
        stopped_by: None, or the class name of that rule.
    """

    def __init__(self, model, optimizer, history, epochs, log_names):
        self.model = model
        self.optimizer = optimizer
        self.history = history
        self.epochs = epochs
        self.epoch = 0
        self.step = 0
        self.step_loss = None
        self.logs = {}
        self.log_names = tuple(log_names)
        self.stop_reason = None
        self.stopped_by = None
        self.seconds_before = 0.0
        self.clock_start = time.perf_counter()

    def request_stop(self, reason):
        """Ask the loop to stop; the first reason given is kept."""
        if self.stop_reason is None:
            self.stop_reason = reason

    def train_seconds(self):
        """Seconds of training so far, including the runs this one resumed."""
        return self.seconds_before + time.perf_counter() - self.clock_start
