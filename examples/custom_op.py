"""Write your own differentiable op with ``tg.Function``, check it, and train with it.

``Swish`` below is the activation f(x) = x * sigmoid(beta * x) (Ramachandran et al., 2017;
PyTorch's ``SiLU`` for beta = 1), written the way every built-in op is: a ``forward`` and a
``backward`` on NumPy arrays. The script

1. checks the backward against central differences in float64 with ``tg.gradcheck``;
2. shows that a deliberately wrong backward (the product rule's second term forgotten) is
   caught, with the element and both values named;
3. trains a small MLP with the new activation on two moons and plots the curves.

    python examples/custom_op.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


class Swish(tg.Function):
    """f(x) = x * s with s = sigmoid(beta * x);  df/dx = s + beta * x * s * (1 - s)."""

    def forward(self, x, beta=1.0):
        s = 1.0 / (1.0 + np.exp(-beta * x))
        self.save_for_backward(x, s)
        self.beta = beta
        return x * s

    def backward(self, grad):
        x, s = self.saved_tensors
        return (grad * (s + self.beta * x * s * (1.0 - s)),)


class WrongSwish(Swish):
    """The same forward; the backward keeps only s, as if sigmoid(beta * x) were constant."""

    def backward(self, grad):
        _, s = self.saved_tensors
        return (grad * s,)


class SwishLayer(tg.nn.Module):
    """``y = Swish(x)`` elementwise, so that it fits in ``nn.Sequential``."""

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = beta

    def forward(self, x):
        return Swish.apply(x, beta=self.beta)


def check(x):
    """gradcheck the correct op, then show the report that catches the wrong one."""
    assert tg.gradcheck(lambda t: Swish.apply(t, beta=1.5), [x])
    print("Swish: backward agrees with central differences (float64)")
    try:
        tg.gradcheck(lambda t: WrongSwish.apply(t, beta=1.5), [x])
    except tg.GradcheckError as error:
        print(f"WrongSwish caught by gradcheck:\n{str(error).splitlines()[0]}\n")
    else:
        raise AssertionError("gradcheck missed the wrong backward")


def plot_derivatives(out):
    """f, its derivative from backward, and the wrong derivative, on [-5, 5]."""
    x = tg.Tensor(np.linspace(-5.0, 5.0, 201), requires_grad=True)
    curves = {}
    for name, op in (("df/dx (backward)", Swish), ("wrong backward", WrongSwish)):
        x.grad = None
        y = op.apply(x)
        y.sum().backward()
        curves["f(x) = x sigmoid(x)"] = y.data
        curves[name] = x.grad.copy()
    figure, axes = tg.viz.new_figure(6.0, 3.8)
    for (label, values), style in zip(curves.items(), ("-", "-", "--")):
        axes.plot(x.data, values, style, label=label)
    axes.axhline(0.0, color="grey", linewidth=0.5)
    axes.set_xlabel("x")
    axes.legend()
    axes.set_title("Swish and the derivative its backward returns")
    tg.viz.finish(figure, out / "custom_op_swish.png")


def train(out, epochs):
    """A 2-16-16-2 MLP with Swish activations on two moons."""
    tg.manual_seed(0)
    X, y = tg.data.make_moons(400, noise=0.15)
    (X_train, y_train), (X_val, y_val), _ = tg.data.train_val_test_split(X, y, val=0.25,
                                                                         test=0.0)
    model = tg.nn.Sequential(tg.nn.Dense(2, 16), SwishLayer(), tg.nn.Dense(16, 16),
                             SwishLayer(), tg.nn.Dense(16, 2))
    history = tg.train.fit(model, tg.nn.CrossEntropyLoss(),
                           tg.optim.Adam(model.parameters(), lr=0.02),
                           tg.data.DataLoader(X_train, y_train, batch_size=32), epochs,
                           val_loader=tg.data.DataLoader(X_val, y_val), progress=False)
    print(f"trained with Swish: validation accuracy {history.history['val_accuracy'][-1]:.3f}")
    tg.viz.plot_history(history, title="two moons, MLP with Swish",
                        path=out / "custom_op_training.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    check(tg.Tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True))
    plot_derivatives(args.out)
    train(args.out, epochs=10 if args.small else 40)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
