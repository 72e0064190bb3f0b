"""Optimizer base behaviour: groups, validation, skipping, state dicts, explain."""
import numpy as np
import pytest

from tinygrad_opt import optim
from tinygrad_opt.tensor import Tensor


def make_params(rng, dtype=np.float64):
    return [Tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
            for shape in [(3, 4), (4,), (2, 2)]]


def set_grads(params, rng):
    for param in params:
        param.grad = rng.standard_normal(param.shape).astype(param.dtype)


def test_groups_fill_missing_options_from_defaults(rng):
    first, second, third = make_params(rng)
    opt = optim.SGD([{"params": [first]}, {"params": [second, third], "lr": 0.5}], lr=0.1,
                    momentum=0.9)
    assert [group["lr"] for group in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9


def test_groups_use_their_own_learning_rate(rng):
    first, second, _ = make_params(rng)
    before = [first.data.copy(), second.data.copy()]
    opt = optim.SGD([{"params": [first]}, {"params": [second], "lr": 0.5}], lr=0.1)
    first.grad, second.grad = np.ones(first.shape), np.ones(second.shape)
    opt.step()
    np.testing.assert_allclose(first.data, before[0] - 0.1)
    np.testing.assert_allclose(second.data, before[1] - 0.5)


def test_add_param_group_rejects_a_parameter_already_present(rng):
    params = make_params(rng)
    opt = optim.Adam(params[:2])
    with pytest.raises(ValueError, match="more than one param group"):
        opt.add_param_group({"params": [params[0]]})
    opt.add_param_group({"params": [params[2]], "lr": 0.5})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)


@pytest.mark.parametrize("bad, error", [
    (lambda p: [p[0], p[0]], ValueError),
    (lambda p: [Tensor(np.zeros(2, dtype=np.int64))], ValueError),
    (lambda p: [np.zeros(2)], TypeError),
    (lambda p: [], ValueError),
    (lambda p: p[0], TypeError),
])
def test_bad_parameter_lists_raise(rng, bad, error):
    with pytest.raises(error):
        optim.SGD(bad(make_params(rng)), lr=0.1)


def test_parameter_without_grad_is_skipped_and_its_state_does_not_advance(rng):
    params = make_params(rng)
    opt = optim.Adam(params, lr=0.1)
    set_grads(params, rng)
    opt.step()
    frozen = params[1].data.copy()
    params[1].grad = None
    opt.step()
    np.testing.assert_array_equal(params[1].data, frozen)
    assert opt.state[params[0]]["step"] == 2.0
    assert opt.state[params[1]]["step"] == 1.0


