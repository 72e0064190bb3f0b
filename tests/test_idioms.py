"""Idioms that ports of other projects' test suites use (micrograd-style scalar chains,
op-by-op forward/backward tables, PyTorch's functional spelling): values derived by hand or
with NumPy, gradients against central differences in float64."""
import math

import numpy as np
import pytest

import tinygrad_opt as tg

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
POSITIVE = np.abs(RNG.standard_normal((3, 4))) + 0.5


def _leaf(values):
    return tg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ----- gradcheck table of the methods added for ports ----------------------------------
GRADCHECKED = [
    ("log1p", lambda x: x.log1p(), POSITIVE),
    ("expm1", lambda x: x.expm1(), X),
    ("reciprocal", lambda x: x.reciprocal(), POSITIVE),
    ("rsqrt", lambda x: x.rsqrt(), POSITIVE),
    ("log2", lambda x: x.log2(), POSITIVE),
    ("log10", lambda x: x.log10(), POSITIVE),
    ("exp2", lambda x: x.exp2(), X),
    ("tan", lambda x: x.tan(), X * 0.5),
    ("abs_builtin", lambda x: abs(x), X),
    ("mod_float", lambda x: x % 0.7, X),
    ("rmod_float", lambda x: 2.5 % x, POSITIVE),
    ("minimum", lambda x: x.minimum(x.flip(0)), X),
    ("clamp_min", lambda x: x.clamp_min(0.1), X),
    ("clamp_max", lambda x: x.clamp_max(0.1), X),
    ("lerp", lambda x: x.lerp(x * x, 0.3), X),
    ("amax", lambda x: x.amax(dim=1), X),
    ("amin_keepdim", lambda x: x.amin(0, keepdim=True), X),
    ("var_unbiased", lambda x: x.var(dim=1, unbiased=True), X),
    ("var_correction", lambda x: x.var(correction=2), X),
    ("transpose_two_axes_3d", lambda x: x.reshape(3, 2, 2).transpose(0, 2), X),
    ("transpose_negative", lambda x: x.reshape(3, 2, 2).transpose(-1, -3), X),
    ("flip", lambda x: x.flip(0, 1), X),
    ("split_cat", lambda x: tg.cat([p * (i + 1) for i, p in enumerate(x.split([1, 3], 1))],
                                   1), X),
    ("chunk_cat", lambda x: tg.cat([p * (i + 1) for i, p in enumerate(x.chunk(3, 0))]), X),
    ("unbind_stack", lambda x: tg.stack([r * (i + 1) for i, r in enumerate(x.unbind(1))]), X),
    ("index_select", lambda x: x.index_select(1, np.array([3, 0, 3])), X),
    ("tril", lambda x: x.tril(), X),
    ("triu_1", lambda x: x.triu(1), X),
    ("expand_as", lambda x: x[:1].expand_as(x), X),
    ("view_as", lambda x: x.view_as(np.zeros((4, 3))), X),
    ("dot", lambda x: x[0].dot(x[1]), X),
    ("outer", lambda x: x[0].outer(x[1, :3]), X),
    ("bmm", lambda x: x.reshape(1, 3, 4).bmm(x.reshape(1, 4, 3)), X),
    ("tg_functions", lambda x: tg.sum(tg.exp(x) * tg.sigmoid(x), dim=1) + tg.matmul(x, x.T)[0],
     X),
]


@pytest.mark.parametrize("name, fn, values", GRADCHECKED, ids=[row[0] for row in GRADCHECKED])
def test_gradcheck(name, fn, values):
    assert tg.gradcheck(fn, [_leaf(values)])


