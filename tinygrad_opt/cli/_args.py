"""Argument types, the parser class and the options shared by the ``tinygrad-opt`` commands."""
import argparse

import numpy as np

from ..train import recipe


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``prog: error: message``), exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


class Given(argparse.Action):
    """Store an option's value and remember that it was on the command line: ``given(args)``
    names the options the user chose (a resumed run takes the others from its checkpoint)."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = getattr(namespace, "given", frozenset()) | {self.dest}


def given(args):
    """The options (by ``dest``) given explicitly on the command line."""
    return getattr(args, "given", frozenset())


class DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: ...)" after each option's help, except where there is none."""

    def _get_help_string(self, action):
        if action.default is None or isinstance(action.default, bool):
            return action.help
        return super()._get_help_string(action)


def finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text}")
    return value


def positive_float(text):
    value = finite_float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def non_negative_float(text):
    value = finite_float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def positive_int(text):
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def hidden_sizes(text):
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


def add_recipe_options(parser, nargs=None, training=True):
    """The options of ``train.recipe`` but the seed (with ``nargs="+"``: each takes several
    values); ``training=False`` leaves out the epoch budget, schedule and early stopping."""
    many = {} if nargs is None else {"nargs": nargs}

    def option(flag, **kwargs):
        default = kwargs.pop("default", None)
        if nargs is not None and default is not None:
            default = [default]
        parser.add_argument(flag, default=default, action=Given, **many, **kwargs)

    defaults = recipe.DEFAULTS
    option("--dataset", choices=recipe.DATASETS, default=defaults["dataset"],
           help="data to learn")
    parser.add_argument("--data-dir", action=Given,
                        help="folder with the four MNIST IDX files")
    option("--batch-size", type=positive_int, default=defaults["batch_size"],
           help="mini-batch size")
    option("--hidden", type=hidden_sizes, default=defaults["hidden"],
           help="hidden layer widths, comma-separated, e.g. 128,64")
    option("--activation", choices=sorted(recipe.ACTIVATIONS), default=defaults["activation"],
           help="activation after each hidden layer")
    option("--init", choices=recipe.INITS, default=defaults["init"],
           help="weight initialisation of the Dense layers")
    option("--norm", choices=recipe.NORMS, default=defaults["norm"],
           help="normalisation layer after each hidden Dense layer")
    option("--dropout", type=non_negative_float, default=defaults["dropout"],
           help="dropout probability after each hidden layer")
    option("--optimizer", type=str.lower, choices=sorted(recipe.OPTIMIZERS),
           default=defaults["optimizer"], help="update rule")
    option("--lr", type=positive_float,
           help="learning rate (default: PyTorch's for the optimizer; SGD 0.05)")
    option("--momentum", type=non_negative_float, help="momentum for sgd and rmsprop")
    option("--weight-decay", type=non_negative_float,
           help="weight decay (L2 penalty; decoupled for adamw)")
    if not training:
        return
    option("--epochs", type=positive_int, default=defaults["epochs"],
           help="passes over the training split")
    option("--schedule", choices=recipe.SCHEDULES, default=defaults["schedule"],
           help="learning-rate schedule")
    option("--patience", type=positive_int,
           help="early stopping on val_loss after this many epochs")


def recipe_options(args):
    """The recipe's options from parsed arguments (names as in ``recipe.DEFAULTS``).

    Raises:
        ValueError: ``--data-dir`` without ``--dataset mnist`` (it would be ignored), unless
            resuming (the checkpoint's dataset counts then).
    """
    options = {name: getattr(args, name) for name in recipe.DEFAULTS if hasattr(args, name)}
    datasets = options.get("dataset")
    datasets = datasets if isinstance(datasets, list) else [datasets]
    resuming = getattr(args, "resume", None) is not None   # the dataset may be the checkpoint's
    if options.get("data_dir") is not None and "mnist" not in datasets and not resuming:
        raise ValueError(f"--data-dir {options['data_dir']} is read by --dataset mnist only; "
                         f"this run uses {' '.join(map(str, datasets))}")
    return options
