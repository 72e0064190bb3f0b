"""`tinygrad-opt train` writes model.npz; `tinygrad-opt predict` applies it to .csv and .npy
rows, as a user runs them (real subprocesses)."""
import os
import subprocess
import sys

import numpy as np
import pytest

from tinygrad_opt import data, train


def _cli(*args, cwd):
    result = subprocess.run([sys.executable, "-m", "tinygrad_opt", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A run folder of `tinygrad-opt train` and input files of the first 20 digits."""
    path = tmp_path_factory.mktemp("predict")
    status, _, err = _cli("train", "--epochs", "5", "--out", "run", "--no-progress", cwd=path)
    assert status == 0, err
    X = data.load_digits()[0][:20]
    np.save(path / "rows.npy", X)
    np.savetxt(path / "rows.csv", X, delimiter=",", fmt="%g")
    header = ",".join(f"pixel{i}" for i in range(64))
    np.savetxt(path / "header.csv", X, delimiter=",", fmt="%g", header=header, comments="")
    return path


@pytest.fixture(scope="module")
def expected(folder):
    """Labels and probabilities of the same rows by the Python API."""
    trained = train.load_model(str(folder / "run" / "model.npz"))
    X = data.load_digits()[0][:20]
    return trained.predict(X), trained.predict_proba(X)


@pytest.mark.parametrize("rows", ["rows.csv", "header.csv", "rows.npy"])
def test_predict_prints_one_label_per_row(folder, expected, rows):
    status, out, err = _cli("predict", "run/model.npz", rows, cwd=folder)
    assert status == 0 and err == ""
    assert out.splitlines() == [str(label) for label in expected[0]]
    assert (expected[0] == data.load_digits()[1][:20]).mean() >= 0.8


def test_proba_prints_rows_of_probabilities_that_sum_to_one(folder, expected):
    status, out, _ = _cli("predict", "run/model.npz", "rows.csv", "--proba", "--batch-size", "3",
                          cwd=folder)
    assert status == 0
    proba = np.array([[float(cell) for cell in line.split(",")] for line in out.splitlines()])
    assert proba.shape == (20, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(proba, expected[1], rtol=1e-5, atol=1e-8)  # batches: float32 sums


def test_output_writes_csv_or_npy_instead_of_printing(folder, expected):
    status, out, _ = _cli("predict", "run/model.npz", "rows.npy", "--output", "labels.csv",
                          cwd=folder)
    assert status == 0 and "labels of 20 rows to labels.csv" in out
    assert (folder / "labels.csv").read_text().splitlines() == [str(k) for k in expected[0]]
    status, _, _ = _cli("predict", "run/model.npz", "rows.csv", "--proba", "--output",
                        "proba.npy", cwd=folder)
    assert status == 0
    np.testing.assert_array_equal(np.load(folder / "proba.npy"), expected[1])


def _write(folder, name, text):
    (folder / name).write_text(text)
    return name


ERRORS = {
    "wrong width": (lambda f: ("run/model.npz", _write(f, "narrow.csv", "1,2,3\n4,5,6\n")),
                    "narrow.csv has rows of 3 features, but the model run/model.npz takes 64"),
    "non-numeric cell": (lambda f: ("run/model.npz", _write(f, "bad.csv", "1,2\n3,abc\n")),
                         "bad.csv, line 2, column 2: 'abc' is not a number"),
    "ragged rows": (lambda f: ("run/model.npz", _write(f, "ragged.csv", "1,2\n\n3,4,5\n")),
                    "ragged.csv, line 3: 3 values, but line 1 has 2"),
    "missing input": (lambda f: ("run/model.npz", "nothing.csv"), "nothing.csv: no such file"),
    "missing model": (lambda f: ("run/none.npz", "rows.csv"), "run/none.npz: no such file"),
    "not a model file": (lambda f: ("rows.npy", "rows.csv"),
                         "rows.npy is not a model file: it is a single .npy array"),
    "summary instead of model": (lambda f: ("run/summary.json", "rows.csv"),
                                 "run/summary.json is not a model file: it is a text file"),
    "another input format": (lambda f: ("run/model.npz", "run/summary.json"),
                             "INPUT must be a .npy or .csv file"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_each_error_exits_2_with_one_line(folder, case):
    make, message = ERRORS[case]
    status, out, err = _cli("predict", *make(folder), cwd=folder)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tinygrad-opt predict: error: ")
    assert message in err


def test_an_unknown_output_extension_exits_2_before_loading(folder):
    status, _, err = _cli("predict", "run/model.npz", "rows.csv", "--output", "out.txt",
                          cwd=folder)
    assert status == 2 and "--output must end in .csv or .npy, got out.txt" in err
    assert not (folder / "out.txt").exists()
