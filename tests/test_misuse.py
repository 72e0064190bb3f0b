"""Mistakes real users make get a clear error, raised where the mistake is made.

One table across the package: the call, the exception type, and words the message must
contain (the bad value or shape, or what to do instead).
"""
import os
import tempfile

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import data, nn, optim, train


def _model():
    return nn.Sequential(nn.Dense(4, 3), nn.ReLU(), nn.Dense(3, 2))


def _fit(**changes):
    """fit on a tiny problem, with ``changes`` replacing its arguments."""
    model = _model()
    arguments = dict(model=model, loss_fn=nn.CrossEntropyLoss(),
                     optimizer=optim.SGD(model.parameters(), lr=0.1),
                     train_loader=data.DataLoader(np.ones((4, 4)), np.zeros(4, int)),
                     epochs=1, progress=False)
    arguments.update(changes)
    return train.fit(**arguments)


def _text_file():
    path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    with open(path, "w") as stream:
        stream.write("not a checkpoint\n")
    return path


def _sgd_checkpoint():
    path = os.path.join(tempfile.mkdtemp(), "sgd.npz")
    _fit(checkpoint=path)
    return path


def _resume_with(optimizer_class, path):
    model = _model()
    return _fit(model=model, optimizer=optimizer_class(model.parameters()), resume=path)


def _logits():
    return _model()(tg.Tensor(np.ones((2, 4))))


