"""Stateless neural-network maths on Tensors (``torch.nn.functional``'s names).

Layers in ``nn`` keep state (parameters, running statistics, the training flag) and call
these functions for the maths. Normalisations share one fused op,
``functions.normalization.Normalize``, applied over different axes. Cross-entropy and
BCE-with-logits are fused ops (``functions/loss.py``) because their composed forms overflow;
MSE, L1 and NLL compose Tensor ops, which is exact and stable. Every loss takes
``reduction`` in {"mean", "sum", "none"} and checks its shapes up front. Activations,
``one_hot`` and the BCE/Huber/smooth-L1 losses live in ``functional_extra``, re-exported here.
"""
import numpy as np

from .._random import resolve_rng
from ..functions.linear import Linear
from ..functions.loss import (BCEWithLogits, CrossEntropy, WeightedCrossEntropy,
                              check_reduction)
from ..functions.normalization import Normalize
from ..tensor import Tensor
from . import _class_layouts
from .functional_extra import __all__ as _extra_names
from .functional_extra import _reduce, _same_shape, _tensor
from .functional_extra import (binary_cross_entropy, cosine_similarity, elu,  # noqa: F401
                               gelu, hardtanh, huber_loss, kl_div, leaky_relu, log_softmax,
                               logsigmoid, mish, normalize, one_hot, relu, relu6, selu, sigmoid,
                               silu, smooth_l1_loss, softmax, softplus, softsign, tanh)

__all__ = ["linear", "dropout", "batch_norm", "layer_norm", "group_norm", "mse_loss", "l1_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits"] + _extra_names


def linear(x, weight, bias=None):
    """``y = x @ weight + bias`` with ``weight`` of shape ``(in, out)`` (one fused op).

    Shapes: x ``(*, in)`` -> y ``(*, out)``. Matches ``torch.nn.functional.linear`` with
    PyTorch's weight transposed.
    """
    if bias is None:
        return Linear.apply(_tensor(x), weight)
    return Linear.apply(_tensor(x), weight, bias)


def dropout(x, p=0.5, training=True, inplace=False, rng=None):
    """Inverted dropout: zero each element with probability ``p``, scale the rest by
    ``1 / (1 - p)`` so the expectation is unchanged; the identity when not training.
    ``inplace`` is accepted as PyTorch's; the result is always a new tensor.

    Raises:
        ValueError: ``p`` outside [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _tensor(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = resolve_rng(rng).random(x.shape) < 1.0 - p
    return x * (keep / (1.0 - p)).astype(x.dtype)


def _affine(x_hat, weight, bias, shape):
    """``x_hat * weight + bias`` with the (C,) parameters reshaped to broadcast as ``shape``."""
    if weight is not None:
        x_hat = x_hat * _tensor(weight).reshape(*shape)
    if bias is not None:
        x_hat = x_hat + _tensor(bias).reshape(*shape)
    return x_hat


def _update_running_stats(data, axes, running_mean, running_var, momentum):
    """``running = (1 - momentum) * running + momentum * batch``, in place; the variance
    fed in is the unbiased one (divides by n - 1), as PyTorch's."""
    batch_mean = data.mean(axis=axes)
    batch_var = data.var(axis=axes, ddof=1)
    if running_mean is not None:
        running_mean *= 1.0 - momentum
        running_mean += momentum * batch_mean
    if running_var is not None:
        running_var *= 1.0 - momentum
        running_var += momentum * batch_var


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` per channel C.

    Training (or no running statistics): ``y = (x - mean) / sqrt(var + eps) * weight +
    bias`` with the batch mean and biased variance over N (and L); the running statistics,
    if given, are updated in place with ``momentum`` and the unbiased variance. Otherwise
    ``running_mean``/``running_var`` replace the batch statistics. Matches
    ``torch.nn.functional.batch_norm``.

    Raises:
        ValueError: ``x`` is not 2-D or 3-D, or training sees one value per channel.
    """
    x = _tensor(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"batch_norm expects input of shape (N, C) or (N, C, L), "
                         f"got {x.shape}")
    axes = (0,) if x.ndim == 2 else (0, 2)
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training or running_mean is None or running_var is None:
        if x.data.size // x.shape[1] <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{x.shape}: a batch of {x.shape[0]} sample(s); a last batch of one sample "
                f"is left over when the data size leaves a remainder of 1 after batching: "
                f"use DataLoader(..., drop_last=True) or another batch size")
        if training:
            _update_running_stats(x.data, axes, running_mean, running_var, momentum)
        x_hat = Normalize.apply(x, axes=axes, eps=eps)
    else:
        inv_std = 1.0 / np.sqrt(running_var + eps)
        x_hat = (x - running_mean.reshape(shape)) * inv_std.reshape(shape)
    return _affine(x_hat, weight, bias, shape)


def _as_shape(normalized_shape):
    if isinstance(normalized_shape, (int, np.integer)):
        return (int(normalized_shape),)
    return tuple(int(size) for size in normalized_shape)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing ``normalized_shape`` axes of each sample:
    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` (biased variance);
    ``weight``/``bias`` have shape ``normalized_shape``. Matches
    ``torch.nn.functional.layer_norm``.

    Raises:
        ValueError: ``x``'s trailing shape is not ``normalized_shape``.
    """
    x = _tensor(x)
    normalized_shape = _as_shape(normalized_shape)
    count = len(normalized_shape)
    if x.ndim < count or tuple(x.shape[x.ndim - count:]) != normalized_shape:
        raise ValueError(f"layer_norm: normalized_shape {normalized_shape} does not match "
                         f"the trailing dimensions of input of shape {x.shape}")
    x_hat = Normalize.apply(x, axes=tuple(range(-count, 0)), eps=eps)
    return _affine(x_hat, weight, bias, normalized_shape)


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation of ``(N, C, *)``: the C channels are split into ``num_groups``
    groups and each sample's group is normalised over its channels and positions,
    i.e. LayerNorm of ``x.reshape(N, G, -1)`` over the last axis (as tinygrad does);
    then per-channel ``weight``/``bias`` of shape (C,). Matches
    ``torch.nn.functional.group_norm``.

    Raises:
        ValueError: ``x`` has fewer than 2 dims or C is not divisible by ``num_groups``.
    """
    x = _tensor(x)
    if x.ndim < 2:
        raise ValueError(f"group_norm expects input of shape (N, C, *), got {x.shape}")
    channels = x.shape[1]
    if channels % num_groups != 0:
        raise ValueError(f"group_norm: num_channels {channels} is not divisible by "
                         f"num_groups {num_groups}")
    grouped = x.reshape(x.shape[0], num_groups, -1)
    x_hat = Normalize.apply(grouped, axes=(2,), eps=eps).reshape(*x.shape)
    return _affine(x_hat, weight, bias, (1, channels) + (1,) * (x.ndim - 2))


