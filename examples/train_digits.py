"""Train an MLP on the shipped 8x8 digits with ``tg.train.fit``, in a few seconds.

Shows the whole loop: split and scale the data, find a learning rate with the range test,
train with a one-cycle schedule and "or"-combined stopping rules, checkpoint every epoch,
then report test accuracy and save the curves.

    python examples/train_digits.py [--out DIR]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def load(seed):
    """80/10/10 split of the digits, standardised with the training statistics."""
    tg.manual_seed(seed)
    X, y = tg.data.load_digits()
    splits = tg.data.train_val_test_split(X, y, val=0.1, test=0.1, stratify=True)
    scaler = tg.data.StandardScaler().fit(splits[0][0])
    return [(scaler.transform(X).astype(np.float32), y) for X, y in splits]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/example_digits")
    out = pathlib.Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)

    (X_train, y_train), (X_val, y_val), (X_test, y_test) = load(seed=0)
    model = tg.nn.Sequential(tg.nn.Dense(64, 128, weight_init="kaiming_uniform"),
                             tg.nn.ReLU(), tg.nn.Dropout(0.1), tg.nn.Dense(128, 10))
    loss_fn = tg.nn.CrossEntropyLoss()
    optimizer = tg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    train_loader = tg.data.DataLoader(X_train, y_train, batch_size=32)
    val_loader = tg.data.DataLoader(X_val, y_val, batch_size=512, shuffle=False)

    lrs, losses, suggested = tg.train.lr_find(model, loss_fn, optimizer, train_loader,
                                              start_lr=1e-4, end_lr=10)
    print(f"lr_find: steepest drop at lr = {suggested:.3g} (weights untouched)")
    tg.viz.plot_lr_find(lrs, losses, suggested, path=out / "lr_find.png")

    epochs = 20
    scheduler = tg.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=suggested,
                                                 total_steps=epochs * len(train_loader))
    stop = tg.train.EarlyStopping(patience=5, restore_best_weights=True) | \
        tg.train.MaxDuration(60)
    history = tg.train.fit(model, loss_fn, optimizer, train_loader, epochs,
                           val_loader=val_loader, scheduler=scheduler, callbacks=stop,
                           checkpoint=str(out / "checkpoint.npz"))
    test = tg.train.evaluate(model, loss_fn,
                             tg.data.DataLoader(X_test, y_test, batch_size=512, shuffle=False))
    print(f"{len(history.epoch)} epochs in {sum(history.epoch_seconds):.1f} s; "
          f"test accuracy {test['accuracy']:.4f}, test loss {test['loss']:.4f}")
    tg.viz.plot_history(history, title="digits, SGD + one-cycle", path=out / "history.png")
    print(f"figures and checkpoint in {out}/")


if __name__ == "__main__":
    main()
