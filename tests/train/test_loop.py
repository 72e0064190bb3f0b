"""fit: History contents, train/eval modes, dtypes, scheduler stepping, divergence guard."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, optim, train
from tinygrad_opt.data import DataLoader
from tinygrad_opt.optim import lr_scheduler
from tinygrad_opt.train import MaxIterations, TrainingDiverged


def test_history_records_every_epoch_and_step(problem):
    model, loss_fn, opt, train_loader, val_loader = problem()
    history = train.fit(model, loss_fn, opt, train_loader, 3, val_loader=val_loader,
                        progress=False)
    assert set(history.history) == {"loss", "lr", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 3 for values in history.history.values())
    assert history.epoch == [0, 1, 2] and len(history.epoch_seconds) == 3
    assert len(history.step_losses) == 3 * len(train_loader) == len(history.step_lrs)
    # 64 samples in 4 equal batches: the epoch loss is the mean of its step losses.
    np.testing.assert_allclose(history.history["loss"],
                               np.mean(np.reshape(history.step_losses, (3, 4)), axis=1))
    assert history.history["lr"] == [0.05] * 3
    assert history.history["val_accuracy"][-1] >= 0.9
    final = train.evaluate(model, loss_fn, val_loader)
    assert final["loss"] == pytest.approx(history.history["val_loss"][-1])


def test_metrics_can_be_functions_or_none(problem):
    model, loss_fn, opt, train_loader, _ = problem()

    def error_rate(outputs, targets):
        return 1.0 - train.accuracy(outputs, targets)

    history = train.fit(model, loss_fn, opt, train_loader, 2, metrics=[error_rate],
                        progress=False)
    assert set(history.history) == {"loss", "lr", "error_rate"}
    assert set(train.fit(model, loss_fn, opt, train_loader, 1, metrics=(),
                         progress=False).history) == {"loss", "lr"}
    with pytest.raises(ValueError, match="unknown metric"):
        train.fit(model, loss_fn, opt, train_loader, 1, metrics=["f1"], progress=False)


class ModeRecorder(nn.Module):
    """Identity that records (training flag, grad mode) at every call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, tg.is_grad_enabled()))
        return x


def test_training_in_train_mode_and_validation_in_eval_mode_without_graph(problem):
    model, loss_fn, opt, train_loader, val_loader = problem()
    recorder = ModeRecorder()
    wrapped = nn.Sequential(recorder, model)
    wrapped.eval()
    train.fit(wrapped, loss_fn, opt, train_loader, 1, val_loader=val_loader, progress=False)
    assert recorder.calls == [(True, True)] * 4 + [(False, False)] * 1


def test_inputs_follow_a_float64_model():
    tg.manual_seed(0)
    model = nn.Dense(3, 1).to(np.float64)
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]])
    seen = []

    def loss_fn(outputs, targets):
        seen.append((outputs.dtype, targets.dtype))
        return nn.functional.mse_loss(outputs, targets)

    opt = optim.SGD(model.parameters(), lr=0.1)
    history = train.fit(model, loss_fn, opt, DataLoader(X, y, batch_size=20), 30, metrics=(),
                        progress=False)
    assert seen[0] == (np.float64, np.float64)
    assert history.history["loss"][-1] < 1e-2 * history.history["loss"][0]


def test_epoch_scheduler_steps_once_per_epoch(problem):
    model, loss_fn, opt, train_loader, _ = problem(lr=0.1)
    scheduler = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = train.fit(model, loss_fn, opt, train_loader, 3, scheduler=scheduler,
                        progress=False)
    assert history.history["lr"] == [0.1, 0.05, 0.025]
    assert history.step_lrs == [0.1] * 4 + [0.05] * 4 + [0.025] * 4


def test_one_cycle_steps_every_batch(problem):
    model, loss_fn, opt, train_loader, _ = problem(lr=0.1)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=8)
    history = train.fit(model, loss_fn, opt, train_loader, 2, scheduler=scheduler,
                        progress=False)
    assert len(set(history.step_lrs)) == 8
    assert history.step_lrs[0] == pytest.approx(0.1 / 25)  # OneCycleLR's div_factor


