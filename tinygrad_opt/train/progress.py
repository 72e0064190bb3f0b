"""A one-line progress bar for the training loop, drawn on a terminal only.

The bar is written to stderr (so stdout stays clean for tables and pipes) and only when
stderr is a terminal: in a log file, CI or a notebook capture it stays silent. Redrawing is
throttled to ``min_interval`` seconds, so ``advance`` costs one clock read per step.
"""
import sys
import time


class ProgressBar:
    """``Epoch  3/20 [#########.........]  28/45  loss 0.1234  0.4s`` on one line.

    Args:
        total: steps in the epoch.
        description: text before the bar, e.g. ``"Epoch  3/20"``.
        enabled: draw at all; it is also off when ``stream`` is not a terminal.
        stream: where to draw (``sys.stderr`` by default).
        width: characters in the bar.
        min_interval: seconds between redraws.
    """

    def __init__(self, total, description="", enabled=True, stream=None, width=24,
                 min_interval=0.1):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = bool(enabled) and _is_terminal(self.stream)
        self.total = max(int(total), 1)
        self.description = description
        self.width = width
        self.min_interval = min_interval
        self.count = 0
        self.loss = None
        self.start = time.perf_counter()
        self._last_draw = -min_interval

    def advance(self, loss=None):
        """Count one step (with its running loss) and redraw if ``min_interval`` has passed."""
        self.count += 1
        if not self.enabled:
            return
        self.loss = loss
        now = time.perf_counter()
        if now - self._last_draw >= self.min_interval:
            self._last_draw = now
            self._draw(now, "")

    def close(self, summary=""):
        """Draw the final state followed by ``summary`` and end the line."""
        if self.enabled:
            self._draw(time.perf_counter(), summary)
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now, summary):
        filled = min(self.width, self.width * self.count // self.total)
        bar = "#" * filled + "." * (self.width - filled)
        digits = len(str(self.total))
        loss = f"  loss {self.loss:.4f}" if self.loss is not None and not summary else ""
        self.stream.write(f"\r{self.description} [{bar}] {self.count:>{digits}}/{self.total}"
                          f"{loss}  {now - self.start:.1f}s{summary}\x1b[K")
        self.stream.flush()


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False
