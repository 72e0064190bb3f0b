"""tg.save / tg.load: exact round trips of state dicts, no pickle, damaged files refused."""
import os
import zipfile

import numpy as np
import pytest

import tinygrad_opt as tg
from tinygrad_opt import nn, optim, serialization
from tinygrad_opt.optim import lr_scheduler


def _assert_same(saved, loaded, where="obj"):
    """Same nesting, same types, same dtypes and the same bits everywhere."""
    assert type(loaded) is type(saved), where
    if isinstance(saved, np.ndarray):
        assert loaded.dtype == saved.dtype and loaded.shape == saved.shape, where
        assert loaded.tobytes() == saved.tobytes(), where
    elif isinstance(saved, dict):
        assert list(loaded) == list(saved), where
        for key in saved:
            _assert_same(saved[key], loaded[key], f"{where}.{key}")
    elif isinstance(saved, (list, tuple)):
        assert len(loaded) == len(saved), where
        for index, (old, new) in enumerate(zip(saved, loaded)):
            _assert_same(old, new, f"{where}[{index}]")
    elif isinstance(saved, (float, np.floating)) and np.isnan(saved):
        assert np.isnan(loaded), where
    else:
        assert loaded == saved, where
        if isinstance(saved, float):
            assert np.copysign(1.0, loaded) == np.copysign(1.0, saved), where


def _round_trip(obj, tmp_path):
    path = str(tmp_path / "obj.npz")
    tg.save(obj, path)
    return tg.load(path)


