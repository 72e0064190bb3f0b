"""Schedulers: stepped values against the closed forms and PyTorch's recorded values, state,
plateau logic, sequencing and momentum cycling."""
import json
import math
import pathlib

import numpy as np
import pytest

from tinygrad_opt import optim
from tinygrad_opt.nn import Parameter
from tinygrad_opt.optim import lr_scheduler, schedules

GOLDEN = pathlib.Path(__file__).parent / "golden" / "schedule_golden.npz"
GROUP_LRS = (0.1, 0.05)
# Same names and functions as benchmarks/make_schedule_golden.py.
LAMBDAS = {
    "power": lambda step: 0.97**step,
    "warmup": lambda step: min(1.0, (step + 1) / 10),
}


class FakeOptimizer:
    """Just what a scheduler reads: ``param_groups`` and ``defaults``."""

    def __init__(self, lrs=GROUP_LRS, **defaults):
        self.defaults = {"lr": lrs[0], **defaults}
        self.param_groups = [{**self.defaults, "params": [], "lr": lr} for lr in lrs]

    def lrs(self):
        return [group["lr"] for group in self.param_groups]


def _fake(kind):
    if kind == "adam":
        return FakeOptimizer(betas=(0.9, 0.999))
    return FakeOptimizer(momentum=0.9 if kind == "sgd_momentum" else 0)


def _run(optimizer, scheduler, steps, metrics=None):
    lrs, momenta = [optimizer.lrs()], [_momenta(optimizer)]
    for step in range(steps):
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[step])
        lrs.append(optimizer.lrs())
        momenta.append(_momenta(optimizer))
    return np.array(lrs), np.array(momenta)


def _momenta(optimizer):
    return [group["betas"][0] if "betas" in group else group.get("momentum", math.nan)
            for group in optimizer.param_groups]


def _build(optimizer, spec):
    kwargs = dict(spec.get("kwargs", {}))
    if spec["name"] == "SequentialLR":
        inner = [_build(optimizer, inner_spec) for inner_spec in spec["schedulers"]]
        return lr_scheduler.SequentialLR(optimizer, inner, spec["milestones"])
    if spec["name"] == "ChainedScheduler":
        return lr_scheduler.ChainedScheduler([_build(optimizer, inner_spec)
                                              for inner_spec in spec["schedulers"]])
    if spec["name"] in ("LambdaLR", "MultiplicativeLR"):
        names = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = ([LAMBDAS[name] for name in names] if isinstance(names, list)
                               else LAMBDAS[names])
    return getattr(lr_scheduler, spec["name"])(optimizer, **kwargs)


with np.load(GOLDEN) as _golden_file:
    GOLDEN_CASES = json.loads(str(_golden_file["cases"]))
    GOLDEN_VALUES = {key: _golden_file[key] for key in _golden_file.files if key != "cases"}


def _case_id(spec):
    return spec["name"] + json.dumps(spec.get("kwargs", spec.get("milestones")))


@pytest.mark.parametrize("index", range(len(GOLDEN_CASES)),
                         ids=[_case_id(spec) for spec in GOLDEN_CASES])
def test_matches_torch_golden_values(index):
    spec = GOLDEN_CASES[index]
    optimizer = _fake(spec["optimizer"])
    scheduler = _build(optimizer, spec)
    lrs, momenta = _run(optimizer, scheduler, spec["steps"], spec.get("metrics"))
    np.testing.assert_allclose(lrs, GOLDEN_VALUES[f"{index}/lr"], rtol=1e-12, atol=0)
    if f"{index}/momentum" in GOLDEN_VALUES:
        np.testing.assert_allclose(momenta, GOLDEN_VALUES[f"{index}/momentum"], rtol=1e-12,
                                   atol=0)


def test_golden_table_covers_every_scheduler_but_inverse_time():
    names = {spec["name"] for spec in GOLDEN_CASES}
    names |= {inner["name"] for spec in GOLDEN_CASES for inner in spec.get("schedulers", [])}
    assert set(lr_scheduler.__all__) - names == {"LRScheduler", "InverseTimeLR"}


