"""Every optimizer from the same start on Rosenbrock, Beale and the saddle x² − y².

Each optimizer is the real ``tg.optim`` class stepping one 2-D Parameter. Watch momentum
overshoot and then follow the banana valley, plain gradient descent stall at the saddle
while the adaptive methods (Adagrad, RMSprop, Adam) rescale the tiny y-gradient and
escape, and Adadelta's slow start (its step size is learnt from past steps).

A last figure shows why adaptive methods suit sparse inputs: a linear regression whose
first features are present in 90% of the samples and the others in 1%. SGD's single lr is
capped by the frequent features, so the rare weights crawl; Adagrad, RMSprop and Adam give
each weight its own step size and reach the rare weights' noise floor several times
sooner. Adagrad's step lr / sqrt(sum of all past g²) can only shrink (learning may stall),
RMSprop's running average forgets old gradients, so its step grows back as they get small.

    python examples/optimizer_race.py [--out DIR] [--small] [--gif]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg

optim = tg.optim
# per surface: (steps, {name: (class, hyper-parameters)}); rates chosen per surface so
# that each method shows its typical behaviour rather than a diverged line
VALLEY_RATES = {
    "SGD": (optim.SGD, {"lr": 1e-3}),
    "SGD momentum 0.9": (optim.SGD, {"lr": 1e-3, "momentum": 0.9}),
    "SGD Nesterov": (optim.SGD, {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    "Adagrad": (optim.Adagrad, {"lr": 0.5}),
    "Adadelta": (optim.Adadelta, {"lr": 1.0}),
    "RMSprop": (optim.RMSprop, {"lr": 1e-2}),
    "Adam": (optim.Adam, {"lr": 0.05}),
    "AdamW": (optim.AdamW, {"lr": 0.05}),
    "Adamax": (optim.Adamax, {"lr": 0.1}),
    "NAdam": (optim.NAdam, {"lr": 0.05})}
RACES = {
    "rosenbrock": (1000, VALLEY_RATES),
    "beale": (800, VALLEY_RATES),
    "saddle": (120, {
        "SGD": (optim.SGD, {"lr": 0.05}),
        "SGD momentum 0.9": (optim.SGD, {"lr": 0.05, "momentum": 0.9}),
        "SGD Nesterov": (optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        "Adagrad": (optim.Adagrad, {"lr": 0.3}),
        "Adadelta": (optim.Adadelta, {"lr": 1.0}),
        "RMSprop": (optim.RMSprop, {"lr": 0.05}),
        "Adam": (optim.Adam, {"lr": 0.1}),
        "AdamW": (optim.AdamW, {"lr": 0.1}),
        "Adamax": (optim.Adamax, {"lr": 0.1}),
        "NAdam": (optim.NAdam, {"lr": 0.1})}),
}
FEATURED = ("SGD", "SGD momentum 0.9", "Adagrad", "RMSprop", "Adam")


SPARSE_RATES = {"SGD": (optim.SGD, {"lr": 0.3}), "Adagrad": (optim.Adagrad, {"lr": 0.3}),
                "RMSprop": (optim.RMSprop, {"lr": 0.01}), "Adam": (optim.Adam, {"lr": 0.03})}


def sparse_problem(samples, rng, frequent=5, rare=15):
    """Features present with probability 0.9 (the first ``frequent``) or 0.01, and targets."""
    presence = np.r_[np.full(frequent, 0.9), np.full(rare, 0.01)]
    present = rng.random((samples, presence.size)) < presence
    X = rng.normal(size=present.shape) * present
    true_w = rng.normal(size=presence.size)
    y = X @ true_w + rng.normal(0.0, 0.1, samples)  # noisy targets: gradients never vanish
    return X, y, true_w, presence > 0.5


def unseen_as_nan(accumulated):
    """NaN where a weight has had no gradient yet (its step size is not defined)."""
    return np.where(accumulated > 0, accumulated, np.nan)


def sparse_run(optimizer_class, options, X, y, steps, rng):
    """Weights and each weight's effective lr (adaptive methods) after every step."""
    w = tg.Tensor(np.zeros(X.shape[1]), requires_grad=True)
    optimizer = optimizer_class([w], **options)
    weights, rates = [], []
    for _ in range(steps):
        batch = rng.choice(len(X), 32, replace=False)
        optimizer.zero_grad()
        tg.nn.functional.mse_loss(tg.Tensor(X[batch]) @ w, tg.Tensor(y[batch])).backward()
        optimizer.step()
        weights.append(w.data.copy())
        state = optimizer.state[w]
        if "sum" in state:  # Adagrad: lr / (sqrt(sum of g²) + eps)
            rates.append(options["lr"] / np.sqrt(unseen_as_nan(state["sum"])))
        elif "square_avg" in state:  # RMSprop: lr / sqrt(average of g²), eps left out
            rates.append(options["lr"] / np.sqrt(unseen_as_nan(state["square_avg"])))
    return np.array(weights), np.array(rates)


