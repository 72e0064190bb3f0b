"""Module and Parameter: the containers that hold a model's weights and state.

A Module finds its parameters, sub-modules and buffers by looking at its attributes
(also inside lists, tuples and dicts), the way micrograd's ``parameters()`` walks its
layers; nothing needs registering except buffers (plain NumPy arrays such as BatchNorm's
running statistics). Names are dotted paths, e.g. ``layers.2.weight``.
"""
from collections.abc import Mapping

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module trains: ``requires_grad=True``, discovered by ``parameters()``.

    Args:
        data: an array-like or a Tensor (copied). A float array's dtype is kept (float64
            stays float64); Python floats and non-float data become float32.
    """

    def __init__(self, data):
        array = data.data if isinstance(data, Tensor) else Tensor(data).data
        if not np.issubdtype(array.dtype, np.floating):
            array = array.astype(np.float32)
        super().__init__(array, requires_grad=True)

    # The dotted path under which a Module last listed this parameter (``layers.0.weight``),
    # set by ``Module.named_parameters``, so that an optimizer's errors can name it.
    name = None

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


_call_depth = 0  # > 0 inside a module's forward: inner modules' inputs are already cast
_SETTING_TYPES = frozenset((bool, int, float, str, type(None)))  # never hold a Parameter


def _cast_inputs(args, dtype):
    """Positional inputs brought to ``dtype``, Keras-style: integer or float arrays, nested
    lists of numbers and Tensors of another dtype are converted (differentiably for float
    Tensors); boolean masks, lists of Tensors and everything else pass as they are.

    Converts only where the dtype differs, so a matching Tensor costs one comparison.
    """
    if dtype is None:
        return args
    cast = []
    for value in args:
        if isinstance(value, Tensor):
            if value.data.dtype != dtype and value.data.dtype.kind in "iuf":
                value = value.astype(dtype)
        elif isinstance(value, np.ndarray) or (
                isinstance(value, list) and not any(isinstance(v, Tensor) for v in value)):
            array = np.asarray(value)
            if array.dtype.kind in "iuf":
                value = Tensor._wrap(array.astype(dtype, copy=False))
        cast.append(value)
    return cast


def _members(module):
    """Yield ``(name, value)`` for each attribute, looking one level into lists/tuples/dicts."""
    for name, value in vars(module).items():
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                yield f"{name}.{index}", item
        elif isinstance(value, dict):
            for key, item in value.items():
                yield f"{name}.{key}", item
        else:
            yield name, value


class Module:
    """Base class of layers and models (``torch.nn.Module``'s interface, by discovery).

    Subclasses call ``super().__init__()``, assign Parameters and sub-modules as attributes
    and implement ``forward``; ``module(x)`` calls ``forward(x)``.
    """

    def __init__(self):
        self.training = True
        self._buffer_names = []

    def forward(self, *args, **kwargs):
        """Compute the output; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        """``forward(*args, **kwargs)``; the outermost call on a model with parameters first
        brings array inputs to the parameters' dtype (see ``_cast_inputs``)."""
        global _call_depth
        if _call_depth:
            return self.forward(*args, **kwargs)
        _call_depth += 1
        try:
            return self.forward(*_cast_inputs(args, self._parameter_dtype()), **kwargs)
        finally:
            _call_depth -= 1

    def _parameter_dtype(self):
        """The dtype of the first parameter (in ``named_parameters`` order: a module's own
        before its sub-modules'), or None for a module without parameters.

        Runs on every outermost call, so it stops at the first parameter, builds no names
        and passes over plain settings (``training``, sizes, names) with one type lookup:
        this walk cost about 3% of a small MLP's training step before that skip.
        """
        stack, seen = [self], set()
        while stack:
            module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            children = []
            for value in vars(module).values():
                if type(value) in _SETTING_TYPES:
                    continue
                if isinstance(value, dict):
                    value = list(value.values())
                for item in value if isinstance(value, (list, tuple)) else (value,):
                    if isinstance(item, Parameter):
                        return item.data.dtype
                    if isinstance(item, Module):
                        children.append(item)
            stack.extend(reversed(children))
        return None

    def requires_grad_(self, flag=True):
        """Set ``requires_grad`` on every parameter (``False`` freezes the module: backward
        then leaves their ``.grad`` untouched). Returns self."""
        for param in self.parameters():
            param.requires_grad_(flag)
        return self

    def register_buffer(self, name, value):
        """Store ``value`` (an ndarray, or None) as attribute ``name`` and in ``state_dict``.

        Buffers are state that is saved and converted by ``to`` but not trained.
        """
        if name not in self._buffer_names:
            self._buffer_names.append(name)
        setattr(self, name, None if value is None else np.asarray(value))

    def named_children(self):
        """Yield ``(name, module)`` for the direct sub-modules."""
        for name, value in _members(self):
            if isinstance(value, Module):
                yield name, value

    def children(self):
        """Yield the direct sub-modules."""
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix=""):
        """Yield ``(dotted_name, module)`` for this module (name ``prefix``) and all below it,
        depth first in attribute order, each module once."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child_name}" if name else child_name, child)
                        for child_name, child in module.named_children()]
            stack.extend(reversed(children))

    def modules(self):
        """Yield this module and every module below it, each once (``named_modules``)."""
        for _, module in self.named_modules():
            yield module

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-module, children first, then on self (as
        PyTorch's, e.g. to initialise weights); return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def named_parameters(self):
        """Yield ``(dotted_name, Parameter)`` for every parameter, each once (shared ones
        under their first name), e.g. ``("layers.0.weight", W)``; each parameter records
        that name as ``param.name``, which optimizers use in their error messages."""
        seen = set()
        for module_name, module in self.named_modules():
            for name, value in _members(module):
                if isinstance(value, Parameter) and id(value) not in seen:
                    seen.add(id(value))
                    value.name = f"{module_name}.{name}" if module_name else name
                    yield value.name, value

    def parameters(self):
        """Return the list of Parameters (the argument an optimizer takes)."""
        return [param for _, param in self.named_parameters()]

    def named_buffers(self):
        """Yield ``(dotted_name, ndarray)`` for every buffer that is not None."""
        for module_name, module in self.named_modules():
            for name in module._buffer_names:
                value = getattr(module, name)
                if value is not None:
                    yield (f"{module_name}.{name}" if module_name else name), value

    def num_parameters(self):
        """Return the total number of trainable scalars."""
        return sum(param.data.size for param in self.parameters())

    def train(self, mode=True):
        """Set ``training`` on this module and every sub-module; returns self."""
        for _, module in self.named_modules():
            module.training = bool(mode)
        return self

    def eval(self):
        """Switch to evaluation mode (``train(False)``): Dropout off, BatchNorm uses running
        statistics. Returns self."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Set every parameter's ``.grad`` to None (or, with ``set_to_none=False``, an
        existing one to zeros), as PyTorch."""
        for param in self.parameters():
            param.grad = None if set_to_none or param.grad is None else np.zeros_like(param.grad)

    def _state_arrays(self):
        """Map each state_dict key to the live array it reads from and loads into."""
        arrays = {}
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, value in _members(module):
                if isinstance(value, Parameter):
                    arrays.setdefault(prefix + name, value.data)
            for name in module._buffer_names:
                if getattr(module, name) is not None:
                    arrays[prefix + name] = getattr(module, name)
        return arrays

    def state_dict(self):
        """Return ``{dotted_name: ndarray copy}`` for every parameter and buffer.

        Copies, so a saved state does not change when training continues.
        """
        return {name: array.copy() for name, array in self._state_arrays().items()}

    def load_state_dict(self, state_dict):
        """Copy ``state_dict``'s arrays into this module's parameters and buffers, in place.

        Every key, shape and dtype is checked before anything is written, so a failed load leaves
        the module unchanged. Values are copied into the existing arrays (``np.copyto``),
        never rebound, so an optimizer that holds the parameters, or views into a flat
        buffer behind them, keeps seeing the loaded values.

        Raises:
            ValueError: a key is missing or unexpected, or a shape differs; the message
                names the key(s) and both shapes.
            TypeError: a value's dtype cannot be cast to the target's without changing kind
                (strings, or floats into the integer ``num_batches_tracked``).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict takes a dict of arrays (model.state_dict(), or "
                            f"tg.load(path) of one), got {type(state_dict).__name__} "
                            f"{state_dict!r:.60}")
        targets = self._state_arrays()
        missing = [name for name in targets if name not in state_dict]
        unexpected = [name for name in state_dict if name not in targets]
        if missing or unexpected:
            nested = [key for key in ("model", "weights") if isinstance(state_dict.get(key),
                                                                        Mapping)]
            hint = f"; the model's state seems to be under {nested[0]!r}: " \
                   f"load_state_dict(state[{nested[0]!r}])" if missing and nested else ""
            raise ValueError(f"load_state_dict: missing keys {missing}, "
                             f"unexpected keys {unexpected}{hint}")
        values = {}
        for name, target in targets.items():
            value = state_dict[name]
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
            if value.shape != target.shape:
                raise ValueError(f"load_state_dict: shape mismatch for {name!r}: the module has "
                                 f"{target.shape}, the state_dict has {value.shape}")
            if not np.can_cast(value.dtype, target.dtype, casting="same_kind"):
                raise TypeError(f"load_state_dict: {name!r} holds {value.dtype} values, which "
                                f"cannot be loaded into the module's {target.dtype} array")
            values[name] = value
        for name, target in targets.items():
            np.copyto(target, values[name], casting="same_kind")

    def to(self, dtype):
        """Convert every parameter (and its grad) and every float buffer to ``dtype``.

        Parameters keep their identity (only ``.data`` is replaced), like PyTorch's
        ``.double()``; but the arrays are new, so create the optimizer after converting:
        one created before refuses its old-dtype state at the next step.
        Integer buffers (``num_batches_tracked``) keep their dtype. Returns self.

        Raises:
            ValueError: ``dtype`` is not float32 or float64 (float16 has no kernels).
        """
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"to(): dtype must be a floating dtype the optimizer kernels "
                             f"are compiled for, float32 or float64; got {dtype}")
        for param in self.parameters():
            param.data = param.data.astype(dtype)
            if param.grad is not None:
                param.grad = param.grad.astype(dtype)
        for _, module in self.named_modules():
            for name in module._buffer_names:
                value = getattr(module, name)
                if value is not None and np.issubdtype(value.dtype, np.floating):
                    setattr(module, name, value.astype(dtype))
        return self

    def float(self):
        """``to(np.float32)``, PyTorch's ``Module.float()``."""
        return self.to(np.float32)

    def double(self):
        """``to(np.float64)``, PyTorch's ``Module.double()``."""
        return self.to(np.float64)

    def extra_repr(self):
        """Return the constructor arguments shown by ``repr`` (override in layers)."""
        return ""

    def _own_parameters_summary(self):
        params = [(name, value) for name, value in _members(self) if isinstance(value, Parameter)]
        if not params:
            return ""
        shapes = ", ".join(f"{name} {value.data.shape}" for name, value in params)
        count = sum(value.data.size for _, value in params)
        return f"  [{shapes}; {count:,} params]"

    def __repr__(self):
        head = f"{type(self).__name__}({self.extra_repr()})"
        children = list(self.named_children())
        if not children:
            return head + self._own_parameters_summary()
        lines = [head[:-1]]
        for name, child in children:
            child_lines = repr(child).split("\n")
            lines.append(f"  ({name}): {child_lines[0]}")
            lines.extend("  " + line for line in child_lines[1:])
        lines.append(f"){self._own_parameters_summary()}  total {self.num_parameters():,} params")
        return "\n".join(lines)
