"""Loss modules and functions: values, reductions, gradients and named input errors."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn
from tinygrad_opt.gradcheck import gradcheck
from tinygrad_opt.nn import functional as F
from tinygrad_opt.tensor import Tensor

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(values, reduction):
    return {"mean": values.mean(), "sum": values.sum(), "none": values}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_numpy(rng, reduction):
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(nn.MSELoss(reduction)(Tensor(x), y).data,
                               _reduce((x - y) ** 2, reduction), rtol=1e-12)
    np.testing.assert_allclose(nn.L1Loss(reduction)(Tensor(x), Tensor(y)).data,
                               _reduce(np.abs(x - y), reduction), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_equals_nll_of_log_softmax(rng, reduction):
    logits = rng.normal(size=(5, 4))
    labels = rng.integers(0, 4, 5)
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    expected = _reduce(-log_probs[np.arange(5), labels], reduction)
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction=reduction)(
        Tensor(logits), labels).data, expected, rtol=1e-12)
    np.testing.assert_allclose(nn.NLLLoss(reduction=reduction)(
        Tensor(log_probs), Tensor(labels)).data, expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("batch", [1, 4])
def test_every_loss_passes_gradcheck(rng, reduction, batch):
    x = Tensor(rng.normal(size=(batch, 3)), requires_grad=True)
    target = Tensor(rng.normal(size=(batch, 3)), requires_grad=True)
    probabilities = Tensor(rng.uniform(size=(batch, 3)), requires_grad=True)
    labels = rng.integers(0, 3, batch)
    weight = np.array([0.5, 1.0, 2.0])
    assert gradcheck(lambda a, b: F.mse_loss(a, b, reduction), [x, target])
    assert gradcheck(lambda a, b: F.l1_loss(a, b, reduction), [x, target])
    assert gradcheck(lambda a: F.cross_entropy(a, labels, weight=weight, reduction=reduction,
                                               label_smoothing=0.1), [x])
    assert gradcheck(lambda a: F.nll_loss(a, labels, weight=weight, reduction=reduction), [x])
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
                     [x, probabilities])
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(
        a, b, weight=weight, reduction=reduction, pos_weight=weight[::-1]), [x, probabilities])


def test_cross_entropy_of_huge_logits_is_finite():
    logits = Tensor(np.array([[1e4, 0.0], [0.0, 1e4]], np.float32), requires_grad=True)
    loss = nn.CrossEntropyLoss()(logits, np.array([1, 1]))
    loss.backward()
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, 5e3)
    np.testing.assert_allclose(logits.grad, [[0.5, -0.5], [0.0, 0.0]])


def test_nll_ignore_index_drops_samples_from_sum_and_count():
    log_probs = Tensor(np.log(np.array([[0.5, 0.5], [0.25, 0.75], [0.1, 0.9]])))
    loss = nn.NLLLoss(ignore_index=0)(log_probs, np.array([1, 0, 1]))
    np.testing.assert_allclose(loss.data, -(np.log(0.5) + np.log(0.9)) / 2)


@pytest.mark.parametrize("loss", [nn.CrossEntropyLoss(ignore_index=1),
                                  nn.NLLLoss(ignore_index=1)])
def test_all_ignored_mean_is_nan_as_pytorch(loss):
    assert np.isnan(loss(Tensor(np.zeros((2, 3))), np.array([1, 1])).item())


@pytest.mark.parametrize("loss", [nn.CrossEntropyLoss(), nn.NLLLoss()])
def test_class_losses_reject_float_labels_naming_them(loss):
    with pytest.raises(ValueError, match=r"integer class labels.*float64.*\[0\.0, 1\.5\]"):
        loss(Tensor(np.zeros((2, 3))), np.array([0.0, 1.5]))


@pytest.mark.parametrize("loss", [nn.CrossEntropyLoss(), nn.NLLLoss()])
def test_class_losses_reject_out_of_range_labels_naming_them(loss):
    with pytest.raises(ValueError, match=r"labels \[3, -1\] are out of range \[0, 3\)"):
        loss(Tensor(np.zeros((3, 3))), np.array([3, 0, -1]))


def test_class_losses_check_label_shape_and_logit_rank():
    with pytest.raises(ValueError, match=r"\(4, 3\) needs target shape \(4,\), got \(2,\)"):
        nn.CrossEntropyLoss()(Tensor(np.zeros((4, 3))), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\(3,\) needs target shape \(\), got \(3,\)"):
        nn.CrossEntropyLoss()(Tensor(np.zeros(3)), np.array([0, 1, 2]))  # one unbatched sample
    with pytest.raises(ValueError, match=r"\(2, 3, 4\) needs target shape \(2, 4\)"):
        nn.NLLLoss()(Tensor(np.zeros((2, 3, 4))), np.zeros((2, 3), np.int64))
    with pytest.raises(ValueError, match="got a scalar"):
        nn.CrossEntropyLoss()(Tensor(np.float64(0.0)), np.array(0))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        nn.CrossEntropyLoss(weight=np.ones(2))(Tensor(np.zeros((1, 3))), np.array([0]))


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.L1Loss(), nn.BCEWithLogitsLoss()])
def test_elementwise_losses_reject_shape_mismatch_naming_both(loss):
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
        loss(Tensor(np.zeros((4, 1))), np.zeros(4))


def test_bad_reduction_is_rejected_at_construction():
    with pytest.raises(ValueError, match="'average'"):
        nn.MSELoss(reduction="average")
    with pytest.raises(ValueError, match="'average'"):
        F.cross_entropy(Tensor(np.zeros((1, 2))), np.array([0]), reduction="average")


@pytest.mark.parametrize("options, op", [
    ({}, "CrossEntropy"),
    ({"ignore_index": 5}, "CrossEntropy"),  # no label equals it: nothing is ignored
    ({"ignore_index": 1}, "WeightedCrossEntropy"),
    ({"weight": np.ones(3)}, "WeightedCrossEntropy"),
    ({"label_smoothing": 0.1}, "WeightedCrossEntropy"),
])
def test_cross_entropy_uses_the_textbook_op_unless_an_option_is_in_play(options, op):
    logits = Tensor(np.zeros((2, 3)), requires_grad=True)
    loss = F.cross_entropy(logits, np.array([0, 1]), **options)
    assert tg.trace.op_name(loss) == op


def test_bce_target_dtype_follows_logits():
    loss = nn.BCEWithLogitsLoss()(Tensor(np.zeros(3, np.float32)), np.array([0, 1, 1]))
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, np.log(2.0), rtol=1e-6)


def test_bce_pos_weight_and_weight_match_pytorch_hand_values():
    # At x = 0, softplus(-x) = log 2 and sigmoid(-x) = 1/2. PyTorch's
    # l = w * [(1 - y) x + (1 + (p - 1) y) softplus(-x)] with p = 3, w = (2, 0.5):
    # y = 1 gives 2 * 3 log 2, y = 0 gives 0.5 * log 2; dl/dx = w * [(1 - y) - (1 + (p-1) y)/2]
    # = (2 * -1.5, 0.5 * 0.5), halved by the mean.
    x = Tensor(np.zeros(2), requires_grad=True)
    loss_fn = nn.BCEWithLogitsLoss(weight=np.array([2.0, 0.5]), pos_weight=np.array([3.0]))
    loss = loss_fn(x, np.array([1.0, 0.0]))
    np.testing.assert_allclose(loss.data, (6.0 + 0.5) * np.log(2.0) / 2, rtol=1e-14)
    loss.backward()
    np.testing.assert_allclose(x.grad, [-1.5, 0.125], rtol=1e-14)


def test_bce_pos_weight_is_stable_and_differentiates_the_target():
    # y = 1, p = 2: l = 2 softplus(-x) -> 200 at x = -100 and 2 e^-100 at x = 100;
    # dl/dy = -x + (p - 1) softplus(-x).
    x = Tensor(np.array([-100.0, 100.0]))
    y = Tensor(np.ones(2), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=[2.0])
    np.testing.assert_allclose(loss.data, [200.0, 2 * np.exp(-100.0)], rtol=1e-14)
    loss.backward(np.ones(2))
    np.testing.assert_allclose(y.grad, [100.0 + 100.0, -100.0 + np.exp(-100.0)], rtol=1e-14)


def test_bce_weight_that_does_not_broadcast_is_named():
    with pytest.raises(ValueError, match=r"weight of shape \(3,\).*\(2, 2\)"):
        F.binary_cross_entropy_with_logits(Tensor(np.zeros((2, 2))), np.zeros((2, 2)),
                                           weight=np.ones(3))


def test_bce_reduction_given_where_weight_goes_is_a_clear_error():
    # PyTorch's order: (input, target, weight, ..., reduction, pos_weight).
    with pytest.raises(TypeError, match="'sum'.*reduction="):
        F.binary_cross_entropy_with_logits(Tensor(np.zeros(2)), np.zeros(2), "sum")


def test_cross_entropy_takes_pytorchs_unbatched_and_spatial_layouts():
    # (C,) with a label (): -log softmax([0, 0, 0])[1] = log 3, returned with shape ().
    loss = F.cross_entropy(Tensor(np.zeros(3)), np.array(1), reduction="none")
    assert loss.shape == ()
    np.testing.assert_allclose(loss.data, np.log(3.0), rtol=1e-15)
    # (N, C, d) = (1, 2, 2): position 0 has logits (0, 0) and label 0 -> log 2; position 1
    # has logits (0, log 3) and label 1 -> -log(3/4). The class axis is axis 1.
    logits = Tensor(np.array([[[0.0, 0.0], [0.0, np.log(3.0)]]]), requires_grad=True)
    labels = np.array([[0, 1]])
    per_position = F.cross_entropy(logits, labels, reduction="none")
    np.testing.assert_allclose(per_position.data, [[np.log(2.0), np.log(4 / 3)]], rtol=1e-14)
    loss = nn.CrossEntropyLoss()(logits, labels)
    np.testing.assert_allclose(loss.data, (np.log(2.0) + np.log(4 / 3)) / 2, rtol=1e-14)
    loss.backward()  # (softmax - onehot) / 2 at each position
    np.testing.assert_allclose(logits.grad, [[[-0.25, 0.125], [0.25, -0.125]]], rtol=1e-14)
    log_probs = Tensor(np.log(np.array([[[0.5, 0.25], [0.5, 0.75]]])))
    np.testing.assert_allclose(F.nll_loss(log_probs, labels, reduction="none").data,
                               [[np.log(2.0), np.log(4 / 3)]], rtol=1e-14)


def test_cross_entropy_with_class_probabilities_hand_values():
    # logits (0, log 3): softmax p = (1/4, 3/4). Target probabilities y = (1/2, 1/2), class
    # weights w = (2, 1): l = -(2 * 1/2 * log 1/4 + 1 * 1/2 * log 3/4);
    # dl/dz = p * sum_c w_c y_c - w * y = (3/8 - 1, 9/8 - 1/2); dl/dy = -w * log p.
    logits = Tensor(np.array([[0.0, np.log(3.0)]]), requires_grad=True)
    target = Tensor(np.array([[0.5, 0.5]]), requires_grad=True)
    loss = F.cross_entropy(logits, target, weight=np.array([2.0, 1.0]))
    np.testing.assert_allclose(loss.data, -(np.log(0.25) + 0.5 * np.log(0.75)), rtol=1e-14)
    loss.backward()
    np.testing.assert_allclose(logits.grad, [[3 / 8 - 1, 9 / 8 - 0.5]], rtol=1e-14)
    np.testing.assert_allclose(target.grad, [[-2 * np.log(0.25), -np.log(0.75)]], rtol=1e-14)
    # label smoothing 0.5 with C = 2: y' = y / 2 + 1/4 = (3/4, 1/4) for y = (1, 0).
    smoothed = F.cross_entropy(logits, np.array([[1.0, 0.0]]), label_smoothing=0.5)
    np.testing.assert_allclose(smoothed.data, -(0.75 * np.log(0.25) + 0.25 * np.log(0.75)),
                               rtol=1e-14)
