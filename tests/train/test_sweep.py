"""tg.train.sweep: grid checks before any trial, statuses, results.csv as trials finish,
resumption, and the same rows from the process pool and from Ray."""
import csv
import math
import re
import socket
import sys

import pytest

from tinygrad_opt.train import sweep as sweep_function
from tinygrad_opt.train.sweep import RESULTS, expand, read_results, run_trial

sweep_module = sys.modules["tinygrad_opt.train.sweep"]

TINY = {"epochs": [2], "hidden": [[8]]}
GRID = {"optimizer": ["sgd", "adam"], "lr": [0.01, 0.1], **TINY}


def _without_timing(rows):
    return [{name: value for name, value in row.items() if name not in ("seconds", "host")}
            for row in rows]


def _same_rows(first, second):
    """Rows equal to the last bit (repr compares NaN as equal to NaN)."""
    return repr(_without_timing(first)) == repr(_without_timing(second))


@pytest.fixture(scope="module")
def pool_rows(tmp_path_factory):
    out = tmp_path_factory.mktemp("pool")
    return sweep_function(GRID, seeds=2, workers=2, out=out, progress=False), out


def test_pool_rows_come_in_grid_order_and_match_results_csv(pool_rows):
    rows, out = pool_rows
    assert [(row["optimizer"], row["lr"], row["seed"]) for row in rows] == [
        (name, lr, seed) for name in ("sgd", "adam") for lr in (0.01, 0.1) for seed in (0, 1)]
    assert all(row["status"] == "ok" and row["epochs"] == 2 for row in rows)
    assert rows[0]["val_loss"] != rows[1]["val_loss"]  # the seed changes the trial
    stored = sorted(read_results(out), key=lambda row: (row["optimizer"], row["lr"], row["seed"]))
    expected = sorted(rows, key=lambda row: (row["optimizer"], row["lr"], row["seed"]))
    assert repr(stored) == repr(expected)  # floats written exactly (repr round trip)


def test_a_trial_gives_the_same_numbers_in_the_pool_as_run_alone(pool_rows):
    rows, _ = pool_rows
    _, trials = expand(GRID, seeds=2)
    # adam lr=0.01 seed=1, here with this process's BLAS threads: training batches and the
    # 180-row val/test splits are products below OpenBLAS's threading threshold, so they sum
    # in the same order (the 1024-row train-split evaluation is not: see sweep's docstring).
    alone = run_trial(trials[5])
    for name in ("val_loss", "val_accuracy", "test_loss", "test_accuracy", "epochs"):
        assert alone[name] == rows[5][name]


def test_progress_line_per_finished_trial_with_overall_count(tmp_path, capsys):
    sweep_function({"optimizer": ["sgd"], "lr": [0.1, 0.2], **TINY}, workers=1, out=tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"\[1/2\] lr=0\.1 seed=0: ok val_loss [\d.e+-]+ \(\d+\.\d s\)",
                        lines[0])  # the options that vary, and the seed
    assert lines[1].startswith("[2/2] lr=0.2 seed=0: ok")


def test_diverging_trial_is_a_row_with_status_diverged_and_the_sweep_goes_on(tmp_path):
    rows = sweep_function({"optimizer": ["sgd"], "lr": [1e6, 0.1], **TINY}, workers=1,
                          out=tmp_path, progress=False)
    diverged, fine = rows
    assert diverged["status"] == "diverged" and "diverged" in diverged["error"]
    assert diverged["epochs"] == 0 and math.isnan(diverged["val_loss"])
    assert fine["status"] == "ok" and fine["val_loss"] < 2.5
    with open(tmp_path / "results.csv", newline="") as stream:
        cells = list(csv.DictReader(stream))[0]
    assert cells["status"] == "diverged" and cells["val_loss"] == "" and cells["lr"] == "1000000.0"


def test_failing_trial_is_a_row_with_status_failed_and_the_message(tmp_path):
    rows = sweep_function({"dataset": ["mnist"], "data_dir": [str(tmp_path / "none")], **TINY},
                          workers=1, progress=False)
    assert rows[0]["status"] == "failed"
    assert rows[0]["error"].startswith("FileNotFoundError") and "none" in rows[0]["error"]


