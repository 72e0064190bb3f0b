"""gradcheck / check_gradients: they pass correct gradients and catch wrong ones."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt.autograd import Function


class WrongSquare(Function):
    """f(x) = x^2 with a deliberately wrong derivative (3x instead of 2x)."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, grad):
        (x,) = self.saved_tensors
        return (grad * 3 * x,)


def wrong_square(x):
    return WrongSquare.apply(x)


def test_gradcheck_passes_a_correct_gradient(rng):
    x = tg.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    assert tg.gradcheck(lambda t: (t * t).sum(), [x])


def test_gradcheck_raises_naming_input_element_and_values():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(lambda t: wrong_square(t).sum(), [x])
    message = str(info.value)
    assert "input 0[0]" in message
    assert "analytic 3" in message and "numeric 2" in message


def test_gradcheck_returns_false_without_raise():
    x = tg.Tensor(np.array([1.0]), requires_grad=True)
    assert tg.gradcheck(lambda t: wrong_square(t).sum(), [x], raise_exception=False) is False


def test_report_lists_every_failing_element_of_the_right_input():
    a = tg.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = tg.Tensor(np.array([0.5]), requires_grad=True)
    report = tg.check_gradients(lambda x, y: wrong_square(x).sum() + y.sum(), [a, b])
    assert not report.passed
    assert [e.index for e in report.failures()] == [(0,), (1,), (2,)]
    assert report[0].index == 0 and report[1].index == 1
    assert report[1].max_abs_error < 1e-8
    assert report[0].max_abs_error == pytest.approx(3.0, rel=1e-6)  # |3x - 2x| at x = 3
    assert "FAILED" in str(report) and "input 0" in str(report)


def test_report_index_is_position_in_inputs_skipping_constants():
    c = tg.Tensor(np.array([1.0]))
    x = tg.Tensor(np.array([2.0]), requires_grad=True)
    report = tg.check_gradients(lambda k, t: (k * t).sum(), [c, x])
    assert len(report) == 1 and report[0].index == 1


def test_non_scalar_output_checks_full_jacobian():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    report = tg.check_gradients(lambda t: wrong_square(t), [x])
    failing = {(e.index, e.output_index) for e in report.failures()}
    assert failing == {((0,), (0,)), ((1,), (1,))}  # off-diagonal zeros agree
    assert len(report[0].elements) == 4


def test_kink_within_eps_is_skipped_not_failed():
    x = tg.Tensor(np.array([0.0, 1e-8, 1.0]), requires_grad=True)
    report = tg.check_gradients(lambda t: t.abs().sum(), [x])
    assert report.passed
    assert [e.index for e in report[0].skipped()] == [(0,), (1,)]


def test_float32_input_is_checked_in_float64_with_a_warning():
    x = tg.Tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match="float32"):
        assert tg.gradcheck(lambda t: (t.exp() * t).sum(), [x])


def test_inputs_and_outside_gradients_are_left_as_they_were():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = tg.Tensor(np.array([3.0, 4.0]), requires_grad=True)
    w.grad = np.array([7.0, 7.0])
    before = x.data.copy()
    tg.gradcheck(lambda t: (t * w).sum(), [x])
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None
    np.testing.assert_array_equal(w.grad, [7.0, 7.0])


def test_no_input_requiring_grad_is_an_error():
    with pytest.raises(ValueError, match="requires_grad"):
        tg.gradcheck(lambda t: t.sum(), [tg.Tensor(np.ones(2))])


def test_eps_sweep_shows_truncation_and_round_off_regimes(rng):
    x = tg.Tensor(rng.normal(size=3), requires_grad=True)
    eps, errors = tg.gradcheck_eps_sweep(lambda t: t.exp().sum(), [x])
    best = eps[np.argmin(errors)]
    assert 1e-8 <= best <= 1e-3
    assert errors[0] > 10 * errors.min()   # round-off dominates at eps = 1e-12
    assert errors[-1] > 10 * errors.min()  # truncation dominates at eps = 1e-1


def test_report_says_how_many_failures_its_table_leaves_out_and_keeps_columns_aligned():
    x = tg.Tensor(np.arange(1.0, 6.0).reshape(5, 1), requires_grad=True)
    text = str(tg.check_gradients(lambda t: wrong_square(t), [x]))  # 5 fail, 20 pass
    assert "... and 2 more failing; .failures() lists them all" in text
    rows = [line for line in text.splitlines() if line.startswith("  input 0[")]
    assert rows[0].startswith("  input 0[4, 0] (output [4, 0])  ")
    assert len({line.index(" ok") if " ok" in line else line.index(" fail")
                for line in rows}) == 1  # the status column is aligned


@pytest.mark.parametrize("check", [tg.gradcheck, tg.check_gradients, tg.gradcheck_eps_sweep])
def test_the_float32_warning_points_at_the_callers_line(check):
    x = tg.Tensor(np.array([0.3], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match="float32") as caught:
        check(lambda t: (t * t).sum(), [x])
    assert caught[0].filename == __file__  # was gradcheck.py, the library's own line


def test_a_zero_d_input_is_named_without_empty_brackets():
    report = tg.check_gradients(lambda t: wrong_square(t), [tg.Tensor(np.float64(2.0),
                                                                      requires_grad=True)])
    assert report.failures()[0].location == "input 0"  # was 'input 0[]'
