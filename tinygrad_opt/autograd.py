"""The reverse-mode engine: the Function contract, grad mode, and backward over a graph.

This module knows nothing about ``Tensor``. A graph node is any object with

* ``requires_grad`` (bool),
* ``_ctx``: the ``Function`` instance that produced it, or ``None`` for a leaf,
* ``_accumulate_grad(grad)``: called once per ``backward`` on each leaf that requires grad.

A ``Function`` instance is one application of an op: it is its own context, holding the
input nodes (``parents``), which of them need a gradient, and whatever ``forward`` saved.
The chain rule then needs only a topological order: each node's gradient is complete once
every node that consumed it has been visited, so we visit consumers first.
"""
import contextlib

_grad_enabled = True


def is_grad_enabled():
    """Return True when new operations are recorded for backward."""
    return _grad_enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager (or decorator) that turns graph recording on or off."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self.previous = None

    def __enter__(self):
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = self.mode
        return self

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self.previous
        return False


class no_grad(set_grad_enabled):
    """``with no_grad():`` runs operations without recording a graph (evaluation, updates)."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """``with enable_grad():`` records a graph again inside a ``no_grad`` block."""

    def __init__(self):
        super().__init__(True)


class Function:
    """Base of every differentiable op: ``forward`` and ``backward`` on NumPy arrays.

    Subclasses implement

    * ``forward(self, *arrays, **options) -> np.ndarray``: compute the output and keep what
      backward needs (``self.save_for_backward(...)`` or plain attributes);
    * ``backward(self, grad) -> tuple``: given dL/d(output), return dL/d(input) for each
      input, already summed back to that input's shape (``None`` where no gradient is
      needed, see ``self.needs_input_grad``).
    """

    # Defaults for an op applied outside the graph; ``apply`` sets the first two on ops it
    # records (class attributes, so creating a Function costs no __init__ call).
    parents = ()
    needs_input_grad = ()
    saved_tensors = ()
    # The class that wraps op results. The engine knows nodes only by protocol, so the layer
    # above tells it which class that is: ``tensor.py`` sets ``Function.node_type = Tensor``.
    node_type = None

    @classmethod
    def apply(cls, *inputs, **options):
        """Run this op forward on ``inputs`` and record it for backward; return a Tensor.

        ``inputs`` are Tensors or array-likes (non-Tensors become constants); ``options`` are
        passed to ``forward`` as keywords. The op is recorded only when grad mode is on and
        some input requires grad: ``MyOp.apply(x, scale=2.0)``.
        """
        return cls.node_type._record(cls, inputs, options)

    def save_for_backward(self, *arrays):
        """Keep arrays that ``backward`` will read (available as ``self.saved_tensors``)."""
        self.saved_tensors = arrays

    def __repr__(self):
        return f"<{type(self).__name__} node>"


def topological_order(root):
    """Return the nodes that ``root`` depends on (and that require grad), inputs first.

    Iterative depth-first post-order, so a graph 10,000 ops deep needs no recursion.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            for parent in node._ctx.parents:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    return order


backward_observers = []
"""Callables ``observer(node, node_grad, input_grads)`` that ``backward`` calls at each node it
visits, in order: ``node_grad`` is dL/d(node), ``input_grads`` what the node passes to each of
its parents (empty for a leaf). Used by ``trace.trace_backward`` to show backprop step by step.
"""


def _count_consumers(root):
    """For each node below ``root`` that requires grad: how many ops consume it."""
    consumers, stack = {}, [root]
    while stack:
        fn = stack.pop()._ctx
        if fn is None:
            continue
        for parent in fn.parents:
            if parent.requires_grad:
                key = id(parent)
                if key not in consumers:
                    consumers[key] = 0
                    stack.append(parent)
                consumers[key] += 1
    return consumers


def backward(root, grad):
    """Propagate ``grad`` = dL/d(root) to every leaf below ``root`` that requires grad.

    A node's gradient is complete once every op consuming it has passed its share on
    (dL/dx = sum over consumers), so a node is processed when its count of unprocessed
    consumers reaches zero: Kahn's topological order, iterative, so depth is unlimited.
    Interior gradients are dropped as soon as they are passed on; leaves accumulate (+=).
    """
    waiting = _count_consumers(root)
    grads = {id(root): grad}
    ready = [root]
    while ready:
        node = ready.pop()
        node_grad = grads.pop(id(node), None)
        fn = node._ctx
        if fn is None:
            if node_grad is not None:
                node._accumulate_grad(node_grad)
                for observe in backward_observers:
                    observe(node, node_grad, ())
            continue
        input_grads = fn.backward(node_grad) if node_grad is not None else ()
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        if node_grad is not None:
            for observe in backward_observers:
                observe(node, node_grad, input_grads)
        # Last input first onto the stack, so the first input (the data path) is visited
        # first: the order trace_backward shows follows the forward pass backwards.
        for position in reversed(range(len(fn.parents))):
            if not fn.needs_input_grad[position]:
                continue
            parent = fn.parents[position]
            key = id(parent)
            parent_grad = input_grads[position] if input_grads else None
            if parent_grad is not None:
                previous = grads.get(key)
                grads[key] = parent_grad if previous is None else previous + parent_grad
            waiting[key] -= 1
            if waiting[key] == 0:
                ready.append(parent)
