"""train.predict: outputs in eval mode, no graph, batches, training flags restored."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, train


def _model():
    tg.manual_seed(0)
    return nn.Sequential(nn.Dense(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5),
                         nn.Dense(16, 3))


def _warm_up(model, X):
    """A few training-mode forwards, so BatchNorm's running statistics are not the initial."""
    for start in range(0, len(X), 8):
        model(X[start:start + 8])


@pytest.fixture
def rows():
    return np.random.default_rng(0).normal(size=(37, 4)).astype(np.float32)


def test_predict_equals_the_eval_mode_forward_without_a_graph(rows):
    model = _model()
    _warm_up(model, rows)
    outputs = train.predict(model, rows)
    model.eval()
    expected = model(tg.Tensor(rows))
    assert isinstance(outputs, np.ndarray) and outputs.dtype == np.float32
    np.testing.assert_array_equal(outputs, expected.data)
    assert all(param.grad is None for param in model.parameters())


@pytest.mark.parametrize("batch_size", [1, 5, 36, 37, 100])
def test_batches_give_the_same_outputs_as_one_pass(rows, batch_size):
    model = _model()
    _warm_up(model, rows)
    np.testing.assert_allclose(train.predict(model, rows, batch_size=batch_size),
                               train.predict(model, rows), rtol=1e-6, atol=1e-6)


def test_predict_records_no_graph_and_changes_no_state(rows):
    model = _model()
    _warm_up(model, rows)
    before = model.state_dict()
    tensor_rows = tg.Tensor(rows, requires_grad=True)
    train.predict(model, tensor_rows, batch_size=8)
    after = model.state_dict()
    assert all(np.array_equal(before[name], after[name]) for name in before)
    assert tensor_rows.grad is None


def test_each_modules_training_flag_is_restored(rows):
    model = _model()
    model.layers[3].eval()  # one module in eval mode, the others training
    flags = [module.training for _, module in model.named_modules()]
    train.predict(model, rows)
    assert [module.training for _, module in model.named_modules()] == flags
    model.eval()
    train.predict(model, rows)
    assert not any(module.training for _, module in model.named_modules())


def test_training_flags_are_restored_when_the_model_raises(rows):
    model = _model()
    with pytest.raises(ValueError):
        train.predict(model, rows[:, :3])
    assert all(module.training for _, module in model.named_modules())


def test_float64_rows_and_lists_are_accepted(rows):
    model = _model()
    expected = train.predict(model, rows)
    np.testing.assert_array_equal(train.predict(model, rows.astype(np.float64)), expected)
    np.testing.assert_array_equal(train.predict(model, rows.tolist()), expected)


def test_zero_rows_give_zero_outputs(rows):
    assert train.predict(_model(), rows[:0], batch_size=4).shape == (0, 3)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_a_bad_batch_size_is_named(rows, batch_size):
    with pytest.raises(ValueError, match=f"batch_size.*{batch_size!r}"):
        train.predict(_model(), rows, batch_size=batch_size)
