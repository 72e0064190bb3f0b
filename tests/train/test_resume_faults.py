"""Resume refuses what it cannot honour, as a user meets it: damaged checkpoint files, a run
built differently from the checkpoint's, two live runs on one checkpoint file.

Every refusal is one ValueError (or CheckpointLocked) line naming the file, raised before
anything changed: the model and the optimizer are compared with their state before the call.
"""
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

from tinygrad_opt import data, nn, optim, train
from tinygrad_opt.optim import lr_scheduler
from tinygrad_opt.train import CheckpointLocked, EarlyStopping
from tinygrad_opt import serialization
from tinygrad_opt.train import resume as resume_io


@pytest.fixture
def saved(problem, tmp_path):
    """Path of a real checkpoint: SGD(lr=0.05, momentum=0.9), two epochs."""
    path = str(tmp_path / "run.npz")
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 2, checkpoint=path, progress=False)
    return path


def _assert_unchanged(model, opt, before_model, before_opt):
    for name, value in before_model.items():
        np.testing.assert_array_equal(model.state_dict()[name], value, err_msg=name)
    after = opt.state_dict()
    assert after["param_groups"] == before_opt["param_groups"]
    assert after["state"].keys() == before_opt["state"].keys()


def _refused(problem, path, match, build=None, **fit_options):
    """Resume from ``path`` with the run ``build`` makes; assert a one-line refusal matching
    ``match`` and that neither the model nor the optimizer changed."""
    model, loss_fn, opt, train_loader, _ = (build or problem)()
    before_model, before_opt = model.state_dict(), opt.state_dict()
    with pytest.raises((ValueError, CheckpointLocked), match=match) as raised:
        train.fit(model, loss_fn, opt, train_loader, 4, resume=path, progress=False,
                  **fit_options)
    assert "\n" not in str(raised.value)
    _assert_unchanged(model, opt, before_model, before_opt)
    return str(raised.value)


# ----- damaged and foreign files -------------------------------------------------------

def _truncate(path, keep):
    with open(path, "rb") as stream:
        content = stream.read()
    with open(path, "wb") as stream:
        stream.write(content[:int(len(content) * keep)])