# ----- forward values from NumPy -------------------------------------------------------
def test_values_match_numpy():
    x = tg.Tensor(X)
    np.testing.assert_allclose(tg.Tensor(POSITIVE).log1p().data, np.log1p(POSITIVE))
    np.testing.assert_allclose((x * 1e-12).expm1().data, np.expm1(X * 1e-12), rtol=1e-15)
    np.testing.assert_allclose((x % 0.7).data, np.mod(X, 0.7))
    np.testing.assert_allclose((x % -0.7).data, np.mod(X, -0.7))  # sign of the divisor
    np.testing.assert_allclose((x // 0.7).data, np.floor_divide(X, 0.7))
    np.testing.assert_allclose(x.tan().data, np.tan(X))
    np.testing.assert_allclose(x.var(dim=0, unbiased=True).data, X.var(axis=0, ddof=1))
    np.testing.assert_allclose(x.var().data, X.var())  # the contract's ddof=0 default
    assert x.reshape(2, 3, 2).transpose(0, 2).shape == (2, 3, 2)
    np.testing.assert_array_equal(x.transpose(0, 1).data, X.T)  # PyTorch's swap, not NumPy
    np.testing.assert_array_equal(x.reshape(2, 3, 2).transpose(1, 2).data,
                                  X.reshape(2, 3, 2).swapaxes(1, 2))


def test_round_is_half_to_even_and_step_functions_have_zero_gradient():
    x = _leaf([-1.5, -0.5, 0.5, 1.5, 2.5, 0.0])
    np.testing.assert_array_equal(x.round().data, [-2, -0, 0, 2, 2, 0])
    np.testing.assert_array_equal(x.sign().data, [-1, -1, 1, 1, 1, 0])
    np.testing.assert_array_equal(x.floor().data, [-2, -1, 0, 1, 2, 0])
    np.testing.assert_array_equal(x.ceil().data, [-1, -0, 1, 2, 3, 0])
    np.testing.assert_array_equal(x.trunc().data, [-1, 0, 0, 1, 2, 0])
    (x.round() + x.sign() + x.floor() + x.ceil() + x.trunc()).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros(6))


def test_mod_gradients_by_hand():
    # a % b = a - b * floor(a / b): d/da = 1, d/db = -floor(a / b)
    a, b = _leaf([7.0, -7.0]), _leaf([2.0, 2.0])
    out = a % b
    np.testing.assert_array_equal(out.data, [1.0, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    np.testing.assert_array_equal(b.grad, [-3.0, 4.0])


def test_integer_mod_and_floordiv_stay_integers():
    x = tg.Tensor(np.array([7, -7, 5]))
    assert (x % 3).dtype == np.int64 and (x // 2).dtype == np.int64
    np.testing.assert_array_equal((x % 3).data, [1, 2, 2])
    np.testing.assert_array_equal((x // 2).data, [3, -4, 2])
    np.testing.assert_array_equal((10 % tg.Tensor(np.array([3, 4]))).data, [1, 2])


def test_micrograd_style_scalar_chain_by_hand():
    # f(a, b) = (a*b + b**3) / (b - a) + 2**a - 1/b at a=-1, b=2:
    # f = (-2 + 8)/3 + 0.5 - 0.5 = 2
    a, b = _leaf(-1.0), _leaf(2.0)
    f = (a * b + b ** 3) / (b - a) + 2 ** a - 1 / b
    f.backward()
    assert f.item() == pytest.approx(2.0)
    # df/da = (b (b - a) + (a b + b^3)) / (b - a)^2 + 2^a ln 2 = (6 + 6)/9 + 0.5 ln 2
    assert a.grad == pytest.approx(12 / 9 + 0.5 * math.log(2))
    # df/db = ((a + 3 b^2)(b - a) - (a b + b^3)) / (b - a)^2 + 1/b^2 = (33 - 6)/9 + 0.25
    assert b.grad == pytest.approx(27 / 9 + 0.25)
    assert isinstance(+a, tg.Tensor) and (+a).item() == -1.0


def test_split_sizes_and_errors():
    x = tg.Tensor(np.arange(10.0))
    assert [p.shape for p in x.split(4)] == [(4,), (4,), (2,)]
    assert [p.shape for p in x.chunk(3)] == [(4,), (4,), (2,)]
    with pytest.raises(ValueError, match="sum to 9"):
        x.split([4, 5])


def test_module_level_functions_lift_arrays_and_keep_builtins():
    np.testing.assert_allclose(tg.exp(np.zeros(2)).data, [1.0, 1.0])
    assert tg.max(tg.Tensor([1.0, 3.0])).item() == 3.0
    assert tg.allclose(tg.Tensor([1.0]), np.array([1.0 + 1e-9]))
    np.testing.assert_array_equal(tg.isnan(tg.Tensor([1.0, np.nan])), [False, True])
    assert tg.is_tensor(tg.ones(1)) and not tg.is_tensor(np.ones(1))
    assert sum([1, 2]) == 3  # the builtins are untouched outside tg's namespace


def test_like_factories_and_randint():
    x = tg.Tensor(np.ones((2, 3)))
    assert tg.full_like(x, 7.0).data.tolist() == [[7.0] * 3] * 2
    assert tg.randn_like(x).shape == (2, 3) and tg.randn_like(x).dtype == np.float64
    assert tg.rand_like(tg.Tensor(np.ones(2, dtype=np.int64))).dtype == np.float32
    r = tg.randint(0, 5, (100,), rng=np.random.default_rng(1))
    assert r.dtype == np.int64 and r.data.min() >= 0 and r.data.max() < 5
    assert tg.empty(2, 2).shape == (2, 2)


def test_setitem_without_graph_and_refused_in_a_graph():
    x = tg.zeros(2, 3)
    x[0, 1:] = 5.0
    x[x.data < 1] = -1.0
    np.testing.assert_array_equal(x.data, [[-1, 5, 5], [-1, -1, -1]])
    w = _leaf([1.0, 2.0])
    y = w * 2
    with pytest.raises(RuntimeError, match="tg.where"):
        y[0] = 0.0
    with tg.no_grad():
        w[0] = 9.0
    assert w.data[0] == 9.0


# ----- no-grad results used the PyTorch way ---------------------------------------------
def test_comparison_casts_for_accuracy_idioms():
    logits = tg.Tensor(np.array([[0.1, 2.0], [3.0, -1.0], [0.0, 1.0]]))
    labels = np.array([1, 0, 0])
    pred = logits.argmax(dim=1)
    assert isinstance(pred, tg.Tensor) and pred.dtype == np.int64
    accuracy = (pred == labels).float().mean()
    assert isinstance(accuracy, tg.Tensor) and accuracy.dtype == np.float32
    assert accuracy.item() == pytest.approx(2 / 3)
    assert pred.eq(tg.Tensor(labels)).sum().item() == 2  # PyTorch's MNIST example
    mask = logits > 0
    assert isinstance(mask, np.ndarray) and mask.dtype == bool
    assert (~mask).long().dtype == np.int64 and (mask & (logits < 2)).double().sum().item() == 2
    assert (mask.sum(), type(mask * 1.0)) == (4, np.ndarray)  # non-boolean results: plain
    assert tg.isnan(tg.Tensor([np.nan, 1.0])).int().tolist() == [1, 0]


def test_size_is_numpys_int_and_pytorchs_call():
    x = tg.Tensor(np.zeros((2, 3)))
    assert x.size == 6 and x.size() == (2, 3) and x.size(-1) == 3 and x.size(0) == 2


def test_inplace_methods_update_without_a_graph_and_refuse_in_one():
    w = _leaf([1.0, 2.0])
    (w * w).sum().backward()
    with tg.no_grad():
        assert w.sub_(w.grad, alpha=0.5) is w  # w - 0.5 * 2w = 0
        np.testing.assert_array_equal(w.data, [0.0, 0.0])
        w.add_(np.array([3.0, -3.0])).mul_(2).div_(4).clamp_(min=-1.0)
        np.testing.assert_array_equal(w.data, [1.5, -1.0])
        w.copy_(np.array([5.0, 6.0]))
    np.testing.assert_array_equal(w.data, [5.0, 6.0])
    with pytest.raises(RuntimeError, match="add_"):
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="in-place"):
        (w * 2).mul_(3.0)  # a result of ops: refused, not silently left unchanged


def test_new_factories_keep_dtype_and_mT_swaps_last_axes():
    x = tg.Tensor(np.zeros((2, 3, 4)))
    assert x.new_zeros(2, 2).dtype == np.float64 and x.new_ones((3,)).data.tolist() == [1, 1, 1]
    assert x.new_full((1,), 7).data.tolist() == [7.0] and x.new_tensor([1, 2]).dtype == np.float64
    assert x.mT.shape == (2, 4, 3)
    assert tg.gradcheck(lambda t: t.mT * 2, [_leaf(np.ones((2, 3, 4)))])


def test_a_comparison_result_casts_and_prints_as_a_plain_array():
    mask = tg.Tensor([1.0, 2.0, 3.0]) > 1.5
    as_float = mask.astype(np.float64)
    assert type(as_float) is np.ndarray and as_float.tolist() == [0.0, 1.0, 1.0]
    assert repr(mask) == repr(np.array([False, True, True]))
    assert mask.float().data.tolist() == [0.0, 1.0, 1.0]


def test_concat_is_torchs_other_name_for_cat():
    a, b = tg.Tensor(np.array([[1.0, 2.0]])), tg.Tensor(np.array([[3.0, 4.0]]))
    assert np.array_equal(tg.concat([a, b], dim=1).data, [[1, 2, 3, 4]])
