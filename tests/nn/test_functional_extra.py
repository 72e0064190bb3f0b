"""Activations, one_hot and the BCE/Huber/smooth-L1 losses (``nn/functional_extra``) and
their modules: values derived by hand, gradients against central differences in float64."""
import math

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn
from tinygrad_opt.nn import functional as F


def _leaf(values):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _grad_of(fn, values):
    x = _leaf(values)
    fn(x).sum().backward()
    return x.grad


def _phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# ----- activations --------------------------------------------------------------------
ACTIVATIONS = [
    ("gelu", lambda x: F.gelu(x)),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh")),
    ("elu", lambda x: F.elu(x, alpha=0.7)),
    ("softplus", lambda x: F.softplus(x)),
    ("softplus_beta", lambda x: F.softplus(x, beta=2.0, threshold=3.0)),
]


@pytest.mark.parametrize("shape", [(5,), (2, 3), ()])
@pytest.mark.parametrize("name, fn", ACTIVATIONS, ids=[row[0] for row in ACTIVATIONS])
def test_activation_passes_gradcheck(rng, name, fn, shape):
    values = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.5, size=shape)
    assert tg.gradcheck(fn, [_leaf(values)])


def test_gelu_exact_is_x_times_normal_cdf():
    values = [-2.0, 0.0, 1.0]
    np.testing.assert_allclose(F.gelu(_leaf(values)).data, [v * _phi(v) for v in values],
                               rtol=1e-15)
    pdf = math.exp(-0.5) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(_grad_of(F.gelu, [0.0, 1.0]), [0.5, _phi(1.0) + pdf],
                               rtol=1e-15)


def test_gelu_tanh_approximation_and_bad_mode():
    np.testing.assert_allclose(F.gelu(_leaf([-1.5, 0.5]), approximate="tanh").data,
                               [_gelu_tanh(-1.5), _gelu_tanh(0.5)], rtol=1e-15)
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


def test_elu_values_and_pytorch_derivative_alpha_at_zero():
    np.testing.assert_allclose(F.elu(_leaf([-1.0, 2.0]), alpha=2.0).data,
                               [2 * (math.exp(-1) - 1), 2.0])
    np.testing.assert_array_equal(_grad_of(lambda x: F.elu(x, alpha=2.0), [0.0]), [2.0])


def test_softplus_is_stable_and_linear_past_threshold():
    np.testing.assert_allclose(F.softplus(_leaf([0.0])).data, [math.log(2)])
    np.testing.assert_allclose(F.softplus(_leaf([1.0]), beta=2.0).data,
                               [math.log1p(math.exp(2)) / 2])
    assert F.softplus(_leaf([-1000.0])).item() == pytest.approx(0.0, abs=1e-300)
    assert F.softplus(_leaf([30.0])).item() == 30.0
    np.testing.assert_array_equal(_grad_of(F.softplus, [30.0]), [1.0])
    np.testing.assert_allclose(_grad_of(F.softplus, [0.0]), [0.5])


def test_activation_modules_match_functional(rng):
    x = tg.Tensor(rng.normal(size=(3, 4)))
    pairs = [(nn.GELU(), F.gelu(x)), (nn.GELU("tanh"), F.gelu(x, "tanh")),
             (nn.ELU(0.5), F.elu(x, 0.5)), (nn.Softplus(2.0, 10.0), F.softplus(x, 2.0, 10.0)),
             (nn.LogSoftmax(dim=0), x.log_softmax(0))]
    for module, expected in pairs:
        np.testing.assert_array_equal(module(x).data, expected.data)
    np.testing.assert_allclose(np.exp(nn.LogSoftmax()(x).data).sum(1), np.ones(3))


