"""Dense, Sequential, Dropout and activation modules."""
import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.gradcheck import check_model_gradients, gradcheck
from tinygrad_opt.nn import functional as F
from tinygrad_opt.tensor import Tensor


def test_dense_is_x_at_weight_plus_bias_with_in_out_layout(rng):
    layer = nn.Dense(3, 2, rng=rng)
    assert nn.Linear is nn.Dense
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (2,)
    np.testing.assert_array_equal(layer.bias.data, 0.0)
    layer.bias.data[...] = [1.0, -1.0]
    x = rng.normal(size=(4, 3)).astype(np.float32)
    expected = x @ layer.weight.data + layer.bias.data
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-6)


def test_dense_without_bias_and_with_leading_axes(rng):
    layer = nn.Dense(3, 5, bias=False, rng=rng)
    assert layer.bias is None and len(layer.parameters()) == 1
    assert layer(Tensor(np.ones((2, 4, 3), np.float32))).shape == (2, 4, 5)


def test_dense_wrong_width_names_expected_and_actual():
    message = r"expected input with 3 features.*got 5 \(input shape \(4, 5\)\)"
    with pytest.raises(ValueError, match=message):
        nn.Dense(3, 2)(Tensor(np.ones((4, 5), np.float32)))


@pytest.mark.parametrize("name, std", [("xavier_uniform", np.sqrt(2 / 500)),
                                       ("xavier_normal", np.sqrt(2 / 500)),
                                       ("kaiming_uniform", np.sqrt(2 / 200)),
                                       ("kaiming_normal", np.sqrt(2 / 200)),
                                       ("normal", 0.01)])
def test_dense_weight_init_by_name(rng, name, std):
    weight = nn.Dense(200, 300, weight_init=name, rng=rng).weight.data
    assert abs(weight.std() / std - 1) < 0.03


def test_dense_weight_init_zeros_callable_and_unknown(rng):
    assert not nn.Dense(3, 2, weight_init="zeros").weight.data.any()
    layer = nn.Dense(3, 2, weight_init=lambda w: nn.init.constant_(w, 0.5))
    np.testing.assert_array_equal(layer.weight.data, 0.5)
    with pytest.raises(ValueError, match="glorot"):
        nn.Dense(3, 2, weight_init="glorot")


def test_dense_rng_makes_weights_reproducible():
    first = nn.Dense(4, 4, rng=np.random.default_rng(3)).weight.data
    second = nn.Dense(4, 4, rng=np.random.default_rng(3)).weight.data
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("batch", [1, 4])
def test_dense_gradcheck(rng, batch):
    x = Tensor(rng.normal(size=(batch, 3)), requires_grad=True)
    w = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = Tensor(rng.normal(size=2), requires_grad=True)
    assert gradcheck(F.linear, [x, w, b])
    assert gradcheck(lambda x, w: F.linear(x, w), [x, w])


def test_mlp_parameters_pass_model_gradcheck(rng):
    model = nn.Sequential(nn.Dense(3, 5, rng=rng), nn.Tanh(), nn.Dense(5, 4, rng=rng),
                          nn.LeakyReLU(0.1), nn.Dense(4, 3, rng=rng))
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, 6)
    report = check_model_gradients(model, nn.CrossEntropyLoss(), X, y)
    assert report.passed, str(report)


class _MyReLU(nn.ReLU):
    """A subclass may change forward, so Sequential must not fuse it."""


def test_sequential_fuses_dense_then_relu_with_the_same_numbers(rng):
    dense, second = nn.Dense(3, 5, rng=rng), nn.Dense(5, 2, rng=rng)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    runs = []
    for model in (nn.Sequential(dense, nn.ReLU(), second),
                  nn.Sequential(dense, _MyReLU(), second)):
        model.zero_grad()
        out = model(X)
        F.cross_entropy(out, np.array([0, 1, 1, 0, 1, 0])).backward()
        runs.append((out, [param.grad for param in model.parameters()]))
    (fused, fused_grads), (plain, plain_grads) = runs
    assert type(fused._ctx.parents[0]._ctx).__name__ == "LinearReLU"
    assert type(plain._ctx.parents[0]._ctx).__name__ == "ReLU"
    np.testing.assert_array_equal(fused.data, plain.data)
    for a, b in zip(fused_grads, plain_grads):
        np.testing.assert_array_equal(a, b)


def test_dense_relu_switch_is_max_of_the_affine_map(rng):
    dense = nn.Dense(3, 4, bias=False, rng=rng)
    X = rng.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(dense(X, relu=True).data, np.maximum(dense(X).data, 0))


def test_sequential_indexing_len_and_iteration():
    first, second, third = nn.Dense(2, 3), nn.ReLU(), nn.Dense(3, 1)
    model = nn.Sequential(first, second, third)
    assert len(model) == 3 and model[0] is first and model[-1] is third
    assert list(model) == [first, second, third]
    assert isinstance(model[1:], nn.Sequential) and list(model[1:]) == [second, third]
    with pytest.raises(TypeError, match="argument 1"):
        nn.Sequential(first, "relu")


def test_dropout_zeroes_about_p_and_scales_the_rest(rng):
    x = Tensor(np.ones((200, 500)))
    out = nn.Dropout(0.3, rng=rng)(x).data
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.7)


def test_dropout_is_identity_in_eval_and_for_p_zero(rng):
    x = Tensor(rng.normal(size=(3, 4)))
    layer = nn.Dropout(0.5, rng=rng).eval()
    np.testing.assert_array_equal(layer(x).data, x.data)
    np.testing.assert_array_equal(nn.Dropout(0.0)(x).data, x.data)
    with pytest.warns(UserWarning, match="cannot learn"):
        np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, 0.0)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_p_outside_unit_interval(p):
    with pytest.raises(ValueError, match=str(p)):
        nn.Dropout(p)


def test_dropout_gradient_is_the_same_mask(rng):
    x = Tensor(rng.normal(size=(4, 5)), requires_grad=True)
    out = nn.Dropout(0.5, rng=np.random.default_rng(7))(x)
    out.backward(np.ones((4, 5)))
    np.testing.assert_array_equal(x.grad, out.data / x.data)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
    (nn.Identity(), lambda x: x),
]


@pytest.mark.parametrize("module, reference", ACTIVATIONS)
def test_activation_forward_and_gradcheck(rng, module, reference):
    x = rng.normal(size=(3, 4))
    x[np.abs(x) < 0.05] = 0.5  # keep finite differences away from the kinks at 0
    np.testing.assert_allclose(module(Tensor(x)).data, reference(x), rtol=1e-12)
    if not isinstance(module, nn.Identity):
        assert gradcheck(module, [Tensor(x, requires_grad=True)])


@pytest.mark.parametrize("sizes", [(-1, 3), (4, 2.5)])
def test_dense_rejects_negative_or_fractional_sizes_naming_them(sizes):
    with pytest.raises(ValueError, match="features"):
        nn.Dense(*sizes)
