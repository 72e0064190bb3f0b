"""What ``fit`` shows while it trains, chosen for where it runs.

* In a Jupyter kernel: tqdm's notebook bar, one per epoch, when ``ipywidgets`` can be
  imported; plain lines otherwise (a kernel's stdout is not a terminal, the cell shows them).
* When stdout is a terminal: a tqdm bar per epoch on stderr (stdout when only stdout is a
  terminal), left in place with the epoch's numbers once it is full.
* Otherwise (a pipe, ``| tee``, ``nohup``, a log file, CI): one plain line per epoch on
  stdout, flushed at once::

      epoch  3/20  loss 0.1234  lr 0.001  accuracy 0.9612  val_loss 0.1301  0.41 s

Whatever ends the run is said in one line at the end (``Progress.finish``). The per-step
cost is one call that adds to a counter (tqdm redraws at most every 0.1 s).
"""
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
    if _is_terminal(sys.stdout) or _is_terminal(sys.stderr):
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
            self.bar = _notebook_tqdm()(total=steps, desc=description, leave=True)
        else:
            stream = sys.stderr if _is_terminal(sys.stderr) else sys.stdout
            self.bar = terminal_tqdm(total=steps, desc=description, leave=True, file=stream,
                                     dynamic_ncols=True)

    def step(self, running_loss):
        """Count one step; ``running_loss`` is the epoch's mean loss so far."""
        bar = self.bar
        if bar is not None:
            bar.update()
            if bar.n == bar.total or bar.n % 16 == 0:
                bar.set_postfix_str(f"loss {running_loss:.4f}", refresh=False)

    def end_epoch(self, epoch, logs, seconds):
        """Show the finished epoch's ``logs`` (``{name: float}``) and wall time."""
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs(logs), refresh=False)
            self.bar.close()
            self.bar = None
        elif self.mode == "lines":
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
