"""Checkpoints: bit-for-bit resume, atomic writes, clear errors for a different model."""
import os

import numpy as np
import pytest

from tinygrad_opt import nn, optim, train
from tinygrad_opt.optim import lr_scheduler
from tinygrad_opt.train import Callback, EarlyStopping, MaxIterations
from tinygrad_opt import serialization


class Interrupt(Exception):
    pass


class CrashAt(Callback):
    """Raise in the middle of training, as a killed process would stop."""

    def __init__(self, step):
        self.step = step

    def on_step_end(self, state):
        if state.step == self.step:
            raise Interrupt


def run(problem, epochs, **fit_options):
    model, loss_fn, opt, train_loader, val_loader = problem(optimizer="adam", lr=0.01,
                                                            dropout=0.2)
    scheduler = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    callbacks = fit_options.pop("callbacks", [])
    history = train.fit(model, loss_fn, opt, train_loader, epochs, val_loader=val_loader,
                        scheduler=scheduler,
                        callbacks=callbacks + [EarlyStopping(patience=50)], progress=False,
                        **fit_options)
    return model, history


def test_resume_after_a_crash_matches_an_uninterrupted_run_bit_for_bit(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    reference, reference_history = run(problem, 6)
    with pytest.raises(Interrupt):
        run(problem, 6, checkpoint=path, callbacks=[CrashAt(step=4 * 3 + 2)])
    resumed, history = run(problem, 6, checkpoint=path, resume=path)
    for name, value in reference.state_dict().items():
        np.testing.assert_array_equal(resumed.state_dict()[name], value, err_msg=name)
    assert history.history == reference_history.history
    assert history.step_losses == reference_history.step_losses
    assert os.listdir(tmp_path) == ["run.npz"]


def test_resuming_a_finished_run_does_not_train(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 5, callbacks=[MaxIterations(6)],
              checkpoint=path, progress=False)
    saved = model.state_dict()
    model, loss_fn, opt, train_loader, _ = problem()
    history = train.fit(model, loss_fn, opt, train_loader, 5, callbacks=[MaxIterations(6)],
                        resume=path, progress=False)
    assert len(history.step_losses) == 6 and history.stop_reason.startswith("MaxIterations")
    for name, value in saved.items():
        np.testing.assert_array_equal(model.state_dict()[name], value)


def test_checkpoint_refuses_a_model_of_another_shape(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    other = nn.Sequential(nn.Dense(4, 16), nn.Tanh(), nn.Dense(16, 2))
    untouched = other.state_dict()
    with pytest.raises(ValueError, match=r"layers\.0\.weight.*\(4, 16\).*\(4, 8\)"):
        train.fit(other, loss_fn, optim.SGD(other.parameters(), lr=0.1), train_loader, 2,
                  resume=path, progress=False)
    for name, value in untouched.items():
        np.testing.assert_array_equal(other.state_dict()[name], value)


def test_checkpoint_refuses_another_dtype(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    model, loss_fn, _, train_loader, _ = problem()
    model.to(np.float64)
    with pytest.raises(ValueError, match="float32.*float64"):
        train.fit(model, loss_fn, optim.SGD(model.parameters(), lr=0.1), train_loader, 2,
                  resume=path, progress=False)


def test_history_thins_per_step_series_to_every_stride_th_step():
    history = train.History(max_step_records=8)
    step = 0
    for epoch, steps_in_epoch in enumerate([5, 3, 7, 1, 6, 9, 2, 11]):
        for _ in range(steps_in_epoch):
            history.step_lrs.append(float(step) / 100)
            history.step_losses.append(float(step))
            step += 1
        history.record_epoch(epoch, {"loss": 0.0}, 0.0)
        stride = history.step_stride
        assert history.step_losses == [float(s) for s in range(0, step, stride)]
        assert history.step_lrs == [s / 100 for s in range(0, step, stride)]
        assert history.step_indices == list(range(0, step, stride))
        assert len(history.step_losses) <= 8
    assert history.step_stride == 8 and len(history.epoch) == 8


def test_long_run_keeps_bounded_step_series_and_resumes_bit_for_bit(problem, tmp_path):
    """3,072 steps (batch 1) exceed the bound of 2,048 per-step records: the series are
    thinned, in memory and in the checkpoint, and a run resumed in the middle still ends as
    an uninterrupted one."""
    def long_run(epochs, **options):
        model, loss_fn, opt, train_loader, _ = problem(batch_size=1)
        history = train.fit(model, loss_fn, opt, train_loader, epochs, progress=False, **options)
        return model, history

    path = str(tmp_path / "long.npz")
    reference, reference_history = long_run(48)
    long_run(25, checkpoint=path)
    saved = serialization.load(path)["history"]
    assert saved["step_losses"].size == saved["step_lrs"].size == 25 * 64
    resumed, history = long_run(48, checkpoint=path, resume=path)
    for name, value in reference.state_dict().items():
        np.testing.assert_array_equal(resumed.state_dict()[name], value, err_msg=name)
    assert history.history == reference_history.history
    assert history.step_losses == reference_history.step_losses
    assert history.step_stride == reference_history.step_stride == 2
    assert len(history.step_losses) == 48 * 64 // 2
    assert serialization.load(path)["history"]["step_losses"].size == 48 * 64 // 2
