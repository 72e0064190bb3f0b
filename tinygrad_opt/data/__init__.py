"""Data utilities that yield plain NumPy arrays: batching, splitting, scaling and datasets.

``DataLoader`` iterates mini-batches; ``train_val_test_split`` and ``StandardScaler`` prepare
arrays; ``load_digits`` (shipped), ``load_mnist`` (local IDX files, parsed by ``read_idx``),
``make_spiral`` and ``make_moons`` provide data. This layer imports only NumPy, the standard
library and ``tinygrad_opt._random``.
"""
from tinygrad_opt.data.datasets import load_digits, load_mnist, make_moons, make_spiral, read_idx
from tinygrad_opt.data.loader import DataLoader
from tinygrad_opt.data.split import NotFittedError, StandardScaler, train_val_test_split

__all__ = [
    "DataLoader", "train_val_test_split", "StandardScaler", "NotFittedError",
    "load_digits", "load_mnist", "read_idx", "make_spiral", "make_moons",
]
