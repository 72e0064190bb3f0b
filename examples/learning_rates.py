"""Learning rate too small, about right, too large: on a bowl and on a real network.

Gradient descent on f(x, y) = (x² + 10 y²) / 2 is stable only for lr < 2 / 10 (the largest
curvature): below that it converges, slowly when lr is tiny; above it, it diverges. The
same three regimes appear when training an MLP on the digits; the divergent run is
stopped by ``TrainingDiverged`` with the model at its last finite weights.

    python examples/learning_rates.py [--out DIR] [--small]
"""
import argparse
import pathlib


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    bowl_paths(args.out, steps=30 if args.small else 60)
    train_digits(args.out, epochs=3 if args.small else 15, samples=300 if args.small else 1797)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
