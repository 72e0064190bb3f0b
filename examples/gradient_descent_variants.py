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


def gradient_descent(features, y, lr, steps):
    """(w, b) after every full-batch GD step on MSE of ``w * features + b``."""
    params = tg.Tensor(np.zeros(2), requires_grad=True)
    optimizer = tg.optim.SGD([params], lr=lr)
    path = [params.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        prediction = tg.Tensor(features) * params[0] + params[1]
        tg.nn.functional.mse_loss(prediction, tg.Tensor(y)).backward()
        optimizer.step()
        path.append(params.data.copy())
    return np.array(path)


def plot_feature_scaling(out, steps):
    rng = np.random.default_rng(0)
    x, y = make_data(256, rng)
    raw = 100.0 + 20.0 * x  # the same input in raw units
    scaled = tg.data.StandardScaler().fit_transform(raw[:, None])[:, 0]
    figure, axes = tg.viz.new_figure(15, 4.5, ncols=3)
    for colour, panel, (name, features) in zip(tg.viz.PALETTE, axes[:2],
                                               [("raw x", raw), ("standardised x", scaled)]):
        design = np.stack([features, np.ones_like(features)], axis=1)
        curvatures = np.linalg.eigvalsh(2.0 * design.T @ design / len(y))  # Hessian of the MSE
        lr = 1.8 / curvatures[-1]  # 90% of the largest stable lr, 2 / largest curvature
        path = gradient_descent(features, y, lr, steps)
        best = np.linalg.lstsq(design, y, rcond=None)[0]
        span = np.abs(best).max() + 1.0
        W, B = np.meshgrid(np.linspace(best[0] - span, best[0] + span, 200),
                           np.linspace(best[1] - span, best[1] + span, 200))
        surface = full_loss(np.stack([W, B], axis=-1), features, y)
        panel.contour(W, B, surface, levels=np.geomspace(surface.min() + 1e-3, surface.max(), 25),
                      colors="grey", linewidths=0.5)
        panel.plot(path[:, 0], path[:, 1], ".-", color=colour, lw=1, ms=3,
                   label=f"{steps} GD steps, lr = {lr:.2g}")
        panel.plot(*best, "*", color="gold", mec="black", ms=15, label="least squares")
        panel.set(xlabel="weight w", ylabel="intercept b",
                  title=f"{name}: loss curvatures {curvatures[0]:.2g} and {curvatures[1]:.2g}")
        panel.legend(fontsize=8, loc="upper right")
        loss = full_loss(path, features, y) - full_loss(best, features, y)
        axes[2].plot(np.maximum(loss, 1e-12), color=colour, label=name)
        print(f"feature scaling, {name}: lr {lr:.3g}, excess loss after {steps} steps "
              f"{loss[-1]:.3g}")
    axes[2].set(xlabel="step", ylabel="MSE above the least-squares minimum", yscale="log",
                title="GD at 90% of the largest stable lr")
    axes[2].grid(alpha=0.3)
    axes[2].legend(fontsize=8)
    tg.viz.finish(figure, out / "feature_scaling.png")


def shuffling_run(X, y, shuffle, epochs):
    """Full-data loss after every mini-batch step of softmax regression on the digits."""
    tg.manual_seed(0)
    model = tg.nn.Dense(64, 10)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.5)
    loader = tg.data.DataLoader(X, y, batch_size=32, shuffle=shuffle,
                                rng=np.random.default_rng(0))
    criterion = tg.nn.CrossEntropyLoss()
    losses, labels = [], [yb for _, yb in loader]
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            criterion(model(tg.Tensor(xb)), yb).backward()
            optimizer.step()
            with tg.no_grad():
                losses.append(float(criterion(model(tg.Tensor(X)), y).data))
    return np.array(losses), labels


def plot_shuffling(out, epochs):
    X, y = tg.data.load_digits()
    order = np.argsort(y, kind="stable")  # the data set sorted by label
    X, y = tg.data.StandardScaler().fit_transform(X)[order], y[order]
    figure, axes = tg.viz.new_figure(15, 4.5, ncols=3)
    for colour, panel, shuffle in zip(tg.viz.PALETTE, axes[:2], (False, True)):
        losses, labels = shuffling_run(X, y, shuffle, epochs)
        name = "reshuffled every epoch" if shuffle else "sorted by label, not shuffled"
        counts = np.array([np.bincount(batch, minlength=10) for batch in labels])
        panel.imshow(counts.T, aspect="auto", cmap="Greys", origin="lower",
                     extent=(-0.5, len(counts) - 0.5, -0.5, 9.5))
        panel.set(xlabel="mini-batch of one epoch", ylabel="digit class",
                  title=f"{name}: class counts per batch")
        axes[2].plot(np.arange(1, len(losses) + 1) / len(labels), losses, color=colour,
                     label=name)
        print(f"shuffling, {name}: full-data loss after {epochs} epochs {losses[-1]:.3f}")
    axes[2].set(xlabel="epoch", ylabel="full-data cross-entropy", yscale="log",
                title="Softmax regression, SGD lr = 0.5, B = 32")
    axes[2].grid(alpha=0.3)
    axes[2].legend(fontsize=8)
    tg.viz.finish(figure, out / "shuffling.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="a fast run for the tests")
    args = parser.parse_args()
    samples, epochs = (64, 4) if args.small else (256, 8)
    plot_variants(args.out, samples, epochs)
    plot_local_minima(args.out, steps=100 if args.small else 200)  # every path ends by step 80
    plot_feature_scaling(args.out, steps=30 if args.small else 60)
    plot_shuffling(args.out, epochs=2 if args.small else 4)
    print(f"wrote gd_variants.png, local_minima.png, feature_scaling.png and shuffling.png "
          f"to {args.out}")


if __name__ == "__main__":
    main()
