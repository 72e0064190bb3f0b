"""Stateless neural-network maths on Tensors (``torch.nn.functional``'s names).

Layers in ``nn`` keep state (parameters, running statistics, the training flag) and call
these functions for the maths. Normalisations share one fused op,
``functions.normalization.Normalize``, applied over different axes; the losses live in
``nn/_losses.py`` and are re-exported here.
"""
import numpy as np

from .._random import resolve_rng
from ..functions.linear import Linear
from ..functions.normalization import Normalize
from ..tensor import Tensor
from ._losses import (binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss,
                      nll_loss)

__all__ = ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax",
           "dropout", "batch_norm", "layer_norm", "group_norm", "mse_loss", "l1_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits"]


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def linear(x, weight, bias=None):
    """``y = x @ weight + bias`` with ``weight`` of shape ``(in, out)`` (one fused op).

    Shapes: x ``(*, in)`` -> y ``(*, out)``. Matches ``torch.nn.functional.linear`` with
    PyTorch's weight transposed.
    """
    if bias is None:
        return Tensor._apply(Linear, _tensor(x), weight)
    return Tensor._apply(Linear, _tensor(x), weight, bias)


def relu(x):
    """``max(x, 0)``."""
    return _tensor(x).relu()


def leaky_relu(x, negative_slope=0.01):
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    return _tensor(x).leaky_relu(negative_slope)


def tanh(x):
    """Hyperbolic tangent."""
    return _tensor(x).tanh()


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return _tensor(x).sigmoid()


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (max-shifted)."""
    return _tensor(x).softmax(axis)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis`` (max-shifted)."""
    return _tensor(x).log_softmax(axis)


def dropout(x, p=0.5, training=True, rng=None):
    """Inverted dropout: zero each element with probability ``p``, scale the rest by
    ``1 / (1 - p)`` so the expectation is unchanged; the identity when not training.

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
            raise ValueError("Expected more than 1 value per channel when training, "
                             f"got input size {x.shape}")
        if training:
            _update_running_stats(x.data, axes, running_mean, running_var, momentum)
        x_hat = Tensor._apply(Normalize, x, axes=axes, eps=eps)
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
    x_hat = Tensor._apply(Normalize, x, axes=tuple(range(-count, 0)), eps=eps)
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
    x_hat = Tensor._apply(Normalize, grouped, axes=(2,), eps=eps).reshape(*x.shape)
    return _affine(x_hat, weight, bias, (1, channels) + (1,) * (x.ndim - 2))
