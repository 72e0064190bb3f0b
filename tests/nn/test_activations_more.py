"""SiLU, Mish, Hardtanh/ReLU6, SELU, LogSigmoid, Softsign, normalize, cosine_similarity,
kl_div and Module.apply/modules: values by hand or NumPy, gradients against central
differences in float64."""
import math

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn
from tinygrad_opt.nn import functional as F

X = np.random.default_rng(0).standard_normal((3, 4))
P = np.abs(X) / np.abs(X).sum(axis=1, keepdims=True)  # rows sum to 1
P[0, 0] = 0.0  # a zero target: its term is 0, as PyTorch's xlogy


def _leaf(values):
    return tg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


GRADCHECKED = [
    ("silu", F.silu), ("mish", F.mish), ("selu", F.selu), ("logsigmoid", F.logsigmoid),
    ("softsign", F.softsign), ("hardtanh", lambda x: F.hardtanh(x * 2)),
    ("relu6", lambda x: F.relu6(x * 5)),
    ("normalize", lambda x: F.normalize(x)), ("normalize_p1_dim0", lambda x: F.normalize(x, 1, 0)),
    ("cosine_similarity", lambda x: F.cosine_similarity(x, x.flip(0) + 0.5)),
    ("kl_div_batchmean", lambda x: F.kl_div(x.log_softmax(1), P, reduction="batchmean")),
    ("kl_div_log_target", lambda x: F.kl_div(x.log_softmax(1), X, log_target=True)),
]


@pytest.mark.parametrize("name, fn", GRADCHECKED, ids=[row[0] for row in GRADCHECKED])
def test_gradcheck(name, fn):
    assert tg.gradcheck(fn, [_leaf(X)])


def test_values_by_hand():
    x = np.array([-40.0, -1.0, 0.0, 1.0, 40.0])
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(F.silu(x).data, x * sigmoid)
    np.testing.assert_allclose(F.mish(x).data, x * np.tanh(np.log1p(np.exp(x))))
    np.testing.assert_allclose(F.softsign(x).data, x / (1 + np.abs(x)))
    # log sigmoid(-40) = -40 - log1p(e^-40): no overflow, no rounding to -inf
    np.testing.assert_allclose(F.logsigmoid(x).data, np.minimum(x, 0) - np.log1p(np.exp(-abs(x))))
    selu = F.selu(x).data
    assert selu[3] == pytest.approx(1.0507009873554805)
    assert selu[1] == pytest.approx(1.0507009873554805 * 1.6732632423543772 * (math.exp(-1) - 1))


def test_hardtanh_gradient_is_zero_at_the_bounds():
    x = _leaf([-2.0, -1.0, 0.0, 1.0, 2.0])
    F.hardtanh(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 1, 0, 0])
    x = _leaf([0.0, 3.0, 6.0])
    nn.ReLU6()(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 1, 0])


def test_kl_div_reductions_and_zero_target():
    log_q = np.log(np.full((3, 4), 0.25))
    pointwise = np.where(P > 0, P * np.log(np.where(P > 0, P, 1)), 0) - P * log_q
    for reduction, expected in [("sum", pointwise.sum()), ("mean", pointwise.mean()),
                                ("batchmean", pointwise.sum() / 3)]:
        assert F.kl_div(log_q, P, reduction=reduction).item() == pytest.approx(expected)
    with pytest.raises(ValueError, match="reduction"):
        F.kl_div(log_q, P, reduction="avg")


def test_cosine_similarity_of_parallel_and_orthogonal_rows():
    a = np.array([[1.0, 0.0], [2.0, 2.0]])
    b = np.array([[0.0, 3.0], [1.0, 1.0]])
    np.testing.assert_allclose(F.cosine_similarity(a, b).data, [0.0, 1.0])


def test_module_apply_visits_children_then_self_and_modules_lists_all():
    model = nn.Sequential(nn.Linear(2, 3), nn.SiLU(), nn.Linear(3, 1))
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Dense", "SiLU", "Dense", "Sequential"]
    assert [type(m).__name__ for m in model.modules()] == ["Sequential", "Dense", "SiLU", "Dense"]

    def zero_linear(module):
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)
    model.apply(zero_linear)
    assert not model[0].weight.data.any() and not model[2].weight.data.any()


def test_modules_are_the_functions():
    x = tg.Tensor(X)
    for module, function in [(nn.SiLU(), F.silu), (nn.Mish(), F.mish), (nn.SELU(), F.selu),
                             (nn.LogSigmoid(), F.logsigmoid), (nn.Softsign(), F.softsign),
                             (nn.Hardtanh(-0.5, 0.5), lambda t: F.hardtanh(t, -0.5, 0.5))]:
        np.testing.assert_array_equal(module(x).data, function(x).data)
    with pytest.raises(ValueError, match="min_val"):
        nn.Hardtanh(1.0, 0.0)


@pytest.mark.parametrize("inplace, plain", [
    (lambda: nn.ReLU(inplace=True), nn.ReLU), (lambda: nn.LeakyReLU(0.2, True),
                                               lambda: nn.LeakyReLU(0.2)),
    (lambda: nn.ELU(1.0, True), nn.ELU), (lambda: nn.SiLU(inplace=True), nn.SiLU),
    (lambda: nn.Mish(inplace=True), nn.Mish), (lambda: nn.ReLU6(True), nn.ReLU6),
    (lambda: nn.SELU(inplace=True), nn.SELU),
    (lambda: nn.Hardtanh(-1.0, 1.0, True), nn.Hardtanh),
    (lambda: nn.Dropout(0.5, inplace=True).eval(), lambda: nn.Dropout(0.5).eval())])
def test_torch_inplace_argument_is_accepted_and_leaves_the_input(inplace, plain):
    # nn.ReLU(inplace=True) from PyTorch code was a TypeError; the values are those of the
    # out-of-place module and the input keeps its values
    layer, x = inplace(), tg.Tensor(np.array([-2.0, 0.5]))
    out = layer(x)
    assert "inplace=True" in repr(layer) and "inplace" not in repr(plain())
    assert np.array_equal(x.data, [-2.0, 0.5])
    np.testing.assert_array_equal(out.data, plain()(x).data)


@pytest.mark.parametrize("name, args", [("relu", ()), ("leaky_relu", (0.2,)), ("elu", (1.0,)),
                                        ("silu", ()), ("mish", ()), ("hardtanh", (-1.0, 1.0)),
                                        ("relu6", ()), ("selu", ()), ("dropout", (0.5, False))])
def test_functional_inplace_argument_is_accepted(name, args):
    # F.relu(x, inplace=True) from PyTorch code was a TypeError; same values, input kept
    x = tg.Tensor(np.array([-2.0, 0.5]))
    out = getattr(F, name)(x, *args, inplace=True)
    assert np.array_equal(x.data, [-2.0, 0.5])
    np.testing.assert_array_equal(out.data, getattr(F, name)(x, *args).data)


def test_leaky_relu_refuses_integer_input():
    # the slope was cast to the int dtype: leaky_relu of -2 gave 0 instead of -0.02
    with pytest.raises(TypeError, match="leaky_relu needs a float tensor, got dtype int64"):
        F.leaky_relu(tg.Tensor(np.array([-2, 3])))
