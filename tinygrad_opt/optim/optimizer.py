"""``Optimizer``: param groups, lazy per-parameter state, one kernel call per parameter.

The contract follows ``torch.optim.Optimizer``: ``param_groups`` is a list of dicts holding
``"params"`` and the group's hyper-parameters (missing ones filled from ``defaults``);
``state`` maps each parameter to a dict under PyTorch's key names, created on the
parameter's first update; ``state_dict()`` refers to parameters by their index in group
order. ``step()`` has PyTorch's single-tensor shape: for each group, for each parameter
with a gradient, one call of the optimizer's kernel in ``optim/kernels.py``, which updates
``param.data`` in place (the array is never replaced). A subclass supplies only its
hyper-parameter checks and the kernel's arguments: the maths lives in the kernel.
"""
import numpy as np

from ..tensor import Tensor
from . import _explain, _state_dict, kernels

_SUBCLASS_HINT = ("Optimizer is the base class: use SGD, Adam, ... or subclass it with a kernel "
                  "name, _kernel_options and _arguments (see optim/sgd.py)")


def check_non_negative(options, *names):
    """Raise naming the first option in ``names`` that is not a number >= 0 (TypeError for a
    non-number such as the string "0.1", ValueError for a negative value or nan)."""
    for name in names:
        if isinstance(options[name], (bool, np.bool_)) or not isinstance(
                options[name], (int, float, np.integer, np.floating)):
            raise TypeError(f"Invalid {name}: {options[name]!r} (must be a real number)")
        if not options[name] >= 0.0:
            raise ValueError(f"Invalid {name}: {options[name]} (must be >= 0)")


