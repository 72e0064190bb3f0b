"""Full training step (forward, loss, backward, Adam step, zero_grad) of float32 ReLU MLPs:
tinygrad_opt vs a hand-written NumPy MLP (the floor) vs PyTorch eager CPU.

Usage: python benchmarks/bench_step.py [--rounds 3] [--out benchmarks/results/step.md]

Each framework runs in its own worker process (as users run them: PyTorch's OpenMP threads
and NumPy's OpenBLAS threads, sharing a process, slow each other down), and the workers
alternate over ``--rounds`` rounds so that slow drifts of the machine hit all of them; the
table shows the median over rounds of each worker's median step time. PyTorch uses
``Adam(fused=True)`` (its fastest CPU setting) and as many threads as NumPy's BLAS (all
cores unless OPENBLAS_NUM_THREADS says otherwise). Ratios are ``our time / their time``:
below 1 means tinygrad_opt is faster.
"""
import argparse
import json
import os
import subprocess
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


def measure(framework, steps):
    """Worker: median seconds per step of one framework for every case."""
    makers = {"tinygrad_opt": make_ours, "numpy": make_numpy, "torch": make_torch}
    medians, rng = [], np.random.default_rng(0)
    for sizes, batch in CASES:
        X = rng.normal(size=(batch, sizes[0])).astype(np.float32)
        y = rng.integers(0, sizes[-1], batch)
        step = makers[framework](sizes, X, y)
        multiply_adds = batch * sum(a * b for a, b in zip(sizes, sizes[1:]))
        count = int(min(steps, max(20, 5e9 // multiply_adds)))
        medians.append(blocked_medians({framework: step}, rounds=1, block=count,
                                       discard=5)[framework])
    return medians


def run(rounds, steps):
    frameworks = ["tinygrad_opt", "numpy"] + (["torch"] if torch is not None else [])
    samples = {name: [] for name in frameworks}
    for _ in range(rounds):
        for name in frameworks:
            worker = subprocess.run([sys.executable, __file__, "--worker", name,
                                     "--steps", str(steps)],
                                    capture_output=True, text=True, check=True)
            samples[name].append(json.loads(worker.stdout.splitlines()[-1]))
    times = {name: np.median(np.array(runs), axis=0) for name, runs in samples.items()}
    rows = []
    for case, ((sizes, batch), ours) in enumerate(zip(CASES, times["tinygrad_opt"])):
        floor = times["numpy"][case]
        theirs = times["torch"][case] if "torch" in times else None
        target = TARGETS_VS_TORCH[sizes]
        rows.append(["-".join(map(str, sizes)), batch, f"{ours * 1e6:.0f}",
                     f"{floor * 1e6:.0f}", f"{theirs * 1e6:.0f}" if theirs else "n/a",
                     f"{ours / floor:.2f}x (<= 1.25x)",
                     f"{ours / theirs:.2f}x (<= {target}x)" if theirs else "n/a"])
    headers = ["MLP", "batch", "ours us", "numpy us", "torch us", "ours/numpy", "ours/torch"]
    return format_table(headers, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=500, help="timed steps per case, at most")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                      "step.md"))
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count())))
    if args.worker:
        print(json.dumps(measure(args.worker, args.steps)))
        return
    table = run(args.rounds, args.steps)
    print(describe_machine(torch))
    print(table)
    write_report(args.out, "Training step: tinygrad_opt vs NumPy floor vs PyTorch", table, torch)


if __name__ == "__main__":
    main()
