"""Time one optimizer step: our Numba kernels vs a bandwidth floor, NumPy and torch.optim.

Usage: python benchmarks/bench_optim.py [--threads 1] [--quick]

For 1e5, 1e6 and 1e7 float32 parameters in one tensor, and for the six tensors of a
64-64-64-10 MLP (~9k parameters), each optimizer is timed round-robin against: the
bandwidth floor (a serial Numba kernel that reads and writes the same arrays as the
optimizer, parameter, gradient and state, with one addition per array instead of the
update's maths; one call per tensor), the NumPy reference (``optim/reference.py``, called
per tensor), and torch.optim with ``foreach=True`` and ``fused=True`` where PyTorch offers it
(skipped cleanly when torch is not installed). Our kernels are serial, so torch runs with
the same number of threads (default 1). Each ratio is the median over rounds of ``our time /
contender time`` within one round: below 1 means we are faster.
"""
import argparse
import os
import sys

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import describe_machine, write_report  # noqa: E402
from _timing import format_table, interleaved_samples, paired_ratio  # noqa: E402

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
    "Adam(amsgrad)": ("Adam", dict(lr=1e-3, amsgrad=True), "adam_update", 3, 9),
    "AdamW": ("AdamW", dict(lr=1e-3), "adam_update", 2, 7),
    "Adamax": ("Adamax", dict(lr=2e-3), "adamax_update", 2, 7),
    "NAdam": ("NAdam", dict(lr=2e-3), "nadam_update", 2, 7),
}
FUSED = {"SGD", "Adagrad", "Adam", "AdamW"}


@numba.njit(cache=True)
def stream_one_state(param, grad, state):
    """The floor of a rule with one state array: 3 arrays read, 2 written, no real maths."""
    for i in range(param.size):
        step = grad[i]
        state[i] = state[i] + step
        param[i] = param[i] - step


@numba.njit(cache=True)
def stream_two_states(param, grad, first, second):
    """The floor of a rule with two state arrays: 4 arrays read, 3 written."""
    for i in range(param.size):
        step = grad[i]
        first[i] = first[i] + step
        second[i] = second[i] + step
        param[i] = param[i] - step


@numba.njit(cache=True)
def stream_three_states(param, grad, first, second, third):
    """The floor of a rule with three state arrays (AMSGrad): 5 arrays read, 4 written."""
    for i in range(param.size):
        step = grad[i]
        first[i] = first[i] + step
        second[i] = second[i] + step
        third[i] = third[i] + step
        param[i] = param[i] - step


FLOORS = {1: stream_one_state, 2: stream_two_states, 3: stream_three_states}


def make_floor(state_count, arrays, grads):
    """One floor-kernel call per tensor over its own parameter, gradient and state copies."""
    tensors = [[array.copy().reshape(-1), grad.copy().reshape(-1)]
               + [np.zeros(array.size, array.dtype) for _ in range(state_count)]
               for array, grad in zip(arrays, grads)]
    kernel = FLOORS[state_count]

    def step():
        for tensor_arrays in tensors:
            kernel(*tensor_arrays)
    return step


def make_ours(class_name, options, arrays, grads):
    """Our optimizer, its gradients set once by a real backward of sum(param * grad)."""
    params = [Tensor(array.copy(), requires_grad=True) for array in arrays]
    optimizer = getattr(optim, class_name)(params, **options)
    loss = sum((param * Tensor(grad)).sum() for param, grad in zip(params, grads))
    loss.backward()
    return optimizer.step


def make_reference(rule_name, class_name, options, arrays, grads):
    """The NumPy reference rule per tensor, given the arguments our optimizer would pass."""
    params = [Tensor(array.copy(), requires_grad=True) for array in arrays]
    optimizer = getattr(optim, class_name)(params, **options)
    group = optimizer.param_groups[0]
    states = [{} for _ in params]
    rule = getattr(reference, rule_name)

    def step():
        hyper_parameters = optimizer._kernel_options(group)
        for param, grad, state in zip(params, grads, states):
            result = rule(*optimizer._arguments(param, param.data.reshape(-1),
                                                grad.reshape(-1), state, hyper_parameters))
            if "mu_product" in result:
                optimizer._finish(state, result["mu_product"])
    return step


def make_torch(class_name, options, arrays, grads, mode):
    params = [torch.tensor(array, requires_grad=True) for array in arrays]
    for param, grad in zip(params, grads):
        param.grad = torch.tensor(grad)
    optimizer = getattr(torch.optim, class_name)(params, **options, **{mode: True})
    return optimizer.step


def bench_case(label, shapes, name, repeats, use_torch):
    class_name, options, rule_name, state_count, traffic = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    contenders = {"ours": make_ours(class_name, options, arrays, grads),
                  "floor": make_floor(state_count, arrays, grads),
                  "numpy": make_reference(rule_name, class_name, options, arrays, grads)}
    if use_torch:
        contenders["foreach"] = make_torch(class_name, options, arrays, grads, "foreach")
        if class_name in FUSED:
            contenders["fused"] = make_torch(class_name, options, arrays, grads, "fused")
    samples = interleaved_samples(contenders, repeats)
    ours = float(np.median(samples["ours"]))
    size = sum(int(np.prod(shape)) for shape in shapes)
    row = [label, name, f"{ours * 1e6:.1f}", f"{traffic * 4 * size / ours / 1e9:.1f}"]
    for other in ("floor", "numpy", "foreach", "fused"):
        row.append(f"{paired_ratio(samples, 'ours', other):.2f}" if other in samples else "-")
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
    table = format_table(["params", "optimizer", "ours us", "ours GB/s", "ours/floor",
                          "ours/numpy", "ours/foreach", "ours/fused"], rows)
    table += ("\nRatios: medians of paired per-round ratios. Targets: Adam at 1e6 "
              "ours/floor <= 1.2 and ours/fused <= 0.8; MLP Adam ours/fused <= 0.3.")
    print(describe_machine(torch if use_torch else None))
    print(table)
    write_report(args.out, "Optimizer step: Numba kernels vs bandwidth floor, NumPy reference "
                 "and torch.optim", table, torch)


if __name__ == "__main__":
    main()
