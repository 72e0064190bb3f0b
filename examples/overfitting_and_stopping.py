"""Overfitting, regularisation and stopping rules, on the digits.

1. A wide MLP trained on a few hundred digits, 30% of them with a wrong label, memorises
   the noise: its training loss keeps falling while the validation loss turns up. Dropout
   and weight decay (AdamW) narrow that gap; EarlyStopping stops where validation stopped
   improving and restores the best weights.
2. The stopping rules of the notes on one training run: where a loss threshold, a
   convergence test on the moving average, a metric threshold, a step budget, a time
   budget and early stopping would each end it (rules combine with ``|``). Every rule
   watches the same run (``Watch``) instead of ending a run of its own: a stopped run is
   the same run cut short, since each one starts from the same seed.
3. "Adaptive methods converge faster, SGD generalises better": the same MLP trained on
   500 clean digits with SGD + momentum and with Adam, training and validation loss and
   validation accuracy side by side. On this small problem (one seed) they end within one
   validation digit of each other: the claim comes from large networks and is not
   reproduced here.
4. A bound as a soft cost: the exponential barrier B = exp(m (w - k)) keeps the minimiser
   of (w - 3)² near the bound w <= k = 2; the larger m, the harder the wall.

    python examples/overfitting_and_stopping.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def digits_split(train_samples, label_noise=0.0):
    """Standardised training and validation digits; a fraction ``label_noise`` of the
    training labels replaced by random classes."""
    X, y = tg.data.load_digits()
    (X_tr, y_tr), (X_val, y_val), _ = tg.data.train_val_test_split(
        X, y, val=0.3, test=0.1, rng=np.random.default_rng(0), stratify=True)
    scaler = tg.data.StandardScaler().fit(X_tr)
    X_tr, y_tr = scaler.transform(X_tr[:train_samples]), y_tr[:train_samples].copy()
    rng = np.random.default_rng(1)
    noisy = rng.random(len(y_tr)) < label_noise
    y_tr[noisy] = rng.integers(0, 10, noisy.sum())
    return X_tr, y_tr, scaler.transform(X_val), y_val


def train(data, epochs, dropout=0.0, weight_decay=0.0, callbacks=(), make_optimizer=None):
    """Per-epoch records of the MLP trained with AdamW(lr=1e-3), or ``make_optimizer``."""
    X_tr, y_tr, X_val, y_val = data
    tg.manual_seed(0)
    layers = [tg.nn.Dense(64, 256), tg.nn.ReLU(), tg.nn.Dropout(dropout),
              tg.nn.Dense(256, 256), tg.nn.ReLU(), tg.nn.Dropout(dropout),
              tg.nn.Dense(256, 10)]
    model = tg.nn.Sequential(*layers)
    optimizer = (make_optimizer(model.parameters()) if make_optimizer else
                 tg.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=weight_decay))
    history = tg.train.fit(model, tg.nn.CrossEntropyLoss(), optimizer,
                           tg.data.DataLoader(X_tr, y_tr, batch_size=32), epochs,
                           val_loader=tg.data.DataLoader(X_val, y_val, batch_size=256,
                                                         shuffle=False),
                           callbacks=callbacks, progress=False)
    return history.history


class Watch(tg.train.Callback):
    """Runs a stopping rule on the training without letting it stop it: ``epochs`` is the
    number of epochs the run would have had if the rule had been given to ``fit``
    (None while the rule has not fired)."""

    def __init__(self, rule):
        self.rule, self.epochs = rule, None

    def on_train_begin(self, state):
        self.rule.on_train_begin(_Listener(state, self, 0))

    def on_epoch_begin(self, state):  # a stop here ends the run after the previous epoch
        self.rule.on_epoch_begin(_Listener(state, self, state.epoch))

    def on_step_end(self, state):
        self.rule.on_step_end(_Listener(state, self, state.epoch + 1))

    def on_epoch_end(self, state):
        self.rule.on_epoch_end(_Listener(state, self, state.epoch + 1))


class _Listener:
    """The training state as a watched rule sees it: ``request_stop`` only notes ``epochs``,
    the length the stopped run would have."""

    def __init__(self, state, watch, epochs):
        self._state, self._watch, self._epochs = state, watch, epochs

    def __getattr__(self, name):
        return getattr(self._state, name)

    def request_stop(self, reason):
        if self._watch.epochs is None:
            self._watch.epochs = self._epochs


def plot_overfitting(out, data, epochs):
    runs = {"no regularisation": {}, "dropout 0.5": {"dropout": 0.5},
            "weight decay 0.5 (AdamW)": {"weight_decay": 0.5}}
    stopper = Watch(tg.train.EarlyStopping(patience=10))
    figure, (loss_axes, accuracy_axes) = tg.viz.new_figure(12, 4.8, ncols=2)
    for colour, (name, options) in zip(tg.viz.PALETTE, runs.items()):
        record = train(data, epochs, callbacks=[] if options else [stopper], **options)
        epochs_axis = np.arange(1, len(record["loss"]) + 1)
        loss_axes.plot(epochs_axis, record["loss"], "--", color=colour, lw=1)
        loss_axes.plot(epochs_axis, record["val_loss"], color=colour, label=name)
        accuracy_axes.plot(epochs_axis, record["val_accuracy"], color=colour, label=name)
        if not options:
            stopped = record["val_loss"][:stopper.epochs or epochs]
    best = int(np.argmin(stopped)) + 1
    for axes in (loss_axes, accuracy_axes):
        axes.axvline(len(stopped), color="black", ls=":",
                     label=f"EarlyStopping(patience=10) stops, restores epoch {best}")
        axes.grid(alpha=0.3)
        axes.set_xlabel("epoch")
    loss_axes.set(yscale="log", ylabel="loss (dashed: training, solid: validation)",
                  title=f"{len(data[1])} training digits (30% mislabelled), 64-256-256-10 MLP")
    accuracy_axes.set(ylabel="validation accuracy", title="Validation accuracy")
    loss_axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "overfitting.png")


def plot_sgd_vs_adam(out, data, epochs):
    runs = {"SGD, momentum 0.9, lr 0.02": lambda p: tg.optim.SGD(p, lr=0.02, momentum=0.9),
            "Adam, lr 1e-3": lambda p: tg.optim.Adam(p, lr=1e-3)}
    figure, (loss_axes, accuracy_axes) = tg.viz.new_figure(12, 4.5, ncols=2)
    for colour, (name, make_optimizer) in zip(tg.viz.PALETTE, runs.items()):
        record = train(data, epochs, make_optimizer=make_optimizer)
        epochs_axis = np.arange(1, len(record["loss"]) + 1)
        loss_axes.plot(epochs_axis, record["loss"], "--", color=colour, lw=1)
        loss_axes.plot(epochs_axis, record["val_loss"], color=colour, label=name)
        accuracy_axes.plot(epochs_axis, record["val_accuracy"], color=colour,
                           label=f"{name}: best {max(record['val_accuracy']):.3f}, "
                                 f"last {record['val_accuracy'][-1]:.3f}")
        print(f"{name}: training loss {record['loss'][-1]:.2g}, validation loss min "
              f"{min(record['val_loss']):.3f} last {record['val_loss'][-1]:.3f}, validation "
              f"accuracy best {max(record['val_accuracy']):.3f} last "
              f"{record['val_accuracy'][-1]:.3f}")
    loss_axes.set(yscale="log", xlabel="epoch", ylabel="loss (dashed: training, solid: validation)",
                  title=f"{len(data[1])} clean training digits, 64-256-256-10 MLP")
    accuracy_axes.set(xlabel="epoch", ylabel="validation accuracy",
                      title="Validation accuracy (one seed): no gap at this scale")
    for axes in (loss_axes, accuracy_axes):
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "sgd_vs_adam.png")


def plot_stopping_rules(out, data, epochs):
    steps_per_epoch = len(tg.data.DataLoader(data[0], data[1], batch_size=32))
    rules = {"LossThreshold(0.05)": tg.train.LossThreshold(0.05),
             "ConvergenceThreshold(tol=1e-3, window=5)": tg.train.ConvergenceThreshold(1e-3, 5),
             "MetricThreshold(val_accuracy >= 0.95)": tg.train.MetricThreshold(0.95),
             f"MaxIterations({10 * steps_per_epoch} steps)":
                 tg.train.MaxIterations(10 * steps_per_epoch),
             "MaxDuration(0.5 s)": tg.train.MaxDuration(0.5),
             "EarlyStopping(patience=5, min_delta=1e-3)":
                 tg.train.EarlyStopping(patience=5, min_delta=1e-3)}
    watches = {name: Watch(rule) for name, rule in rules.items()}
    reference = train(data, epochs, callbacks=list(watches.values()))
    figure, axes = tg.viz.new_figure(9, 5)
    epochs_axis = np.arange(1, len(reference["loss"]) + 1)
    axes.plot(epochs_axis, reference["loss"], color="black", label="training loss")
    axes.plot(epochs_axis, reference["val_loss"], color="grey", label="validation loss")
    for number, (colour, (name, watch)) in enumerate(zip(tg.viz.PALETTE, watches.items())):
        stop = watch.epochs or epochs
        axes.axvline(stop, color=colour, lw=2, alpha=0.8, ls="-" if number % 2 else "--",
                     label=f"{name}: epoch {stop}")
    axes.set(yscale="log", xlabel="epoch", ylabel="loss",
             title="Where each stopping rule ends the same run (combine rules with |)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "stopping_rules.png")


def minimise_with_barrier(m, steps):
    w = tg.Tensor(np.array([0.0]), requires_grad=True)
    optimizer = tg.optim.Adam([w], lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        cost = ((w - 3.0) ** 2).sum() + tg.nn.regularization.exponential_barrier(
            w, 2.0, m=m, side="upper")
        cost.backward()
        optimizer.step()
    return float(w.data[0])


def plot_barrier(out, steps):
    grid = np.linspace(0.0, 3.5, 400)
    figure, axes = tg.viz.new_figure(7, 4.8)
    axes.plot(grid, (grid - 3) ** 2, color="black", label="loss (w - 3)²")
    for colour, m in zip(tg.viz.PALETTE, (1.0, 5.0, 20.0)):
        cost = (grid - 3) ** 2 + np.exp(m * (grid - 2.0))
        w = minimise_with_barrier(m, steps)
        axes.plot(grid, cost, color=colour, label=f"+ exp({m:g} (w - 2)): Adam ends at {w:.3f}")
        axes.plot(w, (w - 3) ** 2 + np.exp(m * (w - 2.0)), "o", color=colour, mec="black")
    axes.axvline(2.0, color="grey", ls=":", label="bound w <= 2")
    axes.set(xlabel="w", ylabel="cost", ylim=(0, 10),
             title="A bound as a soft cost: the exponential barrier")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "barrier.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="a fast run for the tests")
    args = parser.parse_args()
    plot_overfitting(args.out, digits_split(300, label_noise=0.3), 15 if args.small else 60)
    plot_stopping_rules(args.out, digits_split(1000), 8 if args.small else 30)
    plot_sgd_vs_adam(args.out, digits_split(500), 5 if args.small else 15)
    plot_barrier(args.out, 100 if args.small else 400)
    print(f"wrote overfitting.png, stopping_rules.png, sgd_vs_adam.png and barrier.png to "
          f"{args.out}")


if __name__ == "__main__":
    main()
