"""BatchNorm1d, LayerNorm, GroupNorm: formulas, running statistics, modes, gradients."""
import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.gradcheck import check_model_gradients, gradcheck
from tinygrad_opt.nn import functional as F
from tinygrad_opt.tensor import Tensor


def _affine(rng, channels):
    weight = Tensor(rng.normal(1.0, 0.3, channels), requires_grad=True)
    bias = Tensor(rng.normal(0.0, 0.3, channels), requires_grad=True)
    return weight, bias


def test_batchnorm_train_forward_formula(rng):
    layer = nn.BatchNorm1d(3).to(np.float64)
    layer.weight.data[...] = [1.0, 2.0, -1.0]
    layer.bias.data[...] = [0.0, 0.5, 1.0]
    x = rng.normal(2.0, 3.0, (5, 3))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * [1.0, 2.0, -1.0] + [0, 0.5, 1]
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-12)


def test_batchnorm_running_stats_by_hand_over_three_steps():
    layer = nn.BatchNorm1d(1, momentum=0.5).to(np.float64)
    batches = [np.array([[1.0], [3.0]]), np.array([[0.0], [4.0], [8.0]]),
               np.array([[2.0], [2.0]])]
    for batch in batches:
        layer(Tensor(batch))
    # step 1: mean 2, unbiased var 2   -> rm = 0.5*0 + 0.5*2 = 1,     rv = 0.5*1 + 0.5*2 = 1.5
    # step 2: mean 4, unbiased var 16  -> rm = 0.5*1 + 0.5*4 = 2.5,   rv = 0.75 + 8 = 8.75
    # step 3: mean 2, unbiased var 0   -> rm = 1.25 + 1 = 2.25,       rv = 4.375
    np.testing.assert_allclose(layer.running_mean, [2.25])
    np.testing.assert_allclose(layer.running_var, [4.375])
    assert int(layer.num_batches_tracked) == 3


def test_batchnorm_momentum_none_is_cumulative_average():
    layer = nn.BatchNorm1d(1, momentum=None).to(np.float64)
    for batch in ([[1.0], [3.0]], [[0.0], [4.0], [8.0]], [[2.0], [2.0]]):
        layer(Tensor(np.array(batch)))
    np.testing.assert_allclose(layer.running_mean, [(2 + 4 + 2) / 3])
    np.testing.assert_allclose(layer.running_var, [(2 + 16 + 0) / 3])


def test_batchnorm_eval_uses_running_stats_and_does_not_update(rng):
    layer = nn.BatchNorm1d(2).to(np.float64)
    layer.running_mean[...] = [1.0, -1.0]
    layer.running_var[...] = [4.0, 0.25]
    layer.eval()
    x = rng.normal(size=(3, 2, 4))
    expected = (x - np.array([1.0, -1.0])[:, None]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)[:, None]
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.running_mean, [1.0, -1.0])
    assert int(layer.num_batches_tracked) == 0
    layer.train()
    layer(Tensor(x))
    assert not np.allclose(layer.running_mean, [1.0, -1.0])


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval(rng):
    layer = nn.BatchNorm1d(2, track_running_stats=False, affine=False).to(np.float64).eval()
    assert layer.running_mean is None and layer.parameters() == []
    assert list(layer.state_dict()) == []
    x = rng.normal(3.0, 2.0, (6, 2))
    np.testing.assert_allclose(layer(Tensor(x)).data, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5))


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)])
def test_batchnorm_single_value_per_channel_is_an_error_in_training(shape):
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        layer(Tensor(np.ones(shape, np.float32)))
    assert int(layer.num_batches_tracked) == 0
    assert layer.eval()(Tensor(np.ones(shape, np.float32))).shape == shape


def test_norm_layers_name_wrong_channel_counts():
    message = r"expected 3 channels in axis 1, got 5 \(input shape \(4, 5\)\)"
    with pytest.raises(ValueError, match=message):
        nn.BatchNorm1d(3)(Tensor(np.ones((4, 5), np.float32)))
    with pytest.raises(ValueError, match=r"expected 4 channels in axis 1, got 6"):
        nn.GroupNorm(2, 4)(Tensor(np.ones((2, 6, 3), np.float32)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 4\)"):
        nn.LayerNorm(3)(Tensor(np.ones((2, 4), np.float32)))
    with pytest.raises(ValueError, match="divisible"):
        nn.GroupNorm(3, 4)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (2, 3)])
def test_batchnorm_train_gradcheck(rng, shape):
    x = Tensor(rng.normal(size=shape), requires_grad=True)
    weight, bias = _affine(rng, 3)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                     [x, weight, bias])


def test_batchnorm_eval_gradcheck(rng):
    x = Tensor(rng.normal(size=(1, 3, 2)), requires_grad=True)
    weight, bias = _affine(rng, 3)
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2.0, 3)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b), [x, weight, bias])


@pytest.mark.parametrize("shape, normalized", [((4, 5), 5), ((1, 3, 4), (3, 4)),
                                               ((2, 3, 4), (4,))])
def test_layernorm_forward_and_gradcheck(rng, shape, normalized):
    x = rng.normal(1.0, 2.0, shape)
    axes = tuple(range(-len(np.atleast_1d(normalized)), 0))
    expected = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5)
    layer = nn.LayerNorm(normalized).to(np.float64)
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-12)
    weight, bias = _affine(rng, normalized)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, normalized, w, b),
                     [Tensor(x, requires_grad=True), weight, bias])


@pytest.mark.parametrize("shape, groups", [((2, 4, 3), 2), ((1, 6), 3), ((2, 4, 2, 2), 4),
                                           ((3, 4), 1)])
def test_groupnorm_forward_and_gradcheck(rng, shape, groups):
    x = rng.normal(1.0, 2.0, shape)
    grouped = x.reshape(shape[0], groups, -1)
    expected = ((grouped - grouped.mean(2, keepdims=True))
                / np.sqrt(grouped.var(2, keepdims=True) + 1e-5)).reshape(shape)
    layer = nn.GroupNorm(groups, shape[1]).to(np.float64)
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-12)
    weight, bias = _affine(rng, shape[1])
    assert gradcheck(lambda x, w, b: F.group_norm(x, groups, w, b),
                     [Tensor(x, requires_grad=True), weight, bias])


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_model_with_batchnorm_passes_model_gradcheck_in_both_modes(rng, mode):
    model = nn.Sequential(nn.Dense(3, 4, rng=rng), nn.BatchNorm1d(4), nn.ReLU(),
                          nn.Dense(4, 2, rng=rng), nn.LayerNorm(2))
    X = rng.normal(size=(5, 3))
    model(Tensor(X))
    getattr(model, mode)()
    report = check_model_gradients(model, nn.MSELoss(), X, rng.normal(size=(5, 2)))
    assert report.passed, str(report)
