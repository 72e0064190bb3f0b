"""Every learning-rate schedule as a curve of lr against the step, and SGDR in training.

Closed forms from ``tg.optim.schedules`` and the PyTorch-style classes from
``tg.optim.lr_scheduler`` (which give the same values). SGDR's warm restarts and the
cyclical schedules are highlighted, and the two decays of the course notes written by hand
(a linear decay from lr₀ to lr_τ over τ steps; a constant rate for 10 steps followed by
exponential decay, as a ``LambdaLR``) are included. The second figure trains an MLP with
SGDR and shows the loss jumping at each restart before settling lower. The third trains the
same MLP three ways the notes compare: a fixed lr, momentum with inverse-time decay
(decay = lr / epochs), and a step drop halving the lr every 10 epochs.

    python examples/schedules.py [--out DIR] [--small]
"""
import argparse
import functools
import pathlib

import numpy as np

import tinygrad_opt as tg

S = tg.optim.schedules
L = tg.optim.lr_scheduler


def warmup_then_cosine(optimizer):
    """Linear warm-up for 10 steps, then cosine decay (a common recipe)."""
    return L.SequentialLR(optimizer, [L.LinearLR(optimizer, start_factor=0.1, total_iters=10),
                                      L.CosineAnnealingLR(optimizer, T_max=90)], milestones=[10])


def constant_then_exponential(optimizer):
    """lr₀ for the first 10 steps, then lr₀ exp(0.1 (10 - t)), as a LambdaLR."""
    return L.LambdaLR(optimizer, lambda t: 1.0 if t < 10 else float(np.exp(0.1 * (10 - t))))


SCHEDULES = {
    "constant": lambda step: 0.1,
    "step decay (×0.5 every 30)": functools.partial(S.step_decay, lr0=0.1, step_size=30,
                                                    gamma=0.5),
    "multi-step (40, 70)": functools.partial(S.multistep, lr0=0.1, milestones=[40, 70]),
    "exponential (γ=0.97)": functools.partial(S.exponential, lr0=0.1, gamma=0.97),
    "inverse time: lr₀ / (1 + 0.05 t)": functools.partial(S.inverse_time, lr0=0.1, decay=0.05),
    "linear to lr_τ = 0.01 at τ = 80": functools.partial(
        S.linear, lr0=0.1, start_factor=1.0, end_factor=0.1, total_iters=80),
    "10 steps constant, then exponential": constant_then_exponential,
    "polynomial (power 2)": functools.partial(S.polynomial, lr0=0.1, total_iters=100, power=2.0),
    "cosine annealing": functools.partial(S.cosine_annealing, lr0=0.1, T_max=100),
    "warm-up + cosine (SequentialLR)": warmup_then_cosine,
    "SGDR (T₀=10, T_mult=2)": functools.partial(S.cosine_warm_restarts, lr0=0.1, T_0=10,
                                                T_mult=2),
    "cyclical, triangular": functools.partial(S.cyclic, base_lr=0.01, max_lr=0.1,
                                              step_size_up=10),
    "cyclical, triangular2": functools.partial(S.cyclic, base_lr=0.01, max_lr=0.1,
                                               step_size_up=10, mode="triangular2"),
    "one-cycle": functools.partial(S.one_cycle, max_lr=0.1, total_steps=100),
}
HIGHLIGHT = ("SGDR (T₀=10, T_mult=2)", "cyclical, triangular", "cyclical, triangular2",
             "one-cycle")


def train_with_sgdr(out, epochs, samples):
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)[:samples]
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Dense(64, 64), tg.nn.ReLU(), tg.nn.Dense(64, 10))
    optimizer = tg.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    scheduler = L.CosineAnnealingWarmRestarts(optimizer, T_0=5, T_mult=2, eta_min=1e-4)
    history = tg.train.fit(model, tg.nn.CrossEntropyLoss(), optimizer,
                           tg.data.DataLoader(X, y[:samples], batch_size=64), epochs,
                           scheduler=scheduler, progress=False)
    tg.viz.plot_history(history, log_loss=True, path=out / "schedules_sgdr_training.png",
                        title="SGD + SGDR on digits: warm restarts at epochs 5 and 15 "
                              "(lr dotted, right axis)")


def compare_in_training(out, epochs, samples):
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)[:samples]
    runs = {"fixed lr = 0.1": (0.0, None),
            "momentum 0.8, inverse-time decay lr/epochs":
                (0.8, lambda optimizer: L.InverseTimeLR(optimizer, decay=0.1 / epochs)),
            "step drop: × 0.5 every 10 epochs":
                (0.0, lambda optimizer: L.StepLR(optimizer, step_size=10, gamma=0.5))}
    histories = {}
    for name, (momentum, make_scheduler) in runs.items():
        tg.manual_seed(0)
        model = tg.nn.Sequential(tg.nn.Dense(64, 64), tg.nn.ReLU(), tg.nn.Dense(64, 10))
        optimizer = tg.optim.SGD(model.parameters(), lr=0.1, momentum=momentum)
        scheduler = make_scheduler(optimizer) if make_scheduler else None
        histories[name] = tg.train.fit(model, tg.nn.CrossEntropyLoss(), optimizer,
                                       tg.data.DataLoader(X, y[:samples], batch_size=64,
                                                          rng=np.random.default_rng(0)),
                                       epochs, scheduler=scheduler, progress=False)
        print(f"{name}: training loss after {epochs} epochs "
              f"{histories[name].history['loss'][-1]:.4f}")
    tg.viz.plot_histories(histories, path=out / "schedules_comparison.png",
                          title="SGD on digits: fixed lr, momentum + decay, step drop")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    tg.viz.plot_lr_schedule(SCHEDULES, 100, highlight=HIGHLIGHT, columns=4,
                            path=args.out / "schedules.png")
    train_with_sgdr(args.out, epochs=4 if args.small else 30,
                    samples=300 if args.small else 1797)
    compare_in_training(args.out, epochs=4 if args.small else 30,
                        samples=300 if args.small else 1797)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
