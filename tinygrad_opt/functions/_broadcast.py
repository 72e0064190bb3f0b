"""Undoing NumPy broadcasting in backward: the one place it is done."""


def unbroadcast(grad, shape):
    """Sum ``grad`` back to ``shape``, the shape of an input that NumPy broadcast.

    Broadcasting copies an input along new leading axes and along its size-1 axes, so
    by the chain rule the input's gradient is the sum of the output gradient over them.

    Args:
        grad: dL/d(output), of the broadcast shape.
        shape: the input's shape.

    Returns:
        An array of exactly ``shape`` (``grad`` itself when nothing was broadcast).
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    stretched = tuple(extra + axis for axis, size in enumerate(shape)
                      if size == 1 and grad.shape[extra + axis] != 1)
    axes = tuple(range(extra)) + stretched
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)
