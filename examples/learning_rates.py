"""Learning rate too small, about right, too large: on a bowl and on a real network.

Gradient descent on f(x, y) = (x² + 10 y²) / 2 is stable only for lr < 2 / 10 (the largest
curvature): below that it converges, slowly when lr is tiny; above it, it diverges. The
same three regimes appear when training an MLP on the digits; the divergent run is
stopped by ``TrainingDiverged`` with the model at its last finite weights. The same bound
explains why flat minima are easier to settle in: on a curve with a sharp minimum
(curvature 50, stable for lr < 0.04) and an equally deep flat one (curvature 2, stable for
lr < 1), a small lr stays in the sharp minimum it starts next to, while lr = 0.1 bounces out
of it and converges in the flat one.

    python examples/learning_rates.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


class RecordSteps(tg.train.Callback):
    """Keep every step's loss, so a run that diverges still has a curve to show."""

    def __init__(self):
        self.losses = []

    def on_step_end(self, state):
        self.losses.append(state.step_loss)


def bowl_paths(out, steps):
    rates = {"too small (lr=0.01)": 0.01, "good (lr=0.15)": 0.15, "too large (lr=0.205)": 0.205}
    paths = tg.viz.race({name: (tg.optim.SGD, {"lr": lr}) for name, lr in rates.items()},
                        "quadratic", steps=steps)
    tg.viz.plot_race(paths, "quadratic", path=out / "learning_rates_bowl.png",
                     title="Gradient descent on a bowl: stable only for lr < 2/κ = 0.2")


def train_digits(out, epochs, samples):
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)[:samples]
    y = y[:samples]
    runs = {}
    for name, lr in [("too small (lr=1e-3)", 1e-3), ("good (lr=0.1)", 0.1),
                     ("too large (lr=10)", 10.0)]:
        tg.manual_seed(0)
        model = tg.nn.Sequential(tg.nn.Dense(64, 32), tg.nn.ReLU(), tg.nn.Dense(32, 10))
        recorder = RecordSteps()
        try:
            tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr),
                         tg.data.DataLoader(X, y, batch_size=32), epochs,
                         callbacks=[recorder], progress=False)
        except tg.train.TrainingDiverged as error:
            print(f"{name}: {error}")
        runs[name] = {"step loss": recorder.losses}
        print(f"{name}: {len(recorder.losses)} steps, last loss {recorder.losses[-1]:.4g}")
    tg.viz.plot_histories(runs, key="step loss", xlabel="step", ymax=100.0,
                          path=out / "learning_rates_mlp.png",
                          title="MLP on digits, SGD: loss per step (the diverged run stops)")


SHARP, FLAT = (-1.0, 50.0), (2.0, 2.0)  # (position, curvature) of the two minima


def two_minima(x):
    """Smooth minimum of two parabolas: a sharp one and a flat one, both of depth about 0."""
    sharp = SHARP[1] / 2 * (x - SHARP[0]) ** 2
    flat = FLAT[1] / 2 * (x - FLAT[0]) ** 2
    if isinstance(x, tg.Tensor):
        return -((-sharp).exp() + (-flat).exp()).log()
    return -np.log(np.exp(-sharp) + np.exp(-flat))


def descend(lr, steps, start=-1.2):
    x = tg.Tensor(np.array([start]), requires_grad=True)
    optimizer = tg.optim.SGD([x], lr=lr)
    path = [start]
    for _ in range(steps):
        optimizer.zero_grad()
        two_minima(x).sum().backward()
        optimizer.step()
        path.append(float(x.data[0]))
    return np.array(path)


def flat_and_sharp(out, steps):
    figure, (curve_axes, trace_axes) = tg.viz.new_figure(12, 4.5, ncols=2)
    grid = np.linspace(-2.5, 4.5, 500)
    curve_axes.plot(grid, two_minima(grid), color="black", lw=1)
    for colour, lr in zip(tg.viz.PALETTE, (0.01, 0.1)):
        path = descend(lr, steps)
        label = f"lr = {lr}: ends at x = {path[-1]:.2f}"
        curve_axes.plot(path, two_minima(path), "o-", color=colour, ms=3, lw=0.5, alpha=0.6,
                        label=label)
        curve_axes.plot(path[-1], two_minima(path[-1]), "o", color=colour, mec="black", ms=10)
        trace_axes.plot(path, "o-", color=colour, ms=3, label=label)
        print(f"two minima, {label}")
    curve_axes.set(xlabel="x", ylabel="f(x)", ylim=(-0.5, 8),
                   title="Sharp minimum (curvature 50) and flat one (curvature 2), from x = -1.2")
    curve_axes.legend(fontsize=8)
    for (position, curvature), name in ((SHARP, "sharp"), (FLAT, "flat")):
        trace_axes.axhline(position, color="grey", lw=1, ls=":")
        trace_axes.annotate(f"{name} minimum: stable for lr < 2/{curvature:g} = "
                            f"{2 / curvature:g}", (steps, position), ha="right",
                            va="bottom", fontsize=8)
    trace_axes.set(xlabel="step", ylabel="x",
                   title="Too large a step for the sharp minimum, fine for the flat one")
    trace_axes.legend(fontsize=8, loc="center right")
    trace_axes.grid(alpha=0.3)
    tg.viz.finish(figure, out / "flat_sharp_minima.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    bowl_paths(args.out, steps=30 if args.small else 60)
    flat_and_sharp(args.out, steps=30)
    train_digits(args.out, epochs=3 if args.small else 15, samples=300 if args.small else 1797)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
