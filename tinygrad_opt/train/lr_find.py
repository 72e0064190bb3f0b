"""The learning-rate range test (Smith, 2017; fastai's ``lr_find``).

Train for ``num_iter`` steps while the rate grows exponentially from ``start_lr`` to
``end_lr``:

    lr_i = start_lr * (end_lr / start_lr) ** (i / (num_iter - 1)),   i = 0 .. num_iter-1

and record the loss of each step. Losses are smoothed by a bias-corrected exponential
moving average, ``a_i = beta a_{i-1} + (1 - beta) L_i``, ``s_i = a_i / (1 - beta^(i+1))``.
The suggestion is the rate where the smoothed loss falls fastest against ``log lr``:
``argmin_i d s / d log(lr)`` ("the best learning rate is associated with the steepest drop
in loss"). The sweep stops early once ``s_i > diverge_factor * min_j s_j`` or the loss is not
finite. Afterwards the model's parameters and buffers, the optimizer's state and rates, the
loader's order and the global generator are exactly as before.
"""
import math

import numpy as np

from tinygrad_opt.train import _snapshot
from tinygrad_opt.train._batch import as_input, as_target


def _batches(loader):
    """Yield batches forever, starting a new epoch of ``loader`` when one ends."""
    while True:
        produced = False
        for batch in loader:
            produced = True
            yield batch
        if not produced:
            raise ValueError("lr_find: the loader yielded no batch")


def suggest_lr(lrs, smoothed, skip_start=10, skip_end=5, span=0.05):
    """Rate at the steepest descent of the smoothed loss against ``log(lr)``.

    The slope at point ``i`` is a centred difference over ``k`` points each side,
    ``(s_{i+k} - s_{i-k}) / (log lr_{i+k} - log lr_{i-k})`` with ``k = max(1, span * n)``:
    wider than neighbouring points, so that batch-to-batch noise left in the average does
    not pass for a drop.

    Args:
        lrs, smoothed: the swept rates and smoothed losses (same length).
        skip_start, skip_end: points left out at each end (fastai's defaults): at the
            start the average still follows single noisy batches, at the end the loss is
            exploding.
        span: half-width of the difference, as a fraction of the points kept.

    Returns:
        ``lrs[argmin_i slope_i]`` over the kept points, or None when fewer than 3 remain.
    """
    lrs = np.asarray(lrs, dtype=np.float64)[skip_start:len(lrs) - skip_end]
    smoothed = np.asarray(smoothed, dtype=np.float64)[skip_start:len(smoothed) - skip_end]
    if len(lrs) < 3:
        return None
    k = max(1, min(int(span * len(lrs)), (len(lrs) - 1) // 2))
    log_lrs = np.log(lrs)
    slopes = (smoothed[2 * k:] - smoothed[:-2 * k]) / (log_lrs[2 * k:] - log_lrs[:-2 * k])
    return float(lrs[k + int(np.argmin(slopes))])


def _sweep(model, loss_fn, optimizer, loader, lrs, beta, diverge_factor):
    """Run the steps; return the smoothed losses recorded before stopping."""
    dtype = model.parameters()[0].data.dtype
    average, best, smoothed = 0.0, math.inf, []
    model.train()
    for index, (lr, (xb, yb)) in enumerate(zip(lrs, _batches(loader))):
        for group in optimizer.param_groups:
            group["lr"] = float(lr)
        optimizer.zero_grad()
        loss = loss_fn(model(as_input(xb, dtype)), as_target(yb, dtype))
        value = loss.item()
        if not math.isfinite(value):
            break
        average = beta * average + (1.0 - beta) * value
        current = average / (1.0 - beta ** (index + 1))
        smoothed.append(current)
        best = min(best, current)
        if current > diverge_factor * best:
            break
        loss.backward()
        optimizer.step()
    return smoothed


def lr_find(model, loss_fn, optimizer, loader, start_lr=1e-7, end_lr=10, num_iter=100,
            beta=0.98, diverge_factor=4.0):
    """Sweep the learning rate exponentially and suggest one (the LR range test).

    Args:
        model: the Module to probe; restored afterwards.
        loss_fn: ``loss_fn(outputs, targets) -> scalar Tensor``.
        optimizer: its optimizer; state and rates restored afterwards.
        loader: batches, reused from the start when ``num_iter`` exceeds an epoch.
        start_lr, end_lr: the sweep's range, ``0 < start_lr < end_lr``.
        num_iter: number of steps (>= 2).
        beta: smoothing factor of the loss average, in [0, 1).
        diverge_factor: stop once the smoothed loss exceeds this many times its minimum.

    Returns:
        ``(lrs, losses, suggested_lr)``: the rates tried and their smoothed losses (lists of
        equal length, shorter than ``num_iter`` if the sweep stopped early), and the rate of
        steepest descent (None if too few points were recorded).

    Raises:
        ValueError: a bad range, ``num_iter`` or ``beta``.
    """
    if not 0 < start_lr < end_lr or not math.isfinite(end_lr):
        raise ValueError(f"need 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}")
    if int(num_iter) != num_iter or num_iter < 2:
        raise ValueError(f"num_iter must be an int >= 2, got {num_iter!r}")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1), got {beta}")
    lrs = start_lr * (end_lr / start_lr) ** (np.arange(num_iter) / (num_iter - 1))
    saved = _snapshot.take(model, optimizer, loaders={"loader": loader})
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            smoothed = _sweep(model, loss_fn, optimizer, loader, lrs, beta, diverge_factor)
    finally:
        _snapshot.put(model, optimizer, saved, loaders={"loader": loader})
    tried = lrs[:len(smoothed)].tolist()
    return tried, smoothed, suggest_lr(tried, smoothed)
