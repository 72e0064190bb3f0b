"""plot_sweep draws the mean over seeds with the min-max band; save_sweep_figures writes one
picture per numeric option that varies."""
import math

import numpy as np

from tinygrad_opt import viz
from tinygrad_opt.train.sweep import RESULTS


def _row(optimizer, lr, seed, val_loss, batch_size=32, status="ok"):
    row = {"optimizer": optimizer, "lr": lr, "batch_size": batch_size, "seed": seed}
    row.update({name: math.nan for name in RESULTS})
    row.update(status=status, val_loss=val_loss if status == "ok" else math.nan)
    return row


ROWS = [_row("sgd", 0.01, 0, 1.0), _row("sgd", 0.01, 1, 2.0), _row("sgd", 0.1, 0, 0.3),
        _row("sgd", 0.1, 1, 0.5), _row("sgd", 1.0, 0, None, status="diverged"),
        _row("sgd", 1.0, 1, None, status="diverged"),
        _row("adam", 0.01, 0, 0.2), _row("adam", 0.01, 1, 0.2), _row("adam", 0.1, 0, 0.9),
        _row("adam", 0.1, 1, 1.1), _row("adam", 1.0, 0, 3.0), _row("adam", 1.0, 1, 5.0)]


def _line(axes, prefix):
    return next(line for line in axes.lines if line.get_label().startswith(prefix))


def test_one_line_per_optimizer_through_the_mean_over_seeds():
    axes = viz.plot_sweep(ROWS, "lr").axes[0]
    sgd, adam = _line(axes, "sgd (mean of 2 seeds)"), _line(axes, "adam (mean of 2 seeds)")
    np.testing.assert_allclose(sgd.get_xdata(), [0.01, 0.1])  # lr=1 diverged for both seeds
    np.testing.assert_allclose(sgd.get_ydata(), [1.5, 0.4])
    np.testing.assert_allclose(adam.get_ydata(), [0.2, 1.0, 4.0])
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"


def test_band_spans_the_best_to_the_worst_seed():
    axes = viz.plot_sweep(ROWS, "lr").axes[0]
    sgd_band = axes.collections[0].get_paths()[0].vertices
    assert np.isclose(sgd_band[:, 1].min(), 0.3) and np.isclose(sgd_band[:, 1].max(), 2.0)


def test_diverged_trials_are_crosses_on_the_top_edge():
    axes = viz.plot_sweep(ROWS, "lr").axes[0]
    crosses = [line for line in axes.lines if line.get_marker() == "x" and len(line.get_xdata())]
    assert len(crosses) == 1 and list(crosses[0].get_xdata()) == [1.0, 1.0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "diverged or failed (any seed)" in labels


def test_other_swept_options_split_the_lines():
    rows = ROWS + [_row("sgd", 0.1, seed, 0.25, batch_size=128) for seed in (0, 1)]
    labels = [line.get_label() for line in viz.plot_sweep(rows, "lr").axes[0].lines]
    assert "sgd batch_size=128 (mean of 2 seeds)" in labels
    assert "sgd batch_size=32 (mean of 2 seeds)" in labels


def test_save_sweep_figures_draws_each_numeric_option_that_varies(tmp_path):
    paths = viz.save_sweep_figures(ROWS, tmp_path)
    assert [path.name for path in paths] == ["val_loss_vs_lr.png"]  # batch_size is fixed
    assert paths[0].stat().st_size > 1000
    rows = ROWS + [_row("sgd", 0.1, seed, 0.25, batch_size=128) for seed in (0, 1)]
    names = [path.name for path in viz.save_sweep_figures(rows, tmp_path)]
    assert names == ["val_loss_vs_lr.png", "val_loss_vs_batch_size.png"]


def test_a_mean_above_the_clipped_loss_axis_is_marked_with_its_value():
    rows = ROWS + [_row("rmsprop", lr, seed, value) for lr, value in ((0.01, 0.5), (1.0, 900.0))
                   for seed in (0, 1)]
    axes = viz.plot_sweep(rows, "lr").axes[0]
    assert axes.get_ylim()[1] == 100 * 0.2  # the axis stops at 100x the lowest mean
    marks = [line for line in axes.lines if line.get_marker() == "^" and len(line.get_xdata())]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [1.0]
    assert [text.get_text() for text in axes.texts] == ["900"]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "mean above the axis (value written)" in labels
