"""The affine map of a Dense layer as one op, y = x @ W + b, and the same followed by ReLU."""
import numpy as np

from ..autograd import Function


class Linear(Function):
    """f(x, W, b) = x @ W + b with W of shape (in_features, out_features).

    With G = dL/df and x flattened to rows X of shape (N, in_features):
    dL/dx = G @ W^T,  dL/dW = X^T @ G,  dL/db = sum over rows of G.
    One node instead of MatMul + Add halves the graph bookkeeping of every layer, and
    dL/dx is skipped when x needs no gradient (the network's input).
    """

    def forward(self, x, weight, bias=None):
        if x.ndim == 0 or x.shape[-1] != weight.shape[0]:
            raise ValueError(
                f"linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 'no'} "
                f"features, the weight of shape {weight.shape} expects {weight.shape[0]}")
        self.save_for_backward(x, weight)
        self.has_bias = bias is not None
        out = x @ weight
        if bias is not None:
            out += bias
        return out

    def backward(self, grad):
        x, weight = self.saved_tensors
        needs = self.needs_input_grad
        grad_x = grad @ weight.T if needs[0] else None
        if grad.ndim != 2:  # a batch with more (or fewer) leading axes: flatten to rows
            x, grad = x.reshape(-1, x.shape[-1]), grad.reshape(-1, grad.shape[-1])
        grad_weight = x.T @ grad if needs[1] else None
        if not self.has_bias:
            return grad_x, grad_weight
        return grad_x, grad_weight, grad.sum(axis=0) if needs[2] else None


class LinearReLU(Linear):
    """f(x, W, b) = max(x @ W + b, 0): a Dense layer and the ReLU after it as one op.

    With G = dL/df, the ReLU's derivative masks it, M = G * [f > 0] (0 at f = 0, as
    PyTorch), and the rest is Linear's backward with M in place of G:
    dL/dx = M @ W^T,  dL/dW = X^T @ M,  dL/db = sum over rows of M.
    The ReLU overwrites the affine output in place and the mask is rebuilt from f, so the
    pair makes one array and one graph node where Linear then ReLU make two of each.
    """

    def forward(self, x, weight, bias=None):
        out = super().forward(x, weight, bias)
        np.maximum(out, 0, out=out)
        self.out = out
        return out

    def backward(self, grad):
        return super().backward(grad * (self.out > 0))
