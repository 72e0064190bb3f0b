"""fit on the shipped digits: a small MLP generalises (>= 95% test accuracy) in seconds."""
import numpy as np

import tinygrad_opt as tg
from tinygrad_opt import nn, optim, train
from tinygrad_opt.data import (DataLoader, StandardScaler, load_digits,
                               train_val_test_split)
from tinygrad_opt.train import EarlyStopping, MaxDuration


def test_digits_mlp_reaches_95_percent_test_accuracy():
    tg.manual_seed(0)
    X, y = load_digits()
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
        X, y, val=0.1, test=0.1, stratify=True)
    scaler = StandardScaler().fit(X_train)
    X_train, X_val, X_test = (scaler.transform(a).astype(np.float32)
                              for a in (X_train, X_val, X_test))
    model = nn.Sequential(nn.Dense(64, 64, weight_init="kaiming_uniform"), nn.ReLU(),
                          nn.Dense(64, 10))
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    history = train.fit(model, nn.CrossEntropyLoss(), optimizer,
                        DataLoader(X_train, y_train, batch_size=64), 15,
                        val_loader=DataLoader(X_val, y_val, batch_size=512, shuffle=False),
                        callbacks=EarlyStopping(patience=5) | MaxDuration(30), progress=False)
    test = train.evaluate(model, nn.CrossEntropyLoss(),
                          DataLoader(X_test, y_test, batch_size=512, shuffle=False))
    assert test["accuracy"] >= 0.95
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
