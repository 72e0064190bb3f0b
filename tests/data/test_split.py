"""train_val_test_split (sizes, disjointness, stratification) and StandardScaler."""
import numpy as np
import pytest

from tinygrad_opt._random import manual_seed
from tinygrad_opt.data import NotFittedError, StandardScaler, train_val_test_split


def _split_ids(n, **kwargs):
    """Split X = ids (with y = ids % 3) and return the three id arrays."""
    X = np.arange(n)
    parts = train_val_test_split(X, X % 3, **kwargs)
    for X_part, y_part in parts:
        assert np.array_equal(y_part, X_part % 3)
    return [X_part for X_part, _ in parts]


@pytest.mark.parametrize("n, val, test, sizes", [
    (100, 0.1, 0.1, (80, 10, 10)),
    (101, 0.2, 0.15, (66, 20, 15)),
    (10, 0.25, 0.25, (6, 2, 2)),
    (7, 0.0, 0.3, (5, 0, 2)),
])
def test_sizes_follow_round_n_times_fraction(n, val, test, sizes):
    train, valid, test_ids = _split_ids(n, val=val, test=test, rng=np.random.default_rng(0))
    assert (len(train), len(valid), len(test_ids)) == sizes


@pytest.mark.parametrize("stratify", [False, True])
def test_parts_are_disjoint_and_cover_every_sample(stratify):
    parts = _split_ids(97, val=0.2, test=0.3, rng=np.random.default_rng(1), stratify=stratify)
    joined = np.concatenate(parts)
    assert np.array_equal(np.sort(joined), np.arange(97))


def test_split_is_shuffled_and_reproducible():
    manual_seed(3)
    first = _split_ids(60)
    manual_seed(3)
    second = _split_ids(60)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], np.sort(first[0]))


def test_stratify_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [500, 300, 200])
    X = np.arange(len(y))
    parts = train_val_test_split(X, y, val=0.1, test=0.2, rng=np.random.default_rng(2),
                                 stratify=True)
    (_, y_train), (_, y_val), (_, y_test) = parts
    assert np.bincount(y_test).tolist() == [100, 60, 40]
    assert np.bincount(y_val).tolist() == [50, 30, 20]
    assert np.bincount(y_train).tolist() == [350, 210, 140]


def test_stratify_rounding_gives_leftovers_to_largest_remainders():
    y = np.repeat([0, 1, 2], [5, 3, 2])
    (_, y_train), (_, y_val), (_, y_test) = train_val_test_split(
        np.arange(10), y, val=0.2, test=0.3, rng=np.random.default_rng(0), stratify=True)
    # test quotas 1.5, 0.9, 0.6 -> floors 1, 0, 0, two leftovers to classes 1 (.9) and 2 (.6)
    assert np.bincount(y_test, minlength=3).tolist() == [1, 1, 1]
    # val quotas over what is left (4, 2, 1) of 7: 8/7, 4/7, 2/7 -> 1, then class 1 (.57)
    assert np.bincount(y_val, minlength=3).tolist() == [1, 1, 0]
    assert np.bincount(y_train, minlength=3).tolist() == [3, 1, 1]


def test_stratify_never_takes_more_than_a_class_has():
    y = np.array([0] * 8 + [1])
    parts = train_val_test_split(np.arange(9), y, val=0.4, test=0.4,
                                 rng=np.random.default_rng(0), stratify=True)
    assert sum(len(X_part) for X_part, _ in parts) == 9
    assert [len(X_part) for X_part, _ in parts] == [1, 4, 4]


@pytest.mark.parametrize("val, test, message", [
    (-0.1, 0.1, "val.*-0.1"),
    (0.1, 1.0, "test.*1.0"),
    (0.5, 0.5, "val \\+ test must be < 1"),
    (0.7, 0.4, "val \\+ test must be < 1"),
    ("0.1", 0.1, "val"),
])
def test_invalid_fractions_raise(val, test, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(np.zeros(10), np.zeros(10), val=val, test=test)


def test_split_rejects_length_mismatch_and_empty_train():
    with pytest.raises(ValueError, match=r"\(10,\).*\(9,\)"):
        train_val_test_split(np.zeros(10), np.zeros(9))
    with pytest.raises(ValueError, match="none for training"):
        train_val_test_split(np.zeros(2), np.zeros(2), val=0.45, test=0.45)


def test_scaler_matches_the_population_formula():
    X = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 4))
    scaler = StandardScaler().fit(X)
    mean = X.sum(axis=0) / len(X)
    var = ((X - mean) ** 2).sum(axis=0) / len(X)
    np.testing.assert_allclose(scaler.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(scaler.var_, var, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, np.sqrt(var), rtol=1e-12)
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z, (X - mean) / np.sqrt(var), rtol=1e-12)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)


def test_scaler_inverse_transform_round_trips():
    X = np.random.default_rng(1).uniform(-5.0, 9.0, size=(20, 3))
    scaler = StandardScaler()
    np.testing.assert_allclose(scaler.inverse_transform(scaler.fit_transform(X)), X,
                               rtol=1e-12, atol=1e-12)


def test_constant_feature_gets_scale_one_and_maps_to_zero():
    X = np.array([[0.1, 1.0], [0.1, 3.0], [0.1, 5.0]])
    scaler = StandardScaler().fit(X)
    assert scaler.scale_[0] == 1.0
    assert scaler.var_[0] == 0.0
    Z = scaler.transform(X)
    assert np.all(Z[:, 0] == 0.0)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=1e-15)


def test_scaler_keeps_float32_and_converts_integers_to_float64():
    X32 = np.arange(12, dtype=np.float32).reshape(4, 3)
    assert StandardScaler().fit_transform(X32).dtype == np.float32
    assert StandardScaler().fit_transform(X32.astype(np.int64)).dtype == np.float64


def test_transform_before_fit_is_a_clear_error():
    with pytest.raises(NotFittedError, match="fit"):
        StandardScaler().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError):
        StandardScaler().inverse_transform(np.zeros((2, 2)))


def test_width_mismatch_names_both_widths():
    scaler = StandardScaler().fit(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="5 features.*4 features"):
        scaler.transform(np.zeros((2, 5)))


def test_scaler_rejects_non_2d_and_empty_input():
    with pytest.raises(ValueError, match="reshape"):
        StandardScaler().fit(np.zeros(5))
    with pytest.raises(ValueError, match="at least one sample"):
        StandardScaler().fit(np.zeros((0, 3)))
