"""Loss modules: thin wrappers that hold the options and call ``nn.functional``.

Each is called as ``loss_fn(input, target)`` and returns a Tensor (a scalar for
``reduction="mean"`` (the default) or ``"sum"``, per element/sample for ``"none"``).
"""
from ..functions.loss import check_reduction
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(reduction)
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """``l_i = (input_i - target_i)^2``, reduced; ``torch.nn.MSELoss``. Shapes equal."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """``l_i = |input_i - target_i|``, reduced; ``torch.nn.L1Loss``. Shapes equal."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy from logits, fused and max-shifted; ``torch.nn.CrossEntropyLoss``.

    ``l_i = -log softmax(input_i)[target_i]``. Shapes: input ``(N, C)`` logits, target
    ``(N,)`` integer labels (ndarray or Tensor). Options as PyTorch: ``weight`` ``(C,)``,
    ``ignore_index``, ``label_smoothing`` (see ``functions.loss.WeightedCrossEntropy``).
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities: ``l_i = -weight[y_i] * input[i, y_i]``;
    ``torch.nn.NLLLoss``. Shapes: input ``(N, C)``, target ``(N,)`` integer labels."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy, stable: ``l = max(x, 0) - x*y + log1p(exp(-|x|))``;
    ``torch.nn.BCEWithLogitsLoss``. Shapes: logits and targets equal. Options as PyTorch:
    ``weight`` (broadcast to the input's shape) and ``pos_weight`` (one per class, along
    the last axis); see ``nn.functional.binary_cross_entropy_with_logits``."""

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities: ``l = -w (y log p + (1 - y) log(1 - p))``,
    logs clamped at -100 as PyTorch; ``torch.nn.BCELoss``. Shapes equal. Prefer
    ``BCEWithLogitsLoss`` on logits (stable)."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class HuberLoss(_Loss):
    """``0.5 d^2`` if ``|d| < delta`` else ``delta (|d| - 0.5 delta)``, ``d = input -
    target``; ``torch.nn.HuberLoss``. Shapes equal."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """``0.5 d^2 / beta`` if ``|d| < beta`` else ``|d| - 0.5 beta``, ``d = input - target``;
    ``torch.nn.SmoothL1Loss``. Shapes equal."""

    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)
