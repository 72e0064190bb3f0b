"""Tensor: an ndarray that remembers how it was computed, so gradients can flow back.

Each math method is one line that applies a Function class from ``functions/``; the
graph engine lives in ``autograd``. dtype policy: Python floats and lists of them become
float32; NumPy arrays keep their dtype (float64 stays float64); mixing dtypes promotes
as NumPy does. Only floating-point tensors can require gradients.
"""
import numpy as np

from . import autograd
from .functions import arithmetic, elementwise, linear, reduction, shape, softmax


def _to_array(data, dtype=None):
    """np.asarray with the dtype policy: non-NumPy float data defaults to float32."""
    if isinstance(data, Tensor):
        data = data.data
    from_numpy = isinstance(data, (np.ndarray, np.generic))
    array = np.asarray(data, dtype=dtype)
    if dtype is None and not from_numpy and array.dtype == np.float64:
        array = array.astype(np.float32)
    return array


def _check_numeric(array):
    if array.dtype.kind not in "biufc":
        raise TypeError(f"Tensor data must be numeric (bool, int or float), got dtype "
                        f"{array.dtype}: {np.array2string(array.ravel()[:3], separator=', ')}")


def _check_float(array):
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"only floating-point tensors can require gradients, this tensor has dtype "
            f"{array.dtype}; convert it first, e.g. Tensor(data, dtype=np.float32)")


