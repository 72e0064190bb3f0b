"""Pickle-free, atomic checkpoint files: one ``.npz`` holding arrays plus a JSON tree.

A checkpoint is a nested structure of dicts, lists, tuples, strings, numbers, booleans,
None and NumPy arrays (model and optimizer state dicts, RNG states, history). ``save_tree``
moves every array into the ``.npz`` under a generated key and writes the rest as JSON in the
entry ``__tree__``, with small tags for what JSON lacks:

* ``{"__ndarray__": key}``: an array stored in the archive;
* ``{"__tuple__": [...]}``: a tuple (optimizer ``betas`` stay tuples);
* ``{"__items__": [[key, value], ...]}``: a dict with non-string keys (optimizer state is
  keyed by parameter index).

Loading uses ``np.load(allow_pickle=False)``, so a checkpoint file cannot run code. Python
floats survive JSON exactly (``repr`` round-trips), which a bit-for-bit resume needs.

Writing is atomic: the file is written to a temporary file in the same directory, flushed
to disk, then renamed over ``path`` with ``os.replace``. A crash or an error mid-write
leaves the previous checkpoint intact and no partial file behind.
"""
import contextlib
import json
import os
import tempfile

import numpy as np

_TREE_KEY = "__tree__"
_TAGS = ("__ndarray__", "__tuple__", "__items__")


def _pack(value, arrays, where):
    """JSON-able copy of ``value`` with arrays moved into ``arrays``; ``where`` names the
    position for error messages."""
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError(f"cannot checkpoint {where}: an object array")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__ndarray__": key}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, tuple):
        return {"__tuple__": [_pack(item, arrays, f"{where}[{i}]")
                              for i, item in enumerate(value)]}
    if isinstance(value, list):
        return [_pack(item, arrays, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value) and not set(_TAGS) & set(value):
            return {key: _pack(item, arrays, f"{where}.{key}") for key, item in value.items()}
        return {"__items__": [[_pack(key, arrays, where), _pack(item, arrays, f"{where}.{key}")]
                              for key, item in value.items()]}
    raise TypeError(f"cannot checkpoint {where}: a {type(value).__name__} is not a plain "
                    f"value, list, dict or NumPy array")


def _unpack(value, arrays):
    """Inverse of ``_pack``."""
    if isinstance(value, list):
        return [_unpack(item, arrays) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        return arrays[value["__ndarray__"]]
    if "__tuple__" in value:
        return tuple(_unpack(item, arrays) for item in value["__tuple__"])
    if "__items__" in value:
        return {_unpack(key, arrays): _unpack(item, arrays) for key, item in value["__items__"]}
    return {key: _unpack(item, arrays) for key, item in value.items()}


def save_tree(path, tree):
    """Write ``tree`` to ``path`` (an ``.npz`` file) atomically.

    Args:
        path: destination file; its directory must exist.
        tree: nested dicts/lists/tuples of plain values and NumPy arrays.

    Raises:
        TypeError: ``tree`` holds something else (nothing is written).
        OSError: the file cannot be written (the previous file at ``path`` is kept).
    """
    arrays = {}
    packed = _pack(tree, arrays, "checkpoint")
    arrays[_TREE_KEY] = np.array(json.dumps(packed))
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):  # already renamed when interrupted late
            os.unlink(temporary)
        raise


def load_tree(path):
    """Read a tree written by ``save_tree``.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is not a checkpoint written by ``save_tree``.
    """
    with np.load(path, allow_pickle=False) as archive:
        if _TREE_KEY not in archive.files:
            raise ValueError(f"{path} is not a tinygrad_opt checkpoint (no {_TREE_KEY} entry)")
        arrays = {name: archive[name] for name in archive.files}
    return _unpack(json.loads(str(arrays.pop(_TREE_KEY))), arrays)
