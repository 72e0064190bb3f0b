"""plot_gradcheck and plot_eps_sweep draw the report's numbers."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import autograd, viz


class WrongTanh(autograd.Function):
    """tanh with a deliberately wrong derivative (1 - y instead of 1 - y²)."""

    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1 - self.y)


def _inputs(rng):
    x = tg.Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    w = tg.Tensor(rng.normal(size=(4, 2)), requires_grad=True)
    return x, w


def test_bars_are_the_max_errors_and_failing_inputs_are_red(rng):
    x, w = _inputs(rng)
    report = tg.check_gradients(lambda x, w: WrongTanh.apply(x).sum() + (x @ w).sum(),
                                [x, w])
    figure = viz.plot_gradcheck(report)
    bars_axes, strip_axes = figure.axes
    heights = [bar.get_height() for bar in bars_axes.patches]
    assert heights[0] == pytest.approx(report[0].max_abs_error)
    assert heights[1] == pytest.approx(max(report[1].max_abs_error, 1e-18))
    assert bars_axes.patches[0].get_facecolor() != bars_axes.patches[1].get_facecolor()
    points = sum(len(c.get_offsets()) for c in strip_axes.collections)
    assert points == 12 + 8
    assert "FAILED" in figure.get_suptitle()


def test_passing_report_says_passed_and_has_threshold_line(rng, tmp_path):
    x, w = _inputs(rng)
    report = tg.check_gradients(lambda x, w: (x @ w).tanh().sum(), [x, w])
    figure = viz.plot_gradcheck(report, path=tmp_path / "check.png")
    assert "passed" in figure.get_suptitle()
    assert (tmp_path / "check.png").exists()
    assert [line.get_ydata()[0] for line in figure.axes[1].lines] == [1.0]


def test_eps_sweep_plot_marks_the_best_eps(rng):
    x, w = _inputs(rng)
    eps, errors = tg.gradcheck_eps_sweep(lambda x, w: (x @ w).tanh().sum(), [x, w],
                                         eps_values=np.logspace(-10, -2, 9))
    figure = viz.plot_eps_sweep(eps, errors)
    axes = figure.axes[0]
    assert len(axes.lines) == 3
    np.testing.assert_allclose(axes.lines[0].get_ydata(), np.maximum(errors, 1e-18))
    best = axes.collections[0].get_offsets()[0]
    assert best[0] == pytest.approx(eps[np.argmin(errors)])
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"


def test_one_failure_is_counted_in_the_singular():
    from tinygrad_opt.autograd import Function

    class Wrong(Function):
        def forward(self, x):
            return 2 * x

        def backward(self, grad):
            return (3 * grad,)

    x = tg.Tensor(np.float64(1.0), requires_grad=True)
    report = tg.check_gradients(lambda t: Wrong.apply(t), [x])
    assert "(1 element):" in viz.plot_gradcheck(report)._suptitle.get_text()
    assert "1 derivative, 0 skipped" in str(report)