@pytest.mark.parametrize("grid, seeds, workers, message", [
    ({"lr": [0.1, -1.0]}, 1, 1, "lr=-1.0 must be > 0"),
    ({"optimizer": ["sgd", "lbfgs"]}, 1, 1, "optimizer='lbfgs'"),
    ({"optimizer": ["sgd", "adam"], "momentum": [0.9]}, 1, 1, "momentum applies to"),
    ({"batch_size": [32, 0]}, 1, 1, "batch_size=0"),
    ({"hidden": [[16], [0]]}, 1, 1, "hidden=\\[0\\]"),
    ({"learning_rate": [0.1]}, 1, 1, "unknown option.*learning_rate"),
    ({"seed": [1, 2]}, 1, 1, "seeds="),
    ({"lr": []}, 1, 1, "lr has no values"),
    ({"lr": [0.1, 0.1]}, 1, 1, "trial optimizer=adam lr=0.1 seed=0 comes more than once"),
    ({"optimizer": ["sgd"], "lr": [None, 0.05]}, 1, 1, "lr=0.05 seed=0 comes more than once"),
    ({"lr": [0.1]}, 0, 1, "seeds=0"),
    ({"lr": [0.1]}, [0, 0], 1, "without repeats"),
    ({"lr": [0.1]}, 1, 0, "workers=0"),
    ([0.1, 0.2], 1, 1, "grid must be a dict"),
])
def test_bad_grid_value_is_named_before_any_trial_runs(grid, seeds, workers, message, tmp_path,
                                                       monkeypatch):
    def must_not_run(config):
        raise AssertionError("a trial ran")

    monkeypatch.setattr(sweep_module, "run_trial", must_not_run)
    with pytest.raises(ValueError, match=message):
        sweep_function(grid, seeds=seeds, workers=workers, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _counting_trials(monkeypatch, stop_after=None):
    """Replace run_trial by one that records how many rows results.csv held when each trial
    started, and raises KeyboardInterrupt (a killed sweep) when ``stop_after`` trials ran."""
    seen = []

    def trial(config, out=None):
        if stop_after is not None and len(seen) == stop_after:
            raise KeyboardInterrupt
        seen.append(config)
        return run_trial(config)

    monkeypatch.setattr(sweep_module, "run_trial", trial)
    return seen


def test_results_csv_holds_each_trial_as_soon_as_it_finishes(tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    rows_at_start = []
    real = run_trial

    def trial(config):
        rows_at_start.append(len(read_results(path)) if path.exists() else 0)
        return real(config)

    monkeypatch.setattr(sweep_module, "run_trial", trial)
    sweep_function({"lr": [0.01, 0.1, 1.0], **TINY}, workers=1, out=tmp_path, progress=False)
    assert rows_at_start == [0, 1, 2]


def test_killed_sweep_keeps_finished_trials_and_rerun_skips_them(tmp_path, monkeypatch, capsys):
    grid = {"optimizer": ["sgd"], "lr": [0.01, 0.1, 1.0], **TINY}
    _counting_trials(monkeypatch, stop_after=2)
    with pytest.raises(KeyboardInterrupt):
        sweep_function(grid, seeds=[0], workers=1, out=tmp_path, progress=False)
    kept = read_results(tmp_path)
    assert [row["lr"] for row in kept] == [0.01, 0.1]
    ran = _counting_trials(monkeypatch)
    rows = sweep_function(grid, seeds=[0], workers=1, out=tmp_path)
    assert [config["lr"] for config in ran] == [1.0]
    assert "skipped 2 of 3 trials already in" in capsys.readouterr().out
    assert _same_rows(rows[:2], kept) and len(read_results(tmp_path)) == 3


def test_rerun_of_a_finished_sweep_runs_nothing_and_returns_the_same_rows(tmp_path, monkeypatch):
    grid = {"optimizer": ["sgd"], "lr": [0.1], "batch_size": [16, 64], **TINY}
    first = sweep_function(grid, workers=1, out=tmp_path, progress=False)
    ran = _counting_trials(monkeypatch)
    again = sweep_function(grid, workers=1, out=tmp_path, progress=False)
    assert ran == [] and repr(again) == repr(first)


def test_out_folder_of_another_sweep_is_refused(tmp_path):
    sweep_function({"lr": [0.1], **TINY}, workers=1, out=tmp_path, progress=False)
    with pytest.raises(ValueError, match="holds another sweep"):
        sweep_function({"lr": [0.1], "dropout": [0.1], **TINY}, workers=1, out=tmp_path)


def test_columns_are_the_grid_options_then_seed_then_results():
    columns, trials = expand({"epochs": [3], "hidden": [[8], [4, 4]], "optimizer": ["sgd"]},
                             seeds=[5])
    assert columns == ["hidden", "optimizer", "lr", "epochs"]
    assert [trial["lr"] for trial in trials] == [0.05, 0.05]  # the optimizer's default
    row = sweep_module._row(trials[1], columns, run_trial(trials[1]))
    assert list(row) == ["hidden", "optimizer", "lr", "max_epochs", "seed", *RESULTS]
    assert row["hidden"] == [4, 4] and row["max_epochs"] == 3 and row["epochs"] == 3


def test_ray_not_installed_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[ray\]"'):
        sweep_function({"lr": [0.1], **TINY}, ray="local")


@pytest.fixture(scope="module")
def ray_instance():
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install -e .[ray]")
    ray.init(num_cpus=2, include_dashboard=False)
    yield ray
    ray.shutdown()


def test_ray_tasks_give_the_rows_of_the_local_pool(ray_instance, pool_rows, capsys):
    rows = sweep_function(GRID, seeds=2, ray="local")
    assert _same_rows(rows, pool_rows[0])
    assert {row["host"] for row in rows} == {socket.gethostname()}
    assert ray_instance.is_initialized()  # a connection made by the caller is left open
    assert f"s on {socket.gethostname()})" in capsys.readouterr().out