def as_betas(betas):
    """``betas`` as a tuple; TypeError naming it unless it is a pair (``betas=0.9`` is not)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"Invalid betas: {betas!r}; betas must be a pair (beta1, beta2), "
                        f"e.g. betas=(0.9, 0.999)")
    return tuple(betas)


def check_betas(options):
    """Raise unless ``betas`` is a pair (TypeError otherwise, e.g. ``betas=0.9``) whose
    values lie in [0, 1) (ValueError otherwise)."""
    betas = as_betas(options["betas"])
    for position, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {position}: {beta} "
                             f"(must be in [0, 1))")


def describe(param):
    """``parameter 'layers.0.weight' of shape (64, 10)``: the module path when known."""
    name = getattr(param, "name", None)
    label = f"parameter {name!r}" if name else "a parameter"
    return f"{label} of shape {param.data.shape}"


class Optimizer:
    """Base class of the optimizers: groups, state, ``step``, ``zero_grad``, state dicts.

    Args:
        params: an iterable of floating-point Tensors, or of dicts (param groups) each with
            ``"params"`` and any hyper-parameters that override ``defaults`` for that group.
            A parameter with ``requires_grad=False`` (frozen) is accepted and, like any
            parameter whose ``.grad`` is None, skipped by ``step``.
        defaults: the default hyper-parameters of every group.

    Raises:
        TypeError: ``params`` is a single Tensor or holds something that is not a Tensor.
        ValueError: no parameters, a non-floating parameter, a parameter given twice, or an
            invalid hyper-parameter.
    """

    _kernel_name = None
    _state_names = frozenset()  # the state keys this optimizer creates (checked on load)

    def __init__(self, params, defaults):
        self._check_options(defaults)
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
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

    def zero_grad(self, set_to_none=True):
        """Set every parameter's ``.grad`` to None (PyTorch's default ``set_to_none=True``):
        the next backward then hands out new gradient arrays. With ``set_to_none=False`` an
        existing gradient becomes zeros instead (a None one stays None), as PyTorch."""
        for group in self.param_groups:
            for param in group["params"]:
                param.grad = (None if set_to_none or param.grad is None
                              else np.zeros_like(param.grad))

    def step(self, closure=None):
        """Update every parameter that has a gradient, one kernel call each; parameters whose
        ``.grad`` is None (frozen, or unused by the loss) are skipped and their state does
        not advance. In a group with ``maximize=True`` the kernel gets ``-grad`` in place of
        ``grad`` (PyTorch's rule: every optimizer then ascends the objective).

        Args:
            closure: optional callable that recomputes the loss (and the gradients); it is
                called first and its result returned, as in PyTorch.

        Raises:
            ValueError: a gradient or state array whose shape does not match its parameter.
        """
        if self._kernel_name is None:
            raise NotImplementedError(_SUBCLASS_HINT)
        loss = closure() if closure is not None else None
        kernel = getattr(kernels, self._kernel_name)
        for group in self.param_groups:
            options = self._kernel_options(group)
            maximize = group.get("maximize", False)
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                state = self.state.get(param)
                if state is None:
                    state = self.state[param] = {}
                data = param.data
                if not data.flags.c_contiguous:
                    self._step_copy(kernel, param, state, options, maximize)
                    continue
                if (type(grad) is not np.ndarray or grad.dtype is not data.dtype
                        or grad.shape != data.shape or not grad.flags.c_contiguous):
                    grad = _checked_grad(param)
                if maximize:
                    grad = -grad
                args = self._arguments(param, data.ravel(), grad.ravel(), state, options)
                self._finish(state, kernel(*args))
        return loss

    def _step_copy(self, kernel, param, state, options, maximize):
        """Update a non-contiguous ``param.data`` through a contiguous copy, written back in
        place so that the array the parameter holds stays the same."""
        contiguous = np.ascontiguousarray(param.data)
        grad = _checked_grad(param).ravel()
        if maximize:
            grad = -grad
        args = self._arguments(param, contiguous.ravel(), grad, state, options)
        self._finish(state, kernel(*args))
        np.copyto(param.data, contiguous)

    # ----- subclass hooks -------------------------------------------------------------

    def _check_options(self, options):
        """Raise naming an invalid hyper-parameter in ``options`` (the base checks ``lr``)."""
        if "lr" in options:
            check_non_negative(options, "lr")

    def _kernel_options(self, group):
        """The kernel's hyper-parameter arguments for ``group`` as plain Python floats and
        bools (an int or NumPy scalar would make Numba compile another specialisation);
        computed once per group per step."""
        raise NotImplementedError(_SUBCLASS_HINT)

    def _arguments(self, param, data, grad, state, options):
        """The kernel's arguments for one parameter: advance the scalar state (step) and
        create any state array the options now need (see ``state_array``)."""
        raise NotImplementedError(_SUBCLASS_HINT)

    def _finish(self, state, result):
        """Store what the kernel returned (NAdam's new mu_product); nothing by default."""

    @staticmethod
    def state_array(param, data, state, name, fill=0.0):
        """``state[name]`` as a flat view for the kernel, created filled with ``fill`` (in
        the parameter's shape and dtype) when missing.

        Raises:
            ValueError: the stored array does not match the parameter's size or dtype (the
                kernel would read or write past its end), naming the parameter.
        """
        array = state.get(name)
        if array is None:
            array = state[name] = np.full(param.data.shape, fill, dtype=data.dtype)
        elif (array.size != data.size or array.dtype is not data.dtype
              or not array.flags.c_contiguous) and not _fits(array, data):
            raise ValueError(f"optimizer state {name!r} of {describe(param)} is a "
                             f"{array.dtype} array of shape {array.shape}; expected "
                             f"{data.dtype} of the parameter's shape (create the optimizer "
                             f"after changing a parameter's shape or dtype)")
        return array.ravel()

    # ----- state dicts ----------------------------------------------------------------

    def state_dict(self):
        """The optimizer's state as PyTorch lays it out, with copied arrays.

        Returns:
            ``{"optimizer": class name, "state": {index: {name: value}}, "param_groups":
            [{..., "params": [index]}]}`` where ``index`` numbers the parameters across
            groups in order (PyTorch's layout plus the class name).
        """
        return _state_dict.pack(type(self).__name__, self.param_groups, self.state)

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by ``state_dict``, so that the run
        continues exactly as it would have; arrays are copied in the parameters' dtype.

        Everything is validated before anything changes, so a refused state dict leaves the
        optimizer as it was.

        Raises:
            ValueError: the state dict comes from another optimizer type (named by its
                ``"optimizer"`` entry, or told by missing options or unknown state names), or
                the number of groups, a group's size, a state array's shape or dtype, or a
                value does not fit this optimizer.
        """
        state, options = _state_dict.unpack(self, state_dict)
        for group, group_options in zip(self.param_groups, options):
            group.update(group_options)
        self.state = state

    # ----- teaching aids --------------------------------------------------------------

    def explain(self, param, index):
        """Every number of the update that ``step()`` would make now to one element.

        Runs ``optim/reference.py`` on copies of the parameter, its current ``.grad`` and its
        state, so nothing changes; call it after ``backward()`` and before ``step()``.

        Args:
            param: a parameter of this optimizer, with a gradient.
            index: the element, as a flat int or a tuple of indices into ``param``.

        Returns:
            An ``UpdateExplanation``: inputs, then intermediates beside their formulas.

        Raises:
            ValueError: ``param`` is not one of this optimizer's parameters.
            RuntimeError: ``param.grad`` is None (there is no update to explain).
        """
        return _explain.explain(self, param, index)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for position, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {position}")
            lines += [f"    {name}: {group[name]}" for name in sorted(group) if name != "params"]
        return "\n".join(lines + [")"])


def _checked_grad(param):
    """``param.grad`` as a contiguous array of the parameter's dtype (a converted copy when
    the user assigned another dtype or layout: the user's array is never written)."""
    grad = np.asarray(param.grad, dtype=param.data.dtype, order="C")  # 0-d stays 0-d
    if grad.shape != param.data.shape:
        raise ValueError(f"{describe(param)} has a grad of shape {grad.shape}")
    return grad


def _fits(array, data):
    """True when a state array can stand for ``data`` in a kernel call (the slow check, for
    dtypes equal but not identical)."""
    return (isinstance(array, np.ndarray) and array.size == data.size
            and array.dtype == data.dtype and array.flags.c_contiguous)


def _check_params(params, known):
    """Raise unless ``params`` are new, distinct floating-point Tensors."""
    if not params:
        raise ValueError("a param group needs at least one parameter")
    for param in params:
        if not isinstance(param, Tensor):
            raise TypeError(f"optimizer can only optimize Tensors, got {type(param).__name__}")
        if not np.issubdtype(param.data.dtype, np.floating):
            raise ValueError(f"{describe(param)} has dtype {param.data.dtype}: an optimizer "
                             f"can only update floating-point tensors")
        if getattr(param, "_ctx", None) is not None:
            raise ValueError(f"can't optimize a non-leaf tensor ({describe(param)} is the "
                             f"result of an op): pass the leaves, or t.detach()")
    if len({id(param) for param in params}) != len(params):
        raise ValueError("some parameters appear more than once in a param group")
    if {id(param) for param in params} & {id(param) for param in known}:
        raise ValueError("some parameters appear in more than one param group")
