"""Write tests/optim/golden/optim_golden.npz: PyTorch (float64) trajectories of every optimizer.

Run by hand when cases change: ``python benchmarks/make_optim_golden.py`` (needs torch).
The tests never import torch; they replay the same gradients and compare with this file.

Each case optimizes two parameters, shapes (3, 2) and (4,), for ``STEPS`` steps with the
gradient g = curvature * p + noise[step] (noise drawn once and saved), so the gradient
depends on the trajectory. Cases named ``*_skip`` leave the second parameter's grad as None
on step ``SKIP_STEP``, so its step count falls behind the first's.
"""
import json
import pathlib

import numpy as np
import torch

STEPS = 8
SKIP_STEP = 3
SHAPES = [(3, 2), (4,)]
OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "optim" / "golden"

CASES = {
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "sgd_dampening_decay": ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5,
                                    "weight_decay": 0.1}),
    "sgd_nesterov": ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True,
                             "weight_decay": 0.01}),
    "sgd_momentum_skip": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_options": ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                                    "initial_accumulator_value": 0.2}),
    "adagrad_skip": ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    "adadelta": ("Adadelta", {}),
    "adadelta_options": ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}),
    "rmsprop": ("RMSprop", {"lr": 0.01}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.5}),
    "rmsprop_all": ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True,
                                "weight_decay": 0.1, "alpha": 0.9}),
    "adam": ("Adam", {"lr": 0.1}),
    "adam_amsgrad_decay": ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
    "adam_skip": ("Adam", {"lr": 0.1, "betas": (0.8, 0.99)}),
    "adamw": ("AdamW", {"lr": 0.1}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.2}),
    "adamax": ("Adamax", {"lr": 0.1}),
    "adamax_decay": ("Adamax", {"lr": 0.1, "weight_decay": 0.1, "betas": (0.5, 0.9)}),
    "nadam": ("NAdam", {"lr": 0.1}),
    "nadam_options": ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "momentum_decay": 0.01}),
    "nadam_skip": ("NAdam", {"lr": 0.1}),
}


def run_case(class_name, kwargs, initial, curvature, noise, skip):
    """The parameters after each step, as float64 arrays: [step][param]."""
    params = [torch.tensor(array, requires_grad=True) for array in initial]
    optimizer = getattr(torch.optim, class_name)(params, foreach=False, **kwargs)
    trajectory = []
    for step in range(STEPS):
        for index, param in enumerate(params):
            if skip and step == SKIP_STEP and index == 1:
                param.grad = None
                continue
            grad = curvature[index] * param.detach().numpy() + noise[step][index]
            param.grad = torch.tensor(grad)
        optimizer.step()
        trajectory.append([param.detach().numpy().copy() for param in params])
    return trajectory


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(2024)
    initial = [rng.standard_normal(shape) for shape in SHAPES]
    curvature = [rng.uniform(0.5, 2.0, shape) for shape in SHAPES]
    noise = [[rng.standard_normal(shape) * 0.3 for shape in SHAPES] for _ in range(STEPS)]
    arrays = {"torch_version": np.array(torch.__version__), "steps": np.array(STEPS),
              "skip_step": np.array(SKIP_STEP)}
    for index in range(len(SHAPES)):
        arrays[f"initial_{index}"] = initial[index]
        arrays[f"curvature_{index}"] = curvature[index]
        arrays[f"noise_{index}"] = np.stack([noise[step][index] for step in range(STEPS)])
    for name, (class_name, kwargs) in CASES.items():
        trajectory = run_case(class_name, kwargs, initial, curvature, noise,
                              skip=name.endswith("_skip"))
        arrays[f"{name}/spec"] = np.array(json.dumps([class_name, kwargs]))
        for index in range(len(SHAPES)):
            arrays[f"{name}/param_{index}"] = np.stack([step[index] for step in trajectory])
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "optim_golden.npz", **arrays)
    print(f"wrote {len(CASES)} cases to {OUT / 'optim_golden.npz'}")


if __name__ == "__main__":
    main()
