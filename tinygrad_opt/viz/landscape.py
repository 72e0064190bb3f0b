"""Loss landscapes: the loss along a line and over a plane through parameter space.

1-D (Goodfellow et al. 2015): L((1 - α) θ₀ + α θ₁) for two parameter vectors, e.g. the
weights before and after training; α = 0 and α = 1 are the two models.

2-D (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets"): L(θ + a δ + b η)
around the trained θ along two random directions δ, η. Raw Gaussian directions would
make the picture depend on each layer's weight scale, so they are *filter-normalised*:
each output unit's slice d_j of a direction is rescaled to the norm of that unit's weights,
d_j ← d_j ‖θ_j‖ / ‖d_j‖; directions of 1-D parameters (biases, norm scales) are zero.
For our (in_features, out_features) weight layout a unit's slice is a column.

Every function restores the model's weights (in place, so optimizers' views stay valid)
and its train/eval mode before returning.
"""
import contextlib

import numpy as np

from .. import _random, autograd
from ._figure import PALETTE, finish, log_levels, new_blank_figure


def _parameters(model):
    return [param for _, param in model.named_parameters()]


def _as_arrays(model, weights):
    """Parameter arrays of ``weights``: a Module, a ``state_dict``, or a list of arrays."""
    if hasattr(weights, "named_parameters"):
        return [param.data.copy() for param in _parameters(weights)]
    if isinstance(weights, dict):
        return [np.asarray(weights[name], dtype=float) for name, _ in model.named_parameters()]
    return [np.asarray(array, dtype=float) for array in weights]


@contextlib.contextmanager
def _probing(model):
    """Evaluate ``model`` at other weights: eval mode, no graph, everything restored after."""
    saved = [param.data.copy() for param in _parameters(model)]
    was_training = model.training
    model.eval()
    try:
        with autograd.no_grad():
            yield
    finally:
        for param, original in zip(_parameters(model), saved):
            np.copyto(param.data, original)
        model.train(was_training)


def _loss_at(model, loss_fn, X, y, arrays):
    for param, array in zip(_parameters(model), arrays):
        np.copyto(param.data, array)
    return float(loss_fn(model(X), y).item())


def filter_normalized_direction(model, rng=None):
    """A random direction in parameter space, filter-normalised as in Li et al. (2018).

    Args:
        model: the Module whose parameters set the shapes and per-unit norms.
        rng: ``np.random.Generator``; the global one when None.

    Returns:
        A list of arrays, one per parameter: Gaussian, each column (output unit) of a
        weight matrix scaled to that column's norm in the model; zeros for 1-D parameters.
    """
    rng = _random.resolve_rng(rng)
    direction = []
    for param in _parameters(model):
        weights = param.data.astype(float)
        if weights.ndim < 2:
            direction.append(np.zeros_like(weights))
            continue
        noise = rng.standard_normal(weights.shape)
        axes = tuple(range(weights.ndim - 1))  # every axis but the output units'
        scale = (np.linalg.norm(weights, axis=axes, keepdims=True)
                 / (np.linalg.norm(noise, axis=axes, keepdims=True) + 1e-10))
        direction.append(noise * scale)
    return direction


def interpolate_losses(model, loss_fn, X, y, start, alphas):
    """L((1 - α) θ_start + α θ_model) for each α (weights restored afterwards).

    Args:
        model: the Module (its current weights are θ at α = 1).
        loss_fn: ``loss_fn(outputs, y) -> scalar Tensor``.
        X, y: the data the loss is measured on.
        start: the weights at α = 0: a Module of the same architecture, a ``state_dict``,
            or a list of arrays in ``model.parameters()`` order.
        alphas: the positions along the line.

    Returns:
        float array of the loss at each α.
    """
    end = _as_arrays(model, model)
    begin = _as_arrays(model, start)
    with _probing(model):
        return np.array([_loss_at(model, loss_fn, X, y,
                                  [(1 - a) * b + a * e for b, e in zip(begin, end)])
                         for a in alphas])


def landscape_slice(model, loss_fn, X, y, span=1.0, resolution=21, rng=None):
    """The loss over the plane θ + a δ + b η, a, b in [-span, span], δ, η filter-normalised.

    Returns:
        ``(a_values, b_values, losses)`` with ``losses[i, j]`` at ``(a_values[j],
        b_values[i])`` (the layout of ``contour``); the model's weights are at (0, 0).
    """
    rng = _random.resolve_rng(rng)
    centre = _as_arrays(model, model)
    delta = filter_normalized_direction(model, rng)
    eta = filter_normalized_direction(model, rng)
    steps = np.linspace(-span, span, resolution)
    losses = np.empty((resolution, resolution))
    with _probing(model):
        for i, b in enumerate(steps):
            for j, a in enumerate(steps):
                losses[i, j] = _loss_at(model, loss_fn, X, y, [
                    c + a * d + b * e for c, d, e in zip(centre, delta, eta)])
    return steps, steps, losses


