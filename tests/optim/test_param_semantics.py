"""PyTorch's semantics around an optimizer: arrays keep their identity, frozen parameters,
options switched on mid-run, names in errors, strict state-dict loading."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tinygrad_opt import nn, optim
from tinygrad_opt.tensor import Tensor

OPTIMIZERS = [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    lambda p: optim.Adagrad(p, lr=0.1),
    lambda p: optim.Adadelta(p),
    lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    lambda p: optim.Adam(p, lr=0.1, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.1),
    lambda p: optim.Adamax(p, lr=0.1),
    lambda p: optim.NAdam(p, lr=0.1),
]


def _mlp():
    return nn.Sequential(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2))


def _backward(model, rng):
    x = Tensor(rng.standard_normal((5, 3)).astype(np.float32))
    (model(x) ** 2).mean().backward()


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_step_updates_the_array_the_parameter_held(make, rng):
    w = Tensor(rng.standard_normal(4), requires_grad=True)
    held = w.data
    before = held.copy()
    opt = make([w])
    w.grad = np.ones(4)
    opt.step()
    assert w.data is held
    assert not np.array_equal(held, before)


def test_grad_of_a_training_step_is_not_overwritten_by_the_next(rng):
    model = _mlp()
    opt = optim.Adam(model.parameters(), lr=0.1)
    _backward(model, rng)
    weight = model.parameters()[0]
    first = weight.grad
    kept = first.copy()
    opt.step()
    opt.zero_grad()
    _backward(model, rng)
    np.testing.assert_array_equal(first, kept)
    assert weight.grad is not first


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_frozen_parameters_are_skipped_and_train_again_when_unfrozen(make, rng):
    model = _mlp()
    frozen = model.parameters()[0]
    frozen.requires_grad = False
    opt = make(model.parameters())
    before = frozen.data.copy()
    for _ in range(3):
        opt.zero_grad()
        _backward(model, rng)
        opt.step()
    np.testing.assert_array_equal(frozen.data, before)
    assert frozen not in opt.state
    frozen.requires_grad = True
    opt.zero_grad()
    _backward(model, rng)
    opt.step()
    assert not np.array_equal(frozen.data, before)


def test_an_error_about_one_parameter_names_its_module_path(rng):
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    _backward(model, rng)
    model.parameters()[2].grad = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=r"'layers\.2\.weight' of shape \(4, 2\)"):
        opt.step()


def test_state_of_another_dtype_is_refused_naming_the_parameter(rng):
    model = _mlp()
    opt = optim.Adam(model.parameters(), lr=0.1)
    _backward(model, rng)
    opt.step()
    model.to(np.float64)
    _backward(model, rng)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 'layers\.0\.weight'"):
        opt.step()


SWITCHES = {
    "sgd momentum": ("optim.SGD(params, lr=0.1)", "momentum", 0.9),
    "rmsprop momentum": ("optim.RMSprop(params, lr=0.01)", "momentum", 0.9),
    "rmsprop centered": ("optim.RMSprop(params, lr=0.01)", "centered", True),
    "adam amsgrad": ("optim.Adam(params, lr=0.01)", "amsgrad", True),
    "adamw amsgrad": ("optim.AdamW(params, lr=0.01)", "amsgrad", True),
}


@pytest.mark.parametrize("case", sorted(SWITCHES))
def test_switching_an_option_on_mid_run_creates_its_state(case):
    """Run in a subprocess: this once wrote past the end of an array and killed Python."""
    make, option, value = SWITCHES[case]
    script = textwrap.dedent(f"""
        import numpy as np
        import tinygrad_opt as tg
        from tinygrad_opt import nn, optim
        tg.manual_seed(0)
        model = nn.Sequential(nn.Dense(30, 40), nn.ReLU(), nn.Dense(40, 3))
        params = model.parameters()
        opt = {make}
        x = tg.Tensor(np.ones((8, 30), dtype=np.float32))
        for step in range(20):
            if step == 3:
                opt.param_groups[0][{option!r}] = {value!r}
            opt.zero_grad()
            (model(x) ** 2).mean().backward()
            opt.step()
        assert all(np.isfinite(p.data).all() for p in params)
        assert all(np.abs(p.data).max() < 10 for p in params)
        print(sorted(opt.state[params[0]]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    expected = {"momentum": "momentum_buffer", "centered": "grad_avg",
                "amsgrad": "max_exp_avg_sq"}[option]
    assert repr(expected) in result.stdout


def test_sgd_momentum_switched_on_starts_its_buffer_as_pytorch_does():
    w = Tensor(np.zeros(2), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.grad = np.array([1.0, 2.0])
    opt.step()
    opt.param_groups[0]["momentum"] = 0.5
    opt.step()
    opt.step()
    # steps: g, then b = g, then b = 0.5 g + g = 1.5 g
    np.testing.assert_allclose(w.data, -0.1 * np.array([1.0, 2.0]) * 3.5)


def _stepped(make, rng):
    params = [Tensor(rng.standard_normal((3, 2)), requires_grad=True) for _ in range(2)]
    opt = make(params)
    for param in params:
        param.grad = rng.standard_normal((3, 2))
    opt.step()
    return params, opt


@pytest.mark.parametrize("source, target, message", [
    (lambda p: optim.Adam(p), lambda p: optim.SGD(p), "momentum"),
    (lambda p: optim.SGD(p, momentum=0.9), lambda p: optim.Adam(p), "betas"),
    (lambda p: optim.Adagrad(p), lambda p: optim.Adadelta(p), "rho"),
    (lambda p: optim.Adam(p), lambda p: optim.Adamax(p), "exp_avg_sq"),
])
def test_load_state_dict_refuses_another_optimizers_state(source, target, message, rng):
    params, opt = _stepped(source, rng)
    other = target(params)
    with pytest.raises(ValueError, match=message):
        other.load_state_dict(opt.state_dict())
    assert other.state == {}


@pytest.mark.parametrize("corrupt, message", [
    (lambda d: d["state"][1].update(exp_avg=np.array([["a", "b"]] * 3)), "dtype"),
    (lambda d: d["state"][1].update(step="3"), "finite number"),
    (lambda d: d["state"][1].update(step=float("nan")), "finite number"),
    (lambda d: d["param_groups"][0].update(lr=-1.0), "lr"),
])
def test_a_refused_load_changes_nothing(corrupt, message, rng):
    params, opt = _stepped(lambda p: optim.Adam(p, lr=0.1), rng)
    saved = opt.state_dict()
    corrupt(saved)
    before = opt.state_dict()
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(saved)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, entry in before["state"].items():
        for name, value in entry.items():
            np.testing.assert_array_equal(after["state"][index][name], value)


@pytest.mark.parametrize("make", [lambda p: optim.SGD([p], lr=0.1, momentum=0.9),
                                  lambda p: optim.Adam([p], lr=0.1)])
def test_a_numpy_scalar_assigned_as_grad_of_a_0d_parameter_steps(make):
    """np.ascontiguousarray made a 0-d gradient 1-d, and step() refused it as shape (1,)."""
    param = Tensor(np.float64(1.0), requires_grad=True)
    twin = Tensor(np.float64(1.0), requires_grad=True)
    param.grad, twin.grad = np.float64(4.0), np.array(4.0)
    make(param).step()
    make(twin).step()
    assert param.data.shape == () and param.data == twin.data != 1.0
