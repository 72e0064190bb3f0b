"""Every optimizer from the same start on Rosenbrock, Beale and the saddle x² − y².

Each optimizer is the real ``tg.optim`` class stepping one 2-D Parameter. Watch momentum
overshoot and then follow the banana valley, plain gradient descent stall at the saddle
while the adaptive methods (Adagrad, RMSprop, Adam) rescale the tiny y-gradient and
escape, and Adadelta's slow start (its step size is learnt from past steps).

    python examples/optimizer_race.py [--out DIR] [--small] [--gif]
"""
import argparse
import pathlib

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
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