def mse_loss(input, target, reduction="mean"):
    """Mean squared error ``l_i = (input_i - target_i)^2``; ``torch.nn.functional.mse_loss``.

    Shapes: input and target equal (no silent broadcasting); output scalar, or that shape
    for ``reduction="none"``.
    """
    check_reduction(reduction)
    input, target = _same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error ``l_i = |input_i - target_i|``; ``torch.nn.functional.l1_loss``."""
    check_reduction(reduction)
    input, target = _same_shape("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction)


def _class_targets(name, input, target, ignore_index):
    """Validate integer class labels ``(N,)`` against logits ``(N, C)``.

    Returns:
        ``(labels, any_ignored)``: the labels as an int64 array, and whether any of them
        equals ``ignore_index``.

    Raises:
        ValueError: naming the bad dtype, shape or labels.
    """
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    if input.ndim != 2:
        raise ValueError(f"{name}: expected input of shape (N, C), got {input.shape}")
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{name}: target must hold integer class labels, got dtype "
                         f"{labels.dtype} (values {labels.ravel()[:5].tolist()})")
    if labels.shape != (input.shape[0],):
        raise ValueError(f"{name}: input shape {input.shape} needs target shape "
                         f"({input.shape[0]},), got {labels.shape}")
    num_classes = input.shape[1]
    labels = labels.astype(np.int64, copy=False)
    any_ignored = False
    # Read as unsigned, a negative label is larger than any class index: one max checks
    # both bounds (this runs on every call, so one pass over the labels instead of two).
    if labels.size and np.maximum.reduce(labels.view(np.uint64)) >= num_classes:
        ignored = labels == ignore_index
        bad = labels[((labels < 0) | (labels >= num_classes)) & ~ignored]
        if bad.size:
            raise ValueError(f"{name}: labels {bad[:10].tolist()} are out of range "
                             f"[0, {num_classes}) for input of shape {input.shape}")
        any_ignored = bool(ignored.any())
    elif 0 <= ignore_index < num_classes:
        any_ignored = bool((labels == ignore_index).any())
    return labels, any_ignored


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
    (``functions.loss.CrossEntropy``, or ``WeightedCrossEntropy`` when ``weight``,
    ``label_smoothing`` or an ignored label is in play); ``torch.nn.functional.cross_entropy``.

    ``l_i = -log softmax(input_i)[target_i]`` (weighted by ``weight[target_i]``; see the op
    for label smoothing). Shapes: input ``(N, C)`` logits, target ``(N,)`` integer labels
    (ndarray or Tensor), weight ``(C,)``; output scalar or ``(N,)``. PyTorch's other
    layouts, ``(C,)`` with a label ``()`` and ``(N, C, d1, ...)`` with labels
    ``(N, d1, ...)``, and float class probabilities of the input's shape as the target,
    are taken too (``nn/_class_layouts.py``).

    Raises:
        ValueError: labels outside [0, C) (other than ``ignore_index``), mismatched shapes,
            or ``label_smoothing`` outside [0, 1].
    """
    check_reduction(reduction)
    input, target, sample_shape = _class_layouts.as_rows("cross_entropy", _tensor(input),
                                                         target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if _class_layouts.is_probabilities(input, target):
        weight = _class_weight("cross_entropy", weight, input.shape[-1], input.dtype)
        loss = _reduce(_class_layouts.probability_cross_entropy(input, target, weight,
                                                                label_smoothing), reduction)
    else:
        loss = _label_cross_entropy(input, target, weight, ignore_index, reduction,
                                    label_smoothing)
    return loss if sample_shape is None or reduction != "none" else loss.reshape(sample_shape)


def _label_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing):
    labels, any_ignored = _class_targets("cross_entropy", input, target, ignore_index)
    weight = _class_weight("cross_entropy", weight, input.shape[1], input.dtype)
    if weight is None and label_smoothing == 0.0 and not any_ignored:
        return CrossEntropy.apply(input, target=labels, reduction=reduction)
    return WeightedCrossEntropy.apply(input, target=labels, weight=weight,
                                      ignore_index=ignore_index if any_ignored else None,
                                      label_smoothing=label_smoothing, reduction=reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``(N, C)`` (e.g. ``log_softmax``) at
    integer labels ``(N,)``; ``torch.nn.functional.nll_loss``.

    ``l_i = -weight[y_i] * input[i, y_i]`` (0 where ``y_i == ignore_index``); ``"mean"``
    divides the sum by ``sum_i weight[y_i]`` over the kept samples, as PyTorch. Also
    PyTorch's ``(C,)`` and ``(N, C, d1, ...)`` layouts, as ``cross_entropy``.
    """
    check_reduction(reduction)
    input, target, sample_shape = _class_layouts.as_rows("nll_loss", _tensor(input), target)
    if sample_shape is not None and reduction == "none":
        return nll_loss(input, target, weight, ignore_index, reduction).reshape(sample_shape)
    labels, _ = _class_targets("nll_loss", input, target, ignore_index)
    weight = _class_weight("nll_loss", weight, input.shape[1], input.dtype)
    kept = labels != ignore_index
    safe_labels = np.where(kept, labels, 0)
    sample_weight = kept.astype(input.dtype)
    if weight is not None:
        sample_weight = sample_weight * weight[safe_labels]
    losses = -(input[np.arange(input.shape[0]), safe_labels] * sample_weight)
    if reduction != "mean":
        return _reduce(losses, reduction)
    total_weight = sample_weight.sum()
    if total_weight == 0:  # every sample ignored: 0/0, nan as in PyTorch, without a warning
        return losses.sum() * float("nan")
    return losses.sum() / total_weight


def _elementwise_weight(name, weight, input):
    """``weight`` (array-like or Tensor) in the input's dtype; ValueError unless it
    broadcasts to the input's shape without enlarging it (TypeError for a string, such as a
    reduction passed by position where PyTorch's signature has ``weight``)."""
    if isinstance(weight, str):
        raise TypeError(f"binary_cross_entropy_with_logits: {name} must be an array, got "
                        f"{weight!r}; pass the reduction by keyword, reduction={weight!r}")
    weight = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight, input.dtype))
    if weight.dtype != input.dtype:
        weight = weight.to(input.dtype)
    try:
        shape = np.broadcast_shapes(weight.shape, input.shape)
    except ValueError:
        shape = None
    if shape != input.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: {name} of shape {weight.shape} "
                         f"does not broadcast to the input shape {input.shape}")
    return weight


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable op (``functions.loss.BCEWithLogits``):
    ``l = max(x, 0) - x * y + log1p(exp(-|x|))``;
    ``torch.nn.functional.binary_cross_entropy_with_logits``.

    With ``pos_weight`` p (weighs the positive term; broadcast along the last axis, one
    value per class) and ``weight`` w (broadcast to the input's shape), as PyTorch,

        l = w * [(1 - y) * x + (1 + (p - 1) * y) * softplus(-x)]
          = w * [l_0 + (p - 1) * y * softplus(-x)]

    where ``l_0`` is the unweighted loss above and ``softplus(-x) = log(1 + exp(-x))`` is
    ``l_0`` at ``y = 1`` (both from the fused op, so no exp overflows). ``"mean"`` divides
    the sum by the number of elements (not by the weights).

    Shapes: input (logits) and target (probabilities in [0, 1]) equal; output scalar, or
    that shape for ``reduction="none"``.

    Raises:
        ValueError: unequal input and target shapes, or a weight that does not broadcast
            to the input's shape.
        TypeError: a string where ``weight`` goes (a reduction passed by position).
    """
    check_reduction(reduction)
    input, target = _same_shape("binary_cross_entropy_with_logits", input, target)
    if weight is None and pos_weight is None:
        return BCEWithLogits.apply(input, target, reduction=reduction)
    losses = BCEWithLogits.apply(input, target, reduction="none")
    if pos_weight is not None:
        pos_weight = _elementwise_weight("pos_weight", pos_weight, input)
        softplus_neg = BCEWithLogits.apply(input, np.ones(input.shape, input.dtype),
                                           reduction="none")
        losses = losses + (pos_weight - 1.0) * target * softplus_neg
    if weight is not None:
        losses = losses * _elementwise_weight("weight", weight, input)
    return _reduce(losses, reduction)