def test_state_is_created_lazily_under_pytorch_names(rng):
    params = make_params(rng)
    opt = optim.Adam(params, amsgrad=True)
    assert opt.state == {}
    set_grads(params, rng)
    opt.step()
    assert set(opt.state[params[0]]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert type(opt.state[params[0]]["step"]) is float
    assert opt.state[params[0]]["exp_avg"].shape == (3, 4)


def test_zero_grad_sets_grads_to_none(rng):
    params = make_params(rng)
    opt = optim.SGD(params)
    set_grads(params, rng)
    opt.zero_grad()
    assert all(param.grad is None for param in params)


def test_zero_gradient_leaves_sgd_parameters_unchanged(rng):
    params = make_params(rng)
    before = [param.data.copy() for param in params]
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    for param in params:
        param.grad = np.zeros(param.shape)
    opt.step()
    for param, old in zip(params, before):
        np.testing.assert_array_equal(param.data, old)


def test_step_returns_the_closure_loss(rng):
    params = make_params(rng)
    opt = optim.SGD(params, lr=0.1)

    def closure():
        set_grads(params, rng)
        return 1.5

    assert opt.step(closure) == 1.5
    assert opt.step() is None


def run_steps(params, rng, steps, skip=None):
    opt = optim.Adam(params, lr=0.1, weight_decay=0.1)
    for step in range(steps):
        set_grads(params, rng)
        if step == skip:
            params[2].grad = None
        opt.step()
    return opt


def test_a_skipped_parameter_does_not_disturb_the_others():
    """Every parameter must end exactly where separate optimizers would put it."""
    together = make_params(np.random.default_rng(0))
    run_steps(together, np.random.default_rng(1), steps=6, skip=2)
    alone = make_params(np.random.default_rng(0))
    grads_rng = np.random.default_rng(1)
    separate = [optim.Adam([param], lr=0.1, weight_decay=0.1) for param in alone]
    for step in range(6):
        set_grads(alone, grads_rng)
        for index, (param, opt) in enumerate(zip(alone, separate)):
            if not (step == 2 and index == 2):
                opt.step()
    for ours, expected in zip(together, alone):
        np.testing.assert_array_equal(ours.data, expected.data)


def test_user_assigned_non_contiguous_data_is_updated_in_place(rng):
    params = make_params(rng)
    opt = optim.SGD(params, lr=0.5)
    replacement = np.asfortranarray(np.ones((3, 4)))
    params[0].data = replacement
    set_grads(params, rng)
    params[0].grad = np.full((3, 4), 2.0)
    opt.step()
    assert params[0].data is replacement
    np.testing.assert_array_equal(replacement, np.zeros((3, 4)))


def test_a_dtype_change_before_the_first_step_is_followed(rng):
    params = make_params(rng, np.float32)
    opt = optim.SGD(params, lr=0.5)
    params[1].data = params[1].data.astype(np.float64)
    set_grads(params, rng)
    expected = params[1].data - 0.5 * params[1].grad
    opt.step()
    assert params[1].data.dtype == np.float64
    np.testing.assert_array_equal(params[1].data, expected)


def test_float32_parameters_and_state_stay_float32(rng):
    params = make_params(rng, np.float32)
    opt = optim.NAdam(params)
    set_grads(params, rng)
    opt.step()
    assert params[0].data.dtype == np.float32
    assert opt.state[params[0]]["exp_avg_sq"].dtype == np.float32
    assert type(opt.state[params[0]]["mu_product"]) is float


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    lambda p: optim.Adadelta(p),
    lambda p: optim.RMSprop(p, momentum=0.5, centered=True),
    lambda p: optim.Adam(p, amsgrad=True),
    lambda p: optim.AdamW(p),
    lambda p: optim.Adamax(p),
    lambda p: optim.NAdam(p),
])
def test_state_dict_round_trip_continues_identically(make):
    params = make_params(np.random.default_rng(0))
    original = make(params)
    grads_rng = np.random.default_rng(1)
    for step in range(3):
        set_grads(params, grads_rng)
        params[1].grad = None if step == 1 else params[1].grad
        original.step()
    saved = original.state_dict()
    copies = [Tensor(param.data.copy(), requires_grad=True) for param in params]
    restored = make(copies)
    restored.load_state_dict(saved)
    for _ in range(4):
        set_grads(params, grads_rng)
        for copy, param in zip(copies, params):
            copy.grad = param.grad.copy()
        original.step()
        restored.step()
    for copy, param in zip(copies, params):
        np.testing.assert_array_equal(copy.data, param.data)


def test_state_dict_refers_to_parameters_by_index(rng):
    params = make_params(rng)
    opt = optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], momentum=0.9)
    set_grads(params, rng)
    opt.step()
    saved = opt.state_dict()
    assert [group["params"] for group in saved["param_groups"]] == [[0], [1, 2]]
    assert saved["param_groups"][1]["lr"] == 0.5
    assert set(saved["state"]) == {0, 1, 2}
    assert set(saved["state"][2]) == {"momentum_buffer"}


@pytest.mark.parametrize("corrupt, message", [
    (lambda d: d["param_groups"].append(dict(d["param_groups"][0])), "parameter groups"),
    (lambda d: d["param_groups"][0]["params"].pop(), "has 3 parameters"),
    (lambda d: d["state"][0].update(exp_avg=np.zeros(5)), "shape"),
    (lambda d: d["state"].update({7: {}}), "parameter 7"),
])
def test_load_state_dict_rejects_a_mismatch(rng, corrupt, message):
    params = make_params(rng)
    opt = optim.Adam(params)
    set_grads(params, rng)
    opt.step()
    saved = opt.state_dict()
    corrupt(saved)
    with pytest.raises(ValueError, match=message):
        optim.Adam(params).load_state_dict(saved)


def test_explain_shows_exactly_the_update_step_makes_next(rng):
    params = make_params(rng, np.float32)
    opt = optim.Adam(params, lr=0.1, amsgrad=True)
    for _ in range(2):
        set_grads(params, rng)
        opt.step()
    set_grads(params, rng)
    before = params[0].data[1, 2]
    explanation = opt.explain(params[0], (1, 2))
    assert params[0].data[1, 2] == before and opt.state[params[0]]["step"] == 2.0
    opt.step()
    assert explanation["param"] == params[0].data[1, 2]
    assert explanation["exp_avg_sq"] == opt.state[params[0]]["exp_avg_sq"][1, 2]
    assert explanation["step"] == 3.0
    assert [name for name, _ in explanation.inputs][:2] == ["param", "grad"]
    assert explanation.inputs[0][1] == before
    assert "denom = sqrt(v) / sqrt(bc2) + eps" in str(explanation)


