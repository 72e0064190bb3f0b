"""Initialisation and normalisation: activation and gradient scale through a deep MLP.

A 10-layer tanh or ReLU network at initialisation, fed standardised digits. With zero
weights every unit computes the same thing (and tanh's outputs are all 0); with
N(0, 0.01²) the activations shrink layer after layer (vanishing) and with N(0, 1) they
grow (ReLU) or saturate (tanh: exploding pre-activations, vanishing gradients). Xavier
(Var w = 1/fan_avg, for tanh) and Kaiming (Var w = 2/fan_in, for ReLU) keep the scale;
batch, layer or group normalisation before the activation restores it whatever the
init.

The last figure trains the networks (a 6-layer ReLU MLP, SGD) to check three more claims:
batch normalisation tolerates larger learning rates; the scale set at initialisation
(Kaiming × 0.5, × 1, × 2) is still there after training; and the weights end close to where
they started (each layer's ‖W_T − W_0‖ / ‖W_0‖ is small).

    python examples/init_and_norm.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg

INIT = {
    "zeros (0 drawn at 1e-12)": lambda w: tg.nn.init.zeros_(w),
    "N(0, 0.01²)": lambda w: tg.nn.init.normal_(w, std=0.01),
    "N(0, 1)": lambda w: tg.nn.init.normal_(w, std=1.0),
    "Xavier normal": lambda w: tg.nn.init.xavier_normal_(
        w, gain=tg.nn.init.calculate_gain("tanh")),
    "Kaiming normal": lambda w: tg.nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
NORMS = {
    "no norm": lambda width: None,
    "BatchNorm": lambda width: tg.nn.BatchNorm1d(width),
    "LayerNorm": lambda width: tg.nn.LayerNorm(width),
    "GroupNorm (8 groups)": lambda width: tg.nn.GroupNorm(8, width),
}


def build(depth, width, activation, init, norm):
    layers, sizes = [], [64] + [width] * depth
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        dense = tg.nn.Dense(fan_in, fan_out)
        INIT[init](dense.weight)
        layers.append(dense)
        normalisation = NORMS[norm](fan_out)
        if normalisation is not None:
            layers.append(normalisation)
        layers.append(activation())
    return layers


def layer_statistics(layers, X, y):
    """Std of each activation layer's output, and of the gradient dL/d(output) reaching it.

    Backward drops interior gradients once used, so they are read from a backprop trace.
    """
    outputs, h = [], tg.Tensor(X)
    for layer in layers:
        h = layer(h)
        if isinstance(layer, (tg.nn.Tanh, tg.nn.ReLU)):
            outputs.append(h)
    labels = {out: f"activation {k}" for k, out in enumerate(outputs)}
    logits = tg.nn.Dense(h.shape[1], 10)(h)
    with tg.trace_backward(labels=labels) as trace:
        tg.nn.functional.cross_entropy(logits, y).backward()
    upstream = {step.name: step.upstream for step in trace}
    return ([float(out.data.std()) for out in outputs],
            [float(np.std(upstream.get(labels[out], 0.0))) for out in outputs])


def plot_panels(out, name, rows, depth, title):
    figure, (act_axes, grad_axes) = tg.viz.new_figure(12.0, 4.3, ncols=2)
    layers = np.arange(1, depth + 1)
    for colour, (label, (activations, gradients)) in zip(tg.viz.PALETTE, rows.items()):
        act_axes.semilogy(layers, np.maximum(activations, 1e-12), "o-", color=colour, label=label)
        grad_axes.semilogy(layers, np.maximum(gradients, 1e-12), "o-", color=colour, label=label)
    act_axes.set(xlabel="layer", ylabel="std of activations", title="Forward: activations")
    grad_axes.set(xlabel="layer", ylabel="std of dL/d(activation)",
                  title="Backward: gradients reaching each layer")
    for axes in (act_axes, grad_axes):
        axes.grid(True, which="major", alpha=0.3)
    act_axes.legend(fontsize=8)
    figure.suptitle(title)
    tg.viz.finish(figure, out / name)


def relu_mlp(depth, width, scale=1.0, batch_norm=False):
    """Kaiming-normal ReLU MLP on the digits, weights multiplied by ``scale``."""
    layers, sizes = [], [64] + [width] * depth
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        dense = tg.nn.Dense(fan_in, fan_out)
        tg.nn.init.kaiming_normal_(dense.weight, nonlinearity="relu")
        dense.weight.data *= scale
        layers += [dense] + ([tg.nn.BatchNorm1d(fan_out)] if batch_norm else []) + [tg.nn.ReLU()]
    return tg.nn.Sequential(*layers, tg.nn.Dense(width, 10))


def activation_stds(model, X):
    h, stds = tg.Tensor(X), []
    with tg.no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, tg.nn.ReLU):
                stds.append(float(h.data.std()))
    return stds


def train(model, X, y, lr, epochs):
    """Full-data training loss after SGD; inf when the run diverged."""
    loss_fn = tg.nn.CrossEntropyLoss()
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr diverges on purpose
            tg.train.fit(model, loss_fn, tg.optim.SGD(model.parameters(), lr=lr),
                         tg.data.DataLoader(X, y, batch_size=64, rng=np.random.default_rng(0)),
                         epochs, progress=False)
    except tg.train.TrainingDiverged:
        return np.inf
    model.eval()
    with tg.no_grad():
        loss = float(loss_fn(model(tg.Tensor(X)), y).data)
    return loss if np.isfinite(loss) else np.inf


def plot_training(out, X, y, epochs, depth=6, width=64):
    figure, (lr_axes, scale_axes, move_axes) = tg.viz.new_figure(16, 4.5, ncols=3)
    rates = np.geomspace(0.01, 3.0, 6)
    for colour, batch_norm in zip(tg.viz.PALETTE, (False, True)):
        losses = []
        for lr in rates:
            tg.manual_seed(0)
            losses.append(train(relu_mlp(depth, width, batch_norm=batch_norm), X, y, lr, epochs))
        losses = np.array(losses)
        name = "BatchNorm before each ReLU" if batch_norm else "no normalisation"
        print(f"{name}: final training loss per lr "
              f"{', '.join(f'{lr:.3g}: {loss:.3f}' for lr, loss in zip(rates, losses))}")
        lr_axes.loglog(rates, np.minimum(losses, 10.0), "o-", color=colour, label=name)
        lr_axes.plot(rates[losses > 10.0], np.full((losses > 10.0).sum(), 10.0), "x",
                     color=colour, ms=12, mew=2)
    lr_axes.set(xlabel="learning rate", ylabel="training loss after training",
                title=f"{depth}-layer ReLU MLP, SGD, {epochs} epochs (× = diverged)")
    lr_axes.legend(fontsize=8)
    layers = np.arange(1, depth + 1)
    for colour, scale in zip(tg.viz.PALETTE, (0.5, 1.0, 2.0)):
        tg.manual_seed(0)
        model = relu_mlp(depth, width, scale)
        before = activation_stds(model, X)
        initial = [p.data.copy() for p in model.parameters()]
        train(model, X, y, lr=0.02, epochs=epochs)
        scale_axes.semilogy(layers, before, "o--", color=colour, alpha=0.6)
        note = " (vanishing: barely trains)" if scale < 1 else ""
        scale_axes.semilogy(layers, activation_stds(model, X), "o-", color=colour,
                            label=f"Kaiming × {scale}{note}")
        moved = [np.linalg.norm(p.data - p0) / np.linalg.norm(p0)
                 for p, p0 in zip(model.parameters(), initial) if p.data.ndim == 2]
        move_axes.plot(np.arange(1, len(moved) + 1), moved, "o-", color=colour,
                       label=f"Kaiming × {scale}")
        print(f"Kaiming x {scale}: relative weight change per layer "
              f"{', '.join(f'{m:.3f}' for m in moved)}")
    scale_axes.set(xlabel="layer", ylabel="std of activations",
                   title="The init's scale persists: at init (dashed), trained (solid)")
    scale_axes.legend(fontsize=8)
    move_axes.set(xlabel="weight matrix (last = output layer)", ylabel="‖W_T − W_0‖ / ‖W_0‖",
                  yscale="log",
                  title="Weights stay close to their initial values (SGD, lr = 0.02)")
    move_axes.legend(fontsize=8)
    for axes in (lr_axes, scale_axes, move_axes):
        axes.grid(True, alpha=0.3)
    tg.viz.finish(figure, out / "init_norm_training.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    X, y = tg.data.load_digits()
    X = tg.data.StandardScaler().fit_transform(X)[: 128 if args.small else 512]
    y = y[: len(X)]
    depth, width = (4, 32) if args.small else (10, 128)
    for activation, name in ((tg.nn.Tanh, "tanh"), (tg.nn.ReLU, "ReLU")):
        rows = {}
        for init in INIT:
            tg.manual_seed(0)
            rows[init] = layer_statistics(build(depth, width, activation, init, "no norm"), X, y)
        plot_panels(args.out, f"init_{name.lower()}.png", rows, depth,
                    f"{depth}-layer {name} MLP at initialisation: the init sets the scale")
    rows = {}
    for norm in NORMS:
        tg.manual_seed(0)
        rows[f"N(0, 1) + {norm}"] = layer_statistics(
            build(depth, width, tg.nn.ReLU, "N(0, 1)", norm), X, y)
    plot_panels(args.out, "init_norm_relu.png", rows, depth,
                f"{depth}-layer ReLU MLP, N(0, 1) init: normalisation restores the scale")
    plot_training(args.out, X, y, epochs=2 if args.small else 5)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
