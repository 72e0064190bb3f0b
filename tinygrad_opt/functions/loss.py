"""Fused losses whose composed form would be unstable: cross-entropy and BCE with logits.

Both take raw scores (logits) and never form ``softmax`` or ``sigmoid`` followed by
``log``: that pair overflows or loses every digit for large logits (``log(softmax)`` of a
logit 1e4 is ``log(0) = -inf``). The forms below use only bounded ``exp`` arguments.
"""
import numpy as np

from ..autograd import Function

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _log_softmax(logits):
    """Row-wise log-softmax, max-shifted: log p_c = (z_c - max z) - log sum_k exp(z_k - max z).

    Subtracting the row maximum leaves the result unchanged (it cancels between numerator
    and denominator) and makes every exp argument <= 0, so nothing overflows.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class CrossEntropy(Function):
    """Softmax cross-entropy on logits ``(N, C)`` and integer targets ``(N,)``; PyTorch's
    ``torch.nn.functional.cross_entropy`` (class weights, ignore_index, label smoothing).

    With ``log p = log_softmax(z)``, class weights ``w`` (ones by default), smoothing
    ``eps`` and target ``y_i``, each sample's loss is a weighted sum over classes,

        q_ic = (1 - eps) * w_{y_i} * [c == y_i] + (eps / C) * w_c
        l_i = -sum_c q_ic * log p_ic                  (0 where y_i == ignore_index)

    ``eps = 0`` and unit weights give the textbook ``l_i = -log p_{i, y_i}``. Reductions:
    ``"none"`` returns ``l`` (shape ``(N,)``), ``"sum"`` returns ``sum_i l_i`` and ``"mean"``
    returns ``sum_i l_i / sum_i w_{y_i}`` over non-ignored samples (PyTorch's weighted mean;
    plain ``N`` for unit weights).

    Derivative: since ``d log p_ic / dz_ik = [c == k] - p_ik``,

        dl_i / dz_ik = Q_i * p_ik - q_ik,   with Q_i = sum_c q_ic

    (``p - onehot(y)`` in the textbook case), scaled by the upstream gradient and the
    reduction's normaliser.
    """

    def forward(self, logits, *, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean"):
        """Return the loss; ``target`` (an option, not an input: it has no gradient) is an
        int array ``(N,)``, ``weight`` an array ``(C,)``; ``ignore_index=None`` promises
        that no sample is ignored (``nn.functional.cross_entropy`` checks that already)."""
        _check_reduction(reduction)
        self.reduction = reduction
        if weight is None and label_smoothing == 0.0 and (
                ignore_index is None or not (target == ignore_index).any()):
            return self._forward_textbook(logits, target)
        log_probs = _log_softmax(logits)
        q = self._target_distribution(logits, target, weight, ignore_index, label_smoothing)
        self.save_for_backward(log_probs, q)
        return self._reduce(-(q * log_probs).sum(axis=1), logits.dtype)

    def _forward_textbook(self, logits, target):
        """q = onehot(y): l_i = log sum_k exp(s_ik) - s_{i, y_i} with s = z - max z (row-wise);
        keeps exp(s) and its row sums, from which backward forms softmax(z) = exp(s) / sum."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp_shifted = np.exp(shifted)
        sum_exp = exp_shifted.sum(axis=1, keepdims=True)
        rows = np.arange(len(target))
        self.save_for_backward(exp_shifted, sum_exp, rows, target)
        self.normalizer = len(target)
        return self._reduce(np.log(sum_exp[:, 0]) - shifted[rows, target], logits.dtype)

    def _target_distribution(self, logits, target, weight, ignore_index, label_smoothing):
        """q (N, C) as in the class docstring; sets the "mean" normaliser sum_i w_{y_i}."""
        num_samples, num_classes = logits.shape
        class_weight = np.ones(num_classes, dtype=logits.dtype) if weight is None \
            else np.asarray(weight, dtype=logits.dtype)
        kept = np.full(num_samples, True) if ignore_index is None else target != ignore_index
        safe_target = np.where(kept, target, 0)
        q = np.zeros_like(logits)
        q[np.arange(num_samples), safe_target] = (1.0 - label_smoothing) * class_weight[safe_target]
        q += (label_smoothing / num_classes) * class_weight
        q *= kept[:, None]
        self.normalizer = (class_weight[safe_target] * kept).sum()
        return q

    def _reduce(self, losses, dtype):
        if self.reduction == "none":
            return losses
        total = np.add.reduce(losses)
        if self.reduction == "mean":
            total = total / self.normalizer if self.normalizer != 0 else np.nan
        return np.asarray(total, dtype=dtype)

    def backward(self, grad):
        if len(self.saved_tensors) == 4:  # textbook case: dl_i/dz_i = softmax(z_i) - onehot(y_i)
            exp_shifted, sum_exp, rows, target = self.saved_tensors
            per_sample = exp_shifted / sum_exp
            per_sample[rows, target] -= 1
        else:
            log_probs, q = self.saved_tensors
            per_sample = np.exp(log_probs) * q.sum(axis=1, keepdims=True) - q
        if self.reduction == "none":
            return (per_sample * grad[:, None],)
        scale = grad / np.asarray(self.normalizer, dtype=grad.dtype) \
            if self.reduction == "mean" else grad
        per_sample *= scale
        return (per_sample,)


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
        _check_reduction(reduction)
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
