"""PyTorch-named Tensor methods and factories (``_tensor_extras``, ``factories``): values
derived by hand, gradients against central differences in float64, kinks and edge cases."""
import math

import numpy as np
import pytest

import tinygrad_opt as tg


def _leaf(values):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _grad_of(fn, values):
    x = _leaf(values)
    fn(x).sum().backward()
    return x.grad


# ----- differentiable methods: one table for gradcheck over shapes ---------------------
GRADCHECKED = [
    ("std", lambda x: x.std(1)),
    ("std_population_keepdim", lambda x: x.std(dim=0, keepdim=True, correction=0)),
    ("norm", lambda x: x.norm()),
    ("norm_p1_dim", lambda x: x.norm(1, dim=1)),
    ("norm_p3_keepdim", lambda x: x.norm(3, dim=0, keepdim=True)),
    ("norm_inf", lambda x: x.norm(float("inf"), dim=1)),
    ("prod_all", lambda x: x.prod()),
    ("prod_dim", lambda x: x.prod(dim=1, keepdim=True)),
    ("cumsum_0", lambda x: x.cumsum(0)),
    ("cumsum_last", lambda x: x.cumsum(dim=-1)),
    ("logsumexp", lambda x: x.logsumexp(dim=1)),
    ("logsumexp_tuple_keepdim", lambda x: x.logsumexp((0, 1), keepdim=True)),
    ("square", lambda x: x.square()),
    ("neg", lambda x: x.neg()),
    ("clone", lambda x: x.clone() * 2),
    ("t", lambda x: x.t()),
    ("permute", lambda x: x.reshape(3, 2, 1).permute(2, 0, 1)),
    ("expand", lambda x: x[:, :1].expand(4, -1, 5)),
    ("repeat", lambda x: x.repeat(2, 1, 3)),
    ("gather", lambda x: x.gather(1, np.array([[0, 0, 2], [1, 0, 0]]))),
    ("masked_fill", lambda x: x.masked_fill(np.array([True, False, True]), 7.0)),
    ("add_alpha", lambda x: x.add(x * x, alpha=-0.5)),
    ("sub_alpha", lambda x: x.sub(x.exp(), alpha=3)),
    ("mul", lambda x: x.mul(x[:, ::-1])),
    ("div", lambda x: x.div(x * x + 1.0)),
    ("matmul", lambda x: x.matmul(x.t())),
    ("mm", lambda x: x.mm(x.T)),
]


@pytest.mark.parametrize("name, fn", GRADCHECKED, ids=[row[0] for row in GRADCHECKED])
def test_method_passes_gradcheck(rng, name, fn):
    values = rng.choice([-1.0, 1.0], size=(2, 3)) * rng.uniform(0.5, 2.0, size=(2, 3))
    assert tg.gradcheck(fn, [_leaf(values)])


def test_where_gradcheck_with_broadcasting(rng):
    condition = np.array([[True], [False], [True]])
    a, b = _leaf(rng.normal(size=(3, 4))), _leaf(rng.normal(size=(4,)))
    assert tg.gradcheck(lambda a, b: tg.where(condition, a, b), [a, b])


# ----- values and gradients by hand ---------------------------------------------------
def test_std_is_unbiased_by_default_as_pytorch():
    x = tg.Tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64)
    assert x.std().item() == pytest.approx(math.sqrt(5 / 3))
    assert x.std(correction=0).item() == pytest.approx(math.sqrt(1.25))
    assert x.std(0, False).item() == pytest.approx(math.sqrt(1.25))  # (dim, unbiased)
    assert x.reshape(2, 2).std(1, keepdim=True).shape == (2, 1)
    with pytest.raises(TypeError, match="unbiased and correction"):
        x.std(unbiased=True, correction=1)


