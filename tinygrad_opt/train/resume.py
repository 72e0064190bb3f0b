"""What ``fit`` saves after each epoch, and how ``fit(resume=...)`` puts it back.

A resumed run must end with the same weights as an uninterrupted one, bit for bit. After an
epoch the future of the run depends on: the model's parameters and buffers, the optimizer's
state and hyper-parameters, the scheduler's counters, every random generator that later
epochs draw from (``_snapshot``), the callbacks' counters (EarlyStopping's best and wait),
the history and the step count. All of it goes into one checkpoint (``tinygrad_opt.save``),
with a record of how the run was built: the optimizer's class and its hyper-parameters when
the run started, the scheduler's class, a checksum of the training data and, for runs of the
recipe, its options (``run_config``).

``restore`` refuses what it cannot honour before anything changes: a damaged or foreign file,
a model of other parameter names, shapes or dtypes, another optimizer class, other starting
hyper-parameters (a resumed run would silently train at the checkpoint's rate), another
scheduler or stopping rules, other module generators, or other training data (another split:
test rows would have been trained on). Each refusal is one ``ValueError`` line naming the
file and what differs.
"""
import zlib

import numpy as np

import tinygrad_opt.serialization as serialization
from tinygrad_opt.train import _snapshot

_FORMAT = "tinygrad_opt.fit"
_VERSION = 2
_KEYS = ("epoch", "step", "seconds", "stop_reason", "run", "model", "optimizer", "scheduler",
         "random", "callbacks", "history")


def _hyper_parameters(optimizer):
    return [{name: value for name, value in group.items() if name != "params"}
            for group in optimizer.param_groups]


def _data_checksum(loader):
    """``{"samples": n, "crc32": c}`` of a loader's inputs and targets (``DataLoader.X``,
    ``.y``), or None for a loader that does not expose its arrays."""
    X = getattr(loader, "X", None)
    if not isinstance(X, np.ndarray):
        return None
    checksum = zlib.crc32(np.ascontiguousarray(X).view(np.uint8).reshape(-1))
    y = getattr(loader, "y", None)
    if isinstance(y, np.ndarray):
        checksum = zlib.crc32(np.ascontiguousarray(y).view(np.uint8).reshape(-1), checksum)
    return {"samples": len(X), "crc32": checksum}


def run_record(optimizer, scheduler, train_loader, run_config=None):
    """How a run was built, taken when ``fit`` starts: compared on resume, saved with every
    checkpoint. ``run_config`` is any tree of plain values (the recipe's options)."""
    return {"optimizer": type(optimizer).__name__,
            "hyper_parameters": _hyper_parameters(optimizer),
            "scheduler": None if scheduler is None else type(scheduler).__name__,
            "data": _data_checksum(train_loader), "config": run_config}


def save(path, state, scheduler, loaders, callback, record, epochs_done):
    """Write the run after ``epochs_done`` epochs to ``path``, atomically.

    Args:
        state: the run's ``TrainingState`` (model, optimizer, history, step, clock).
        scheduler: the scheduler or None; ``loaders``: ``{"train_loader": ..., "val_loader":
            ...}``; ``callback``: the run's ``AnyOf``; ``record``: ``run_record(...)``.
    """
    snapshot = _snapshot.take(state.model, state.optimizer, scheduler, loaders)
    serialization.save({
        "format": _FORMAT, "version": _VERSION,
        "epoch": epochs_done, "step": state.step, "seconds": state.train_seconds(),
        "stop_reason": state.stop_reason, "run": record,
        "model": snapshot["model"], "optimizer": snapshot["optimizer"],
        "scheduler": snapshot["scheduler"], "random": snapshot["random"],
        "callbacks": callback.state_dict(), "history": state.history.state_dict(),
    }, path)


def read(path):
    """The checkpoint tree at ``path``, checked to be one that ``fit`` wrote.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: a folder, an empty, truncated, text or otherwise damaged file, an archive
            that ``fit`` did not write, or a checkpoint of another format version; one line
            naming ``path``.
    """
    try:
        tree = serialization.load(path)
    except serialization.FileFormatError as error:
        raise ValueError(f"cannot resume from {path}: {error.reason}") from None
    except FileNotFoundError:
        raise FileNotFoundError(f"cannot resume from {path}: no such file") from None
    if not isinstance(tree, dict) or tree.get("format") != _FORMAT:
        raise ValueError(f"cannot resume from {path}: it is not a checkpoint written by fit")
    if tree.get("version") != _VERSION:
        raise ValueError(f"cannot resume from {path}: checkpoint format version "
                         f"{tree.get('version')}, this version of fit reads {_VERSION}")
    missing = [key for key in _KEYS if key not in tree]
    if missing:
        raise ValueError(f"cannot resume from {path}: the checkpoint lacks {missing}")
    return tree


def read_config(path):
    """The ``run_config`` saved in the checkpoint at ``path`` (None if the run gave none)."""
    return read(path)["run"]["config"]


