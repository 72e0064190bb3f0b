"""Datasets: the shipped 8x8 digits, MNIST from local IDX files, and two synthetic 2-D problems."""
import gzip
import importlib.resources
import math
import numbers
import os

import numpy as np

from tinygrad_opt._random import resolve_rng

# IDX type codes (third byte of the magic number) and the big-endian dtypes they stand for.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}
_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte",
}
_GZIP_MAGIC = b"\x1f\x8b"


def load_digits():
    """Load the 8x8 handwritten digits shipped with the package (no download).

    The 1797 images are the test set of the UCI "Optical Recognition of Handwritten Digits"
    data (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), as distributed with scikit-learn; see
    ``DIGITS_SOURCE.txt`` next to this module. Each pixel counts the "on" pixels of a 4x4 block
    of a 32x32 bitmap.

    Returns:
        ``(X, y)``: X float64 of shape (1797, 64), raw pixel values 0..16, images flattened
        row by row; y int64 of shape (1797,), labels 0..9. Fresh arrays on every call.
    """
    resource = importlib.resources.files(__package__) / "digits.npz"
    with resource.open("rb") as handle, np.load(handle) as archive:
        return archive["X"].astype(np.float64), archive["y"].astype(np.int64)


def _read_bytes(path):
    """Return the (decompressed, if gzip) bytes of ``path``; a bad gzip stream is a ValueError."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError) as error:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({error})") from error


def read_idx(path):
    """Read one IDX file (the MNIST format), gzip-compressed or not.

    Layout: a 4-byte magic number ``0x00 0x00 <type code> <ndim>``, then ``ndim`` big-endian
    uint32 dimensions, then the values in C order, big-endian. Type codes: 0x08 uint8,
    0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. Gzip is recognised by
    its own magic bytes, whatever the file name.

    Args:
        path: the file to read.

    Returns:
        An ``np.ndarray`` of the stored shape, in native byte order.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: a wrong magic number, a truncated header or body, trailing bytes, or a
            corrupt gzip stream; the message names the file.
    """
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: truncated IDX header ({len(data)} bytes, need at least 4)")
    magic = int.from_bytes(data[:4], "big")
    type_code, ndim = data[2], data[3]
    if data[:2] != b"\x00\x00" or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(f"{path}: bad IDX magic number 0x{magic:08X}; expected 0x0000TTDD with "
                         f"a type code TT in 08, 09, 0B, 0C, 0D, 0E and DD dimensions, e.g. "
                         f"0x00000803 for images and 0x00000801 for labels")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{path}: truncated IDX header; {ndim} dimensions need {header_size} "
                         f"bytes, the file has {len(data)}")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    found = len(data) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "has trailing bytes"
        raise ValueError(f"{path}: IDX data {problem}; shape {shape} of {dtype.name} needs "
                         f"{expected} bytes after the header, found {found}")
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _find_mnist_file(folder, name):
    """Return the path of ``name`` or ``name.gz`` in ``folder``, or None."""
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def _mnist_pair(images_path, labels_path):
    """Read one images/labels pair and return ``(X float32 (n, rows*cols) in [0, 1], y int64)``."""
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(f"{images_path}: expected uint8 images of shape (n, rows, cols) "
                         f"(magic 0x00000803), got {images.dtype.name} of shape {images.shape}")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(f"{labels_path}: expected uint8 labels of shape (n,) "
                         f"(magic 0x00000801), got {labels.dtype.name} of shape {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds "
                         f"{len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{labels_path}: labels must be in 0..9, found {labels.max()}")
    X = images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)
    return X, labels.astype(np.int64)


def load_mnist(path):
    """Load MNIST (or a drop-in such as Fashion-MNIST) from the four IDX files in a folder.

    Looks in ``path`` for ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each either plain or gzipped
    with a ``.gz`` suffix. Nothing is downloaded.

    Args:
        path: the folder holding the files.

    Returns:
        ``((X_train, y_train), (X_test, y_test))``: X float32 of shape (n, rows*cols)
        (784 for MNIST), pixels divided by 255 into [0, 1]; y int64 labels 0..9.

    Raises:
        FileNotFoundError: a file is missing; the message names the folder and the expected
            file names.
        ValueError: a malformed file (see ``read_idx``), images that are not uint8
            (n, rows, cols), labels that are not uint8 (n,) or outside 0..9, or different image
            and label counts; the message names the file.
    """
    found = {key: _find_mnist_file(path, name) for key, name in _MNIST_FILES.items()}
    missing = [_MNIST_FILES[key] for key, file_path in found.items() if file_path is None]
    if missing:
        expected = "" if len(missing) == len(_MNIST_FILES) else \
            f"; expected all of {', '.join(_MNIST_FILES.values())}"
        raise FileNotFoundError(
            f"MNIST files missing in {os.path.abspath(path)!r}: {', '.join(missing)} (each may "
            f"also end in .gz){expected}")
    train = _mnist_pair(found["train_images"], found["train_labels"])
    test = _mnist_pair(found["test_images"], found["test_labels"])
    return train, test


def _check_count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def _check_noise(noise):
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not noise >= 0:
        raise ValueError(f"noise must be a real number >= 0, got {noise!r}")
    if math.isinf(noise):
        raise ValueError(f"noise must be finite, got {noise!r}")


def make_spiral(n_per_class=100, n_classes=3, noise=0.2, rng=None):
    """Generate the CS231n spiral: ``n_classes`` interleaved arms around the origin.

    Arm ``k`` has ``n_per_class`` points with radius ``r = linspace(0, 1)`` and angle
    ``t = linspace(4k, 4(k+1)) + noise * N(0, 1)``; a point is ``(r sin t, r cos t)``. Not
    linearly separable, a small test for an MLP. Samples are ordered by class, arm 0 first.

    Args:
        n_per_class: points per class, an int >= 1.
        n_classes: number of arms (classes), an int >= 1.
        noise: standard deviation of the Gaussian noise added to the angle, in radians, >= 0.
        rng: ``np.random.Generator``; ``None`` uses the global one.

    Returns:
        ``(X, y)``: X float64 of shape ``(n_per_class * n_classes, 2)``; y int64 class labels.

    Raises:
        ValueError: a count below 1 or not an int, or a negative or non-finite ``noise``.
    """
    _check_count("n_per_class", n_per_class, 1)
    _check_count("n_classes", n_classes, 1)
    _check_noise(noise)
    rng = resolve_rng(rng)
    radius = np.linspace(0.0, 1.0, n_per_class)
    arms = np.arange(n_classes, dtype=np.float64)
    angle = np.linspace(4.0 * arms, 4.0 * (arms + 1.0), n_per_class, axis=1)
    angle = angle + noise * rng.standard_normal((n_classes, n_per_class))
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=-1).reshape(-1, 2)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    return X, y


def make_moons(n_samples=100, noise=0.1, rng=None, shuffle=True):
    """Generate two interleaving half circles, as scikit-learn's ``make_moons``.

    The outer moon (label 0) has ``n_samples // 2`` points ``(cos t, sin t)``, the inner one
    (label 1) the rest, ``(1 - cos t, 1 - sin t - 0.5)``, with ``t`` evenly spaced in [0, pi].
    As scikit-learn does, the rows are then shuffled (``shuffle=True``, the default) and
    Gaussian noise of standard deviation ``noise`` is added to every coordinate; with
    ``shuffle=False`` the outer moon comes first. The draws are not scikit-learn's, so the
    numbers differ for the same seed.

    Args:
        n_samples: total number of points, an int >= 2 (both moons non-empty).
        noise: standard deviation of the Gaussian noise, >= 0.
        rng: ``np.random.Generator``; ``None`` uses the global one.
        shuffle: shuffle the rows before adding the noise.

    Returns:
        ``(X, y)``: X float64 of shape ``(n_samples, 2)``; y int64 labels 0 and 1.

    Raises:
        ValueError: ``n_samples`` below 2 or not an int, or a negative or non-finite ``noise``.
    """
    _check_count("n_samples", n_samples, 2)
    _check_noise(noise)
    rng = resolve_rng(rng)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    X = np.concatenate([
        np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
        np.stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5], axis=1),
    ])
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y
