"""Backpropagation, one node at a time: record what ``backward()`` does, as a table.

Reverse mode visits the graph from the output to the leaves. At each op node it receives
the upstream gradient dL/d(node) and turns it into one gradient per input with the op's
local derivative (the vector-Jacobian product dL/d(input) = dL/d(node) · d(node)/d(input));
leaves accumulate what reaches them into ``.grad``. ``trace_backward`` records exactly that,
through ``autograd.backward_observers``:

    >>> import tinygrad_opt as tg
    >>> w = tg.Tensor([2.0, -1.0], requires_grad=True)
    >>> x = tg.Tensor([3.0, 4.0])
    >>> with tg.trace_backward(labels={w: "w", x: "x"}) as trace:
    ...     ((w * x).sum()).backward()
    >>> print(trace)   # Sum, then Mul (sends x to w), then w accumulates [3, 4]
"""
import contextlib
from dataclasses import dataclass

import numpy as np

from . import autograd


class NodeNamer:
    """Readable, stable names for graph nodes: a user label, else ``Op#k`` or ``kind#k``.

    Op nodes are numbered per op in forward order (``Linear#1`` is the first layer). Leaves
    are ``param#k`` for ``nn.Parameter`` objects, ``input#k`` for other tensors that require
    grad, and ``const#k`` otherwise (constants and data).

    Args:
        labels: optional mapping tensor -> name (Tensors hash by identity), or a Module,
            whose ``named_parameters()`` then name its parameters (``layers.0.weight``).
    """

    def __init__(self, labels=None):
        if hasattr(labels, "named_parameters"):
            labels = {param: name for name, param in labels.named_parameters()}
        self._names = {id(node): name for node, name in (labels or {}).items()}
        self._counts = {}

    def name_graph(self, root):
        """Name every node ``root`` depends on, inputs first, so numbers follow the forward."""
        for node in autograd.topological_order(root):
            self(node)

    def knows(self, node):
        """True once ``node`` has a name."""
        return id(node) in self._names

    def __call__(self, node):
        if id(node) not in self._names:
            kind = op_name(node)
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._names[id(node)] = f"{kind}#{self._counts[kind]}"
        return self._names[id(node)]


def op_name(node):
    """The op that made ``node`` (its Function's class name), or the kind of leaf it is."""
    if node._ctx is not None:
        return type(node._ctx).__name__
    if type(node).__name__ == "Parameter":
        return "param"
    return "input" if node.requires_grad else "const"


@dataclass
class BackwardStep:
    """One node visited by ``backward``.

    Attributes:
        position: 1-based visiting order.
        name: the node's name (see ``NodeNamer``).
        op: the op's class name, or ``param``/``input`` for a leaf.
        shape: the node's shape.
        upstream: dL/d(node), the gradient that arrived (a copy).
        input_names: names of the node's inputs (empty for a leaf).
        input_grads: dL/d(input) for each input, None where no gradient is needed.
    """

    position: int
    name: str
    op: str
    shape: tuple
    upstream: np.ndarray
    input_names: tuple
    input_grads: tuple

    @property
    def is_leaf(self):
        return not self.input_names


def _copy(grad):
    return None if grad is None else np.array(grad, copy=True)


def format_values(array, max_elements=4):
    """Small arrays in full, each value to 4 significant digits (a 0-d array as a bare
    number), large ones as shape and L2 norm. Significant digits, not decimals, so that a
    gradient of 1e-06 does not print as 0."""
    if array is None:
        return "-"
    array = np.asarray(array)
    if array.size <= max_elements:
        text = " ".join(f"{value:.4g}" for value in array.ravel().tolist())
        return text if array.ndim == 0 else f"[{text}]"
    return f"{array.shape} ‖g‖={np.linalg.norm(array):.4g}"


class BackwardTrace:
    """The ordered ``BackwardStep`` list of one or more ``backward`` calls; prints as a table.

    Args:
        labels: optional mapping tensor -> name used in the table.
    """

    def __init__(self, labels=None):
        self.steps = []
        self._namer = NodeNamer(labels)

    def _observe(self, node, node_grad, input_grads):
        parents = autograd.parents(node)
        if not all(self._namer.knows(parent) for parent in parents):
            self._namer.name_graph(node)
        self.steps.append(BackwardStep(
            position=len(self.steps) + 1, name=self._namer(node), op=op_name(node),
            shape=tuple(np.shape(node.data)), upstream=_copy(node_grad),
            input_names=tuple(self._namer(parent) for parent in parents),
            input_grads=tuple(_copy(grad) for grad in input_grads)))

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, position):
        return self.steps[position]

    def table(self):
        """The trace as a text table: one row per gradient passed on, in visiting order."""
        rows = [("#", "node", "op", "shape", "dL/d(node)", "-> input", "dL/d(input)")]
        for step in self.steps:
            head = (str(step.position), step.name, step.op, str(step.shape),
                    format_values(step.upstream))
            if step.is_leaf:
                rows.append(head + ("", "accumulated into .grad"))
            for k, (name, grad) in enumerate(zip(step.input_names, step.input_grads)):
                rows.append((head if k == 0 else ("",) * len(head))
                            + (name, format_values(grad)))
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                 for row in rows]
        lines.insert(1, "-" * max(len(line) for line in lines))
        return "\n".join(lines)

    __str__ = __repr__ = table  # repr: a trace as a notebook cell's value shows the table


@contextlib.contextmanager
def trace_backward(labels=None):
    """Record every node that ``backward()`` visits inside the ``with`` block.

    Args:
        labels: optional mapping tensor -> name, e.g. ``{w: "w", x: "x"}``; other nodes are
            named ``Op#k`` (``Mul#1``) or ``param#k``/``input#k``/``const#k``.

    Yields:
        A ``BackwardTrace``: iterate its ``BackwardStep`` rows or ``print`` it.

    A forward pass run inside the block is not fused (``nn.Sequential`` runs ``Dense`` then
    ``ReLU`` as two ops, not one ``LinearReLU``), so the trace shows every textbook step.
    """
    trace = BackwardTrace(labels)
    autograd.backward_observers.append(trace._observe)
    try:
        yield trace
    finally:
        autograd.backward_observers.remove(trace._observe)
