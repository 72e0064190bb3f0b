"""Our optimizers against PyTorch trajectories saved by benchmarks/make_optim_golden.py."""
import json
import pathlib

import numpy as np
import pytest

from tinygrad_opt import optim
from tinygrad_opt.tensor import Tensor

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "optim_golden.npz")
CASES = sorted({key.split("/")[0] for key in GOLDEN.files if "/" in key})


def replay(name):
    """Run case ``name`` with our optimizer; the parameters after each step."""
    class_name, kwargs = json.loads(str(GOLDEN[f"{name}/spec"]))
    params = [Tensor(GOLDEN[f"initial_{i}"].copy(), requires_grad=True) for i in range(2)]
    optimizer = getattr(optim, class_name)(params, **kwargs)
    trajectory = []
    for step in range(int(GOLDEN["steps"])):
        for i, param in enumerate(params):
            if name.endswith("_skip") and step == int(GOLDEN["skip_step"]) and i == 1:
                param.grad = None
                continue
            param.grad = GOLDEN[f"curvature_{i}"] * param.data + GOLDEN[f"noise_{i}"][step]
        optimizer.step()
        trajectory.append([param.data.copy() for param in params])
    return trajectory


def test_golden_file_covers_every_optimizer():
    names = {json.loads(str(GOLDEN[f"{case}/spec"]))[0] for case in CASES}
    assert names == {"SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam"}


@pytest.mark.parametrize("name", CASES)
def test_trajectory_matches_pytorch_float64(name):
    trajectory = replay(name)
    for i in range(2):
        expected = GOLDEN[f"{name}/param_{i}"]
        ours = np.stack([step[i] for step in trajectory])
        assert ours.dtype == np.float64
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_golden_comparison_detects_a_wrong_rule():
    """A slightly different epsilon must break the match: the comparison can fail."""
    class_name, kwargs = json.loads(str(GOLDEN["adam/spec"]))
    params = [Tensor(GOLDEN[f"initial_{i}"].copy(), requires_grad=True) for i in range(2)]
    optimizer = optim.Adam(params, **{**kwargs, "eps": 1e-3})
    for param_index, param in enumerate(params):
        param.grad = (GOLDEN[f"curvature_{param_index}"] * param.data
                      + GOLDEN[f"noise_{param_index}"][0])
    optimizer.step()
    assert not np.allclose(params[0].data, GOLDEN["adam/param_0"][0], rtol=1e-12, atol=1e-12)