def _flip_bytes(path):
    """Corrupt the middle of the archive (a bad disk sector, a bad copy)."""
    with open(path, "r+b") as stream:
        size = os.path.getsize(path)
        stream.seek(size // 2)
        stream.write(bytes(64))


DAMAGES = {
    "empty file": lambda path: open(path, "wb").close(),
    "truncated to 90%": lambda path: _truncate(path, 0.9),
    "truncated to 50%": lambda path: _truncate(path, 0.5),
    "truncated to 10 bytes": lambda path: _truncate(path, 10 / os.path.getsize(path)),
    "bytes zeroed inside": _flip_bytes,
    "a text file": lambda path: open(path, "w").write("epoch 3, loss 0.25\n"),
    "a pickled object": lambda path: np.save(open(path, "wb"),
                                             np.array([{"a": 1}], dtype=object)),
    "a plain .npy array": lambda path: np.save(open(path, "wb"), np.arange(5.0)),
    "arrays saved by np.savez": lambda path: np.savez(open(path, "wb"), w=np.ones(3)),
    "a zip without arrays": lambda path: zipfile.ZipFile(path, "w").writestr("a.txt", "hi"),
    "a tree that is not a checkpoint": lambda path: serialization.save(
        {"weights": np.ones(3)}, path),
    "random bytes": lambda path: open(path, "wb").write(
        np.random.default_rng(0).bytes(4096)),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_a_damaged_or_foreign_file_is_refused_in_one_line_naming_it(damage, problem, saved):
    DAMAGES[damage](saved)
    message = _refused(problem, saved, "run.npz")
    assert "Traceback" not in message and "allow_pickle" not in message


def test_a_checkpoint_of_another_format_version_is_named(problem, saved):
    tree = serialization.load(saved)
    serialization.save({**tree, "version": 1}, saved)
    _refused(problem, saved, "version 1")


def test_a_folder_or_missing_file_is_named(problem, tmp_path):
    _refused(problem, str(tmp_path), "folder")
    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        train.fit(model, loss_fn, opt, train_loader, 2, resume=str(tmp_path / "missing.npz"),
                  progress=False)


# ----- a run built differently ---------------------------------------------------------

def test_another_optimizer_class_is_named(problem, saved):
    message = _refused(problem, saved, "written by SGD; this run uses Adam",
                       build=lambda: problem(optimizer="adam"))
    assert "run.npz" in message


def test_another_learning_rate_is_refused_not_silently_replaced(problem, saved):
    _refused(problem, saved, r"lr=0\.05 .*lr=0\.1", build=lambda: problem(lr=0.1))


def test_another_hyper_parameter_is_named(problem, saved):
    def build():
        model, loss_fn, _, train_loader, val_loader = problem()
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
        return model, loss_fn, opt, train_loader, val_loader

    _refused(problem, saved, r"momentum=0\.9.*momentum=0\.5", build=build)


def test_another_split_of_the_data_is_refused(problem, saved):
    def build():
        model, loss_fn, opt, train_loader, val_loader = problem()
        X, y = train_loader.X, train_loader.y
        order = np.random.default_rng(1).permutation(len(X))
        return model, loss_fn, opt, data.DataLoader(X[order], y[order], batch_size=16), None

    _refused(problem, saved, "other data.*64 training samples", build=build)


def test_a_scheduler_or_stopping_rule_that_was_not_there_is_named(problem, saved):
    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(ValueError, match="scheduler None; this run has StepLR"):
        train.fit(model, loss_fn, opt, train_loader, 4, resume=saved, progress=False,
                  scheduler=lr_scheduler.StepLR(opt, step_size=1))
    _refused(problem, saved, r"callbacks \[\]; this run has \['EarlyStopping'\]",
             callbacks=[EarlyStopping(monitor="loss", patience=3)])


def test_another_architecture_is_named(problem, saved):
    def build():
        model, loss_fn, _, train_loader, val_loader = problem()
        model = nn.Sequential(nn.Dense(4, 8), nn.Tanh(), nn.Dense(8, 8), nn.Tanh(),
                              nn.Dense(8, 2))
        return model, loss_fn, optim.SGD(model.parameters(), lr=0.05, momentum=0.9), \
            train_loader, val_loader

    _refused(problem, saved, "another architecture.*layers.4.weight", build=build)


def test_a_compatible_resume_says_what_it_takes(problem, saved):
    line = resume_io.describe(saved)
    assert line.startswith(f"resuming from epoch 2 of {saved}: ")
    assert "SGD state (step 8)" in line and "learning rate 0.05" in line


def test_loading_another_optimizers_state_dict_names_both():
    params = nn.Dense(3, 2).parameters()
    adam = optim.Adam(params, lr=0.01)
    adamw = optim.AdamW(params, lr=0.01)
    with pytest.raises(ValueError, match="written by Adam; it cannot be loaded into AdamW"):
        adamw.load_state_dict(adam.state_dict())
    sgd = optim.SGD(params, lr=0.01)
    before = sgd.state_dict()
    with pytest.raises(ValueError, match="written by Adam.*into SGD"):
        sgd.load_state_dict(adam.state_dict())
    assert sgd.state_dict() == before


# ----- two live runs on one checkpoint -------------------------------------------------

_SLOW_RUN = textwrap.dedent("""
    import sys, time
    import numpy as np
    from tinygrad_opt import data, nn, optim, train

    class Slow(train.Callback):
        def on_epoch_end(self, state):
            time.sleep(0.2)

    model = nn.Sequential(nn.Dense(4, 2))
    loader = data.DataLoader(np.ones((8, 4), np.float32), np.zeros(8, np.int64))
    train.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
              int(sys.argv[2]), callbacks=[Slow()], checkpoint=sys.argv[1], progress=False)
""")


def _start_run(path, epochs):
    process = subprocess.Popen([sys.executable, "-c", _SLOW_RUN, path, str(epochs)],
                               env={**os.environ, "PYTHONPATH": os.getcwd()},
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(path + ".lock"):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return process


def test_a_second_live_run_on_the_same_checkpoint_is_refused(problem, tmp_path):
    path = str(tmp_path / "shared.npz")
    first = _start_run(path, 1000)
    try:
        model, loss_fn, opt, train_loader, _ = problem()
        before = model.state_dict()
        with pytest.raises(CheckpointLocked, match=rf"pid {first.pid}.*shared\.npz\.lock"):
            train.fit(model, loss_fn, opt, train_loader, 2, checkpoint=path, progress=False)
        _assert_unchanged(model, opt, before, opt.state_dict())
    finally:
        first.kill()
        first.wait()


def test_the_lock_of_a_killed_run_is_taken_over_and_removed_at_the_end(problem, tmp_path):
    path = str(tmp_path / "shared.npz")
    first = _start_run(path, 1000)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert os.path.exists(path + ".lock")  # SIGKILL leaves it behind
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 2, checkpoint=path, progress=False)
    assert sorted(os.listdir(tmp_path)) == ["shared.npz"]


def test_the_lock_is_removed_when_fit_raises(problem, tmp_path):
    path = str(tmp_path / "run.npz")

    class Boom(train.Callback):
        def on_epoch_end(self, state):
            raise KeyboardInterrupt

    model, loss_fn, opt, train_loader, _ = problem()
    with pytest.raises(KeyboardInterrupt):
        train.fit(model, loss_fn, opt, train_loader, 3, checkpoint=path, progress=False,
                  callbacks=[Boom()])
    assert os.listdir(tmp_path) == []
    train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    assert os.listdir(tmp_path) == ["run.npz"]


def test_a_lock_being_written_or_held_on_another_host_is_respected(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    model, loss_fn, opt, train_loader, _ = problem()
    with open(path + ".lock", "w") as stream:
        stream.write("1 some-other-host\n")
    with pytest.raises(CheckpointLocked, match="pid 1 on host some-other-host"):
        train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    open(path + ".lock", "w").close()  # created an instant ago, pid not yet written
    with pytest.raises(CheckpointLocked, match="being created"):
        train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    old = time.time() - 60
    os.utime(path + ".lock", (old, old))  # an empty lock left by a crash long ago
    train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    assert os.listdir(tmp_path) == ["run.npz"]


_CONTENDER = textwrap.dedent("""
    import importlib.util, sys, time
    spec = importlib.util.spec_from_file_location("lock", sys.argv[1])
    lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock)
    while time.time() < float(sys.argv[3]):
        pass
    try:
        with lock.CheckpointLock(sys.argv[2]):
            time.sleep(1.0)
    except lock.CheckpointLocked:
        sys.exit(3)
""")


@pytest.mark.parametrize("stale", [False, True], ids=["fresh", "stale lock of a dead run"])
def test_runs_starting_at_the_same_instant_get_one_lock(stale, tmp_path):
    path = str(tmp_path / "run.npz")
    if stale:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        with open(path + ".lock", "w") as stream:
            stream.write(f"{dead.pid} {os.uname().nodename}\n")
    source = os.path.join(os.path.dirname(train.__file__), "_lock.py")
    start = time.time() + 1.5
    contenders = [subprocess.Popen([sys.executable, "-c", _CONTENDER, source, path, str(start)])
                  for _ in range(4)]
    codes = sorted(process.wait(timeout=60) for process in contenders)
    assert codes == [0, 3, 3, 3]
    assert not os.path.exists(path + ".lock")


def test_a_takeover_guard_left_by_a_killed_run_is_cleared(problem, tmp_path):
    path = str(tmp_path / "run.npz")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with open(path + ".lock", "w") as stream:
        stream.write(f"{dead.pid} {os.uname().nodename}\n")
    open(path + ".lock.takeover", "w").close()
    old = time.time() - 60
    os.utime(path + ".lock.takeover", (old, old))
    model, loss_fn, opt, train_loader, _ = problem()
    train.fit(model, loss_fn, opt, train_loader, 1, checkpoint=path, progress=False)
    assert os.listdir(tmp_path) == ["run.npz"]
