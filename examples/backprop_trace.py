"""Backpropagation step by step: a printed trace and a drawing of the graph.

For y = tanh(w · x + b) the trace lists, in the order ``backward()`` visits them, each node's
upstream gradient dL/d(node) and the gradient it sends to each input (upstream times the
local derivative). The same is then shown for a small MLP's loss, with the computation
graph drawn (parameters green, data grey, ‖grad‖ written under each parameter) and
exported as Graphviz DOT text.

    python examples/backprop_trace.py [--out DIR] [--small]
"""
import argparse
import pathlib

import numpy as np

import tinygrad_opt as tg


def neuron(out):
    w = tg.Tensor([0.5, -1.0, 2.0], requires_grad=True, dtype=np.float64)
    x = tg.Tensor([1.0, 2.0, 0.5], dtype=np.float64)
    b = tg.Tensor(0.1, requires_grad=True, dtype=np.float64)
    y = ((w * x).sum() + b).tanh()
    with tg.trace_backward(labels={w: "w", x: "x", b: "b", y: "y"}) as trace:
        y.backward()
    print("y = tanh(w · x + b):\n" + str(trace) + "\n")
    print(f"check: dy/dw = (1 - y²) x = {(1 - y.item() ** 2) * x.data}, w.grad = {w.grad}\n")
    tg.viz.draw_graph(y, labels={w: "w", x: "x", b: "b"}, path=out / "graph_neuron.png")


def mlp(out):
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Dense(4, 3), tg.nn.ReLU(), tg.nn.Dense(3, 2))
    X = tg.Tensor(np.random.default_rng(0).normal(size=(5, 4)))
    with tg.trace_backward(model) as trace:  # forward inside too: Dense and ReLU stay apart
        loss = tg.nn.CrossEntropyLoss()(model(X), np.array([0, 1, 1, 0, 1]))
        loss.backward()
    print("cross-entropy loss of a 4-3-2 MLP:\n" + str(trace) + "\n")
    tg.viz.draw_graph(loss, labels=model, path=out / "graph_mlp.png")
    (out / "graph_mlp.dot").write_text(tg.viz.to_dot(loss, labels=model))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples/figures"))
    parser.add_argument("--small", action="store_true", help="tiny run for tests (~2 s)")
    args = parser.parse_args()
    neuron(args.out)
    mlp(args.out)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
