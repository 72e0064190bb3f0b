"""plot_lr_schedule draws each schedule's values, from pure functions or scheduler classes."""
from functools import partial

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import viz

S = tg.optim.schedules
L = tg.optim.lr_scheduler


def test_scheduler_class_values_equal_the_pure_closed_form():
    from_class = viz.schedule_values((L.CosineAnnealingWarmRestarts, {"T_0": 10}), 35, 0.1)
    pure = viz.schedule_values(partial(S.cosine_warm_restarts, lr0=0.1, T_0=10), 35)
    np.testing.assert_allclose(from_class, pure, rtol=1e-12)
    assert from_class[10] == pytest.approx(0.1)  # the restart


def test_factory_named_optimizer_builds_composed_schedulers():
    def warmup_then_cosine(optimizer):
        return L.SequentialLR(optimizer, [L.LinearLR(optimizer, start_factor=0.1, total_iters=5),
                                          L.CosineAnnealingLR(optimizer, T_max=20)],
                              milestones=[5])

    values = viz.schedule_values(warmup_then_cosine, 25, base_lr=1.0)
    assert values[0] == pytest.approx(0.1) and values[5] == pytest.approx(1.0)
    assert values[-1] < 0.05


def test_one_panel_per_schedule_with_its_values_and_name(tmp_path):
    schedules = {"step": (L.StepLR, {"step_size": 3, "gamma": 0.5}),
                 "SGDR": partial(S.cosine_warm_restarts, lr0=0.1, T_0=4),
                 "cyclic": partial(S.cyclic, base_lr=0.01, max_lr=0.1, step_size_up=2)}
    figure = viz.plot_lr_schedule(schedules, 12, highlight=("SGDR",), columns=2,
                                  path=tmp_path / "s.png")
    panels = [axes for axes in figure.axes if axes.lines]
    assert [axes.get_title() for axes in panels] == ["step", "SGDR", "cyclic"]
    np.testing.assert_allclose(panels[0].lines[0].get_ydata()[:4], [0.1, 0.1, 0.1, 0.05])
    assert panels[1].lines[0].get_linewidth() > panels[0].lines[0].get_linewidth()
    assert (tmp_path / "s.png").exists()


def test_single_schedule_and_log_axis():
    figure = viz.plot_lr_schedule(partial(S.exponential, lr0=0.1, gamma=0.9), 20, log=True)
    assert figure.axes[0].get_yscale() == "log"
    assert figure.axes[0].lines[0].get_ydata()[1] == pytest.approx(0.09)


def test_overlay_draws_all_schedules_on_one_axes_with_a_legend():
    figure = viz.plot_lr_overlay({"a": lambda t: 0.1, "b": lambda t: 0.1 / (1 + t)}, 10)
    axes = figure.axes[0]
    assert len(axes.lines) == 2
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["a", "b"]


def test_a_scheduler_factory_with_another_argument_name_is_explained():
    with pytest.raises(TypeError, match="must name its one argument 'optimizer'"):
        viz.schedule_values(lambda opt: tg.optim.lr_scheduler.StepLR(opt, 10), 5)


def test_highlighting_a_name_that_is_not_drawn_is_an_error_listing_the_names():
    schedules = {"constant": lambda step: 0.1, "halving": lambda step: 0.1 * 0.5 ** step}
    with pytest.raises(ValueError, match=r"\['SGDR'\].*known: \['constant', 'halving'\]"):
        viz.plot_lr_schedule(schedules, 5, highlight=("SGDR",))
    figure = viz.plot_lr_schedule(schedules, 5, highlight="halving")  # one name as a string
    assert figure.axes[1].get_title() == "halving"
    assert figure.axes[1].lines[0].get_linewidth() == 2.2
