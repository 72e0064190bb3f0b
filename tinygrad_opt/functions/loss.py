"""Fused losses whose composed form would be unstable or unclamped: cross-entropy, BCE with
logits and BCE on probabilities (with PyTorch's clamps).

Cross-entropy comes as two ops: ``CrossEntropy`` is the textbook one, ``WeightedCrossEntropy``
adds PyTorch's class weights, ``ignore_index`` and label smoothing; ``nn.functional``
picks the first whenever no option is in play.

Both take raw scores (logits) and never form ``softmax`` or ``sigmoid`` followed by
``log``: that pair overflows or loses every digit for large logits (``log(softmax)`` of a
logit 1e4 is ``log(0) = -inf``). The forms below use only bounded ``exp`` arguments.
"""
import numpy as np

from ..autograd import Function
from .softmax import log_softmax

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction):
    """Raise ValueError unless ``reduction`` is one of "mean", "sum", "none"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _reduce(losses, reduction, normalizer, dtype):
    """The per-sample ``losses`` (``"none"``), their sum, or their sum / ``normalizer``."""
    if reduction == "none":
        return losses
    total = np.add.reduce(losses)
    if reduction == "mean":
        total = total / normalizer if normalizer != 0 else np.nan
    return np.asarray(total, dtype=dtype)


def _scaled(per_sample, grad, reduction, normalizer):
    """dL/dz from the per-sample derivative: times the upstream gradient, over the
    normaliser for "mean"."""
    if reduction == "none":
        return (per_sample * grad[:, None],)
    scale = grad / np.asarray(normalizer, dtype=grad.dtype) if reduction == "mean" else grad
    per_sample *= scale
    return (per_sample,)


class CrossEntropy(Function):
    """Softmax cross-entropy (log-softmax + negative log-likelihood) on logits ``(N, C)``
    and integer targets ``(N,)``; PyTorch's ``cross_entropy`` without options.

    With ``s_i = z_i - max_k z_ik`` (the max-shift cancels, and keeps every exp argument
    <= 0), each sample's loss and its derivative are

        l_i = -log softmax(z_i)[y_i] = log sum_k exp(s_ik) - s_{i, y_i}
        dl_i / dz_ik = softmax(z_i)_k - [k == y_i]

    Reductions: ``"none"`` returns ``l`` (shape ``(N,)``), ``"sum"`` returns ``sum_i l_i``,
    ``"mean"`` returns ``sum_i l_i / N``. Class weights, ``ignore_index`` and label
    smoothing are ``WeightedCrossEntropy``.
    """

    def forward(self, logits, *, target, reduction="mean"):
        """Return the loss; ``target`` (an option, not an input: it has no gradient) is an
        int array ``(N,)``. Keeps exp(s) and its row sums, from which backward forms
        softmax(z) = exp(s) / sum_k exp(s_k)."""
        check_reduction(reduction)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp_shifted = np.exp(shifted)
        sum_exp = exp_shifted.sum(axis=1, keepdims=True)
        rows = np.arange(len(target))
        self.save_for_backward(exp_shifted, sum_exp, rows, target)
        self.reduction = reduction
        losses = np.log(sum_exp[:, 0]) - shifted[rows, target]
        return _reduce(losses, reduction, len(target), logits.dtype)

    def backward(self, grad):
        exp_shifted, sum_exp, rows, target = self.saved_tensors
        per_sample = exp_shifted / sum_exp
        per_sample[rows, target] -= 1
        return _scaled(per_sample, grad, self.reduction, len(target))


class WeightedCrossEntropy(Function):
    """Cross-entropy with class weights, ignored targets and label smoothing, on logits
    ``(N, C)`` and integer targets ``(N,)``; PyTorch's ``cross_entropy`` with its options.

    With ``log p = log_softmax(z)``, class weights ``w`` (ones by default), smoothing
    ``eps`` and target ``y_i``, each sample's loss is a weighted sum over classes,

        q_ic = (1 - eps) * w_{y_i} * [c == y_i] + (eps / C) * w_c
        l_i = -sum_c q_ic * log p_ic                  (0 where y_i == ignore_index)

    ``eps = 0`` and unit weights give ``CrossEntropy``'s ``l_i = -log p_{i, y_i}``.
    Reductions: ``"none"`` returns ``l``, ``"sum"`` returns ``sum_i l_i`` and ``"mean"``
    returns ``sum_i l_i / sum_i w_{y_i}`` over non-ignored samples (PyTorch's weighted mean).

    Derivative: since ``d log p_ic / dz_ik = [c == k] - p_ik``,

        dl_i / dz_ik = Q_i * p_ik - q_ik,   with Q_i = sum_c q_ic

    scaled by the upstream gradient and the reduction's normaliser.
    """

    def forward(self, logits, *, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean"):
        """Return the loss; ``target`` is an int array ``(N,)``, ``weight`` an array
        ``(C,)`` or None; ``ignore_index=None`` ignores no sample."""
        check_reduction(reduction)
        num_samples, num_classes = logits.shape
        class_weight = np.ones(num_classes, dtype=logits.dtype) if weight is None \
            else np.asarray(weight, dtype=logits.dtype)
        kept = np.full(num_samples, True) if ignore_index is None else target != ignore_index
        safe_target = np.where(kept, target, 0)
        q = np.zeros_like(logits)
        q[np.arange(num_samples), safe_target] = (1.0 - label_smoothing) * class_weight[safe_target]
        q += (label_smoothing / num_classes) * class_weight
        q *= kept[:, None]
        log_probs = log_softmax(logits, axis=1)
        self.save_for_backward(log_probs, q)
        self.reduction = reduction
        self.normalizer = (class_weight[safe_target] * kept).sum()
        return _reduce(-(q * log_probs).sum(axis=1), reduction, self.normalizer, logits.dtype)

    def backward(self, grad):
        log_probs, q = self.saved_tensors
        per_sample = np.exp(log_probs) * q.sum(axis=1, keepdims=True) - q
        return _scaled(per_sample, grad, self.reduction, self.normalizer)


class BCEWithLogits(Function):
    """Binary cross-entropy on logits; PyTorch's ``binary_cross_entropy_with_logits``.

    For logit ``x`` and target ``y`` in [0, 1] (same shape), the loss
    ``-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))]`` equals, in a form whose exp
    argument is never positive,

        l = max(x, 0) - x * y + log1p(exp(-|x|))

    (use ``log sigmoid(x) = -log1p(exp(-x))`` for x >= 0 and ``x - log1p(exp(x))`` for
    x < 0). Derivatives:

        dl/dx = sigmoid(x) - y,    dl/dy = -x

    Reduction ``"mean"`` divides the sum by the number of elements.
    """

    def forward(self, logits, target, reduction="mean"):
        """Return the loss (elementwise for ``reduction="none"``)."""
        check_reduction(reduction)
        decay = np.exp(-np.abs(logits))
        losses = np.maximum(logits, 0) - logits * target + np.log1p(decay)
        self.save_for_backward(logits, target, decay)
        self.reduction = reduction
        if reduction == "none":
            return losses
        if reduction == "sum":
            return np.asarray(losses.sum())
        return np.asarray(losses.mean())

    def backward(self, grad):
        logits, target, decay = self.saved_tensors
        # sigmoid(x) = 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0; with decay = e^-|x|
        # both branches only divide by 1 + decay, which lies in [1, 2].
        sigmoid = np.where(logits >= 0, 1.0, decay) / (1.0 + decay)
        scale = grad / logits.size if self.reduction == "mean" else grad
        grad_logits = (sigmoid - target) * scale if self.needs_input_grad[0] else None
        grad_target = -logits * scale if self.needs_input_grad[1] else None
        return grad_logits, grad_target


_BCE_EPSILON = np.asarray(1e-12, np.float32)


class BinaryCrossEntropy(Function):
    """Binary cross-entropy of probabilities p in [0, 1] against targets y (no reduction;
    PyTorch's ``binary_cross_entropy``):

        l = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100))
        dl/dp = (p - y) / max(p (1 - p), 1e-12),   dl/dy = log(1 - p) - log p

    The clamps are PyTorch's: they keep the loss and dl/dp finite at p = 0 or 1 (dl/dy is
    left unclamped there, +-inf, as PyTorch's). PyTorch's 1e-12 is a float32 constant, so
    it is taken as float32(1e-12) here too, to give the same numbers at the clamp.
    """

    def forward(self, p, y):
        if p.size and (np.min(p) < 0 or np.max(p) > 1):
            raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], "
                             f"got values in [{np.min(p)}, {np.max(p)}] (for logits use "
                             f"binary_cross_entropy_with_logits)")
        floor = np.asarray(-100, p.dtype)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), floor)
            log_not_p = np.maximum(np.log1p(-p), floor)
        self.save_for_backward(p, y)
        return -(y * log_p + (1 - y) * log_not_p)

    def backward(self, grad):
        p, y = self.saved_tensors
        grad_p = grad * (p - y) / np.maximum(p * (1 - p), _BCE_EPSILON.astype(p.dtype))
        grad_y = None
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                grad_y = grad * (np.log1p(-p) - np.log(p))
        return grad_p, grad_y
