"""Optimizer state dicts laid out as PyTorch's: parameters referred to by their index.

Parameters are numbered across param groups in order; ``state`` maps those indices to each
parameter's state (arrays copied), ``param_groups`` holds each group's hyper-parameters
with its list of indices. Loading validates everything before anything changes.
"""
import numpy as np

_SCALAR_STATE = ("step", "mu_product")


def pack(param_groups, state):
    """``{"state": {index: {name: value}}, "param_groups": [{..., "params": [index]}]}``."""
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
    return {"state": packed_state, "param_groups": groups}


def unpack(param_groups, state_dict, check_options):
    """The per-parameter state and each group's options from ``state_dict``, validated.

    Args:
        param_groups: the optimizer's groups (parameters in the order they were saved).
        state_dict: what ``pack`` returned (possibly from another run).
        check_options: raises ValueError for invalid hyper-parameters.

    Returns:
        ``(state, options)``: {param: {name: value}} with arrays copied in each parameter's
        dtype and scalars as floats; a list with each group's saved hyper-parameters.

    Raises:
        ValueError: the number of groups, a group's size, an index or a state array's shape
            does not match.
    """
    saved_groups = state_dict["param_groups"]
    if len(saved_groups) != len(param_groups):
        raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                         f"but the optimizer has {len(param_groups)}")
    by_index = {}
    for position, (group, saved) in enumerate(zip(param_groups, saved_groups)):
        if len(saved["params"]) != len(group["params"]):
            raise ValueError(f"parameter group {position} has {len(group['params'])} "
                             f"parameters, but the loaded group has {len(saved['params'])}")
        by_index.update(zip(saved["params"], group["params"]))
    state = {}
    for index, entry in state_dict["state"].items():
        if int(index) not in by_index:
            raise ValueError(f"loaded state refers to parameter {index}, which no group has")
        param = by_index[int(index)]
        state[param] = {name: _loaded_value(name, value, param, index)
                        for name, value in entry.items()}
    options = []
    for group, saved in zip(param_groups, saved_groups):
        group_options = {name: value for name, value in saved.items() if name != "params"}
        check_options({**group, **group_options})
        options.append(group_options)
    return state, options


def _loaded_value(name, value, param, index):
    """A loaded state entry: arrays copied in the parameter's dtype, scalars as floats."""
    if name in _SCALAR_STATE:
        return float(value)
    array = np.array(value, dtype=param.data.dtype)
    if array.shape != param.data.shape:
        raise ValueError(f"loaded state {name!r} of parameter {index} has shape {array.shape}, "
                         f"but the parameter has shape {param.data.shape}")
    return array
