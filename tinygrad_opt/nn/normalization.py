"""Normalisation layers with PyTorch's semantics: BatchNorm1d, LayerNorm, GroupNorm.

The maths is in ``nn.functional`` (one fused standardisation op over different axes);
these classes own the affine parameters, the running statistics and the training flag.
"""
import numpy as np

from . import functional as F
from .module import Module, Parameter


def _check_size(layer, name, value):
    """Raise naming ``value`` unless it is a whole number >= 1 (``GroupNorm(2.5, 5)``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{layer}: {name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{layer}: {name} must be >= 1, got {value}")


def _check_eps_momentum(layer, eps, momentum=0.1):
    if not isinstance(eps, (int, float, np.floating)) or not eps >= 0:
        raise ValueError(f"{layer}: eps must be a number >= 0, got {eps!r}")
    if momentum is not None and (not isinstance(momentum, (int, float, np.floating))
                                 or not 0 <= momentum <= 1):
        raise ValueError(f"{layer}: momentum must be a number in [0, 1] or None, "
                         f"got {momentum!r}")


def _check_channels(layer, x, expected):
    channels = x.shape[1] if len(x.shape) >= 2 else None
    if channels != expected:
        raise ValueError(f"{layer} expected {expected} channels in axis 1, got {channels} "
                         f"(input shape {tuple(x.shape)})")


class BatchNorm1d(Module):
    """Batch normalisation (Ioffe & Szegedy, 2015); ``torch.nn.BatchNorm1d``.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` per channel, with the statistics
    taken over the batch (and length) axes.

    * Training: batch mean and biased variance; the running estimates are updated with
      ``running = (1 - f) * running + f * batch`` using the unbiased batch variance, where
      ``f = momentum``, or ``f = 1 / num_batches_tracked`` (a cumulative average) when
      ``momentum`` is None.
    * Eval: ``running_mean``/``running_var`` replace the batch statistics.
    * ``track_running_stats=False``: batch statistics always; no running buffers.

    Relation to the course notes: their inference rule divides by ``running_std + eps``;
    PyTorch, and this layer, divide by ``sqrt(running_var + eps)`` (the same to within eps
    unless a channel's variance is of order eps).

    Shapes: x ``(N, C)`` or ``(N, C, L)``, y the same; ``weight``/``bias``/``running_*``
    ``(C,)``; ``num_batches_tracked`` a 0-d int64 array.

    Raises:
        ValueError: wrong channel count, or a single value per channel when batch statistics
            are needed (``N * L == 1``).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        super().__init__()
        _check_size("BatchNorm1d", "num_features", num_features)
        _check_eps_momentum("BatchNorm1d", eps, momentum)
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.weight = Parameter(np.ones(self.num_features, np.float32)) if affine else None
        self.bias = Parameter(np.zeros(self.num_features, np.float32)) if affine else None
        tracked = track_running_stats
        self.register_buffer("running_mean",
                             np.zeros(self.num_features, np.float32) if tracked else None)
        self.register_buffer("running_var",
                             np.ones(self.num_features, np.float32) if tracked else None)
        self.register_buffer("num_batches_tracked",
                             np.array(0, dtype=np.int64) if tracked else None)

    def forward(self, x):
        _check_channels("BatchNorm1d", x, self.num_features)
        update = self.training and self.track_running_stats
        factor = self.momentum
        if update and self.momentum is None:
            factor = 1.0 / float(self.num_batches_tracked + 1)
        use_batch_stats = self.training or not self.track_running_stats
        out = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                           training=use_batch_stats, momentum=factor, eps=self.eps)
        if update:
            self.num_batches_tracked += 1
        return out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class LayerNorm(Module):
    """Layer normalisation (Ba et al., 2016); ``torch.nn.LayerNorm``.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with mean and biased variance over
    the trailing ``normalized_shape`` axes of each sample; no running statistics, same in
    train and eval.

    Shapes: x ``(*, *normalized_shape)``, y the same; ``weight`` (ones) and ``bias``
    (zeros) have shape ``normalized_shape`` (an int or a tuple).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True):
        super().__init__()
        for size in np.atleast_1d(np.asarray(normalized_shape, dtype=object)):
            _check_size("LayerNorm", "normalized_shape", size)
        _check_eps_momentum("LayerNorm", eps)
        self.normalized_shape = F._as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        shape = self.normalized_shape
        self.weight = Parameter(np.ones(shape, np.float32)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(shape, np.float32)) if elementwise_affine else None

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """Group normalisation (Wu & He, 2018); ``torch.nn.GroupNorm``.

    The C channels are split into ``num_groups`` groups of ``C / num_groups``; each sample's
    group is normalised over its channels and positions (mean, biased variance), then
    ``weight``/``bias`` are applied per channel. Same in train and eval.

    Shapes: x ``(N, C, *)``, y the same; ``weight``/``bias`` ``(C,)``.

    Raises:
        TypeError: ``num_groups`` or ``num_channels`` is not an int (``GroupNorm(2.5, 5)``).
        ValueError: ``num_channels`` not divisible by ``num_groups``; in ``forward``, an input
            whose axis 1 is not ``num_channels``.
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True):
        super().__init__()
        _check_size("GroupNorm", "num_groups", num_groups)
        _check_size("GroupNorm", "num_channels", num_channels)
        _check_eps_momentum("GroupNorm", eps)
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels {num_channels} must be divisible by "
                             f"num_groups {num_groups}")
        self.num_groups = int(num_groups)
        self.num_channels = int(num_channels)
        self.eps = eps
        self.affine = affine
        self.weight = Parameter(np.ones(self.num_channels, np.float32)) if affine else None
        self.bias = Parameter(np.zeros(self.num_channels, np.float32)) if affine else None

    def forward(self, x):
        _check_channels("GroupNorm", x, self.num_channels)
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