# ----- one_hot ------------------------------------------------------------------------
def test_one_hot_values_dtype_and_errors():
    out = F.one_hot(np.array([0, 2, 1]))
    assert out.dtype == np.int64 and out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(tg.Tensor(np.array([[1], [0]])), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(ValueError, match="not below"):
        F.one_hot(np.array([3]), num_classes=3)
    with pytest.raises(ValueError, match="non-negative"):
        F.one_hot(np.array([-1]))
    with pytest.raises(ValueError, match="integers"):
        F.one_hot(np.array([0.5]))


# ----- losses -------------------------------------------------------------------------
def test_bce_values_with_pytorch_clamp_and_gradients():
    p, y = _leaf([0.8, 0.0, 0.0, 1.0]), _leaf([1.0, 0.0, 1.0, 0.0])
    losses = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(losses.data, [-math.log(0.8), 0.0, 100.0, 100.0])
    losses.sum().backward()
    eps = float(np.float32(1e-12))  # PyTorch's clamp of p(1 - p) is a float32 constant
    np.testing.assert_allclose(p.grad, [-1.25, 0.0, -1 / eps, 1 / eps], rtol=1e-14)
    assert y.grad[0] == pytest.approx(math.log(0.2) - math.log(0.8))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(_leaf([1.5]), _leaf([1.0]))


def test_bce_gradcheck_and_weight(rng):
    p, y = _leaf(rng.uniform(0.1, 0.9, size=(3, 2))), _leaf(rng.uniform(size=(3, 2)))
    weight = np.array([0.5, 2.0])
    assert tg.gradcheck(lambda p, y: F.binary_cross_entropy(p, y, weight=weight), [p, y])
    unweighted = F.binary_cross_entropy(p, y, reduction="none").data
    np.testing.assert_allclose(nn.BCELoss(weight=weight, reduction="sum")(p, y).item(),
                               (unweighted * weight).sum())


def test_huber_values_and_gradient_on_both_sides_of_delta():
    x, target = _leaf([0.5, 2.0, -3.0, 1.0]), np.zeros(4)
    losses = F.huber_loss(x, target, reduction="none", delta=1.0)
    np.testing.assert_allclose(losses.data, [0.125, 1.5, 2.5, 0.5])
    losses.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 1.0, -1.0, 1.0])
    assert nn.HuberLoss(delta=2.0)(_leaf([3.0]), np.zeros(1)).item() == pytest.approx(4.0)


def test_smooth_l1_values_and_beta_zero_is_l1():
    x, target = _leaf([0.25, 2.0]), np.zeros(2)
    np.testing.assert_allclose(F.smooth_l1_loss(x, target, reduction="none", beta=0.5).data,
                               [0.0625, 1.75])
    np.testing.assert_allclose(F.smooth_l1_loss(x, target, beta=0.0).item(), 1.125)
    assert nn.SmoothL1Loss(reduction="sum")(x, target).item() == pytest.approx(0.03125 + 1.5)
    with pytest.raises(ValueError, match="beta"):
        F.smooth_l1_loss(x, target, beta=-1.0)


@pytest.mark.parametrize("loss", [lambda a, b: F.huber_loss(a, b, delta=0.7),
                                  lambda a, b: F.smooth_l1_loss(a, b, beta=0.7)],
                         ids=["huber", "smooth_l1"])
def test_robust_losses_pass_gradcheck(rng, loss):
    a = _leaf(rng.choice([-1.0, 1.0], size=(3, 4)) * rng.uniform(0.05, 2.0, size=(3, 4)))
    b = _leaf(np.zeros((3, 4)))
    assert tg.gradcheck(loss, [a, b])


def test_losses_refuse_unequal_shapes():
    for loss in (F.huber_loss, F.smooth_l1_loss, F.binary_cross_entropy):
        with pytest.raises(ValueError, match="shape"):
            loss(_leaf([0.5, 0.5]), _leaf([0.5]))


# ----- containers ---------------------------------------------------------------------
def test_flatten_keeps_the_batch_axis():
    x = tg.Tensor(np.zeros((2, 3, 4)))
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)


def test_module_list_registers_parameters():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 1)])

    model = Model()
    assert len(model.blocks) == 2 and isinstance(model.blocks[1], nn.Linear)
    assert len(model.parameters()) == 4
    assert "blocks.layers.0.weight" in dict(model.named_parameters())
    model.blocks.append(nn.Linear(1, 1))
    assert len(model.parameters()) == 6 and len(list(model.blocks)) == 3
    with pytest.raises(TypeError, match="Modules"):
        model.blocks.append(lambda x: x)


@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_huber_loss_refuses_a_non_positive_delta(delta):
    # delta=-1 gave a loss of -1.0 for a difference of 0.5; PyTorch raises
    with pytest.raises(ValueError, match=f"huber_loss: delta must be > 0, got {delta}"):
        F.huber_loss(tg.Tensor(np.array([0.5])), tg.Tensor(np.array([1.0])), delta=delta)
