"""Small, fast training problems shared by the train tests."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, optim
from tinygrad_opt.data import DataLoader


def make_blobs(n=96, seed=0):
    """Two Gaussian blobs in 4-D, labels 0/1, float32 inputs."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(size=(n, 4)) + 1.5 * (2 * y[:, None] - 1)
    return X.astype(np.float32), y.astype(np.int64)


@pytest.fixture
def problem():
    """Factory: a seeded (model, loss_fn, optimizer, train_loader, val_loader) tuple."""

    def build(seed=0, lr=0.05, optimizer="sgd", dropout=0.0, batch_size=16):
        tg.manual_seed(seed)
        X, y = make_blobs(seed=seed)
        layers = [nn.Dense(4, 8), nn.Tanh()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        model = nn.Sequential(*layers, nn.Dense(8, 2))
        if optimizer == "adam":
            opt = optim.Adam(model.parameters(), lr=lr)
        else:
            opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        train_loader = DataLoader(X[:64], y[:64], batch_size=batch_size)
        val_loader = DataLoader(X[64:], y[64:], batch_size=32, shuffle=False)
        return model, nn.CrossEntropyLoss(), opt, train_loader, val_loader

    return build
