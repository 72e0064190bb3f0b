"""More mistakes of a user's first hour (the table of ``test_misuse.py``, continued).

``MISUSES``: the call, the exception type and words the message must contain, raised where
the mistake is made. ``WORKS``: things that look like mistakes but are fine in PyTorch too,
and must give the right answer here. The command-line cases run ``main`` in this process.
"""
import os
import struct

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import cli, data, nn, optim, train

T = tg.Tensor


def _model():
    return nn.Sequential(nn.Dense(4, 3), nn.ReLU(), nn.Dense(3, 2))


def _logits():
    return _model()(T(np.ones((2, 4))))


def _sgd(model=None):
    return optim.SGD((model or _model()).parameters(), lr=0.1)


def _fit(**changes):
    model = changes.pop("model", None) or _model()
    arguments = dict(model=model, loss_fn=nn.CrossEntropyLoss(), optimizer=_sgd(model),
                     train_loader=data.DataLoader(np.ones((4, 4)), np.zeros(4, int)),
                     epochs=1, progress=False)
    arguments.update(changes)
    return train.fit(**arguments)


def _backward_with(grad):
    (T(np.ones(2), requires_grad=True) * 2).backward(grad)


def _function(forward, backward):
    """A tg.Function subclass from two plain functions."""
    return type("Custom", (tg.Function,), {"forward": forward, "backward": backward})


def _apply_backward(op, *inputs):
    op.apply(*inputs).sum().backward()


def _write_idx(path, array):
    with open(path, "wb") as stream:
        stream.write(struct.pack(">BBBB", 0, 0, 8, array.ndim))
        stream.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        stream.write(array.astype(np.uint8).tobytes())


def _mnist_folder(tmp_path, images, labels):
    for prefix in ("train", "t10k"):
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", images)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", labels)
    return str(tmp_path)


def _checkpoint(tmp_path):
    path = str(tmp_path / "run.npz")
    _fit(checkpoint=path, epochs=2)
    return path


def _model_file(tmp_path):
    from tinygrad_opt.train import recipe
    config = recipe.resolve(epochs=1, hidden=[8], seed=0)
    path = str(tmp_path / "model.npz")
    train.save_model(path, recipe.run(config, progress=False), config)
    return path


_IMAGES = np.arange(5 * 28 * 28).reshape(5, 28, 28) % 256
_LABELS = np.arange(5)

