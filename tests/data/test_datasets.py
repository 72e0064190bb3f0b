"""Shipped digits, IDX/MNIST parsing from files written here, and the synthetic 2-D datasets."""
import gzip
import hashlib
import struct

import numpy as np
import pytest

from tinygrad_opt._random import manual_seed
from tinygrad_opt.data import load_digits, load_mnist, make_moons, make_spiral, read_idx

# Checksums printed by tools/make_digits.py when digits.npz was generated.
DIGITS_X_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
DIGITS_Y_SHA256 = "8ba4f891220f5e4c9c819638d1602d74b83618f167043c6da52a2a247841ddf0"


def test_digits_shapes_dtypes_and_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 16.0
    assert np.array_equal(X, np.round(X))
    assert y[:10].tolist() == list(range(10))


def test_digits_class_counts():
    _, y = load_digits()
    counts = np.bincount(y)
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert counts.sum() == 1797


def test_digits_checksum_matches_the_generated_file():
    X, y = load_digits()
    assert hashlib.sha256(X.astype(np.uint8).tobytes()).hexdigest() == DIGITS_X_SHA256
    assert hashlib.sha256(y.astype(np.uint8).tobytes()).hexdigest() == DIGITS_Y_SHA256


def test_digits_returns_fresh_arrays():
    X, _ = load_digits()
    X[:] = -1.0
    assert load_digits()[0].min() == 0.0


def _idx_bytes(values, type_code=0x08):
    values = np.asarray(values)
    header = struct.pack(">BBBB", 0, 0, type_code, values.ndim)
    header += struct.pack(f">{values.ndim}I", *values.shape)
    dtype = {0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[type_code]
    return header + values.astype(dtype).tobytes()


def _write(path, payload, gzipped=False):
    path.write_bytes(gzip.compress(payload) if gzipped else payload)
    return path


@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_round_trips_uint8_images(tmp_path, gzipped):
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4).astype(np.uint8)
    path = _write(tmp_path / "images", _idx_bytes(images), gzipped)
    result = read_idx(path)
    assert result.dtype == np.uint8
    assert np.array_equal(result, images)


def test_read_idx_converts_big_endian_types_to_native(tmp_path):
    shorts = np.array([[-2, 300], [7, -32000]])
    floats = np.array([0.5, -1.25, 3e10])
    assert np.array_equal(read_idx(_write(tmp_path / "s", _idx_bytes(shorts, 0x0B))), shorts)
    result = read_idx(_write(tmp_path / "f", _idx_bytes(floats, 0x0D)))
    assert result.dtype == np.float32 and result.dtype.isnative
    assert np.array_equal(result, floats.astype(np.float32))


def test_read_idx_rejects_wrong_magic_and_names_the_file(tmp_path):
    path = _write(tmp_path / "bad-magic", b"\x00\x00\x07\x01" + struct.pack(">I", 0))
    with pytest.raises(ValueError, match="bad-magic.*0x00000701"):
        read_idx(path)
    png = _write(tmp_path / "picture.png", b"\x89PNG\r\n\x1a\n" + bytes(8))
    with pytest.raises(ValueError, match="picture.png.*magic"):
        read_idx(png)


@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_rejects_truncated_data(tmp_path, gzipped):
    payload = _idx_bytes(np.zeros((4, 2, 2), np.uint8))[:-3]
    path = _write(tmp_path / "short", payload, gzipped)
    with pytest.raises(ValueError, match="short.*truncated.*16 bytes.*found 13"):
        read_idx(path)


def test_read_idx_rejects_truncated_header_and_gzip_stream(tmp_path):
    with pytest.raises(ValueError, match="stub.*header"):
        read_idx(_write(tmp_path / "stub", b"\x00\x00\x08\x03\x00\x00\x00\x02"))
    cut = gzip.compress(_idx_bytes(np.zeros(100, np.uint8)))[:-10]
    with pytest.raises(ValueError, match="cut.gz.*gzip"):
        read_idx(_write(tmp_path / "cut.gz", cut))


def test_read_idx_rejects_trailing_bytes(tmp_path):
    path = _write(tmp_path / "long", _idx_bytes(np.zeros(3, np.uint8)) + b"\x00")
    with pytest.raises(ValueError, match="long.*trailing"):
        read_idx(path)


def _write_mnist(folder, n_train=5, n_test=3, gzipped=False, labels=None):
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(n_train, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": labels if labels is not None else np.full(n_test, 9, np.uint8),
    }
    for name, values in arrays.items():
        _write(folder / (name + (".gz" if gzipped else "")), _idx_bytes(values), gzipped)
    return arrays