def test_plateau_scheduler_gets_the_validation_loss(problem, monkeypatch):
    model, loss_fn, opt, train_loader, val_loader = problem()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    metrics = []
    original = scheduler.step
    monkeypatch.setattr(scheduler, "step", lambda metric: (metrics.append(metric),
                                                           original(metric)))
    history = train.fit(model, loss_fn, opt, train_loader, 2, val_loader=val_loader,
                        scheduler=scheduler, progress=False)
    assert metrics == history.history["val_loss"]


def weights(model):
    return {name: value.copy() for name, value in model.state_dict().items()}


def regression(lr):
    """Seeded least squares with SGD: diverges geometrically when lr is too large."""
    tg.manual_seed(1)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    y = (X @ rng.normal(size=(4, 1))).astype(np.float32)
    model = nn.Sequential(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 1))
    opt = optim.SGD(model.parameters(), lr=lr)
    return model, nn.MSELoss(), opt, DataLoader(X, y, batch_size=16), None


def test_huge_learning_rate_raises_and_keeps_last_good_weights():
    model, loss_fn, opt, train_loader, _ = regression(lr=5.0)
    with pytest.raises(TrainingDiverged) as caught:
        train.fit(model, loss_fn, opt, train_loader, 50, metrics=(), progress=False)
    error = caught.value
    assert f"step {error.step}" in str(error) and "lr=5" in str(error)
    assert "epoch" in str(error) and error.restored_step == error.step - 2
    diverged = weights(model)
    assert all(np.isfinite(value).all() for value in diverged.values())
    # Replaying the same seeded run for exactly restored_step steps gives the same weights.
    assert error.step > 3
    model, loss_fn, opt, train_loader, _ = regression(lr=5.0)
    train.fit(model, loss_fn, opt, train_loader, 50, metrics=(), progress=False,
              callbacks=[MaxIterations(error.restored_step)])
    for name, value in weights(model).items():
        np.testing.assert_array_equal(diverged[name], value)


class NaNGradient(tg.nn.Module):
    """Identity forward; at the chosen call its backward gives ``scale`` an infinite gradient
    (``d sqrt(u)/du`` at ``u = 0``) while the output, and so the loss, stays finite."""

    def __init__(self, bad_call):
        super().__init__()
        self.calls = 0
        self.bad_call = bad_call
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))

    def forward(self, x):
        self.calls += 1
        if self.calls != self.bad_call:
            return x * self.scale
        return x * self.scale + (self.scale - self.scale.data).sqrt()


def test_nan_gradient_is_caught_before_the_step(problem):
    model, loss_fn, opt_unused, train_loader, _ = problem()
    poisoned = NaNGradient(bad_call=3)
    wrapped = nn.Sequential(poisoned, model)
    opt = optim.SGD(wrapped.parameters(), lr=0.05)
    before_third = {}

    class Record(train.Callback):
        def on_step_end(self, state):
            if state.step == 1:
                before_third.update(weights(wrapped))

    with pytest.raises(TrainingDiverged, match="gradient of layers.0.scale") as caught:
        train.fit(wrapped, loss_fn, opt, train_loader, 1, callbacks=[Record()],
                  progress=False)
    assert caught.value.step == 3
    for name, value in weights(wrapped).items():
        np.testing.assert_array_equal(value, before_third[name])


def test_bad_epochs_is_rejected(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(ValueError, match="epochs"):
        train.fit(model, loss_fn, opt, train_loader, -1, progress=False)


def test_nan_in_the_data_is_named_instead_of_blaming_the_learning_rate():
    import tinygrad_opt as tg
    X = np.random.default_rng(0).normal(size=(64, 4))
    X[40, 2] = np.nan
    y = np.arange(64) % 2
    tg.manual_seed(0)
    model = tg.nn.Dense(4, 2)
    with pytest.raises(tg.train.TrainingDiverged, match="inputs hold 1 NaN") as raised:
        tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1),
                     tg.data.DataLoader(X, y, batch_size=8, shuffle=False), epochs=1,
                     progress=False)
    assert "smaller learning rate" not in str(raised.value)
    assert all(np.isfinite(p.data).all() for p in model.parameters())


