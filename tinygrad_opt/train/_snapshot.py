"""Run-state snapshots: everything a run's future depends on, taken as plain values and put
back exactly. Shared by ``lr_find`` (which puts the run back after its sweep) and
``resume`` (which writes the same values into a checkpoint).

A snapshot holds the model's parameters and buffers, its train/eval flag, the optimizer's
state and hyper-parameters, the scheduler's counters, and every random generator later
steps draw from: the global one, each loader's own, and any generator a module holds
(``Dropout(rng=...)``). Arrays are copies, so training on afterwards leaves it unchanged.
"""
import copy

import numpy as np

from tinygrad_opt._random import global_rng


def module_generators(model):
    """``{"<module>.<attribute>": Generator}`` for generators that modules hold themselves."""
    found = {}
    for module_name, module in model.named_modules():
        for attribute, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                found[f"{module_name}.{attribute}" if module_name else attribute] = value
    return found


def random_state(model, loaders):
    """The states of the global generator, of each loader in ``loaders`` (``{name: loader or
    None}``; None for one without ``state_dict``) and of the model's own generators."""
    return {
        "global": copy.deepcopy(global_rng().bit_generator.state),
        "loaders": {name: loader.state_dict() if hasattr(loader, "state_dict") else None
                    for name, loader in loaders.items()},
        "modules": {name: copy.deepcopy(generator.bit_generator.state)
                    for name, generator in module_generators(model).items()},
    }


def check_random_state(model, saved, where):
    """Raise ValueError unless the model holds generators under the names ``saved`` has."""
    generators = module_generators(model)
    if set(generators) != set(saved["modules"]):
        raise ValueError(f"{where} has generators for modules {sorted(saved['modules'])}, "
                         f"the model has {sorted(generators)}")


def set_random_state(model, loaders, saved):
    """Put back what ``random_state`` returned (call ``check_random_state`` first)."""
    for name, loader in loaders.items():
        state = saved["loaders"].get(name)
        if state is not None and loader is not None:
            loader.load_state_dict(state)
    generators = module_generators(model)
    for name, generator in generators.items():
        generator.bit_generator.state = saved["modules"][name]
    global_rng().bit_generator.state = saved["global"]


def take(model, optimizer, scheduler=None, loaders=None):
    """A snapshot of the run (see the module docstring); ``loaders`` is ``{name: loader}``."""
    return {"model": model.state_dict(), "training": model.training,
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "random": random_state(model, loaders or {})}


def put(model, optimizer, snapshot, scheduler=None, loaders=None):
    """Put the run back as ``take`` saw it; gradients are cleared."""
    model.load_state_dict(snapshot["model"])
    model.train(snapshot["training"])
    optimizer.load_state_dict(snapshot["optimizer"])
    optimizer.zero_grad()
    if scheduler is not None:
        scheduler.load_state_dict(snapshot["scheduler"])
    set_random_state(model, loaders or {}, snapshot["random"])


class OptimizerStateBackup:
    """A preallocated copy of an optimizer's per-parameter state, taken before every step so
    that the divergence guard can put the state back with the weights it restores.

    ``take`` copies each state array into a buffer kept from the previous call (reallocated
    only when the optimizer creates new state, e.g. on its first step) and keeps scalars such
    as ``step``; ``restore`` writes them back in place. Hyper-parameters (the learning rate a
    scheduler set) are not part of it.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.saved = {}

    def take(self):
        saved = self.saved
        for param, entries in self.optimizer.state.items():
            kept = saved.get(param)
            if kept is None or kept.keys() != entries.keys():
                kept = saved[param] = {}
            for name, value in entries.items():
                if isinstance(value, np.ndarray):
                    buffer = kept.get(name)
                    if (buffer is None or buffer.shape != value.shape
                            or buffer.dtype != value.dtype):
                        buffer = kept[name] = np.empty_like(value)
                    np.copyto(buffer, value)
                else:
                    kept[name] = value
        if len(saved) != len(self.optimizer.state):
            for param in [param for param in saved if param not in self.optimizer.state]:
                del saved[param]

    def restore(self):
        """Write the taken state back; state created after ``take`` is dropped."""
        state = self.optimizer.state
        for param in [param for param in state if param not in self.saved]:
            del state[param]
        for param, kept in self.saved.items():
            entries = state.setdefault(param, {})
            for name, value in kept.items():
                if isinstance(value, np.ndarray) and isinstance(entries.get(name), np.ndarray) \
                        and entries[name].shape == value.shape:
                    np.copyto(entries[name], value)
                else:
                    entries[name] = value.copy() if isinstance(value, np.ndarray) else value
            for name in [name for name in entries if name not in kept]:
                del entries[name]
