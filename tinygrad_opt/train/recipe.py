"""The standard recipe: data, an MLP, an optimizer and a schedule, trained and evaluated.

``tinygrad-opt train`` and every sweep trial run this recipe, so a trial is a plain function
of its options and seed. ``resolve(options)`` fills in the defaults and checks every value
(naming a bad one), and returns the options actually used: the learning rate left unset
becomes the optimizer's default, so a run's record always holds the rate it trained with.

Data are split 80/10/10 (train/validation/test, stratified, seeded; MNIST keeps its own test
set and takes 10% of its training set for validation) and standardised with the statistics
of the training split only.
"""
import numbers
import time

import numpy as np

from .. import data, nn, optim
from .._random import manual_seed
from ..optim import lr_scheduler
from .stopping import EarlyStopping
from . import resume as resume_io
from ._interrupt import TrainingInterrupted
from .diverged import TrainingDiverged
from .evaluation import evaluate
from .loop import fit

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

DEFAULTS = {"dataset": "digits", "data_dir": None, "seed": 0, "batch_size": 32,
            "hidden": [128], "activation": "relu", "init": "kaiming_uniform", "norm": "none",
            "dropout": 0.0, "optimizer": "adam", "lr": None, "momentum": None,
            "weight_decay": None, "epochs": 30, "schedule": "none", "patience": None}
"""Every option of the recipe with its default (``lr=None``: the optimizer's default)."""
EPOCH_SCHEDULES = ("step", "cosine", "exponential", "onecycle")
"""Schedules built for the epoch count: a resumed run of these cannot change ``epochs``."""


class RecipeError(ValueError):
    """An option of the recipe with a bad value or a bad combination of options."""


def _check_choice(options, name, choices):
    if options[name] not in choices:
        raise RecipeError(f"{name}={options[name]!r} is not one of {', '.join(choices)}")


def _check_number(options, name, low, integer=False, above=False):
    """Raise unless ``options[name]`` is a finite number >= low (> low when ``above``)."""
    value = options[name]
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not np.isfinite(value):
        wanted = "an integer" if integer else "a finite number"
        raise RecipeError(f"{name}={value!r} must be {wanted}")
    if value < low or (above and value == low):
        raise RecipeError(f"{name}={value!r} must be {'>' if above else '>='} {low}")


def resolve(options=None, **overrides):
    """The recipe's options with defaults filled in and every value checked.

    Args:
        options: a dict of options (names as in ``DEFAULTS``); ``overrides`` win over it.

    Returns:
        A new dict with every option of ``DEFAULTS``; ``lr`` is the rate actually used.

    Raises:
        RecipeError: an unknown option name, a value of the wrong type or range, or options
            that do not go together (``momentum`` for Adam, MNIST without ``data_dir``).
    """
    given = {**(options or {}), **overrides}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise RecipeError(f"unknown option(s) {', '.join(unknown)}; the recipe takes "
                          f"{', '.join(DEFAULTS)}")
    config = {**DEFAULTS, **given}
    for name, choices in (("dataset", DATASETS), ("optimizer", tuple(OPTIMIZERS)),
                          ("activation", tuple(ACTIVATIONS)), ("init", INITS),
                          ("norm", NORMS), ("schedule", SCHEDULES)):
        _check_choice(config, name, choices)
    _check_number(config, "seed", 0, integer=True)
    _check_number(config, "batch_size", 1, integer=True)
    _check_number(config, "epochs", 1, integer=True)
    _check_number(config, "dropout", 0)
    if config["dropout"] >= 1:
        raise RecipeError(f"dropout={config['dropout']!r} must be below 1 (1 drops everything)")
    config["hidden"] = _hidden_sizes(config["hidden"])
    if config["lr"] is None:
        config["lr"] = DEFAULT_LR[config["optimizer"]]
    _check_number(config, "lr", 0, above=True)
    for name in ("momentum", "weight_decay"):
        if config[name] is not None:
            _check_number(config, name, 0)
    if config["patience"] is not None:
        _check_number(config, "patience", 1, integer=True)
    if config["momentum"] is not None and config["optimizer"] not in WITH_MOMENTUM:
        raise RecipeError(f"momentum applies to {' and '.join(WITH_MOMENTUM)} only, "
                          f"not {config['optimizer']}")
    if config["dataset"] == "mnist" and config["data_dir"] is None:
        raise RecipeError("dataset mnist needs data_dir (a folder with the IDX files)")
    return config


def check_resume(config, saved, path):
    """Raise unless a run of ``config`` can continue the checkpoint at ``path``, whose run
    had the options ``saved``.

    A resumed run may ask for another epoch count (unless its schedule was built for the
    count, ``EPOCH_SCHEDULES``) and read its data from another ``data_dir``; every other
    option must be the checkpoint's: another seed is another data split, another
    optimizer or rate another run.

    Raises:
        RecipeError: the first option that differs, with both values.
    """
    for name in DEFAULTS:
        old, new = saved.get(name), config[name]
        if name == "data_dir" or old == new:
            continue
        if name == "epochs" and saved.get("schedule") not in EPOCH_SCHEDULES:
            continue
        why = {"seed": " (the seed fixes the data split)",
               "epochs": f" (the {saved.get('schedule')} schedule was built for {old} epochs)",
               }.get(name, "")
        raise RecipeError(f"checkpoint {path} was written by a run with {name}={old!r}; "
                          f"this run has {name}={new!r}{why}")