def plot_sparse(out, steps):
    rng = np.random.default_rng(0)
    X, y, true_w, frequent = sparse_problem(2000, rng)
    figure, (error_axes, rate_axes) = tg.viz.new_figure(12, 4.5, ncols=2)
    for colour, (name, (optimizer_class, options)) in zip(tg.viz.PALETTE, SPARSE_RATES.items()):
        weights, rates = sparse_run(optimizer_class, options, X, y, steps,
                                    np.random.default_rng(1))
        errors = np.abs(weights - true_w)
        rare_error = errors[:, ~frequent].mean(axis=1)
        error_axes.plot(errors[:, frequent].mean(axis=1), color=colour, lw=1, ls=":")
        error_axes.plot(rare_error, color=colour, label=f"{name} (lr {options['lr']})")
        print(f"sparse features, {name}: mean |w - w*| after {steps} steps: frequent "
              f"{errors[-1, frequent].mean():.3g}, rare {rare_error[-1]:.3g}")
        for kind, mask, style in (("frequent", frequent, ":"), ("rare", ~frequent, "-")):
            if len(rates):
                rate_axes.plot(np.nanmedian(rates[:, mask], axis=1), color=colour, ls=style,
                               label=f"{name}, {kind} features")
    error_axes.set(xlabel="step", ylabel="mean |w - w*|", yscale="log",
                   title="Weight error: rare features (solid), frequent ones (dotted)")
    error_axes.legend(fontsize=8)
    error_axes.grid(alpha=0.3)
    rate_axes.set(xlabel="step", ylabel="median of lr / sqrt(accumulated g²)", yscale="log",
                  title="Adagrad's step only shrinks, RMSprop's tracks recent g²")
    rate_axes.legend(fontsize=8)
    rate_axes.grid(alpha=0.3)
    tg.viz.finish(figure, out / "adaptive_sparse.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    parser.add_argument("--gif", action="store_true", help="also write animated GIFs")
    args = parser.parse_args()
    for surface, (steps, optimizers) in RACES.items():
        if args.small and surface != "saddle":
            continue
        paths = tg.viz.race(optimizers, surface, steps=steps // 10 if args.small else steps)
        for name, points in paths.items():
            x, y = points[-1]
            print(f"{surface:>10} {name:<18} {len(points) - 1:>5} steps, ends at "
                  f"({x:.4f}, {y:.4f}), f = {tg.objectives.get(surface).value(x, y):.3g}")
        featured = {name: paths[name] for name in FEATURED}
        gif = args.out / f"race_{surface}.gif" if args.gif else None
        tg.viz.plot_race(featured, surface, path=args.out / f"race_{surface}.png", gif=gif)
        tg.viz.plot_race_grid(paths, surface, path=args.out / f"race_{surface}_all.png")
    plot_sparse(args.out, steps=150 if args.small else 600)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
