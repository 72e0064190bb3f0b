"""DataLoader: coverage per epoch, fresh orders, batch sizes, private generators, checkpointing."""
import numpy as np
import pytest

from tinygrad_opt._random import manual_seed
from tinygrad_opt.data import DataLoader


def _indices(loader):
    """Concatenate one epoch of batches whose X values are the sample indices."""
    return np.concatenate([xb for xb, _ in loader])


def _epochs(loader, count):
    return [_indices(loader) for _ in range(count)]


def test_every_sample_seen_exactly_once_per_epoch():
    loader = DataLoader(np.arange(103), batch_size=10, rng=np.random.default_rng(0))
    for order in _epochs(loader, 3):
        assert np.array_equal(np.sort(order), np.arange(103))


def test_each_epoch_draws_a_fresh_permutation():
    loader = DataLoader(np.arange(50), batch_size=8, rng=np.random.default_rng(0))
    first, second = _epochs(loader, 2)
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(50))


def test_no_shuffle_keeps_the_stored_order():
    loader = DataLoader(np.arange(10), batch_size=4, shuffle=False)
    assert [xb.tolist() for xb, _ in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batches_pair_x_with_its_own_label():
    X = np.arange(40).reshape(20, 2)
    y = X[:, 0] * 10
    for xb, yb in DataLoader(X, y, batch_size=6, rng=np.random.default_rng(1)):
        assert np.array_equal(yb, xb[:, 0] * 10)


@pytest.mark.parametrize("n, batch_size, drop_last, expected_sizes", [
    (10, 4, False, [4, 4, 2]),
    (10, 4, True, [4, 4]),
    (12, 4, False, [4, 4, 4]),
    (12, 4, True, [4, 4, 4]),
    (3, 5, False, [3]),
    (7, 1, True, [1] * 7),
])
def test_len_and_batch_sizes(n, batch_size, drop_last, expected_sizes):
    loader = DataLoader(np.zeros((n, 3)), np.zeros(n), batch_size=batch_size,
                        drop_last=drop_last)
    assert len(loader) == len(expected_sizes)
    assert [len(xb) for xb, _ in loader] == expected_sizes


def test_drop_last_drops_a_random_remainder_each_epoch():
    loader = DataLoader(np.arange(10), batch_size=4, drop_last=True,
                        rng=np.random.default_rng(3))
    dropped = [frozenset(range(10)) - frozenset(order.tolist()) for order in _epochs(loader, 5)]
    assert all(len(d) == 2 for d in dropped)
    assert len(set(dropped)) > 1


def test_y_none_yields_none_labels():
    batches = list(DataLoader(np.ones((5, 2)), batch_size=2))
    assert len(batches) == 3
    assert all(yb is None for _, yb in batches)


def test_batches_are_copies_so_editing_one_leaves_x_intact():
    X = np.arange(6.0)
    for xb, _ in DataLoader(X, batch_size=2, shuffle=False):
        xb[:] = -1.0
    assert np.array_equal(X, np.arange(6.0))


def test_two_loaders_do_not_disturb_each_other():
    manual_seed(7)
    first = DataLoader(np.arange(30), batch_size=5)
    second = DataLoader(np.arange(30), batch_size=5)
    reference = _epochs(second, 2)

    manual_seed(7)
    first = DataLoader(np.arange(30), batch_size=5)
    second = DataLoader(np.arange(30), batch_size=5)
    _epochs(first, 4)
    interleaved = [_indices(second), _indices(first), _indices(second)]
    assert np.array_equal(interleaved[0], reference[0])
    assert np.array_equal(interleaved[2], reference[1])


def test_iterating_does_not_touch_the_global_generator():
    global_rng = manual_seed(0)
    loader = DataLoader(np.arange(20))
    state = global_rng.bit_generator.state
    _epochs(loader, 3)
    assert global_rng.bit_generator.state == state


def test_manual_seed_reproduces_the_orders():
    manual_seed(123)
    first = _epochs(DataLoader(np.arange(40), batch_size=7), 3)
    manual_seed(123)
    second = _epochs(DataLoader(np.arange(40), batch_size=7), 3)
    manual_seed(124)
    other = _epochs(DataLoader(np.arange(40), batch_size=7), 3)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], other[0])