# Each call takes the test's tmp_path.
MISUSES = [
    # tensors and autograd
    ("if t: on a two-element tensor", lambda tmp: bool(T([0.0, 0.0])),
     ValueError, "shape (2,) is ambiguous"),
    ("len() of a scalar tensor", lambda tmp: len(T(1.0)), TypeError, "0-d tensor"),
    ("backward grad of another shape", lambda tmp: _backward_with(np.ones(3)),
     ValueError, "(3,)"),
    ("float() of a vector", lambda tmp: float(T([1.0, 2.0])), TypeError, "(2,)"),
    ("reshape to another size", lambda tmp: T(np.ones(6)).reshape(4, 2), ValueError, "(4, 2)"),
    ("transpose with a repeated axis", lambda tmp: T(np.ones((2, 3))).transpose(0, 0),
     ValueError, "(0, 0)"),
    ("concatenate of mismatched widths",
     lambda tmp: tg.concatenate([T(np.ones((2, 3))), T(np.ones((2, 4)))]),
     ValueError, "(2, 3), (2, 4)"),
    ("stack of two shapes", lambda tmp: tg.stack([T(np.ones(3)), T(np.ones(4))]),
     ValueError, "[(3,), (4,)]"),
    ("clip with lo above hi", lambda tmp: T([1.0]).clip(3, 1), ValueError, "3"),
    ("zeros of a negative size", lambda tmp: tg.zeros(-1, 2), ValueError, "-1"),
    ("arange with step 0", lambda tmp: tg.arange(0, 5, 0), ValueError, "step"),
    ("seed as a string", lambda tmp: tg.manual_seed("0"), TypeError, "'0'"),
    ("negative seed", lambda tmp: tg.manual_seed(-1), ValueError, "-1"),
    ("ragged nested list", lambda tmp: T([[1, 2], [3]]), ValueError, "rectangular"),
    ("gradcheck with eps 0",
     lambda tmp: tg.gradcheck(lambda t: t.sum(), [T(np.ones(2), requires_grad=True)], eps=0),
     ValueError, "eps must be > 0"),
    ("gradcheck with eps as a string",
     lambda tmp: tg.gradcheck(lambda t: t.sum(), [T(np.ones(2), requires_grad=True)],
                              eps="1e-6"),
     TypeError, "'1e-6'"),
    ("gradcheck with fn and inputs swapped",
     lambda tmp: tg.check_gradients([T(np.ones(2), requires_grad=True)], lambda t: t.sum()),
     TypeError, "got a list"),
    ("misspelt dtype", lambda tmp: T([1.0], dtype="flaot32"), TypeError, "flaot32"),
    ("custom Function called as an instance",
     lambda tmp: _function(lambda self, x: x, lambda self, g: (g,))()(T([1.0])),
     TypeError, "Custom.apply(...)"),
    ("custom backward of the wrong shape",
     lambda tmp: _function(lambda self, x: x.sum(), lambda self, g: (g,)).apply(
         T(np.ones(3), requires_grad=True)).backward(),
     RuntimeError, "shape (3,)"),
    ("custom backward with too few gradients",
     lambda tmp: _apply_backward(_function(lambda self, x, y: x + y, lambda self, g: (g,)),
                                 T(np.ones(2), requires_grad=True), T(np.ones(2))),
     RuntimeError, "1 gradients for 2 inputs"),
    ("gradcheck of a function returning an array",
     lambda tmp: tg.gradcheck(lambda t: np.sum(t), [T(np.ones(2), requires_grad=True)]),
     TypeError, "must return a Tensor"),
    ("gradcheck with nothing requiring grad",
     lambda tmp: tg.gradcheck(lambda t: t.sum(), [T(np.ones(2))]),
     ValueError, "requires_grad=True"),
    # losses
    ("float labels to cross-entropy",
     lambda tmp: nn.CrossEntropyLoss()(_logits(), np.array([0.0, 1.0])),
     ValueError, "integer class labels"),
    ("labels as a column", lambda tmp: nn.CrossEntropyLoss()(_logits(), np.array([[0], [1]])),
     ValueError, "(2, 1)"),
    ("negative label", lambda tmp: nn.CrossEntropyLoss()(_logits(), np.array([0, -1])),
     ValueError, "[-1]"),
    ("labels and logits swapped",
     lambda tmp: nn.CrossEntropyLoss()(np.array([0, 1]), _logits()), ValueError, "(2,)"),
    ("BCE target without the column",
     lambda tmp: nn.BCEWithLogitsLoss()(T(np.zeros((3, 1))), np.zeros(3)), ValueError, "(3,)"),
    ("misspelt reduction", lambda tmp: nn.MSELoss(reduction="avg"), ValueError, "'avg'"),
    # modules
    ("Sequential given a list", lambda tmp: nn.Sequential([nn.Dense(4, 3)]), TypeError, "list"),
    ("activation class in Sequential", lambda tmp: nn.Sequential(nn.Dense(4, 3), nn.ReLU),
     TypeError, "argument 1"),
    ("misspelt weight_init", lambda tmp: nn.Dense(4, 3, weight_init="xavier"),
     ValueError, "'xavier'"),
    ("dropout probability as a string", lambda tmp: nn.Dropout("0.5"), TypeError, "'0.5'"),
    ("LayerNorm of another width", lambda tmp: nn.LayerNorm(5)(T(np.ones((2, 4)))),
     ValueError, "(2, 4)"),
    ("load_state_dict given a path", lambda tmp: _model().load_state_dict("model.npz"),
     TypeError, "'model.npz'"),
    ("load_state_dict missing a key",
     lambda tmp: _model().load_state_dict({"layers.0.weight": np.ones((4, 3))}),
     ValueError, "layers.0.bias"),
    ("load_state_dict given a whole checkpoint",
     lambda tmp: _model().load_state_dict(tg.load(_checkpoint(tmp))),
     ValueError, "load_state_dict(state['model'])"),
    ("clip_grad_norm_ given the model", lambda tmp: nn.utils.clip_grad_norm_(_model(), 1.0),
     TypeError, "model.parameters()"),
    # optimizers and schedulers
    ("optimizer on one tensor", lambda tmp: optim.SGD(nn.Dense(2, 2).weight, lr=0.1),
     TypeError, "got a Tensor"),
    ("optimizer on a computed tensor",
     lambda tmp: optim.SGD([T(np.ones(2), requires_grad=True) * 2], lr=0.1),
     ValueError, "non-leaf"),
    ("optimizer on nothing", lambda tmp: optim.SGD([], lr=0.1), ValueError, "empty"),
    ("learning rate None", lambda tmp: optim.SGD(_model().parameters(), lr=None),
     TypeError, "None"),
    ("learning rate nan", lambda tmp: optim.SGD(_model().parameters(), lr=float("nan")),
     ValueError, "nan"),
    ("a parameter listed twice",
     lambda tmp: optim.SGD(list(_model().parameters()) * 2, lr=0.1), ValueError, "more than once"),
    ("gradient of the wrong shape", lambda tmp: _grad_of_wrong_shape_step(),
     ValueError, "layers.0.weight"),
    ("optimizer state of a wider model", lambda tmp: _load_wider_adam_state(),
     ValueError, "(4, 5)"),
    ("scheduler given the model", lambda tmp: optim.lr_scheduler.StepLR(_model(), 2),
     TypeError, "Sequential"),
    ("gamma as a string", lambda tmp: optim.lr_scheduler.ExponentialLR(_sgd(), "0.9"),
     ValueError, "'0.9'"),
    ("fractional step_size", lambda tmp: optim.lr_scheduler.StepLR(_sgd(), 2.5),
     ValueError, "2.5"),
    ("plateau mode misspelt",
     lambda tmp: optim.lr_scheduler.ReduceLROnPlateau(_sgd(), mode="minimum"),
     ValueError, "'minimum'"),
    ("OneCycleLR stepped past its end", lambda tmp: _step_one_cycle_past_end(),
     ValueError, "total_steps=2"),
    # data
    ("DataLoader((X, y))", lambda tmp: data.DataLoader((np.ones((4, 2)), np.zeros(4))),
     TypeError, "DataLoader(X, y)"),
    ("shuffle as a string", lambda tmp: data.DataLoader(np.ones((4, 2)), shuffle="no"),
     TypeError, "'no'"),
    ("batch_size as a string", lambda tmp: data.DataLoader(np.ones((4, 2)), batch_size="32"),
     TypeError, "'32'"),
    ("empty dataset", lambda tmp: data.DataLoader(np.ones((0, 2)), np.zeros(0)),
     ValueError, "(0, 2)"),
    ("drop_last with a batch larger than the data",
     lambda tmp: data.DataLoader(np.ones((4, 2)), batch_size=10, drop_last=True),
     ValueError, "batch_size=10"),
    ("rng given as a seed", lambda tmp: data.DataLoader(np.ones((4, 2)), rng=0),
     TypeError, "default_rng"),
    ("scaler used before fit", lambda tmp: data.StandardScaler().transform(np.ones((2, 2))),
     ValueError, "fit"),
    ("scaler of another width",
     lambda tmp: data.StandardScaler().fit(np.ones((3, 3))).transform(np.ones((2, 2))),
     ValueError, "3 features"),
    ("scaler on one column as 1-D", lambda tmp: data.StandardScaler().fit(np.arange(3.0)),
     ValueError, "reshape(-1, 1)"),
    ("split y of another length",
     lambda tmp: data.train_val_test_split(np.ones((10, 2)), np.arange(9)), ValueError, "(9,)"),
    ("validation size as a count",
     lambda tmp: data.train_val_test_split(np.ones((10, 2)), np.arange(10), val=2),
     ValueError, "2"),
    ("MNIST with too few labels",
     lambda tmp: data.load_mnist(_mnist_folder(tmp, _IMAGES, _LABELS[:3])),
     ValueError, "3 labels"),
    ("MNIST labels in the images file",
     lambda tmp: data.load_mnist(_mnist_folder(tmp, _LABELS, _IMAGES)),
     ValueError, "shape (5,)"),
    # training
    ("training arrays instead of a loader",
     lambda tmp: _fit(train_loader=(np.ones((4, 4)), np.zeros(4, int))),
     TypeError, "data.DataLoader(X, y)"),
    ("validation array instead of a loader", lambda tmp: _fit(val_loader=np.ones((4, 4))),
     TypeError, "val_loader=data.DataLoader"),
    ("scheduler class instead of an instance",
     lambda tmp: _fit(scheduler=optim.lr_scheduler.StepLR), TypeError, "StepLR(optimizer"),
    ("scheduler of another optimizer",
     lambda tmp: _fit(scheduler=optim.lr_scheduler.StepLR(_sgd(), 1)),
     ValueError, "another optimizer"),
    ("float labels in fit",
     lambda tmp: _fit(train_loader=data.DataLoader(np.ones((4, 4)), np.zeros(4))),
     ValueError, "integer class labels"),
    ("string labels in fit",
     lambda tmp: _fit(train_loader=data.DataLoader(np.ones((4, 4)), np.array(list("abab")))),
     ValueError, "integer class labels"),
    ("unknown metric", lambda tmp: _fit(metrics=("acc",)), ValueError, "'acc'"),
    ("monitor misspelt", lambda tmp: _fit(callbacks=[train.EarlyStopping(monitor="val_los")]),
     ValueError, "'val_los'"),
    ("MaxDuration as a string", lambda tmp: train.MaxDuration("60"), TypeError, "'60'"),
    ("loss with reduction='none'", lambda tmp: _fit(loss_fn=nn.CrossEntropyLoss(reduction="none")),
     ValueError, "reduction='none'"),
    ("accuracy of a regression",
     lambda tmp: _fit(loss_fn=nn.MSELoss(), metrics=("accuracy",),
                      train_loader=data.DataLoader(np.ones((8, 4)), np.ones((8, 2)))),
     ValueError, "metrics=()"),
    ("optimizer None", lambda tmp: _fit(optimizer=None), TypeError, "got None"),
    ("batches of three", lambda tmp: _fit(train_loader=[(np.ones((2, 4)), np.zeros(2, int), 0)]),
     TypeError, "train_loader[0]"),
    ("lr_lambda returning None",
     lambda tmp: _step_lambda(lambda epoch: None), TypeError, "lr_lambda(0) returned None"),
    ("LearningRateScheduler fn returning None",
     lambda tmp: _fit(callbacks=[train.LearningRateScheduler(lambda epoch, lr: None)]),
     TypeError, "returned None"),
    ("fractional patience", lambda tmp: train.EarlyStopping(patience=2.5), TypeError, "2.5"),
    ("MetricThreshold with the monitor first", lambda tmp: train.MetricThreshold("val_acc", 0.9),
     TypeError, "'val_acc'"),
    ("save_model with path last",
     lambda tmp: train.save_model({"model": None}, str(tmp / "m.npz"), {}),
     TypeError, "save_model(path, run, config)"),
    ("epochs as a string", lambda tmp: _fit(epochs="3"), TypeError, "'3'"),
    ("lr_find range upside down",
     lambda tmp: train.lr_find(_model(), nn.CrossEntropyLoss(), _sgd(),
                               data.DataLoader(np.ones((4, 4)), np.zeros(4, int)),
                               start_lr=1, end_lr=0.1),
     ValueError, "start_lr=1"),
    ("predict with the arguments swapped",
     lambda tmp: train.predict(np.ones((3, 4)), _model()), TypeError, "ndarray"),
    ("predict with the model class", lambda tmp: train.predict(nn.Sequential, np.ones((3, 4))),
     TypeError, "Sequential"),
    ("predict on rows of another width",
     lambda tmp: train.predict(_model(), np.ones((3, 5))), ValueError, "(3, 5)"),
    ("predict with a fractional batch size",
     lambda tmp: train.predict(_model(), np.ones((3, 4)), batch_size=1.5), ValueError, "1.5"),
    ("resume with another learning rate", lambda tmp: _resume_with_lr(_checkpoint(tmp), 0.5),
     ValueError, "lr=0.5"),
    ("resume another architecture", lambda tmp: _resume_wider(_checkpoint(tmp)),
     ValueError, "(4, 5)"),
    ("resume from a model file", lambda tmp: _fit(resume=_model_file(tmp)),
     ValueError, "not a checkpoint"),
    ("checkpoint onto a data file", lambda tmp: _checkpoint_onto_csv(tmp),
     ValueError, "fit did not write"),
    ("checkpoint onto a model file", lambda tmp: _fit(checkpoint=_model_file(tmp)),
     ValueError, "overwrite"),
    # files
    ("save into a missing folder", lambda tmp: tg.save({"a": 1}, str(tmp / "no" / "x.npz")),
     FileNotFoundError, "does not exist"),
    ("save onto a folder", lambda tmp: tg.save({"a": 1}, str(tmp)), IsADirectoryError,
     "folder"),
    ("save a whole model", lambda tmp: tg.save(_model(), str(tmp / "m.npz")),
     TypeError, "Sequential"),
    ("save a set", lambda tmp: tg.save({"a": {1}}, str(tmp / "s.npz")), TypeError, "obj.a"),
    ("load an np.savez file", lambda tmp: tg.load(_savez(tmp)), ValueError, "np.savez"),
    ("load a checkpoint as a model file", lambda tmp: train.load_model(_checkpoint(tmp)),
     ValueError, "not a model file"),
    ("model file on rows of another width",
     lambda tmp: train.load_model(_model_file(tmp)).predict(np.ones((2, 5))),
     ValueError, "5 features"),
    ("model file on NaN rows",
     lambda tmp: train.load_model(_model_file(tmp)).predict(
         np.vstack([np.ones(64), np.full(64, np.nan)])),
     ValueError, "rows [1]"),
]


