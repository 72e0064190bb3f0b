"""The 2-D test functions: gradients by gradcheck, known minima are stationary, values."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import objectives

ALL = sorted(objectives.OBJECTIVES.values(), key=lambda objective: objective.name)


def _point(xy):
    return tg.Tensor(np.asarray(xy, float), requires_grad=True, dtype=np.float64)


@pytest.mark.parametrize("objective", ALL, ids=lambda o: o.name)
def test_backward_matches_central_differences_at_random_points(objective, rng):
    for _ in range(3):
        xy = [rng.uniform(*objective.xlim), rng.uniform(*objective.ylim)]
        assert tg.gradcheck(objective, [_point(xy)], atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("objective", ALL, ids=lambda o: o.name)
def test_every_minimum_and_saddle_is_a_stationary_point(objective):
    for xy in objective.minima + objective.saddle_points:
        np.testing.assert_allclose(objective.gradient(xy), 0.0, atol=1e-9)


@pytest.mark.parametrize("objective", [o for o in ALL if o.minima], ids=lambda o: o.name)
def test_minimum_value_is_attained_and_is_a_local_minimum(objective, rng):
    for xy in objective.minima:
        assert objective.value(*xy) == pytest.approx(objective.minimum_value, abs=1e-12)
        nearby = np.asarray(xy) + rng.normal(scale=1e-2, size=(50, 2))
        assert np.all(objective.value(nearby[:, 0], nearby[:, 1]) > objective.minimum_value)


def test_minimum_is_below_every_grid_value():
    for objective in (o for o in ALL if o.minima):
        _, _, Z = objective.grid(120)
        assert Z.min() >= objective.minimum_value - 1e-12


def test_known_values_at_hand_computed_points():
    assert objectives.ROSENBROCK.value(0.0, 0.0) == pytest.approx(1.0)
    assert objectives.QUADRATIC.value(1.0, 1.0) == pytest.approx(5.5)
    assert objectives.BEALE.value(0.0, 0.0) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert objectives.HIMMELBLAU.value(0.0, 0.0) == pytest.approx(121 + 49)
    assert objectives.SADDLE.value(1.0, 2.0) == pytest.approx(-3.0)
    assert objectives.RASTRIGIN.value(0.5, 0.0) == pytest.approx(0.25 + 10 + 10)


def test_saddle_hessian_has_one_negative_curvature():
    step = 1e-3
    along_x = objectives.SADDLE.gradient((step, 0.0))[0] / step
    along_y = objectives.SADDLE.gradient((0.0, step))[1] / step
    assert along_x == pytest.approx(2.0) and along_y == pytest.approx(-2.0)


def test_himmelblau_has_four_distinct_minima():
    assert len({tuple(np.round(xy, 3)) for xy in objectives.HIMMELBLAU.minima}) == 4


def test_grid_evaluates_the_same_expression_as_a_single_point():
    X, Y, Z = objectives.BEALE.grid(7)
    i, j = 3, 5
    single = objectives.BEALE(_point([X[i, j], Y[i, j]])).item()
    assert Z[i, j] == pytest.approx(single)


def test_start_and_minima_lie_in_the_plotting_domain():
    for objective in ALL:
        for x, y in (objective.start,) + objective.minima:
            assert objective.xlim[0] <= x <= objective.xlim[1]
            assert objective.ylim[0] <= y <= objective.ylim[1]


def test_get_accepts_names_and_objectives_and_names_the_choices_on_error():
    assert objectives.get("beale") is objectives.BEALE
    assert objectives.get(objectives.SADDLE) is objectives.SADDLE
    with pytest.raises(KeyError, match="rosenbrock"):
        objectives.get("banana")
