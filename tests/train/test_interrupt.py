"""Ctrl-C during fit, with real SIGINTs: the loop stops between steps, never inside a
checkpoint write, and raises TrainingInterrupted (a KeyboardInterrupt) with the history."""
import os
import signal

import numpy as np
import pytest

from tinygrad_opt import nn, optim, train
from tinygrad_opt.data import DataLoader
from tinygrad_opt.train import resume as resume_io


class SigintAtStep(train.Callback):
    def __init__(self, step):
        self.step = step

    def on_step_end(self, state):
        if state.step == self.step:
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_stops_after_the_step_under_way_with_its_weights(problem):
    model, loss_fn, opt, train_loader, val_loader = problem()
    with pytest.raises(train.TrainingInterrupted) as caught:
        train.fit(model, loss_fn, opt, train_loader, 5, val_loader=val_loader,
                  callbacks=SigintAtStep(6), progress=False)
    error = caught.value
    assert isinstance(error, KeyboardInterrupt)
    assert (error.epoch, error.step, error.checkpoint) == (1, 6, None)
    assert error.history.stopped_by == "interrupt" and len(error.history.epoch) == 1
    assert "interrupted in epoch 2/5 after step 6" in str(error)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    reference, loss_fn, opt, train_loader, val_loader = problem()
    train.fit(reference, loss_fn, opt, train_loader, 5, val_loader=val_loader,
              callbacks=train.MaxIterations(6), progress=False)
    for (name, param), (_, expected) in zip(model.named_parameters(),
                                            reference.named_parameters()):
        np.testing.assert_array_equal(param.data, expected.data, err_msg=name)


def test_ctrl_c_twice_during_a_checkpoint_write_is_held_until_it_is_done(problem, tmp_path,
                                                                         monkeypatch):
    model, loss_fn, opt, train_loader, _ = problem()
    path = str(tmp_path / "ck.npz")
    savez = np.savez

    def interrupted_savez(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)  # the second would raise at once outside a write
        savez(*args, **kwargs)

    monkeypatch.setattr(np, "savez", interrupted_savez)
    with pytest.raises(train.TrainingInterrupted) as caught:
        train.fit(model, loss_fn, opt, train_loader, 5, checkpoint=path, progress=False)
    monkeypatch.undo()
    assert (caught.value.checkpoint, caught.value.checkpoint_epochs) == (path, 1)
    assert "checkpoint" in str(caught.value) and "intact with 1 epoch" in str(caught.value)
    assert resume_io.read(path)["epoch"] == 1
    assert sorted(os.listdir(tmp_path)) == ["ck.npz"]  # no temporary file, no lock left
    model, loss_fn, opt, train_loader, _ = problem()
    history = train.fit(model, loss_fn, opt, train_loader, 2, resume=path, progress=False)
    assert history.epoch == [0, 1] and history.stopped_by == "epochs"


def test_divergence_records_what_ended_the_run():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    model = nn.Sequential(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 1))
    loader = DataLoader(X, X @ rng.normal(size=(4, 1)).astype(np.float32), batch_size=16)
    with pytest.raises(train.TrainingDiverged) as caught:
        train.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=5.0), loader, 50,
                  progress=False)
    history = caught.value.history
    assert history.stopped_by == "divergence" and "diverged" in history.stop_reason


def test_a_second_ctrl_c_stops_at_once_and_says_the_weights_may_be_mid_step(problem):
    class TwoSigints(train.Callback):
        def on_step_end(self, state):
            if state.step == 3:
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)

    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(train.TrainingInterrupted) as caught:
        train.fit(model, loss_fn, opt, train_loader, 5, callbacks=TwoSigints(), progress=False)
    assert caught.value.at_once and "may have changed part of the weights" in str(caught.value)
    assert isinstance(caught.value.__cause__, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
