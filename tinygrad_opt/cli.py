"""``tinygrad-opt``: train an MLP, or run a learning-rate range test, from the command line.

    tinygrad-opt train                      # MLP on the shipped 8x8 digits, a few seconds
    tinygrad-opt train --optimizer sgd --lr 0.1 --momentum 0.9 --schedule cosine
    tinygrad-opt train --dataset mnist --data-dir ~/mnist --hidden 256,128 --epochs 10
    tinygrad-opt lr-find --optimizer sgd

Data are split 80/10/10 (train/validation/test, stratified, seeded; MNIST keeps its own test
set and takes 10% of its training set for validation) and standardised with statistics of
the training split only. Results go to ``--out`` (default ``runs/<timestamp>``):
``summary.json`` and ``history.png`` for ``train``, ``lr_find.json`` and ``lr_find.png``
for ``lr-find``. Bad arguments print one line to stderr and exit with status 2.
"""
import argparse
import datetime
import json
import os
import sys
import time

import numpy as np

import tinygrad_opt.data as data
import tinygrad_opt.nn as nn
import tinygrad_opt.optim as optim
import tinygrad_opt.train as train
from tinygrad_opt._random import manual_seed
from tinygrad_opt.optim import lr_scheduler
from tinygrad_opt.viz.curves import plot_history, plot_lr_find

OPTIMIZERS = {"sgd": optim.SGD, "adagrad": optim.Adagrad, "adadelta": optim.Adadelta,
              "rmsprop": optim.RMSprop, "adam": optim.Adam, "adamw": optim.AdamW,
              "adamax": optim.Adamax, "nadam": optim.NAdam}
# PyTorch's default rates, except plain SGD's 1e-3, far too small for a few-second run.
DEFAULT_LR = {"sgd": 0.05, "adagrad": 1e-2, "adadelta": 1.0, "rmsprop": 1e-3, "adam": 1e-3,
              "adamw": 1e-3, "adamax": 2e-3, "nadam": 2e-3}
WITH_MOMENTUM = ("sgd", "rmsprop")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
               "leaky_relu": nn.LeakyReLU}
INITS = ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "normal")
NORMS = ("none", "batch", "layer", "group")
SCHEDULES = ("none", "step", "cosine", "exponential", "onecycle", "plateau")
DATASETS = ("digits", "mnist", "spiral", "moons")


class UsageError(Exception):
    """A bad combination of arguments, found after parsing."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``prog: error: message``), exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_float(text):
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _non_negative_float(text):
    value = _float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text}")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def _hidden_sizes(text):
    """``"128,64"`` -> ``[128, 64]``; ``""`` or ``"none"`` -> ``[]`` (a linear model)."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer widths such as 128,64, got {text!r}") from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"layer widths must be >= 1, got {text!r}")
    return sizes


def _add_common_options(parser):
    parser.add_argument("--dataset", choices=DATASETS, default="digits", help="data to learn")
    parser.add_argument("--data-dir", help="folder with the four MNIST IDX files")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw")
    parser.add_argument("--batch-size", type=_positive_int, default=32, help="mini-batch size")
    parser.add_argument("--hidden", type=_hidden_sizes, default=[128],
                        help="hidden layer widths, comma-separated, e.g. 128,64")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu",
                        help="activation after each hidden layer")
    parser.add_argument("--init", choices=INITS, default="kaiming_uniform",
                        help="weight initialisation of the Dense layers")
    parser.add_argument("--norm", choices=NORMS, default="none",
                        help="normalisation layer after each hidden Dense layer")
    parser.add_argument("--dropout", type=_non_negative_float, default=0.0,
                        help="dropout probability after each hidden layer")
    parser.add_argument("--optimizer", type=str.lower, choices=sorted(OPTIMIZERS),
                        default="adam", help="update rule")
    parser.add_argument("--lr", type=_positive_float,
                        help="learning rate (default: PyTorch's for the optimizer; SGD 0.05)")
    parser.add_argument("--momentum", type=_non_negative_float,
                        help="momentum for sgd and rmsprop")
    parser.add_argument("--weight-decay", type=_non_negative_float,
                        help="weight decay (L2 penalty; decoupled for adamw)")
    parser.add_argument("--out", help="output folder (default runs/<timestamp>)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


class _DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: ...)" after each option's help, except where there is none."""

    def _get_help_string(self, action):
        if action.default is None or isinstance(action.default, bool):
            return action.help
        return super()._get_help_string(action)


