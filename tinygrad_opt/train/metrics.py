"""Metrics that ``fit`` averages over an epoch: functions ``(outputs, targets) -> batch mean``.

``outputs`` is the model's output array (logits), ``targets`` the batch's labels; ``fit``
weights each batch's value by its size, so the epoch value is the mean over samples.
"""
import functools

import numpy as np

from tinygrad_opt.nn import functional as F
from tinygrad_opt.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss

CLASSIFICATION_LOSSES = (CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss)
CLASSIFICATION_FUNCTIONS = (F.cross_entropy, F.nll_loss, F.binary_cross_entropy_with_logits)


def accuracy(outputs, targets):
    """Fraction of correct predictions in a batch.

    Multi-class ``(N, C)`` logits predict ``argmax_c outputs[i, c]``; a single logit per
    sample (``(N,)`` or ``(N, 1)``) predicts class ``outputs[i] > 0`` (a logistic model's
    decision at probability 1/2).

    Args:
        outputs: logits, shape ``(N, C)``, ``(N, 1)`` or ``(N,)``.
        targets: integer (or 0/1 float) labels of shape ``(N,)`` (or ``(N, 1)`` for binary).

    Returns:
        ``(1/N) sum_i [prediction_i == target_i]``, a float in [0, 1].
    """
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predictions = outputs.argmax(axis=1)
    else:
        predictions = outputs.reshape(-1) > 0
    if targets.size != predictions.size:
        raise ValueError(f"accuracy needs one class label per sample: outputs of shape "
                         f"{outputs.shape}, targets of shape {targets.shape} (a regression "
                         f"target? pass metrics=() to fit)")
    return float(np.count_nonzero(predictions == targets.reshape(-1))) / len(predictions)


METRICS = {"accuracy": accuracy}


def is_classification_loss(loss_fn):
    """True for the cross-entropy, NLL and BCE losses (modules, the functions, or a
    ``functools.partial`` of the functions)."""
    while isinstance(loss_fn, functools.partial):
        loss_fn = loss_fn.func
    return isinstance(loss_fn, CLASSIFICATION_LOSSES) or any(
        loss_fn is function for function in CLASSIFICATION_FUNCTIONS)


def default_metrics(loss_fn):
    """What ``metrics="auto"`` means: ``["accuracy"]`` for a classification loss
    (``is_classification_loss``), none for any other (MSE, L1, a loss of your own)."""
    return ["accuracy"] if is_classification_loss(loss_fn) else []


def resolve_metrics(metrics, loss_fn=None):
    """Turn ``fit``'s ``metrics`` argument into a list of ``(name, function)`` pairs.

    Args:
        metrics: ``"auto"`` (``default_metrics(loss_fn)``), names from ``METRICS``
            (``"accuracy"``) or callables ``fn(outputs, targets) -> float`` (named by
            ``fn.__name__``); one name or callable alone counts as a list of one.
        loss_fn: the loss, for ``"auto"``.

    Raises:
        ValueError: an unknown metric name, or two metrics with one name.
    """
    if isinstance(metrics, str) and metrics == "auto":
        metrics = default_metrics(loss_fn)
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    resolved = []
    for metric in metrics or ():
        if callable(metric):
            resolved.append((metric.__name__, metric))
        elif metric in METRICS:
            resolved.append((metric, METRICS[metric]))
        else:
            raise ValueError(f"unknown metric {metric!r}; choose from {sorted(METRICS)}, 'auto' or "
                             f"pass a function (outputs, targets) -> float")
    names = [name for name, _ in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"metric names must be distinct, got {names}")
    return resolved
