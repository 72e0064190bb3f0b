"""Record PyTorch's learning rates (and cycled momenta) for every scheduler and option.

Hand-run (needs torch; never imported by the package or tests):

    python benchmarks/make_schedule_golden.py

writes ``tests/optim/golden/schedule_golden.npz``, which ``tests/optim/test_lr_scheduler.py``
compares against. The case table is stored in the file as JSON (key ``cases``), so the test
rebuilds exactly the recorded schedulers. Per case ``<i>``: ``<i>/lr`` holds
``group["lr"]`` of both param groups after construction and after each of the ``steps``
calls to ``step()``, shape ``(steps + 1, 2)``; ``<i>/momentum`` holds ``group["momentum"]``
or ``group["betas"][0]`` likewise when the case cycles momentum. LambdaLR's functions are
referred to by name; the test defines the same ``LAMBDAS``.
"""
import json
import math
import pathlib
import warnings

import numpy as np
import torch
from torch.optim import lr_scheduler

OUT = (pathlib.Path(__file__).resolve().parents[1]
       / "tests" / "optim" / "golden" / "schedule_golden.npz")
GROUP_LRS = (0.1, 0.05)
LAMBDAS = {
    "power": lambda step: 0.97**step,
    "warmup": lambda step: min(1.0, (step + 1) / 10),
}


def _plateau_metrics(steps, phase):
    """A loss that falls, then plateaus with a small wobble (deterministic)."""
    return [max(0.2, 1.0 - 0.02 * t) + 0.01 * math.sin(1.3 * t + phase) for t in range(steps)]


def _stateless_cases():
    """Schedulers stepped without arguments: (name, kwargs, optimizer kind, steps)."""
    sgd, momentum, adam = "sgd", "sgd_momentum", "adam"
    cases = [
        ("LambdaLR", {"lr_lambda": "power"}, sgd, 300),
        ("LambdaLR", {"lr_lambda": ["power", "warmup"]}, sgd, 300),
        ("StepLR", {"step_size": 7, "gamma": 0.5}, sgd, 300),
        ("StepLR", {"step_size": 3}, sgd, 300),
        ("MultiStepLR", {"milestones": [30, 80, 80, 150], "gamma": 0.5}, sgd, 300),
        ("ExponentialLR", {"gamma": 0.99}, sgd, 1000),
        ("ExponentialLR", {"gamma": 0.95}, sgd, 300),
        ("LinearLR", {}, sgd, 300),
        ("LinearLR", {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 40}, sgd, 300),
        ("LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 100}, sgd, 300),
        ("PolynomialLR", {}, sgd, 300),
        ("PolynomialLR", {"total_iters": 80, "power": 2.0}, sgd, 300),
        ("PolynomialLR", {"total_iters": 50, "power": 0.5}, sgd, 300),
        ("CosineAnnealingLR", {"T_max": 50}, sgd, 1000),
        ("CosineAnnealingLR", {"T_max": 100, "eta_min": 0.001}, sgd, 1000),
        ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}, sgd, 1000),
        ("CosineAnnealingWarmRestarts", {"T_0": 10}, sgd, 1000),
        ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.001}, sgd, 1000),
        ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 3}, sgd, 1000),
        ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10}, momentum, 1000),
        ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 7, "step_size_down": 13,
                      "mode": "triangular2"}, momentum, 1000),
        ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 20, "mode": "exp_range",
                      "gamma": 0.995, "base_momentum": 0.85, "max_momentum": 0.95}, adam, 1000),
        ("CyclicLR", {"base_lr": [0.001, 0.002], "max_lr": [0.01, 0.02], "step_size_up": 5,
                      "cycle_momentum": False}, sgd, 300),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 300}, momentum, 300),
        ("OneCycleLR", {"max_lr": 0.01, "total_steps": 200, "pct_start": 0.25,
                        "anneal_strategy": "linear", "three_phase": True}, adam, 200),
        ("OneCycleLR", {"max_lr": [0.1, 0.2], "epochs": 10, "steps_per_epoch": 30,
                        "div_factor": 10.0, "final_div_factor": 100.0}, momentum, 300),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 101, "pct_start": 0.45,
                        "cycle_momentum": False}, sgd, 101),
        ("OneCycleLR", {"max_lr": 0.1, "total_steps": 150, "three_phase": True}, momentum, 150),
        ("ConstantLR", {}, sgd, 300),
        ("ConstantLR", {"factor": 0.5, "total_iters": 10}, sgd, 300),
        ("MultiplicativeLR", {"lr_lambda": "power"}, sgd, 300),
        ("MultiplicativeLR", {"lr_lambda": ["power", "warmup"]}, sgd, 300),
    ]
    return [{"name": name, "kwargs": kwargs, "optimizer": kind, "steps": steps}
            for name, kwargs, kind, steps in cases]