def test_rng_argument_reproduces_the_orders_without_the_global_generator():
    manual_seed(1)
    first = _epochs(DataLoader(np.arange(40), rng=np.random.default_rng(5)), 2)
    manual_seed(2)
    second = _epochs(DataLoader(np.arange(40), rng=np.random.default_rng(5)), 2)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))


def test_state_dict_round_trip_replays_the_following_epochs():
    loader = DataLoader(np.arange(25), batch_size=4, rng=np.random.default_rng(9))
    _epochs(loader, 2)
    saved = loader.state_dict()
    expected = _epochs(loader, 3)

    resumed = DataLoader(np.arange(25), batch_size=4, rng=np.random.default_rng(999))
    resumed.load_state_dict(saved)
    assert all(np.array_equal(a, b) for a, b in zip(_epochs(resumed, 3), expected))


def test_state_dict_is_a_snapshot_not_a_live_view():
    loader = DataLoader(np.arange(10), rng=np.random.default_rng(0))
    saved = loader.state_dict()
    _epochs(loader, 1)
    assert saved != loader.state_dict()


def test_rng_state_can_be_restored_through_the_generator_attribute():
    loader = DataLoader(np.arange(25), batch_size=4, rng=np.random.default_rng(2))
    state = loader.rng.bit_generator.state
    expected = _indices(loader)
    loader.rng.bit_generator.state = state
    assert np.array_equal(_indices(loader), expected)


def test_load_state_dict_rejects_a_foreign_state():
    loader = DataLoader(np.arange(5))
    with pytest.raises(ValueError, match="rng"):
        loader.load_state_dict({})
    with pytest.raises(ValueError, match="MT19937"):
        loader.load_state_dict({"rng": np.random.MT19937(0).state})


def test_subsample_draws_a_fresh_subset_each_epoch():
    loader = DataLoader(np.arange(100), batch_size=16, subsample=0.3,
                        rng=np.random.default_rng(4))
    assert len(loader) == 2
    epochs = _epochs(loader, 3)
    for order in epochs:
        assert len(order) == 30
        assert len(np.unique(order)) == 30
    assert len({frozenset(order.tolist()) for order in epochs}) == 3
    assert not np.all(np.diff(epochs[0]) > 0)


def test_subsample_without_shuffle_keeps_increasing_order():
    loader = DataLoader(np.arange(50), batch_size=50, shuffle=False, subsample=0.5,
                        rng=np.random.default_rng(0))
    order = _indices(loader)
    assert len(order) == 25
    assert np.all(np.diff(order) > 0)


def test_subsample_len_with_drop_last():
    loader = DataLoader(np.arange(100), batch_size=16, subsample=0.5, drop_last=True)
    assert len(loader) == 3
    assert [len(xb) for xb, _ in loader] == [16, 16, 16]


@pytest.mark.parametrize("kwargs, message", [
    (dict(X=np.zeros((4, 2)), y=np.zeros(3)), r"\(4, 2\).*\(3,\)"),
    (dict(X=np.zeros((0, 2))), r"\(0, 2\)"),
    (dict(X=np.zeros(4), batch_size=0), "batch_size must be >= 1, got 0"),
    (dict(X=np.zeros(4), subsample=0.0), "subsample.*0.0"),
    (dict(X=np.zeros(4), subsample=1.5), "subsample.*1.5"),
    (dict(X=np.zeros(4), subsample=0.1), "selects no sample"),
    (dict(X=np.zeros(4), subsample="half"), "half"),
    (dict(X=np.zeros(4), batch_size=8, drop_last=True), "no batch"),
])
def test_invalid_arguments_raise_value_error_naming_the_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(**kwargs)


def test_non_integer_batch_size_is_a_type_error():
    with pytest.raises(TypeError, match="2.5"):
        DataLoader(np.zeros(4), batch_size=2.5)
