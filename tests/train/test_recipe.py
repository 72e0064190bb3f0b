"""The standard recipe: options resolved and checked, and one short run end to end."""
import numpy as np
import pytest

from tinygrad_opt.train import recipe


def test_resolve_fills_defaults_and_the_rate_actually_used():
    config = recipe.resolve(optimizer="sgd")
    assert config["lr"] == recipe.DEFAULT_LR["sgd"] == 0.05
    assert config["hidden"] == [128] and config["seed"] == 0
    assert recipe.resolve({"optimizer": "adam", "lr": 0.01})["lr"] == 0.01


@pytest.mark.parametrize("options, named", [
    ({"optimiser": "adam"}, "optimiser"),
    ({"optimizer": "lbfgs"}, "lbfgs"),
    ({"lr": -0.1}, "lr=-0.1"),
    ({"lr": float("nan")}, "lr=nan"),
    ({"lr": "0.1"}, "lr='0.1'"),
    ({"batch_size": 0}, "batch_size=0"),
    ({"batch_size": 2.5}, "batch_size=2.5"),
    ({"seed": -1}, "seed=-1"),
    ({"hidden": [64, 0]}, "hidden"),
    ({"dropout": 1.0}, "dropout=1.0"),
    ({"optimizer": "adam", "momentum": 0.9}, "momentum"),
    ({"dataset": "mnist"}, "data_dir"),
])
def test_resolve_names_the_bad_option(options, named):
    with pytest.raises(ValueError, match=named.replace("[", r"\[")):
        recipe.resolve(options)


def test_run_is_a_function_of_its_options_and_seed():
    config = recipe.resolve(dataset="moons", hidden=[8], epochs=2, seed=3)
    first, second = recipe.run(config), recipe.run(config)
    assert first["results"] == second["results"]
    np.testing.assert_array_equal(first["model"].parameters()[0].data,
                                  second["model"].parameters()[0].data)
    assert set(first["results"]) == {"train", "val", "test"}
    assert len(first["history"].epoch) == 2


@pytest.mark.parametrize("batch_size, suggested", [(4, 5), (1, 3)])
def test_batch_norm_with_a_batch_of_one_left_over_is_refused(batch_size, suggested):
    """1437 training rows: batch size 4 leaves a last batch of one sample, whose batch
    statistics do not exist; the run is refused naming a batch size that works."""
    config = recipe.resolve({"norm": "batch", "batch_size": batch_size, "epochs": 1})
    expected = f"batch size {batch_size} leaves a batch of 1 of the 1437 training rows.*e.g. "
    with pytest.raises(ValueError, match=expected + str(suggested)):
        recipe.run(config)
