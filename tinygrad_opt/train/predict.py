"""``predict``: a model's outputs for every row of an array, in eval mode, without a graph."""
import numbers

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor


def _check_batch_size(batch_size):
    if batch_size is None:
        return
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
            or batch_size < 1:
        raise ValueError(f"predict: batch_size must be a positive integer or None, "
                         f"got {batch_size!r}")


def _as_array(output):
    return np.asarray(output.data if isinstance(output, Tensor) else output)


def predict(model, X, batch_size=None):
    """Return ``model(X)`` as an ndarray, computed in eval mode and without recording a graph.

    Eval mode switches Dropout off and makes BatchNorm use its running statistics, so every
    row's output depends on that row alone and the result is the same whatever the batch
    size. Each module's ``training`` flag is put back afterwards, also when the model raises.

    Args:
        model: an ``nn.Module``; it receives NumPy batches (the module dtype policy casts
            them to its parameters' dtype).
        X: an array-like or Tensor of inputs, one sample per row (first axis).
        batch_size: rows per forward call; None (default) passes all rows at once, which is
            fastest; give a size to bound the memory of large inputs.

    Returns:
        An ndarray with one output row per row of X (for a classifier, the logits).

    Raises:
        ValueError: ``batch_size`` is not a positive integer, or X is a scalar.
        TypeError: ``model`` is not a Module instance (a class, or the arguments swapped).
    """
    if isinstance(model, type) or not hasattr(model, "named_modules"):
        raise TypeError(f"predict(model, X) takes a Module instance first, got "
                        f"{getattr(model, '__name__', type(model).__name__)}")
    _check_batch_size(batch_size)
    inputs = _as_array(X)
    if inputs.ndim == 0:
        raise ValueError(f"predict: X must have one sample per row, got a scalar {inputs!r}")
    modes = [(module, module.training) for _, module in model.named_modules()]
    model.eval()
    try:
        with no_grad():
            if batch_size is None or len(inputs) <= batch_size:
                return _as_array(model(inputs))
            return np.concatenate([_as_array(model(inputs[start:start + batch_size]))
                                   for start in range(0, len(inputs), batch_size)])
    finally:
        for module, mode in modes:
            module.training = mode
