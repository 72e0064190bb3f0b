"""Tensor: an ndarray that remembers how it was computed, so gradients can flow back.

Each math method is one line that applies a Function class from ``functions/``; the
graph engine lives in ``autograd``, and ``_apply`` runs an op on Tensors. dtype policy:
Python floats and lists of them become float32; NumPy arrays keep their dtype (float64
stays float64); mixing dtypes promotes as PyTorch does (``_apply`` applies the rules of
``_convert``). Only floating-point tensors can require gradients.
A Tensor is accepted wherever NumPy wants an array (``np.asarray(t)``, ``np.mean(t)``).
More of PyTorch's methods come from three mix-ins: ``_tensor_extras.TensorExtras``
(``matmul``, ``gather``...), ``_tensor_reductions.TensorReductions`` (``std``, ``norm``...)
and ``_tensor_inplace.TensorInPlace`` (``zero_``, ``x[i] = v``...); the array-side ones
(``shape``, ``item``) from ``ArrayLike``.
"""
import numpy as np

from . import _apply, _convert, autograd
from ._arraylike import ArrayLike
from ._tensor_extras import TensorExtras
from ._tensor_inplace import TensorInPlace
from ._tensor_reductions import TensorReductions
from .functions import arithmetic, elementwise, linear, reduction, shape, softmax


def _check_float(array):
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"only floating-point tensors can require gradients, this tensor has dtype "
            f"{array.dtype}; convert it first, e.g. Tensor(data, dtype=np.float32)")


