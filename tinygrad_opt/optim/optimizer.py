"""``Optimizer``: param groups, lazy per-parameter state, one kernel call per group.

The contract follows ``torch.optim.Optimizer``: ``param_groups`` is a list of dicts holding
``"params"`` and the group's hyper-parameters (missing ones filled from ``defaults``);
``state`` maps each parameter to a dict under PyTorch's key names, created on the
parameter's first update; ``state_dict()`` refers to parameters by their index in group
order. A subclass supplies only hyper-parameter checks, its initial state and the arguments
of its kernel: the maths lives in ``optim/kernels.py``.
"""
import inspect

import numpy as np

from ..tensor import Tensor
from . import _state_dict, kernels, reference
from ._explain import UpdateExplanation
from ._flat import FlatGroup


def check_non_negative(options, *names):
    """Raise naming the first option in ``names`` that is not a number >= 0 (TypeError for a
    non-number such as the string "0.1", ValueError for a negative value or nan)."""
    for name in names:
        if isinstance(options[name], (bool, np.bool_)) or not isinstance(
                options[name], (int, float, np.integer, np.floating)):
            raise TypeError(f"Invalid {name}: {options[name]!r} (must be a real number)")
        if not options[name] >= 0.0:
            raise ValueError(f"Invalid {name}: {options[name]} (must be >= 0)")


def check_betas(options):
    """Raise ValueError unless both ``betas`` lie in [0, 1)."""
    betas = options["betas"]
    if len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas} (expected a pair (beta1, beta2))")
    for position, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {position}: {beta} "
                             f"(must be in [0, 1))")


_NOTHING_CREATED = frozenset()
_SUBCLASS_HINT = ("Optimizer is the base class: use SGD, Adam, ... or subclass it with a kernel "
                  "name, _initial_state and _arguments (see optim/sgd.py)")


class _StateArrays(dict):
    """State arrays by name; a name the group's options leave unused reads as empty."""

    def __init__(self, arrays, dtype):
        super().__init__(arrays)
        self.dtype = dtype

    def __missing__(self, name):
        return np.empty(0, dtype=self.dtype)