def _step_lambda(function):
    optimizer = _sgd()
    scheduler = optim.lr_scheduler.LambdaLR(optimizer, function)
    optimizer.step()
    scheduler.step()


def _grad_of_wrong_shape_step():
    model = _model()
    optimizer = optim.Adam(model.parameters())
    for param in model.parameters():
        param.grad = np.ones(3, np.float32)
    optimizer.step()


def _load_wider_adam_state():
    wide = nn.Sequential(nn.Dense(4, 5), nn.ReLU(), nn.Dense(5, 2))
    optimizer = optim.Adam(wide.parameters())
    for param in wide.parameters():
        param.grad = np.ones(param.shape, np.float32)
    optimizer.step()
    optim.Adam(_model().parameters()).load_state_dict(optimizer.state_dict())


def _step_one_cycle_past_end():
    optimizer = _sgd()
    scheduler = optim.lr_scheduler.OneCycleLR(optimizer, 0.1, total_steps=2)
    for _ in range(4):
        optimizer.step()
        scheduler.step()


def _resume_with_lr(path, lr):
    model = _model()
    _fit(model=model, optimizer=optim.SGD(model.parameters(), lr=lr), resume=path, epochs=3)


def _resume_wider(path):
    model = nn.Sequential(nn.Dense(4, 5), nn.ReLU(), nn.Dense(5, 2))
    _fit(model=model, resume=path, epochs=3)