def _stateful_cases():
    """ReduceLROnPlateau (with its metric stream), SequentialLR and ChainedScheduler (with
    their schedulers)."""
    sgd = "sgd"
    return [
        {"name": "ReduceLROnPlateau", "kwargs": {}, "optimizer": sgd, "steps": 300,
         "metrics": _plateau_metrics(300, 0.0)},
        {"name": "ReduceLROnPlateau", "optimizer": sgd, "steps": 300,
         "kwargs": {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.01,
                    "threshold_mode": "abs", "cooldown": 3, "min_lr": [0.001, 0.0005]},
         "metrics": [-m for m in _plateau_metrics(300, 1.0)]},
        {"name": "ReduceLROnPlateau", "optimizer": sgd, "steps": 300,
         "kwargs": {"factor": 0.7, "patience": 0, "threshold": 0.005, "threshold_mode": "abs",
                    "eps": 0.01},
         "metrics": _plateau_metrics(300, 2.0)},
        {"name": "SequentialLR", "optimizer": sgd, "steps": 300, "milestones": [5],
         "schedulers": [{"name": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 5}},
                        {"name": "ExponentialLR", "kwargs": {"gamma": 0.9}}]},
        {"name": "SequentialLR", "optimizer": sgd, "steps": 300, "milestones": [10],
         "schedulers": [{"name": "LinearLR", "kwargs": {"start_factor": 0.01,
                                                        "total_iters": 10}},
                        {"name": "CosineAnnealingLR", "kwargs": {"T_max": 90}}]},
        {"name": "SequentialLR", "optimizer": sgd, "steps": 300, "milestones": [20, 60],
         "schedulers": [{"name": "ExponentialLR", "kwargs": {"gamma": 0.9}},
                        {"name": "StepLR", "kwargs": {"step_size": 10, "gamma": 0.5}},
                        {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 10}}]},
        {"name": "ChainedScheduler", "optimizer": sgd, "steps": 300,
         "schedulers": [{"name": "ConstantLR", "kwargs": {"factor": 0.1, "total_iters": 4}},
                        {"name": "ExponentialLR", "kwargs": {"gamma": 0.95}},
                        {"name": "StepLR", "kwargs": {"step_size": 30, "gamma": 0.5}}]},
    ]


def _optimizer(kind):
    params = [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64)) for _ in GROUP_LRS]
    groups = [{"params": [param], "lr": lr} for param, lr in zip(params, GROUP_LRS)]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=GROUP_LRS[0])
    return torch.optim.SGD(groups, lr=GROUP_LRS[0], momentum=0.9 if kind == "sgd_momentum" else 0)


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


def _momenta(optimizer):
    return [group["betas"][0] if "betas" in group else group["momentum"]
            for group in optimizer.param_groups]


def _record(spec):
    optimizer = _optimizer(spec["optimizer"])
    scheduler = _build(optimizer, spec)
    lrs = [[group["lr"] for group in optimizer.param_groups]]
    momenta = [_momenta(optimizer)]
    for step in range(spec["steps"]):
        optimizer.step()
        if "metrics" in spec:
            scheduler.step(spec["metrics"][step])
        else:
            scheduler.step()
        lrs.append([group["lr"] for group in optimizer.param_groups])
        momenta.append(_momenta(optimizer))
    return np.array(lrs, dtype=np.float64), np.array(momenta, dtype=np.float64)


def main():
    warnings.filterwarnings("ignore", category=UserWarning)
    cases = _stateless_cases() + _stateful_cases()
    record = {"cases": np.array(json.dumps(cases))}
    for index, spec in enumerate(cases):
        lrs, momenta = _record(spec)
        record[f"{index}/lr"] = lrs
        cycles_momentum = spec["name"] in ("CyclicLR", "OneCycleLR")
        if cycles_momentum and spec["kwargs"].get("cycle_momentum", True):
            record[f"{index}/momentum"] = momenta
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **record)
    print(f"wrote {len(cases)} cases to {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
