"""Ctrl-C during ``fit``: stop between steps, never inside one or inside a checkpoint write.

While ``fit`` runs in the main thread with Python's default SIGINT handler, ``SigintGuard``
replaces the handler by one that only records the signal; the loop looks at ``requested``
after every step and after every checkpoint write, and stops there (the weights are those
after the last finished step, the checkpoint file is complete). A second Ctrl-C outside a
checkpoint write raises ``KeyboardInterrupt`` at once, for a step that hangs. The previous
handler is put back when ``fit`` ends. Elsewhere (another thread, a handler of the user's)
nothing is replaced and Ctrl-C arrives as a ``KeyboardInterrupt``.
"""
import signal
import threading


class TrainingInterrupted(KeyboardInterrupt):
    """``fit`` was stopped by Ctrl-C (SIGINT); a ``KeyboardInterrupt``, so code that catches
    that keeps working.

    Attributes:
        epoch: 0-based epoch that was running.
        step: optimizer steps finished (across resumes); the model holds the weights after
            the last of them.
        history: the ``History`` up to the last finished epoch (``stop_reason`` set).
        checkpoint: the checkpoint path, or None.
        checkpoint_epochs: epochs in that checkpoint file, intact (None if none was written
            by this run and none was resumed from).
        at_once: the ``KeyboardInterrupt`` came in the middle of a step (a second Ctrl-C, or
            SIGINT not handled by ``SigintGuard``): the weights may be partly updated.
    """

    def __init__(self, epoch, epochs, step, history, checkpoint=None, checkpoint_epochs=None,
                 at_once=False):
        self.epoch, self.epochs, self.step = epoch, epochs, step
        self.history = history
        self.checkpoint, self.checkpoint_epochs = checkpoint, checkpoint_epochs
        self.at_once = at_once
        where = f"interrupted in epoch {epoch + 1}/{epochs} after step {step}"
        weights = "the model keeps its weights after that step"
        if at_once:
            weights = ("it stopped at once (a second Ctrl-C, or a handler of SIGINT other than "
                       "Python's), so the next step may have changed part of the weights")
        if checkpoint is None:
            saved = "no checkpoint was asked for"
        elif checkpoint_epochs is None:
            saved = f"no checkpoint written yet to {checkpoint}"
        else:
            saved = f"checkpoint {checkpoint} is intact with {checkpoint_epochs} epoch(s)"
        super().__init__(f"{where}; {weights}; {saved}")


class SigintGuard:
    """Context manager: SIGINT sets ``requested`` instead of raising (see the module doc).

    Attributes:
        requested: a SIGINT arrived.
        holding: inside ``hold()`` (a checkpoint write): every SIGINT is only recorded.
    """

    def __init__(self):
        self.requested = False
        self.holding = False
        self.installed = False
        self.previous = None

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.previous = signal.signal(signal.SIGINT, self._handle)
            self.installed = True
        return self

    def __exit__(self, *exc):
        if self.installed:
            signal.signal(signal.SIGINT, self.previous)
            self.installed = False
        return False

    def _handle(self, signum, frame):
        if self.requested and not self.holding:
            raise KeyboardInterrupt
        self.requested = True

    def hold(self):
        """Context manager for a write that must not be cut (signals are only recorded)."""
        return _Hold(self)


class _Hold:
    def __init__(self, guard):
        self.guard = guard

    def __enter__(self):
        self.guard.holding = True

    def __exit__(self, *exc):
        self.guard.holding = False
        return False