@pytest.mark.parametrize("gzipped", [False, True])
def test_load_mnist_reads_scales_and_flattens(tmp_path, gzipped):
    arrays = _write_mnist(tmp_path, gzipped=gzipped)
    (X_train, y_train), (X_test, y_test) = load_mnist(tmp_path)
    assert X_train.shape == (5, 784) and X_train.dtype == np.float32
    assert X_test.shape == (3, 784)
    assert y_train.dtype == np.int64 and y_train.tolist() == [0, 1, 2, 3, 4]
    assert y_test.tolist() == [9, 9, 9]
    expected = arrays["t10k-images-idx3-ubyte"].reshape(3, 784) / 255.0
    np.testing.assert_allclose(X_test, expected, rtol=1e-7)
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0


def test_load_mnist_accepts_a_mix_of_plain_and_gzipped_files(tmp_path):
    _write_mnist(tmp_path, gzipped=True)
    plain = gzip.decompress((tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes())
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    _write(tmp_path / "t10k-labels-idx1-ubyte", plain)
    assert load_mnist(tmp_path)[1][1].tolist() == [9, 9, 9]


def test_load_mnist_missing_file_names_folder_and_expected_files(tmp_path):
    _write_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte").unlink()
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message
    assert "t10k-images-idx3-ubyte" in message and "train-labels-idx1-ubyte" in message


def test_load_mnist_count_mismatch_names_both_files(tmp_path):
    _write_mnist(tmp_path)
    _write(tmp_path / "train-labels-idx1-ubyte", _idx_bytes(np.zeros(4, np.uint8)))
    with pytest.raises(ValueError, match="train-images.*5 images.*train-labels.*4 labels"):
        load_mnist(tmp_path)


def test_load_mnist_rejects_labels_outside_0_to_9(tmp_path):
    _write_mnist(tmp_path, labels=np.array([1, 10, 2], np.uint8))
    with pytest.raises(ValueError, match="t10k-labels.*0..9.*10"):
        load_mnist(tmp_path)


def test_load_mnist_rejects_labels_file_in_place_of_images(tmp_path):
    _write_mnist(tmp_path)
    _write(tmp_path / "train-images-idx3-ubyte", _idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(ValueError, match="train-images.*0x00000803"):
        load_mnist(tmp_path)


def test_spiral_shapes_labels_and_radius():
    X, y = make_spiral(n_per_class=50, n_classes=4, noise=0.3, rng=np.random.default_rng(0))
    assert X.shape == (200, 2) and X.dtype == np.float64
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [50] * 4
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius, np.tile(np.linspace(0, 1, 50), 4), atol=1e-12)


def test_spiral_without_noise_follows_the_formula():
    X, _ = make_spiral(n_per_class=5, n_classes=2, noise=0.0, rng=np.random.default_rng(0))
    radius = np.linspace(0, 1, 5)
    angle = np.linspace(4, 8, 5)
    np.testing.assert_allclose(X[5:], np.c_[radius * np.sin(angle), radius * np.cos(angle)])


def test_moons_shapes_and_noiseless_geometry():
    X, y = make_moons(n_samples=9, noise=0.0, shuffle=False)
    assert X.shape == (9, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert y.tolist() == [0] * 4 + [1] * 5
    np.testing.assert_allclose(np.hypot(X[:4, 0], X[:4, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[4:, 0] - 1.0, X[4:, 1] - 0.5), 1.0)


def test_moons_shuffle_keeps_each_point_with_its_label():
    X_sorted, y_sorted = make_moons(n_samples=30, noise=0.0, shuffle=False)
    X, y = make_moons(n_samples=30, noise=0.0, rng=np.random.default_rng(0))
    assert not np.array_equal(y, y_sorted)
    sorted_rows = {tuple(row) + (label,) for row, label in zip(X_sorted, y_sorted)}
    assert {tuple(row) + (label,) for row, label in zip(X, y)} == sorted_rows


@pytest.mark.parametrize("make", [make_spiral, make_moons])
def test_generators_are_reproducible(make):
    first = make(rng=np.random.default_rng(11))
    second = make(rng=np.random.default_rng(11))
    manual_seed(11)
    third = make()
    manual_seed(11)
    fourth = make()
    other = make(rng=np.random.default_rng(12))
    assert np.array_equal(first[0], second[0]) and np.array_equal(third[0], fourth[0])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("call, message", [
    (lambda: make_spiral(n_per_class=0), "n_per_class.*0"),
    (lambda: make_spiral(n_classes=2.5), "n_classes.*2.5"),
    (lambda: make_spiral(noise=-0.1), "noise.*-0.1"),
    (lambda: make_moons(n_samples=1), "n_samples.*1"),
    (lambda: make_moons(noise=float("nan")), "noise.*nan"),
    (lambda: make_moons(noise=float("inf")), "noise.*inf"),
])
def test_generators_validate_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