class Tensor:
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

    __slots__ = ("data", "grad", "requires_grad", "_ctx", "__weakref__")
    __array_priority__ = 1000  # ndarray <op> Tensor defers to the Tensor's reflected op

    def __init__(self, data, requires_grad=False, dtype=None):
        array = _to_array(data, dtype)
        _check_numeric(array)
        if array is data or (isinstance(data, Tensor) and array is data.data):
            array = array.copy()
        if requires_grad:
            _check_float(array)
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._ctx = None

    @classmethod
    def _wrap(cls, array):
        """A Tensor around ``array`` without copying (results of ops)."""
        tensor = object.__new__(Tensor)
        tensor.data = array
        tensor.grad = None
        tensor.requires_grad = False
        tensor._ctx = None
        return tensor

    @staticmethod
    def _record(function_class, inputs, options):
        """``Function.apply``: run ``function_class`` forward on the inputs' arrays and record
        it for backward.

        Inputs that are not Tensors (scalars, arrays) become constants; a Python scalar
        takes the dtype of the first floating-point Tensor input, as NumPy's weak scalars do.
        This runs for every op, so it avoids generators and allocates only what it records.
        """
        for x in inputs:
            if not isinstance(x, Tensor):
                inputs = _lift_constants(inputs)
                break
        fn = function_class()
        if autograd._grad_enabled:
            needs_input_grad = tuple([t.requires_grad for t in inputs])
            if True in needs_input_grad:
                fn.needs_input_grad = needs_input_grad
                out = Tensor._wrap(fn.forward(*[t.data for t in inputs], **options))
                fn.parents = inputs
                out.requires_grad = True
                out._ctx = fn
                return out
        return Tensor._wrap(fn.forward(*[t.data for t in inputs], **options))

    # ----- properties ------------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        return self.data.size

    @property
    def T(self):
        return self.transpose()

    @property
    def is_leaf(self):
        """True for tensors made by the user rather than by an op."""
        return self._ctx is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        return f"Tensor({body}{grad}, dtype={self.data.dtype})"

    __hash__ = object.__hash__

    # ----- autodiff --------------------------------------------------------------------
    def backward(self, grad=None):
        """Accumulate d(self)/d(leaf) * grad into ``.grad`` of every leaf that requires grad.

        Args:
            grad: dL/d(self), an array-like or Tensor of ``self.shape``. May be omitted only
                for a one-element tensor (then it is 1).

        Raises:
            RuntimeError: self does not require grad.
            ValueError: grad is missing for a non-scalar, or its shape differs from self's.
        """
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: none of "
                               "its inputs had requires_grad=True (or it was made in no_grad)")
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward() without a gradient needs a one-element tensor; "
                                 f"this one has shape {self.shape}: pass grad= of that shape")
            grad = np.ones_like(self.data)
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
        never written again.
        """
        if grad.shape != self.data.shape:
            raise RuntimeError(f"gradient of shape {grad.shape} reached a tensor of shape "
                               f"{self.data.shape}: a Function's backward returned a wrong shape")
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

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, this one has shape {self.shape}")
        return self.data.item()

    def to(self, dtype):
        """This tensor converted to ``dtype`` (differentiable for float dtypes)."""
        return elementwise.Cast.apply(self, dtype=np.dtype(dtype))

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
    # tensor that requires grad while recording (use `with tg.no_grad():` for updates).
    def _inplace(self, ufunc, other):
        if self.requires_grad and autograd._grad_enabled:
            raise RuntimeError("in-place operation on a tensor that requires grad; wrap the "
                               "update in `with tg.no_grad():` or change `.data` directly")
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

    # Comparisons give plain boolean arrays: they have no gradient.
    def __lt__(self, other):
        return self.data < _data(other)

    def __le__(self, other):
        return self.data <= _data(other)

    def __gt__(self, other):
        return self.data > _data(other)

    def __ge__(self, other):
        return self.data >= _data(other)

    def __eq__(self, other):
        return self.data == _data(other)

    def __ne__(self, other):
        return self.data != _data(other)

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

    def cos(self):
        return elementwise.Cos.apply(self)

    def tanh(self):
        return elementwise.Tanh.apply(self)

    def sigmoid(self):
        return elementwise.Sigmoid.apply(self)

    def relu(self):
        return elementwise.ReLU.apply(self)

    def leaky_relu(self, slope=0.01):
        return elementwise.LeakyReLU.apply(self, slope=slope)

    def clip(self, lo=None, hi=None):
        return elementwise.Clip.apply(self, lo=lo, hi=hi)

    def maximum(self, other):
        return elementwise.Maximum.apply(self, other)

    # ----- reductions ------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return reduction.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return reduction.Mean.apply(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, keepdims=False, ddof=0):
        return reduction.Var.apply(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def max(self, axis=None, keepdims=False):
        return reduction.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """min(x) = -max(-x), so ties share the gradient as in ``max``."""
        return -(-self).max(axis=axis, keepdims=keepdims)

    # ----- shape -----------------------------------------------------------------------
    def reshape(self, *new_shape):
        if len(new_shape) == 1 and isinstance(new_shape[0], (tuple, list)):
            new_shape = tuple(new_shape[0])
        return shape.Reshape.apply(self, shape=new_shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return shape.Transpose.apply(self, axes=axes or None)

    def softmax(self, axis=-1):
        return softmax.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis=-1):
        return softmax.LogSoftmax.apply(self, axis=axis)

    def linear(self, weight, bias=None):
        """x @ weight + bias as one op (weight of shape (in_features, out_features))."""
        if bias is None:
            return linear.Linear.apply(self, weight)
        return linear.Linear.apply(self, weight, bias)


autograd.Function.node_type = Tensor


def _lift_constants(inputs):
    """Inputs with every non-Tensor wrapped as a constant Tensor (see ``Tensor._record``)."""
    like = next((x.data.dtype for x in inputs
                 if isinstance(x, Tensor) and x.data.dtype.kind == "f"), None)
    return tuple(x if isinstance(x, Tensor) else _constant(x, like) for x in inputs)


def _constant(value, like_dtype):
    if isinstance(value, (bool, int, float)) and like_dtype is not None:
        return Tensor._wrap(np.asarray(value, dtype=like_dtype))
    return Tensor._wrap(_to_array(value))


def _data(value):
    return value.data if isinstance(value, Tensor) else value


def _unwrap_index(index):
    if isinstance(index, tuple):
        return tuple(_data(part) for part in index)
    return _data(index)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis (differentiable, like ``np.concatenate``)."""
    return shape.Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis (differentiable, like ``np.stack``)."""
    return shape.Stack.apply(*tensors, axis=axis)
