"""Splitting a dataset into train/validation/test parts, and standardising features."""
import numbers

import numpy as np

from tinygrad_opt._random import resolve_rng


def _check_fraction(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a fraction in [0, 1), got {value!r}")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a fraction in [0, 1), got {value}")


def _apportion(total, weights):
    """Split the int ``total`` over classes in proportion to ``weights`` (largest remainder).

    Each class first gets ``floor(total * w / sum(w))``; the seats still missing go one each to
    the classes with the largest fractional parts, ties to the lower class index. Because
    ``total < sum(weights)``, no class ever gets more than its weight.
    """
    quotas = total * weights / weights.sum()
    counts = np.floor(quotas).astype(np.int64)
    missing = total - counts.sum()
    by_remainder = np.argsort(-(quotas - counts), kind="stable")
    counts[by_remainder[:missing]] += 1
    return counts


def _stratified_indices(y, n_val, n_test, rng):
    """Return (train, val, test) index arrays with per-class sizes from ``_apportion``."""
    _, class_of = np.unique(y, return_inverse=True)
    class_of = class_of.ravel()
    class_counts = np.bincount(class_of)
    test_counts = _apportion(n_test, class_counts)
    val_counts = _apportion(n_val, class_counts - test_counts)
    parts = ([], [], [])
    for label, (n_te, n_va) in enumerate(zip(test_counts, val_counts)):
        members = rng.permutation(np.flatnonzero(class_of == label))
        parts[2].append(members[:n_te])
        parts[1].append(members[n_te:n_te + n_va])
        parts[0].append(members[n_te + n_va:])
    return tuple(rng.permutation(np.concatenate(part)) for part in parts)


