"""Full training step (forward, loss, backward, Adam step, zero_grad) of float32 ReLU MLPs:
tinygrad_opt vs a hand-written NumPy MLP (the floor) vs PyTorch eager CPU, interleaved.

Usage: python benchmarks/bench_step.py [--repeats 300] [--out benchmarks/results/step.md]

Contenders alternate in blocks of consecutive steps (see ``_timing.blocked_medians``):
interleaving call by call lets PyTorch's spinning OpenMP threads slow the next contender.

PyTorch uses ``Adam(fused=True)`` (its fastest CPU setting) and as many threads as
NumPy's BLAS (all cores unless OPENBLAS_NUM_THREADS says otherwise). Ratios are
``our time / their time``: below 1 means tinygrad_opt is faster.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import describe_machine, write_report  # noqa: E402
from _mlp_numpy import NumpyMLP  # noqa: E402
from _timing import blocked_medians, format_table  # noqa: E402

import tinygrad_opt as tg  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

CASES = [((64, 64, 10), 32), ((784, 256, 128, 10), 128), ((784, 1024, 1024, 10), 256)]
TARGETS_VS_TORCH = {(64, 64, 10): 0.4, (784, 256, 128, 10): 0.8, (784, 1024, 1024, 10): 1.0}


def make_ours(sizes, X, y):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [tg.nn.Dense(fan_in, fan_out), tg.nn.ReLU()]
    model = tg.nn.Sequential(*layers[:-1])
    loss_fn = tg.nn.CrossEntropyLoss()
    optimizer = tg.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(tg.Tensor(X)), y)
        loss.backward()
        optimizer.step()
    return step


def make_numpy(sizes, X, y):
    mlp = NumpyMLP(sizes, np.random.default_rng(0))
    return lambda: mlp.step(X, y)


def make_torch(sizes, X, y):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(X_t), y_t)
        loss.backward()
        optimizer.step()
    return step


def run(repeats):
    rows, rng = [], np.random.default_rng(0)
    for sizes, batch in CASES:
        X = rng.normal(size=(batch, sizes[0])).astype(np.float32)
        y = rng.integers(0, sizes[-1], batch)
        contenders = {"tinygrad_opt": make_ours(sizes, X, y), "numpy": make_numpy(sizes, X, y)}
        if torch is not None:
            contenders["torch"] = make_torch(sizes, X, y)
        multiply_adds = batch * sum(a * b for a, b in zip(sizes, sizes[1:]))
        block = int(min(50, max(5, 2e8 // multiply_adds)))
        for step in contenders.values():  # warm up: Numba's cached kernels, BLAS buffers
            for _ in range(3):
                step()
        times = blocked_medians(contenders, rounds=max(3, repeats // block), block=block)
        ours = times["tinygrad_opt"]
        vs_torch = f"{ours / times['torch']:.2f}x" if "torch" in times else "n/a"
        target = TARGETS_VS_TORCH[sizes]
        rows.append(["-".join(map(str, sizes)), batch, f"{ours * 1e6:.0f}",
                     f"{times['numpy'] * 1e6:.0f}",
                     f"{times['torch'] * 1e6:.0f}" if "torch" in times else "n/a",
                     f"{ours / times['numpy']:.2f}x (<= 1.25x)", f"{vs_torch} (<= {target}x)"])
    headers = ["MLP", "batch", "ours us", "numpy us", "torch us", "ours/numpy", "ours/torch"]
    return format_table(headers, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                      "step.md"))
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count())))
    table = run(args.repeats)
    print(describe_machine(torch))
    print(table)
    write_report(args.out, "Training step: tinygrad_opt vs NumPy floor vs PyTorch", table, torch)


if __name__ == "__main__":
    main()