def _hidden_sizes(hidden):
    sizes = list(hidden) if isinstance(hidden, (list, tuple)) else [hidden]
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise RecipeError(f"hidden={hidden!r}: layer widths must be integers >= 1")
    return [int(size) for size in sizes]


def load_splits(config):
    """Load and split the dataset; standardise on the training split.

    Returns:
        ``(splits, scaler)``: ``splits`` maps "train", "val", "test" to ``(X float32,
        y int64)`` after scaling, ``scaler`` the fitted ``StandardScaler``.

    Raises:
        FileNotFoundError, ValueError: from the MNIST loader (missing or malformed files).
    """
    if config["dataset"] == "mnist":
        (X_rest, y_rest), test = data.load_mnist(config["data_dir"])
        train_split, val_split, _ = data.train_val_test_split(X_rest, y_rest, val=0.1, test=0.0,
                                                              stratify=True)
    else:
        if config["dataset"] == "digits":
            X, y = data.load_digits()
        elif config["dataset"] == "spiral":
            X, y = data.make_spiral(n_per_class=300, n_classes=3, noise=0.2)
        else:
            X, y = data.make_moons(n_samples=1000, noise=0.1)
        train_split, val_split, test = data.train_val_test_split(X, y, val=0.1, test=0.1,
                                                                 stratify=True)
    scaler = data.StandardScaler().fit(train_split[0])
    splits = {name: (scaler.transform(X).astype(np.float32), np.asarray(y, dtype=np.int64))
              for name, (X, y) in (("train", train_split), ("val", val_split), ("test", test))}
    return splits, scaler


def class_labels(splits):
    """The labels ``0 .. K-1`` that the model's K outputs stand for (K = the largest label in
    any split, plus one)."""
    return np.arange(int(max(y.max() for _, y in splits.values())) + 1)


def _norm_layer(kind, width):
    if kind == "batch":
        return nn.BatchNorm1d(width)
    if kind == "layer":
        return nn.LayerNorm(width)
    groups = next(g for g in (8, 4, 2, 1) if width % g == 0)
    return nn.GroupNorm(groups, width)


def build_model(config, n_features, n_classes, rng=None):
    """``Dense -> [norm] -> activation -> [Dropout]`` per hidden width, then ``Dense``.

    Uses the options ``hidden``, ``init``, ``norm``, ``activation`` and ``dropout`` of
    ``config``; ``rng`` (default: the global generator) draws the initial weights.
    """
    layers, width = [], n_features
    for hidden in config["hidden"]:
        layers.append(nn.Dense(width, hidden, weight_init=config["init"], rng=rng))
        if config["norm"] != "none":
            layers.append(_norm_layer(config["norm"], hidden))
        layers.append(ACTIVATIONS[config["activation"]]())
        if config["dropout"] > 0:
            layers.append(nn.Dropout(config["dropout"], rng=rng))
        width = hidden
    layers.append(nn.Dense(width, n_classes, weight_init="xavier_uniform", rng=rng))
    return nn.Sequential(*layers)


def build_optimizer(config, model):
    """The optimizer with ``lr``, and ``momentum`` and ``weight_decay`` where given."""
    options = {"lr": config["lr"]}
    for name in ("momentum", "weight_decay"):
        if config[name] is not None:
            options[name] = config[name]
    return OPTIMIZERS[config["optimizer"]](model.parameters(), **options)