def train_val_test_split(X, y, val=0.1, test=0.1, rng=None, stratify=False):
    """Shuffle and split ``(X, y)`` into disjoint train, validation and test parts.

    Sizes: ``n_val = round(n * val)``, ``n_test = round(n * test)`` (Python's round, half to
    even), and train gets the remaining ``n - n_val - n_test``. Every sample lands in exactly
    one part; each part is in random order.

    With ``stratify=True`` the totals are the same and each class keeps its share: the test
    size is apportioned over the classes in proportion to their counts by the largest-remainder
    method (each class gets the floor of its exact quota, then the leftover samples go one each
    to the classes with the largest fractional parts, ties to the smaller label), then the
    validation size is apportioned the same way over what each class has left; train takes the
    rest of every class.

    Args:
        X: array-like with samples along the first axis.
        y: array-like of labels or targets, ``len(y) == len(X)``; 1-D when stratifying.
        val: fraction of all samples for validation, in [0, 1).
        test: fraction of all samples for testing, in [0, 1); ``val + test < 1``.
        rng: ``np.random.Generator`` for the shuffles; ``None`` uses the global one.
        stratify: keep each class's proportion of ``y`` in every part.

    Returns:
        ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``, new arrays.

    Raises:
        ValueError: a fraction outside [0, 1), ``val + test >= 1``, ``len(X) != len(y)``, no
            sample, a split leaving train empty, or ``stratify`` with a ``y`` that is not 1-D.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    _check_fraction("val", val)
    _check_fraction("test", test)
    if val + test >= 1.0:
        raise ValueError(f"val + test must be < 1 to leave a training set, got "
                         f"val={val} + test={test} = {val + test}")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got X of shape "
                         f"{X.shape} and y of shape {y.shape}")
    n_samples = len(X)
    n_val, n_test = round(n_samples * val), round(n_samples * test)
    if n_samples - n_val - n_test < 1:
        raise ValueError(f"val={val} and test={test} of {n_samples} samples give {n_val} + "
                         f"{n_test} samples, leaving none for training")
    rng = resolve_rng(rng)
    if stratify:
        if y.ndim != 1:
            raise ValueError(f"stratify needs 1-D class labels y, got shape {y.shape}")
        parts = _stratified_indices(y, n_val, n_test, rng)
    else:
        order = rng.permutation(n_samples)
        parts = (order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test])
    return tuple((X[indices], y[indices]) for indices in parts)


class NotFittedError(ValueError, AttributeError):
    """Raised when a scaler is used before ``fit`` (a ValueError and an AttributeError, as in
    scikit-learn)."""


class StandardScaler:
    """Standardise features: ``z = (x - mean_) / scale_``, statistics per column.

    ``mean_`` is the column mean, ``var_`` the population variance (ddof=0) and
    ``scale_ = sqrt(var_)``, as scikit-learn's ``StandardScaler``. A constant column (all values
    equal) gets ``var_ = 0``, ``scale_ = 1`` and ``mean_`` equal to that value, so it transforms
    to exact zeros instead of dividing by zero. Statistics are computed in float64; a floating
    input keeps its dtype through ``transform``, any other becomes float64.

    Attributes:
        mean_, var_, scale_: float64 arrays of shape ``(n_features,)``, set by ``fit``.
        n_features_in_: number of columns seen by ``fit``.
        n_samples_seen_: number of rows seen by ``fit``.

    Example:
        >>> scaler = StandardScaler().fit([[0.0, 5.0], [2.0, 5.0]])
        >>> scaler.mean_, scaler.scale_
        (array([1., 5.]), array([1., 1.]))
    """

    def fit(self, X):
        """Compute ``mean_``, ``var_`` and ``scale_`` of the columns of ``X``.

        Args:
            X: array-like of shape ``(n_samples, n_features)`` with ``n_samples >= 1``.

        Returns:
            self.

        Raises:
            ValueError: ``X`` is not 2-D, has no rows, or holds NaN or inf (the columns are
                named).
        """
        X = self._as_2d(X)
        if len(X) == 0:
            raise ValueError(f"StandardScaler.fit needs at least one sample, got shape {X.shape}")
        X64 = X.astype(np.float64, copy=False)
        bad = np.flatnonzero(~np.isfinite(X64).all(axis=0))
        if bad.size:
            raise ValueError(f"StandardScaler.fit: column(s) {bad.tolist()} hold NaN or "
                             f"infinite values; clean or impute them first (a NaN would make "
                             f"the whole column NaN)")
        constant = np.all(X64 == X64[0], axis=0)
        self.mean_ = np.where(constant, X64[0], X64.mean(axis=0))
        self.var_ = np.where(constant, 0.0, X64.var(axis=0))
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        return self

    def transform(self, X):
        """Return ``(X - mean_) / scale_``.

        Raises:
            NotFittedError: called before ``fit``.
            ValueError: ``X`` is not 2-D or its width differs from the fitted one.
        """
        X = self._check_width(X)
        return ((X - self.mean_) / self.scale_).astype(self._out_dtype(X), copy=False)

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        """Return ``Z * scale_ + mean_``, undoing ``transform``.

        Raises:
            NotFittedError: called before ``fit``.
            ValueError: ``Z`` is not 2-D or its width differs from the fitted one.
        """
        Z = self._check_width(Z)
        return (Z * self.scale_ + self.mean_).astype(self._out_dtype(Z), copy=False)

    @staticmethod
    def _as_2d(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"StandardScaler expects a 2-D array (n_samples, n_features), got "
                             f"shape {X.shape}; reshape a single feature with X.reshape(-1, 1)")
        return X

    @staticmethod
    def _out_dtype(X):
        return X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64

    def _check_width(self, X):
        if not hasattr(self, "mean_"):
            raise NotFittedError("this StandardScaler is not fitted yet; call fit(X) first")
        X = self._as_2d(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but this StandardScaler was fitted "
                             f"on {self.n_features_in_} features")
        return X

    def __repr__(self):
        fitted = f"n_features_in_={self.n_features_in_}" if hasattr(self, "mean_") else "unfitted"
        return f"StandardScaler({fitted})"
