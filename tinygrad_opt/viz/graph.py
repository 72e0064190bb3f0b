"""Draw the computation graph behind a tensor: one box per op, leaves marked by role.

The graph is the one ``backward`` walks: each Tensor made by an op has ``_ctx``, the
Function instance that produced it, whose ``parents`` are its inputs. Leaves are
parameters (``nn.Parameter``), other tensors that require grad ("input"), or constants
(data, labels) through which no gradient flows. Inputs sit left, the output right.
"""
import numpy as np

from ..autograd import parents, topological_order
from ..trace import NodeNamer, op_name
from ._figure import finish, new_figure

_COLOURS = {"op": "#dbe9f6", "param": "#c7e9c0", "input": "#fdd0a2", "const": "#e0e0e0"}
_LEGEND = {"op": "op (output shape)", "param": "parameter", "input": "input (requires grad)",
           "const": "constant / data"}
_BOX_WIDTH, _BOX_HEIGHT = 1.7, 0.62
_COLUMN_GAP, _ROW_GAP = 2.3, 0.95


def _role(node):
    return "op" if node._ctx is not None else op_name(node)


def _columns(nodes):
    """Column of each node: ops one right of their deepest input, leaves just left of use."""
    column = {}
    for node in nodes:
        if node._ctx is not None:
            column[id(node)] = 1 + max(column.get(id(p), 0) for p in parents(node))
        else:
            column[id(node)] = 0
    consumers = {}
    for node in nodes:
        for parent in parents(node):
            consumers.setdefault(id(parent), []).append(column[id(node)])
    for node in nodes:
        if node._ctx is None and id(node) in consumers:
            column[id(node)] = min(consumers[id(node)]) - 1
    return column


def _layout(nodes):
    """``{id: (x, y)}``: columns left to right, rows ordered by the mean row of inputs."""
    column = _columns(nodes)
    position = {}
    for col in range(max(column.values()) + 1):
        members = [node for node in nodes if column[id(node)] == col]

        def mean_input_row(node):
            rows = [position[id(p)][1] for p in parents(node) if id(p) in position]
            return np.mean(rows) if rows else 0.0

        members.sort(key=mean_input_row)
        offset = (len(members) - 1) / 2
        for row, node in enumerate(members):
            position[id(node)] = (col * _COLUMN_GAP, (offset - row) * _ROW_GAP)
    return position


def _label(node, name, show_grad):
    shape = "scalar" if np.ndim(node.data) == 0 else str(np.shape(node.data))
    text = f"{name}\n{shape}"
    if show_grad and node._ctx is None and node.grad is not None:
        text += f"\n‖grad‖={np.linalg.norm(node.grad):.3g}"
    return text


def draw_graph(tensor, labels=None, show_grads=True, path=None):
    """Draw the graph that produced ``tensor`` with matplotlib only (no Graphviz needed).

    Args:
        tensor: the output, usually a loss.
        labels: optional mapping tensor -> name, or a Module (its parameter names are used).
        show_grads: after ``backward``, write ‖grad‖ (L2 norm) under each leaf that has one.
        path: save the figure there (PNG, SVG, ... by extension).

    Returns:
        The matplotlib Figure: one rounded box per node (blue op with its class name and
        output shape; green parameter, orange input, grey constant), arrows input -> op.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    nodes = topological_order(tensor, constants=True)
    name = NodeNamer(labels)
    names = {id(node): name(node) for node in nodes}
    position = _layout(nodes)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    figure, axes = new_figure(max(5.0, 0.75 * (max(xs) - min(xs) + 2 * _BOX_WIDTH)),
                              0.9 * (max(ys) - min(ys) + 3 * _BOX_HEIGHT) + 0.8)
    for node in nodes:
        x, y = position[id(node)]
        axes.add_patch(FancyBboxPatch(
            (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2), _BOX_WIDTH, _BOX_HEIGHT,
            boxstyle="round,pad=0.05", facecolor=_COLOURS[_role(node)], edgecolor="#555555"))
        title = names[id(node)] if node._ctx is None else op_name(node)
        axes.text(x, y, _label(node, title, show_grads), ha="center", va="center", fontsize=8)
        for parent in parents(node):
            px, py = position[id(parent)]
            axes.add_patch(FancyArrowPatch((px + _BOX_WIDTH / 2 + 0.05, py),
                                           (x - _BOX_WIDTH / 2 - 0.05, y),
                                           arrowstyle="-|>", mutation_scale=10, color="#555555"))
    axes.set_xlim(min(xs) - _BOX_WIDTH, max(xs) + _BOX_WIDTH)
    axes.set_ylim(min(ys) - _BOX_HEIGHT * 1.5, max(ys) + _BOX_HEIGHT * 1.5)
    axes.set_axis_off()
    roles = {_role(node) for node in nodes}
    axes.legend(handles=[Patch(facecolor=_COLOURS[r], edgecolor="#555555", label=_LEGEND[r])
                         for r in _COLOURS if r in roles],
                loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False)
    axes.set_title("Computation graph (data flows left to right, gradients right to left)")
    return finish(figure, path)


def to_dot(tensor, labels=None):
    """The graph of ``tensor`` as Graphviz DOT text (render with ``dot -Tpng``).

    Args:
        tensor: the output, usually a loss.
        labels: optional mapping tensor -> name, or a Module.

    Returns:
        A ``digraph`` string: one box per node labelled with its op (or leaf name) and
        shape, filled by role as in ``draw_graph``; one edge per input -> op.
    """
    nodes = topological_order(tensor, constants=True)
    name = NodeNamer(labels)
    lines = ["digraph computation {", "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
    for index, node in enumerate(nodes):
        title = op_name(node) if node._ctx is not None else name(node)
        text = _label(node, title, show_grad=False).replace("\n", "\\n")
        lines.append(f'  n{index} [label="{text}", fillcolor="{_COLOURS[_role(node)]}"];')
    index_of = {id(node): index for index, node in enumerate(nodes)}
    for node in nodes:
        for parent in parents(node):
            lines.append(f"  n{index_of[id(parent)]} -> n{index_of[id(node)]};")
    lines.append("}")
    return "\n".join(lines)
