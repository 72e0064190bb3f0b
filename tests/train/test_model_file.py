"""Model files: a recipe run saved with save_model and rebuilt by load_model predicts as the
in-memory model does, from raw rows."""
import os

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import data, train
from tinygrad_opt.train import recipe

CONFIGS = {
    "default": {},
    "batchnorm_dropout_tanh": {"hidden": [16, 8], "norm": "batch", "dropout": 0.2,
                               "activation": "tanh", "init": "xavier_normal"},
    "groupnorm_linear_moons": {"hidden": [8], "norm": "group", "dataset": "moons",
                               "activation": "leaky_relu"},
    "no_hidden_layer_spiral": {"hidden": [], "dataset": "spiral", "optimizer": "sgd"},
}


def _trained(tmp_path, **options):
    config = recipe.resolve({"epochs": 2, "hidden": [32], **options})
    run = recipe.run(config)
    path = str(tmp_path / "model.npz")
    train.save_model(path, run, config)
    return run, config, path


def _raw_rows(config):
    """The raw (unscaled) rows of the run's dataset, drawn as ``recipe.load_splits`` does."""
    tg.manual_seed(config["seed"])
    if config["dataset"] == "digits":
        return data.load_digits()
    if config["dataset"] == "spiral":
        return data.make_spiral(n_per_class=300, n_classes=3, noise=0.2)
    return data.make_moons(n_samples=1000, noise=0.1)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_rebuilt_model_predicts_exactly_as_the_trained_one(name, tmp_path):
    run, config, path = _trained(tmp_path, **CONFIGS[name])
    X, y = _raw_rows(config)
    expected = train.predict(run["model"], run["scaler"].transform(X).astype(np.float32))
    trained = train.load_model(path)
    np.testing.assert_array_equal(trained.logits(X), expected)
    np.testing.assert_array_equal(trained.predict(X), expected.argmax(axis=1))
    assert repr(trained.model) == repr(run["model"])
    assert not any(module.training for _, module in trained.model.named_modules())


def test_the_scaling_is_the_training_splits_and_predictions_are_good(tmp_path):
    run, config, path = _trained(tmp_path, epochs=10)
    trained = train.load_model(path)
    X, y = _raw_rows(config)
    np.testing.assert_array_equal(trained.scaler.mean_, run["scaler"].mean_)
    np.testing.assert_array_equal(trained.scaler.scale_, run["scaler"].scale_)
    np.testing.assert_array_equal(trained.transform(X), run["scaler"].transform(X)
                                  .astype(np.float32))
    assert (trained.predict(X) == y).mean() > 0.9
    proba = trained.predict_proba(X, batch_size=100)
    assert proba.shape == (len(X), 10) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(proba.argmax(axis=1), trained.predict(X))


def test_tg_load_reads_the_file_as_a_plain_tree(tmp_path):
    run, config, path = _trained(tmp_path, hidden=[16, 8], dropout=0.1)
    tree = tg.load(path)
    assert tree["format"] == "tinygrad_opt.model" and tree["version"] == 1
    assert tree["architecture"] == {"hidden": [16, 8], "activation": "relu", "norm": "none",
                                    "dropout": 0.1, "init": "kaiming_uniform",
                                    "in_features": 64, "out_features": 10}
    np.testing.assert_array_equal(tree["classes"], np.arange(10))
    assert tree["trained_with"] == config
    assert tree["package_version"] == tg.__version__
    saved, live = tree["weights"], run["model"].state_dict()
    assert list(saved) == list(live)
    assert all(saved[name].tobytes() == live[name].tobytes() for name in live)
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


def test_loading_leaves_the_global_generator_alone(tmp_path):
    _, _, path = _trained(tmp_path)
    tg.manual_seed(5)
    expected = tg.randn(3).data
    tg.manual_seed(5)
    train.load_model(path)
    np.testing.assert_array_equal(tg.randn(3).data, expected)


def test_rows_of_another_width_are_refused_naming_both(tmp_path):
    _, _, path = _trained(tmp_path)
    trained = train.load_model(path)
    with pytest.raises(ValueError, match="takes rows of 64 features, got rows of 10"):
        trained.predict(np.zeros((2, 10)))
    with pytest.raises(ValueError, match=r"64 features, got shape \(64,\)"):
        trained.predict(np.zeros(64))


def test_a_checkpoint_or_another_file_is_not_a_model_file(tmp_path):
    config = recipe.resolve(epochs=1, hidden=[8])
    checkpoint = str(tmp_path / "checkpoint.npz")
    recipe.run(config, checkpoint=checkpoint)
    with pytest.raises(ValueError, match="not a model file .it is a training checkpoint"):
        train.load_model(checkpoint)
    other = str(tmp_path / "other.npz")
    tg.save({"weights": np.ones(3)}, other)
    with pytest.raises(ValueError, match=f"{other} is not a model file .it is another file"):
        train.load_model(other)
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="notes.npz is not a model file: it is a text file"):
        train.load_model(str(text))
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        train.load_model(str(tmp_path / "missing.npz"))


def test_weights_that_do_not_fit_the_architecture_are_refused(tmp_path):
    _, _, path = _trained(tmp_path)
    tree = tg.load(path)
    tree["architecture"]["hidden"] = [16]
    tg.save(tree, path)
    with pytest.raises(ValueError, match="weights do not fit the saved architecture"):
        train.load_model(path)
