"""What the command line says and leaves behind, driven as a user drives it (a subprocess):
one line per epoch in a pipe and the line saying what ended the run, run folders, --out
checks, Ctrl-C (a real SIGINT) and --version."""
import configparser
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from tinygrad_opt.cli import _output

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}


def tinygrad_opt(*args, cwd=None, **kwargs):
    """Run ``python -m tinygrad_opt ARGS`` with stdout and stderr piped."""
    return subprocess.run([sys.executable, "-m", "tinygrad_opt", *args], capture_output=True,
                          text=True, timeout=240, env=ENV, cwd=cwd, **kwargs)


def test_piped_output_has_one_flushed_line_per_epoch_and_the_end_line(tmp_path):
    result = tinygrad_opt("train", "--epochs", "4", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    epochs = [line for line in lines if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/4", "2/4", "3/4", "4/4"]
    assert all("loss" in line and "val_loss" in line and "lr" in line and line.endswith(" s")
               for line in epochs)
    assert lines[lines.index(epochs[-1]) + 1] == "finished: 4/4 epochs (the epoch budget)"
    assert "\r" not in result.stdout + result.stderr and result.stderr == ""
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["stopped_by"] == "epochs"
    assert summary["stop_reason"] == "finished: 4/4 epochs (the epoch budget)"


def test_early_stop_says_which_rule_and_why_every_time(tmp_path):
    for progress in ([], ["--no-progress"]):
        out = tmp_path / str(len(progress))
        result = tinygrad_opt("train", "--patience", "1", "--epochs", "200", "--lr", "0.01",
                              "--out", str(out), *progress)
        assert result.returncode == 0, result.stderr
        summary = json.loads((out / "summary.json").read_text())
        assert summary["stopped_by"] == "EarlyStopping" and summary["epochs"] < 200
        line = summary["stop_reason"]
        assert line.startswith(f"stopped after {summary['epochs']}/200 epochs by EarlyStopping: "
                               f"val_loss did not improve for 1 epoch(s)")
        assert result.stdout.splitlines().count(line) == 1


def test_summary_records_every_resolved_hyper_parameter(tmp_path):
    result = tinygrad_opt("train", "--epochs", "2", "--optimizer", "adamw", "--schedule",
                          "onecycle", "--patience", "5", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["lr"] == 1e-3
    hyper = summary["hyper_parameters"]
    assert hyper["optimizer"] == {"class": "AdamW", "lr": 1e-3, "betas": [0.9, 0.999],
                                  "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False,
                                  "maximize": False}
    steps = hyper["data"]["train_batches"]["steps_per_epoch"]
    assert steps == 45
    assert hyper["scheduler"] == {"class": "OneCycleLR", "max_lr": 1e-3, "total_steps": 2 * steps}
    assert hyper["early_stopping"]["patience"] == 5
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".tmp-")]


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import datetime
    now = datetime.datetime(2026, 1, 2, 3, 4, 5)
    paths = [_output.new_run_folder(now=now) for _ in range(3)]
    assert paths == [os.path.join("runs", name) for name in
                     ("20260102-030405", "20260102-030405-2", "20260102-030405-3")]
    runs = [subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "train", "--epochs", "1"],
                             cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    for run in runs:
        run.communicate(timeout=240)
    assert [run.returncode for run in runs] == [0, 0]
    folders = sorted(set(os.listdir(tmp_path / "runs")) - {os.path.basename(p) for p in paths})
    assert len(folders) == 2
    assert all((tmp_path / "runs" / folder / "summary.json").exists() for folder in folders)


def _read_only_place(tmp_path):
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return str(folder)
    # root writes through permission bits; sysfs refuses new entries even to root
    if not os.path.isdir("/sys/kernel") or _can_create("/sys/kernel/tinygrad-opt-test"):
        pytest.skip("no read-only place for root here")
    return "/sys/kernel/tinygrad-opt-test"


def _can_create(path):
    try:
        os.mkdir(path)
    except OSError:
        return False
    os.rmdir(path)
    return True


def test_out_naming_a_file_or_a_read_only_place_exits_2_before_training(tmp_path):
    a_file = tmp_path / "results.txt"
    a_file.write_text("keep me\n")
    for out, words in [(str(a_file), "is a file"), (str(a_file / "sub"), "cannot create"),
                       (_read_only_place(tmp_path), "cannot")]:
        result = tinygrad_opt("train", "--epochs", "50", "--out", out)
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("tinygrad-opt train: error: --out ")
        assert words in result.stderr and out in result.stderr
        assert "epoch" not in result.stdout
    assert a_file.read_text() == "keep me\n"


def test_out_holding_an_earlier_run_is_refused_and_its_model_kept(tmp_path):
    first = tinygrad_opt("train", "--epochs", "1", "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    model = (tmp_path / "model.npz").read_bytes()
    second = tinygrad_opt("train", "--epochs", "2", "--out", str(tmp_path))
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert "already holds summary.json, model.npz" in second.stderr
    assert len(second.stderr.splitlines()) == 1 and "epoch" not in second.stdout
    assert (tmp_path / "model.npz").read_bytes() == model


def test_resume_with_no_epoch_left_to_train_exits_2_saying_so(tmp_path):
    checkpoint = str(tmp_path / "ck.npz")
    first = tinygrad_opt("train", "--epochs", "2", "--checkpoint", checkpoint,
                         "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    again = tinygrad_opt("train", "--epochs", "2", "--resume", checkpoint,
                         "--out", str(tmp_path / "b"))
    assert again.returncode == 2 and len(again.stderr.splitlines()) == 1
    assert "already holds 2 epoch(s)" in again.stderr and "above 2" in again.stderr


def test_lr_find_with_one_iteration_exits_2_naming_the_option(tmp_path):
    result = tinygrad_opt("lr-find", "--num-iter", "1", "--out", str(tmp_path))
    assert result.returncode == 2 and "--num-iter must be at least 2" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_ctrl_c_exits_130_with_one_line_and_a_checkpoint_that_resumes(tmp_path):
    checkpoint = str(tmp_path / "ck.npz")
    run = subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "train", "--epochs", "500",
                            "--checkpoint", checkpoint, "--out", str(tmp_path / "first")],
                           env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        for line in run.stdout:
            if line.startswith("epoch   3/500"):
                break
            assert time.monotonic() < deadline
        time.sleep(0.05)  # land anywhere in epoch 4: in a step or in a checkpoint write
        run.send_signal(signal.SIGINT)
        rest, err = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == 130
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("tinygrad-opt train: interrupted (Ctrl-C) in epoch ")
    assert f"checkpoint {checkpoint} is intact" in err and f"--resume {checkpoint}" in err
    saved = int(err.split(" is intact with ")[1].split()[0])
    assert saved >= 3
    summary = json.loads((tmp_path / "first" / "summary.json").read_text())
    assert summary["stopped_by"] == "interrupt" and summary["epochs"] >= saved
    assert not os.path.exists(checkpoint + ".lock")
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".tmp-")]
    resumed = tinygrad_opt("train", "--resume", checkpoint, "--epochs", str(saved + 1),
                           "--out", str(tmp_path / "second"))
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((tmp_path / "second" / "summary.json").read_text())["epochs"] == saved + 1


