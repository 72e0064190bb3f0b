"""Model files: a recipe run saved as one ``model.npz`` that alone can predict on raw data.

``tinygrad-opt train`` writes ``model.npz`` to its run folder with ``save_model``; it is a
``tinygrad_opt.save`` archive (``tg.load`` reads it as a plain tree) holding:

* ``architecture``: what ``recipe.build_model`` needs to rebuild the MLP (``in_features``,
  ``hidden``, ``activation``, ``norm``, ``dropout``, ``init``, ``out_features``);
* ``weights``: the trained ``model.state_dict()`` (with BatchNorm's running statistics);
* ``scaling``: the ``StandardScaler`` fitted on the training split (``mean``, ``scale``,
  ``var``, ``samples``), applied to raw rows before the model;
* ``classes``: the label that each output stands for;
* ``trained_with``: the run's resolved options (dataset, seed, optimizer, lr, ...) and
  ``package_version``: the tinygrad_opt that wrote it.

``load_model(path)`` rebuilds all of it as a ``TrainedModel``:

    >>> trained = load_model("runs/digits/model.npz")      # doctest: +SKIP
    >>> trained.predict(X_raw)                              # labels, one per row
    >>> trained.predict_proba(X_raw)                        # softmax of the logits
"""
import numpy as np

from .. import data
from .. import serialization
from .._version import __version__
from ..autograd import no_grad
from ..tensor import Tensor
from . import recipe
from .predict import predict as model_outputs

_FORMAT = "tinygrad_opt.model"
_VERSION = 1
_ARCHITECTURE = ("hidden", "activation", "norm", "dropout", "init")


def save_model(path, run, config):
    """Write the model of a recipe run to ``path`` (a ``.npz`` file) atomically.

    Args:
        path: the destination file; its folder must exist.
        run: the dict returned by ``recipe.run`` (``model``, ``scaler``, ``splits``).
        config: the options of the run, as returned by ``recipe.resolve``.
    """
    if not isinstance(run, dict) or not isinstance(config, dict):
        raise TypeError(f"save_model(path, run, config) takes the dicts of recipe.run and "
                        f"recipe.resolve after the path, got {type(run).__name__} and "
                        f"{type(config).__name__}")
    scaler, classes = run["scaler"], recipe.class_labels(run["splits"])
    architecture = {name: config[name] for name in _ARCHITECTURE}
    architecture.update(in_features=int(scaler.n_features_in_), out_features=len(classes))
    serialization.save({
        "format": _FORMAT, "version": _VERSION, "package_version": __version__,
        "architecture": architecture, "weights": run["model"].state_dict(),
        "scaling": {"mean": scaler.mean_, "scale": scaler.scale_, "var": scaler.var_,
                    "samples": int(scaler.n_samples_seen_)},
        "classes": classes, "trained_with": dict(config),
    }, path)


class TrainedModel:
    """A model rebuilt from a model file, with the input scaling and class labels it was
    trained with. Every method takes raw feature rows (the data before scaling).

    Attributes:
        model: the ``nn.Sequential`` MLP, in eval mode.
        scaler: the fitted ``data.StandardScaler``.
        classes: ndarray, ``classes[k]`` is the label of output ``k``.
        architecture, trained_with: dicts, as saved; ``package_version``: the writer's.
        n_features: the width of a raw input row.
    """

    def __init__(self, model, scaler, classes, tree):
        self.model, self.scaler, self.classes = model, scaler, classes
        self.architecture = tree["architecture"]
        self.trained_with = tree["trained_with"]
        self.package_version = tree["package_version"]
        self.n_features = int(self.architecture["in_features"])

    def transform(self, X):
        """Raw rows -> the scaled rows the model takes: ``(X - mean) / scale`` in float64,
        then cast to the model's dtype (as the training recipe does).

        Raises:
            ValueError: X is not 2-D, its width is not ``n_features`` (both named), or a row
                holds NaN or infinity (the rows named).
            TypeError: X does not hold numbers.
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            got = f"rows of {X.shape[1]} features" if X.ndim == 2 else f"shape {X.shape}"
            raise ValueError(f"the model takes rows of {self.n_features} features, got {got}")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"rows must hold numbers, got dtype {X.dtype}")
        bad_rows = np.flatnonzero(~np.isfinite(X).all(axis=1))
        if len(bad_rows):
            raise ValueError(f"rows {bad_rows[:5].tolist()} hold NaN or infinite values; "
                             f"a prediction for them would be meaningless")
        dtype = self.model.parameters()[0].data.dtype
        return self.scaler.transform(X.astype(np.float64)).astype(dtype)

    def logits(self, X, batch_size=None):
        """The model's outputs for raw rows X (``train.predict`` on ``transform(X)``)."""
        return model_outputs(self.model, self.transform(X), batch_size=batch_size)

    def predict_proba(self, X, batch_size=None):
        """Class probabilities ``softmax(logits)`` per row, in float64 (each row sums to 1 to
        rounding); columns follow ``classes``."""
        with no_grad():
            logits = Tensor(self.logits(X, batch_size), dtype=np.float64)
            return logits.softmax(axis=-1).data

    def predict(self, X, batch_size=None):
        """The most probable class label per row: ``classes[argmax(logits)]``."""
        return self.classes[np.argmax(self.logits(X, batch_size), axis=-1)]

    def __repr__(self):
        return (f"TrainedModel({self.n_features} features -> {len(self.classes)} classes, "
                f"hidden={self.architecture['hidden']})")


def _check(path, tree):
    if not isinstance(tree, dict) or tree.get("format") != _FORMAT:
        kind = tree.get("format") if isinstance(tree, dict) else None
        what = "a training checkpoint" if kind == "tinygrad_opt.fit" else "another file"
        raise ValueError(f"{path} is not a model file (it is {what}; tinygrad-opt train "
                         f"writes model.npz to its run folder)")
    if tree.get("version") != _VERSION:
        raise ValueError(f"{path}: model file format version {tree.get('version')}, this "
                         f"version of tinygrad_opt reads {_VERSION}")
    missing = [key for key in ("architecture", "weights", "scaling", "classes",
                               "trained_with", "package_version") if key not in tree]
    if missing:
        raise ValueError(f"{path}: the model file lacks {missing}")


def load_model(path):
    """Rebuild the model saved by ``save_model`` (``tinygrad-opt train``'s ``model.npz``).

    The global random generator is left untouched (the rebuilt layers draw their throwaway
    initial weights from a private generator before the saved weights replace them).

    Returns:
        A ``TrainedModel``.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: a damaged file, a file that is not a model file (a checkpoint, any other
            archive), or weights that do not fit the saved architecture; one line naming
            ``path``.
    """
    try:
        tree = serialization.load(path)
    except serialization.FileFormatError as error:
        raise ValueError(f"{path} is not a model file: {error.reason}") from None
    _check(path, tree)
    architecture, scaling = tree["architecture"], tree["scaling"]
    try:
        model = recipe.build_model(architecture, architecture["in_features"],
                                   architecture["out_features"], rng=np.random.default_rng(0))
        model.load_state_dict(tree["weights"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: the weights do not fit the saved architecture: "
                         f"{error}") from None
    scaler = data.StandardScaler()
    scaler.mean_, scaler.scale_, scaler.var_ = scaling["mean"], scaling["scale"], scaling["var"]
    scaler.n_features_in_, scaler.n_samples_seen_ = len(scaling["mean"]), scaling["samples"]
    return TrainedModel(model.eval(), scaler, tree["classes"], tree)
