"""Loss functions on Tensors, re-exported by ``nn.functional`` (PyTorch's names and maths).

Cross-entropy and BCE-with-logits are fused ops (``functions/loss.py``) because their
composed forms overflow; MSE, L1 and NLL compose Tensor ops, which is exact and stable.
Every loss takes ``reduction`` in {"mean", "sum", "none"} and checks its shapes up front.
"""
import numpy as np

from ..functions.loss import REDUCTIONS, BCEWithLogits, CrossEntropy
from ..tensor import Tensor


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _same_shape(name, input, target):
    """Return ``(input, target)`` as Tensors of one dtype, or raise naming both shapes."""
    input, target = _tensor(input), _tensor(target)
    if input.shape != target.shape:
        raise ValueError(f"{name}: input shape {input.shape} and target shape "
                         f"{target.shape} must be equal")
    if target.dtype != input.dtype:
        target = target.to(input.dtype)
    return input, target


def mse_loss(input, target, reduction="mean"):
    """Mean squared error ``l_i = (input_i - target_i)^2``; ``torch.nn.functional.mse_loss``.

    Shapes: input and target equal (no silent broadcasting); output scalar, or that shape
    for ``reduction="none"``.
    """
    _check_reduction(reduction)
    input, target = _same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error ``l_i = |input_i - target_i|``; ``torch.nn.functional.l1_loss``."""
    _check_reduction(reduction)
    input, target = _same_shape("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


def _class_targets(name, input, target, ignore_index):
    """Validate integer class labels ``(N,)`` against logits ``(N, C)``; return an int64
    array. Raises ValueError naming the bad dtype, shape or labels."""
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if input.ndim != 2:
        raise ValueError(f"{name}: expected input of shape (N, C), got {input.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name}: target must hold integer class labels, got dtype "
                         f"{labels.dtype} (values {labels.ravel()[:5].tolist()})")
    if labels.shape != (input.shape[0],):
        raise ValueError(f"{name}: input shape {input.shape} needs target shape "
                         f"({input.shape[0]},), got {labels.shape}")
    num_classes = input.shape[1]
    bad = labels[((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)]
    if bad.size:
        raise ValueError(f"{name}: labels {bad[:10].tolist()} are out of range "
                         f"[0, {num_classes}) for input of shape {input.shape}")
    return labels.astype(np.int64)


def _class_weight(name, weight, num_classes, dtype):
    if weight is None:
        return None
    weight = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if weight.shape != (num_classes,):
        raise ValueError(f"{name}: weight must have shape ({num_classes},), "
                         f"got {weight.shape}")
    return weight


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Softmax cross-entropy from logits, one fused and max-shifted op
    (``functions.loss.CrossEntropy``); ``torch.nn.functional.cross_entropy``.

    ``l_i = -log softmax(input_i)[target_i]`` (weighted by ``weight[target_i]``; see the op
    for label smoothing). Shapes: input ``(N, C)`` logits, target ``(N,)`` integer labels
    (ndarray or Tensor), weight ``(C,)``; output scalar or ``(N,)``.

    Raises:
        ValueError: float labels, labels outside [0, C) (other than ``ignore_index``),
            mismatched shapes, or ``label_smoothing`` outside [0, 1].
    """
    _check_reduction(reduction)
    input = _tensor(input)
    labels = _class_targets("cross_entropy", input, target, ignore_index)
    weight = _class_weight("cross_entropy", weight, input.shape[1], input.dtype)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    return Tensor._apply(CrossEntropy, input, target=labels, weight=weight,
                         ignore_index=ignore_index, label_smoothing=label_smoothing,
                         reduction=reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``(N, C)`` (e.g. ``log_softmax``) at
    integer labels ``(N,)``; ``torch.nn.functional.nll_loss``.

    ``l_i = -weight[y_i] * input[i, y_i]`` (0 where ``y_i == ignore_index``); ``"mean"``
    divides the sum by ``sum_i weight[y_i]`` over the kept samples, as PyTorch.
    """
    _check_reduction(reduction)
    input = _tensor(input)
    labels = _class_targets("nll_loss", input, target, ignore_index)
    weight = _class_weight("nll_loss", weight, input.shape[1], input.dtype)
    kept = labels != ignore_index
    safe_labels = np.where(kept, labels, 0)
    sample_weight = kept.astype(input.dtype)
    if weight is not None:
        sample_weight = sample_weight * weight[safe_labels]
    losses = -(input[np.arange(input.shape[0]), safe_labels] * sample_weight)
    if reduction == "mean":
        return losses.sum() / sample_weight.sum()
    return _reduce(losses, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Sigmoid + binary cross-entropy in one stable op (``functions.loss.BCEWithLogits``):
    ``l = max(x, 0) - x * y + log1p(exp(-|x|))``;
    ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Shapes: input (logits) and target (probabilities in [0, 1]) equal; output scalar, or
    that shape for ``reduction="none"``.
    """
    _check_reduction(reduction)
    input, target = _same_shape("binary_cross_entropy_with_logits", input, target)
    return Tensor._apply(BCEWithLogits, input, target, reduction=reduction)
