"""Record PyTorch's forward/backward of the norm layers and losses as golden values.

Hand-run (needs torch; never imported by the package or tests):

    python benchmarks/make_nn_golden.py

writes ``tests/nn/golden/nn_golden.npz``, which ``tests/nn/test_golden.py`` compares
against. Everything is float64; inputs come from a seeded NumPy generator and are stored
in the file too, so the test feeds the exact same numbers. Keys are ``<case>/<name>``.
"""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "nn" / "golden" / "nn_golden.npz"


def _t(array, grad=False):
    return torch.tensor(array, dtype=torch.float64, requires_grad=grad)


def _record_norm(record, case, layer, x, upstream):
    """Forward/backward of ``layer`` (train mode) on x, with affine params set randomly."""
    x_t = _t(x, grad=True)
    y = layer(x_t)
    y.backward(_t(upstream))
    record[f"{case}/x"] = x
    record[f"{case}/upstream"] = upstream
    record[f"{case}/weight"] = layer.weight.detach().numpy().copy()
    record[f"{case}/bias"] = layer.bias.detach().numpy().copy()
    record[f"{case}/y"] = y.detach().numpy()
    record[f"{case}/grad_x"] = x_t.grad.numpy()
    record[f"{case}/grad_weight"] = layer.weight.grad.numpy()
    record[f"{case}/grad_bias"] = layer.bias.grad.numpy()


def _set_affine(layer, rng):
    with torch.no_grad():
        layer.weight.copy_(_t(rng.normal(1.0, 0.3, layer.weight.shape)))
        layer.bias.copy_(_t(rng.normal(0.0, 0.3, layer.bias.shape)))


def record_norms(record, rng):
    for case, shape in (("bn2d", (6, 4)), ("bn3d", (4, 3, 5))):
        layer = torch.nn.BatchNorm1d(shape[1]).double()
        _set_affine(layer, rng)
        _record_norm(record, case, layer, rng.normal(2.0, 3.0, shape), rng.normal(size=shape))
        batches = [rng.normal(1.0, 2.0, shape) for _ in range(3)]
        record[f"{case}/batches"] = np.stack(batches)
        for momentum, tag in ((0.1, "m01"), (None, "cumulative")):
            stats_layer = torch.nn.BatchNorm1d(shape[1], momentum=momentum).double()
            for batch in batches:
                stats_layer(_t(batch))
            record[f"{case}/{tag}/running_mean"] = stats_layer.running_mean.numpy().copy()
            record[f"{case}/{tag}/running_var"] = stats_layer.running_var.numpy().copy()
            stats_layer.eval()
            record[f"{case}/{tag}/eval_y"] = stats_layer(_t(batches[0])).detach().numpy()
    layer = torch.nn.LayerNorm((3, 5)).double()
    _set_affine(layer, rng)
    _record_norm(record, "layernorm", layer, rng.normal(-1.0, 2.0, (4, 3, 5)),
                 rng.normal(size=(4, 3, 5)))
    layer = torch.nn.GroupNorm(2, 4).double()
    _set_affine(layer, rng)
    _record_norm(record, "groupnorm", layer, rng.normal(0.5, 2.0, (3, 4, 5)),
                 rng.normal(size=(3, 4, 5)))


def _record_loss(record, case, loss_fn, inputs, target, upstream=None):
    """Loss value and its gradient with respect to ``inputs`` (upstream for "none")."""
    x_t = _t(inputs, grad=True)
    target_t = torch.tensor(target)
    loss = loss_fn(x_t, target_t)
    loss.backward(None if upstream is None else _t(upstream))
    record[f"{case}/input"] = inputs
    record[f"{case}/target"] = target
    if upstream is not None:
        record[f"{case}/upstream"] = upstream
    record[f"{case}/loss"] = loss.detach().numpy()
    record[f"{case}/grad_input"] = x_t.grad.numpy()


def record_losses(record, rng):
    logits = rng.normal(0.0, 2.0, (6, 5))
    labels = rng.integers(0, 5, 6)
    labels_ignored = labels.copy()
    labels_ignored[[1, 4]] = 2
    class_weight = rng.uniform(0.5, 2.0, 5)
    record["class_weight"] = class_weight
    for reduction in ("mean", "sum", "none"):
        upstream = rng.normal(size=6) if reduction == "none" else None
        _record_loss(record, f"ce_{reduction}",
                     lambda x, y, r=reduction: F.cross_entropy(x, y, reduction=r),
                     logits, labels, upstream)
        _record_loss(record, f"ce_options_{reduction}",
                     lambda x, y, r=reduction: F.cross_entropy(
                         x, y, weight=_t(class_weight), ignore_index=2, reduction=r,
                         label_smoothing=0.1),
                     logits, labels_ignored, upstream)
        _record_loss(record, f"nll_options_{reduction}",
                     lambda x, y, r=reduction: F.nll_loss(
                         x, y, weight=_t(class_weight), ignore_index=2, reduction=r),
                     logits, labels_ignored, upstream)
        values = rng.normal(0.0, 3.0, (4, 3))
        upstream = rng.normal(size=(4, 3)) if reduction == "none" else None
        probabilities = rng.uniform(0.0, 1.0, (4, 3))
        _record_loss(record, f"bce_{reduction}",
                     lambda x, y, r=reduction: F.binary_cross_entropy_with_logits(
                         x, y, reduction=r), values, probabilities, upstream)
        targets = rng.normal(size=(4, 3))
        _record_loss(record, f"mse_{reduction}",
                     lambda x, y, r=reduction: F.mse_loss(x, y, reduction=r),
                     values, targets, upstream)
        _record_loss(record, f"l1_{reduction}",
                     lambda x, y, r=reduction: F.l1_loss(x, y, reduction=r),
                     values, targets, upstream)
    extreme = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [3.0, 1e4, -2.0]])
    _record_loss(record, "ce_extreme", F.cross_entropy, extreme, np.array([1, 1, 0]))
    _record_loss(record, "bce_extreme", F.binary_cross_entropy_with_logits,
                 np.array([1e4, -1e4, 50.0, -50.0]), np.array([0.0, 1.0, 0.3, 1.0]))


def record_mlp(record, rng):
    """Linear -> BatchNorm1d -> ReLU -> Linear -> cross-entropy, weights stored in PyTorch's
    (out, in) layout: our Dense weight is their transpose."""
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5),
                                torch.nn.ReLU(), torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.copy_(_t(rng.normal(0.0, 0.7, tuple(param.shape))))
            record[f"mlp/param/{name}"] = param.numpy().copy()
    x = rng.normal(size=(8, 4))
    y = rng.integers(0, 3, 8)
    loss = F.cross_entropy(model(_t(x)), torch.tensor(y))
    loss.backward()
    record["mlp/x"], record["mlp/y"] = x, y
    record["mlp/loss"] = loss.detach().numpy()
    for name, param in model.named_parameters():
        record[f"mlp/grad/{name}"] = param.grad.numpy()
    record["mlp/running_mean"] = model[1].running_mean.numpy().copy()
    record["mlp/running_var"] = model[1].running_var.numpy().copy()


def main():
    rng = np.random.default_rng(20240613)
    record = {}
    record_norms(record, rng)
    record_losses(record, rng)
    record_mlp(record, rng)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, **record)
    print(f"wrote {len(record)} arrays to {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
