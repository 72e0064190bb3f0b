"""PyTorch-API learning-rate schedulers over ``optimizer.param_groups``.

Names, arguments, defaults and values follow ``torch.optim.lr_scheduler``; the closed forms
they are built on live in ``tinygrad_opt.optim.schedules``. Per-epoch schedulers: StepLR,
MultiStepLR, ExponentialLR, LinearLR, PolynomialLR, CosineAnnealingLR,
CosineAnnealingWarmRestarts, ReduceLROnPlateau. Per-batch: CyclicLR, OneCycleLR. Either:
LambdaLR, InverseTimeLR, SequentialLR (as its schedulers).
"""

from .base import LRScheduler
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .decay import (
    ExponentialLR,
    InverseTimeLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau
from .sequential import SequentialLR

__all__ = [
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "InverseTimeLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
