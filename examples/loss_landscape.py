"""The loss landscape of an MLP trained on the digits (Li et al. 2018).

Left: the loss along the straight line from the initial to the trained weights (it falls
smoothly: no barrier in between). Middle and right: a 2-D slice through the trained
weights along two random filter-normalised directions, as contours and as a surface;
the trained weights sit at the bottom of a basin.

    python examples/loss_landscape.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)[: 300 if args.small else 1797]
    y = y[: len(X)]
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Dense(64, 32), tg.nn.ReLU(), tg.nn.Dense(32, 10))
    initial = {name: np.array(value) for name, value in model.state_dict().items()}
    loss_fn = tg.nn.CrossEntropyLoss()
    history = tg.train.fit(model, loss_fn, tg.optim.Adam(model.parameters(), lr=1e-2),
                           tg.data.DataLoader(X, y, batch_size=64), 3 if args.small else 15,
                           progress=False)
    print(history)
    tg.viz.plot_loss_landscape(model, loss_fn, tg.Tensor(X.astype(np.float32)), y,
                               start=initial, resolution=7 if args.small else 25, span=1.0,
                               rng=np.random.default_rng(0), path=args.out / "loss_landscape.png",
                               title="Loss landscape of a 64-32-10 MLP on digits")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
