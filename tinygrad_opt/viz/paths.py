"""Optimizer races: the real optimizers, from one start, on a 2-D test surface.

Each optimizer gets a single float64 Parameter p = (x, y) and repeats
``zero_grad(); f(p).backward(); step()``, exactly as in training; the visited points are its
path. Drawn over log-spaced contours, the paths show what the update rules do: momentum
overshooting and smoothing, per-coordinate scaling escaping a saddle, plain gradient descent
zig-zagging across an ill-conditioned valley.
"""
import importlib.util

import numpy as np

from .. import objectives
from ..nn import Parameter
from ._figure import PALETTE, finish, log_levels, new_figure


def _make_optimizer(spec, params):
    """An optimizer from ``factory(params)`` or ``(OptimizerClass, kwargs)``."""
    if isinstance(spec, tuple):
        optimizer_class, options = spec
        return optimizer_class(params, **options)
    return spec(params)


def optimizer_path(spec, surface, steps, start=None):
    """The points one optimizer visits on ``surface``: an array of shape (k + 1, 2).

    Args:
        spec: ``factory(params) -> optimizer`` or ``(OptimizerClass, kwargs)``.
        surface: an ``objectives.Objective`` or its name.
        steps: number of optimizer steps.
        start: (x, y); defaults to the surface's ``start``.

    Returns:
        The start followed by the point after each step: k = steps, or fewer when the
        iterate left the plotting domain widened by half its size on each side (diverged,
        or ran down the saddle); the first point outside is kept so the exit shows.
    """
    surface = objectives.get(surface)
    point = Parameter(np.asarray(surface.start if start is None else start, dtype=np.float64))
    optimizer = _make_optimizer(spec, [point])
    low, high = np.array([surface.xlim, surface.ylim], dtype=float).T
    margin = (high - low) / 2
    visited = [point.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        surface(point).backward()
        optimizer.step()
        if not np.all(np.isfinite(point.data)):
            break
        visited.append(point.data.copy())
        if np.any(point.data < low - margin) or np.any(point.data > high + margin):
            break
    return np.array(visited)


def race(optimizers, surface, steps, start=None):
    """Run every optimizer from the same start on ``surface`` and return their paths.

    Args:
        optimizers: mapping name -> ``factory(params)`` or ``(OptimizerClass, kwargs)``, e.g.
            ``{"SGD": (tg.optim.SGD, {"lr": 1e-3}), "Adam": lambda p: tg.optim.Adam(p, 0.1)}``.
        surface: an ``objectives.Objective`` or its name (``"rosenbrock"``).
        steps: optimizer steps per run.
        start: common start (x, y); defaults to the surface's ``start``.

    Returns:
        dict name -> array of shape (k + 1, 2) of visited points (see ``optimizer_path``).
    """
    return {name: optimizer_path(spec, surface, steps, start)
            for name, spec in optimizers.items()}


def _draw_surface(axes, surface, resolution=300, lines=True):
    """Filled log-spaced contours of ``surface`` over its domain, with its minima and saddles.

    ``lines=False`` leaves out the contour lines (the shaded bands remain), which keeps
    figures with many small panels light.
    """
    from matplotlib.colors import BoundaryNorm

    X, Y, Z = surface.grid(resolution)
    levels = log_levels(Z, 25 if lines else 16)
    # one evenly spaced shade per band, whatever the spacing of the levels
    axes.contourf(X, Y, Z, levels=levels, cmap="Greys_r", alpha=0.45 if lines else 0.6,
                  extend="both", norm=BoundaryNorm(levels, 256, extend="both"))
    if lines:
        axes.contour(X, Y, Z, levels=levels, colors="grey", linewidths=0.5, alpha=0.8)
    if surface.minima:
        xs, ys = zip(*surface.minima)
        axes.plot(xs, ys, "*", color="gold", markersize=16, markeredgecolor="black",
                  linestyle="none", label="minimum", zorder=4)
    if surface.saddle_points:
        xs, ys = zip(*surface.saddle_points)
        axes.plot(xs, ys, "X", color="white", markersize=11, markeredgecolor="black",
                  linestyle="none", label="saddle point", zorder=4)
    axes.set_xlim(surface.xlim)
    axes.set_ylim(surface.ylim)
    axes.set_xlabel("x")
    axes.set_ylabel("y")


def _left_domain(points, surface):
    """True when the path ends outside the plotting domain widened by half its size on each
    side: ``optimizer_path`` stopped it there (diverged, or ran down a saddle)."""
    low, high = np.array([surface.xlim, surface.ylim], dtype=float).T
    margin = (high - low) / 2
    return bool(np.any(points[-1] < low - margin) or np.any(points[-1] > high + margin))


def _draw_losses(axes, paths, surface, colours):
    """f along each path against the step; f - f* on a log axis when f* is known. A path
    stopped because it left the domain says so in the legend, with its step count."""
    for (name, points), colour in zip(paths.items(), colours):
        values = surface.value(points[:, 0], points[:, 1])
        if surface.minimum_value is not None:
            values = np.maximum(values - surface.minimum_value, 1e-16)
        if _left_domain(points, surface):
            name = f"{name} (left the domain at step {len(points) - 1})"
        axes.plot(np.arange(len(values)), values, color=colour, label=name)
    if surface.minimum_value is not None:
        axes.set_yscale("log")
        axes.set_ylabel("f(x, y) − f*")
    else:
        axes.set_ylabel("f(x, y)")
    axes.set_xlabel("step")
    axes.set_title("Objective along each path")
    axes.grid(True, alpha=0.3)


def _default_title(paths, surface):
    steps = max(len(points) for points in paths.values()) - 1
    x, y = next(iter(paths.values()))[0]
    return f"{surface.name.capitalize()}: {steps} steps from ({x:g}, {y:g})"


def plot_race(paths, surface, title=None, path=None, gif=None):
    """Draw optimizer paths over the surface's contours, and f along each path.

    Args:
        paths: what ``race`` returned (name -> (k + 1, 2) points).
        surface: the ``Objective`` (or name) the paths were run on.
        title: figure title; defaults to the surface's formula.
        path: save the figure there.
        gif: also write an animation of the race to this path, when Pillow is installed
            (skipped otherwise; see ``animate_race``).

    Returns:
        A Figure. Left: contours at log-spaced levels of f - min f, the minima as gold
        stars (saddle points as white crosses), each path from its start (circle) with a
        marker at its end. Right: f - f* (log scale) against the step.
    """
    surface = objectives.get(surface)
    colours = PALETTE
    figure, (contours, losses) = new_figure(12.0, 5.0, ncols=2, width_ratios=[1.15, 1])
    _draw_surface(contours, surface)
    for (name, points), colour in zip(paths.items(), colours):
        dots = "." if len(points) <= 200 else None  # one dot per step while they can be seen
        contours.plot(points[:, 0], points[:, 1], "-", color=colour, linewidth=1.6,
                      marker=dots, markersize=3, label=name, zorder=3)
        contours.plot(*points[-1], "o", color=colour, markeredgecolor="black", zorder=5)
    start = next(iter(paths.values()))[0]
    marker = contours.plot(*start, "o", color="white", markeredgecolor="black", markersize=9,
                           label="start", zorder=5)
    handles = [h for h in contours.get_legend_handles_labels()[0] if h.get_label() in
               ("minimum", "saddle point")]
    contours.legend(handles=marker + handles, loc="best", fontsize=8, framealpha=0.9)
    contours.set_title(surface.formula)
    _draw_losses(losses, paths, surface, colours)
    losses.legend(fontsize=8, loc="best")
    figure.suptitle(title or _default_title(paths, surface))
    if gif is not None:
        animate_race(paths, surface, gif)
    return finish(figure, path)


def plot_race_grid(paths, surface, columns=5, title=None, path=None):
    """One small panel per optimizer (same contours, same scale): for many optimizers.

    Args:
        paths: what ``race`` returned.
        surface: the ``Objective`` (or name) the paths were run on.
        columns: panels per row.
        title: figure title; defaults to the surface and the number of steps.
        path: save the figure there.

    Returns:
        A Figure with one axes per optimizer, titled with its name and final f, plus the
        start (white circle), the end (coloured circle) and the minima (gold stars).
    """
    surface = objectives.get(surface)
    colours = PALETTE
    rows = -(-len(paths) // columns)
    figure, grid = new_figure(2.9 * columns, 2.6 * rows + 0.4, nrows=rows, ncols=columns,
                              sharex=True, sharey=True, squeeze=False)
    for axes, (name, points), colour in zip(grid.flat, paths.items(), colours):
        _draw_surface(axes, surface, resolution=150, lines=False)
        axes.plot(points[:, 0], points[:, 1], "-", color=colour, linewidth=1.6, zorder=3)
        axes.plot(*points[0], "o", color="white", markeredgecolor="black", zorder=5)
        axes.plot(*points[-1], "o", color=colour, markeredgecolor="black", zorder=5)
        final = surface.value(*points[-1])
        axes.set_title(f"{name}: f = {final:.3g} ({len(points) - 1} steps)", fontsize=9)
        axes.label_outer()
    for axes in list(grid.flat)[len(paths):]:
        axes.set_axis_off()
    figure.suptitle(title or f"{_default_title(paths, surface)}, {surface.formula}")
    return finish(figure, path)


def animate_race(paths, surface, path, frames=50, fps=12):
    """Write the race as an animated GIF with matplotlib's PillowWriter.

    Args:
        paths: what ``race`` returned.
        surface: the ``Objective`` (or name) the paths were run on.
        path: where to write the GIF.
        frames: number of frames (the paths are sampled evenly).
        fps: frames per second.

    Returns:
        ``path`` when written, or None when Pillow is not installed (nothing is written).
    """
    if importlib.util.find_spec("PIL") is None:
        return None
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    surface = objectives.get(surface)
    figure, axes = new_figure(5.5, 4.6)
    _draw_surface(axes, surface, resolution=150, lines=False)
    lines = {name: axes.plot([], [], "-", linewidth=1.6, label=name)[0] for name in paths}
    axes.legend(loc="best", fontsize=8)
    longest = max(len(points) for points in paths.values())
    shown = np.unique(np.linspace(1, longest, frames).astype(int))

    def draw(count):
        for name, points in paths.items():
            lines[name].set_data(points[:count, 0], points[:count, 1])
        axes.set_title(f"{surface.name}: step {min(count, longest) - 1}")
        return list(lines.values())

    FuncAnimation(figure, draw, frames=shown, blit=False).save(
        path, writer=PillowWriter(fps=fps), dpi=70)
    plt.close(figure)
    return path
