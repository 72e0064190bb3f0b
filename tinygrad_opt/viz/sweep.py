"""Sweep pictures: a final metric against each numeric option of a sweep, one line per
optimizer, the mean over seeds with the band from the best to the worst seed.

A learning-rate sweep draws a valley: too small a rate has not learned yet, too large a
one bounces or diverges. The width of the valley is how forgiving the optimizer is, and
the band over seeds says which differences are real.
"""
import math
import pathlib

import numpy as np

from ..train.sweep import RESULTS
from ._figure import PALETTE, finish, new_figure

NUMERIC_OPTIONS = ("lr", "batch_size", "max_epochs", "dropout", "momentum", "weight_decay",
                   "patience")
"""Columns of results.csv that hold numbers, drawn on the x axis when they vary."""


def _values(rows, column):
    return {row[column] for row in rows if row.get(column) is not None}


def swept_numeric_options(rows):
    """The numeric options that take more than one value in ``rows``."""
    return [name for name in NUMERIC_OPTIONS if rows and name in rows[0]
            and len(_values(rows, name)) > 1]


def _other_swept(rows, option, by):
    """Option columns (not ``option``, ``by`` or the seed) with more than one value: each
    of their combinations is a line of its own."""
    options = [name for name in rows[0] if name not in RESULTS and name not in
               ("seed", option, by)]
    return [name for name in options if len({_hashable(row[name]) for row in rows}) > 1]


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _groups(rows, option, metric, by):
    """``{line label: {x: [metric of each ok seed]}}`` and ``{line label: [failed x]}``."""
    others = _other_swept(rows, option, by)
    lines, failures = {}, {}
    for row in rows:
        label = " ".join([str(row.get(by, ""))] + [f"{name}={row[name]}" for name in others])
        points = lines.setdefault(label, {})
        points.setdefault(row[option], [])
        value = row[metric]
        if row["status"] == "ok" and value is not None and math.isfinite(value):
            points[row[option]].append(value)
        else:
            failures.setdefault(label, []).append(row[option])
    return lines, failures


def plot_sweep(rows, option="lr", metric="val_loss", by="optimizer", log_x=None, log_y=None,
               title=None, axes=None, path=None):
    """A final metric against one option: per line, the mean over seeds and a band from the
    smallest to the largest seed's value; diverged or failed trials as crosses on the top
    edge.

    Args:
        rows: results of ``tg.train.sweep`` or ``tg.train.read_results``.
        option: the x axis (a numeric column, e.g. ``"lr"`` or ``"batch_size"``).
        metric: the y axis (``"val_loss"``, ``"val_accuracy"``, ``"test_loss"``, ...).
        by: one line per value of this column; other options that vary split lines further.
        log_x: logarithmic x axis; default for ``lr`` and ``batch_size``, and for positive
            values spanning 10x or more.
        log_y: logarithmic y axis; default for losses. The axis stops at 100 times the
            smallest mean loss, so one exploded run does not flatten the valleys.
        title: axes title.
        axes: draw into these matplotlib axes (a panel of a larger figure) instead of a new
            figure.
        path: save the figure there.

    Returns:
        The Figure.
    """
    lines, failures = _groups(rows, option, metric, by)
    xs = sorted(_values(rows, option))
    if log_x is None:
        log_x = option in ("lr", "batch_size") or (xs[0] > 0 and xs[-1] >= 10 * xs[0])
    log_y = metric.endswith("loss") if log_y is None else log_y
    if axes is None:
        figure, axes = new_figure(6.5 if len(lines) <= 6 else 9.0, 4.2)
    else:
        figure = axes.figure
    lowest, drawn = math.inf, []
    for colour, (label, points) in zip(PALETTE * 4, lines.items()):
        measured = sorted(x for x, values in points.items() if values)
        seeds = max((len(points[x]) for x in measured), default=0)
        means = [float(np.mean(points[x])) for x in measured]
        if measured:
            axes.plot(measured, means, "o-", color=colour,
                      label=f"{label} (mean of {seeds} seeds)")
        axes.fill_between(measured, [min(points[x]) for x in measured],
                          [max(points[x]) for x in measured], color=colour, alpha=0.2,
                          linewidth=0)
        lowest = min([lowest, *means])
        drawn.append((colour, measured, means))
        if label in failures:
            axes.plot(failures[label], [0.97] * len(failures[label]), "x", color=colour,
                      markersize=8, transform=axes.get_xaxis_transform(), clip_on=False)
    if any(failures.values()):
        axes.plot([], [], "x", color="grey", label="diverged or failed (any seed)")
    axes.set_xscale("log" if log_x else "linear")
    axes.set_yscale("log" if log_y else "linear")
    if log_y and metric.endswith("loss") and math.isfinite(lowest) and lowest > 0:
        axes.set_ylim(top=min(axes.get_ylim()[1], 100 * lowest))
        _mark_above(axes, drawn)
    axes.grid(True, which="major", alpha=0.3)
    if len(lines) > 6:
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        axes.legend(fontsize=8, loc="best")
    if log_x and option != "lr":  # batch sizes read better as 16, 64, 256 than as 10^k
        axes.set_xticks(xs, [f"{x:g}" for x in xs], minor=False)
        axes.set_xticks([], minor=True)
    axes.set_xlabel(option + (" (log scale)" if log_x else ""))
    axes.set_ylabel(f"final {metric} (band: min–max over seeds)")
    axes.set_title(title or f"{metric} against {option}")
    return finish(figure, path)


def _mark_above(axes, drawn):
    """A mean above the clipped loss axis as a triangle on the top edge with its value
    written beside it: the line ran off the picture with nothing saying where it went."""
    top = axes.get_ylim()[1]
    above = [(colour, x, mean) for colour, measured, means in drawn
             for x, mean in zip(measured, means) if mean > top]
    for colour, x, mean in above:
        axes.plot([x], [0.93], "^", color=colour, markersize=7, clip_on=False,
                  transform=axes.get_xaxis_transform())
        axes.annotate(f"{mean:.3g}", (x, 0.93), xycoords=axes.get_xaxis_transform(),
                      xytext=(5, -3), textcoords="offset points", fontsize=7, color=colour)
    if above:
        axes.plot([], [], "^", color="grey", label="mean above the axis (value written)")


def save_sweep_figures(rows, out, metric="val_loss"):
    """``<metric>_vs_<option>.png`` in ``out`` for every numeric option that varies.

    Returns:
        The paths written (none when no numeric option varies).
    """
    import matplotlib.pyplot as plt

    paths = []
    for option in swept_numeric_options(rows):
        path = pathlib.Path(out) / f"{metric}_vs_{option}.png"
        plt.close(plot_sweep(rows, option, metric, path=path))
        paths.append(path)
    return paths
