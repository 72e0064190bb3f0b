"""What ``fit`` saves after each epoch, and how ``fit(resume=...)`` puts it back.

A resumed run must end with the same weights as an uninterrupted one, bit for bit. After an
epoch the future of the run depends on: the model's parameters and buffers, the optimizer's
state and hyper-parameters, the scheduler's counters, every random generator that later
epochs draw from (the global one, each loader's own, and any generator a module holds, such
as ``Dropout(rng=...)``), the callbacks' counters (EarlyStopping's best and wait), the
history and the step count. All of it goes into one checkpoint (``train.checkpoint``).
"""
import copy

import numpy as np

from tinygrad_opt._random import global_rng
from tinygrad_opt.train import checkpoint as checkpoint_io

_FORMAT = "tinygrad_opt.fit"
_VERSION = 1


def _module_generators(model):
    """``{"<module>.<attribute>": Generator}`` for generators that modules hold themselves."""
    found = {}
    for module_name, module in model.named_modules():
        for attribute, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                found[f"{module_name}.{attribute}" if module_name else attribute] = value
    return found


def _loader_state(loader):
    return loader.state_dict() if hasattr(loader, "state_dict") else None


def _random_state(trainer):
    return {
        "global": copy.deepcopy(global_rng().bit_generator.state),
        "train_loader": _loader_state(trainer.train_loader),
        "val_loader": _loader_state(trainer.val_loader),
        "modules": {name: copy.deepcopy(generator.bit_generator.state)
                    for name, generator in _module_generators(trainer.model).items()},
    }


def save(trainer, path, epochs_done):
    """Write the state of ``trainer`` after ``epochs_done`` epochs to ``path``, atomically."""
    state = trainer.state
    scheduler = trainer.scheduler
    checkpoint_io.save_tree(path, {
        "format": _FORMAT, "version": _VERSION,
        "epoch": epochs_done, "step": state.step, "seconds": state.train_seconds(),
        "stop_reason": state.stop_reason,
        "model": trainer.model.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "random": _random_state(trainer),
        "callbacks": trainer.callback.state_dict(),
        "history": trainer.history.state_dict(),
    })


def _check_model_dtypes(path, saved, current):
    """Raise ValueError if a saved array would be cast to another dtype on loading."""
    for name, array in current.items():
        if name in saved and np.asarray(saved[name]).dtype != array.dtype:
            raise ValueError(f"checkpoint {path}: {name!r} is {np.asarray(saved[name]).dtype} "
                             f"but the model has {array.dtype}")


def _load_objects(trainer, path, tree):
    """Load model, optimizer and scheduler, or none of them (the model is rolled back)."""
    model = trainer.model
    before = model.state_dict()
    _check_model_dtypes(path, tree["model"], before)
    if (tree["scheduler"] is None) != (trainer.scheduler is None):
        raise ValueError(f"checkpoint {path} was saved "
                         f"{'without' if tree['scheduler'] is None else 'with'} a scheduler, "
                         f"but this run has {'one' if trainer.scheduler else 'none'}")
    try:
        model.load_state_dict(tree["model"])
        trainer.optimizer.load_state_dict(tree["optimizer"])
        if trainer.scheduler is not None:
            trainer.scheduler.load_state_dict(tree["scheduler"])
        trainer.callback.load_state_dict(tree["callbacks"])
    except (ValueError, KeyError, TypeError) as error:
        model.load_state_dict(before)
        raise ValueError(f"checkpoint {path} does not fit this run: {error}") from error


def _check_generators(path, model, saved):
    generators = _module_generators(model)
    if set(generators) != set(saved["modules"]):
        raise ValueError(f"checkpoint {path} has generators for modules "
                         f"{sorted(saved['modules'])}, the model has {sorted(generators)}")
    return generators


def _load_random(trainer, saved, generators):
    for name in ("train_loader", "val_loader"):
        loader = getattr(trainer, name)
        if saved[name] is not None and loader is not None:
            loader.load_state_dict(saved[name])
    for name, generator in generators.items():
        generator.bit_generator.state = saved["modules"][name]
    global_rng().bit_generator.state = saved["global"]


def restore(trainer, path):
    """Load the checkpoint at ``path`` into ``trainer``; return the epoch to continue from.

    Raises:
        ValueError: not a ``fit`` checkpoint, or one that does not fit the model (the message
            names the key and both shapes or dtypes), optimizer, scheduler or callbacks.
    """
    tree = checkpoint_io.load_tree(path)
    if not isinstance(tree, dict) or tree.get("format") != _FORMAT:
        raise ValueError(f"{path} is not a checkpoint written by fit")
    if tree["version"] != _VERSION:
        raise ValueError(f"checkpoint {path} has version {tree['version']}, "
                         f"this fit reads version {_VERSION}")
    generators = _check_generators(path, trainer.model, tree["random"])
    _load_objects(trainer, path, tree)
    _load_random(trainer, tree["random"], generators)
    trainer.history.load_state_dict(tree["history"])
    state = trainer.state
    state.step = tree["step"]
    state.seconds_before = tree["seconds"]
    state.stop_reason = tree["stop_reason"]
    if tree["history"]["history"]:
        state.logs = {name: values[-1] for name, values in tree["history"]["history"].items()}
    return tree["epoch"]
