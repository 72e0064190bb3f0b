"""Fused CrossEntropy, WeightedCrossEntropy and BCEWithLogits: values, gradients, stability
for huge logits."""
import numpy as np
import pytest

from tinygrad_opt.functions.loss import BCEWithLogits, CrossEntropy, WeightedCrossEntropy
from tinygrad_opt.gradcheck import gradcheck
from tinygrad_opt.tensor import Tensor

REDUCTIONS = ["mean", "sum", "none"]


def _cross_entropy(logits, target, **options):
    return CrossEntropy.apply(logits, target=target, **options)


def _weighted(logits, target, **options):
    return WeightedCrossEntropy.apply(logits, target=target, **options)


def _naive_cross_entropy(logits, target):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(target)), target])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_matches_naive_formula(rng, reduction):
    logits = rng.normal(size=(7, 4))
    target = rng.integers(0, 4, 7)
    losses = _naive_cross_entropy(logits, target)
    expected = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
    out = _cross_entropy(Tensor(logits), target, reduction=reduction)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n(rng):
    logits = rng.normal(size=(5, 3))
    target = np.array([0, 2, 1, 1, 0])
    t = Tensor(logits, requires_grad=True)
    _cross_entropy(t, target).backward()
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t.grad, (probs - np.eye(3)[target]) / 5, rtol=1e-12)


OPTIONS = [
    {},
    {"weight": np.array([0.5, 2.0, 1.5])},
    {"ignore_index": 1},
    {"label_smoothing": 0.2},
    {"weight": np.array([0.5, 2.0, 1.5]), "ignore_index": 2, "label_smoothing": 0.1},
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_gradcheck(rng, reduction):
    logits = Tensor(rng.normal(size=(6, 3)), requires_grad=True)
    target = np.array([0, 1, 2, 2, 1, 0])
    assert gradcheck(lambda x: _cross_entropy(x, target, reduction=reduction), [logits])


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_cross_entropy_gradcheck(rng, options, reduction):
    logits = Tensor(rng.normal(size=(6, 3)), requires_grad=True)
    target = np.array([0, 1, 2, 2, 1, 0])
    assert gradcheck(lambda x: _weighted(x, target, reduction=reduction, **options), [logits])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_cross_entropy_without_options_is_the_textbook_op(rng, reduction):
    logits = rng.normal(0.0, 5.0, size=(9, 4))
    target = rng.integers(0, 4, 9)
    grad = rng.normal(size=9) if reduction == "none" else rng.normal(size=())
    results = []
    for op in (_cross_entropy, _weighted):
        x = Tensor(logits, requires_grad=True)
        loss = op(x, target, reduction=reduction)
        loss.backward(grad)
        results.append((loss.data, x.grad))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-13)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-15)


def test_cross_entropy_gradcheck_batch_of_one(rng):
    logits = Tensor(rng.normal(size=(1, 4)), requires_grad=True)
    assert gradcheck(lambda x: _cross_entropy(x, np.array([3])), [logits])


@pytest.mark.parametrize("op", [_cross_entropy, _weighted])
def test_cross_entropy_extreme_logits_are_finite_and_exact(op):
    logits = Tensor(np.array([[1e4, -1e4, 0.0], [0.0, 1e4, 1e4]]), requires_grad=True)
    loss = op(logits, np.array([1, 1]), reduction="none")
    loss.backward(np.ones(2))
    np.testing.assert_allclose(loss.data, [2e4, np.log(2.0)], rtol=1e-12)
    np.testing.assert_allclose(logits.grad, [[1, -1, 0], [0, -0.5, 0.5]], atol=1e-12)


def test_cross_entropy_weighted_mean_divides_by_target_weights():
    logits = np.zeros((3, 2))
    weight = np.array([1.0, 3.0])
    out = _weighted(Tensor(logits), np.array([0, 1, 1]), weight=weight)
    np.testing.assert_allclose(out.data, np.log(2.0) * 7.0 / 7.0)
    out = _weighted(Tensor(np.array([[0.0, 1.0], [0.0, 0.0]])), np.array([0, 1]),
                    weight=weight)
    expected = (1.0 * (np.log1p(np.e)) + 3.0 * np.log(2.0)) / 4.0
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_cross_entropy_all_ignored_mean_is_nan_like_pytorch():
    out = _weighted(Tensor(np.zeros((2, 3))), np.array([1, 1]), ignore_index=1)
    assert np.isnan(out.data)


def _bce(logits, target, reduction="mean"):
    return BCEWithLogits.apply(logits, target, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_naive_formula(rng, reduction):
    x = rng.normal(0.0, 2.0, (4, 3))
    y = rng.uniform(size=(4, 3))
    sig = 1.0 / (1.0 + np.exp(-x))
    losses = -(y * np.log(sig) + (1 - y) * np.log(1 - sig))
    expected = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
    np.testing.assert_allclose(_bce(Tensor(x), y, reduction).data, expected, rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_gradcheck_logits_and_targets(rng, reduction):
    x = Tensor(rng.normal(0.0, 3.0, (3, 4)), requires_grad=True)
    y = Tensor(rng.uniform(size=(3, 4)), requires_grad=True)
    assert gradcheck(lambda a, b: _bce(a, b, reduction), [x, y])


def test_bce_extreme_logits_are_finite_and_exact():
    x = Tensor(np.array([1e4, -1e4, 1e4, -1e4]), requires_grad=True)
    loss = _bce(x, np.array([1.0, 0.0, 0.0, 1.0]), "none")
    loss.backward(np.ones(4))
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 1e4, 1e4])
    np.testing.assert_allclose(x.grad, [0.0, 0.0, 1.0, -1.0])


@pytest.mark.parametrize("loss", [
    lambda: _bce(Tensor(np.zeros(2)), np.zeros(2), "avg"),
    lambda: _cross_entropy(Tensor(np.zeros((2, 2))), np.array([0, 1]), reduction="avg"),
    lambda: _weighted(Tensor(np.zeros((2, 2))), np.array([0, 1]), reduction="avg"),
])
def test_unknown_reduction_is_value_error_naming_it(loss):
    with pytest.raises(ValueError, match="got 'avg'"):
        loss()