def build_parser():
    """The ``tinygrad-opt`` argument parser with its ``train`` and ``lr-find`` commands."""
    description = __doc__.split("\n")[0].replace("``", "")
    parser = _Parser(prog="tinygrad-opt", description=description)
    commands = parser.add_subparsers(dest="command", required=True)
    show_defaults = _DefaultsFormatter
    train_parser = commands.add_parser("train", help="train an MLP and report test accuracy",
                                       formatter_class=show_defaults)
    _add_common_options(train_parser)
    train_parser.add_argument("--epochs", type=_positive_int, default=30,
                              help="passes over the training split")
    train_parser.add_argument("--schedule", choices=SCHEDULES, default="none",
                              help="learning-rate schedule")
    train_parser.add_argument("--patience", type=_positive_int,
                              help="early stopping on val_loss after this many epochs")
    train_parser.add_argument("--checkpoint", help="save a checkpoint (.npz) every epoch")
    train_parser.add_argument("--resume", help="continue from a checkpoint (.npz)")
    find_parser = commands.add_parser("lr-find", help="learning-rate range test",
                                      formatter_class=show_defaults)
    _add_common_options(find_parser)
    find_parser.add_argument("--start-lr", type=_positive_float, default=1e-7,
                             help="first learning rate of the sweep")
    find_parser.add_argument("--end-lr", type=_positive_float, default=10.0,
                             help="last learning rate of the sweep")
    find_parser.add_argument("--num-iter", type=_positive_int, default=100,
                             help="steps of the exponential sweep")
    return parser


def load_splits(args):
    """``{"train"|"val"|"test": (X float32, y int64)}``, standardised on the training split.

    Raises:
        UsageError: ``--dataset mnist`` without ``--data-dir``.
        FileNotFoundError, ValueError: from the loaders (missing or malformed files).
    """
    if args.dataset == "mnist":
        if args.data_dir is None:
            raise UsageError("--dataset mnist needs --data-dir (a folder with the IDX files)")
        (X_rest, y_rest), test = data.load_mnist(args.data_dir)
        train_split, val_split, _ = data.train_val_test_split(X_rest, y_rest, val=0.1, test=0.0,
                                                              stratify=True)
    else:
        if args.dataset == "digits":
            X, y = data.load_digits()
        elif args.dataset == "spiral":
            X, y = data.make_spiral(n_per_class=300, n_classes=3, noise=0.2)
        else:
            X, y = data.make_moons(n_samples=1000, noise=0.1)
        train_split, val_split, test = data.train_val_test_split(X, y, val=0.1, test=0.1,
                                                                 stratify=True)
    scaler = data.StandardScaler().fit(train_split[0])
    return {name: (scaler.transform(X).astype(np.float32), np.asarray(y, dtype=np.int64))
            for name, (X, y) in (("train", train_split), ("val", val_split), ("test", test))}


def _norm_layer(kind, width):
    if kind == "batch":
        return nn.BatchNorm1d(width)
    if kind == "layer":
        return nn.LayerNorm(width)
    groups = next(g for g in (8, 4, 2, 1) if width % g == 0)
    return nn.GroupNorm(groups, width)


def build_model(args, n_features, n_classes):
    """``Dense -> [norm] -> activation -> [Dropout]`` per hidden width, then ``Dense``."""
    layers, width = [], n_features
    for hidden in args.hidden:
        layers.append(nn.Dense(width, hidden, weight_init=args.init))
        if args.norm != "none":
            layers.append(_norm_layer(args.norm, hidden))
        layers.append(ACTIVATIONS[args.activation]())
        if args.dropout > 0:
            layers.append(nn.Dropout(args.dropout))
        width = hidden
    layers.append(nn.Dense(width, n_classes, weight_init="xavier_uniform"))
    return nn.Sequential(*layers)


def build_optimizer(args, model):
    """The ``--optimizer`` with ``--lr``, ``--momentum`` and ``--weight-decay``."""
    options = {"lr": args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]}
    if args.momentum is not None:
        if args.optimizer not in WITH_MOMENTUM:
            raise UsageError(f"--momentum applies to {' and '.join(WITH_MOMENTUM)} only, "
                             f"not {args.optimizer}")
        options["momentum"] = args.momentum
    if args.weight_decay is not None:
        options["weight_decay"] = args.weight_decay
    return OPTIMIZERS[args.optimizer](model.parameters(), **options)