# (scheduler factory, closed form of (step, base_lr), relative tolerance). The chainable
# classes step recursively as PyTorch does; the tolerance is the rounding drift after 1,000
# steps (cosine's recursion divides small numbers near each trough).
CLOSED_FORM_CASES = {
    "lambda": (lambda opt: lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + t) ** 0.5),
               lambda t, lr: lr * (1 / (1 + t) ** 0.5), 0),
    "step": (lambda opt: lr_scheduler.StepLR(opt, 30, 0.7),
             lambda t, lr: schedules.step_decay(t, lr, 30, 0.7), 1e-13),
    "multistep": (lambda opt: lr_scheduler.MultiStepLR(opt, [100, 250, 250, 800], 0.5),
                  lambda t, lr: schedules.multistep(t, lr, [100, 250, 250, 800], 0.5), 1e-13),
    "exponential": (lambda opt: lr_scheduler.ExponentialLR(opt, 0.995),
                    lambda t, lr: schedules.exponential(t, lr, 0.995), 1e-12),
    "linear": (lambda opt: lr_scheduler.LinearLR(opt, 0.2, 0.9, 400),
               lambda t, lr: schedules.linear(t, lr, 0.2, 0.9, 400), 1e-12),
    "polynomial": (lambda opt: lr_scheduler.PolynomialLR(opt, 700, 1.5),
                   lambda t, lr: schedules.polynomial(t, lr, 700, 1.5), 1e-11),
    "cosine": (lambda opt: lr_scheduler.CosineAnnealingLR(opt, 90, 0.001),
               lambda t, lr: schedules.cosine_annealing(t, lr, 90, 0.001), 1e-11),
    "warm_restarts": (lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, 7, 2, 1e-4),
                      lambda t, lr: schedules.cosine_warm_restarts(t, lr, 7, 2, 1e-4), 0),
    "inverse_time": (lambda opt: lr_scheduler.InverseTimeLR(opt, 0.01),
                     lambda t, lr: schedules.inverse_time(t, lr, 0.01), 0),
    "cyclic": (lambda opt: lr_scheduler.CyclicLR(opt, 0.01, 0.1, 37, 50, "triangular2"),
               lambda t, lr: schedules.cyclic(t, 0.01, 0.1, 37, 50, "triangular2"), 0),
    "one_cycle": (lambda opt: lr_scheduler.OneCycleLR(opt, 0.3, 1000),
                  lambda t, lr: schedules.one_cycle(t, 0.3, 1000), 0),
}


@pytest.mark.parametrize("name", CLOSED_FORM_CASES)
def test_stepped_class_agrees_with_closed_form_over_1000_steps(name):
    factory, closed_form, rtol = CLOSED_FORM_CASES[name]
    optimizer = FakeOptimizer(momentum=0.9)
    lrs, _ = _run(optimizer, factory(optimizer), 999)
    expected = [[closed_form(step, base) for base in GROUP_LRS] for step in range(1000)]
    np.testing.assert_allclose(lrs, expected, rtol=rtol, atol=1e-300)