def test_version_prints_the_package_version():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    result = tinygrad_opt("--version")
    assert result.returncode == 0
    assert result.stdout == f"tinygrad-opt {config['metadata']['version']}\n"


def test_version_falls_back_to_setup_cfg_when_not_installed():
    code = ("import importlib.metadata as m\n"
            "def missing(name): raise m.PackageNotFoundError(name)\n"
            "m.version = missing\n"
            "from tinygrad_opt._version import __version__; print(__version__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=ENV, timeout=60)
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert result.stdout.strip() == config["metadata"]["version"]


@pytest.mark.parametrize("size", [(40, 100), (0, 0)])
def test_in_a_terminal_a_bar_runs_during_each_epoch_then_its_line(size, tmp_path):
    import fcntl
    import pty
    import struct
    import termios
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    run = subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "train", "--epochs", "3",
                            "--out", str(tmp_path)], env=ENV, stdin=follower, stdout=follower,
                           stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert run.wait(timeout=240) == 0
    text = drawn.decode()
    assert [f"Epoch {epoch}/3:   0%" in text for epoch in (1, 2, 3)] == [True] * 3
    lines = [line.split("\r")[-1] for line in text.splitlines()]
    epochs = [line for line in lines if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/3", "2/3", "3/3"]
    assert all("val_accuracy" in line for line in epochs)
    assert "finished: 3/3 epochs (the epoch budget)" in lines


def test_a_diverged_run_still_writes_its_summary_saying_so(tmp_path):
    result = tinygrad_opt("train", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2",
                          "--out", str(tmp_path))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["stopped_by"] == "divergence" and "lr=1e+30" in summary["stop_reason"]
    assert summary["config"]["lr"] == summary["hyper_parameters"]["optimizer"]["lr"] == 1e30


def test_piped_through_tee_the_terminal_gets_no_bar(tmp_path):
    import pty
    leader, follower = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "tinygrad_opt", "train", "--epochs", "2",
                            "--out", str(tmp_path)], env=ENV, stdout=subprocess.PIPE,
                           stderr=follower, text=True)
    os.close(follower)
    out, _ = run.communicate(timeout=240)
    os.set_blocking(leader, False)
    try:
        drawn = os.read(leader, 65536)
    except (BlockingIOError, OSError):
        drawn = b""
    os.close(leader)
    assert run.returncode == 0 and drawn == b""
    assert [line.split()[1] for line in out.splitlines() if line.startswith("epoch ")] == \
        ["1/2", "2/2"]