MISUSES = [
    ("optimizer given the model", lambda: optim.SGD(_model(), lr=0.1),
     TypeError, "Dense"),
    ("negative learning rate", lambda: optim.Adam(_model().parameters(), lr=-1),
     ValueError, "-1"),
    ("learning rate as a string", lambda: optim.Adam(_model().parameters(), lr="0.1"),
     TypeError, "'0.1'"),
    ("beta of 1", lambda: optim.Adam(_model().parameters(), betas=(1.0, 0.9)),
     ValueError, "1.0"),
    ("Nesterov without momentum", lambda: optim.SGD(_model().parameters(), lr=0.1,
                                                    nesterov=True),
     ValueError, "momentum"),
    ("step size 0", lambda: optim.lr_scheduler.StepLR(optim.SGD(_model().parameters(), 0.1), 0),
     ValueError, "0"),
    ("input of the wrong width", lambda: _model()(tg.Tensor(np.ones((2, 5)))),
     ValueError, "(2, 5)"),
    # (one-hot rows of the logits' shape are class probabilities, which PyTorch accepts)
    ("one-hot labels of the wrong width to cross-entropy",
     lambda: nn.CrossEntropyLoss()(_logits(), np.eye(3)[:2]), ValueError, "integer class labels"),
    ("label out of range", lambda: nn.CrossEntropyLoss()(_logits(), np.array([0, 7])),
     ValueError, "[7]"),
    ("regression target of another shape",
     lambda: nn.MSELoss()(tg.Tensor(np.ones((3, 1))), tg.Tensor(np.ones(3))),
     ValueError, "(3, 1)"),
    ("matmul inner dimensions", lambda: tg.Tensor(np.ones((2, 3))) @ tg.Tensor(np.ones((4, 2))),
     ValueError, "(2, 3) @ (4, 2)"),
    ("backward of a vector without grad", lambda: (tg.Tensor(np.ones(3), requires_grad=True)
                                                   * 2).backward(),
     ValueError, "(3,)"),
    ("backward through no_grad", lambda: tg.Tensor(np.ones(2)).sum().backward(),
     RuntimeError, "does not require grad"),
    ("integer tensor requiring grad", lambda: tg.Tensor([1, 2], requires_grad=True),
     ValueError, "int64"),
    ("non-numeric data", lambda: tg.Tensor(None), TypeError, "numeric"),
    ("in-place update while recording",
     lambda: tg.Tensor(np.ones(2), requires_grad=True).__isub__(0.1),
     RuntimeError, "no_grad"),
    ("dropout probability 1.5", lambda: nn.Dropout(1.5), ValueError, "1.5"),
    ("norm layer with the wrong channel count",
     lambda: nn.BatchNorm1d(3)(tg.Tensor(np.ones((4, 5)))), ValueError, "(4, 5)"),
    ("groups not dividing channels", lambda: nn.GroupNorm(3, 4), ValueError, "divisible"),
    ("state dict of another model",
     lambda: _model().load_state_dict({**_model().state_dict(),
                                       "layers.0.weight": np.ones((2, 2))}),
     ValueError, "layers.0.weight"),
    ("unknown gain", lambda: nn.init.calculate_gain("foo"), ValueError, "foo"),
    ("X and y of different lengths", lambda: data.DataLoader(np.ones((5, 2)), np.ones(4)),
     ValueError, "(4,)"),
    ("batch size 0", lambda: data.DataLoader(np.ones((5, 2)), batch_size=0), ValueError, "0"),
    ("split leaving no training set",
     lambda: data.train_val_test_split(np.ones((10, 2)), np.arange(10), val=0.9, test=0.2),
     ValueError, "1.1"),
    ("MNIST folder without the files", lambda: data.load_mnist("/nonexistent/mnist"),
     FileNotFoundError, "train-images-idx3-ubyte"),
    ("negative epochs", lambda: train.fit(_model(), nn.CrossEntropyLoss(),
                                          optim.SGD(_model().parameters(), lr=0.1),
                                          data.DataLoader(np.ones((4, 4)), np.zeros(4, int)),
                                          epochs=-1),
     ValueError, "-1"),
    ("fractional group count", lambda: nn.GroupNorm(2.5, 5), TypeError, "2.5"),
    ("batch norm over no features", lambda: nn.BatchNorm1d(0), ValueError, "num_features"),
    ("half precision model", lambda: _model().to(np.float16), ValueError, "float16"),
    ("scaler fitted on NaN", lambda: data.StandardScaler().fit(np.array([[1.0, np.nan],
                                                                         [2.0, 3.0]])),
     ValueError, "[1]"),
    ("batch norm on a batch of one sample",
     lambda: nn.BatchNorm1d(3)(tg.Tensor(np.ones((1, 3)))), ValueError, "drop_last=True"),
    ("strings loaded into a model",
     lambda: _model().load_state_dict({**_model().state_dict(),
                                       "layers.2.bias": np.array(["a", "b"])}),
     TypeError, "layers.2.bias"),
    ("epochs nan", lambda: _fit(epochs=float("nan")), ValueError, "nan"),
    ("epochs inf", lambda: _fit(epochs=float("inf")), ValueError, "inf"),
    ("epochs None", lambda: _fit(epochs=None), TypeError, "None"),
    ("epochs 2.5", lambda: _fit(epochs=2.5), ValueError, "2.5"),
    ("loss class instead of an instance", lambda: _fit(loss_fn=nn.CrossEntropyLoss),
     TypeError, "CrossEntropyLoss()"),
    ("a generator as loader",
     lambda: _fit(train_loader=((np.ones((2, 4)), np.zeros(2, int)) for _ in range(2))),
     TypeError, "used up after one epoch"),
    ("optimizer over another model",
     lambda: _fit(optimizer=optim.SGD(_model().parameters(), lr=0.1)),
     ValueError, "none of the model's parameters"),
    ("validation data of another width",
     lambda: _fit(val_loader=data.DataLoader(np.ones((4, 5)), np.zeros(4, int))),
     ValueError, "(5,)"),
    ("checkpoint in a missing folder", lambda: _fit(checkpoint="/nonexistent/dir/run.npz"),
     FileNotFoundError, "/nonexistent/dir"),
    ("checkpoint path that is a folder", lambda: _fit(checkpoint="/tmp"),
     ValueError, "directory"),
    ("integer tensor set to require grad", lambda: setattr(tg.Tensor([1, 2]), "requires_grad",
                                                           True),
     ValueError, "int64"),
    ("betas as one number", lambda: optim.Adam(_model().parameters(), betas=0.9),
     TypeError, "betas must be a pair"),
    ("Adam state loaded into SGD",
     lambda: optim.SGD(_model().parameters(), lr=0.1).load_state_dict(
         optim.Adam(_model().parameters()).state_dict()),
     ValueError, "written by Adam; it cannot be loaded into SGD"),
    ("resume from a text file", lambda: _fit(resume=_text_file()), ValueError, "notes.txt"),
    ("resume with another optimizer", lambda: _resume_with(optim.Adam, _sgd_checkpoint()),
     ValueError, "written by SGD; this run uses Adam"),
]


@pytest.mark.parametrize("call, error, words", [m[1:] for m in MISUSES],
                         ids=[m[0] for m in MISUSES])
def test_misuse_raises_a_clear_error(call, error, words):
    with pytest.raises(error) as raised:
        call()
    assert words in str(raised.value)