class Optimizer:
    """Base class of the optimizers: groups, state, ``step``, ``zero_grad``, state dicts.

    Args:
        params: an iterable of Tensors with ``requires_grad=True``, or of dicts (param
            groups) each with ``"params"`` and any hyper-parameters that override
            ``defaults`` for that group.
        defaults: the default hyper-parameters of every group.

    Attributes:
        record_last_update: when True, ``step()`` keeps a copy of each updated parameter's
            inputs, which ``explain`` needs; off by default because the copy costs about as
            much memory traffic as the update itself.

    Raises:
        TypeError: ``params`` is a single Tensor or holds something that is not a Tensor.
        ValueError: no parameters, a parameter without ``requires_grad``, a parameter given
            twice, or an invalid hyper-parameter.
    """

    _kernel_name = None

    def __init__(self, params, defaults):
        self._check_options(defaults)
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        self.record_last_update = False
        self._flat_groups = []
        self._last_update = {}
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors or of dicts, got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyper-parameters (defaults fill the rest)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params", ())
        params = [params] if isinstance(params, Tensor) else list(params)
        _check_params(params, [p for known in self.param_groups for p in known["params"]])
        for name, value in self.defaults.items():
            group.setdefault(name, value)
        self._check_options(group)
        group["params"] = params
        self.param_groups.append(group)
        self._flat_groups.append(FlatGroup(params) if FlatGroup.accepts(params) else None)

    def zero_grad(self):
        """Set every parameter's ``.grad`` to None (PyTorch's ``set_to_none=True``)."""
        for group in self.param_groups:
            for param in group["params"]:
                param.grad = None

    def step(self, closure=None):
        """Update every parameter that has a gradient; parameters whose ``.grad`` is None
        are skipped and their state does not advance.

        Args:
            closure: optional callable that recomputes the loss (and the gradients); it is
                called first and its result returned, as in PyTorch.
        """
        if self._kernel_name is None:
            raise NotImplementedError(_SUBCLASS_HINT)
        loss = closure() if closure is not None else None
        for index, group in enumerate(self.param_groups):
            self._step_group(index, group)
        return loss

    # ----- subclass hooks -------------------------------------------------------------

    def _check_options(self, options):
        """Raise naming an invalid hyper-parameter in ``options`` (the base checks ``lr``)."""
        if "lr" in options:
            check_non_negative(options, "lr")

    def _initial_state(self, group):
        """(scalar state, {array name: fill value}) of a parameter's fresh state."""
        raise NotImplementedError(_SUBCLASS_HINT)

    def _arguments(self, group, param, grad, arrays, scalars, fresh):
        """The kernel's positional arguments; ``scalars`` already advanced to this step and
        ``fresh`` the names of the state arrays created for this step."""
        raise NotImplementedError(_SUBCLASS_HINT)

    def _advance(self, scalars):
        """Scalar state for the update being made (the step count goes up by one)."""
        return {name: value + 1.0 if name == "step" else value for name, value in scalars.items()}

    def _finish(self, scalars, result):
        """Scalar state after the kernel returned ``result`` (NAdam's new mu_product)."""
        return scalars

    # ----- the step -------------------------------------------------------------------

    def _step_group(self, index, group):
        flat = self._flat_groups[index]
        if flat is not None and not self.record_last_update and flat.is_steady(self.state):
            self._step_steady(group, flat)
            return
        params = group["params"]
        updated = [i for i, param in enumerate(params) if param.grad is not None]
        if not updated:
            return
        flat = self._checked_flat(index)
        scalars, fills = self._initial_state(group)
        whole = flat is not None and len(updated) == len(params)
        fresh = [self._prepare(params[i], i, flat, scalars, fills) for i in updated]
        if whole and self._in_lockstep(params, fresh):
            self._step_flat(group, flat, fresh[0])
            return
        if flat is not None:
            flat.steady_slots = None
        for i, names in zip(updated, fresh):
            param = params[i]
            state = self.state[param]
            grad = np.asarray(param.grad, dtype=param.data.dtype)
            if grad.shape != param.data.shape:
                raise ValueError(f"a parameter of shape {param.data.shape} has a grad of shape "
                                 f"{grad.shape}")
            arrays = {name: value.reshape(-1) for name, value in state.items()
                      if isinstance(value, np.ndarray)}
            state.update(self._update(group, param.data.reshape(-1), grad.reshape(-1), arrays,
                                      state, names, [(param, 0)]))

    def _step_flat(self, group, flat, fresh):
        """Update the whole group with one kernel call on its flat buffers."""
        params = flat.params
        for i in range(len(params)):
            flat.adopt_grad(i)
        first = self.state[params[0]]
        arrays = {name: flat.state_buffers[name] for name in first
                  if isinstance(first[name], np.ndarray)}
        owners = [(param, offset) for param, offset in zip(params, flat.offsets)]
        new_scalars = self._update(group, flat.param_buffer, flat.grad_buffer, arrays, first,
                                   fresh, owners)
        for param in params:
            self.state[param].update(new_scalars)
        flat.remember_steady(self.state, tuple(arrays), tuple(new_scalars))

    def _step_steady(self, group, flat):
        """The whole group in one kernel call, its state known to be in lockstep."""
        array_names, scalar_names = flat.steady_names
        first = self.state[flat.params[0]]
        scalars = self._advance({name: first[name] for name in scalar_names})
        arrays = _StateArrays({name: flat.state_buffers[name] for name in array_names},
                              flat.dtype)
        args = self._arguments(group, flat.param_buffer, flat.grad_buffer, arrays, scalars,
                               _NOTHING_CREATED)
        args = [arg if type(arg) in _PLAIN_TYPES else _plain_argument(arg) for arg in args]
        result = getattr(kernels, self._kernel_name)(*args)
        new_scalars = self._finish(scalars, result)
        for param in flat.params:
            self.state[param].update(new_scalars)

    def _checked_flat(self, index):
        """The group's flat layout after adopting replaced ``.data``; None if it broke."""
        flat = self._flat_groups[index]
        if flat is None or flat.in_place():
            return flat
        if all(flat.adopt_param(i) for i in range(len(flat.params))):
            return flat
        flat.release()
        self._flat_groups[index] = None
        return None

    def _prepare(self, param, index, flat, scalars, fills):
        """Create missing state for ``param`` (as views of the flat buffers when ``flat`` is
        not None) and return the names of the state arrays it created for this step."""
        if flat is None and not param.data.flags.c_contiguous:
            param.data = np.ascontiguousarray(param.data)
        state = self.state.get(param)
        if state is None:
            state = self.state[param] = dict(scalars)
        created = _NOTHING_CREATED
        for name, fill in fills.items():
            current = state.get(name)
            if flat is not None:
                view = flat.state_slots(name)[index]
                if current is view:
                    continue
                if current is None:
                    view.fill(fill)
                else:
                    np.copyto(view, current)
                state[name] = view
            elif current is None:
                state[name] = np.full_like(param.data, fill)
            if current is None:
                created = created | {name}
        for name, value in scalars.items():
            state.setdefault(name, value)
        return created

    def _in_lockstep(self, params, fresh):
        """True when all parameters have equal scalar state and the same state arrays, so
        one kernel call over the flat buffers updates them all exactly as separate calls."""
        first = self.state[params[0]]
        for param, names in zip(params, fresh):
            state = self.state[param]
            if names != fresh[0] or state.keys() != first.keys():
                return False
            if any(state[name] != value for name, value in first.items()
                   if not isinstance(value, np.ndarray)):
                return False
        return True

    def _update(self, group, param, grad, arrays, state, fresh, owners):
        """Call the kernel once on flat arrays; return the new scalar state.

        ``owners`` lists (parameter, offset in the flat arrays), for ``explain``.
        """
        scalars = self._advance({name: value for name, value in state.items()
                                 if not isinstance(value, np.ndarray)})
        args = [_plain_argument(value) for value in self._arguments(
            group, param, grad, _StateArrays(arrays, param.dtype), scalars, fresh)]
        if self.record_last_update:
            inputs = [value.copy() if isinstance(value, np.ndarray) else value for value in args]
            for owner, offset in owners:
                self._last_update[owner] = (inputs, offset)
        result = getattr(kernels, self._kernel_name)(*args)
        return self._finish(scalars, result)

    # ----- state dicts ----------------------------------------------------------------

    def state_dict(self):
        """The optimizer's state as PyTorch lays it out, with copied arrays.

        Returns:
            ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [index]}]}``
            where ``index`` numbers the parameters across groups in order.
        """
        return _state_dict.pack(self.param_groups, self.state)

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by ``state_dict``, so that the run
        continues exactly as it would have; arrays are copied in the parameters' dtype.

        Raises:
            ValueError: the number of groups, a group's size or a state array's shape does
                not match this optimizer's parameters (nothing is changed then).
        """
        state, options = _state_dict.unpack(self.param_groups, state_dict, self._check_options)
        for group, group_options in zip(self.param_groups, options):
            group.update(group_options)
        self.state = state
        self._last_update = {}
        for flat in self._flat_groups:
            if flat is not None:
                flat.steady_slots = None

    # ----- teaching aids --------------------------------------------------------------

    def explain(self, param, index):
        """Every number of the last update of one element of ``param``.

        Re-runs the element's update with ``optim/reference.py`` on the inputs that
        ``step()`` recorded, so each value is exactly what the kernel computed.

        Args:
            param: a parameter of this optimizer.
            index: the element, as a flat int or a tuple of indices into ``param``.

        Returns:
            An ``UpdateExplanation``: inputs, then intermediates beside their formulas.

        Raises:
            RuntimeError: ``record_last_update`` was off, or ``param`` was never updated.
        """
        if param not in self._last_update:
            raise RuntimeError("no recorded update for this parameter: set "
                               "optimizer.record_last_update = True before step()")
        inputs, offset = self._last_update[param]
        flat_index = (np.ravel_multi_index(index, param.data.shape)
                      if isinstance(index, tuple) else int(index))
        position = offset + flat_index
        element = [value[position:position + 1].copy()
                   if isinstance(value, np.ndarray) and value.size else value for value in inputs]
        rule = getattr(reference, self._kernel_name)
        names = list(inspect.signature(rule).parameters)
        before = [(name, value.copy() if isinstance(value, np.ndarray) else value)
                  for name, value in zip(names, element)
                  if not (isinstance(value, np.ndarray) and value.size == 0)]
        steps = rule(*element)
        title = (f"{type(self).__name__} update of element {index} of a parameter of shape "
                 f"{param.data.shape} ({param.data.dtype}); step counts this update")
        return UpdateExplanation(title, before, steps.items(), self._kernel_name)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for position, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {position}")
            lines += [f"    {name}: {group[name]}" for name in sorted(group) if name != "params"]
        return "\n".join(lines + [")"])


def _check_params(params, known):
    """Raise unless ``params`` are new, distinct Tensors that require grad."""
    if not params:
        raise ValueError("a param group needs at least one parameter")
    for param in params:
        if not isinstance(param, Tensor):
            raise TypeError(f"optimizer can only optimize Tensors, got {type(param).__name__}")
        if not param.requires_grad:
            raise ValueError(f"a Tensor of shape {param.data.shape} has requires_grad=False: "
                             f"the optimizer cannot update it")
    if len({id(param) for param in params}) != len(params):
        raise ValueError("some parameters appear more than once in a param group")
    if {id(param) for param in params} & {id(param) for param in known}:
        raise ValueError("some parameters appear in more than one param group")


_PLAIN_TYPES = frozenset((float, bool, np.ndarray))


def _plain_argument(value):
    """Kernel arguments as arrays, Python bools or Python floats: an int or NumPy scalar
    would make Numba compile (and cache) another specialisation of the kernel."""
    if type(value) is float or isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return float(value)