def build_scheduler(args, optimizer, steps_per_epoch):
    """The ``--schedule`` over ``--epochs`` (``onecycle`` counts steps), or None."""
    epochs = args.epochs
    if args.schedule == "step":
        return lr_scheduler.StepLR(optimizer, step_size=max(1, epochs // 3), gamma=0.1)
    if args.schedule == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    if args.schedule == "exponential":
        return lr_scheduler.ExponentialLR(optimizer, gamma=0.01 ** (1 / epochs))
    if args.schedule == "onecycle":
        return lr_scheduler.OneCycleLR(optimizer, max_lr=optimizer.param_groups[0]["lr"],
                                       total_steps=epochs * steps_per_epoch)
    if args.schedule == "plateau":
        return lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=3)
    return None


def _setup(args):
    """Seed, load data, build the model, loss and optimizer for either command."""
    manual_seed(args.seed)
    splits = load_splits(args)
    n_classes = int(max(y.max() for _, y in splits.values())) + 1
    model = build_model(args, splits["train"][0].shape[1], n_classes)
    return splits, model, nn.CrossEntropyLoss(), build_optimizer(args, model)


def _out_dir(args):
    path = args.out or os.path.join("runs", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(path, exist_ok=True)
    return path


def _print_table(results, epochs, seconds):
    print(f"{'split':<8}{'loss':>10}{'accuracy':>10}")
    for split, logs in results.items():
        print(f"{split:<8}{logs['loss']:>10.4f}{logs['accuracy']:>10.4f}")
    print(f"trained {epochs} epochs in {seconds:.2f} s ({seconds / max(epochs, 1):.3f} s/epoch)")


def run_train(args):
    """``tinygrad-opt train``: fit, evaluate every split, write summary.json and history.png."""
    splits, model, loss_fn, optimizer = _setup(args)
    train_loader = data.DataLoader(*splits["train"], batch_size=args.batch_size)
    loaders = {name: data.DataLoader(*splits[name], batch_size=1024, shuffle=False)
               for name in splits}
    scheduler = build_scheduler(args, optimizer, len(train_loader))
    callbacks = [] if args.patience is None else [
        train.EarlyStopping(patience=args.patience, restore_best_weights=True)]
    out = _out_dir(args)
    started = time.perf_counter()
    history = train.fit(model, loss_fn, optimizer, train_loader, args.epochs,
                        val_loader=loaders["val"], scheduler=scheduler, callbacks=callbacks,
                        progress=not args.no_progress, checkpoint=args.checkpoint,
                        resume=args.resume)
    seconds = time.perf_counter() - started
    results = {name: train.evaluate(model, loss_fn, loader) for name, loader in loaders.items()}
    summary = {"test_accuracy": results["test"]["accuracy"], "test_loss": results["test"]["loss"],
               "epochs": len(history.epoch), "seconds": seconds,
               "results": results, "stop_reason": history.stop_reason,
               "parameters": model.num_parameters(),
               "samples": {name: len(y) for name, (_, y) in splits.items()},
               "config": {key: value for key, value in vars(args).items()},
               "history": history.history, "epoch_seconds": history.epoch_seconds}
    with open(os.path.join(out, "summary.json"), "w") as stream:
        json.dump(summary, stream, indent=2)
    plot_history(history, title=f"{args.dataset}: {args.optimizer}",
                 path=os.path.join(out, "history.png"))
    _print_table(results, len(history.epoch), seconds)
    print(f"wrote {os.path.join(out, 'summary.json')} and history.png")
    return 0


def run_lr_find(args):
    """``tinygrad-opt lr-find``: sweep, print a table and the suggestion, save the plot."""
    if not args.start_lr < args.end_lr:
        raise UsageError(f"--start-lr {args.start_lr} must be below --end-lr {args.end_lr}")
    splits, model, loss_fn, optimizer = _setup(args)
    loader = data.DataLoader(*splits["train"], batch_size=args.batch_size)
    lrs, losses, suggested = train.lr_find(model, loss_fn, optimizer, loader, args.start_lr,
                                           args.end_lr, max(args.num_iter, 2))
    out = _out_dir(args)
    print(f"{'lr':>10}{'smoothed loss':>16}")
    for index in range(0, len(lrs), max(1, len(lrs) // 10)):
        print(f"{lrs[index]:>10.2e}{losses[index]:>16.4f}")
    shown = "none (too few points)" if suggested is None else f"{suggested:.3g}"
    print(f"suggested lr (steepest drop): {shown}")
    with open(os.path.join(out, "lr_find.json"), "w") as stream:
        json.dump({"lrs": lrs, "losses": losses, "suggested_lr": suggested}, stream, indent=2)
    plot_lr_find(lrs, losses, suggested, title=f"LR range test: {args.optimizer}",
                 path=os.path.join(out, "lr_find.png"))
    print(f"wrote {os.path.join(out, 'lr_find.json')} and lr_find.png")
    return 0


def main(argv=None):
    """Entry point of ``tinygrad-opt``; returns the exit status (0), or exits with 2 on bad
    arguments and 1 when training diverges, after one line on stderr."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = run_train if args.command == "train" else run_lr_find
    try:
        return command(args)
    except (UsageError, ValueError, FileNotFoundError) as error:
        parser.exit(2, f"tinygrad-opt {args.command}: error: {_one_line(error)}\n")
    except train.TrainingDiverged as error:
        print(f"tinygrad-opt {args.command}: {_one_line(error)}", file=sys.stderr)
        return 1


def _one_line(error):
    return " ".join(str(error).split())
