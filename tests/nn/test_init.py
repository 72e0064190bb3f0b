"""Initialisers: gains, fans for the (in, out) layout, and the empirical spread."""
import math

import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.nn import init


@pytest.mark.parametrize("name, param, gain", [
    ("linear", None, 1.0), ("identity", None, 1.0), ("sigmoid", None, 1.0),
    ("conv2d", None, 1.0), ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))), ("leaky_relu", 0.2,
                                                           math.sqrt(2 / 1.04)),
    ("leaky_relu", 0, math.sqrt(2)), ("selu", None, 0.75)])
def test_calculate_gain(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_rejects_unknown_names_and_bad_slopes():
    with pytest.raises(ValueError, match="swish"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="slope"):
        init.calculate_gain("leaky_relu", "big")


@pytest.mark.parametrize("shape, fans", [((3, 5), (3, 5)), ((2, 4, 3), (6, 12)),
                                         ((2, 4, 3, 5), (30, 60))])
def test_fans_follow_in_out_layout(shape, fans):
    assert init.calculate_fan_in_and_fan_out(np.zeros(shape)) == fans


@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_,
                                init.kaiming_uniform_, init.kaiming_normal_])
@pytest.mark.parametrize("shape", [(5,), ()])
def test_fan_based_init_rejects_fewer_than_two_dims(fn, shape):
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fn(nn.Parameter(np.zeros(shape)))


FAN_IN, FAN_OUT = 400, 600
STD_CASES = [
    (lambda w, r: init.xavier_uniform_(w, rng=r), math.sqrt(2 / (FAN_IN + FAN_OUT))),
    (lambda w, r: init.xavier_normal_(w, gain=2.0, rng=r), 2 * math.sqrt(2 / 1000)),
    (lambda w, r: init.kaiming_uniform_(w, rng=r), math.sqrt(2 / FAN_IN)),
    (lambda w, r: init.kaiming_uniform_(w, a=math.sqrt(5), rng=r), math.sqrt(1 / 3 / FAN_IN)),
    (lambda w, r: init.kaiming_normal_(w, rng=r), math.sqrt(2 / FAN_IN)),
    (lambda w, r: init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", rng=r),
     math.sqrt(2 / FAN_OUT)),
    (lambda w, r: init.kaiming_normal_(w, nonlinearity="tanh", rng=r), 5 / 3 / math.sqrt(400)),
    (lambda w, r: init.normal_(w, 1.0, 0.5, rng=r), 0.5),
    (lambda w, r: init.uniform_(w, -2.0, 4.0, rng=r), 6 / math.sqrt(12)),
]


@pytest.mark.parametrize("fill, std", STD_CASES)
def test_empirical_std_matches_formula(rng, fill, std):
    weight = nn.Parameter(np.zeros((FAN_IN, FAN_OUT), np.float32))
    assert fill(weight, rng) is weight
    assert weight.dtype == np.float32
    assert abs(weight.data.std() / std - 1) < 0.02


def test_uniform_bounds_and_normal_mean(rng):
    weight = np.zeros((300, 300))
    init.xavier_uniform_(weight, rng=rng)
    bound = math.sqrt(6 / 600)
    assert weight.max() <= bound and weight.min() >= -bound and weight.max() > 0.99 * bound
    init.normal_(weight, mean=3.0, std=0.1, rng=rng)
    assert abs(weight.mean() - 3.0) < 0.001


def test_kaiming_rejects_bad_mode():
    with pytest.raises(ValueError, match="fan_avg"):
        init.kaiming_uniform_(np.zeros((2, 2)), mode="fan_avg")


def test_constant_fills_in_place_and_returns_tensor():
    param = nn.Parameter(np.zeros((2, 3)))
    data = param.data
    assert init.constant_(param, 0.25) is param and param.data is data
    np.testing.assert_array_equal(param.data, 0.25)
    np.testing.assert_array_equal(init.ones_(param).data, 1.0)
    np.testing.assert_array_equal(init.zeros_(param).data, 0.0)


def test_global_generator_is_used_without_rng():
    import tinygrad_opt as tg
    tg.manual_seed(5)
    first = init.normal_(np.zeros(4)).copy()
    tg.manual_seed(5)
    np.testing.assert_array_equal(init.normal_(np.zeros(4)), first)


def test_uniform_and_normal_name_their_bad_bounds():
    param = nn.Parameter(np.zeros(3))
    with pytest.raises(ValueError, match="a=1.*b=0"):
        init.uniform_(param, 1.0, 0.0)
    with pytest.raises(ValueError, match="std=-1"):
        init.normal_(param, 0.0, -1.0)
