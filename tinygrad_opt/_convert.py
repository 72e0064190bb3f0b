"""Turning what users pass into what ops take: dtype policy, type promotion, PyTorch's spellings.

Imports NumPy only. Promotion follows PyTorch rather than NumPy in two places:

* categories rank bool < integer < float < complex; when operands of different categories
  meet, the result takes the dtype of the highest category (an int64 tensor times a float32
  tensor is float32, where NumPy would give float64);
* a Python scalar never changes a tensor's dtype: it takes the tensor's dtype when its own
  category is not higher, and otherwise PyTorch's default for its category (an int tensor
  times 2.5 is float32).
"""
import numpy as np

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_DEFAULT_DTYPE = {0: np.dtype(bool), 1: np.dtype(np.int64), 2: np.dtype(np.float32),
                  3: np.dtype(np.complex64)}


def to_array(data, dtype=None):
    """np.asarray with the Tensor's dtype policy: non-NumPy float data defaults to float32.

    Raises:
        TypeError: the data is not numeric (strings, objects).
        ValueError: nested lists of unequal lengths.
    """
    from_numpy = isinstance(data, (np.ndarray, np.generic))
    try:
        array = np.asarray(data, dtype=dtype)
    except ValueError as error:
        if "inhomogeneous" not in str(error):
            raise
        raise ValueError(f"Tensor data must be rectangular: rows of unequal lengths cannot "
                         f"form an array ({error})") from None
    if dtype is None and not from_numpy and array.dtype == np.float64:
        array = array.astype(np.float32)
    _check_numeric(array)
    return array


def _check_numeric(array):
    if array.dtype.kind not in "biufc":
        raise TypeError(f"Tensor data must be numeric (bool, int or float), got dtype "
                        f"{array.dtype}: {np.array2string(array.ravel()[:3], separator=', ')}")


def category(dtype):
    """Rank of a dtype's kind: 0 bool, 1 integer, 2 float, 3 complex."""
    return _CATEGORY[dtype.kind]


def promoted_dtype(dtypes):
    """PyTorch's result dtype for tensors of ``dtypes``: the highest category wins, and
    within it NumPy's rule (float32 with float64 gives float64, uint8 with int8 int16)."""
    top = max(_CATEGORY[dtype.kind] for dtype in dtypes)
    return np.result_type(*[dtype for dtype in dtypes if _CATEGORY[dtype.kind] == top])


def scalar_array(value, tensor_dtype):
    """A Python scalar as a 0-d array in the dtype PyTorch gives it next to the tensors.

    Args:
        value: a Python bool, int, float or complex.
        tensor_dtype: the promoted dtype of the tensor operands, or None if there are none.
    """
    if isinstance(value, bool):
        rank = 0
    elif isinstance(value, int):
        rank = 1
    elif isinstance(value, float):
        rank = 2
    else:
        rank = 3
    if tensor_dtype is not None and _CATEGORY[tensor_dtype.kind] >= rank:
        return np.asarray(value, dtype=tensor_dtype)
    return np.asarray(value, dtype=_DEFAULT_DTYPE[rank])


def reduction_args(name, axis, keepdims, dim, keepdim):
    """``(axis, keepdims)`` from NumPy's spelling or PyTorch's (``dim=``, ``keepdim=``).

    Raises:
        TypeError: both spellings of the same argument are given.
    """
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{name}() got both axis={axis!r} and dim={dim!r}; pass one")
        axis = dim
    if keepdim is not None:
        if keepdims:
            raise TypeError(f"{name}() got both keepdims and keepdim; pass one")
        keepdims = keepdim
    return axis, keepdims


def torch_alias(name, value, alias, default, names=("axis", "dim")):
    """``value`` (NumPy's spelling, e.g. ``axis``), or PyTorch's spelling ``alias`` (e.g.
    ``dim``) of the same argument when that is given; ``default`` is ``value``'s default.

    Raises:
        TypeError: both spellings are given.
    """
    if alias is None:
        return value
    if value is not default and not (np.isscalar(value) and value == default):
        raise TypeError(f"{name}() got both {names[0]}={value!r} and {names[1]}={alias!r}; "
                        f"pass one")
    return alias


def axis_index(axis, ndim, name):
    """``axis`` in 0..ndim-1 (from -ndim..ndim-1, as PyTorch); AxisError naming it otherwise."""
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise np.exceptions.AxisError(f"{name}: axis {axis} is out of range for {ndim} axes")
    return axis % max(ndim, 1)


def squeezed_shape(shape, axis=None):
    """``shape`` without its size-1 axes (all, or those in ``axis``: an int or a tuple).

    As in PyTorch, a named axis whose size is not 1 stays (NumPy would raise).
    """
    if axis is None:
        return tuple(size for size in shape if size != 1)
    axes = {axis_index(ax, len(shape), "squeeze")
            for ax in ((axis,) if isinstance(axis, (int, np.integer)) else axis)}
    return tuple(size for i, size in enumerate(shape) if i not in axes or size != 1)


def unsqueezed_shape(shape, axis):
    """``shape`` with a size-1 axis inserted at ``axis`` (in -ndim-1..ndim, as PyTorch)."""
    position = axis_index(axis, len(shape) + 1, "unsqueeze")
    return shape[:position] + (1,) + shape[position:]


def flattened_shape(shape, start_axis=0, end_axis=-1):
    """``shape`` with axes ``start_axis..end_axis`` merged (a 0-d shape becomes (1,))."""
    if not shape:
        return (1,)
    start = axis_index(start_axis, len(shape), "flatten")
    end = axis_index(end_axis, len(shape), "flatten")
    if start > end:
        raise ValueError(f"flatten: start_axis {start_axis} comes after end_axis {end_axis} "
                         f"for shape {shape}")
    merged = int(np.prod(shape[start:end + 1]))
    return shape[:start] + (merged,) + shape[end + 1:]


def transpose_axes(ndim, axes):
    """The permutation for ``transpose(*axes)``: None (reverse all) for no axes, the given
    permutation (also as one tuple), or, for two axes ``(i, j)`` as PyTorch's
    ``transpose(dim0, dim1)``, the identity with i and j swapped. (On a 2-D tensor NumPy
    would read ``(0, 1)`` as the identity; PyTorch's swap is taken. A repeated axis, which
    PyTorch reads as a no-op, is left to fail as a non-permutation: it is likely a slip.)"""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        return None
    if len(axes) == 2 and ndim >= 2 and axes[0] != axes[1]:
        first, second = (axis_index(ax, ndim, "transpose") for ax in axes)
        order = list(range(ndim))
        order[first], order[second] = order[second], order[first]
        return tuple(order)
    return axes
