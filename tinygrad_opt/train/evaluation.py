"""``evaluate``: mean loss and metrics of a model over a loader, in eval mode, no graph."""
import numpy as np

from tinygrad_opt.autograd import no_grad
from tinygrad_opt.train._batch import as_input, as_target
from tinygrad_opt.train.metrics import resolve_metrics


def evaluate(model, loss_fn, loader, metrics="auto"):
    """Mean loss and metrics of ``model`` over ``loader``, in eval mode without a graph.

    Args:
        model: a Module; its training flag is restored afterwards.
        loss_fn: ``loss_fn(outputs, targets) -> scalar Tensor`` (mean over the batch).
        loader: iterable of ``(xb, yb)`` NumPy batches.
        metrics: names or functions, or ``"auto"``, as for ``fit``.

    Returns:
        ``{"loss": float, <metric>: float, ...}``, each the mean over samples.

    Raises:
        ValueError: an unknown metric, or a loader that yields no batch.
    """
    params = model.parameters()
    dtype = params[0].data.dtype if params else np.float32
    return evaluate_resolved(model, loss_fn, loader, resolve_metrics(metrics, loss_fn), dtype)


def evaluate_resolved(model, loss_fn, loader, metrics, dtype):
    """``evaluate`` with ``metrics`` already resolved to ``(name, function)`` pairs."""
    was_training = model.training
    model.eval()
    total_loss, seen, sums = 0.0, 0, [0.0] * len(metrics)
    try:
        with no_grad():
            for xb, yb in loader:
                outputs = model(as_input(xb, dtype))
                count = len(xb)
                total_loss += loss_fn(outputs, as_target(yb, dtype)).item() * count
                seen += count
                for index, (_, metric) in enumerate(metrics):
                    sums[index] += metric(outputs.data, yb) * count
    finally:
        model.train(was_training)
    if seen == 0:
        raise ValueError("evaluate: the loader yielded no batch")
    logs = {"loss": total_loss / seen}
    logs.update((name, value / seen) for (name, _), value in zip(metrics, sums))
    return logs
