"""A loader's NumPy batch as what a model and a loss take (shared by ``fit``, ``evaluate``
and ``lr_find``)."""
from tinygrad_opt.tensor import Tensor


def as_input(batch, dtype):
    """Inputs become a Tensor of the model's dtype."""
    return Tensor(batch, dtype=dtype)


def as_target(batch, dtype):
    """Float targets become Tensors of the model's dtype; anything else (integer labels, as
    CrossEntropyLoss takes them, or strings the loss will name) stays as it is."""
    if batch is None or batch.dtype.kind != "f":
        return batch
    return Tensor(batch, dtype=dtype)
