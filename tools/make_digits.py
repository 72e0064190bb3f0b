"""Regenerate ``tinygrad_opt/data/digits.npz`` from scikit-learn's bundled digits file (one-off).

The source is ``sklearn/datasets/data/digits.csv.gz``: the test set of the UCI ML "Optical
Recognition of Handwritten Digits" data (1797 rows of 64 pixel counts 0..16, then the label).
scikit-learn is needed only to run this script; the package and its tests never import it.

Usage::

    python tools/make_digits.py [OUT_PATH]
"""
import gzip
import hashlib
import importlib.resources
import sys
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tinygrad_opt" / "data" / "digits.npz"


def read_sklearn_digits():
    """Return ``(pixels, labels)`` as uint8 arrays from scikit-learn's ``digits.csv.gz``."""
    source = importlib.resources.files("sklearn.datasets.data") / "digits.csv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",")
    if table.shape != (1797, 65):
        raise ValueError(f"{source}: expected shape (1797, 65), got {table.shape}")
    if not np.array_equal(table, np.round(table)) or table.min() < 0 or table.max() > 16:
        raise ValueError(f"{source}: expected integers in 0..16")
    return table[:, :64].astype(np.uint8), table[:, 64].astype(np.uint8)


def main(argv):
    """Write the npz and print the checksums that ``tests/data/test_datasets.py`` pins."""
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    pixels, labels = read_sklearn_digits()
    np.savez_compressed(out, X=pixels, y=labels)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    print("sha256(X uint8 bytes):", hashlib.sha256(pixels.tobytes()).hexdigest())
    print("sha256(y uint8 bytes):", hashlib.sha256(labels.tobytes()).hexdigest())
    print("class counts:", np.bincount(labels).tolist())


if __name__ == "__main__":
    main(sys.argv)
