"""Loss landscapes: filter-normalised directions, interpolation, slices; weights restored."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import viz


@pytest.fixture
def problem():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    model = tg.nn.Sequential(tg.nn.Dense(4, 5), tg.nn.Tanh(), tg.nn.Dense(5, 2))
    return model, tg.nn.CrossEntropyLoss(), tg.Tensor(X.astype(np.float32)), y


def test_direction_columns_have_the_norms_of_the_weights_and_biases_are_zero(problem):
    model = problem[0]
    direction = viz.filter_normalized_direction(model, rng=np.random.default_rng(1))
    for (name, param), d in zip(model.named_parameters(), direction):
        assert d.shape == param.shape
        if param.ndim == 1:
            assert not d.any()
        else:
            np.testing.assert_allclose(np.linalg.norm(d, axis=0),
                                       np.linalg.norm(param.data, axis=0), rtol=1e-5)


def test_interpolation_ends_are_the_two_models_losses(problem):
    model, loss_fn, X, y = problem
    start = {name: np.zeros_like(param.data) for name, param in model.named_parameters()}
    losses = viz.interpolate_losses(model, loss_fn, X, y, start, [0.0, 1.0])
    assert losses[0] == pytest.approx(np.log(2), rel=1e-6)  # zero weights: uniform logits
    assert losses[1] == pytest.approx(loss_fn(model(X), y).item(), rel=1e-6)


def test_slice_centre_is_the_models_loss_and_weights_and_mode_are_restored(problem):
    model, loss_fn, X, y = problem
    before = [param.data.copy() for param in model.parameters()]
    arrays = [param.data for param in model.parameters()]
    a, b, losses = viz.landscape_slice(model, loss_fn, X, y, span=0.5, resolution=5,
                                       rng=np.random.default_rng(2))
    assert losses.shape == (5, 5) and a[2] == 0 and b[2] == 0
    assert losses[2, 2] == pytest.approx(loss_fn(model(X), y).item(), rel=1e-6)
    assert losses[0, 0] != losses[2, 2]
    for param, original, array in zip(model.parameters(), before, arrays):
        np.testing.assert_array_equal(param.data, original)
        assert param.data is array  # restored in place: optimizer views stay valid
    assert model.training


def test_figure_has_line_contour_and_3d_panels(problem, tmp_path):
    model, loss_fn, X, y = problem
    start = [np.zeros_like(param.data) for param in model.parameters()]
    figure = viz.plot_loss_landscape(model, loss_fn, X, y, start=start, resolution=5,
                                     alphas=np.linspace(0, 1, 5), path=tmp_path / "l.png")
    panels = [axes for axes in figure.axes if axes.get_label() != "<colorbar>"]
    line_axes, contour_axes, surface_axes = panels
    assert len(line_axes.lines[0].get_xdata()) == 5
    assert contour_axes.collections and surface_axes.name == "3d"
    assert (tmp_path / "l.png").exists()


def test_without_start_there_is_no_line_panel(problem):
    model, loss_fn, X, y = problem
    figure = viz.plot_loss_landscape(model, loss_fn, X, y, resolution=4)
    assert sum(a.get_label() != "<colorbar>" for a in figure.axes) == 2


def test_colorbar_labels_of_crowded_levels_differ(problem):
    model, loss_fn, X, y = problem
    figure = viz.plot_loss_landscape(model, loss_fn, X, y, resolution=7)
    colorbar = next(a for a in figure.axes if a.get_label() == "<colorbar>")
    levels = colorbar.get_yticks()
    labels = [colorbar.yaxis.get_major_formatter()(level) for level in levels]
    assert len(set(labels)) == len(labels), labels
    contour_axes = figure.axes[0]
    assert contour_axes.get_legend().get_texts()[0].get_text() == "the model's weights"
    crowded = [2.5171, 2.5174, 2.53, 3.0]
    assert viz.landscape._distinct_format(crowded) == "%.5g"  # 2.5171, 2.5174
