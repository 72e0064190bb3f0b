"""Fused normalisation: standardise an array over some axes, with one analytic backward.

BatchNorm, LayerNorm and GroupNorm are all the same op on a suitably shaped array; they
differ only in which axes the statistics are taken over:

* BatchNorm1d on ``(N, C)`` normalises over ``axes=(0,)``, on ``(N, C, L)`` over ``(0, 2)``;
* LayerNorm over the trailing ``len(normalized_shape)`` axes;
* GroupNorm reshapes ``(N, C, *)`` to ``(N, G, -1)`` and normalises over ``axes=(2,)``.

The affine part (``x_hat * weight + bias``) is ordinary broadcasting arithmetic, so the
layers compose it from Tensor ops; only the standardisation needs a fused backward,
because composing it from mean/var/sqrt/div builds a dozen nodes whose gradients cancel
to the compact formula below.
"""
import numpy as np

from ..autograd import Function
from .reduction import normalize_axes


class Normalize(Function):
    """Standardise ``x`` over ``axes`` with the biased variance (PyTorch's normalisation).

    Forward, with ``m`` the number of elements reduced over (the product of the sizes
    along ``axes``), means taken over ``axes`` with ``keepdims``:

        mu = mean(x),  var = mean((x - mu)^2)          (biased, divides by m)
        x_hat = (x - mu) / sqrt(var + eps)

    Backward. Write ``s = 1 / sqrt(var + eps)`` and ``g = dL/dx_hat``. Differentiating
    through ``mu`` and ``var`` (d mu/dx_j = 1/m, d var/dx_j = 2 (x_j - mu)/m) gives

        dL/dx = s * (g - mean(g) - x_hat * mean(g * x_hat))

    i.e. the upstream gradient with its mean and its component along ``x_hat`` removed,
    because shifting ``x`` or scaling it about ``mu`` leaves ``x_hat`` unchanged.

    Shapes: ``x`` is any array; the output has the same shape. Statistics are broadcast
    back along ``axes``.
    """

    def forward(self, x, axes=(-1,), eps=1e-5):
        """Return ``x_hat``; keeps ``x_hat`` and ``1/sqrt(var + eps)`` for backward."""
        axes = normalize_axes(axes, x.ndim)
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = centered * inv_std
        self.axes = axes
        self.save_for_backward(x_hat, inv_std)
        return x_hat

    def backward(self, grad):
        x_hat, inv_std = self.saved_tensors
        grad_mean = grad.mean(axis=self.axes, keepdims=True)
        projection = (grad * x_hat).mean(axis=self.axes, keepdims=True)
        return (inv_std * (grad - grad_mean - x_hat * projection),)