class DecayingScale:
    """A callable object with state, saved by state_dict (a plain function is not)."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, step):
        return self.rate**step


STATE_CASES = {
    "lambda_object": lambda opt: lr_scheduler.LambdaLR(opt, DecayingScale(0.9)),
    "cosine": lambda opt: lr_scheduler.CosineAnnealingLR(opt, 20, 0.001),
    "warm_restarts": lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, 4, 2),
    "cyclic": lambda opt: lr_scheduler.CyclicLR(opt, 0.01, 0.1, 6, mode="exp_range",
                                                gamma=0.97),
    "one_cycle": lambda opt: lr_scheduler.OneCycleLR(opt, 0.2, 100, three_phase=True),
    "sequential": lambda opt: lr_scheduler.SequentialLR(
        opt, [lr_scheduler.LinearLR(opt, 0.1, total_iters=10),
              lr_scheduler.PolynomialLR(opt, 50, 2.0)], [10]),
}


@pytest.mark.parametrize("name", STATE_CASES)
def test_state_dict_round_trip_continues_in_lockstep(name):
    original_optimizer = FakeOptimizer(momentum=0.9)
    original = STATE_CASES[name](original_optimizer)
    _run(original_optimizer, original, 23)
    state = original.state_dict()
    groups = [dict(group) for group in original_optimizer.param_groups]
    _run(original_optimizer, original, 7)  # a saved state must not follow the original

    resumed_optimizer = FakeOptimizer(momentum=0.9)
    resumed = STATE_CASES[name](resumed_optimizer)
    resumed.load_state_dict(state)
    resumed_optimizer.param_groups = groups
    resumed_lrs, resumed_momenta = _run(resumed_optimizer, resumed, 7 + 40)
    original_lrs, original_momenta = _run(original_optimizer, original, 40)
    np.testing.assert_array_equal(resumed_lrs[-41:], original_lrs)
    np.testing.assert_array_equal(resumed_momenta[-41:], original_momenta)
    assert resumed.last_epoch == original.last_epoch


def test_lambda_state_saves_callable_objects_but_not_functions():
    optimizer = FakeOptimizer()
    scheduler = lr_scheduler.LambdaLR(optimizer, [DecayingScale(0.9), lambda step: 1.0])
    assert scheduler.state_dict()["lr_lambdas"] == [{"rate": 0.9}, None]
    other = lr_scheduler.LambdaLR(FakeOptimizer(), [DecayingScale(0.5), lambda step: 1.0])
    other.load_state_dict(scheduler.state_dict())
    assert other.lr_lambdas[0].rate == 0.9


def test_construction_sets_initial_lr_and_base_lrs():
    optimizer = FakeOptimizer()
    scheduler = lr_scheduler.StepLR(optimizer, 5)
    assert [group["initial_lr"] for group in optimizer.param_groups] == list(GROUP_LRS)
    assert scheduler.base_lrs == list(GROUP_LRS)
    assert scheduler.last_epoch == 0
    assert scheduler.get_last_lr() == list(GROUP_LRS)


def test_get_last_lr_is_a_copy():
    optimizer = FakeOptimizer()
    scheduler = lr_scheduler.ExponentialLR(optimizer, 0.5)
    scheduler.get_last_lr()[0] = 123.0
    assert scheduler.get_last_lr() == list(GROUP_LRS)


def test_resuming_without_initial_lr_raises_key_error():
    with pytest.raises(KeyError, match="param_groups\\[0\\] has no 'initial_lr'"):
        lr_scheduler.StepLR(FakeOptimizer(), 5, last_epoch=3)


def test_chainable_schedulers_compose_on_one_optimizer():
    optimizer = FakeOptimizer()
    step = lr_scheduler.StepLR(optimizer, 3, 0.5)
    exponential = lr_scheduler.ExponentialLR(optimizer, 0.9)
    for _ in range(10):
        step.step()
        exponential.step()
    expected = [lr * 0.5**3 * 0.9**10 for lr in GROUP_LRS]
    np.testing.assert_allclose(optimizer.lrs(), expected, rtol=1e-14)


@pytest.mark.parametrize("make, fragment", [
    (lambda opt: lr_scheduler.StepLR(opt, 0), "step_size must be a positive integer, got 0"),
    (lambda opt: lr_scheduler.LinearLR(opt, start_factor=2.0), "start_factor must lie in"),
    (lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=-3), "T_max must lie in (0, inf)"),
    (lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0), "T_0 must be a positive"),
    (lambda opt: lr_scheduler.CyclicLR(opt, 0.1, 1.0, mode="saw"), "got 'saw'"),
    (lambda opt: lr_scheduler.CyclicLR(opt, [0.1], 1.0), "base_lr must have one value per"),
    (lambda opt: lr_scheduler.OneCycleLR(opt, 0.1), "needs total_steps, or both epochs"),
    (lambda opt: lr_scheduler.OneCycleLR(opt, 0.1, 0), "total_steps must be a positive"),
    (lambda opt: lr_scheduler.OneCycleLR(opt, 0.1, 10, pct_start=-0.1), "pct_start must lie"),
    (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, factor=1.0),
     "factor must lie in [0, 1), got 1.0"),
    (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, mode="up"), "got 'up'"),
    (lambda opt: lr_scheduler.ReduceLROnPlateau(opt, patience=-1), "patience must be"),
    (lambda opt: lr_scheduler.SequentialLR(opt, [], []), "at least one scheduler"),
])
def test_bad_arguments_raise_before_touching_the_optimizer(make, fragment):
    optimizer = FakeOptimizer(momentum=0.9)
    before = [dict(group) for group in optimizer.param_groups]
    with pytest.raises(ValueError) as error:
        make(optimizer)
    assert fragment in str(error.value)
    assert optimizer.param_groups == before


def test_not_an_optimizer_raises_type_error():
    with pytest.raises(TypeError, match="list is not an optimizer"):
        lr_scheduler.ExponentialLR([0.1], 0.9)


def test_one_cycle_refuses_to_step_past_total_steps():
    optimizer = FakeOptimizer(momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, 0.1, epochs=2, steps_per_epoch=5)
    assert scheduler.total_steps == 10
    _run(optimizer, scheduler, 10)
    with pytest.raises(ValueError, match="step 11 is past total_steps=10"):
        scheduler.step()


def test_warm_restarts_accept_fractional_epochs():
    optimizer = FakeOptimizer()
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, 4, 2, 0.001)
    for epoch in (0.5, 3.75, 4.0, 9.5, 12.25):
        scheduler.step(epoch)
        cur, length = schedules.restart_position(epoch, 4, 2)
        assert optimizer.lrs() == [schedules.sgdr_value(cur, length, lr, 0.001)
                                   for lr in GROUP_LRS]
        assert scheduler.last_epoch == math.floor(epoch)
    with pytest.raises(ValueError, match="step must lie in \\[0, inf\\), got -1"):
        scheduler.step(-1)


def _plateau_lrs(metrics, **kwargs):
    optimizer = FakeOptimizer(lrs=(1.0,))
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, **kwargs)
    lrs, _ = _run(optimizer, scheduler, len(metrics), metrics)
    return lrs[1:, 0].tolist()


def test_plateau_cuts_after_patience_bad_epochs():
    # Epoch 0 sets best; epochs 1-3 are bad; the third bad epoch exceeds patience=2.
    lrs = _plateau_lrs([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], patience=2, factor=0.5)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_plateau_improvement_resets_the_count():
    lrs = _plateau_lrs([1.0, 1.0, 0.5, 0.5, 0.5, 0.5], patience=2, factor=0.5)
    assert lrs == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5]


def test_plateau_cooldown_ignores_bad_epochs_after_a_cut():
    lrs = _plateau_lrs([1.0] * 9, patience=1, factor=0.5, cooldown=2)
    # Cut at epoch 2; epochs 3-4 cool down; bad epochs 5 and 6 then cut again.
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


@pytest.mark.parametrize("mode, threshold_mode, improvement, not_improvement", [
    ("min", "rel", 0.989, 0.991),  # needs metric < best * (1 - 0.01)
    ("min", "abs", 0.989, 0.991),  # needs metric < best - 0.01
    ("max", "rel", 1.011, 1.009),  # needs metric > best * (1 + 0.01)
    ("max", "abs", 1.011, 1.009),  # needs metric > best + 0.01
])
def test_plateau_threshold_modes(mode, threshold_mode, improvement, not_improvement):
    kwargs = {"mode": mode, "threshold_mode": threshold_mode, "threshold": 0.01, "patience": 0,
              "factor": 0.5}
    assert _plateau_lrs([1.0, improvement], **kwargs) == [1.0, 1.0]
    assert _plateau_lrs([1.0, not_improvement], **kwargs) == [1.0, 0.5]


def test_plateau_respects_min_lr_per_group_and_eps():
    optimizer = FakeOptimizer(lrs=(1.0, 1.0))
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.1,
                                               min_lr=[0.05, 0.0])
    lrs, _ = _run(optimizer, scheduler, 4, [1.0] * 4)
    np.testing.assert_allclose(lrs[-1], [0.05, 0.001], rtol=1e-15)
    small = _plateau_lrs([1.0] * 3, patience=0, factor=0.99, eps=0.05)
    assert small == [1.0, 1.0, 1.0]  # a cut of 0.01 is below eps


def test_sequential_warm_up_then_decay():
    optimizer = FakeOptimizer(lrs=(1.0,))
    warm_up = lr_scheduler.LinearLR(optimizer, start_factor=0.2, total_iters=4)
    decay = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    scheduler = lr_scheduler.SequentialLR(optimizer, [warm_up, decay], milestones=[4])
    lrs, _ = _run(optimizer, scheduler, 7)
    np.testing.assert_allclose(lrs[:, 0], [0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.25, 0.125],
                               rtol=1e-15)
    assert scheduler.get_last_lr() == [lrs[-1, 0]]


def test_sequential_closed_form_restarts_each_scheduler_at_its_milestone():
    optimizer = FakeOptimizer()
    scheduler = lr_scheduler.SequentialLR(
        optimizer, [lr_scheduler.ExponentialLR(optimizer, 0.9),
                    lr_scheduler.CosineAnnealingLR(optimizer, 30)], milestones=[12])
    lrs, _ = _run(optimizer, scheduler, 80)
    expected = [scheduler._closed_form_lrs(step) for step in range(81)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)
    assert expected[12] == list(GROUP_LRS)


def test_sequential_rejects_plateau_foreign_optimizer_and_bad_milestones():
    optimizer, other = FakeOptimizer(), FakeOptimizer()
    plateau = lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="cannot run ReduceLROnPlateau"):
        lr_scheduler.SequentialLR(optimizer, [plateau], [])
    foreign = lr_scheduler.StepLR(other, 3)
    with pytest.raises(ValueError, match="drives another optimizer"):
        lr_scheduler.SequentialLR(optimizer, [foreign], [])
    first, second = lr_scheduler.StepLR(optimizer, 3), lr_scheduler.StepLR(optimizer, 4)
    with pytest.raises(ValueError, match="one milestone fewer than schedulers"):
        lr_scheduler.SequentialLR(optimizer, [first, second], [3, 5])
    third = lr_scheduler.StepLR(optimizer, 5)
    with pytest.raises(ValueError, match="strictly increasing, got \\[5, 5\\]"):
        lr_scheduler.SequentialLR(optimizer, [first, second, third], [5, 5])


def test_cyclic_momentum_moves_against_the_rate():
    optimizer = FakeOptimizer(momentum=0.5)
    scheduler = lr_scheduler.CyclicLR(optimizer, 0.01, 0.1, step_size_up=4)
    lrs, momenta = _run(optimizer, scheduler, 8)
    np.testing.assert_allclose(lrs[:, 0], [0.01, 0.0325, 0.055, 0.0775, 0.1, 0.0775, 0.055,
                                           0.0325, 0.01], rtol=1e-14)
    np.testing.assert_allclose(momenta[:, 0], [0.9, 0.875, 0.85, 0.825, 0.8, 0.825, 0.85,
                                               0.875, 0.9], rtol=1e-14)
    assert optimizer.param_groups[0]["max_momentum"] == 0.9
    assert optimizer.param_groups[0]["base_momentum"] == 0.8


def test_one_cycle_cycles_adam_beta1_and_keeps_beta2():
    optimizer = FakeOptimizer(betas=(0.9, 0.999))
    scheduler = lr_scheduler.OneCycleLR(optimizer, 1.0, total_steps=10, pct_start=0.5,
                                        anneal_strategy="linear")
    _, momenta = _run(optimizer, scheduler, 9)
    # Phase ends at steps 4 and 9: down 0.95 -> 0.85 over 4 steps, back up over 5.
    np.testing.assert_allclose(momenta[[0, 2, 4, 7, 9], 0], [0.95, 0.90, 0.85, 0.91, 0.95],
                               rtol=1e-14)
    assert all(group["betas"][1] == 0.999 for group in optimizer.param_groups)
    assert optimizer.param_groups[0]["initial_lr"] == 1.0 / 25.0


@pytest.mark.parametrize("scheduler_class, args", [
    (lr_scheduler.CyclicLR, (0.01, 0.1)),
    (lr_scheduler.OneCycleLR, (0.1, 100)),
])
def test_cycling_momentum_needs_momentum_or_betas(scheduler_class, args):
    optimizer = FakeOptimizer(initial_accumulator_value=0.0)  # Adagrad-like
    with pytest.raises(ValueError, match="needs an optimizer with 'momentum'.*or 'betas'"):
        scheduler_class(optimizer, *args)
    scheduler_class(optimizer, *args, cycle_momentum=False)
    assert "momentum" not in optimizer.param_groups[0]


def _real_parameter():
    return Parameter(np.array([1.0, -2.0]))


@pytest.mark.parametrize("optimizer_class, key", [("SGD", "momentum"), ("RMSprop", "momentum"),
                                                  ("Adam", "betas"), ("NAdam", "betas")])
def test_one_cycle_drives_real_optimizers_momentum(optimizer_class, key):
    parameter = _real_parameter()
    optimizer = getattr(optim, optimizer_class)([parameter], lr=0.1)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.5, total_steps=20)
    seen = []
    for step in range(1, 21):
        parameter.grad = np.ones(2)
        optimizer.step()
        scheduler.step()
        value = optimizer.param_groups[0][key]
        seen.append(value[0] if key == "betas" else value)
        assert optimizer.param_groups[0]["lr"] == schedules.one_cycle(step, 0.5, 20)
    assert seen == [schedules.one_cycle_momentum(step, 20) for step in range(1, 21)]


def test_cycling_momentum_on_real_adagrad_raises():
    optimizer = optim.Adagrad([_real_parameter()], lr=0.1)
    with pytest.raises(ValueError, match="Adagrad has \\["):
        lr_scheduler.CyclicLR(optimizer, 0.01, 0.1)


def test_step_interval_says_batch_for_cyclic_schedules_and_sequences_containing_them():
    from tinygrad_opt import optim
    from tinygrad_opt.optim import lr_scheduler as sched
    from tinygrad_opt.tensor import Tensor

    def fresh():
        return optim.SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.1, momentum=0.9)

    assert sched.StepLR(fresh(), 3).step_interval == "epoch"
    assert sched.CyclicLR(fresh(), 0.01, 0.1).step_interval == "batch"
    assert sched.OneCycleLR(fresh(), 0.1, total_steps=10).step_interval == "batch"
    opt = fresh()
    warm = sched.LinearLR(opt, start_factor=0.1, total_iters=2)
    one_cycle = sched.OneCycleLR(opt, 0.1, total_steps=10)
    assert sched.SequentialLR(opt, [warm, one_cycle], milestones=[2]).step_interval == "batch"
    opt = fresh()
    decay = [sched.LinearLR(opt, total_iters=2), sched.ExponentialLR(opt, 0.9)]
    assert sched.SequentialLR(opt, decay, milestones=[2]).step_interval == "epoch"


def test_only_reduce_lr_on_plateau_needs_a_metric():
    from tinygrad_opt import optim
    from tinygrad_opt.optim import lr_scheduler as sched
    from tinygrad_opt.tensor import Tensor
    opt = optim.SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.1)
    assert sched.ReduceLROnPlateau(opt).needs_metric is True
    assert sched.StepLR(opt, 3).needs_metric is False
    assert sched.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False).needs_metric is False


def test_scheduler_load_state_dict_validates_before_changing_anything():
    from tinygrad_opt.optim import SGD
    from tinygrad_opt.optim.lr_scheduler import ExponentialLR, StepLR
    from tinygrad_opt.tensor import Tensor
    opt = SGD([Tensor(np.ones(2), requires_grad=True)], lr=0.1)
    scheduler = StepLR(opt, step_size=3)
    before = scheduler.state_dict()
    bad = {**before, "last_epoch": "5", "gamma": 0.5}
    with pytest.raises(TypeError, match="last_epoch.*'5'"):
        scheduler.load_state_dict(bad)
    assert scheduler.state_dict() == before
    other = ExponentialLR(SGD([Tensor(np.ones(2), requires_grad=True)], lr=0.1), gamma=0.9)
    with pytest.raises(ValueError, match="step_size"):
        scheduler.load_state_dict(other.state_dict())
    assert scheduler.state_dict() == before


@pytest.mark.parametrize("make", [
    lambda opt: lr_scheduler.StepLR(opt, step_size=1),
    lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2),
])
def test_scheduler_stepped_before_the_optimizer_warns_like_pytorch(make):
    import copy
    import warnings
    from tinygrad_opt.optim import SGD
    param = Parameter(np.ones(2))
    opt = SGD([param], lr=0.1)
    scheduler = make(opt)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`") as caught:
        scheduler.step()
    assert caught[0].filename == __file__
    opt2 = SGD([Parameter(np.ones(2))], lr=0.1)
    scheduler2 = lr_scheduler.StepLR(opt2, step_size=1)
    param2 = opt2.param_groups[0]["params"][0]
    param2.grad = np.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        scheduler2.step()
    twin = copy.deepcopy(opt2)
    twin.param_groups[0]["params"][0].grad = np.ones(2)
    twin.step()
    np.testing.assert_allclose(param2.data, [0.9, 0.9])
