"""lr_find: the sweep, its suggestion on a toy problem, and that it leaves no trace."""
import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, optim, train
from tinygrad_opt.data import DataLoader


def least_squares(seed=0):
    tg.manual_seed(seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(256, 8)).astype(np.float32)
    y = (X @ rng.normal(size=(8, 1))).astype(np.float32)
    model = nn.Dense(8, 1)
    return model, nn.MSELoss(), DataLoader(X, y, batch_size=32)


def test_sweep_is_exponential_and_stops_when_the_loss_explodes():
    model, loss_fn, loader = least_squares()
    opt = optim.SGD(model.parameters(), lr=0.1)
    lrs, losses, _ = train.lr_find(model, loss_fn, opt, loader, start_lr=1e-4, end_lr=1e3,
                                   num_iter=50)
    assert len(lrs) == len(losses) < 50  # SGD on this problem diverges above lr ~ 1
    ratios = np.array(lrs[1:]) / np.array(lrs[:-1])
    np.testing.assert_allclose(ratios, (1e3 / 1e-4) ** (1 / 49))
    assert lrs[0] == pytest.approx(1e-4)


def test_suggestion_is_a_rate_that_trains_well():
    model, loss_fn, loader = least_squares()
    opt = optim.SGD(model.parameters(), lr=0.1)
    _, _, suggested = train.lr_find(model, loss_fn, opt, loader, start_lr=1e-5, end_lr=10,
                                    num_iter=100)
    # For least squares with unit-variance inputs, SGD is stable for lr < 2 / lambda_max
    # (~ 1 here) and slow below 1e-3.
    assert 1e-3 < suggested < 1.0


def test_weights_optimizer_state_and_loader_order_are_restored():
    model, loss_fn, loader = least_squares()
    opt = optim.Adam(model.parameters(), lr=0.01)
    train.fit(model, loss_fn, opt, loader, 1, metrics=(), progress=False)
    before = {name: value.copy() for name, value in model.state_dict().items()}
    opt_before = opt.state_dict()
    loader_before = loader.state_dict()
    global_before = tg.manual_seed.__globals__["_global_rng"].bit_generator.state
    model.eval()
    train.lr_find(model, loss_fn, opt, loader, num_iter=30)
    for name, value in before.items():
        np.testing.assert_array_equal(model.state_dict()[name], value)
    after = opt.state_dict()
    assert after["param_groups"] == opt_before["param_groups"]
    for index, state in opt_before["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(after["state"][index][key], value)
    assert loader.state_dict() == loader_before
    assert tg.manual_seed.__globals__["_global_rng"].bit_generator.state == global_before
    assert model.training is False


def test_suggest_lr_picks_the_steepest_drop():
    lrs = np.logspace(-4, 0, 9)
    smoothed = [1.0, 1.0, 1.0, 0.99, 0.95, 0.5, 0.4, 0.39, 0.5]
    assert train.suggest_lr(lrs, smoothed, skip_start=0, skip_end=0) == pytest.approx(lrs[5])
    assert train.suggest_lr(lrs, smoothed) is None  # 9 points: too few after skipping


@pytest.mark.parametrize("options", [dict(start_lr=0), dict(start_lr=1, end_lr=0.1),
                                     dict(num_iter=1), dict(beta=1.0)])
def test_bad_arguments_raise(options):
    model, loss_fn, loader = least_squares()
    with pytest.raises(ValueError):
        train.lr_find(model, loss_fn, optim.SGD(model.parameters()), loader, **options)
