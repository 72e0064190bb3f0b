"""Two claims of the notes checked with sweeps over seeds: learning-rate sensitivity of SGD
against Adam, and the linear scaling rule LR' = LR x b/32.

1. "Learning rate is one of the most difficult parameters to set": the final validation
   loss against the learning rate is a valley (too small has not learned yet, too large
   bounces or diverges). Its width, the range of rates within 2x of the best loss, measured
   in decades, says how forgiving each optimizer is, and the band over seeds says which
   differences are real.
2. "If you increase the batch size by a factor, increase the learning rate by the same
   factor": for plain SGD with a fixed budget of epochs, the best learning rate of each
   batch size against the batch size, with the spread of the per-seed best rates, beside
   the line lr(32) x b/32.

Every trial is the standard recipe (MLP on the digits, ``tinygrad-opt train``) run by
``tg.train.sweep``, in parallel local processes (or on Ray with ``--ray``).

    python examples/sweep_optimizers.py [--out DIR] [--small] [--runs DIR] [--ray ADDRESS]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def mean_losses(rows, **where):
    """``{lr: mean final val loss over seeds}`` of the rows matching ``where``; inf when a
    seed diverged or failed (a rate that sometimes explodes is not in the valley)."""
    losses = {}
    for row in rows:
        if all(row[name] == value for name, value in where.items()):
            value = row["val_loss"] if row["status"] == "ok" else np.inf
            losses.setdefault(row["lr"], []).append(value)
    return {lr: float(np.mean(values)) for lr, values in sorted(losses.items())}


def valley(losses, tolerance=2.0):
    """``(lowest lr, highest lr, best loss)``: the run of rates around the best one whose
    loss stays within ``tolerance`` times the best."""
    lrs, values = list(losses), list(losses.values())
    best = int(np.argmin(values))
    low = high = best
    while low > 0 and values[low - 1] <= tolerance * values[best]:
        low -= 1
    while high < len(lrs) - 1 and values[high + 1] <= tolerance * values[best]:
        high += 1
    return lrs[low], lrs[high], values[best]


def lr_sensitivity(rows, out):
    figure = tg.viz.plot_sweep(rows, "lr", title="Digits MLP: SGD and Adam over learning rates")
    axes = figure.axes[0]
    for colour, optimizer in zip(tg.viz.PALETTE, ("sgd", "adam")):
        low, high, best = valley(mean_losses(rows, optimizer=optimizer))
        decades = np.log10(high / low)
        print(f"{optimizer:>4}: best mean val loss {best:.3f}; within 2x of it from lr={low:g} "
              f"to lr={high:g} ({decades:.1f} decades)")
        axes.plot([low, high], [2 * best] * 2, "|-", color=colour, linewidth=3, alpha=0.6,
                  markersize=12, label=f"{optimizer} valley (2x best): {decades:.1f} decades")
    axes.legend(fontsize=7, loc="upper left")
    tg.viz.finish(figure, out / "sweep_lr_sensitivity.png")


def best_lrs(rows, batch_size):
    """The best learning rate of each seed at one batch size."""
    seeds = sorted({row["seed"] for row in rows})
    return [min(mean_losses(rows, batch_size=batch_size, seed=seed).items(),
                key=lambda item: item[1])[0] for seed in seeds]


def linear_scaling(rows, batch_sizes, out):
    figure, (loss_axes, best_axes) = tg.viz.new_figure(12.0, 4.4, ncols=2)
    tg.viz.plot_sweep(rows, "lr", by="optimizer", axes=loss_axes,
                      title="SGD: validation loss against lr, per batch size")
    loss_axes.legend(fontsize=7, loc="lower left")
    per_seed = np.array([best_lrs(rows, size) for size in batch_sizes])
    centre = np.exp(np.log(per_seed).mean(axis=1))  # geometric mean: the lrs are log-spaced
    slope = np.polyfit(np.log(batch_sizes), np.log(centre), 1)[0]
    anchor = centre[list(batch_sizes).index(32)] if 32 in batch_sizes else centre[0]
    base = 32 if 32 in batch_sizes else batch_sizes[0]
    spread = np.maximum(0, [centre - per_seed.min(axis=1), per_seed.max(axis=1) - centre])
    best_axes.errorbar(batch_sizes, centre, yerr=spread,
                       fmt="o-", capsize=4, color=tg.viz.PALETTE[0],
                       label=f"best lr (geometric mean over seeds, bars min–max); slope "
                             f"{slope:.2f}")
    sizes = np.array(batch_sizes, dtype=float)
    best_axes.plot(sizes, anchor * sizes / base, "--", color="grey",
                   label=f"linear scaling: lr({base}) × b/{base} (slope 1)")
    best_axes.set(xscale="log", yscale="log", xlabel="batch size b (log scale)",
                  ylabel="best learning rate", title="Best SGD learning rate against batch size")
    best_axes.set_xticks(batch_sizes, [str(size) for size in batch_sizes])
    best_axes.set_xticks([], minor=True)
    best_axes.grid(True, which="major", alpha=0.3)
    best_axes.legend(fontsize=8)
    for size, rates in zip(batch_sizes, per_seed):
        print(f"b={size:>4}: best lr per seed {', '.join(f'{rate:g}' for rate in rates)}")
    print(f"log-log slope of best lr against batch size: {slope:.2f} (linear scaling: 1)")
    tg.viz.finish(figure, out / "sweep_linear_scaling.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~5 s)")
    parser.add_argument("--runs", type=pathlib.Path,
                        help="keep each sweep's results.csv there (a rerun resumes)")
    parser.add_argument("--ray", help="run the trials on Ray: local, auto or host:port")
    args = parser.parse_args()
    if args.small:
        common = {"epochs": [1], "hidden": [[16]]}
        lrs, batch_sizes, seeds, workers = [0.01, 0.1, 1.0], [16, 64], 2, 1
    else:
        common = {"epochs": [10]}
        lrs = [float(f"{rate:.2g}") for rate in np.logspace(-4, 1, 16)]
        batch_sizes, seeds, workers = [8, 16, 32, 64, 128, 256], 3, None
    options = {"seeds": seeds, "workers": workers, "ray": args.ray, "progress": not args.small}

    def runs(name):
        return None if args.runs is None else args.runs / name

    rows = tg.train.sweep({"optimizer": ["sgd", "adam"], "lr": lrs, **common},
                          out=runs("lr_sensitivity"), **options)
    lr_sensitivity(rows, args.out)
    scaling_lrs = [rate for rate in lrs if rate >= 1e-3]
    rows = tg.train.sweep({"optimizer": ["sgd"], "batch_size": batch_sizes, "lr": scaling_lrs,
                           **common}, out=runs("linear_scaling"), **options)
    linear_scaling(rows, batch_sizes, args.out)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
