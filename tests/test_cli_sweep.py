"""``tinygrad-opt sweep``: options with several values, the same rows serially and in the
pool, pictures, one-line errors (exit 2) before any trial, and a missing Ray."""
import os
import subprocess
import sys

import pytest

from tinygrad_opt import cli
from tinygrad_opt.train import read_results

TINY = ["--epochs", "2", "--hidden", "8"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def run_cli(args, capsys):
    try:
        status = cli.main(args)
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _key(row):
    return row["optimizer"], row["lr"], row["seed"]


def _without_timing(rows):
    return [{name: value for name, value in row.items() if name not in ("seconds", "host")}
            for row in sorted(rows, key=_key)]


def test_serial_sweep_and_two_worker_pool_write_the_same_rows_and_a_picture(tmp_path, capsys):
    args = ["sweep", "--optimizer", "sgd", "adam", "--lr", "0.01", "0.1", "--seeds", "2", *TINY]
    status, out, _ = run_cli([*args, "--workers", "2", "--out", str(tmp_path / "pool")], capsys)
    assert status == 0 and "[8/8]" in out and "8 ok" in out
    assert (tmp_path / "pool" / "val_loss_vs_lr.png").stat().st_size > 1000
    # One BLAS thread, as each pool worker has: the serial run then sums in the same order.
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    serial = subprocess.run([sys.executable, "-m", "tinygrad_opt", *args, "--workers", "1",
                             "--out", str(tmp_path / "serial")],
                            capture_output=True, text=True, timeout=300, env=env)
    assert serial.returncode == 0, serial.stderr
    pool_rows, serial_rows = read_results(tmp_path / "pool"), read_results(tmp_path / "serial")
    assert len(pool_rows) == 8
    assert repr(_without_timing(pool_rows)) == repr(_without_timing(serial_rows))


def test_columns_are_the_options_given_plus_optimizer_and_lr(tmp_path, capsys):
    status, out, _ = run_cli(["sweep", "--batch-size", "16", "64", *TINY, "--workers", "1",
                              "--out", str(tmp_path)], capsys)
    assert status == 0
    header = (tmp_path / "results.csv").read_text().splitlines()[0].split(",")
    assert header[:5] == ["batch_size", "hidden", "optimizer", "lr", "max_epochs"]
    assert [row["lr"] for row in read_results(tmp_path)] == [0.001, 0.001]  # adam's default
    assert (tmp_path / "val_loss_vs_batch_size.png").exists()
    assert "batch_size=16 seed=0: ok" in out


def test_default_out_folders_are_new_each_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert run_cli(["sweep", "--epochs", "1", "--hidden", "8"], capsys)[0] == 0
    folders = sorted((tmp_path / "runs").iterdir())
    assert len(folders) == 2 and all(f.name.startswith("sweep-") for f in folders)
    assert all(len(read_results(folder)) == 1 for folder in folders)


@pytest.mark.parametrize("args, message", [
    (["--lr", "0.1", "-1"], "argument --lr: must be > 0"),
    (["--optimizer", "sgd", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
    (["--optimizer", "sgd", "adam", "--momentum", "0.9"], "momentum applies to sgd and rmsprop"),
    (["--dropout", "0.1", "1"], "dropout=1.0 must be below 1"),
    (["--seeds", "0"], "argument --seeds: must be >= 1"),
    (["--workers", "0"], "argument --workers: must be >= 1"),
    (["--dataset", "mnist"], "dataset mnist needs data_dir"),
])
def test_bad_value_exits_2_with_one_line_before_any_trial(args, message, tmp_path, capsys):
    status, out, err = run_cli(["sweep", *args, "--out", str(tmp_path / "out")], capsys)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not (tmp_path / "out").exists()


def test_ray_without_ray_installed_exits_2_saying_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    status, out, err = run_cli(["sweep", "--ray", "local", "--out", str(tmp_path / "out")],
                               capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and 'pip install -e ".[ray]"' in err
    assert not (tmp_path / "out").exists()
