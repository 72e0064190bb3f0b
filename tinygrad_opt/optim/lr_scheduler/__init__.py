"""PyTorch-API learning-rate schedulers over ``optimizer.param_groups``.

Names, arguments, defaults and values follow ``torch.optim.lr_scheduler``; the closed forms
they are built on live in ``tinygrad_opt.optim.schedules``. Per-epoch schedulers: StepLR,
MultiStepLR, ExponentialLR, LinearLR, PolynomialLR, CosineAnnealingLR,
CosineAnnealingWarmRestarts, ReduceLROnPlateau. Per-batch: CyclicLR, OneCycleLR. Either:
LambdaLR, MultiplicativeLR, ConstantLR, InverseTimeLR, SequentialLR and ChainedScheduler (as
their schedulers).
"""

from .base import LRScheduler
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .decay import (
    ConstantLR,
    ExponentialLR,
    InverseTimeLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau
from .sequential import ChainedScheduler, SequentialLR

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "InverseTimeLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