def _model():
    return nn.Sequential(nn.Dense(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dense(8, 3))


def _train(model, optimizer, scheduler, steps, seed=0):
    """``steps`` steps of cross-entropy on a fixed batch; scheduler stepped per step."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(16, 5)).astype(np.float32)
    y = rng.integers(0, 3, size=16)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.CrossEntropyLoss()(model(X), y).backward()
        optimizer.step()
        scheduler.step()


def _run(optimizer_class, **options):
    tg.manual_seed(0)
    model = _model()
    optimizer = optimizer_class(model.parameters(), lr=0.01, **options)
    cycles = "betas" in optimizer.defaults or "momentum" in optimizer.defaults
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=20,
                                        cycle_momentum=cycles)
    return model, optimizer, scheduler


OPTIMIZERS = [(optim.Adam, {"amsgrad": True}), (optim.NAdam, {}),
              (optim.SGD, {"momentum": 0.9, "nesterov": True}), (optim.RMSprop, {"centered": True}),
              (optim.Adagrad, {}), (optim.Adadelta, {}), (optim.Adamax, {}), (optim.AdamW, {})]


@pytest.mark.parametrize("optimizer_class, options", OPTIMIZERS,
                         ids=[cls.__name__ for cls, _ in OPTIMIZERS])
def test_model_optimizer_and_scheduler_state_round_trip_exactly(optimizer_class, options,
                                                                tmp_path):
    model, optimizer, scheduler = _run(optimizer_class, **options)
    _train(model, optimizer, scheduler, 3)
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict()}
    _assert_same(state, _round_trip(state, tmp_path))


@pytest.mark.parametrize("optimizer_class, options", OPTIMIZERS[:3],
                         ids=[cls.__name__ for cls, _ in OPTIMIZERS[:3]])
def test_save_load_then_one_more_step_equals_not_saving(optimizer_class, options, tmp_path):
    model, optimizer, scheduler = _run(optimizer_class, **options)
    _train(model, optimizer, scheduler, 3)
    path = str(tmp_path / "run.npz")
    tg.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict()}, path)
    _train(model, optimizer, scheduler, 1, seed=1)

    restored, restored_optimizer, restored_scheduler = _run(optimizer_class, **options)
    state = tg.load(path)
    restored.load_state_dict(state["model"])
    restored_optimizer.load_state_dict(state["optimizer"])
    restored_scheduler.load_state_dict(state["scheduler"])
    _train(restored, restored_optimizer, restored_scheduler, 1, seed=1)

    _assert_same(model.state_dict(), restored.state_dict())
    _assert_same(optimizer.state_dict()["state"], restored_optimizer.state_dict()["state"])
    assert restored_scheduler.get_last_lr() == scheduler.get_last_lr()


def test_plain_values_keep_their_python_and_numpy_types(tmp_path):
    obj = {"betas": (0.9, 0.999), "state": {0: {"step": 3.0}, 1: [1, 2]},
           "lr": 0.1 + 0.2, "big": 2**100, "inf": float("inf"), "nan": float("nan"),
           "minus_zero": -0.0, "none": None, "flag": True, "name": "Ädam ✓",
           "np_float32": np.float32(0.1), "np_float64": np.float64(1 / 3),
           "np_int8": np.int8(-7), "np_bool": np.bool_(False), "np_complex": np.complex64(1j),
           "empty": [], "nested": [[{}], ()],
           "__tuple__": "a key that looks like a tag", "__ndarray__": 1}
    _assert_same(obj, _round_trip(obj, tmp_path))


@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.float32).reshape(3, 4), np.array([np.nan, -0.0, 1e-310]),
    np.array([True, False]), np.arange(6, dtype=np.uint8).reshape(2, 1, 3),
    np.array(2.5, dtype=np.float16), np.zeros((0, 4)), np.array(["a", "bc"]),
    np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.arange(10.0)[::3]],
    ids=["float32", "special_floats", "bool", "uint8_3d", "float16_0d", "empty", "str",
         "fortran", "strided"])
def test_arrays_keep_dtype_shape_and_bits(array, tmp_path):
    loaded = _round_trip({"x": array}, tmp_path)["x"]
    _assert_same(np.ascontiguousarray(array), np.ascontiguousarray(loaded))


def test_tensors_come_back_as_tensors_with_requires_grad(tmp_path):
    weight = nn.Dense(2, 3).weight
    frozen = tg.Tensor(np.arange(3.0))
    loaded = _round_trip([weight, frozen], tmp_path)
    assert all(isinstance(t, tg.Tensor) for t in loaded)
    assert loaded[0].requires_grad and not loaded[1].requires_grad
    _assert_same(weight.data, loaded[0].data)
    _assert_same(frozen.data, loaded[1].data)


def test_unsaveable_values_are_named_and_nothing_is_written(tmp_path):
    with pytest.raises(TypeError, match=r"obj\.model\.steps: a range is not an array"):
        tg.save({"model": {"steps": range(3)}}, str(tmp_path / "bad.npz"))
    with pytest.raises(TypeError, match=r"obj\[1\]: an object array"):
        tg.save([np.ones(2), np.array([{}], dtype=object)], str(tmp_path / "bad.npz"))
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_previous_file_and_leaves_no_partial_file(tmp_path, monkeypatch):
    path = str(tmp_path / "state.npz")
    tg.save({"x": np.arange(3.0), "step": 1}, path)

    def broken_savez(stream, **arrays):
        stream.write(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(serialization.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"x": np.arange(5.0), "step": 2}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["state.npz"]
    assert tg.load(path)["step"] == 1


def test_the_path_is_kept_as_given(tmp_path):
    path = str(tmp_path / "weights.bin")
    tg.save({"x": 1}, path)
    assert os.listdir(tmp_path) == ["weights.bin"] and tg.load(path) == {"x": 1}


def _saved(path):
    tg.save({"model": _model().state_dict(), "step": 3}, path)


def _truncate(path, fraction):
    content = open(path, "rb").read()
    open(path, "wb").write(content[:int(len(content) * fraction)])


def _zero_middle(path):
    with open(path, "r+b") as stream:
        stream.seek(os.path.getsize(path) // 2)
        stream.write(bytes(64))


def _damaged_tree(path):
    np.savez(path, __tree__=np.array("{not json"))


def _pickled_entry(path):
    np.savez(path, __tree__=np.array('{"__ndarray__": "a0"}'), a0=np.array([{}], dtype=object))


DAMAGES = {
    "empty": (lambda path: open(path, "wb").close(), "empty"),
    "truncated to 60%": (lambda path: _truncate(path, 0.6), "truncated or damaged"),
    "truncated to 10 bytes": (lambda path: _truncate(path, 10 / os.path.getsize(path)),
                              "truncated or damaged"),
    "bytes zeroed": (_zero_middle, "truncated or damaged"),
    "text": (lambda path: open(path, "w").write("loss 0.25\n"), "text file"),
    "npy": (lambda path: np.save(open(path, "wb"), np.ones(3)), "single .npy array"),
    "pickle": (lambda path: open(path, "wb").write(b"\x80\x04K\x01."), "pickle"),
    "foreign npz": (lambda path: np.savez(open(path, "wb"), w=np.ones(3)), "without the __tree__"),
    "zip of text": (lambda path: zipfile.ZipFile(path, "w").writestr("a.txt", "hi"),
                    "without the __tree__"),
    "damaged tree": (_damaged_tree, "__tree__ entry is damaged"),
    "pickled entry": (_pickled_entry, "pickled Python objects"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_or_foreign_file_is_a_value_error_naming_the_path(damage, tmp_path):
    path = str(tmp_path / "state.npz")
    _saved(path)
    make, reason = DAMAGES[damage]
    make(path)
    with pytest.raises(ValueError) as raised:
        tg.load(path)
    message = str(raised.value)
    assert message.startswith(f"cannot load {path}: ") and reason in message
    assert "\n" not in message and raised.value.__cause__ is None


def test_a_missing_file_or_a_folder_is_named(tmp_path):
    missing = str(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError, match=f"cannot load {missing}: no such file"):
        tg.load(missing)
    with pytest.raises(ValueError, match="it is a folder"):
        tg.load(str(tmp_path))


def test_a_file_of_the_first_checkpoint_format_still_loads(tmp_path):
    """Checkpoints written before tg.save existed (train/checkpoint.py: NumPy scalars stored
    as Python numbers, no Tensor tag) hold the same layout and load as they were."""
    path = str(tmp_path / "old.npz")
    tree = ('{"format": "tinygrad_opt.fit", "lr": 0.30000000000000004, "w": {"__ndarray__": '
            '"a0"}, "betas": {"__tuple__": [0.9, 0.999]}, "state": {"__items__": [[0, '
            '{"step": 3.0}]]}}')
    np.savez(path, __tree__=np.array(tree), a0=np.arange(3, dtype=np.float32))
    loaded = tg.load(path)
    _assert_same({"format": "tinygrad_opt.fit", "lr": 0.1 + 0.2,
                  "w": np.arange(3, dtype=np.float32), "betas": (0.9, 0.999),
                  "state": {0: {"step": 3.0}}}, loaded)
