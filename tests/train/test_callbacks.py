"""Stopping rules, alone (driven by hand-written logs) and inside fit, and their "or"."""
import time

import numpy as np
import pytest

from tinygrad_opt import train
from tinygrad_opt.train import (AnyOf, Callback, ConvergenceThreshold, EarlyStopping,
                                LearningRateScheduler, LossThreshold, MaxDuration,
                                MaxIterations, MetricThreshold)


class FakeState:
    """The part of TrainingState that epoch-level rules read."""

    def __init__(self, names=("loss", "val_loss", "accuracy", "val_accuracy")):
        self.log_names = names
        self.logs = {}
        self.epoch = -1
        self.stop_reason = None

    def request_stop(self, reason):
        self.stop_reason = self.stop_reason or reason


def first_stop(rule, name, values):
    """Feed ``values`` of ``name`` epoch by epoch; return the 0-based epoch that stopped."""
    state = FakeState()
    rule.on_train_begin(state)
    for epoch, value in enumerate(values):
        state.epoch, state.logs = epoch, {name: value}
        rule.on_epoch_end(state)
        if state.stop_reason:
            return epoch
    return None


def test_loss_threshold_stops_at_first_value_at_or_below():
    assert first_stop(LossThreshold(0.5), "loss", [0.9, 0.6, 0.5, 0.1]) == 2


def test_convergence_threshold_uses_moving_average_of_window():
    # means over window 2: (1+.5)/2=.75, (.5+.4)/2=.45, (.4+.38)/2=.39, (.38+.37)/2=.375
    # changes: .30, .06, .015 -> first <= 0.02 at epoch 4
    values = [1.0, 0.5, 0.4, 0.38, 0.37]
    assert first_stop(ConvergenceThreshold(0.02, window=2), "loss", values) == 4
    assert first_stop(ConvergenceThreshold(0.01, window=2), "loss", values) is None


def test_convergence_threshold_window_one_is_plain_difference():
    assert first_stop(ConvergenceThreshold(0.05, window=1), "loss", [1.0, 0.5, 0.46]) == 2


def test_metric_threshold_max_for_accuracy_and_min_for_errors():
    assert first_stop(MetricThreshold(0.9), "val_accuracy", [0.5, 0.89, 0.9]) == 2
    rule = MetricThreshold(0.1, monitor="val_loss", mode="min")
    assert first_stop(rule, "val_loss", [0.5, 0.2, 0.09]) == 2


def test_early_stopping_counts_epochs_without_improvement():
    values = [1.0, 0.9, 0.95, 0.96, 0.97]
    assert first_stop(EarlyStopping(patience=2), "val_loss", values) == 3
    assert first_stop(EarlyStopping(patience=0), "val_loss", values) == 2
    assert first_stop(EarlyStopping(patience=3), "val_loss", values) == 4


def test_early_stopping_min_delta_ignores_small_improvements():
    values = [1.0, 0.99, 0.98, 0.97]
    assert first_stop(EarlyStopping(patience=2, min_delta=0.05), "val_loss", values) == 2


def test_early_stopping_maximises_accuracy_in_auto_mode():
    rule = EarlyStopping(monitor="val_accuracy", patience=1)
    assert first_stop(rule, "val_accuracy", [0.5, 0.6, 0.6, 0.7]) == 2


def test_or_combines_rules_and_first_reason_wins():
    rule = LossThreshold(0.5) | ConvergenceThreshold(0.0, window=1) | EarlyStopping(
        monitor="loss", patience=5)
    assert isinstance(rule, AnyOf) and len(rule.callbacks) == 3
    state = FakeState()
    rule.on_train_begin(state)
    for epoch, value in enumerate([0.9, 0.8, 0.8]):
        state.epoch, state.logs = epoch, {"loss": value}
        rule.on_epoch_end(state)
    assert state.stop_reason.startswith("ConvergenceThreshold")
    with pytest.raises(TypeError):
        LossThreshold(1.0) | 3


def test_rule_monitoring_an_unlogged_value_fails_before_training(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(ValueError, match="val_loss.*val_loader"):
        train.fit(model, loss_fn, opt, train_loader, 2, callbacks=[EarlyStopping()],
                  progress=False)


def test_max_iterations_stops_mid_epoch_after_exact_step_count(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    history = train.fit(model, loss_fn, opt, train_loader, 10, callbacks=[MaxIterations(6)],
                        progress=False)
    assert len(history.step_losses) == 6
    assert history.epoch == [0, 1]  # 4 steps per epoch: stopped inside the second epoch
    assert history.stop_reason.startswith("MaxIterations")


class SlowSteps(Callback):
    def on_step_end(self, state):
        time.sleep(0.01)


def test_max_duration_stops_on_time(problem):
    model, loss_fn, opt, train_loader, _ = problem()
    started = time.perf_counter()
    history = train.fit(model, loss_fn, opt, train_loader, 1000,
                        callbacks=[SlowSteps(), MaxDuration(0.1)], progress=False)
    assert time.perf_counter() - started < 1.0
    assert 5 <= len(history.step_losses) <= 20
    assert history.stop_reason.startswith("MaxDuration")


def test_or_of_rules_inside_fit_stops_at_the_earliest(problem):
    model, loss_fn, opt, train_loader, val_loader = problem()
    rule = LossThreshold(-1.0) | MaxIterations(9) | MaxDuration(60)
    history = train.fit(model, loss_fn, opt, train_loader, 50, val_loader=val_loader,
                        callbacks=rule, progress=False)
    assert len(history.step_losses) == 9
    assert history.stop_reason.startswith("MaxIterations")


def test_early_stopping_in_fit_restores_best_weights(problem):
    model, loss_fn, opt, train_loader, val_loader = problem(lr=0.5)
    snapshots = []

    class Snapshot(Callback):
        def on_epoch_end(self, state):
            snapshots.append(state.model.state_dict())

    stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.01,
                            restore_best_weights=True)
    history = train.fit(model, loss_fn, opt, train_loader, 40, val_loader=val_loader,
                        callbacks=[Snapshot(), stopper], progress=False)
    val_losses = history.history["val_loss"]
    assert history.stop_reason.startswith("EarlyStopping") and len(val_losses) < 40
    best, best_value = 0, val_losses[0]
    for epoch, value in enumerate(val_losses):
        if value < best_value - 0.01:
            best, best_value = epoch, value
    assert stopper.best_epoch == best < len(val_losses) - 2
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, snapshots[best][name])


def test_learning_rate_scheduler_sets_rate_each_epoch(problem):
    model, loss_fn, opt, train_loader, _ = problem(lr=0.1)
    schedule = LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = train.fit(model, loss_fn, opt, train_loader, 3, callbacks=[schedule],
                        progress=False)
    assert history.history["lr"] == [0.1, 0.05, 0.1 / 3]
    with pytest.raises(ValueError, match="finite"):
        train.fit(model, loss_fn, opt, train_loader, 1, progress=False,
                  callbacks=[LearningRateScheduler(lambda epoch, lr: float("nan"))])
