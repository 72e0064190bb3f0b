"""``save(obj, path)`` / ``load(path)``: nested state in one ``.npz`` file, without pickle.

What can be saved: dicts, lists and tuples, nested freely, of NumPy arrays, Tensors, NumPy
scalars, Python numbers, strings, booleans and None; model, optimizer and scheduler state
dicts, a whole training checkpoint. Every array goes into the archive under a generated key
(``a0``, ``a1``, ...); the rest is JSON in the entry ``__tree__``, with small tags for what
JSON lacks:

* ``{"__ndarray__": key}``: an array in the archive (dtype, shape and bits as saved);
* ``{"__tensor__": key, "requires_grad": flag}``: a Tensor (its ``.grad`` is not saved; a
  ``Parameter`` comes back as a plain Tensor with ``requires_grad=True``);
* ``{"__scalar__": dtype, "value": number}``: a NumPy scalar (``np.float32(0.5)`` stays a
  float32; a boolean, integer or float of up to 64 bits is exact as a Python number), or
  ``{"__scalar__": dtype, "array": key}`` for any other (complex, ``longdouble``, ...);
* ``{"__tuple__": [...]}``: a tuple (optimizer ``betas`` stay tuples);
* ``{"__items__": [[key, value], ...]}``: a dict with non-string keys (optimizer state is
  keyed by parameter index) or with a key that is one of these tags.

Python floats survive exactly (JSON holds ``repr``, which round-trips, and NaN/inf), so a
run saved and loaded continues bit for bit. Loading uses ``np.load(allow_pickle=False)``:
a file cannot run code when it is read.

Writing is atomic: the archive goes to a temporary file in the destination folder, is
flushed to disk, then renamed over ``path`` (``os.replace``); a crash or an error midway
leaves the previous file intact and no partial file behind.

This module sits at the Tensor layer: it knows arrays and Tensors only, so that ``nn``,
``optim`` and ``train`` can all save through it.
"""
import contextlib
import json
import os
import tempfile

import numpy as np

from .tensor import Tensor

_TREE_KEY = "__tree__"
_TAGS = ("__ndarray__", "__tensor__", "__scalar__", "__tuple__", "__items__")


class FileFormatError(ValueError):
    """A file that ``load`` cannot read: ``path`` and ``reason`` say which and why."""

    def __init__(self, path, reason):
        super().__init__(f"cannot load {path}: {reason}")
        self.path = path
        self.reason = reason


def _store(arrays, array):
    key = f"a{len(arrays)}"
    arrays[key] = array
    return key


def _pack(value, arrays, where):
    """JSON-able copy of ``value`` with arrays moved into ``arrays``; ``where`` names the
    position for error messages."""
    if isinstance(value, Tensor):
        return {"__tensor__": _store(arrays, _plain_array(value.data, where)),
                "requires_grad": value.requires_grad}
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _store(arrays, _plain_array(value, where))}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        if value.dtype.kind in "biuf" and value.dtype.itemsize <= 8:
            return {"__scalar__": value.dtype.str, "value": value.item()}
        return {"__scalar__": value.dtype.str, "array": _store(arrays, np.asarray(value))}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
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
    raise TypeError(f"cannot save {where}: a {type(value).__name__} is not an array, Tensor, "
                    f"number, string, bool, None, list, tuple or dict")


def _plain_array(array, where):
    if array.dtype.hasobject:
        raise TypeError(f"cannot save {where}: an object array (only numbers, booleans and "
                        f"strings can be stored without pickle)")
    return array


def _unpack(value, arrays):
    """Inverse of ``_pack``; a KeyError or TypeError means a damaged tree."""
    if isinstance(value, list):
        return [_unpack(item, arrays) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        return arrays[value["__ndarray__"]]
    if "__tensor__" in value:
        array = arrays[value["__tensor__"]]
        return Tensor(array, requires_grad=value["requires_grad"], dtype=array.dtype)
    if "__scalar__" in value:
        if "array" in value:
            return arrays[value["array"]][()]
        return np.dtype(value["__scalar__"]).type(value["value"])
    if "__tuple__" in value:
        return tuple(_unpack(item, arrays) for item in value["__tuple__"])
    if "__items__" in value:
        return {_unpack(key, arrays): _unpack(item, arrays) for key, item in value["__items__"]}
    return {key: _unpack(item, arrays) for key, item in value.items()}


def save(obj, path):
    """Write ``obj`` to ``path`` (an ``.npz`` file) atomically, without pickle.

    Args:
        obj: nested dicts, lists and tuples of arrays, Tensors, numbers, strings, booleans
            and None (for instance ``{"model": model.state_dict(), "optimizer":
            optimizer.state_dict()}``).
        path: the destination file; its folder must exist. Written as given (NumPy would
            append ``.npz`` to a name without it; this does not).

    Raises:
        TypeError: ``obj`` holds something else, named by its position (nothing is written).
        OSError: the file cannot be written (a previous file at ``path`` is kept); its
            folder is missing (FileNotFoundError) or ``path`` is a folder (IsADirectoryError).
    """
    arrays = {}
    packed = _pack(obj, arrays, "obj")
    arrays[_TREE_KEY] = np.array(json.dumps(packed))
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save {path}: the folder {directory} does not exist")
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot save {path}: it is a folder; give a file path such "
                                f"as {os.path.join(path, 'state.npz')}")
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


def _not_an_archive(head):
    """Why a file starting with the bytes ``head`` (not a zip) cannot be read."""
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not an .npz archive written by tinygrad_opt.save"
    if head.startswith(b"\x80") or head.startswith(b"\x1f\x8b"):
        return "it is a pickle or gzip file, not an .npz archive written by tinygrad_opt.save"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not an .npz archive written by tinygrad_opt.save"
    return "it is a text file, not an .npz archive written by tinygrad_opt.save"


def _short(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 100 else text[:97] + "..."


def _read_archive(path):
    """The archive's entries as ``{name: array}``, or FileFormatError."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _TREE_KEY not in archive.files:
                raise FileFormatError(path, f"an .npz archive without the {_TREE_KEY} entry "
                                      f"that tinygrad_opt.save writes (arrays saved by "
                                      f"np.savez?)")
            return {name: archive[name] for name in archive.files}
    except (FileFormatError, PermissionError, MemoryError):
        raise
    except Exception as error:  # a damaged file fails anywhere in zipfile, zlib or NumPy
        if "pickle" in str(error):
            raise FileFormatError(path, "it holds pickled Python objects, which "
                                  "tinygrad_opt.save never writes") from None
        raise FileFormatError(path, f"the archive is truncated or damaged "
                              f"({type(error).__name__}: {_short(error)})") from None


def load(path):
    """Read what ``save`` wrote: the same nesting, types, dtypes and bits.

    Raises:
        FileNotFoundError: no file at ``path``.
        FileFormatError: (a ValueError) a folder, an empty, truncated, text or otherwise
            damaged file, or a file that ``save`` did not write; one line naming ``path``.
    """
    if os.path.isdir(path):
        raise FileFormatError(path, "it is a folder, not a file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"cannot load {path}: no such file")
    with open(path, "rb") as stream:
        head = stream.read(64)
    if not head:
        raise FileFormatError(path, "the file is empty")
    if not head.startswith(b"PK"):
        raise FileFormatError(path, _not_an_archive(head))
    arrays = _read_archive(path)
    tree = arrays.pop(_TREE_KEY)
    try:
        return _unpack(json.loads(str(tree)), arrays)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise FileFormatError(path, f"its {_TREE_KEY} entry is damaged "
                              f"({type(error).__name__}: {_short(error)})") from None
