"""race runs the real optimizers on objectives; plot_race draws contours, paths, minima."""
import importlib.util

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import objectives, optim, viz


def test_adam_race_on_the_quadratic_converges_to_the_known_minimum():
    paths = viz.race({"Adam": (optim.Adam, {"lr": 0.1})}, "quadratic", steps=500)
    np.testing.assert_allclose(paths["Adam"][-1], objectives.QUADRATIC.minima[0], atol=1e-3)


def test_momentum_race_on_rosenbrock_reaches_the_banana_minimum():
    paths = viz.race({"momentum": lambda p: optim.SGD(p, lr=1e-3, momentum=0.9)},
                     objectives.ROSENBROCK, steps=2000)
    np.testing.assert_allclose(paths["momentum"][-1], (1.0, 1.0), atol=1e-2)


def test_paths_start_at_the_common_start_and_record_every_step():
    paths = viz.race({"SGD": (optim.SGD, {"lr": 0.01}), "Adam": (optim.Adam, {"lr": 0.01})},
                     "beale", steps=25, start=(0.5, 0.5))
    for points in paths.values():
        assert points.shape == (26, 2)
        np.testing.assert_array_equal(points[0], (0.5, 0.5))


def test_a_path_matches_plain_gradient_descent_by_hand():
    points = viz.optimizer_path((optim.SGD, {"lr": 0.1}), "quadratic", steps=3, start=(1.0, 1.0))
    expected = [(1.0, 1.0)]
    for _ in range(3):
        x, y = expected[-1]
        expected.append((x - 0.1 * x, y - 0.1 * 10 * y))
    np.testing.assert_allclose(points, expected)


def test_a_diverging_or_escaping_path_stops_once_outside_the_domain():
    diverged = viz.optimizer_path((optim.SGD, {"lr": 0.5}), "quadratic", steps=100)
    assert len(diverged) < 20
    escaped = viz.optimizer_path((optim.Adam, {"lr": 0.1}), "saddle", steps=500)
    assert len(escaped) < 500 and abs(escaped[-1][1]) > objectives.SADDLE.ylim[1]


def test_plot_race_draws_contours_every_path_and_the_minima(tmp_path):
    paths = viz.race({"SGD": (optim.SGD, {"lr": 1e-3}), "Adam": (optim.Adam, {"lr": 0.05})},
                     "rosenbrock", steps=30)
    figure = viz.plot_race(paths, "rosenbrock", path=tmp_path / "race.png")
    contours, losses = figure.axes[:2]
    assert len(contours.collections) >= 2  # filled and line contour sets
    xs = {tuple(line.get_xdata()[:3]) for line in contours.lines}
    for points in paths.values():
        assert tuple(points[:3, 0]) in xs
    star = [line for line in contours.lines if line.get_label() == "minimum"]
    assert star and tuple(star[0].get_xydata()[0]) == (1.0, 1.0)
    assert losses.get_yscale() == "log" and len(losses.lines) == 2
    assert (tmp_path / "race.png").stat().st_size < 150_000


def test_contour_levels_are_log_spaced_on_a_wide_range_surface():
    paths = viz.race({"SGD": (optim.SGD, {"lr": 1e-3})}, "beale", steps=5)
    filled = viz.plot_race(paths, "beale").axes[0].collections[0]
    grid_min = objectives.BEALE.grid(300)[2].min()
    ratios = np.diff(np.log(filled.levels - grid_min))
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-6)
    assert filled.levels[-1] / filled.levels[0] > 1e4


def test_saddle_plot_marks_the_saddle_and_uses_linear_objective_axis():
    paths = viz.race({"SGD": (optim.SGD, {"lr": 0.05})}, "saddle", steps=10)
    figure = viz.plot_race(paths, "saddle")
    assert any(line.get_label() == "saddle point" for line in figure.axes[0].lines)
    assert figure.axes[1].get_yscale() == "linear"


def test_race_grid_has_one_titled_panel_per_optimizer():
    specs = {name: (optim.SGD, {"lr": lr}) for name, lr in [("a", 1e-3), ("b", 2e-3), ("c", 3e-3)]}
    figure = viz.plot_race_grid(viz.race(specs, "rosenbrock", steps=5), "rosenbrock", columns=2)
    titles = [axes.get_title() for axes in figure.axes if axes.get_title()]
    assert [t.split(":")[0] for t in titles] == ["a", "b", "c"]
    assert not figure.axes[3].axison


@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="Pillow not installed")
def test_animate_race_writes_a_gif(tmp_path):
    paths = viz.race({"Adam": (optim.Adam, {"lr": 0.1})}, "quadratic", steps=10)
    written = viz.animate_race(paths, "quadratic", tmp_path / "race.gif", frames=4)
    assert written == tmp_path / "race.gif"
    assert (tmp_path / "race.gif").read_bytes()[:3] == b"GIF"


def test_animate_race_skips_cleanly_without_pillow(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "PIL" else importlib.machinery.PathFinder)
    paths = {"still": np.zeros((3, 2))}
    assert viz.animate_race(paths, "quadratic", tmp_path / "race.gif") is None
    assert not (tmp_path / "race.gif").exists()


def test_tensor_and_optimizer_classes_are_the_real_ones():
    seen = []
    viz.race({"spy": lambda params: seen.append(params) or optim.SGD(params, lr=0.1)},
             "quadratic", steps=1)
    (point,) = seen[0]
    assert isinstance(point, tg.nn.Parameter) and point.dtype == np.float64


def test_a_path_that_left_the_domain_says_so_in_the_legend():
    paths = viz.race({"SGD lr 0.01": (optim.SGD, {"lr": 0.01}),
                      "Adam": (optim.Adam, {"lr": 0.1})}, "rosenbrock", 50)
    figure = viz.plot_race(paths, "rosenbrock")
    labels = [text.get_text() for text in figure.axes[1].get_legend().get_texts()]
    assert labels == [f"SGD lr 0.01 (left the domain at step {len(paths['SGD lr 0.01']) - 1})",
                      "Adam"]
    assert len(paths["SGD lr 0.01"]) < 10
