"""Time to reach 97% test accuracy on the shipped 8x8 digits: tinygrad_opt vs scikit-learn's
MLPClassifier vs PyTorch, same architecture (64-128-10 ReLU), Adam(lr=1e-3), batch 32,
same standardised 80/10/10 split, no weight decay; each framework's default init (Glorot
uniform for tinygrad_opt's Dense and for scikit-learn, kaiming_uniform(a=sqrt 5) in PyTorch).

Usage: python benchmarks/bench_digits.py [--seeds 5] [--max-epochs 60] [--threads 1]

Each contender trains epoch by epoch; after each epoch the test accuracy is measured
(outside the clock) and the clock stops at the first epoch reaching the target. Reported:
median training seconds over seeds and the epochs needed. scikit-learn and PyTorch are
skipped when not installed. All run in one process with the same number of BLAS / PyTorch
threads (``--threads``, default 1, fixed before NumPy is imported; see ``bench_step.py``).
"""
import argparse
import os
import statistics
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--seeds", type=int, default=5)
PARSER.add_argument("--max-epochs", type=int, default=60)
PARSER.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads")
PARSER.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "results", "digits.md"))
ARGS = PARSER.parse_args() if __name__ == "__main__" else None
if ARGS is not None:  # BLAS reads these once, when NumPy is first imported
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _machine import describe_machine, write_report  # noqa: E402
from _timing import format_table  # noqa: E402

import tinygrad_opt as tg  # noqa: E402

try:
    import torch
except ImportError:
    torch = None
try:
    from sklearn.neural_network import MLPClassifier
except ImportError:
    MLPClassifier = None

TARGET, HIDDEN, BATCH, LR = 0.97, 128, 32, 1e-3


def split(seed):
    X, y = tg.data.load_digits()
    (X_tr, y_tr), _, (X_te, y_te) = tg.data.train_val_test_split(
        X, y, rng=np.random.default_rng(seed), stratify=True)
    scaler = tg.data.StandardScaler().fit(X_tr)
    return (scaler.transform(X_tr).astype(np.float32), y_tr,
            scaler.transform(X_te).astype(np.float32), y_te)


def time_to_target(train_epoch, accuracy, max_epochs):
    """(seconds, epochs) until accuracy() >= TARGET; (inf, None) if never reached."""
    seconds = 0.0
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        train_epoch()
        seconds += time.perf_counter() - start
        if accuracy() >= TARGET:
            return seconds, epoch
    return float("inf"), None


def ours(X_tr, y_tr, X_te, y_te, seed):
    tg.manual_seed(seed)
    model = tg.nn.Sequential(tg.nn.Dense(64, HIDDEN),
                             tg.nn.ReLU(), tg.nn.Dense(HIDDEN, 10))
    loss_fn = tg.nn.CrossEntropyLoss()
    optimizer = tg.optim.Adam(model.parameters(), lr=LR)
    loader = tg.data.DataLoader(X_tr, y_tr, batch_size=BATCH)

    def train_epoch():
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(tg.Tensor(xb)), yb).backward()
            optimizer.step()

    def accuracy():
        with tg.no_grad():
            return float((model(tg.Tensor(X_te)).data.argmax(1) == y_te).mean())
    return train_epoch, accuracy


def sklearn(X_tr, y_tr, X_te, y_te, seed):
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), solver="adam", alpha=0.0,
                          batch_size=BATCH, learning_rate_init=LR, random_state=seed)
    classes = np.arange(10)
    return (lambda: model.partial_fit(X_tr, y_tr, classes=classes),
            lambda: float(model.score(X_te, y_te)))


def pytorch(X_tr, y_tr, X_te, y_te, seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, fused=True)
    X_t, y_t, X_test = torch.from_numpy(X_tr), torch.from_numpy(y_tr), torch.from_numpy(X_te)
    generator = torch.Generator().manual_seed(seed)

    def train_epoch():
        order = torch.randperm(len(X_t), generator=generator)
        for start in range(0, len(X_t), BATCH):
            batch = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(X_t[batch]), y_t[batch]).backward()
            optimizer.step()

    def accuracy():
        with torch.no_grad():
            return float((model(X_test).argmax(1).numpy() == y_te).mean())
    return train_epoch, accuracy


def run(seeds, max_epochs):
    contenders = {"tinygrad_opt": ours}
    if MLPClassifier is not None:
        contenders["scikit-learn"] = sklearn
    if torch is not None:
        contenders["pytorch"] = pytorch
    results = {name: [] for name in contenders}
    for seed in range(seeds):
        data = split(seed)
        for name, make in contenders.items():
            results[name].append(time_to_target(*make(*data, seed), max_epochs))
    ours_median = statistics.median(s for s, _ in results["tinygrad_opt"])
    rows = []
    for name, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        epochs = [e for _, e in runs]
        rows.append([name, f"{seconds:.3f}", " ".join(str(e) for e in epochs),
                     f"{ours_median / seconds:.2f}x"])
    return format_table(["framework", "median s to 97%", "epochs per seed", "ours / theirs"],
                        rows)


def main(args):
    if torch is not None:
        torch.set_num_threads(args.threads)
    table = run(args.seeds, args.max_epochs)
    print(describe_machine(torch))
    print(f"BLAS and PyTorch threads: {args.threads}")
    print(table)
    write_report(args.out, "Time to 97% test accuracy on the digits",
                 f"BLAS and PyTorch threads: {args.threads}\n" + table, torch)


if __name__ == "__main__":
    main(ARGS)
