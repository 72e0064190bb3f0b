"""Momentum: smoothing a ravine, averaging gradients, and rolling past a local minimum.

1. On the ill-conditioned bowl f = (x² + 10 y²) / 2, gradient descent zig-zags across the
   steep y direction; momentum (v = μ v + g, p = p - lr v) averages the zig-zag out and
   speeds up along the shallow x direction; Nesterov evaluates the gradient a step ahead.
2. The momentum buffer is an exponentially weighted average. From v_0 = 0 its first values
   are biased towards 0 ("the first iterations give bad averages"); Adam divides by
   1 - β^t to correct that, PyTorch's SGD starts the buffer at the first gradient instead.
   Both computed by the real optimizers: SGD(momentum=β, dampening=β) and Adam's exp_avg.
3. A ball rolling down f(x) = x⁴ - 4x² + x from x = 2.2: gradient descent stops in the
   local minimum, heavy-ball momentum carries it over the bump into the global minimum,
   Nesterov's look-ahead brakes earlier and stays.
4. Where the gradient vanishes: down a slope onto a flat plateau, gradient descent stops at
   the plateau's edge while momentum coasts on (with g = 0 the buffer only decays, v = μ v,
   so the ball travels about lr v / (1 - μ) further). And too much momentum: on the ravine
   with one lr, μ = 0.5 speeds the descent up, μ = 0.9 swings about gradient descent's pace,
   and μ = 0.99 keeps swinging and after 60 steps is ~1000x further from the minimum.

    python examples/momentum.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def plot_ravine(out, steps):
    runs = {"gradient descent (lr=0.18)": (tg.optim.SGD, {"lr": 0.18}),
            "momentum 0.5 (lr=0.1)": (tg.optim.SGD, {"lr": 0.1, "momentum": 0.5}),
            "Nesterov 0.5 (lr=0.1)": (tg.optim.SGD, {"lr": 0.1, "momentum": 0.5,
                                                     "nesterov": True})}
    paths = tg.viz.race(runs, "quadratic", steps=steps)
    tg.viz.plot_race(paths, "quadratic", path=out / "momentum_ravine.png",
                     title="A ravine: gradient descent zig-zags across it; momentum damps "
                           "the zig-zag and runs faster along it")


def averages(gradients, beta):
    """Per step: SGD's momentum buffer with dampening=β, Adam's exp_avg, and exp_avg / bc."""
    sgd_param = tg.Tensor(np.zeros(1), requires_grad=True)
    adam_param = tg.Tensor(np.zeros(1), requires_grad=True)
    sgd = tg.optim.SGD([sgd_param], lr=0.0, momentum=beta, dampening=beta)
    adam = tg.optim.Adam([adam_param], lr=0.0, betas=(beta, 0.999))
    rows = []
    for step, gradient in enumerate(gradients, start=1):
        sgd_param.grad = np.array([gradient])
        adam_param.grad = np.array([gradient])
        sgd.step()
        adam.step()
        exp_avg = adam.state[adam_param]["exp_avg"][0]
        rows.append((sgd.state[sgd_param]["momentum_buffer"][0], exp_avg,
                     exp_avg / (1 - beta ** step)))
    return np.array(rows)


def plot_averages(out, steps):
    rng = np.random.default_rng(0)
    days = np.arange(1, steps + 1)
    gradients = 10 + 8 * np.sin(days / steps * 2 * np.pi) + rng.normal(0, 3, steps)
    figure, axes = tg.viz.new_figure(12, 4.5, ncols=2, sharey=True)
    for panel, beta in zip(axes, (0.9, 0.98)):
        sgd_buffer, exp_avg, corrected = averages(gradients, beta).T
        panel.plot(days, gradients, ".", color="grey", ms=3, label="gradients g_t")
        panel.plot(days, exp_avg, color=tg.viz.PALETTE[3],
                   label="v_t = β v + (1-β) g from v_0 = 0 (Adam's exp_avg)")
        panel.plot(days, corrected, color=tg.viz.PALETTE[0], label="v_t / (1 - β^t) (Adam)")
        panel.plot(days, sgd_buffer, "--", color=tg.viz.PALETTE[2],
                   label="SGD buffer, dampening=β (starts at g_1)")
        panel.set(title=f"β = {beta}: averages over about 1/(1-β) = {1 / (1 - beta):.0f} steps",
                  xlabel="step t")
        panel.grid(alpha=0.3)
    axes[0].set_ylabel("value")
    axes[0].legend(fontsize=8, loc="lower left")
    tg.viz.finish(figure, out / "momentum_averages.png")


def ball(x):
    return x ** 4 - 4 * x ** 2 + x


def roll(options, steps):
    position = tg.Tensor(np.array([2.2]), requires_grad=True)
    optimizer = tg.optim.SGD([position], **options)
    path = [position.data[0]]
    for _ in range(steps):
        optimizer.zero_grad()
        ball(position).sum().backward()
        optimizer.step()
        path.append(position.data[0])
    return np.array(path)


def plot_ball(out, steps):
    runs = {"gradient descent": {"lr": 0.01},
            "momentum 0.9": {"lr": 0.01, "momentum": 0.9},
            "Nesterov 0.9": {"lr": 0.01, "momentum": 0.9, "nesterov": True}}
    figure, (curve_axes, trace_axes) = tg.viz.new_figure(12, 4.5, ncols=2)
    grid = np.linspace(-2.2, 2.3, 300)
    curve_axes.plot(grid, ball(grid), color="black", lw=1)
    for colour, (name, options) in zip(tg.viz.PALETTE, runs.items()):
        path = roll(options, steps)
        curve_axes.plot(path, ball(path), "o", color=colour, ms=3, alpha=0.5, label=name)
        curve_axes.plot(path[-1], ball(path[-1]), "o", color=colour, mec="black", ms=10)
        trace_axes.plot(path, color=colour, label=f"{name}: ends at x = {path[-1]:.2f}")
    curve_axes.set(xlabel="x", ylabel="f(x)", ylim=(-7, 8),
                   title="f(x) = x⁴ - 4x² + x from x = 2.2 (big dots: where each ends)")
    curve_axes.legend(fontsize=8)
    trace_axes.axhline(-1.47, color="gold", lw=2, label="global minimum")
    trace_axes.axhline(1.35, color="grey", lw=1, ls=":", label="local minimum")
    trace_axes.set(xlabel="step", ylabel="x", title="Position over the steps")
    trace_axes.legend(fontsize=8)
    trace_axes.grid(alpha=0.3)
    tg.viz.finish(figure, out / "momentum_ball.png")


def plateau(x):
    """A slope from f = 2 down onto a flat plateau at f = 0 (gradient ~ 0 for x > 0)."""
    return 2.0 * (-4.0 * (x + 1.5)).sigmoid() if isinstance(x, tg.Tensor) \
        else 2.0 / (1.0 + np.exp(4.0 * (x + 1.5)))


def coast(momentum, steps):
    position = tg.Tensor(np.array([-2.2]), requires_grad=True)
    optimizer = tg.optim.SGD([position], lr=0.3, momentum=momentum)
    path = [-2.2]
    for _ in range(steps):
        optimizer.zero_grad()
        plateau(position).sum().backward()
        optimizer.step()
        path.append(float(position.data[0]))
    return np.array(path)


def plot_plateau_and_too_much(out, steps):
    figure, (plateau_axes, ravine_axes) = tg.viz.new_figure(12, 4.5, ncols=2)
    for colour, momentum in zip(tg.viz.PALETTE, (0.0, 0.5, 0.9, 0.99)):
        path = coast(momentum, steps)
        name = "gradient descent" if momentum == 0 else f"momentum {momentum}"
        plateau_axes.plot(path, color=colour, label=f"{name}: x = {path[-1]:.2f} at the end")
    top = plateau_axes.get_ylim()[1]
    plateau_axes.axhspan(0.0, top, color="grey", alpha=0.15,
                         label="plateau x > 0, |f'(x)| < 0.02")
    plateau_axes.set(xlabel="step", ylabel="x", ylim=(-2.5, top),
                     title="f = 2 σ(-4 (x + 1.5)) from x = -2.2, lr = 0.3: a slope, then flat")
    plateau_axes.legend(fontsize=8, loc="upper left")
    quadratic = tg.objectives.get("quadratic")
    runs = {f"momentum {mu}" if mu else "gradient descent": (tg.optim.SGD,
                                                             {"lr": 0.05, "momentum": mu})
            for mu in (0.0, 0.5, 0.9, 0.99)}
    for colour, (name, path) in zip(tg.viz.PALETTE, tg.viz.race(runs, quadratic, 60).items()):
        values = quadratic.value(path[:, 0], path[:, 1]) - quadratic.value(*quadratic.minima[0])
        ravine_axes.semilogy(values, color=colour, label=name)
        print(f"ravine, lr 0.05, {name}: f - f* after 60 steps {values[-1]:.3g}")
    ravine_axes.set(xlabel="step", ylabel="f(x, y) − f*",
                    title="Ravine (x² + 10 y²) / 2, lr = 0.05: μ = 0.99 keeps swinging")
    ravine_axes.legend(fontsize=8)
    for axes in (plateau_axes, ravine_axes):
        axes.grid(alpha=0.3)
    tg.viz.finish(figure, out / "momentum_plateau.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="a fast run for the tests")
    args = parser.parse_args()
    steps = 60 if args.small else 150
    plot_ravine(args.out, 40)
    plot_averages(args.out, 2 * steps)
    plot_ball(args.out, steps)
    plot_plateau_and_too_much(args.out, 40)
    print(f"wrote momentum_ravine.png, momentum_averages.png, momentum_ball.png and "
          f"momentum_plateau.png to {args.out}")


if __name__ == "__main__":
    main()
