"""The tinygrad-opt command line: default run, options, lr-find, and one-line errors."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from tinygrad_opt import cli
from tinygrad_opt.train import recipe


@pytest.fixture(autouse=True)
def close_figures():
    """The viz functions return open pyplot figures; close them between runs."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def run_cli(args, capsys):
    """Run in-process; return (exit status, stdout, stderr)."""
    try:
        status = cli.main(args)
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_default_train_reaches_97_percent_and_writes_summary_and_plot(tmp_path, capsys):
    status, out, _ = run_cli(["train", "--out", str(tmp_path), "--no-progress"], capsys)
    assert status == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert 0.97 <= summary["test_accuracy"] <= 1.0
    assert summary["epochs"] == 30 and 0 < summary["seconds"] < 60
    assert summary["test_loss"] > 0 and summary["samples"] == {"train": 1437, "val": 180,
                                                               "test": 180}
    assert (tmp_path / "history.png").stat().st_size > 1000
    assert "test" in out and f"{summary['test_accuracy']:.4f}" in out


def test_python_dash_m_smoke(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tinygrad_opt", "train", "--epochs", "1",
                             "--out", str(tmp_path), "--no-progress"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "summary.json").read_text())["epochs"] == 1


@pytest.mark.parametrize("args", [
    ["--optimizer", "lbfgs"],
    ["--lr", "-1"],
    ["--lr", "nan"],
    ["--hidden", "12,x"],
    ["--batch-size", "0"],
    ["--dataset", "mnist"],
    ["--dataset", "mnist", "--data-dir", "/nonexistent/mnist"],
    ["--optimizer", "adam", "--momentum", "0.9"],
    ["--resume", "/nonexistent/run.npz"],
    ["--bogus-flag"],
])
def test_bad_arguments_print_one_line_and_exit_2(args, tmp_path, capsys):
    status, _, err = run_cli(["train", "--out", str(tmp_path), "--no-progress"] + args,
                             capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "error" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("optimizer", sorted(recipe.OPTIMIZERS))
def test_every_optimizer_trains(optimizer, tmp_path, capsys):
    status, _, _ = run_cli(["train", "--optimizer", optimizer, "--epochs", "2", "--out",
                            str(tmp_path), "--no-progress"], capsys)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert status == 0 and summary["test_accuracy"] > 0.5


@pytest.mark.parametrize("extra", [
    ["--dataset", "spiral", "--hidden", "32,32", "--norm", "batch"],
    ["--dataset", "moons", "--norm", "layer", "--activation", "tanh"],
    ["--norm", "group", "--dropout", "0.1", "--schedule", "onecycle", "--init", "xavier_normal"],
    ["--optimizer", "sgd", "--momentum", "0.9", "--weight-decay", "1e-4", "--schedule", "step"],
    ["--schedule", "plateau", "--patience", "1"],
])
def test_options_combine(extra, tmp_path, capsys):
    status, _, _ = run_cli(["train", "--epochs", "3", "--out", str(tmp_path),
                            "--no-progress"] + extra, capsys)
    assert status == 0
    assert json.loads((tmp_path / "summary.json").read_text())["test_accuracy"] > 0.5


def test_checkpoint_then_resume_continues_to_the_total(tmp_path, capsys):
    path = str(tmp_path / "run.npz")
    base = ["train", "--out", str(tmp_path), "--no-progress", "--checkpoint", path]
    assert run_cli(base + ["--epochs", "2"], capsys)[0] == 0
    assert run_cli(base + ["--epochs", "3", "--resume", path], capsys)[0] == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["epochs"] == 3 and len(summary["history"]["loss"]) == 3


def test_lr_find_prints_suggestion_and_saves_plot(tmp_path, capsys):
    status, out, _ = run_cli(["lr-find", "--num-iter", "60", "--out", str(tmp_path)], capsys)
    assert status == 0 and "suggested lr" in out
    result = json.loads((tmp_path / "lr_find.json").read_text())
    assert len(result["lrs"]) == len(result["losses"]) <= 60
    assert 1e-6 < result["suggested_lr"] < 10
    assert (tmp_path / "lr_find.png").exists()


def test_divergence_exits_1_with_one_line_naming_the_rate(tmp_path, capsys):
    status, _, err = run_cli(["train", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2",
                              "--out", str(tmp_path), "--no-progress"], capsys)
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "lr=1e+30" in err and "diverged" in err


def _write_idx(path, array):
    """An IDX file (unsigned bytes, big-endian dimension sizes), gzipped."""
    import gzip
    import struct
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_train_on_mnist_files_the_user_has(tmp_path):
    rng = np.random.default_rng(0)
    data_dir = tmp_path / "mnist"
    data_dir.mkdir()
    for prefix, count in (("train", 120), ("t10k", 30)):
        labels = rng.integers(0, 10, count)
        images = rng.integers(0, 40, (count, 28, 28))
        images[np.arange(count), labels, :] = 255  # a learnable stripe: row = label
        _write_idx(data_dir / f"{prefix}-images-idx3-ubyte.gz", images)
        _write_idx(data_dir / f"{prefix}-labels-idx1-ubyte.gz", labels)
    out = tmp_path / "run"
    cli.main(["train", "--dataset", "mnist", "--data-dir", str(data_dir), "--epochs", "3",
              "--hidden", "32", "--no-progress", "--out", str(out)])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["samples"]["test"] == 30
    assert summary["test_accuracy"] > 0.5


@pytest.fixture
def sgd_checkpoint(tmp_path, capsys):
    """A two-epoch checkpoint of ``--optimizer sgd --lr 0.1 --hidden 32``."""
    path = str(tmp_path / "ck.npz")
    status, _, _ = run_cli(["train", "--out", str(tmp_path / "first"), "--no-progress",
                            "--optimizer", "sgd", "--lr", "0.1", "--hidden", "32",
                            "--epochs", "2", "--checkpoint", path], capsys)
    assert status == 0
    return path


def test_resume_takes_the_checkpoints_options_and_says_what_it_takes(sgd_checkpoint,
                                                                     tmp_path, capsys):
    status, out, _ = run_cli(["train", "--out", str(tmp_path / "second"), "--no-progress",
                              "--resume", sgd_checkpoint, "--epochs", "3"], capsys)
    assert status == 0
    line = out.splitlines()[0]
    assert line.startswith(f"resuming from epoch 2 of {sgd_checkpoint}: weights, SGD state")
    assert "learning rate 0.1" in line and "optimizer=sgd" in line and "hidden=[32]" in line
    summary = json.loads((tmp_path / "second" / "summary.json").read_text())
    assert summary["config"]["optimizer"] == "sgd" and summary["config"]["lr"] == 0.1
    assert summary["epochs"] == 3


@pytest.mark.parametrize("args, words", [
    (["--optimizer", "adam"], "optimizer='sgd'; this run has optimizer='adam'"),
    (["--seed", "1"], "seed=0; this run has seed=1 (the seed fixes the data split)"),
    (["--lr", "0.01"], "lr=0.1; this run has lr=0.01"),
    (["--hidden", "64"], "hidden=[32]; this run has hidden=[64]"),
    (["--schedule", "cosine"], "schedule='none'; this run has schedule='cosine'"),
])
def test_resume_with_options_that_differ_exits_2_naming_them(args, words, sgd_checkpoint,
                                                             tmp_path, capsys):
    status, _, err = run_cli(["train", "--out", str(tmp_path / "second"), "--no-progress",
                              "--resume", sgd_checkpoint] + args, capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert words in err and sgd_checkpoint in err


def test_more_epochs_of_a_schedule_built_for_the_epoch_count_are_refused(tmp_path, capsys):
    path = str(tmp_path / "ck.npz")
    base = ["train", "--out", str(tmp_path), "--no-progress", "--schedule", "cosine"]
    assert run_cli(base + ["--epochs", "2", "--checkpoint", path], capsys)[0] == 0
    status, _, err = run_cli(base + ["--epochs", "4", "--resume", path], capsys)
    assert status == 2 and "cosine schedule was built for 2 epochs" in err


@pytest.mark.parametrize("damage", ["empty", "truncated", "text"])
def test_resume_of_a_damaged_file_exits_2_with_one_line_naming_it(damage, sgd_checkpoint,
                                                                  tmp_path):
    content = open(sgd_checkpoint, "rb").read()
    replacement = {"empty": b"", "truncated": content[:len(content) // 2],
                   "text": b"epoch,loss\n1,0.3\n"}[damage]
    with open(sgd_checkpoint, "wb") as stream:
        stream.write(replacement)
    result = subprocess.run([sys.executable, "-m", "tinygrad_opt", "train", "--no-progress",
                             "--out", str(tmp_path / "second"), "--resume", sgd_checkpoint],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert sgd_checkpoint in result.stderr


def test_two_live_runs_on_one_checkpoint_the_second_exits_2(tmp_path, capsys):
    path = str(tmp_path / "ck.npz")
    first = subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "train", "--no-progress",
                              "--epochs", "500", "--out", str(tmp_path / "first"),
                              "--checkpoint", path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "MPLBACKEND": "Agg",
                                  "PYTHONPATH": os.getcwd()})
    try:
        deadline = time.monotonic() + 120
        while not os.path.exists(path + ".lock"):
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        status, _, err = run_cli(["train", "--no-progress", "--epochs", "1", "--out",
                                  str(tmp_path / "second"), "--checkpoint", path], capsys)
        assert status == 2 and len(err.strip().splitlines()) == 1
        assert f"pid {first.pid}" in err and f"{path}.lock" in err
    finally:
        first.kill()
        first.wait()
