"""The progress bar (drawn only on a terminal) and the accuracy metric."""
import io

import numpy as np

from tinygrad_opt.train import ProgressBar, accuracy


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_is_silent_when_not_a_terminal_or_disabled():
    for stream, enabled in [(io.StringIO(), True), (FakeTerminal(), False)]:
        bar = ProgressBar(4, "Epoch 1/1", enabled=enabled, stream=stream)
        for _ in range(4):
            bar.advance(0.5)
        bar.close("  loss 0.5")
        assert stream.getvalue() == ""
        assert bar.count == 4


def test_bar_draws_progress_and_summary_on_a_terminal():
    stream = FakeTerminal()
    bar = ProgressBar(4, "Epoch 2/3", stream=stream, width=8, min_interval=0.0)
    bar.advance(0.75)
    assert "Epoch 2/3 [##......] 1/4  loss 0.7500" in stream.getvalue()
    for _ in range(3):
        bar.advance(0.5)
    bar.close("  loss 0.5")
    last = stream.getvalue().split("\r")[-1]
    assert last.startswith("Epoch 2/3 [########] 4/4") and last.endswith("loss 0.5\x1b[K\n")


def test_accuracy_multiclass_and_binary():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.0, 1.0]])
    assert accuracy(logits, np.array([0, 1, 1, 1])) == 0.75
    assert accuracy(np.array([[1.5], [-0.2], [0.3]]), np.array([1, 0, 0])) == 2 / 3
    assert accuracy(np.array([1.5, -0.2]), np.array([1.0, 0.0])) == 1.0
