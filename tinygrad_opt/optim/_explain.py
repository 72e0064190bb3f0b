"""``UpdateExplanation``: every number of one element's last update, with its formula."""
import numpy as np

from .reference import FORMULAS, UPDATE_FORMULAS


class UpdateExplanation:
    """The inputs and intermediates of one element's last update, in the order computed.

    Indexing by name gives a value (``explanation["denom"]``); ``str()`` gives a table with
    the formula beside each intermediate.

    Args:
        title: what was updated (optimizer, parameter shape, element).
        inputs: (name, value) pairs: the element's values before the update and the scalars
            the kernel received (step, lr, betas, ...).
        steps: (name, value) pairs returned by the reference rule ``rule_name``; ``FORMULAS``
            and ``UPDATE_FORMULAS[rule_name]`` give their formulas.
        rule_name: the name of the kernel and reference function (``"adam_update"``).
    """

    def __init__(self, title, inputs, steps, rule_name):
        formulas = {**FORMULAS, "param": UPDATE_FORMULAS[rule_name]}
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
        lines += [f"    {name:<{width}} = {value!r}" for name, value in self.inputs]
        lines.append("  the update:")
        lines += [f"    {name:<{width}} = {value!r:<24}  {formula}"
                  for name, value, formula in self.steps]
        return "\n".join(lines)

    __repr__ = __str__


def _plain(value):
    """A one-element array or NumPy scalar as a Python number; other values unchanged."""
    if isinstance(value, np.ndarray):
        return value.item() if value.size == 1 else None
    if isinstance(value, np.generic):
        return value.item()
    return value
