"""Mini-batch iteration over NumPy arrays: a fresh permutation per epoch, from a private generator.

Each loader draws its own ``np.random.Generator`` once, at construction, from ``rng`` or from the
global generator (``tinygrad_opt.manual_seed``). Iterating a loader therefore advances only its
own generator: two loaders never disturb each other's order, and saving ``loader.state_dict()``
after an epoch is enough to replay every later epoch exactly.

Batches are gathered by fancy indexing, one batch at a time (``X[indices]``), so each batch is a
fresh array the caller may modify, and no epoch ever copies the whole of ``X``: for float32
MNIST (60000 x 784) permuting the whole of ``X`` once per epoch and slicing it would cost an
extra 188 MB and, measured, took longer than gathering every batch.
"""
import copy
import math
import numbers

import numpy as np

from tinygrad_opt._random import resolve_rng


def _spawn_generator(parent):
    """Return a new generator seeded by 128 bits drawn from ``parent`` (which advances)."""
    return np.random.default_rng(parent.integers(0, 2**32, size=4, dtype=np.uint64))


class DataLoader:
    """Iterate over ``(xb, yb)`` mini-batches of NumPy arrays, reshuffled every epoch.

    Each ``iter(loader)`` (one epoch) visits the samples in a new order: a fresh permutation
    when ``shuffle`` is True, ``0, 1, ..., n-1`` otherwise, so every sample appears exactly once
    per epoch. Batches are ``X[idx], y[idx]`` for consecutive chunks ``idx`` of that order; the
    last batch is shorter unless ``drop_last`` is set.

    With ``subsample=f``, each epoch first draws a fresh random subset of
    ``m = round(f * n)`` distinct samples (kept in increasing index order when ``shuffle`` is
    False) and batches only those, so ``len(loader)`` is ``ceil(m / batch_size)``
    (``m // batch_size`` with ``drop_last``), the same for every epoch.

    Args:
        X: array-like of shape ``(n, ...)``; samples along the first axis.
        y: optional array-like of shape ``(n, ...)``; ``None`` yields ``(xb, None)``.
        batch_size: samples per batch, an int >= 1.
        shuffle: draw a fresh permutation each epoch (else keep the stored order).
        drop_last: drop the final batch when it has fewer than ``batch_size`` samples.
        rng: ``np.random.Generator`` to draw this loader's own generator from at
            construction; ``None`` uses the global one.
        subsample: ``None`` (all samples) or a fraction in (0, 1] of the samples to draw,
            afresh, each epoch.

    Attributes:
        X, y: the arrays (``np.asarray`` of the inputs, not copied).
        rng: this loader's private ``np.random.Generator``; ``rng.bit_generator.state`` is the
            whole of its random state (see ``state_dict``).

    Raises:
        ValueError: empty ``X``, ``len(X) != len(y)``, ``batch_size < 1``, ``subsample`` outside
            (0, 1] or selecting no sample, or ``drop_last`` leaving no batch at all.
        TypeError: ``batch_size`` not an int, ``shuffle``/``drop_last`` not a bool, ``rng``
            not a Generator, or ``(X, y)`` passed as one tuple.

    Example:
        >>> loader = DataLoader(np.arange(10.0), np.arange(10), batch_size=4)
        >>> len(loader), [len(xb) for xb, _ in loader]
        (3, [4, 4, 2])
    """

    def __init__(self, X, y=None, batch_size=32, shuffle=True, drop_last=False, rng=None,
                 subsample=None):
        if isinstance(X, tuple) and y is None:
            raise TypeError("DataLoader takes the inputs and the labels as two arguments: "
                            "DataLoader(X, y), not DataLoader((X, y))")
        self.X = np.asarray(X)
        self.y = None if y is None else np.asarray(y)
        if self.X.ndim == 0 or len(self.X) == 0:
            raise ValueError(f"X must hold at least one sample, got shape {self.X.shape}")
        if self.y is not None and (self.y.ndim == 0 or len(self.y) != len(self.X)):
            raise ValueError(f"X and y must have the same number of samples, got X of shape "
                             f"{self.X.shape} and y of shape {self.y.shape}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
            raise TypeError(f"batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = int(batch_size)
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.subsample = subsample
        self._epoch_size = self._validate_subsample(subsample, len(self.X))
        if self.drop_last and self._epoch_size < self.batch_size:
            raise ValueError(f"drop_last=True with batch_size={self.batch_size} larger than the "
                             f"{self._epoch_size} samples per epoch would yield no batch")
        self.rng = _spawn_generator(resolve_rng(rng))

    @staticmethod
    def _validate_subsample(subsample, n_samples):
        """Return the number of samples per epoch, checking ``subsample``."""
        if subsample is None:
            return n_samples
        if isinstance(subsample, bool) or not isinstance(subsample, numbers.Real):
            raise ValueError(f"subsample must be None or a fraction in (0, 1], got {subsample!r}")
        if not 0.0 < subsample <= 1.0:
            raise ValueError(f"subsample must be a fraction in (0, 1], got {subsample}")
        epoch_size = round(subsample * n_samples)
        if epoch_size < 1:
            raise ValueError(f"subsample={subsample} of {n_samples} samples selects no sample")
        return epoch_size

    @property
    def n_samples(self):
        """Number of samples in the dataset (``len(X)``)."""
        return len(self.X)

    def __len__(self):
        """Number of batches per epoch."""
        if self.drop_last:
            return self._epoch_size // self.batch_size
        return math.ceil(self._epoch_size / self.batch_size)

    def _epoch_order(self):
        """Draw the sample indices of the next epoch (advances ``self.rng`` when random)."""
        n_samples = len(self.X)
        if self.subsample is not None:
            chosen = self.rng.permutation(n_samples)[:self._epoch_size]
            return chosen if self.shuffle else np.sort(chosen)
        if self.shuffle:
            return self.rng.permutation(n_samples)
        return np.arange(n_samples)

    def __iter__(self):
        """Start an epoch: draw its order now, then yield ``(xb, yb)`` batches lazily."""
        return self._batches(self._epoch_order())

    def _batches(self, order):
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            indices = order[start:start + self.batch_size]
            yield self.X[indices], (None if self.y is None else self.y[indices])

    def state_dict(self):
        """Return the loader's random state, enough to replay its later epochs exactly.

        Returns:
            ``{"rng": rng.bit_generator.state}``, a deep copy (a dict of plain Python values).
        """
        return {"rng": copy.deepcopy(self.rng.bit_generator.state)}

    def load_state_dict(self, state):
        """Restore a state from ``state_dict``; the next epoch repeats the saved one's successor.

        Args:
            state: a dict as returned by ``state_dict``.

        Raises:
            ValueError: ``state`` has no ``"rng"`` entry or it is for another bit generator.
        """
        if "rng" not in state:
            raise ValueError(f"loader state must have an 'rng' entry, got keys {sorted(state)}")
        saved = state["rng"]
        expected = type(self.rng.bit_generator).__name__
        if not isinstance(saved, dict) or saved.get("bit_generator") != expected:
            found = saved.get("bit_generator") if isinstance(saved, dict) else type(saved).__name__
            raise ValueError(f"loader rng state is for {found!r}, expected {expected!r}")
        self.rng.bit_generator.state = copy.deepcopy(saved)

    def __repr__(self):
        return (f"DataLoader(n_samples={len(self.X)}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, "
                f"subsample={self.subsample}, batches={len(self)})")