def _batchnorm_run(X, batch_size=16):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1d(4), nn.Dense(4, 2))
    loader = DataLoader(X, np.zeros(len(X), int), batch_size=batch_size, shuffle=False)
    with pytest.raises(train.TrainingDiverged) as raised:
        train.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
                  2, progress=False)
    return model.layers[1], raised.value


def test_divergence_restores_batchnorm_statistics_of_the_same_step_as_the_weights():
    X = np.random.default_rng(0).normal(size=(48, 3)).astype(np.float32)
    X[16:32] = np.nan
    norm, error = _batchnorm_run(X)
    assert error.restored_step == 0
    assert int(norm.num_batches_tracked) == 0
    np.testing.assert_array_equal(norm.running_mean, np.zeros(4))
    np.testing.assert_array_equal(norm.running_var, np.ones(4))


def test_running_statistics_that_overflow_count_as_divergence():
    X = np.random.default_rng(0).normal(size=(48, 3)).astype(np.float32)
    X[16:32] *= 1e20
    norm, error = _batchnorm_run(X)
    assert "running_var" in str(error) and error.step == 2
    assert np.isfinite(norm.running_var).all() and np.isfinite(norm.running_mean).all()


def test_a_metric_name_alone_and_callbacks_none_are_accepted(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    history = train.fit(model, loss_fn, opt, train_loader, 1, metrics="accuracy",
                        callbacks=None, progress=False)
    assert set(history.history) == {"loss", "lr", "accuracy"}


def test_scheduler_of_another_optimizer_is_refused_before_training(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    other = optim.SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    with pytest.raises(ValueError, match="another optimizer"):
        train.fit(model, loss_fn, opt, train_loader, 1,
                  scheduler=lr_scheduler.StepLR(other, 1), progress=False)
    for name, value in before.items():
        np.testing.assert_array_equal(model.state_dict()[name], value)


def test_batch_of_ignored_labels_is_named_instead_of_blaming_the_learning_rate():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(3, 2))
    labels = np.array([0, 1, 0, 1, -100, -100, -100, -100])
    loader = DataLoader(np.ones((8, 3)), labels, batch_size=4, shuffle=False)
    with pytest.raises(TrainingDiverged) as raised:
        train.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
                  1, progress=False)
    assert "every label in the batch equals ignore_index (-100)" in str(raised.value)
    assert "smaller learning rate" not in str(raised.value)


class NaNLossAt:
    """Mean squared error, but NaN at the chosen call."""

    def __init__(self, bad_call):
        self.calls, self.bad_call = 0, bad_call

    def __call__(self, outputs, targets):
        self.calls += 1
        loss = nn.MSELoss()(outputs, targets)
        return loss * float("nan") if self.calls == self.bad_call else loss


def test_divergence_restores_the_optimizer_state_of_the_same_step_as_the_weights():
    """After TrainingDiverged the moments and step counts belong to the restored weights, so
    training on from there is the run replayed for ``restored_step`` steps."""
    model, _, _, loader, _ = regression(lr=0.01)
    opt = optim.Adam(model.parameters(), lr=0.01)
    with pytest.raises(TrainingDiverged) as caught:
        train.fit(model, NaNLossAt(7), opt, loader, 3, metrics=(), progress=False)
    assert caught.value.step == 7 and caught.value.restored_step == 5
    replay, loss_fn, _, loader, _ = regression(lr=0.01)
    replay_opt = optim.Adam(replay.parameters(), lr=0.01)
    train.fit(replay, loss_fn, replay_opt, loader, 3, metrics=(), progress=False,
              callbacks=[MaxIterations(5)])
    kept, expected = opt.state_dict()["state"], replay_opt.state_dict()["state"]
    assert kept.keys() == expected.keys()
    for index, entry in expected.items():
        assert kept[index]["step"] == entry["step"] == 5
        for name in ("exp_avg", "exp_avg_sq"):
            np.testing.assert_array_equal(kept[index][name], entry[name])
    for name, value in weights(replay).items():
        np.testing.assert_array_equal(weights(model)[name], value)
