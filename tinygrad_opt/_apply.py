"""``Function.apply`` on Tensors: lift constants, promote dtypes, run forward, record the op.

An op's inputs may be Tensors, arrays or Python scalars; ``record`` makes them Tensors of
dtypes PyTorch would combine, runs the op's ``forward`` on their arrays and, when grad mode
is on and some input requires grad, records the op instance as the output's ``_ctx``. It
knows the Tensor class as ``Function.node_type`` (set by ``tensor.py``), so it imports no
Tensor. This runs for every op, so it avoids generators and allocates only what it records.
"""
import numpy as np

from . import _convert, autograd


def record(function_class, inputs, options):
    """Run ``function_class`` forward on the inputs' arrays and record it for backward.

    Inputs that are not Tensors (scalars, arrays) become constants; a Python scalar takes the
    dtype of the first floating-point Tensor input, as NumPy's weak scalars do.
    """
    tensor = function_class.node_type
    for x in inputs:
        if not isinstance(x, tensor):
            inputs = _lift_constants(tensor, inputs)
            break
    if len(inputs) > 1:
        inputs = _promote(tensor, inputs)
    fn = function_class()
    if autograd._grad_enabled:
        needs_input_grad = tuple([t._requires_grad for t in inputs])
        if True in needs_input_grad:
            fn.needs_input_grad = needs_input_grad
            out = tensor._wrap(_ndarray(fn.forward(*[t.data for t in inputs], **options)))
            fn.parents = inputs
            out._requires_grad = True
            out._ctx = fn
            return out
    return tensor._wrap(_ndarray(fn.forward(*[t.data for t in inputs], **options)))


def _lift_constants(tensor, inputs):
    """Inputs with every non-Tensor wrapped as a constant Tensor; a Python scalar gets the
    dtype PyTorch gives it next to the Tensor inputs (``_convert.scalar_array``)."""
    tensor_dtypes = [x.data.dtype for x in inputs if isinstance(x, tensor)]
    like = _convert.promoted_dtype(tensor_dtypes) if tensor_dtypes else None
    return tuple(x if isinstance(x, tensor) else tensor._wrap(_constant(x, like))
                 for x in inputs)


def _constant(value, like_dtype):
    if isinstance(value, (bool, int, float, complex)):
        return _convert.scalar_array(value, like_dtype)
    return _convert.to_array(value)


def _promote(tensor, inputs):
    """Inputs of a lower dtype category (bool, int) cast to the float (or int) dtype of the
    others, as PyTorch promotes; same-category mixes are left to NumPy, which agrees."""
    first = inputs[0].data.dtype
    for x in inputs:
        if x.data.dtype is not first and x.data.dtype != first:
            break
    else:
        return inputs
    target = _convert.promoted_dtype([x.data.dtype for x in inputs])
    rank = _convert.category(target)
    return tuple(tensor._wrap(x.data.astype(target)) if _convert.category(x.data.dtype) < rank
                 else x for x in inputs)


def _ndarray(result):
    """An op's result as an ndarray: NumPy reductions over all axes return NumPy scalars."""
    return result if type(result) is np.ndarray else np.asarray(result)
