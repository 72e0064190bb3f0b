"""Closed-form schedules against the formulas written out here, over 100 steps."""
import math

import numpy as np
import pytest

from tinygrad_opt.optim import schedules

STEPS = np.arange(100)


def _values(schedule, **kwargs):
    return np.array([schedule(int(step), **kwargs) for step in STEPS])


def _check(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-14, atol=1e-16)


def test_constant_holds_factor_then_base():
    expected = np.where(STEPS < 8, 0.1 * 0.25, 0.1)
    _check(_values(schedules.constant, lr0=0.1, factor=0.25, total_iters=8), expected)


def test_step_decay_drops_every_step_size():
    expected = 0.1 * 0.5 ** (STEPS // 7)
    _check(_values(schedules.step_decay, lr0=0.1, step_size=7, gamma=0.5), expected)


def test_multistep_counts_passed_milestones_with_repeats():
    passed = (STEPS >= 10).astype(int) + 2 * (STEPS >= 40) + (STEPS >= 75)
    expected = 0.1 * 0.3**passed
    actual = _values(schedules.multistep, lr0=0.1, milestones=[40, 75, 10, 40], gamma=0.3)
    _check(actual, expected)


def test_exponential_is_geometric():
    _check(_values(schedules.exponential, lr0=0.2, gamma=0.97), 0.2 * 0.97**STEPS)


def test_inverse_time_matches_course_notes():
    _check(_values(schedules.inverse_time, lr0=1.0, decay=0.1), 1.0 / (1.0 + 0.1 * STEPS))
    assert schedules.inverse_time(1, 1.0, 0.1) == pytest.approx(0.9090909090909091, abs=1e-16)


def test_linear_ramps_then_holds():
    ramp = np.minimum(STEPS, 30) / 30
    expected = 0.1 * (0.2 + (0.9 - 0.2) * ramp)
    actual = _values(schedules.linear, lr0=0.1, start_factor=0.2, end_factor=0.9,
                     total_iters=30)
    _check(actual, expected)


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0])
def test_polynomial_reaches_zero_at_total_iters(power):
    expected = 0.1 * (1 - np.minimum(STEPS, 60) / 60) ** power
    _check(_values(schedules.polynomial, lr0=0.1, total_iters=60, power=power), expected)
    assert schedules.polynomial(60, 0.1, 60, power) == 0.0


def test_cosine_annealing_is_half_cosine_and_climbs_back():
    expected = 0.01 + (0.1 - 0.01) * (1 + np.cos(np.pi * STEPS / 40)) / 2
    _check(_values(schedules.cosine_annealing, lr0=0.1, T_max=40, eta_min=0.01), expected)
    assert schedules.cosine_annealing(40, 0.1, 40, 0.01) == pytest.approx(0.01, abs=1e-17)
    assert schedules.cosine_annealing(80, 0.1, 40, 0.01) == pytest.approx(0.1, abs=1e-17)


def _sgdr_position(step, first_cycle, growth):
    """Cycle position from the geometric series of cycle starts, written independently."""
    if growth == 1:
        return step % first_cycle, first_cycle
    cycle = int(math.floor(math.log(step / first_cycle * (growth - 1) + 1, growth) + 1e-9))
    start = first_cycle * (growth**cycle - 1) // (growth - 1)
    return step - start, first_cycle * growth**cycle


@pytest.mark.parametrize("T_0, T_mult", [(10, 1), (5, 2), (3, 3)])
def test_warm_restarts_restart_at_cycle_starts(T_0, T_mult):
    positions = [_sgdr_position(int(step), T_0, T_mult) for step in STEPS]
    expected = [0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * cur / length)) / 2
                for cur, length in positions]
    actual = _values(schedules.cosine_warm_restarts, lr0=0.1, T_0=T_0, T_mult=T_mult,
                     eta_min=0.001)
    _check(actual, expected)


def test_restart_position_is_exact_at_boundaries():
    assert schedules.restart_position(5, 5, 2) == (0, 10)
    assert schedules.restart_position(14, 5, 2) == (9, 10)
    assert schedules.restart_position(15, 5, 2) == (0, 20)
    assert schedules.restart_position(7.5, 5, 1) == (2.5, 5)


def _triangle(step, up, down):
    """Position in the cycle rising over ``up`` steps and falling over ``down`` steps."""
    offset = step % (up + down)
    return offset / up if offset <= up else 1 - (offset - up) / down


