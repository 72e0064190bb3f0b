"""PyTorch's other layouts for the class losses (``cross_entropy``, ``nll_loss``), brought
to the ``(N, C)`` rows that the fused ops take, and cross-entropy on class probabilities.

Layouts, as ``torch.nn.functional.cross_entropy``:

- ``(N, C)`` scores with labels ``(N,)``: the rows themselves;
- ``(C,)`` scores with one label of shape ``()`` (an unbatched sample): one row;
- ``(N, C, d1, ..., dk)`` scores with labels ``(N, d1, ..., dk)``: the class axis is moved
  last and every position becomes a row, so each of the N*d1*...*dk positions is a sample
  (``"mean"`` then averages over all of them, weighted as for rows).

A floating-point target of the input's shape holds class probabilities instead of labels.
"""
import numpy as np

from ..tensor import Tensor


def is_probabilities(input, target):
    """True for a floating-point target of the input's shape: class probabilities rather
    than labels (a float target of another shape is taken as labels, and refused there)."""
    array = target.data if isinstance(target, Tensor) else np.asarray(target)
    return array.dtype.kind == "f" and array.shape == input.shape


def as_rows(name, input, target):
    """``(rows, target, sample_shape)``: the input as ``(M, C)`` rows and the target in the
    same order (labels ``(M,)`` or probabilities ``(M, C)``), and the shape that
    ``reduction="none"`` returns (None for the ``(N, C)`` layout: nothing to undo).

    Raises:
        ValueError: a scalar input, or a target whose shape does not fit the input's layout,
            naming both shapes.
    """
    if input.ndim == 2:
        return input, target, None
    soft = is_probabilities(input, target)
    target_shape = np.shape(target.data if isinstance(target, Tensor) else target)
    if input.ndim == 0:
        raise ValueError(f"{name}: expected input of shape (N, C), (C,) or (N, C, d1, ...), "
                         f"got a scalar")
    sample_shape = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    expected = input.shape if soft else sample_shape
    if target_shape != expected:
        raise ValueError(f"{name}: input shape {input.shape} needs target shape {expected}, "
                         f"got {target_shape}")
    axes = (0,) + tuple(range(2, input.ndim)) + (1,)
    classes = input.shape[-1] if input.ndim == 1 else input.shape[1]
    rows = input.reshape(1, classes) if input.ndim == 1 else \
        input.transpose(*axes).reshape(-1, classes)
    if not soft:
        labels = np.asarray(target.data if isinstance(target, Tensor) else target)
        return rows, labels.reshape(-1), sample_shape
    probs = target if isinstance(target, Tensor) else Tensor(np.asarray(target))
    probs = probs.reshape(1, classes) if input.ndim == 1 else \
        probs.transpose(*axes).reshape(-1, classes)
    return rows, probs, sample_shape


def probability_cross_entropy(input, probs, weight, label_smoothing):
    """Per-row cross-entropy against class probabilities ``y`` (rows ``(N, C)``), as PyTorch:

        y' = (1 - eps) * y + eps / C           (label smoothing eps)
        l_i = -sum_c w_c * y'_ic * log softmax(input_i)_c

    with class weights ``w`` (ones by default). ``"mean"`` of these divides by N, not by the
    weights (PyTorch's rule for probability targets). Built from ``log_softmax`` (stable)
    and Tensor ops, so the gradient reaches both the input and the probabilities.

    """
    probs = probs if isinstance(probs, Tensor) else Tensor(np.asarray(probs))
    if probs.dtype != input.dtype:
        probs = probs.to(input.dtype)
    if label_smoothing:
        probs = probs * (1.0 - label_smoothing) + label_smoothing / input.shape[1]
    if weight is not None:
        probs = probs * weight
    return -(probs * input.log_softmax(1)).sum(axis=1)