def schedule_options(config, lr, steps_per_epoch):
    """``(scheduler class, its keyword arguments)`` for the ``schedule`` over ``epochs``
    (``onecycle`` counts steps; ``lr`` is its peak), or ``(None, {})`` for ``"none"``."""
    epochs, schedule = config["epochs"], config["schedule"]
    if schedule == "step":
        return lr_scheduler.StepLR, {"step_size": max(1, epochs // 3), "gamma": 0.1}
    if schedule == "cosine":
        return lr_scheduler.CosineAnnealingLR, {"T_max": epochs}
    if schedule == "exponential":
        return lr_scheduler.ExponentialLR, {"gamma": 0.01 ** (1 / epochs)}
    if schedule == "onecycle":
        return lr_scheduler.OneCycleLR, {"max_lr": lr, "total_steps": epochs * steps_per_epoch}
    if schedule == "plateau":
        return lr_scheduler.ReduceLROnPlateau, {"factor": 0.5, "patience": 3}
    return None, {}


def build_scheduler(config, optimizer, steps_per_epoch):
    """The ``schedule`` (``schedule_options``) on ``optimizer``, or None."""
    cls, options = schedule_options(config, optimizer.param_groups[0]["lr"], steps_per_epoch)
    return None if cls is None else cls(optimizer, **options)


def early_stopping_options(config):
    """The keyword arguments of the run's ``EarlyStopping``, or None without ``patience``."""
    if config["patience"] is None:
        return None
    return {"monitor": "val_loss", "patience": config["patience"], "min_delta": 0.0,
            "restore_best_weights": True}


def hyper_parameters(config, model, optimizer, steps_per_epoch):
    """Every value the run was built with beyond ``config``: the optimizer's full set of
    hyper-parameters (defaults included), the schedule's and early stopping's arguments, the
    layers, the data split and the loaders, as plain JSON-able values."""
    cls, options = schedule_options(config, optimizer.defaults["lr"], steps_per_epoch)
    return {
        "optimizer": {"class": type(optimizer).__name__,
                      **{name: list(value) if isinstance(value, tuple) else value
                         for name, value in optimizer.defaults.items()}},
        "scheduler": None if cls is None else {"class": cls.__name__, **options},
        "early_stopping": early_stopping_options(config),
        "layers": [repr(layer).split("  [")[0] for layer in model.children()],
        "loss": "CrossEntropyLoss(reduction='mean')",
        "data": {"val": 0.1, "test": 0.1 if config["dataset"] != "mnist" else "MNIST's own",
                 "stratify": True, "standardized_on": "train split",
                 "train_batches": {"batch_size": config["batch_size"], "shuffle": True,
                                   "drop_last": False, "steps_per_epoch": steps_per_epoch},
                 "eval_batch_size": 1024},
    }


def setup(config):
    """Seed the global generator, then load data and build model, loss and optimizer.

    Returns:
        ``(splits, scaler, model, loss_fn, optimizer)`` (see ``load_splits``).
    """
    manual_seed(config["seed"])
    splits, scaler = load_splits(config)
    model = build_model(config, splits["train"][0].shape[1], len(class_labels(splits)))
    return splits, scaler, model, nn.CrossEntropyLoss(), build_optimizer(config, model)


def _check_batch_norm_batches(config, rows):
    """Batch statistics need two samples: refuse a batch size that leaves a batch of one."""
    size = config["batch_size"]
    if config["norm"] == "batch" and (size == 1 or rows % size == 1):
        good = next(size for size in range(max(config["batch_size"], 2), rows + 2)
                    if rows % size != 1)
        raise ValueError(f"norm 'batch' needs at least 2 samples in every batch, but batch size "
                         f"{config['batch_size']} leaves a batch of 1 of the {rows} training rows: "
                         f"choose another batch size (e.g. {good})")


def run(config, progress=False, checkpoint=None, resume=None):
    """Train with the recipe and evaluate every split.

    Args:
        config: options as returned by ``resolve`` (call it first to check them).
        progress, checkpoint, resume: passed to ``fit``; the checkpoint records ``config``,
            and a resume first checks ``config`` against it (``check_resume``).

    Returns:
        A dict: ``model``, ``scaler``, ``history``, ``splits``, ``seconds`` (training wall
        time), ``results`` (``{"train"|"val"|"test": {"loss": ..., "accuracy": ...}}``) and
        ``hyper_parameters`` (``hyper_parameters(...)``).

    Raises:
        TrainingDiverged, TrainingInterrupted: from ``fit``, with the model at its last
            finite weights (the last finished step's), and ``hyper_parameters`` and
            ``seconds`` attached to the exception besides its ``history``.
        RecipeError, ValueError: a ``resume`` checkpoint of other options, or damaged.
    """
    if resume is not None:
        saved = resume_io.read_config(resume)
        if saved is not None:
            check_resume(config, saved, resume)
    splits, scaler, model, loss_fn, optimizer = setup(config)
    _check_batch_norm_batches(config, len(splits["train"][1]))
    train_loader = data.DataLoader(*splits["train"], batch_size=config["batch_size"])
    loaders = {name: data.DataLoader(*splits[name], batch_size=1024, shuffle=False)
               for name in splits}
    scheduler = build_scheduler(config, optimizer, len(train_loader))
    stopping = early_stopping_options(config)
    callbacks = [] if stopping is None else [EarlyStopping(**stopping)]
    hyper = hyper_parameters(config, model, optimizer, len(train_loader))
    started = time.perf_counter()
    try:
        history = fit(model, loss_fn, optimizer, train_loader, config["epochs"],
                      val_loader=loaders["val"], scheduler=scheduler, callbacks=callbacks,
                      progress=progress, checkpoint=checkpoint, resume=resume,
                      run_config=config)
    except (TrainingDiverged, TrainingInterrupted) as error:
        error.hyper_parameters = hyper
        error.seconds = time.perf_counter() - started
        raise
    seconds = time.perf_counter() - started
    results = {name: evaluate(model, loss_fn, loader) for name, loader in loaders.items()}
    return {"model": model, "scaler": scaler, "history": history, "splits": splits,
            "seconds": seconds, "results": results, "hyper_parameters": hyper}
