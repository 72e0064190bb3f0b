"""Schedulers: stepped values against the closed forms and PyTorch's recorded values, state,
plateau logic, sequencing and momentum cycling."""
import json
import math
import pathlib

import numpy as np
import pytest

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
    if spec["name"] == "LambdaLR":
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