def test_explain_before_the_first_step_starts_from_fresh_state(rng):
    params = make_params(rng)
    opt = optim.SGD(params, lr=0.5, momentum=0.9)
    set_grads(params, rng)
    explanation = opt.explain(params[1], 3)
    assert opt.state == {}
    assert explanation["momentum_buffer"] == params[1].grad[3]
    opt.step()
    assert explanation["param"] == params[1].data[3]


def test_explain_without_a_gradient_says_to_run_backward(rng):
    params = make_params(rng)
    opt = optim.SGD(params)
    with pytest.raises(RuntimeError, match="backward"):
        opt.explain(params[0], 0)
    with pytest.raises(ValueError, match="not a parameter"):
        opt.explain(Tensor(np.zeros(2), requires_grad=True), 0)


def test_repr_lists_each_group(rng):
    opt = optim.SGD(make_params(rng), lr=0.25)
    assert "Parameter Group 0" in repr(opt) and "lr: 0.25" in repr(opt)


@pytest.mark.parametrize("lr", ["0.1", None, True])
def test_non_numeric_learning_rate_is_a_type_error_naming_it(lr):
    from tinygrad_opt import optim
    from tinygrad_opt.tensor import Tensor
    with pytest.raises(TypeError, match="lr"):
        optim.Adam([Tensor(np.zeros(2), requires_grad=True)], lr=lr)


def test_base_optimizer_keeps_groups_but_cannot_step():
    from tinygrad_opt import optim
    from tinygrad_opt.tensor import Tensor
    param = Tensor(np.zeros(2), requires_grad=True)
    base = optim.Optimizer([param], {"lr": 0.1})
    assert base.param_groups[0]["lr"] == 0.1 and base.param_groups[0]["params"] == [param]
    with pytest.raises(NotImplementedError, match="subclass"):
        base.step()
    with pytest.raises(ValueError, match="lr"):
        optim.Optimizer([param], {"lr": -1.0})


MAXIMIZE_CASES = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (optim.Adagrad, {"lr_decay": 0.1, "weight_decay": 0.1}),
    (optim.Adadelta, {"weight_decay": 0.1}),
    (optim.RMSprop, {"momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
    (optim.AdamW, {"amsgrad": True}),
    (optim.Adamax, {"weight_decay": 0.1}),
    (optim.NAdam, {"weight_decay": 0.1}),
]


@pytest.mark.parametrize("cls, options", MAXIMIZE_CASES)
def test_maximize_is_the_same_rule_on_the_negated_gradient(rng, cls, options):
    # PyTorch's maximize replaces g by -g before anything else (weight decay included).
    up, down = make_params(rng), make_params(rng)
    for a, b in zip(up, down):
        b.data[...] = a.data
    ascend, descend = cls(up, maximize=True, **options), cls(down, **options)
    for _ in range(5):
        set_grads(up, rng)
        for a, b in zip(up, down):
            b.grad = -a.grad
        ascend.step()
        descend.step()
    for a, b in zip(up, down):
        np.testing.assert_array_equal(a.data, b.data)


def test_maximize_sgd_steps_up_the_gradient_hand_value():
    # p = 1 + lr * g = 1 + 0.1 * 2; a transposed (non-contiguous) parameter too.
    param = Tensor(np.ones((2, 3)).T, requires_grad=True)
    param.grad = np.full((3, 2), 2.0)
    optim.SGD([param], lr=0.1, maximize=True).step()
    np.testing.assert_allclose(param.data, 1.2, rtol=1e-15)


def test_state_dict_saved_before_maximize_existed_loads_as_minimizing(rng):
    params = make_params(rng)
    opt = optim.Adam(params, maximize=True)
    saved = optim.Adam(params).state_dict()
    del saved["param_groups"][0]["maximize"]
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["maximize"] is False


def test_zero_grad_set_to_none_false_zeroes_existing_grads_as_pytorch(rng):
    first, second, third = make_params(rng)
    first.grad = np.ones(first.shape)
    optim.SGD([first, second], lr=0.1).zero_grad(set_to_none=False)
    np.testing.assert_array_equal(first.grad, np.zeros(first.shape))
    assert second.grad is None
