"""Time one optimizer step: our Numba kernels vs the NumPy reference vs torch.optim.

Usage: python benchmarks/bench_optim.py [--threads 1] [--quick]

For 1e5, 1e6 and 1e7 float32 parameters in one tensor, and for the six tensors of a
64-64-64-10 MLP (~9k parameters), each optimizer is timed round-robin against: the NumPy
reference (``optim/reference.py``, called per tensor), our optimizer with its flat buffer
disabled (one kernel call per tensor), and torch.optim with ``foreach=True`` and
``fused=True`` where PyTorch offers it (skipped cleanly when torch is not installed).
Our kernels are serial, so torch runs with the same number of threads (default 1).
Ratios are ``our time / contender time``: below 1 means we are faster.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import write_report  # noqa: E402
from _timing import format_table, interleaved_medians  # noqa: E402

from tinygrad_opt import optim  # noqa: E402
from tinygrad_opt.optim import reference  # noqa: E402
from tinygrad_opt.tensor import Tensor  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

MLP_SHAPES = [(64, 64), (64,), (64, 64), (64,), (64, 10), (10,)]
# name: (our class, options, reference rule, state arrays, arrays read + written per element)
OPTIMIZERS = {
    "SGD(momentum)": ("SGD", dict(lr=1e-3, momentum=0.9), "sgd_update", 1, 5),
    "Adagrad": ("Adagrad", dict(lr=1e-2), "adagrad_update", 1, 5),
    "Adadelta": ("Adadelta", dict(), "adadelta_update", 2, 7),
    "RMSprop": ("RMSprop", dict(lr=1e-2), "rmsprop_update", 1, 5),
    "Adam": ("Adam", dict(lr=1e-3), "adam_update", 2, 7),
    "AdamW": ("AdamW", dict(lr=1e-3), "adam_update", 2, 7),
    "Adamax": ("Adamax", dict(lr=2e-3), "adamax_update", 2, 7),
    "NAdam": ("NAdam", dict(lr=2e-3), "nadam_update", 2, 7),
}
FUSED = {"SGD", "Adagrad", "Adam", "AdamW"}


def make_ours(class_name, options, arrays, grads):
    params = [Tensor(array.copy(), requires_grad=True) for array in arrays]
    optimizer = getattr(optim, class_name)(params, **options)
    for param, grad in zip(params, grads):
        param.grad = grad.copy()
    return optimizer.step


def make_reference(rule_name, class_name, options, arrays, grads):
    """Reference rule per tensor, with the arguments our optimizer would pass."""
    params = [array.copy().reshape(-1) for array in arrays]
    flat_grads = [grad.reshape(-1) for grad in grads]
    probe = getattr(optim, class_name)([Tensor(np.zeros(1, np.float32), requires_grad=True)],
                                       **options)
    group = probe.param_groups[0]
    scalars, fills = probe._initial_state(group)
    states = [{name: np.full_like(param, fill) for name, fill in fills.items()}
              for param in params]
    rule = getattr(reference, rule_name)

    def step():
        for param, grad, state in zip(params, flat_grads, states):
            arrays = optim.optimizer._StateArrays(state, param.dtype)
            rule(*probe._arguments(group, param, grad, arrays, probe._advance(scalars),
                                   frozenset()))
    return step


def make_torch(class_name, options, arrays, grads, mode):
    params = [torch.tensor(array, requires_grad=True) for array in arrays]
    for param, grad in zip(params, grads):
        param.grad = torch.tensor(grad)
    optimizer = getattr(torch.optim, class_name)(params, **options, **{mode: True})
    return optimizer.step


def bench_case(label, shapes, name, repeats, use_torch):
    class_name, options, rule_name, _, traffic = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    contenders = {"ours": make_ours(class_name, options, arrays, grads),
                  "numpy": make_reference(rule_name, class_name, options, arrays, grads)}
    if use_torch:
        contenders["foreach"] = make_torch(class_name, options, arrays, grads, "foreach")
        if class_name in FUSED:
            contenders["fused"] = make_torch(class_name, options, arrays, grads, "fused")
    times = interleaved_medians(contenders, repeats)
    ours = times["ours"]
    size = sum(int(np.prod(shape)) for shape in shapes)
    row = [label, name, f"{ours * 1e6:.1f}", f"{traffic * 4 * size / ours / 1e9:.1f}"]
    for other in ("numpy", "foreach", "fused"):
        row.append(f"{ours / times[other]:.2f}" if other in times else "-")
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (ours: 1)")
    parser.add_argument("--quick", action="store_true", help="skip 1e7, fewer repeats")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                      "optim.md"))
    args = parser.parse_args()
    use_torch = torch is not None
    if use_torch:
        torch.set_num_threads(args.threads)
        print(f"torch {torch.__version__}, torch.set_num_threads({args.threads}); "
              f"our kernels are serial (1 thread)")
    else:
        print("torch not installed: torch columns skipped")
    cases = [("MLP 64-64-64-10", MLP_SHAPES, 200), ("1e5", [(10 ** 5,)], 100),
             ("1e6", [(10 ** 6,)], 30)]
    if not args.quick:
        cases.append(("1e7", [(10 ** 7,)], 7))
    rows = [bench_case(label, shapes, name, repeats // (3 if args.quick else 1) or 1, use_torch)
            for label, shapes, repeats in cases for name in OPTIMIZERS]
    table = format_table(["params", "optimizer", "ours us", "ours GB/s",
                          "ours/numpy", "ours/foreach", "ours/fused"], rows)
    print(table)
    write_report(args.out, "Optimizer step: fused Numba kernels vs NumPy reference vs torch.optim",
                 table + "\nTargets: Adam at 1e6 ours/fused <= 0.7 and ours/numpy <= 0.2; "
                 "MLP Adam ours/fused <= 0.3.", torch)


if __name__ == "__main__":
    main()
