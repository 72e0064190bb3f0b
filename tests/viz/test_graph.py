"""draw_graph and to_dot show one box per node, labelled by op and shape."""
import numpy as np

import tinygrad_opt as tg
from tinygrad_opt import nn, viz


def _small_graph():
    w = tg.Tensor([2.0, -1.0], requires_grad=True)
    x = tg.Tensor([3.0, 4.0])
    b = tg.Tensor(0.5, requires_grad=True)
    out = ((w * x).sum() + b).tanh()
    return out, {w: "w", x: "x", b: "b"}


def _texts(figure):
    return [text.get_text() for text in figure.axes[0].texts]


def test_one_box_per_node_with_op_names_shapes_and_leaf_labels():
    out, labels = _small_graph()
    figure = viz.draw_graph(out, labels=labels)
    texts = _texts(figure)
    assert len(texts) == 7  # w, x, Mul, Sum, b, Add, Tanh
    assert "Mul\n(2,)" in texts and "Tanh\nscalar" in texts and "x\n(2,)" in texts
    boxes = [p for p in figure.axes[0].patches if type(p).__name__ == "FancyBboxPatch"]
    arrows = [p for p in figure.axes[0].patches if type(p).__name__ == "FancyArrowPatch"]
    assert len(boxes) == 7 and len(arrows) == 6


def test_gradient_norms_appear_after_backward():
    out, labels = _small_graph()
    assert not any("grad" in t for t in _texts(viz.draw_graph(out, labels=labels)))
    out.backward()
    texts = _texts(viz.draw_graph(out, labels=labels))
    w = next(t for t in labels if labels[t] == "w")
    assert f"w\n(2,)\n‖grad‖={np.linalg.norm(w.grad):.3g}" in texts


def test_parameters_are_named_from_the_module_and_legend_shows_roles(tmp_path):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Dense(4, 3), nn.ReLU(), nn.Dense(3, 2))
    loss = nn.functional.cross_entropy(model(tg.Tensor(np.ones((5, 4)))), np.arange(5) % 2)
    figure = viz.draw_graph(loss, labels=model, path=tmp_path / "graph.png")
    assert (tmp_path / "graph.png").stat().st_size > 0
    texts = _texts(figure)
    assert "layers.0.weight\n(4, 3)" in texts and "CrossEntropy\nscalar" in texts
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["op (output shape)", "parameter", "constant / data"]


def test_to_dot_has_a_node_per_tensor_and_an_edge_per_input():
    out, labels = _small_graph()
    dot = viz.to_dot(out, labels=labels)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("[label=") == 7 and dot.count("->") == 6
    assert 'label="Mul\\n(2,)"' in dot
