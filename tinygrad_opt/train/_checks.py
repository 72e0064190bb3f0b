"""Checks of ``fit``'s arguments, run before the first step so that a mistake costs no epoch.

Each check raises at once with a message naming the bad argument and what to pass instead.
"""
import math
import os

import numpy as np

from . import resume as resume_io


def check_epochs(epochs):
    """Raise unless ``epochs`` is a whole number >= 0 (an int, or a float such as 3.0)."""
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(
            epochs, (int, float, np.integer, np.floating)):
        raise TypeError(f"epochs must be an int >= 0, got {epochs!r}")
    if not math.isfinite(epochs) or int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")


def check_loss_fn(loss_fn):
    if isinstance(loss_fn, type):
        raise TypeError(f"loss_fn is the class {loss_fn.__name__}, not a loss: pass an "
                        f"instance, e.g. loss_fn={loss_fn.__name__}()")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable as loss_fn(outputs, targets), got a "
                        f"{type(loss_fn).__name__}")
    if getattr(loss_fn, "reduction", None) == "none":
        raise ValueError(f"{type(loss_fn).__name__}(reduction='none') gives one loss per "
                         f"sample; fit needs one number to minimise: use 'mean' or 'sum'")


def check_loader(name, loader):
    """A loader is iterated once per epoch, so it must be re-iterable (not a generator)."""
    if loader is None and name == "val_loader":
        return
    if isinstance(loader, np.ndarray) or (isinstance(loader, (tuple, list)) and loader
                                          and isinstance(loader[0], np.ndarray)):
        raise TypeError(f"{name} is raw data ({type(loader).__name__}), not batches: wrap "
                        f"the arrays in a loader, {name}=data.DataLoader(X, y)")
    if isinstance(loader, (tuple, list)):
        for index, batch in enumerate(loader):
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                got = f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""
                raise TypeError(f"{name}[{index}] must be an (inputs, targets) pair, got a "
                                f"{type(batch).__name__}{got}")
    try:
        iterator = iter(loader)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of (inputs, targets) batches, such as "
                        f"a DataLoader, got a {type(loader).__name__}") from None
    if iterator is loader:
        raise TypeError(f"{name} is an iterator ({type(loader).__name__}), which is used up "
                        f"after one epoch: pass something that can be iterated again, such "
                        f"as a DataLoader or a list of batches")


def check_loader_widths(train_loader, val_loader):
    """Compare the sample shapes of two loaders that expose their data (``DataLoader.X``)."""
    train_x, val_x = getattr(train_loader, "X", None), getattr(val_loader, "X", None)
    if isinstance(train_x, np.ndarray) and isinstance(val_x, np.ndarray):
        if train_x.shape[1:] != val_x.shape[1:]:
            raise ValueError(f"val_loader's samples have shape {val_x.shape[1:]} but "
                             f"train_loader's have {train_x.shape[1:]}")


def check_optimizer_covers_model(model, loss_fn, optimizer, scheduler):
    """The optimizer must train some of the model's parameters; the scheduler must drive
    this optimizer."""
    if not hasattr(optimizer, "param_groups"):
        raise TypeError(f"optimizer must be an optimizer built on the model's parameters, "
                        f"e.g. optim.SGD(model.parameters(), lr=0.1), got {optimizer!r:.60}")
    trained = {id(param) for group in optimizer.param_groups for param in group["params"]}
    owned = {id(param) for param in model.parameters()}
    if hasattr(loss_fn, "parameters"):
        owned |= {id(param) for param in loss_fn.parameters()}
    if owned and not trained & owned:
        raise ValueError("the optimizer holds none of the model's parameters (was it built "
                         "on another model?): create it with optimizer(model.parameters())")
    if isinstance(scheduler, type):
        raise TypeError(f"scheduler is the class {scheduler.__name__}, not a scheduler: pass "
                        f"an instance built on this optimizer, e.g. "
                        f"{scheduler.__name__}(optimizer, ...)")
    if scheduler is not None and getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise ValueError(f"the scheduler {type(scheduler).__name__} was built on another "
                         f"optimizer, so it would never change this one's learning rate")


def check_checkpoint_path(path):
    """The checkpoint is first written after an epoch: check its place now."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"checkpoint {path!r} is a directory; give a file path such as "
                         f"{os.path.join(path, 'checkpoint.npz')!r}")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"checkpoint {path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"checkpoint {path!r}: the folder {folder!r} is not writable")
    if os.path.isfile(path):
        try:
            resume_io.read(path)
        except ValueError:
            raise ValueError(f"checkpoint {path!r} is an existing file that fit did not write "
                             f"(a model file, data?); saving would overwrite it: give another "
                             f"path, or delete the file") from None
