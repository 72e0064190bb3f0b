"""``tinygrad-opt sweep``: the ``train`` options, each with several values, over seeds.

    tinygrad-opt sweep --optimizer sgd adam --lr 0.01 0.1 1 --seeds 3 --workers 2
    tinygrad-opt sweep --lr 0.001 0.01 --batch-size 16 64 --ray local --out runs/bs

Writes ``results.csv`` (one row per trial, appended as trials finish; a rerun into the same
``--out`` skips the trials already there) and ``val_loss_vs_<option>.png`` for every
numeric option swept.
"""
import datetime
import os

from ..train import recipe
from ..train.sweep import sweep
from ..viz.sweep import save_sweep_figures
from . import _args


def add_commands(commands):
    """Register ``sweep`` with the subparsers ``commands``."""
    parser = commands.add_parser(
        "sweep", help="train over every combination of option values and seeds",
        description="Train the recipe of `train` for every combination of the values given "
                    "(each option takes several) and every seed.",
        formatter_class=_args.DefaultsFormatter)
    _args.add_recipe_options(parser, nargs="+")
    parser.add_argument("--seeds", type=_args.positive_int, default=1,
                        help="seeds 0..N-1 for every combination")
    parser.add_argument("--workers", type=_args.positive_int, default=os.cpu_count() or 1,
                        help="local processes, one trial each at a time (1: one after "
                             "another in this process; with --ray local: Ray's CPUs)")
    parser.add_argument("--ray", metavar="ADDRESS",
                        help="run each trial as a Ray task: host:port or auto (a running "
                             "cluster), local (start Ray on this machine)")
    parser.add_argument("--out", help="output folder (default runs/sweep-<timestamp>)")
    parser.set_defaults(run=run_sweep)


def grid_from_args(args):
    """The sweep grid: every recipe option given on the command line (a value other than
    the default), and always the optimizer and the learning rate."""
    grid = {}
    for name, values in _args.recipe_options(args).items():
        if not isinstance(values, list) and values is not None:
            values = [values]  # --data-dir takes one folder
        if name in ("optimizer", "lr") or values not in (None, [recipe.DEFAULTS[name]]):
            grid[name] = values
    return grid


def _new_out_dir():
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path, number = os.path.join("runs", f"sweep-{stamp}"), 1
    while os.path.exists(path):
        number += 1
        path = os.path.join("runs", f"sweep-{stamp}-{number}")
    return path


def run_sweep(args):
    """``tinygrad-opt sweep``: run the grid, write results.csv and the pictures."""
    out = args.out or _new_out_dir()
    try:
        rows = sweep(grid_from_args(args), seeds=args.seeds, workers=args.workers,
                     ray=args.ray, out=out)
    except ImportError as error:  # --ray without Ray installed
        raise ValueError(str(error)) from None
    figures = save_sweep_figures(rows, out)
    counts = {status: sum(row["status"] == status for row in rows)
              for status in ("ok", "diverged", "failed")}
    print(", ".join(f"{count} {status}" for status, count in counts.items() if count))
    shown = " and ".join([os.path.join(out, "results.csv")] + [path.name for path in figures])
    print(f"wrote {shown}")
    return 0
