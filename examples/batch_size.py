"""Batch size: gradient noise, time per epoch, accuracy, and the linear scaling rule.

A mini-batch gradient is an average of B per-sample gradients, so its variance around
the full-batch gradient falls as 1/B (times (N − B)/(N − 1) when the batch is drawn
without replacement from N samples): small batches are noisy (and take many cheap
steps), large batches are smooth (and take few expensive ones). With a fixed learning
rate, larger batches make fewer updates per epoch and learn less; the linear scaling
rule lr ∝ B (Goyal et al. 2017) compensates.

    python examples/batch_size.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def make_model():
    return tg.nn.Sequential(tg.nn.Dense(64, 32), tg.nn.ReLU(), tg.nn.Dense(32, 10))


def gradient_noise(model, X, y, batch_sizes, draws, rng):
    """Mean squared distance of mini-batch gradients from the full-batch gradient."""
    loss_fn = tg.nn.CrossEntropyLoss()

    def flat_gradient(index):
        model.zero_grad()
        loss_fn(model(tg.Tensor(X[index])), y[index]).backward()
        return np.concatenate([p.grad.ravel() for p in model.parameters()])

    full = flat_gradient(np.arange(len(X)))
    return [np.mean([np.sum((flat_gradient(rng.choice(len(X), size, replace=False)) - full) ** 2)
                     for _ in range(draws)]) for size in batch_sizes]


def train(X, y, Xv, yv, batch_size, lr, epochs):
    tg.manual_seed(0)
    model = make_model()
    history = tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr),
                           tg.data.DataLoader(X, y, batch_size=batch_size), epochs,
                           val_loader=tg.data.DataLoader(Xv, yv, batch_size=512, shuffle=False),
                           progress=False)
    # the fastest epoch: the one least slowed down by other processes on the machine
    return history.history["val_accuracy"][-1], min(history.epoch_seconds)


def plot(out, batch_sizes, len_data, noise, seconds, accuracy_fixed, accuracy_scaled, base):
    figure, (noise_axes, time_axes, accuracy_axes) = tg.viz.new_figure(15.0, 4.2, ncols=3)
    noise_axes.loglog(batch_sizes, noise, "o-", label="measured")
    sizes, total = np.array(batch_sizes), len_data
    # sampling without replacement: variance ∝ (N - B) / (B (N - 1)), ≈ 1/B while B << N
    shape = (total - sizes) / (sizes * (total - 1))
    noise_axes.loglog(sizes, noise[0] * shape / shape[0], "--", color="grey",
                      label="∝ (N − B) / (B (N − 1))  ≈ 1/B")
    noise_axes.set(xlabel="batch size B", ylabel="E‖g_B − g‖²",
                   title="Gradient noise of a mini-batch")
    time_axes.semilogx(batch_sizes, seconds, "o-")
    time_axes.set(xlabel="batch size B", ylabel="seconds per epoch",
                  title="Time per epoch (fewer, larger steps)", ylim=(0, None))
    accuracy_axes.semilogx(batch_sizes, accuracy_fixed, "o-", label=f"fixed lr = {base[1]}")
    accuracy_axes.semilogx(batch_sizes, accuracy_scaled, "s--",
                           label=f"lr = {base[1]} × B / {base[0]} (linear scaling)")
    accuracy_axes.set(xlabel="batch size B", ylabel="validation accuracy",
                      title="Accuracy after a fixed number of epochs")
    for axes in (noise_axes, time_axes, accuracy_axes):
        axes.grid(True, which="major", alpha=0.3)
    noise_axes.legend(fontsize=8)
    accuracy_axes.legend(fontsize=8)
    tg.viz.finish(figure, out / "batch_size.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)
    (X, y), (Xv, yv), _ = tg.data.train_val_test_split(X, y, val=0.2, test=0.0,
                                                       rng=np.random.default_rng(0))
    batch_sizes = [4, 16, 64, 256] if args.small else [2, 4, 8, 16, 32, 64, 128, 256, 512]
    epochs = 1 if args.small else 3
    tg.manual_seed(0)
    noise = gradient_noise(make_model(), X, y, batch_sizes, 5 if args.small else 30,
                           np.random.default_rng(0))
    base = (32, 0.05)
    train(X[:64], y[:64], Xv, yv, 32, base[1], 1)  # warm-up: load the compiled kernels first
    fixed, scaled, seconds = [], [], []
    for size in batch_sizes:
        accuracy, per_epoch = train(X, y, Xv, yv, size, base[1], epochs)
        fixed.append(accuracy)
        seconds.append(per_epoch)
        scaled.append(train(X, y, Xv, yv, size, base[1] * size / base[0], epochs)[0])
        print(f"B={size:>4}: {per_epoch:.3f} s/epoch, val accuracy {accuracy:.3f} (fixed lr), "
              f"{scaled[-1]:.3f} (scaled lr)")
    plot(args.out, batch_sizes, len(X), noise, seconds, fixed, scaled, base)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