def _draw_line(axes, alphas, losses):
    axes.plot(alphas, losses, color=PALETTE[0])
    ends = ((0.0, "start θ₀", PALETTE[1]), (1.0, "trained θ₁", PALETTE[3]))
    for alpha, label, colour in ends:
        at = int(np.argmin(np.abs(alphas - alpha)))
        axes.plot(alphas[at], losses[at], "o", color=colour, markersize=8, label=label)
    axes.set_xlabel("α in (1 − α) θ₀ + α θ₁")
    axes.set_ylabel("loss")
    axes.set_yscale("log")
    axes.set_title("1-D: linear interpolation")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)


def _distinct_format(levels):
    """The shortest ``%.Ng`` (N >= 3) that writes neighbouring contour levels differently:
    log-spaced levels crowd near the minimum (2.517, 2.521, ... printed 2.52, 2.52)."""
    for digits in range(3, 9):
        labels = [f"{level:.{digits}g}" for level in levels]
        if len(set(labels)) == len(labels):
            break
    return f"%.{digits}g"


def _draw_plane(contour_axes, surface_axes, a_values, b_values, losses):
    from matplotlib.colors import BoundaryNorm

    A, B = np.meshgrid(a_values, b_values)
    levels = log_levels(losses, 20)
    filled = contour_axes.contourf(A, B, losses, levels=levels, cmap="viridis", extend="both",
                                   norm=BoundaryNorm(levels, 256, extend="both"))
    contour_axes.contour(A, B, losses, levels=levels, colors="white", linewidths=0.4)
    contour_axes.plot(0, 0, "*", color="red", markersize=12, label="the model's weights")
    contour_axes.figure.colorbar(filled, ax=contour_axes, label="loss",
                                 format=_distinct_format(levels))
    contour_axes.set_xlabel("direction δ")
    contour_axes.set_ylabel("direction η")
    contour_axes.set_title("2-D slice (filter-normalised)")
    contour_axes.legend(fontsize=8, loc="upper right")
    clipped = np.minimum(losses, np.percentile(losses, 90))  # keep the basin in view
    surface_axes.plot_surface(A, B, np.log10(clipped), cmap="viridis", linewidth=0,
                              antialiased=False)
    surface_axes.set_xlabel("δ")
    surface_axes.set_ylabel("η")
    surface_axes.set_zlabel("log₁₀ loss", labelpad=2)
    surface_axes.set_box_aspect(None, zoom=0.8)
    surface_axes.set_title("3-D surface")


def plot_loss_landscape(model, loss_fn, X, y, start=None, span=1.0, resolution=21,
                        alphas=None, rng=None, title=None, path=None):
    """The loss around ``model``'s weights: a line from ``start`` and a random 2-D slice.

    Args:
        model: the (trained) Module; its weights and mode are restored afterwards.
        loss_fn: ``loss_fn(outputs, y) -> scalar Tensor``.
        X, y: data for the loss (a Tensor or array, and targets).
        start: other weights for the 1-D panel (a Module, ``state_dict`` or array list),
            e.g. a copy of the model before training; no 1-D panel when None.
        span: the slice covers [-span, span]² in units of the filter-normalised directions.
        resolution: grid points per side of the slice (resolution² forward passes).
        alphas: interpolation positions; default 41 points in [-0.5, 1.5].
        rng: generator for the directions.
        title: figure title.
        path: save the figure there.

    Returns:
        A Figure: [1-D interpolation,] contour map of the 2-D slice (log-spaced levels, the
        weights as a red star), and the same slice as a 3-D surface of log10 loss.
    """
    panels = 3 if start is not None else 2
    figure = new_blank_figure(5.0 * panels, 4.3)
    if start is not None:
        alphas = np.linspace(-0.5, 1.5, 41) if alphas is None else np.asarray(alphas)
        _draw_line(figure.add_subplot(1, 3, 1), alphas,
                   interpolate_losses(model, loss_fn, X, y, start, alphas))
    contour_axes = figure.add_subplot(1, panels, panels - 1)
    surface_axes = figure.add_subplot(1, panels, panels, projection="3d")
    _draw_plane(contour_axes, surface_axes,
                *landscape_slice(model, loss_fn, X, y, span, resolution, rng))
    figure.suptitle(title or "Loss landscape")
    return finish(figure, path)
