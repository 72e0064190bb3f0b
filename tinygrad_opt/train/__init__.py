"""Training: the ``fit`` loop, stopping rules and other callbacks, the LR range test, sweeps.

``fit`` trains a model over a DataLoader and returns a ``History``; a NaN or infinite loss
or gradient raises ``TrainingDiverged`` with the model at its last good weights;
``checkpoint=``/``resume=`` save and continue runs exactly; ``sweep`` trains the standard
recipe over a grid of options and seeds, locally or on Ray. The loop knows models,
optimizers and schedulers only by what it calls on them (``step``, ``zero_grad``,
``state_dict``, a scheduler's ``step_interval`` and ``needs_metric``): only ``recipe``,
which builds the standard model, data and optimizer from names, imports ``nn``, ``data``
and ``optim``. Nothing here imports viz, cli or matplotlib.
"""
from tinygrad_opt.train.callbacks import (AnyOf, Callback, ConvergenceThreshold, EarlyStopping,
                                          LearningRateScheduler, LossThreshold, MaxDuration,
                                          MaxIterations, MetricThreshold)
from tinygrad_opt.train._lock import CheckpointLocked
from tinygrad_opt.train.history import History
from tinygrad_opt.train.loop import TrainingDiverged, TrainingState, evaluate, fit
from tinygrad_opt.train.lr_find import lr_find, suggest_lr
from tinygrad_opt.train.metrics import accuracy
from tinygrad_opt.train.progress import ProgressBar
from tinygrad_opt.train.sweep import read_results, sweep

__all__ = [
    "fit", "evaluate", "History", "TrainingDiverged", "TrainingState", "CheckpointLocked",
    "Callback", "AnyOf", "EarlyStopping", "LossThreshold", "ConvergenceThreshold",
    "MetricThreshold", "MaxIterations", "MaxDuration", "LearningRateScheduler",
    "lr_find", "suggest_lr", "accuracy", "ProgressBar", "sweep", "read_results",
]