def _checkpoint_onto_csv(tmp):
    path = tmp / "rows.csv"
    path.write_text("1,2,3,4\n")
    try:
        _fit(checkpoint=str(path))
    finally:
        assert path.read_text() == "1,2,3,4\n"


def _savez(tmp):
    path = str(tmp / "plain.npz")
    np.savez(path, a=np.ones(3))
    return path


@pytest.mark.parametrize("call, error, words", [m[1:] for m in MISUSES],
                         ids=[m[0] for m in MISUSES])
def test_misuse_raises_a_clear_error(call, error, words, tmp_path):
    with pytest.raises(error) as raised:
        call(tmp_path)
    assert words in str(raised.value)


def test_one_element_tensors_are_true_or_false_like_numbers():
    assert bool(T(1.0)) and not bool(T([0.0])) and not bool(T([[0]]))


@pytest.mark.parametrize("owner", ["optimizer", "model"])
def test_zero_grad_set_to_none_false_gives_zeros(owner):
    model = _model()
    model(np.ones((2, 4))).sum().backward()
    target = optim.SGD(model.parameters(), lr=0.1) if owner == "optimizer" else model
    target.zero_grad(set_to_none=False)
    assert all(np.array_equal(p.grad, np.zeros(p.shape)) for p in model.parameters())
    target.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_small_mnist_files_load(tmp_path):
    (X, y), (X_test, _) = data.load_mnist(_mnist_folder(tmp_path, _IMAGES, _LABELS))
    assert X.shape == (5, 784) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert y.tolist() == [0, 1, 2, 3, 4] and X_test.shape == (5, 784)


