"""Training: the ``fit`` loop, stopping rules and other callbacks, the LR range test, sweeps.

``fit`` trains a model over a DataLoader and returns a ``History``; a NaN or infinite loss
or gradient raises ``TrainingDiverged`` with the model at its last good weights, Ctrl-C
``TrainingInterrupted`` (a ``KeyboardInterrupt``) between steps;
``checkpoint=``/``resume=`` save and continue runs exactly; ``predict`` runs a model in eval
mode without a graph; ``save_model``/``load_model`` write and rebuild a recipe run's model
file (architecture, weights, input scaling, class labels); ``sweep`` trains the standard
recipe over a grid of options and seeds, locally or on Ray. The loop knows optimizers
and schedulers only by what it calls on them (``step``, ``zero_grad``, ``state_dict``, a
scheduler's ``step_interval`` and ``needs_metric``): only ``recipe``, which builds the
standard model, data and optimizer from names, imports ``optim``. Nothing here imports
viz, cli or matplotlib.
"""
from tinygrad_opt.train.callbacks import AnyOf, Callback, LearningRateScheduler
from tinygrad_opt.train.stopping import (ConvergenceThreshold, EarlyStopping, LossThreshold,
                                         MaxDuration, MaxIterations, MetricThreshold)
from tinygrad_opt.train._interrupt import TrainingInterrupted
from tinygrad_opt.train._lock import CheckpointLocked
from tinygrad_opt.train.history import History
from tinygrad_opt.train.diverged import TrainingDiverged
from tinygrad_opt.train.evaluation import evaluate
from tinygrad_opt.train.loop import fit
from tinygrad_opt.train.state import TrainingState
from tinygrad_opt.train.lr_find import lr_find, suggest_lr
from tinygrad_opt.train.metrics import accuracy
from tinygrad_opt.train.model_file import TrainedModel, load_model, save_model
from tinygrad_opt.train.predict import predict
from tinygrad_opt.train.sweep import read_results, sweep

__all__ = [
    "fit", "evaluate", "History", "TrainingDiverged", "TrainingInterrupted",
    "TrainingState", "CheckpointLocked",
    "Callback", "AnyOf", "EarlyStopping", "LossThreshold", "ConvergenceThreshold",
    "MetricThreshold", "MaxIterations", "MaxDuration", "LearningRateScheduler",
    "lr_find", "suggest_lr", "accuracy", "sweep", "read_results",
    "predict", "load_model", "save_model", "TrainedModel",
]
