"""Norm layers and losses against PyTorch's numbers, recorded by
``benchmarks/make_nn_golden.py`` into ``golden/nn_golden.npz`` (float64)."""
import pathlib

import numpy as np
import pytest

from tinygrad_opt import nn
from tinygrad_opt.nn import functional as F
from tinygrad_opt.tensor import Tensor

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "nn_golden.npz")
REDUCTIONS = ["mean", "sum", "none"]


def _close(actual, case, key):
    np.testing.assert_allclose(actual, GOLDEN[f"{case}/{key}"], rtol=1e-10, atol=1e-12,
                               err_msg=f"{case}/{key}")


def _norm_layer(case):
    channels = GOLDEN[f"{case}/x"].shape[1]
    layers = {"bn2d": lambda: nn.BatchNorm1d(channels), "bn3d": lambda: nn.BatchNorm1d(channels),
              "layernorm": lambda: nn.LayerNorm((3, 5)), "groupnorm": lambda: nn.GroupNorm(2, 4)}
    layer = layers[case]().to(np.float64)
    layer.weight.data[...] = GOLDEN[f"{case}/weight"]
    layer.bias.data[...] = GOLDEN[f"{case}/bias"]
    return layer


@pytest.mark.parametrize("case", ["bn2d", "bn3d", "layernorm", "groupnorm"])
def test_norm_forward_and_backward_match_pytorch(case):
    layer = _norm_layer(case)
    x = Tensor(GOLDEN[f"{case}/x"], requires_grad=True)
    y = layer(x)
    y.backward(GOLDEN[f"{case}/upstream"])
    _close(y.data, case, "y")
    _close(x.grad, case, "grad_x")
    _close(layer.weight.grad, case, "grad_weight")
    _close(layer.bias.grad, case, "grad_bias")


@pytest.mark.parametrize("case", ["bn2d", "bn3d"])
@pytest.mark.parametrize("momentum, tag", [(0.1, "m01"), (None, "cumulative")])
def test_batchnorm_running_stats_and_eval_match_pytorch(case, momentum, tag):
    batches = GOLDEN[f"{case}/batches"]
    layer = nn.BatchNorm1d(batches.shape[2], momentum=momentum).to(np.float64)
    for batch in batches:
        layer(Tensor(batch))
    _close(layer.running_mean, f"{case}/{tag}", "running_mean")
    _close(layer.running_var, f"{case}/{tag}", "running_var")
    layer.eval()
    _close(layer(Tensor(batches[0])).data, f"{case}/{tag}", "eval_y")


def _check_loss(case, loss_fn, **target_kw):
    inputs = Tensor(GOLDEN[f"{case}/input"], requires_grad=True)
    loss = loss_fn(inputs, GOLDEN[f"{case}/target"], **target_kw)
    upstream_key = f"{case}/upstream"
    loss.backward(GOLDEN[upstream_key] if upstream_key in GOLDEN.files else None)
    _close(loss.data, case, "loss")
    _close(inputs.grad, case, "grad_input")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_match_pytorch(reduction):
    weight = GOLDEN["class_weight"]
    _check_loss(f"ce_{reduction}", nn.CrossEntropyLoss(reduction=reduction))
    _check_loss(f"ce_options_{reduction}", nn.CrossEntropyLoss(
        weight=weight, ignore_index=2, reduction=reduction, label_smoothing=0.1))
    _check_loss(f"nll_options_{reduction}", nn.NLLLoss(weight=weight, ignore_index=2,
                                                       reduction=reduction))
    _check_loss(f"bce_{reduction}", nn.BCEWithLogitsLoss(reduction=reduction))
    _check_loss(f"mse_{reduction}", nn.MSELoss(reduction=reduction))
    _check_loss(f"l1_{reduction}", nn.L1Loss(reduction=reduction))


def test_extreme_logits_match_pytorch():
    _check_loss("ce_extreme", F.cross_entropy)
    _check_loss("bce_extreme", F.binary_cross_entropy_with_logits)


def test_mlp_loss_and_gradients_match_pytorch_with_transposed_weights():
    model = nn.Sequential(nn.Dense(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Dense(5, 3))
    model.to(np.float64)
    # PyTorch names "0.weight"; ours "layers.0.weight"; Linear weights are transposed
    for name, param in model.named_parameters():
        value = GOLDEN[f"mlp/param/{name.removeprefix('layers.')}"]
        param.data[...] = value.T if param.ndim == 2 else value
    loss = nn.CrossEntropyLoss()(model(Tensor(GOLDEN["mlp/x"])), GOLDEN["mlp/y"])
    loss.backward()
    _close(loss.data, "mlp", "loss")
    for name, param in model.named_parameters():
        expected = GOLDEN[f"mlp/grad/{name.removeprefix('layers.')}"]
        np.testing.assert_allclose(param.grad, expected.T if param.ndim == 2 else expected,
                                   rtol=1e-10, atol=1e-12, err_msg=name)
    _close(model[1].running_mean, "mlp", "running_mean")
    _close(model[1].running_var, "mlp", "running_var")