def test_divergence_keeps_the_last_finite_weights():
    model = _model()
    X, y = np.random.default_rng(0).normal(size=(64, 4)) * 1e3, np.arange(64) % 2
    with pytest.raises(train.TrainingDiverged):
        _fit(model=model, optimizer=optim.SGD(model.parameters(), lr=1e6), epochs=5,
             train_loader=data.DataLoader(X, y, batch_size=8))
    assert all(np.isfinite(param.data).all() for param in model.parameters())


def test_frozen_layer_stays_put_while_the_rest_trains():
    model = _model()
    model.layers[0].requires_grad_(False)
    frozen, head = model.layers[0].weight.data.copy(), model.layers[2].weight.data.copy()
    X, y = np.random.default_rng(0).normal(size=(16, 4)), np.arange(16) % 2
    _fit(model=model, optimizer=optim.Adam(model.parameters(), lr=0.1), epochs=2,
         train_loader=data.DataLoader(X, y, batch_size=4))
    assert np.array_equal(model.layers[0].weight.data, frozen)
    assert not np.array_equal(model.layers[2].weight.data, head)


# Command line: a user's typos and bad values, each one line on stderr and status 2.
@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return _model_file(tmp_path_factory.mktemp("cli"))


def _main(*argv):
    with pytest.raises(SystemExit) as stopped:
        cli.main(list(argv))
    return stopped.value.code


