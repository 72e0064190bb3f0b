"""``explain``: every number of the update ``step()`` would make now to one element.

The optimizer builds its kernel's arguments from copies of the parameter, its gradient and
its state, and ``optim/reference.py`` (the readable NumPy version of the kernel) runs on one
element of them, returning each intermediate; nothing of the optimizer changes, and
``step()`` itself records nothing.
"""
import copy
import inspect

import numpy as np

from . import reference
from .reference import FORMULAS, RULE_FORMULAS, UPDATE_FORMULAS


def explain(optimizer, param, index):
    """See ``Optimizer.explain``."""
    group = next((group for group in optimizer.param_groups
                  if any(p is param for p in group["params"])), None)
    if group is None:
        raise ValueError("explain: this tensor is not a parameter of the optimizer")
    if param.grad is None:
        raise RuntimeError("explain: the parameter has no gradient (.grad is None), so step() "
                           "would not update it; call backward() first")
    data = np.array(param.data, order="C").reshape(-1)
    grad = np.array(param.grad, dtype=data.dtype, order="C").reshape(-1)
    if group.get("maximize", False):  # as step(): the kernel sees -grad
        grad = -grad
    state = copy.deepcopy(optimizer.state.get(param, {}))
    args = optimizer._arguments(param, data, grad, state, optimizer._kernel_options(group))
    position = _flat_position(index, param.data.shape)
    element = [value[position:position + 1].copy()
               if isinstance(value, np.ndarray) and value.size else value for value in args]
    rule = getattr(reference, optimizer._kernel_name)
    names = list(inspect.signature(rule).parameters)
    before = [(name, value.copy() if isinstance(value, np.ndarray) else value)
              for name, value in zip(names, element)
              if not (isinstance(value, np.ndarray) and value.size == 0)]
    steps = rule(*element)
    title = (f"{type(optimizer).__name__} update of element {index} of a parameter of shape "
             f"{param.data.shape} ({param.data.dtype}) that step() would make now"
             + ("; step is the number of this update (1 = first)" if "step" in names else "")
             + ("; maximize: grad is -param.grad" if group.get("maximize", False) else ""))
    return UpdateExplanation(title, before, steps.items(), optimizer._kernel_name)


def _flat_position(index, shape):
    """The flat position of ``index`` (an int, or a tuple with one index per axis)."""
    size = int(np.prod(shape))
    if isinstance(index, tuple):
        if len(index) != len(shape) or not all(0 <= i < n for i, n in zip(index, shape)):
            raise IndexError(f"explain: element {index} is not an index of a parameter of "
                             f"shape {shape} (one index per axis, each within its length)")
        return int(np.ravel_multi_index(index, shape)) if shape else 0
    if not 0 <= int(index) < size:
        raise IndexError(f"explain: element {index} is outside a parameter of shape {shape} "
                         f"(flat positions 0..{size - 1})")
    return int(index)


class UpdateExplanation:
    """The inputs and intermediates of one element's update, in the order computed.

    Indexing by name gives a value (``explanation["denom"]``); ``str()`` gives a table with
    the formula beside each intermediate.

    Args:
        title: what was updated (optimizer, parameter shape, element).
        inputs: (name, value) pairs: the element's values before the update and the scalars
            the kernel received (step, lr, betas, ...).
        steps: (name, value) pairs returned by the reference rule ``rule_name``;
            ``RULE_FORMULAS[rule_name]``, else ``FORMULAS``, and ``UPDATE_FORMULAS[rule_name]``
            give their formulas.
        rule_name: the name of the kernel and reference function (``"adam_update"``).
    """

    def __init__(self, title, inputs, steps, rule_name):
        formulas = {**FORMULAS, **RULE_FORMULAS.get(rule_name, {})}
        formulas["param"] = UPDATE_FORMULAS[rule_name]
        self.title = title
        self.inputs = [(name, _plain(value)) for name, value in inputs]
        self.steps = [(name, _plain(value), formulas[name]) for name, value in steps]

    def __getitem__(self, name):
        for entry in self.steps[::-1] + [(*pair, "") for pair in self.inputs]:
            if entry[0] == name:
                return entry[1]
        raise KeyError(f"{name!r} is not part of this update; known: {self.names()}")

    def names(self):
        """Names of the inputs, then of the intermediates."""
        return [name for name, _ in self.inputs] + [name for name, _, _ in self.steps]

    def __str__(self):
        width = max(len(name) for name in self.names())
        lines = [self.title, "  before the update:"]
        lines += [f"    {name:<{width}} = {_text(value)}" for name, value in self.inputs]
        lines.append("  the update:")
        lines += [f"    {name:<{width}} = {_text(value):<24}  {formula}"
                  for name, value, formula in self.steps]
        return "\n".join(lines)

    __repr__ = __str__


def _plain(value):
    """A one-element array as a NumPy scalar of its dtype; other values unchanged."""
    if isinstance(value, np.ndarray):
        return value.reshape(())[()] if value.size == 1 else None
    return value


def _text(value):
    """A value with the digits its dtype holds: float32 0.49 prints as 0.49, not as the
    float64 expansion 0.49000000953674316; Python floats (the scalars) print in full."""
    if isinstance(value, np.bool_):
        return repr(bool(value))
    return str(value) if isinstance(value, np.generic) else repr(value)
