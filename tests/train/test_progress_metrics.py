"""Progress where the run is (bar, plain lines, notebook), default metrics, and accuracy."""
import functools
import io
import sys

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, train
from tinygrad_opt.nn import functional as F
from tinygrad_opt.train import accuracy
from tinygrad_opt.train.metrics import default_metrics
from tinygrad_opt.train.progress import Progress, choose_mode, in_notebook


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_mode_follows_the_streams(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert choose_mode() == "lines" and choose_mode(enabled=False) == "off"
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    assert choose_mode() == "lines"  # | tee: the lines, no bar on the terminal's stderr
    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    assert choose_mode() == "bar"
    assert not in_notebook()


def test_lines_mode_writes_one_flushed_line_per_epoch_and_the_end(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    progress = Progress(12, mode="lines")
    for epoch in range(2):
        progress.begin_epoch(epoch, 5)
        for _ in range(5):
            progress.step(0.5)
        progress.end_epoch(epoch, {"loss": 0.5, "val_loss": 0.25, "lr": 1e-3}, 0.123)
    progress.finish("finished: 2/12 epochs (the epoch budget)")
    assert out.getvalue().splitlines() == [
        "epoch  1/12  loss 0.5  val_loss 0.25  lr 0.001  0.12 s",
        "epoch  2/12  loss 0.5  val_loss 0.25  lr 0.001  0.12 s",
        "finished: 2/12 epochs (the epoch budget)"]


def test_bar_mode_draws_a_bar_during_the_epoch_then_its_line(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    progress = Progress(3, mode="bar")
    progress.begin_epoch(1, 4)
    assert "Epoch 2/3:   0%" in terminal.getvalue() and "0/4" in terminal.getvalue()
    for _ in range(4):
        progress.step(0.75)
    progress.end_epoch(1, {"loss": 0.75, "accuracy": 0.5}, 0.1)
    assert terminal.getvalue().endswith("\r")  # the bar is wiped for the line
    assert sys.stdout.getvalue() == "epoch 2/3  loss 0.75  accuracy 0.5  0.10 s\n"


def test_off_mode_is_silent(monkeypatch):
    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    progress = Progress(2, enabled=False)
    progress.begin_epoch(0, 2)
    progress.step(1.0)
    progress.end_epoch(0, {"loss": 1.0}, 0.1)
    progress.finish("finished")
    assert sys.stdout.getvalue() == ""


@pytest.mark.parametrize("loss_fn, expected", [
    (nn.CrossEntropyLoss(), ["accuracy"]), (nn.NLLLoss(), ["accuracy"]),
    (nn.BCEWithLogitsLoss(), ["accuracy"]), (F.cross_entropy, ["accuracy"]),
    (functools.partial(F.cross_entropy, ignore_index=0), ["accuracy"]),
    (nn.MSELoss(), []), (nn.L1Loss(), []), (F.mse_loss, []), (lambda out, y: out, [])])
def test_default_metrics_follow_the_loss(loss_fn, expected):
    assert default_metrics(loss_fn) == expected


def test_mse_fit_logs_no_accuracy_and_cross_entropy_does():
    tg.manual_seed(0)
    X = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    model = nn.Dense(3, 1)
    loader = tg.data.DataLoader(X, X[:, :1] * 2, batch_size=16)
    history = train.fit(model, nn.MSELoss(), tg.optim.SGD(model.parameters(), lr=0.1), loader,
                        2, val_loader=loader, progress=False)
    assert set(history.history) == {"loss", "lr", "val_loss"}
    classifier = nn.Dense(3, 2)
    labels = tg.data.DataLoader(X, (X[:, 0] > 0).astype(np.int64), batch_size=16)
    history = train.fit(classifier, nn.CrossEntropyLoss(),
                        tg.optim.SGD(classifier.parameters(), lr=0.1), labels, 1,
                        val_loader=labels, progress=False)
    assert set(history.history) == {"loss", "lr", "accuracy", "val_loss", "val_accuracy"}


def test_accuracy_multiclass_and_binary():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.0, 1.0]])
    assert accuracy(logits, np.array([0, 1, 1, 1])) == 0.75
    assert accuracy(np.array([[1.5], [-0.2], [0.3]]), np.array([1, 0, 0])) == 2 / 3
    assert accuracy(np.array([1.5, -0.2]), np.array([1.0, 0.0])) == 1.0