@pytest.mark.parametrize("argv, words", [
    (["train", "--optimzer", "sgd"], "--optimzer"),
    (["train", "--lr", "abc"], "'abc'"),
    (["train", "--hidden", "128 64"], "'128 64'"),
    (["train", "--seed", "1.5"], "'1.5'"),
    (["train", "--momentum", "0.9"], "not adam"),
    (["train", "--dataset", "mnist"], "data_dir"),
    (["train", "--data-dir", "/tmp"], "--dataset mnist only"),
    (["sweep", "--optimizer", "sgd", "adamm"], "'adamm'"),
    (["sweep", "--momentum", "0.9", "--optimizer", "adam", "sgd"], "not adam"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_command_line_typos_exit_2_with_one_line(argv, words, capsys):
    assert _main(*argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("error") == 1


def test_predict_never_overwrites_its_input(model_path, tmp_path, capsys):
    rows = tmp_path / "rows.csv"
    np.savetxt(rows, data.load_digits()[0][:3], delimiter=",", fmt="%g")
    before = rows.read_text()
    assert _main("predict", model_path, str(rows), "--output", str(rows)) == 2
    assert "is the INPUT file" in capsys.readouterr().err
    assert rows.read_text() == before
    assert _main("predict", model_path, str(rows), "--output", model_path) == 2
    assert train.load_model(model_path).n_features == 64


def test_predict_into_a_closed_pipe_ends_quietly(model_path, tmp_path):
    import subprocess
    import sys
    np.save(tmp_path / "rows.npy", np.tile(data.load_digits()[0][:1], (5000, 1)))
    reader = subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "predict", model_path,
                               str(tmp_path / "rows.npy"), "--proba"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "MPLBACKEND": "Agg"})
    reader.stdout.readline()
    reader.stdout.close()          # what `| head -1` does
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=120) in (0, 1) and "Traceback" not in err, err