@pytest.mark.parametrize("mode, amplitude", [
    ("triangular", lambda step, cycle: 1.0),
    ("triangular2", lambda step, cycle: 0.5 ** (cycle - 1)),
    ("exp_range", lambda step, cycle: 0.99**step),
])
def test_cyclic_modes(mode, amplitude):
    up, down = 6, 9
    expected = [0.01 + 0.09 * _triangle(step, up, down) * amplitude(step, step // (up + down) + 1)
                for step in STEPS]
    actual = _values(schedules.cyclic, base_lr=0.01, max_lr=0.1, step_size_up=up,
                     step_size_down=down, mode=mode, gamma=0.99)
    _check(actual, expected)


def test_cyclic_custom_scale_fn_on_iterations():
    expected = [0.01 + 0.09 * _triangle(step, 5, 5) / (1 + step) for step in STEPS]
    actual = _values(schedules.cyclic, base_lr=0.01, max_lr=0.1, step_size_up=5,
                     scale_fn=lambda step: 1 / (1 + step), scale_mode="iterations")
    _check(actual, expected)


def _one_cycle_expected(step, total, pct, low, peak, final, anneal):
    rise_end = pct * total - 1
    if step <= rise_end:
        return anneal(low, peak, step / rise_end)
    return anneal(peak, final, (step - rise_end) / (total - 1 - rise_end))


def _cos(start, end, pct):
    return end + (start - end) * (1 + math.cos(math.pi * pct)) / 2


def _lin(start, end, pct):
    return start + (end - start) * pct


@pytest.mark.parametrize("strategy, anneal", [("cos", _cos), ("linear", _lin)])
def test_one_cycle_two_phases(strategy, anneal):
    low, final = 0.5 / 25.0, 0.5 / 25.0 / 1e4
    expected = [_one_cycle_expected(step, 100, 0.3, low, 0.5, final, anneal) for step in STEPS]
    actual = _values(schedules.one_cycle, max_lr=0.5, total_steps=100,
                     anneal_strategy=strategy)
    _check(actual, expected)
    momenta = _values(schedules.one_cycle_momentum, total_steps=100, anneal_strategy=strategy)
    expected_momenta = [_one_cycle_expected(step, 100, 0.3, 0.95, 0.85, 0.95, anneal)
                        for step in STEPS]
    _check(momenta, expected_momenta)


def test_one_cycle_three_phases():
    low = 1.0 / 10.0
    ends = [0.25 * 100 - 1, 2 * 0.25 * 100 - 2, 99]
    expected = []
    for step in STEPS:
        if step <= ends[0]:
            expected.append(_cos(low, 1.0, step / ends[0]))
        elif step <= ends[1]:
            expected.append(_cos(1.0, low, (step - ends[0]) / (ends[1] - ends[0])))
        else:
            expected.append(_cos(low, low / 100.0, (step - ends[1]) / (ends[2] - ends[1])))
    actual = _values(schedules.one_cycle, max_lr=1.0, total_steps=100, pct_start=0.25,
                     div_factor=10.0, final_div_factor=100.0, three_phase=True)
    _check(actual, expected)


@pytest.mark.parametrize("call, fragment", [
    (lambda: schedules.exponential(-1, 0.1, 0.9), "step must be an integer >= 0, got -1"),
    (lambda: schedules.exponential(1.5, 0.1, 0.9), "got 1.5"),
    (lambda: schedules.exponential(3, -0.1, 0.9), "lr0 must lie in [0, inf), got -0.1"),
    (lambda: schedules.step_decay(3, 0.1, 0), "step_size must be a positive integer, got 0"),
    (lambda: schedules.multistep(3, 0.1, [4, -2]), "got -2"),
    (lambda: schedules.linear(3, 0.1, start_factor=0), "start_factor must lie in (0, 1], got 0"),
    (lambda: schedules.linear(3, 0.1, end_factor=1.5), "end_factor must lie in [0, 1], got 1.5"),
    (lambda: schedules.polynomial(3, 0.1, total_iters=0), "total_iters must be a positive"),
    (lambda: schedules.cosine_annealing(3, 0.1, T_max=0), "T_max must lie in (0, inf), got 0"),
    (lambda: schedules.cosine_warm_restarts(3, 0.1, T_0=2.5), "T_0 must be a positive integer"),
    (lambda: schedules.cosine_warm_restarts(3, 0.1, 2, T_mult=0), "T_mult must be a positive"),
    (lambda: schedules.inverse_time(3, 0.1, decay=float("nan")), "decay must be a finite"),
    (lambda: schedules.cyclic(3, 0.1, 1.0, mode="sawtooth"), "got 'sawtooth'"),
    (lambda: schedules.cyclic(3, 0.1, 1.0, step_size_up=0), "step_size_up must lie in (0"),
    (lambda: schedules.one_cycle(101, 0.1, 100), "step 101 is past total_steps=100"),
    (lambda: schedules.one_cycle(3, 0.1, 100, pct_start=1.5), "pct_start must lie in [0, 1]"),
    (lambda: schedules.one_cycle(3, 0.1, 100, anneal_strategy="exp"), "got 'exp'"),
    (lambda: schedules.one_cycle(3, 0.1, 100, div_factor=0), "div_factor must lie in (0"),
])
def test_bad_arguments_raise_value_error_naming_the_value(call, fragment):
    with pytest.raises(ValueError) as error:
        call()
    assert fragment in str(error.value)
