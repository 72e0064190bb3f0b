"""Find a learning rate with the LR range test, then train with it.

``tg.train.lr_find`` raises the learning rate exponentially from 1e-7 to 10 over one
sweep of mini-batches and records the smoothed loss; the suggested rate is at the
steepest descent, well before the minimum of the curve (where the loss is about to
explode). Training with it converges quickly. The weights are restored after the sweep.

    python examples/lr_find.py [--out DIR] [--small]
"""
import argparse
import pathlib

import tinygrad_opt as tg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)
    train, val, _ = tg.data.train_val_test_split(X, y, val=0.2, test=0.0)
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Dense(64, 64), tg.nn.ReLU(), tg.nn.Dense(64, 10))
    optimizer = tg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = tg.nn.CrossEntropyLoss()
    loader = tg.data.DataLoader(*train, batch_size=32)
    lrs, losses, suggested = tg.train.lr_find(model, loss_fn, optimizer, loader,
                                              num_iter=40 if args.small else 100)
    print(f"suggested learning rate: {suggested:.3g}")
    tg.viz.plot_lr_find(lrs, losses, suggested, path=args.out / "lr_find.png",
                        title="LR range test: MLP on digits, SGD with momentum 0.9")
    for group in optimizer.param_groups:
        group["lr"] = suggested
    history = tg.train.fit(model, loss_fn, optimizer, loader, 2 if args.small else 10,
                           val_loader=tg.data.DataLoader(*val, batch_size=256, shuffle=False),
                           progress=False)
    print(history)
    tg.viz.plot_history(history, path=args.out / "lr_find_training.png",
                        title=f"Training with the suggested lr = {suggested:.2g}")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
