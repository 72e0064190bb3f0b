"""Optimizer state dicts laid out as PyTorch's: parameters referred to by their index.

Parameters are numbered across param groups in order; ``state`` maps those indices to each
parameter's state (arrays copied), ``param_groups`` holds each group's hyper-parameters
with its list of indices. One key PyTorch lacks, ``"optimizer"``, names the class that
wrote it, so that loading into another optimizer type (whose options may even coincide, as
Adam's and AdamW's do) is refused instead of running another update rule on this state.
Loading validates everything before anything changes.
"""
import numpy as np

_SCALAR_STATE = ("step", "mu_product")


# Options added after state dicts were first saved: a saved group without one gets this value
# (as PyTorch fills ``maximize`` in older state dicts).
OPTIONAL = {"maximize": False}


def pack(kind, param_groups, state):
    """``{"optimizer": kind, "state": {index: {name: value}}, "param_groups": [{...,
    "params": [index]}]}``."""
    indices = {}
    groups = []
    for group in param_groups:
        packed = {name: value for name, value in group.items() if name != "params"}
        packed["params"] = [indices.setdefault(id(p), len(indices)) for p in group["params"]]
        groups.append(packed)
    packed_state = {}
    for group in param_groups:
        for param in group["params"]:
            if param in state:
                packed_state[indices[id(param)]] = {
                    name: value.copy() if isinstance(value, np.ndarray) else value
                    for name, value in state[param].items()}
    return {"optimizer": kind, "state": packed_state, "param_groups": groups}


def unpack(optimizer, state_dict):
    """The per-parameter state and each group's options from ``state_dict``, validated.

    Args:
        optimizer: the optimizer to load into (its groups, defaults, state names, checks).
        state_dict: what ``pack`` returned (possibly from another run or optimizer).

    Returns:
        ``(state, options)``: {param: {name: value}} with arrays copied in each parameter's
        dtype and scalars as floats; a list with each group's saved hyper-parameters.

    Raises:
        ValueError: another optimizer's state dict (its ``"optimizer"`` entry, options or
            state names differ), or
            the number of groups, a group's size, an index, a state array's shape or dtype
            or a scalar does not fit; nothing has been changed then.
    """
    if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
        raise ValueError("an optimizer state dict is a dict with the keys 'state' and "
                         "'param_groups' (what Optimizer.state_dict() returns)")
    kind = type(optimizer).__name__
    saved_kind = state_dict.get("optimizer", kind)
    if saved_kind != kind:
        raise ValueError(f"this state dict was written by {saved_kind}; it cannot be loaded "
                         f"into {kind}{_differences(optimizer, state_dict)}")
    by_index = _parameters_by_index(optimizer.param_groups, state_dict["param_groups"])
    options = []
    for position, (group, saved) in enumerate(zip(optimizer.param_groups,
                                                  state_dict["param_groups"])):
        missing = sorted(set(optimizer.defaults) - set(saved) - set(OPTIONAL))
        if missing:
            raise ValueError(f"loaded parameter group {position} lacks the {kind} option(s) "
                             f"{missing}: is it another optimizer's state dict?")
        group_options = {**{name: value for name, value in OPTIONAL.items()
                            if name in optimizer.defaults},
                         **{name: value for name, value in saved.items() if name != "params"}}
        optimizer._check_options({**group, **group_options})
        options.append(group_options)
    state = {}
    for index, entry in state_dict["state"].items():
        if int(index) not in by_index:
            raise ValueError(f"loaded state refers to parameter {index}, which no group has")
        unknown = sorted(set(entry) - optimizer._state_names)
        if unknown:
            raise ValueError(f"loaded state of parameter {index} holds {unknown}, which {kind} "
                             f"does not use: is it another optimizer's state dict?")
        param = by_index[int(index)]
        state[param] = {name: _loaded_value(name, value, param, index)
                        for name, value in entry.items()}
    return state, options


def _differences(optimizer, state_dict):
    """``": it lacks the SGD option(s) [...] and holds state [...] that SGD does not use"``,
    or ``" (another update rule)"`` when neither tells them apart (Adam and AdamW)."""
    kind = type(optimizer).__name__
    saved_options = {name for group in state_dict["param_groups"] for name in group}
    saved_state = {name for entry in state_dict["state"].values() for name in entry}
    missing = sorted(set(optimizer.defaults) - saved_options)
    unknown = sorted(saved_state - optimizer._state_names)
    parts = ([f"it lacks the {kind} option(s) {missing}"] if missing else []) + (
        [f"it holds state {unknown} that {kind} does not use"] if unknown else [])
    return ": " + " and ".join(parts) if parts else " (another update rule)"


def _parameters_by_index(param_groups, saved_groups):
    """{saved index: parameter}, after checking the group count and each group's size."""
    if len(saved_groups) != len(param_groups):
        raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                         f"but the optimizer has {len(param_groups)}")
    by_index = {}
    for position, (group, saved) in enumerate(zip(param_groups, saved_groups)):
        if len(saved["params"]) != len(group["params"]):
            raise ValueError(f"parameter group {position} has {len(group['params'])} "
                             f"parameters, but the loaded group has {len(saved['params'])}")
        by_index.update(zip(saved["params"], group["params"]))
    return by_index


def _loaded_value(name, value, param, index):
    """A loaded state entry: arrays copied in the parameter's dtype, scalars as floats."""
    if name in _SCALAR_STATE:
        scalar = np.asarray(value)
        if scalar.ndim != 0 or scalar.dtype.kind not in "iuf" or not np.isfinite(scalar):
            raise ValueError(f"loaded state {name!r} of parameter {index} is {value!r}, "
                             f"not a finite number")
        return float(value)
    array = np.asarray(value)
    if not np.can_cast(array.dtype, param.data.dtype, casting="same_kind"):
        raise ValueError(f"loaded state {name!r} of parameter {index} has dtype {array.dtype}, "
                         f"which does not convert to the parameter's {param.data.dtype}")
    if array.shape != param.data.shape:
        raise ValueError(f"loaded state {name!r} of parameter {index} has shape {array.shape}, "
                         f"but the parameter has shape {param.data.shape}")
    return np.array(array, dtype=param.data.dtype)