def describe(path, tree=None):
    """One line saying what a resume from ``path`` takes from the checkpoint."""
    tree = read(path) if tree is None else tree
    groups = tree["optimizer"]["param_groups"]
    rates = sorted({group["lr"] for group in groups})
    rate = ", ".join(f"{lr:g}" for lr in rates)
    scheduler = tree["run"]["scheduler"]
    taken = [f"weights, {tree['run']['optimizer']} state (step {tree['step']})",
             f"learning rate {rate}"]
    if scheduler is not None:
        taken.append(f"{scheduler} schedule")
    taken += ["random generators", f"history of {len(tree['history']['epoch'])} epoch(s)"]
    return f"resuming from epoch {tree['epoch']} of {path}: {', '.join(taken)}"


def _check_model(path, saved, current):
    missing = sorted(set(current) - set(saved))
    extra = sorted(set(saved) - set(current))
    if missing or extra:
        raise ValueError(f"checkpoint {path} is of another architecture: the model has "
                         f"{missing or 'no'} entries that the checkpoint lacks, and the "
                         f"checkpoint has {extra or 'no'} entries that the model lacks")
    for name, array in current.items():
        stored = np.asarray(saved[name])
        if stored.shape != array.shape:
            raise ValueError(f"checkpoint {path} does not fit this model: {name!r} has shape "
                             f"{array.shape} in the model but {stored.shape} in the checkpoint")
        if stored.dtype != array.dtype:
            raise ValueError(f"checkpoint {path}: {name!r} is {stored.dtype} but the model "
                             f"has {array.dtype}")


def _check_hyper_parameters(path, saved, current):
    if len(saved) != len(current):
        raise ValueError(f"checkpoint {path} has {len(saved)} parameter groups; this run's "
                         f"optimizer has {len(current)}")
    for position, (old, new) in enumerate(zip(saved, current)):
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                raise ValueError(
                    f"checkpoint {path} was trained with {name}={old.get(name)!r} (param group "
                    f"{position}); this run's optimizer has {name}={new.get(name)!r}: build the "
                    f"optimizer with the checkpoint's values to resume")


def _check_run(path, tree, state, callback, record):
    """Everything that must match, checked before anything is loaded."""
    saved = tree["run"]
    _check_model(path, tree["model"], state.model.state_dict())
    if saved["optimizer"] != record["optimizer"]:
        raise ValueError(f"checkpoint {path} was written by {saved['optimizer']}; this run "
                         f"uses {record['optimizer']}")
    if saved["scheduler"] != record["scheduler"]:
        raise ValueError(f"checkpoint {path} was written with the scheduler "
                         f"{saved['scheduler']}; this run has {record['scheduler']}")
    _check_hyper_parameters(path, saved["hyper_parameters"], record["hyper_parameters"])
    names = [name for name, _ in callback.state_dict()["callbacks"]]
    saved_names = [name for name, _ in tree["callbacks"]["callbacks"]]
    if names != saved_names:
        raise ValueError(f"checkpoint {path} holds the state of the callbacks {saved_names}; "
                         f"this run has {names}")
    _snapshot.check_random_state(state.model, tree["random"], f"checkpoint {path}")
    if None not in (saved["data"], record["data"]) and saved["data"] != record["data"]:
        raise ValueError(
            f"checkpoint {path} was trained on other data ({saved['data']['samples']} training "
            f"samples, checksum {saved['data']['crc32']:08x}); this run's train_loader has "
            f"{record['data']['samples']} (checksum {record['data']['crc32']:08x}): another "
            f"split or seed?")


def restore(path, state, scheduler, loaders, callback, record):
    """Load the checkpoint at ``path`` into the run; return the epoch to continue from.

    Args: as for ``save``; ``record`` is this run's ``run_record``, compared with the saved one.

    Raises:
        FileNotFoundError, ValueError: see ``read``, and ``_check_run``'s refusals (what
            differs); nothing has changed when they are raised.
    """
    tree = read(path)
    _check_run(path, tree, state, callback, record)
    model, optimizer = state.model, state.optimizer
    before = _snapshot.take(model, optimizer, scheduler)
    try:
        model.load_state_dict(tree["model"])
        optimizer.load_state_dict(tree["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(tree["scheduler"])
        callback.load_state_dict(tree["callbacks"])
    except (ValueError, KeyError, TypeError) as error:
        _snapshot.put(model, optimizer, before, scheduler)
        raise ValueError(f"checkpoint {path} does not fit this run: {error}") from error
    _snapshot.set_random_state(model, loaders, tree["random"])
    state.history.load_state_dict(tree["history"])
    state.step = tree["step"]
    state.seconds_before = tree["seconds"]
    state.stop_reason = tree["stop_reason"]
    state.stopped_by = state.history.stopped_by if state.stop_reason is not None else None
    if tree["history"]["history"]:
        state.logs = {name: values[-1] for name, values in tree["history"]["history"].items()}
    return tree["epoch"]
