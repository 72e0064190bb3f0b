"""Full training step (forward, loss, backward, Adam step, zero_grad) of float32 ReLU MLPs:
tinygrad_opt vs a hand-written NumPy MLP (the floor) vs PyTorch eager CPU.

Usage: python benchmarks/bench_step.py [--threads N] [--rounds 15] [--seconds 0.15]

All three frameworks live in one process, built once per case, and take turns: each round
runs every framework for a block of steps (a few untimed warm-up steps first, so that the
previous framework's spinning BLAS or OpenMP threads are gone), in an order that rotates
from round to round. Ratios are computed within a round (``our time / their time``, below 1
means tinygrad_opt is faster) and the table shows their median over the rounds, which
cancels the slow drifts of a shared machine. NumPy's OpenBLAS and PyTorch get the same
number of threads (``--threads``, default 1), fixed before NumPy is imported: in one process
two thread pools that each want every core oversubscribe a small shared VM (on the 2-core
one, 2 threads each made PyTorch's 64-64-10 step 400x slower).
PyTorch uses ``Adam(fused=True)``, its fastest CPU setting.
"""
import argparse
import os
import statistics
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads")
PARSER.add_argument("--rounds", type=int, default=15)
PARSER.add_argument("--seconds", type=float, default=0.15,
                    help="timed seconds per framework per round, about")
PARSER.add_argument("--cases", default="0,1,2", help="which cases to run, e.g. 0,1")
PARSER.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "results", "step.md"))
ARGS = PARSER.parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # BLAS reads these once, when NumPy is first imported
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import describe_machine, write_report  # noqa: E402
from _mlp_numpy import NumpyMLP  # noqa: E402
from _timing import format_table  # noqa: E402

import tinygrad_opt as tg  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

CASES = [((64, 64, 10), 32), ((784, 256, 128, 10), 128), ((784, 1024, 1024, 10), 256)]
GOALS_VS_TORCH = {(64, 64, 10): 0.3, (784, 256, 128, 10): 1.0, (784, 1024, 1024, 10): 0.95}
WARMUP = 3  # untimed steps at the start of every block


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


def seconds_per_step(step, count):
    """Mean seconds per step over ``count`` steps, after ``WARMUP`` untimed ones."""
    for _ in range(WARMUP):
        step()
    start = time.perf_counter()
    for _ in range(count):
        step()
    return (time.perf_counter() - start) / count


def bench_case(sizes, batch, rounds, seconds):
    """Per-round seconds per step of each framework, rounds interleaved; returns a dict
    name -> list, entry k of every list from round k."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch)
    steps = {"ours": make_ours(sizes, X, y), "numpy": make_numpy(sizes, X, y)}
    if torch is not None:
        steps["torch"] = make_torch(sizes, X, y)
    counts = {name: max(5, int(seconds / seconds_per_step(step, 5)))
              for name, step in steps.items()}
    names = list(steps)
    samples = {name: [] for name in names}
    for round_index in range(rounds):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        for name in order:
            samples[name].append(seconds_per_step(steps[name], counts[name]))
    return samples


def paired(samples, other):
    """Median over rounds of ours / other within the round."""
    return statistics.median(a / b for a, b in zip(samples["ours"], samples[other]))


def run(cases, rounds, seconds):
    rows = []
    for sizes, batch in cases:
        samples = bench_case(sizes, batch, rounds, seconds)
        micro = {name: statistics.median(times) * 1e6 for name, times in samples.items()}
        vs_torch = "n/a"
        if "torch" in samples:
            vs_torch = f"{paired(samples, 'torch'):.2f}x (<= {GOALS_VS_TORCH[sizes]}x)"
        rows.append(["-".join(map(str, sizes)), batch, f"{micro['ours']:.0f}",
                     f"{micro['numpy']:.0f}",
                     f"{micro['torch']:.0f}" if "torch" in micro else "n/a",
                     f"{paired(samples, 'numpy'):.2f}x", vs_torch])
    headers = ["MLP", "batch", "ours us", "numpy us", "torch us", "ours/numpy", "ours/torch"]
    return format_table(headers, rows) + (
        f"\nRatios: medians over {rounds} rounds of per-round ratios (paired); times: medians."
        f" Goals vs PyTorch in brackets.")


def main(args):
    if torch is not None:
        torch.set_num_threads(args.threads)
    cases = [CASES[int(index)] for index in args.cases.split(",")]
    # A busy machine slows PyTorch's step more than ours, so the load goes with the table.
    setting = (f"BLAS and PyTorch threads: {args.threads}; load average before the run: "
               f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    table = run(cases, args.rounds, args.seconds)
    print(describe_machine(torch))
    print(setting)
    print(table)
    if len(cases) == len(CASES):
        write_report(args.out, "Training step: tinygrad_opt vs NumPy floor vs PyTorch",
                     setting + "\n" + table, torch)


if __name__ == "__main__":
    main(ARGS)
