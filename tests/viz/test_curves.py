"""plot_history, plot_histories and plot_lr_find draw the recorded numbers."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import viz

RECORDS = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.8], "lr": [0.1, 0.05, 0.005],
           "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.45, 0.7, 0.72]}


def _line(axes, label):
    return next(line for line in axes.lines if line.get_label() == label)


def test_history_dict_gives_loss_and_accuracy_panels_train_vs_validation(tmp_path):
    figure = viz.plot_history(RECORDS, path=tmp_path / "h.png")
    loss_axes, accuracy_axes, lr_axes = figure.axes
    np.testing.assert_array_equal(_line(loss_axes, "train loss").get_ydata(), RECORDS["loss"])
    np.testing.assert_array_equal(_line(loss_axes, "validation loss").get_ydata(),
                                  RECORDS["val_loss"])
    np.testing.assert_array_equal(_line(accuracy_axes, "validation accuracy").get_ydata(),
                                  RECORDS["val_accuracy"])
    lr_line = lr_axes.lines[0]  # epoch k's rate over (k - 1, k], not a slope between epochs
    assert lr_line.get_drawstyle() == "steps-pre"
    np.testing.assert_array_equal(lr_line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(lr_line.get_ydata(), [0.1] + RECORDS["lr"])
    assert lr_axes.get_yscale() == "log"  # the rate spans a decade
    legend = [t.get_text() for t in loss_axes.get_legend().get_texts()]
    assert legend == ["train loss", "validation loss", "learning rate"]
    assert (tmp_path / "h.png").exists()


def test_a_constant_learning_rate_is_named_with_its_value_and_one_tick():
    records = {**RECORDS, "lr": [0.02, 0.02, 0.02]}
    figure = viz.plot_history(records)
    loss_axes, _, lr_axes = figure.axes
    legend = [t.get_text() for t in loss_axes.get_legend().get_texts()]
    assert legend[-1] == "learning rate 0.02 (constant)"
    np.testing.assert_array_equal(lr_axes.get_yticks(), [0.02])


def test_history_from_fit_also_draws_the_per_step_loss():
    tg.manual_seed(0)
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(np.int64)
    model = tg.nn.Sequential(tg.nn.Dense(3, 2))
    history = tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), 0.1),
                           tg.data.DataLoader(X, y, batch_size=10), 2, progress=False)
    loss_axes = viz.plot_history(history).axes[0]
    steps = _line(loss_axes, "train loss per step")
    np.testing.assert_allclose(steps.get_ydata(), history.step_losses)
    assert steps.get_xdata()[-1] == pytest.approx(2.0)


def test_histories_overlay_one_line_per_run():
    figure = viz.plot_histories({"a": RECORDS, "b": {"loss": [2.0, 1.0]}}, key="loss")
    axes = figure.axes[0]
    assert [line.get_label() for line in axes.lines] == ["a", "b"]
    assert axes.get_yscale() == "log"


def test_lr_find_plot_marks_suggestion_and_minimum():
    lrs = np.logspace(-5, 0, 30)
    losses = 2.0 - np.tanh(np.log10(lrs) + 3) + np.where(lrs > 0.3, 10 * lrs, 0)
    figure = viz.plot_lr_find(lrs, losses, suggestion=1e-3)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    suggested = next(line for line in axes.lines if line.get_label().startswith("suggested"))
    assert suggested.get_xdata()[0] == pytest.approx(lrs[np.argmin(np.abs(np.log(lrs / 1e-3)))])
    minimum = next(line for line in axes.lines if line.get_label().startswith("minimum"))
    assert minimum.get_ydata()[0] == pytest.approx(losses.min())


def test_per_step_series_sit_at_their_step_also_once_thinned():
    history = tg.train.History(max_step_records=4)
    for epoch in range(3):  # 5 steps per epoch at lr 0.1, 0.1, 0.01
        history.step_losses += [1.0] * 5
        history.step_lrs += [0.1 if epoch < 2 else 0.01] * 5
        history.record_epoch(epoch, {"loss": 1.0, "lr": history.step_lrs[-1]}, 0.0)
    assert history.step_stride == 4 and history.step_indices == [0, 4, 8, 12]
    figure = viz.plot_history(history)
    x = (np.array([0, 4, 8, 12]) + 1) * 3 / 15  # step i ends at epoch (i + 1) / 5
    np.testing.assert_allclose(_line(figure.axes[0], "train loss per step").get_xdata(), x)
    lr_line = figure.axes[1].lines[0]
    np.testing.assert_allclose(lr_line.get_xdata(), x)
    np.testing.assert_array_equal(lr_line.get_ydata(), [0.1, 0.1, 0.1, 0.01])


def test_histories_draw_the_lr_as_a_staircase():
    axes = viz.plot_histories({"step": {"lr": [0.1, 0.1, 0.03]}}, key="lr").axes[0]
    line = axes.lines[0]
    assert line.get_drawstyle() == "steps-pre"
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [0.1, 0.1, 0.1, 0.03])
