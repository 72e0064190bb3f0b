"""The reverse-mode engine: the Function contract, grad mode, and backward over a graph.

This module knows nothing about ``Tensor``. A graph node is any object with

* ``requires_grad`` (bool),
* ``data``: its array (backward checks each gradient against its shape),
* ``_ctx``: the ``Function`` instance that produced it, or ``None`` for a leaf,
* ``_accumulate_grad(grad)``: called once per ``backward`` on each leaf that requires grad.

A ``Function`` instance is one application of an op: it is its own context, holding the
input nodes (``parents``), which of them need a gradient, and whatever ``forward`` saved.
The chain rule then needs only a topological order: each node's gradient is complete once
every node that consumed it has been visited, so ``backward`` walks the order in reverse.
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

    def __init_subclass__(cls, **kwargs):
        """Refuse PyTorch's ``@staticmethod forward(ctx, ...)`` where the class is defined:
        here the op instance is the context, and the static form failed later with
        "forward() missing 1 required positional argument"."""
        super().__init_subclass__(**kwargs)
        for name in ("forward", "backward"):
            if isinstance(cls.__dict__.get(name), staticmethod):
                raise TypeError(
                    f"{cls.__name__}.{name} is a @staticmethod taking ctx, as in PyTorch; a "
                    f"tg.Function is its own context: write 'def {name}(self, ...)' without "
                    f"@staticmethod and use self.save_for_backward / self.saved_tensors")

    @classmethod
    def apply(cls, *inputs, **options):
        """Run this op forward on ``inputs`` and record it for backward; return a Tensor.

        ``inputs`` are Tensors or array-likes (non-Tensors become constants); ``options`` are
        passed to ``forward`` as keywords. The op is recorded only when grad mode is on and
        some input requires grad: ``MyOp.apply(x, scale=2.0)``.
        """
        return cls.node_type._record(cls, inputs, options)

    def __call__(self, *inputs, **options):
        raise TypeError(f"a Function is used through its class: {type(self).__name__}.apply(...)"
                        f", not {type(self).__name__}()(...)")

    def save_for_backward(self, *arrays):
        """Keep arrays that ``backward`` will read (available as ``self.saved_tensors``)."""
        self.saved_tensors = arrays

    def __repr__(self):
        return f"<{type(self).__name__} node>"


def parents(node):
    """The inputs of the op that produced ``node``; ``()`` for a leaf."""
    return node._ctx.parents if node._ctx is not None else ()


def topological_order(root, constants=False):
    """Return ``root`` and the nodes it depends on, each after all of its inputs.

    The order is the forward pass's: depth first, an op's inputs in the order it took them
    (``x @ W + b``: x, W, MatMul, b, Add), so ``backward`` visits the exact reverse. Only
    nodes that require grad are followed, unless ``constants`` is True (to draw the whole
    graph). Iterative, so a graph 10,000 ops deep needs no recursion.
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
            for parent in reversed(node._ctx.parents):
                if (constants or parent.requires_grad) and id(parent) not in visited:
                    stack.append((parent, False))
    return order


backward_observers = []
"""Callables ``observer(node, node_grad, input_grads)`` that ``backward`` calls at each node it
visits, in order: ``node_grad`` is dL/d(node), ``input_grads`` what the node passes to each of
its parents (empty for a leaf). Used by ``trace.trace_backward`` to show backprop step by step.
"""


def backward(root, grad):
    """Propagate ``grad`` = dL/d(root) to every leaf below ``root`` that requires grad.

    Visiting the nodes in reverse topological order means every consumer of a node is
    visited before the node itself, so its gradient dL/dx = sum over consumers is complete
    when its turn comes. Interior gradients are dropped once passed on; leaves accumulate.
    """
    grads = {id(root): grad}
    for node in reversed(topological_order(root)):
        node_grad = grads.pop(id(node), None)
        if node_grad is None:
            continue
        fn = node._ctx
        if fn is None:
            node._accumulate_grad(node_grad)
            for observe in backward_observers:
                observe(node, node_grad, ())
            continue
        input_grads = fn.backward(node_grad)
        if type(input_grads) is not tuple:
            input_grads = tuple(input_grads) if type(input_grads) is list else (input_grads,)
        if len(input_grads) != len(fn.parents):
            raise RuntimeError(f"{type(fn).__name__}.backward returned {len(input_grads)} "
                               f"gradients for {len(fn.parents)} inputs")
        for observe in backward_observers:
            observe(node, node_grad, input_grads)
        for parent, needed, parent_grad in zip(fn.parents, fn.needs_input_grad, input_grads):
            if needed and parent_grad is not None:
                shape = getattr(parent_grad, "shape", None)
                if shape != parent.data.shape or parent_grad.dtype.kind != "f":
                    _refuse_grad(fn, parent, parent_grad)
                previous = grads.get(id(parent))
                grads[id(parent)] = parent_grad if previous is None else previous + parent_grad


def _refuse_grad(fn, parent, grad):
    """Raise for a gradient that does not fit its input, naming the op that returned it.

    The dtype may differ within floating point (a float32 input used with a float64 one
    receives a float64 gradient, converted when it reaches the leaf); it may not be
    anything else.
    """
    shape = getattr(grad, "shape", None)
    position = [p is parent for p in fn.parents].index(True)
    got = f"shape {shape} and dtype {grad.dtype}" if shape is not None else type(grad).__name__
    raise RuntimeError(
        f"{type(fn).__name__}.backward returned a gradient ({got}) for input {position}, "
        f"which has shape {parent.data.shape} and dtype {parent.data.dtype}")