class Tensor(TensorExtras, TensorReductions, TensorInPlace, ArrayLike):
    """An n-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: anything ``np.asarray`` accepts, or a Tensor. The data is copied.
        requires_grad: record operations on this tensor so ``backward`` reaches it.
        dtype: NumPy dtype to convert to; default float32 for Python floats, otherwise
            the array's own dtype.

    Attributes:
        data: the values (``np.ndarray``).
        grad: dL/d(this tensor) after ``backward`` (same shape), or None.
        requires_grad: whether gradients flow to this tensor.
    """

    __slots__ = ("data", "grad", "_requires_grad", "_ctx", "__weakref__")
    __array_priority__ = 1000  # ndarray <op> Tensor defers to the Tensor's reflected op

    def __init__(self, data, requires_grad=False, dtype=None):
        source = data.data if isinstance(data, Tensor) else data
        array = _convert.to_array(source, dtype)
        if array is source:
            array = array.copy()
        if requires_grad:
            _check_float(array)
        self.data = array
        self.grad = None
        self._requires_grad = bool(requires_grad)
        self._ctx = None

    @classmethod
    def _wrap(cls, array):
        """A Tensor around ``array`` without copying (results of ops)."""
        tensor = object.__new__(Tensor)
        tensor.data = array
        tensor.grad = None
        tensor._requires_grad = False
        tensor._ctx = None
        return tensor

    # ``Function.apply`` (see ``_apply.record``): lift constants, promote dtypes, run forward,
    # record the op for backward.
    _record = staticmethod(_apply.record)

    # ----- properties ------------------------------------------------------------------
    @property
    def requires_grad(self):
        """Whether gradients flow to this tensor; setting it is ``requires_grad_(flag)``."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def T(self):
        return self.transpose()

    @property
    def is_leaf(self):
        """True for tensors made by the user rather than by an op."""
        return self._ctx is None

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        return f"Tensor({body}{grad}, dtype={self.data.dtype})"

    # ----- autodiff --------------------------------------------------------------------
    def backward(self, grad=None, *, gradient=None):
        """Accumulate d(self)/d(leaf) * grad into ``.grad`` of every leaf that requires grad.

        Args:
            grad: dL/d(self), an array-like or Tensor of ``self.shape``. May be omitted only
                for a one-element tensor (then it is 1). ``gradient=`` is PyTorch's name.

        Raises:
            RuntimeError: self does not require grad.
            ValueError: grad is missing for a non-scalar, or its shape differs from self's.
        """
        grad = _convert.torch_alias("backward", grad, gradient, None, ("grad", "gradient"))
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: none of "
                               "its inputs had requires_grad=True (or it was made in no_grad)")
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward() without a gradient needs a one-element tensor; "
                                 f"this one has shape {self.shape}: pass grad= of that shape")
            grad = np.ones(self.data.shape, self.data.dtype)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad,
                              dtype=self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward(): grad has shape {grad.shape} but the tensor has "
                                 f"shape {self.shape}")
        autograd.backward(self, grad)

    def _accumulate_grad(self, grad):
        """Add ``grad`` into ``.grad`` (+=), as PyTorch accumulates across backward calls.

        The first gradient is copied into a new array (backward may hand one array to several
        inputs), so after ``zero_grad()`` an array that an earlier ``.grad`` handed out is
        never written again. ``autograd.backward`` has checked the shape.
        """
        if self.grad is not None:
            self.grad += grad
        else:
            self.grad = np.array(grad, dtype=self.data.dtype)

    def zero_grad(self):
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def detach(self):
        """A tensor sharing this one's data, cut from the graph (no gradient flows back)."""
        return Tensor._wrap(self.data)

    def to(self, dtype):
        """This tensor converted to ``dtype`` (same as ``astype``)."""
        return self.astype(dtype)

    def astype(self, dtype):
        """This tensor converted to ``dtype``; differentiable into a float dtype (the
        gradient comes back in this tensor's dtype), cut from the graph otherwise."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            return Tensor._wrap(self.data.astype(dtype))
        return elementwise.Cast.apply(self, dtype=dtype)

    def float(self):
        """This tensor as float32 (differentiable), as PyTorch's ``.float()``."""
        return self.astype(np.float32)

    def double(self):
        """This tensor as float64 (differentiable), as PyTorch's ``.double()``."""
        return self.astype(np.float64)

    def requires_grad_(self, flag=True):
        """Set ``requires_grad`` in place and return self (``False`` freezes a leaf).

        Raises:
            ValueError: ``flag`` is True and the dtype is not floating point.
            RuntimeError: unfreezing is asked of a tensor computed by an op (use detach()).
        """
        if flag:
            _check_float(self.data)
        elif self._ctx is not None:
            raise RuntimeError("requires_grad_(False) on a tensor computed by an op; only "
                               "leaves can be frozen: use .detach() to cut it from the graph")
        self._requires_grad = bool(flag)
        return self

    # ----- arithmetic ------------------------------------------------------------------
    def __add__(self, other):
        return arithmetic.Add.apply(self, other)

    def __radd__(self, other):
        return arithmetic.Add.apply(other, self)

    def __sub__(self, other):
        return arithmetic.Sub.apply(self, other)

    def __rsub__(self, other):
        return arithmetic.Sub.apply(other, self)

    def __mul__(self, other):
        return arithmetic.Mul.apply(self, other)

    def __rmul__(self, other):
        return arithmetic.Mul.apply(other, self)

    def __truediv__(self, other):
        return arithmetic.Div.apply(self, other)

    def __rtruediv__(self, other):
        return arithmetic.Div.apply(other, self)

    def __pow__(self, exponent):
        return arithmetic.Pow.apply(self, exponent)

    def __rpow__(self, base):
        return arithmetic.Pow.apply(base, self)

    def __matmul__(self, other):
        return arithmetic.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return arithmetic.MatMul.apply(other, self)

    def __neg__(self):
        return arithmetic.Neg.apply(self)

    def __getitem__(self, index):
        return shape.GetItem.apply(self, index=_unwrap_index(index))

    # In-place operators change .data without a graph; like PyTorch they are refused on a
    # leaf that requires grad while recording (use `with tg.no_grad():` for updates). On a
    # result of ops they record the out-of-place op instead, and Python rebinds the name.
    def _inplace(self, ufunc, other):
        if self.requires_grad and autograd._grad_enabled:
            if self._ctx is None:
                raise RuntimeError("in-place operation on a leaf tensor that requires grad; "
                                   "wrap the update in `with tg.no_grad():` or change `.data`")
            return _OUT_OF_PLACE[ufunc](self, other)
        ufunc(self.data, other.data if isinstance(other, Tensor) else other,
              out=self.data, casting="same_kind")
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other)

    def __isub__(self, other):
        return self._inplace(np.subtract, other)

    def __imul__(self, other):
        return self._inplace(np.multiply, other)

    def __itruediv__(self, other):
        return self._inplace(np.divide, other)

    # ----- element-wise ----------------------------------------------------------------
    def exp(self):
        return elementwise.Exp.apply(self)

    def log(self):
        """Natural log; like NumPy, log(0) = -inf and log(x < 0) = nan, not an error."""
        return elementwise.Log.apply(self)

    def sqrt(self):
        return elementwise.Sqrt.apply(self)

    def abs(self):
        return elementwise.Abs.apply(self)

    def sin(self):
        return elementwise.Sin.apply(self)

    def cos(self):
        return elementwise.Cos.apply(self)

    def pow(self, exponent):
        return arithmetic.Pow.apply(self, exponent)

    def tanh(self):
        return elementwise.Tanh.apply(self)

    def sigmoid(self):
        return elementwise.Sigmoid.apply(self)

    def relu(self):
        return elementwise.ReLU.apply(self)

    def leaky_relu(self, slope=0.01):
        return elementwise.LeakyReLU.apply(self, slope=slope)

    def clip(self, lo=None, hi=None, *, min=None, max=None):
        """Limit to ``[lo, hi]`` (either may be None); ``min=``/``max=`` are PyTorch's names.
        The gradient is 1 inside the interval, bounds included, and 0 outside."""
        lo = _convert.torch_alias("clip", lo, min, None, ("lo", "min"))
        hi = _convert.torch_alias("clip", hi, max, None, ("hi", "max"))
        return elementwise.Clip.apply(self, lo=lo, hi=hi)

    clamp = clip  # PyTorch's other name

    def maximum(self, other):
        return elementwise.Maximum.apply(self, other)

    # ----- reductions (``dim=``/``keepdim=`` are PyTorch's spelling of axis/keepdims) ----
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        axis, keepdims = _convert.reduction_args("sum", axis, keepdims, dim, keepdim)
        return reduction.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        axis, keepdims = _convert.reduction_args("mean", axis, keepdims, dim, keepdim)
        return reduction.Mean.apply(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """The maximum values (not PyTorch's (values, indices) pair: see ``argmax``)."""
        axis, keepdims = _convert.reduction_args("max", axis, keepdims, dim, keepdim)
        return reduction.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """min(x) = -max(-x), so ties share the gradient as in ``max``."""
        axis, keepdims = _convert.reduction_args("min", axis, keepdims, dim, keepdim)
        return -(-self).max(axis=axis, keepdims=keepdims)

    # ----- shape -----------------------------------------------------------------------
    def reshape(self, *new_shape):
        if len(new_shape) == 1 and isinstance(new_shape[0], (tuple, list)):
            new_shape = tuple(new_shape[0])
        return shape.Reshape.apply(self, shape=new_shape)

    def view(self, *new_shape):
        """Same as ``reshape`` (PyTorch's name; the data may be copied)."""
        return self.reshape(*new_shape)

    def squeeze(self, axis=None, *, dim=None):
        """Drop size-1 axes (all of them, or those in ``axis``, alias ``dim``); as in PyTorch,
        a named axis whose size is not 1 is left alone."""
        axis = _convert.torch_alias("squeeze", axis, dim, None)
        return shape.Reshape.apply(self, shape=_convert.squeezed_shape(self.shape, axis))

    def unsqueeze(self, axis=None, *, dim=None):
        """Insert a size-1 axis at position ``axis`` (alias ``dim``; -1 appends one, as in
        PyTorch)."""
        axis = _convert.torch_alias("unsqueeze", axis, dim, None)
        if axis is None:
            raise TypeError("unsqueeze() missing the axis (or dim) at which to insert")
        return shape.Reshape.apply(self, shape=_convert.unsqueezed_shape(self.shape, axis))

    def flatten(self, start_axis=0, end_axis=-1, *, start_dim=None, end_dim=None):
        """Merge axes ``start_axis..end_axis`` into one (PyTorch's ``flatten``, whose
        ``start_dim``/``end_dim`` are accepted too)."""
        start_axis = _convert.torch_alias("flatten", start_axis, start_dim, 0,
                                          ("start_axis", "start_dim"))
        end_axis = _convert.torch_alias("flatten", end_axis, end_dim, -1, ("end_axis", "end_dim"))
        return shape.Reshape.apply(
            self, shape=_convert.flattened_shape(self.shape, start_axis, end_axis))

    def transpose(self, *axes):
        """All axes reversed; a full permutation (NumPy); or two axes swapped (PyTorch)."""
        return shape.Transpose.apply(self, axes=_convert.transpose_axes(self.ndim, axes))

    def softmax(self, axis=-1, *, dim=None):
        """``exp(x) / sum(exp(x))`` along ``axis`` (alias ``dim``)."""
        return softmax.Softmax.apply(self, axis=_convert.torch_alias("softmax", axis, dim, -1))

    def log_softmax(self, axis=-1, *, dim=None):
        """``x - logsumexp(x)`` along ``axis`` (alias ``dim``)."""
        return softmax.LogSoftmax.apply(
            self, axis=_convert.torch_alias("log_softmax", axis, dim, -1))

    def linear(self, weight, bias=None):
        """x @ weight + bias as one op (weight of shape (in_features, out_features))."""
        if bias is None:
            return linear.Linear.apply(self, weight)
        return linear.Linear.apply(self, weight, bias)


autograd.Function.node_type = Tensor


_OUT_OF_PLACE = {np.add: Tensor.__add__, np.subtract: Tensor.__sub__,
                 np.multiply: Tensor.__mul__, np.divide: Tensor.__truediv__}


def _data(value):
    return value.data if isinstance(value, Tensor) else value


def _unwrap_index(index):
    if isinstance(index, tuple):
        return tuple(_data(part) for part in index)
    return _data(index)


def concatenate(tensors, axis=0, *, dim=None):
    """Join tensors along an existing axis (alias ``dim``; differentiable, like
    ``np.concatenate`` and ``torch.cat``)."""
    return shape.Concatenate.apply(*tensors, axis=_convert.torch_alias("concatenate", axis,
                                                                       dim, 0))


def stack(tensors, axis=0, *, dim=None):
    """Join same-shaped tensors along a new axis (alias ``dim``; differentiable, like
    ``np.stack``)."""
    return shape.Stack.apply(*tensors, axis=_convert.torch_alias("stack", axis, dim, 0))
