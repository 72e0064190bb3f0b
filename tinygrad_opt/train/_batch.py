"""A loader's NumPy batch as what a model and a loss take (shared by ``fit``, ``evaluate``
and ``lr_find``)."""
from tinygrad_opt.tensor import Tensor


def as_input(batch, dtype):
    """Inputs become a Tensor of the model's dtype."""
    return Tensor(batch, dtype=dtype)


def as_target(batch, dtype):
    """Integer labels stay arrays (as CrossEntropyLoss takes them); float targets become
    Tensors of the model's dtype."""
    if batch is None or batch.dtype.kind in "iub":
        return batch
    return Tensor(batch, dtype=dtype)
