"""Neural-network building blocks: modules, layers, losses, initialisers, utilities."""
from . import functional, init, regularization, utils
from .layers import (ELU, GELU, Dense, Dropout, Flatten, Identity, LeakyReLU, Linear, LogSoftmax,
                     ModuleList, ReLU, Sequential, Sigmoid, Softmax, Softplus, Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss,
                   NLLLoss, SmoothL1Loss)
from .module import Module, Parameter
from .normalization import BatchNorm1d, GroupNorm, LayerNorm

__all__ = [
    "functional", "init", "regularization", "utils",
    "Module", "Parameter",
    "Dense", "Linear", "Sequential", "ModuleList", "Flatten", "Dropout", "Identity",
    "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "GELU", "ELU", "Softplus",
    "BatchNorm1d", "LayerNorm", "GroupNorm",
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss",
    "HuberLoss", "SmoothL1Loss",
]