def test_norm_values_and_gradient_at_zero_is_zero():
    assert _leaf([3.0, 4.0]).norm().item() == pytest.approx(5.0)
    np.testing.assert_allclose(_grad_of(lambda x: x.norm(), [3.0, 4.0]), [0.6, 0.8])
    np.testing.assert_array_equal(_grad_of(lambda x: x.norm(), [0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(_grad_of(lambda x: x.norm(1), [2.0, 0.0, -1.0]),
                                  [1.0, 0.0, -1.0])
    np.testing.assert_array_equal(_grad_of(lambda x: x.norm(0.5), [0.0, 4.0]), [0.0, 1.0])
    assert _leaf([[1.0, 2.0]]).norm(p="fro").item() == pytest.approx(math.sqrt(5))


def test_inf_norm_splits_the_gradient_between_ties():
    x = _leaf([1.0, -3.0, 3.0])
    assert x.norm(float("inf")).item() == 3.0
    np.testing.assert_array_equal(_grad_of(lambda x: x.norm(float("inf")), [1.0, -3.0, 3.0]),
                                  [0.0, -0.5, 0.5])


def test_norm_rejects_non_positive_p():
    with pytest.raises(ValueError, match="p must be > 0"):
        _leaf([1.0]).norm(0)


def test_prod_gradient_is_exact_with_zeros():
    assert _leaf([2.0, 3.0, 4.0]).prod().item() == 24.0
    np.testing.assert_array_equal(_grad_of(lambda x: x.prod(), [2.0, 3.0, 4.0]), [12, 8, 6])
    np.testing.assert_array_equal(_grad_of(lambda x: x.prod(), [2.0, 0.0, 4.0]), [0, 8, 0])
    np.testing.assert_array_equal(_grad_of(lambda x: x.prod(), [0.0, 3.0, 0.0]), [0, 0, 0])
    np.testing.assert_array_equal(_grad_of(lambda x: x.prod(0), np.zeros((0, 2))),
                                  np.zeros((0, 2)))
    assert _leaf(np.zeros((0, 2))).prod(0).tolist() == [1.0, 1.0]


def test_cumsum_values_and_reverse_cumulative_gradient():
    assert _leaf([1.0, 2.0, 3.0]).cumsum(0).tolist() == [1.0, 3.0, 6.0]
    np.testing.assert_array_equal(_grad_of(lambda x: x.cumsum(0), [1.0, 2.0, 3.0]), [3, 2, 1])
    with pytest.raises(TypeError, match="axis"):
        _leaf([1.0]).cumsum()


def test_logsumexp_is_stable_and_its_gradient_is_softmax():
    x = [0.0, math.log(3.0)]
    assert _leaf(x).logsumexp(0).item() == pytest.approx(math.log(4.0))
    np.testing.assert_allclose(_grad_of(lambda x: x.logsumexp(0), x), [0.25, 0.75])
    assert _leaf([1000.0, 1000.0]).logsumexp(0).item() == pytest.approx(1000 + math.log(2))
    assert _leaf([-np.inf, -np.inf]).logsumexp(0).item() == -np.inf


def test_gather_picks_along_dim_and_scatter_adds_the_gradient():
    index = np.array([[0, 0], [1, 0]])
    x = _leaf([[1.0, 2.0], [3.0, 4.0]])
    assert x.gather(1, index).tolist() == [[1.0, 1.0], [4.0, 3.0]]
    np.testing.assert_array_equal(_grad_of(lambda x: x.gather(1, index), x.data),
                                  [[2.0, 0.0], [1.0, 1.0]])
    assert x.gather(0, tg.Tensor(np.array([[1]]))).tolist() == [[3.0]]  # smaller index
    with pytest.raises(ValueError, match="integer array"):
        x.gather(1, np.array([0, 1]))


def test_masked_fill_values_gradient_and_bad_mask():
    x = _leaf([1.0, 2.0, 3.0])
    mask = np.array([False, True, False])
    assert x.masked_fill(mask, -1.0).tolist() == [1.0, -1.0, 3.0]
    np.testing.assert_array_equal(_grad_of(lambda x: x.masked_fill(mask, 0.0), x.data),
                                  [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="broadcast"):
        x.masked_fill(np.ones((2, 3), bool), 0.0)


def test_where_routes_gradients_and_sums_over_broadcasting():
    a, b = _leaf([[1.0, 2.0], [3.0, 4.0]]), _leaf([10.0, 20.0])
    out = tg.where(np.array([[True, False], [False, False]]), a, b)
    assert out.tolist() == [[1.0, 20.0], [10.0, 20.0]]
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(b.grad, [1.0, 2.0])
    assert tg.where(a > 2, a, 0.0).tolist() == [[0.0, 0.0], [3.0, 4.0]]
    assert a.where(a > 2, b).tolist() == [[10.0, 20.0], [3.0, 4.0]]


def test_expand_and_repeat_values_and_summed_gradients():
    x = _leaf([[1.0], [2.0]])
    assert x.expand(2, 3).tolist() == [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    np.testing.assert_array_equal(_grad_of(lambda x: x.expand(4, -1, 3), x.data), [[12], [12]])
    with pytest.raises(ValueError, match="cannot be expanded"):
        x.expand(3, 3)
    y = _leaf([1.0, 2.0])
    assert y.repeat(2, 2).tolist() == [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
    np.testing.assert_array_equal(_grad_of(lambda y: y.repeat((2, 3)), y.data), [6.0, 6.0])
    with pytest.raises(ValueError, match="repeat counts"):
        x.repeat(2)


def test_clone_copies_and_t_refuses_more_than_two_axes():
    x = _leaf([1.0, 2.0])
    copy = x.clone()
    copy.data[0] = 5.0
    assert x.data[0] == 1.0
    assert x.t().shape == (2,)
    with pytest.raises(ValueError, match="<= 2 axes"):
        _leaf(np.zeros((1, 2, 3))).t()


def test_arithmetic_method_forms():
    a, b = _leaf([1.0, 2.0]), _leaf([3.0, 5.0])
    assert a.add(b, alpha=2).tolist() == [7.0, 12.0]
    assert a.sub(b, alpha=2).tolist() == [-5.0, -8.0]
    assert a.mul(b).tolist() == [3.0, 10.0]
    assert a.div(b).tolist() == [1 / 3, 0.4]
    np.testing.assert_array_equal(_grad_of(lambda x: x.square(), [1.0, -3.0]), [2.0, -6.0])


# ----- no-gradient methods ------------------------------------------------------------
def test_sizes_and_boolean_reductions():
    x = tg.Tensor(np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]]))
    assert (x.numel(), x.nelement(), x.dim()) == (6, 6, 2)
    assert x.all() == np.False_ and x.any() == np.True_
    np.testing.assert_array_equal(x.all(dim=1), [False, True])
    assert x.any(1, keepdim=True).shape == (2, 1)


def test_integer_casts_cut_the_graph():
    x = _leaf([1.7, -2.2])
    assert x.long().dtype == np.int64 and x.long().tolist() == [1, -2]
    assert x.int().dtype == np.int32 and not x.int().requires_grad


def test_zero_and_fill_in_place_follow_the_in_place_rules():
    x = tg.Tensor([1.0, 2.0])
    assert x.fill_(3.0) is x and x.tolist() == [3.0, 3.0]
    assert x.zero_().tolist() == [0.0, 0.0]
    leaf = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        leaf.zero_()
    with pytest.raises(RuntimeError, match="no_grad"):
        (leaf * 2).fill_(1.0)
    with tg.no_grad():
        leaf.fill_(7.0)
    assert leaf.tolist() == [7.0, 7.0]


# ----- factories ----------------------------------------------------------------------
def test_eye_linspace_from_numpy_and_cat():
    assert tg.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert tg.eye(2).dtype == np.float32
    np.testing.assert_allclose(tg.linspace(-1, 2, 7).data, [-1, -0.5, 0, 0.5, 1, 1.5, 2])
    assert tg.linspace(0, 1, 0).shape == (0,)
    array = np.zeros(3)
    shared = tg.from_numpy(array)
    array[1] = 4.0
    assert shared.dtype == np.float64 and shared.tolist() == [0.0, 4.0, 0.0]
    with pytest.raises(TypeError, match="np.ndarray"):
        tg.from_numpy([1.0])
    a, b = _leaf([[1.0]]), _leaf([[2.0, 3.0]])
    assert tg.cat([a, b], dim=1).tolist() == [[1.0, 2.0, 3.0]]


def test_new_ops_keep_float32_in_value_and_gradient():
    x = tg.Tensor(np.array([[0.5, -1.0], [2.0, 0.0]], np.float32), requires_grad=True)
    for out in (x.norm(), x.logsumexp(1), x.prod(1), x.cumsum(1), x.std(),
                tg.where(x > 0, x, 0.0), x.masked_fill(x > 1, 2.0), x.repeat(1, 2),
                tg.nn.functional.gelu(x), tg.nn.functional.softplus(x)):
        x.zero_grad()
        out.sum().backward()
        assert out.dtype == np.float32 and x.grad.dtype == np.float32


def test_reductions_over_a_size_one_axis():
    x = _leaf([[-2.0, 3.0]])
    assert x.logsumexp(0).tolist() == [-2.0, 3.0]
    np.testing.assert_array_equal(_grad_of(lambda x: x.logsumexp(0), x.data), [[1.0, 1.0]])
    assert x.norm(dim=0).tolist() == [2.0, 3.0]
    np.testing.assert_array_equal(_grad_of(lambda x: x.norm(dim=0), x.data), [[-1.0, 1.0]])
    assert x.prod(0).tolist() == [-2.0, 3.0]
    assert x.cumsum(0).tolist() == [[-2.0, 3.0]]
    with pytest.raises(TypeError, match="one int"):
        x.prod((0, 1))


@pytest.mark.parametrize("call", [
    lambda x: x.split(2, dim=2), lambda x: x.unbind(-3), lambda x: x.chunk(2, 2),
    lambda x: x.index_select(2, np.array([0])), lambda x: x.gather(-3, np.array([[0]])),
    lambda x: x.flip(2)])
def test_out_of_range_dim_raises_instead_of_wrapping(call):
    # dim % ndim used to turn dim=2 of a 2-D tensor into axis 0, silently
    with pytest.raises(IndexError, match="out of range for 2 axes"):
        call(tg.Tensor(np.zeros((3, 4))))


@pytest.mark.parametrize("index", [[-1], [3]])
def test_index_select_refuses_negative_and_too_large_indices(index):
    # PyTorch raises; NumPy indexing wrapped -1 to the last row
    with pytest.raises(IndexError, match=f"index {index[0]} is out of range .* size 3"):
        tg.Tensor(np.zeros((3, 4))).index_select(0, np.array(index))


@pytest.mark.parametrize("index, error", [(np.array([1.0]), TypeError),
                                          (np.array([True]), TypeError),
                                          (np.array([[1]]), ValueError)])
def test_index_select_refuses_float_bool_and_2d_index(index, error):
    with pytest.raises(error, match="index_select: index must be"):
        tg.Tensor(np.zeros((3, 4))).index_select(0, index)


def test_gather_refuses_negative_index():
    with pytest.raises(IndexError, match="gather: index -1 is out of range .* size 4"):
        tg.Tensor(np.zeros((3, 4))).gather(1, np.array([[-1]]))


def test_index_select_and_gather_values_and_gradients_negative_dim():
    x = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(tg.Tensor(x).index_select(-1, np.array([2, 0, 2])).data,
                          [[2, 0, 2], [5, 3, 5]])
    # index 2 picked twice: gradient 2 there, 1 at index 0, 0 at index 1
    np.testing.assert_array_equal(
        _grad_of(lambda t: t.index_select(-1, np.array([2, 0, 2])), x), [[1, 0, 2], [1, 0, 2]])
    np.testing.assert_array_equal(
        _grad_of(lambda t: t.gather(-1, np.array([[1, 1], [0, 2]])), x), [[0, 2, 0], [1, 0, 1]])


def test_flip_refuses_repeated_dim_and_tril_needs_two_axes():
    with pytest.raises(ValueError, match=r"flip: dims \(0, 0\) name an axis twice"):
        tg.Tensor(np.zeros((3, 4))).flip(0, 0)
    with pytest.raises(ValueError, match=r"tril expects .* at least 2 axes, got shape \(4,\)"):
        tg.Tensor(np.zeros(4)).tril()


@pytest.mark.parametrize("call, message", [
    (lambda x: x.chunk(0), "chunks must be positive, got 0"),
    (lambda x: x.chunk(-1), "chunks must be positive, got -1"),
    (lambda x: x.sum().split(1), "split expects .* at least one axis"),
    (lambda x: x.sum().unbind(0), "unbind expects .* at least one axis")])
def test_chunk_split_unbind_misuse(call, message):
    with pytest.raises(ValueError, match=message):
        call(tg.Tensor(np.zeros((3, 4))))


def test_chunk_negative_dim():
    pieces = tg.Tensor(np.arange(10.0).reshape(2, 5)).chunk(2, -1)
    assert [p.shape for p in pieces] == [(2, 3), (2, 2)]


@pytest.mark.parametrize("name", ["sum", "mean", "max", "amax", "prod", "norm", "logsumexp",
                                  "cumsum"])
def test_zero_d_tensor_reduces_along_dim_0_to_itself(name):
    # PyTorch: dim 0 or -1 of a 0-d tensor is the tensor itself (AxisError/IndexError before,
    # and cumsum gave shape (1,) whose backward failed)
    for dim in (0, -1):
        x = _leaf(3.0)
        out = getattr(x, name)(dim=dim)
        out.backward()
        assert out.shape == () and out.item() == 3.0 and x.grad == 1.0


def test_zero_d_flip_is_itself():
    assert tg.Tensor(2.5).flip(0).item() == 2.5


def test_tril_triu_masked_fill_keep_integer_dtype():
    x = tg.Tensor(np.array([[1, 2], [3, 4]]))
    assert x.tril().dtype == np.int64 and np.array_equal(x.tril().data, [[1, 0], [3, 4]])
    assert x.triu().dtype == np.int64 and np.array_equal(x.triu().data, [[1, 2], [0, 4]])
    filled = x.masked_fill(np.array([[True, False], [False, True]]), 0.5)
    assert filled.dtype == np.int64 and np.array_equal(filled.data, [[0, 2], [3, 0]])


def test_logsumexp_of_integers_is_float32():
    out = tg.Tensor(np.array([0, 0])).logsumexp(dim=0)
    assert out.dtype == np.float32 and out.item() == pytest.approx(math.log(2))


def test_split_and_chunk_of_an_empty_axis_give_empty_pieces():
    x = tg.Tensor(np.zeros((0, 4)))
    assert [p.shape for p in x.split(2)] == [(0, 4)]
    assert [p.shape for p in x.chunk(3)] == [(0, 4)] * 3


@pytest.mark.parametrize("condition", [np.array([1, 0]), np.array([0.5, 0.0])])
def test_where_refuses_a_non_boolean_condition(condition):
    # NumPy read 0.5 as true; PyTorch raises
    with pytest.raises(TypeError, match="where: condition must be boolean, got dtype"):
        tg.where(condition, tg.Tensor(np.array([1.0, 2.0])), 0.0)


@pytest.mark.parametrize("sections", [[-1, 5], [1.5, 2.5], 2.0])
def test_split_refuses_negative_or_non_integer_sizes(sections):
    # [-1, 5] sums to 4 and gave pieces of 3 and 1; [1.5, 2.5] was truncated to [1, 2]
    with pytest.raises(TypeError, match="split_size_or_sections must be an int or a list"):
        tg.Tensor(np.arange(4.0)).split(sections)


def test_split_sections_may_be_zero_or_a_tuple():
    pieces = tg.Tensor(np.arange(4.0)).split((0, 1, 3))
    assert [p.shape for p in pieces] == [(0,), (1,), (3,)]


def test_clamp_of_integers_by_a_float_bound_is_float32():
    # NumPy's clip gave float64; PyTorch's default float dtype is float32
    x = tg.Tensor(np.array([-2, 0, 3]))
    assert x.clamp_min(0.5).dtype == np.float32 and x.clamp_min(0.5).tolist() == [0.5, 0.5, 3]
    assert x.clamp_max(1.5).dtype == np.float32 and x.clamp(0, 1).dtype == np.int64
