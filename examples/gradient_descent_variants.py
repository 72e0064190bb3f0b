"""Batch, mini-batch and stochastic gradient descent; and where the start point leads.

1. Least squares y = w x + b on noisy data: the same SGD rule run with batches of all n
   samples (batch gradient descent: smooth, one step per epoch), 16 samples (mini-batch) and
   1 sample (stochastic: many noisy steps) for the same number of epochs. Left, each path on
   the contours of the full-data loss; right, the full-data loss against epochs.
2. Himmelblau's function has four minima: plain gradient descent from different start
   points ends in different ones (the starting point decides which local minimum you get).

    python examples/gradient_descent_variants.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg

START = (-1.0, 2.5)  # (w, b) at the start of every run
TRUE_LINE = (2.0, -1.0)


def make_data(samples, rng):
    x = rng.uniform(-1.5, 1.5, samples)
    y = TRUE_LINE[0] * x + TRUE_LINE[1] + rng.normal(0.0, 0.5, samples)
    return x, y


def full_loss(points, x, y):
    """Mean squared error over all samples at each (w, b) of ``points`` (any leading shape)."""
    residuals = points[..., :1] * x + points[..., 1:] - y
    return (residuals * residuals).mean(axis=-1)


def descend(x, y, batch_size, lr, epochs, seed):
    """(w, b) after every SGD update on batches of ``batch_size`` samples."""
    params = tg.Tensor(np.array(START), requires_grad=True)
    optimizer = tg.optim.SGD([params], lr=lr)
    loader = tg.data.DataLoader(x, y, batch_size=batch_size, rng=np.random.default_rng(seed))
    path = [params.data.copy()]
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            prediction = tg.Tensor(xb) * params[0] + params[1]
            tg.nn.functional.mse_loss(prediction, tg.Tensor(yb)).backward()
            optimizer.step()
            path.append(params.data.copy())
    return np.array(path)


def plot_variants(out, samples, epochs):
    x, y = make_data(samples, np.random.default_rng(0))
    runs = {f"batch GD (B = n = {samples})": samples, "mini-batch (B = 16)": 16,
            "stochastic (B = 1)": 1}
    paths = {name: descend(x, y, batch, lr=0.05, epochs=epochs, seed=1)
             for name, batch in runs.items()}
    figure, (contour_axes, loss_axes) = tg.viz.new_figure(12, 5, ncols=2)
    W, B = np.meshgrid(np.linspace(-1.5, 3.5, 200), np.linspace(-2.5, 3.0, 200))
    surface = full_loss(np.stack([W, B], axis=-1), x, y)
    levels = surface.min() + np.geomspace(0.01, surface.max() - surface.min(), 18)
    contour_axes.contourf(W, B, surface, levels=levels, cmap="Greys", alpha=0.5)
    contour_axes.contour(W, B, surface, levels=levels, colors="grey", linewidths=0.5)
    for colour, (name, path) in zip(tg.viz.PALETTE, paths.items()):
        contour_axes.plot(path[:, 0], path[:, 1], color=colour, lw=1, marker=".", ms=2,
                          label=name)
        updates_per_epoch = (len(path) - 1) / epochs
        epochs_axis = np.arange(len(path)) / updates_per_epoch
        loss_axes.plot(epochs_axis, full_loss(path, x, y), color=colour,
                       label=f"{name}: {len(path) - 1} updates")
    contour_axes.plot(*START, "o", color="white", mec="black", ms=9, label="start")
    best = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[0]
    contour_axes.plot(*best, "*", color="gold", mec="black", ms=15, label="least squares")
    contour_axes.set(xlabel="slope w", ylabel="intercept b",
                     title=f"Paths on the full-data loss, {epochs} epochs, lr = 0.05")
    contour_axes.legend(fontsize=8, loc="upper right")
    loss_axes.set(xlabel="epoch", ylabel="full-data MSE", yscale="log",
                  title="Loss per epoch: more, noisier updates vs fewer, exact ones")
    loss_axes.grid(alpha=0.3)
    loss_axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "gd_variants.png")


def plot_local_minima(out, steps):
    himmelblau = tg.objectives.get("himmelblau")
    starts = [(-4.5, 0.0), (0.0, 4.5), (4.5, 0.5), (0.0, -4.5), (-1.0, -1.0), (1.0, 1.0),
              (-4.5, 4.5), (4.5, -4.5)]
    figure, axes = tg.viz.new_figure(6.5, 6)
    X, Y, Z = himmelblau.grid()
    levels = np.geomspace(0.05, Z.max(), 20)
    axes.contourf(X, Y, Z, levels=levels, cmap="Greys", alpha=0.5)
    axes.contour(X, Y, Z, levels=levels, colors="grey", linewidths=0.5)
    for start in starts:
        path = tg.viz.optimizer_path((tg.optim.SGD, {"lr": 0.005}), himmelblau, steps, start)
        minimum = min(himmelblau.minima, key=lambda m: np.hypot(*(path[-1] - m)))
        colour = tg.viz.PALETTE[himmelblau.minima.index(minimum)]
        axes.plot(path[:, 0], path[:, 1], color=colour, lw=1.5)
        axes.plot(*start, "o", color="white", mec=colour, ms=8)
    for minimum in himmelblau.minima:
        axes.plot(*minimum, "*", color="gold", mec="black", ms=15)
    axes.set(xlim=himmelblau.xlim, ylim=himmelblau.ylim, xlabel="x", ylabel="y",
             title="Gradient descent on Himmelblau's function:\n"
                   "the start point decides which of the 4 minima (gold) it reaches")
    tg.viz.finish(figure, out / "local_minima.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="a fast run for the tests")
    args = parser.parse_args()
    samples, epochs, steps = (64, 4, 200) if args.small else (256, 8, 1000)
    plot_variants(args.out, samples, epochs)
    plot_local_minima(args.out, steps)
    print(f"wrote gd_variants.png and local_minima.png to {args.out}")


if __name__ == "__main__":
    main()
