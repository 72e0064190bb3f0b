"""Verify a hand-written layer with gradient checking, and catch a wrong backward.

``Softplus`` below is a new op written the way every op in ``tinygrad_opt/functions`` is:
a forward and a backward on arrays. ``check_gradients`` compares its backward with central
differences element by element; a copy with a deliberately wrong derivative (forgetting
the chain rule's inner factor) fails, and the report and figure say exactly where.

    python examples/gradcheck_demo.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


class Softplus(tg.autograd.Function):
    """f(x) = log(1 + exp(x)),  df/dx = sigmoid(x) = 1 / (1 + exp(-x))."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.logaddexp(0.0, x)  # log(1 + e^x) without overflow

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad / (1.0 + np.exp(-x))


class WrongSoftplus(Softplus):
    """The same forward with a wrong derivative: exp(x) / (1 + exp(x))² instead of sigmoid."""

    def backward(self, grad):
        (x,) = self.saved_tensors
        return grad * np.exp(x) / (1.0 + np.exp(x)) ** 2


def layer(op):
    """A dense layer with the given activation: softplus(x @ W + b), summed to a scalar."""
    return lambda x, W, b: op.apply(x @ W + b).sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    W = tg.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = tg.Tensor(rng.normal(size=(2,)), requires_grad=True)
    for name, op in (("correct", Softplus), ("wrong", WrongSoftplus)):
        report = tg.check_gradients(layer(op), [x, W, b])
        print(f"--- {name} Softplus backward ---\n{report}\n")
        tg.viz.plot_gradcheck(report, path=args.out / f"gradcheck_{name}.png")
    eps_values = np.logspace(-10, -2, 9) if args.small else None
    eps, errors = tg.gradcheck_eps_sweep(layer(Softplus), [x, W, b], eps_values=eps_values)
    tg.viz.plot_eps_sweep(eps, errors, path=args.out / "gradcheck_eps_sweep.png")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
