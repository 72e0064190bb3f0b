"""What ``fit`` shows while it trains, chosen for where it runs.

Every epoch ends with one plain line on stdout, flushed at once::

    epoch  3/20  loss 0.1234  lr 0.001  accuracy 0.9612  val_loss 0.1301  0.41 s

While an epoch runs, a bar shows its steps where one can be drawn, and is removed when the
epoch's line is written (a line holds every number, where a bar's width would cut them):

* when stdout is a terminal, tqdm's bar on stderr (on stdout if stderr is redirected);
* in a Jupyter kernel, tqdm's notebook bar when ``ipywidgets`` can be imported (the cell
  keeps the lines, also in the saved notebook, where a widget's text is its first state);
* nothing else in a pipe, ``| tee``, ``nohup``, a log file or CI: just the lines.

Whatever ends the run is said in one line at the end (``Progress.finish``). The per-step
cost is one call that adds to a counter (tqdm redraws at most every 0.1 s).
"""
import os
import sys

from tqdm import tqdm as terminal_tqdm


def in_notebook():
    """True inside a Jupyter (IPython) kernel, False in a terminal IPython or plain Python."""
    if "ipykernel" not in sys.modules:
        return False
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _columns(stream):
    """The width of the terminal ``stream`` is, or 0 when it is unknown."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def _notebook_tqdm():
    """tqdm's notebook bar class, or None when ipywidgets (which it draws with) is missing."""
    try:
        import ipywidgets  # noqa: F401
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:
        return None
    return notebook_tqdm


def choose_mode(enabled=True):
    """``"off"``, ``"notebook"``, ``"bar"`` or ``"lines"``: how to show progress here."""
    if not enabled:
        return "off"
    if in_notebook():
        return "notebook" if _notebook_tqdm() is not None else "lines"
    if _is_terminal(sys.stdout):  # with stdout in a pipe (| tee), a bar would garble
        return "bar"
    return "lines"


def format_logs(logs):
    """``"loss 0.1234  val_loss 0.2  lr 0.001"``: an epoch's numbers, 4 significant digits."""
    return "  ".join(f"{name} {value:.4g}" for name, value in logs.items())


class Progress:
    """Progress of one ``fit`` call: a bar per epoch or a line per epoch, and the last line.

    Args:
        epochs: the epoch budget (shown as ``epoch 3/20``).
        enabled: show anything at all (``fit(progress=...)``).
        mode: force a mode of ``choose_mode`` (tests); None chooses by where it runs.
    """

    def __init__(self, epochs, enabled=True, mode=None):
        self.epochs = epochs
        self.mode = choose_mode(enabled) if mode is None else mode
        self.width = len(str(epochs))
        self.bar = None

    @property
    def enabled(self):
        return self.mode != "off"

    def _write(self, line):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def begin_epoch(self, epoch, steps):
        """Start epoch ``epoch`` (0-based) of ``steps`` steps."""
        if self.mode not in ("bar", "notebook"):
            return
        description = f"Epoch {epoch + 1:>{self.width}}/{self.epochs}"
        if self.mode == "notebook":
            self.bar = _notebook_tqdm()(total=steps, desc=description, leave=False)
        else:
            stream = sys.stderr if _is_terminal(sys.stderr) else sys.stdout
            sized = _columns(stream) > 0  # a terminal of unknown size is taken as 80 x 24
            self.bar = terminal_tqdm(total=steps, desc=description, leave=False, file=stream,
                                     dynamic_ncols=sized, ncols=None if sized else 80,
                                     nrows=None if sized else 24)

    def step(self, running_loss):
        """Count one step; ``running_loss`` is the epoch's mean loss so far."""
        bar = self.bar
        if bar is not None:
            bar.update()
            if bar.n == bar.total or bar.n % 16 == 0:
                bar.set_postfix_str(f"loss {running_loss:.4f}", refresh=False)

    def end_epoch(self, epoch, logs, seconds):
        """Show the finished epoch's ``logs`` (``{name: float}``) and wall time."""
        self.abandon()
        if self.enabled:
            self._write(f"epoch {epoch + 1:>{self.width}}/{self.epochs}  {format_logs(logs)}  "
                        f"{seconds:.2f} s")

    def abandon(self):
        """Close a bar left open by an exception (divergence, Ctrl-C)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self, line):
        """Say in one line what ended the run."""
        self.abandon()
        if self.enabled:
            self._write(line)


def end_line(history, epochs):
    """One line saying what ended a run that ``history`` records, out of ``epochs``."""
    done = len(history.epoch)
    if history.stopped_by in (None, "epochs"):
        return f"finished: {done}/{epochs} epochs (the epoch budget)"
    if history.stopped_by in ("divergence", "interrupt"):
        return f"stopped after {done}/{epochs} epochs: {history.stop_reason}"
    reason = history.stop_reason
    if not reason.startswith(history.stopped_by):
        reason = f"{history.stopped_by}: {reason}"
    return f"stopped after {done}/{epochs} epochs by {reason}"
