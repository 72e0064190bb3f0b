"""Activations and the losses built from them, with ``torch.nn.functional``'s names.

``nn.functional`` re-exports everything here (so ``F.gelu`` and ``F.relu`` both work) and
shares its helpers (``_tensor``, ``_reduce``, ``_same_shape``). GELU, ELU, Softplus and BCE
on probabilities are single ops (``functions/activation.py``, ``functions/loss.py``);
Huber and smooth L1 compose Tensor ops with ``where``, whose gradient is exact on each side
of the switch and matches PyTorch's at it. Where PyTorch's function takes ``inplace=False``
so does ours, so ported calls run; the result is always a new tensor (same values), the
input is never overwritten.
"""
import numpy as np

from ..functions.activation import ELU, GELU, Softplus
from .._tensor_extras import where
from ..functions.loss import BinaryCrossEntropy, check_reduction
from ..tensor import Tensor

__all__ = ["relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "gelu", "elu",
           "softplus", "one_hot", "binary_cross_entropy", "huber_loss", "smooth_l1_loss",
           "silu", "mish", "hardtanh", "relu6", "selu", "logsigmoid", "softsign", "normalize",
           "cosine_similarity", "kl_div"]

# SELU's constants (Klambauer et al. 2017), as PyTorch's
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def relu(x, inplace=False):
    """``max(x, 0)``."""
    return _tensor(x).relu()


def leaky_relu(x, negative_slope=0.01, inplace=False):
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    return _tensor(x).leaky_relu(negative_slope)


def tanh(x):
    """Hyperbolic tangent."""
    return _tensor(x).tanh()


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return _tensor(x).sigmoid()


def softmax(x, axis=-1, *, dim=None):
    """``exp(x) / sum(exp(x))`` along ``axis`` (alias ``dim``, PyTorch's name; max-shifted)."""
    return _tensor(x).softmax(axis, dim=dim)


def log_softmax(x, axis=-1, *, dim=None):
    """``x - logsumexp(x)`` along ``axis`` (alias ``dim``, PyTorch's name; max-shifted)."""
    return _tensor(x).log_softmax(axis, dim=dim)


def gelu(x, approximate="none"):
    """``x * Phi(x)`` (Phi the standard normal CDF, via erf), or with ``approximate="tanh"``
    ``x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``; ``torch.nn.functional.gelu``."""
    return GELU.apply(_tensor(x), approximate=approximate)


def elu(x, alpha=1.0, inplace=False):
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``; ``torch.nn.functional.elu``."""
    return ELU.apply(_tensor(x), alpha=alpha)


def softplus(x, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``;
    ``torch.nn.functional.softplus``."""
    return Softplus.apply(_tensor(x), beta=beta, threshold=threshold)


def silu(x, inplace=False):
    """``x * sigmoid(x)`` (swish)."""
    x = _tensor(x)
    return x * x.sigmoid()


def mish(x, inplace=False):
    """``x * tanh(softplus(x))``."""
    x = _tensor(x)
    return x * softplus(x).tanh()


def hardtanh(x, min_val=-1.0, max_val=1.0, inplace=False):
    """``x`` clipped to ``[min_val, max_val]``; gradient 1 strictly inside, 0 elsewhere
    (also at the bounds, as PyTorch's hardtanh, unlike clamp)."""
    x = _tensor(x)
    inside = (x.data > min_val) & (x.data < max_val)
    return where(inside, x, x.detach().clip(min_val, max_val))


def relu6(x, inplace=False):
    """``min(max(x, 0), 6)`` (``hardtanh(x, 0, 6)``)."""
    return hardtanh(x, 0.0, 6.0)


def selu(x, inplace=False):
    """``scale * elu(x, alpha)`` with SELU's fixed constants."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def logsigmoid(x):
    """``log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))``, never overflowing."""
    x = _tensor(x)
    return x.minimum(0.0) - (-x.abs()).exp().log1p()


def softsign(x):
    """``x / (1 + |x|)``."""
    x = _tensor(x)
    return x / (1 + x.abs())


def normalize(x, p=2.0, dim=1, eps=1e-12):
    """``x / max(||x||_p, eps)`` along ``dim``."""
    x = _tensor(x)
    return x / x.norm(p, dim=dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim``."""
    x1, x2 = _tensor(x1), _tensor(x2)
    return (normalize(x1, dim=dim, eps=eps) * normalize(x2, dim=dim, eps=eps)).sum(dim)


def kl_div(input, target, reduction="mean", log_target=False):
    """Pointwise ``target * (log target - input)`` (``input`` holds log-probabilities;
    0 where target is 0), or ``exp(t) * (t - input)`` with ``log_target``. ``reduction``:
    "mean" over all elements (PyTorch's default), "batchmean" (sum / batch size, the KL
    divergence), "sum" or "none"."""
    if reduction != "batchmean":
        check_reduction(reduction)
    input, target = _same_shape("kl_div", input, target)
    if log_target:
        losses = target.exp() * (target - input)
    else:
        positive = target.data > 0
        safe = where(positive, target, 1.0)
        losses = where(positive, target * safe.log(), 0.0) - target * input
    if reduction == "batchmean":
        return losses.sum() / input.shape[0]
    return _reduce(losses, reduction)


def one_hot(tensor, num_classes=-1):
    """int64 Tensor of shape ``(*, num_classes)`` with a 1 at each label's position;
    ``num_classes=-1`` means ``max label + 1``. ``torch.nn.functional.one_hot``.

    Raises:
        ValueError: labels that are not integers, negative, or not below ``num_classes``.
    """
    labels = np.asarray(tensor.data if isinstance(tensor, Tensor) else tensor)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: labels must be non-negative, got {labels.min()}")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: label {labels.max()} is not below num_classes={num_classes}")
    return Tensor(np.arange(num_classes) == labels[..., None], dtype=np.int64)


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


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """``l = -w (y log p + (1 - y) log(1 - p))`` on probabilities p, each log clamped at
    -100 as PyTorch (``functions.loss.BinaryCrossEntropy``);
    ``torch.nn.functional.binary_cross_entropy``. Shapes: input and target equal, ``weight``
    broadcast to them.

    Raises:
        ValueError: unequal shapes, or input values outside [0, 1].
    """
    check_reduction(reduction)
    input, target = _same_shape("binary_cross_entropy", input, target)
    losses = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        losses = losses * _tensor(weight).to(input.dtype)
    return _reduce(losses, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """With ``d = input - target``: ``0.5 d^2`` if ``|d| < delta`` else
    ``delta (|d| - 0.5 delta)``; ``torch.nn.functional.huber_loss``. Shapes equal."""
    check_reduction(reduction)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    input, target = _same_shape("huber_loss", input, target)
    diff = input - target
    magnitude = diff.abs()
    losses = (0.5 * diff * diff).where(magnitude.data < delta, delta * (magnitude - 0.5 * delta))
    return _reduce(losses, reduction)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """With ``d = input - target``: ``0.5 d^2 / beta`` if ``|d| < beta`` else
    ``|d| - 0.5 beta`` (the L1 loss for ``beta = 0``), i.e. ``huber_loss / beta``;
    ``torch.nn.functional.smooth_l1_loss``. Shapes equal."""
    check_reduction(reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    input, target = _same_shape("smooth_l1_loss", input, target)
    diff = input - target
    magnitude = diff.abs()
    if beta == 0:
        return _reduce(magnitude, reduction)
    losses = (0.5 / beta * diff * diff).where(magnitude.data < beta, magnitude - 0.5 * beta)
    return _reduce(losses, reduction)
