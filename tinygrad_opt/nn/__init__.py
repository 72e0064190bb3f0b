"""Neural-network building blocks: modules, layers, losses, initialisers, utilities."""
from . import functional, init, regularization, utils
from .layers import (Dense, Dropout, Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid,
                     Softmax, Tanh)
from .loss import BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, Parameter
from .normalization import BatchNorm1d, GroupNorm, LayerNorm

__all__ = [
    "functional", "init", "regularization", "utils",
    "Module", "Parameter",
    "Dense", "Linear", "Sequential", "Dropout", "Identity",
    "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax",
    "BatchNorm1d", "LayerNorm", "GroupNorm",
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss",
]
