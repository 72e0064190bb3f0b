"""``tinygrad-opt predict MODEL INPUT``: labels or class probabilities for raw feature rows.

MODEL is the ``model.npz`` that ``tinygrad-opt train`` writes to its run folder; INPUT a
``.npy`` file (a 2-D array, one row per sample) or a ``.csv`` file of the same raw features
the model was trained on (the saved scaling is applied). A CSV file holds one row per line,
values separated by commas; its first line is taken as a header and skipped when none of
its cells is a number (``pixel0,pixel1,...``), so a header of numbers (pandas' default column
names ``0,1,...``) would be read as data: write such files with ``header=False``. Blank lines
are skipped.

Output: one predicted label per line, or with ``--proba`` one comma-separated row of class
probabilities per input row (columns in the order of the model's classes), on stdout or into
``--output FILE`` (``.csv``: the same lines; ``.npy``: the labels or probabilities as an
array).
"""
import csv
import os
import sys

import numpy as np

from ..train import load_model
from . import _args

_INPUTS = (".npy", ".csv")
_OUTPUTS = (".csv", ".npy")


def add_commands(commands):
    """Register ``predict`` with the subparsers ``commands``."""
    parser = commands.add_parser("predict", help="predict with a model.npz of tinygrad-opt train",
                                 formatter_class=_args.DefaultsFormatter)
    parser.add_argument("model", metavar="MODEL", help="model.npz from a run folder")
    parser.add_argument("input", metavar="INPUT", help="raw feature rows: .npy (2-D array) or "
                        ".csv (commas; a header line without numbers is skipped)")
    parser.add_argument("--output", metavar="FILE",
                        help="write to FILE (.csv or .npy) instead of printing")
    parser.add_argument("--proba", action="store_true",
                        help="class probabilities (one row per input row) instead of labels")
    parser.add_argument("--batch-size", type=_args.positive_int, metavar="N",
                        help="rows per forward pass (default: all at once)")
    parser.set_defaults(run=run_predict)


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _csv_rows(path):
    """``[(line_number, cells)]`` of the non-blank lines, the header line left out."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a text CSV file (it is not UTF-8 text)") from None
    if rows and not any(_is_number(cell) for cell in rows[0][1]):
        rows = rows[1:]
    return rows


def _read_csv(path):
    rows = _csv_rows(path)
    if not rows:
        raise ValueError(f"{path} holds no rows")
    first_line, first = rows[0]
    values = np.empty((len(rows), len(first)))
    for index, (line, cells) in enumerate(rows):
        if len(cells) != len(first):
            raise ValueError(f"{path}, line {line}: {len(cells)} values, but line {first_line} "
                             f"has {len(first)}")
        for column, cell in enumerate(cells):
            try:
                values[index, column] = float(cell)
            except ValueError:
                raise ValueError(f"{path}, line {line}, column {column + 1}: {cell!r} is not a "
                                 f"number") from None
    _check_finite(path, values, lambda index: f"line {rows[index][0]}")
    return values


def _read_npy(path):
    try:
        array = np.load(path, allow_pickle=False)
    except Exception as error:  # not .npy: NumPy raises ValueError, OSError or EOFError
        if "pickle" in str(error):
            raise ValueError(f"{path} holds pickled Python objects, which predict never "
                             f"loads; save the rows as a numeric array") from None
        raise ValueError(f"{path} is not a readable .npy array "
                         f"({type(error).__name__}: {error})") from None
    if not isinstance(array, np.ndarray):
        raise ValueError(f"{path} is an .npz archive, not one .npy array")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{path} holds {array.dtype} values, not numbers")
    if array.ndim != 2:
        raise ValueError(f"{path} holds an array of shape {array.shape}; give one row per "
                         f"sample, a 2-D array (for one sample: X.reshape(1, -1))")
    if len(array) == 0:
        raise ValueError(f"{path} holds no rows")
    _check_finite(path, array, lambda index: f"row {index + 1}")
    return array


def _check_finite(path, rows, name_row):
    bad = np.argwhere(~np.isfinite(rows))
    if bad.size:
        row, column = bad[0]
        raise ValueError(f"{path}, {name_row(row)}, column {column + 1}: {rows[row, column]} "
                         f"is not a finite number")


def read_rows(path):
    """The raw feature rows of a ``.npy`` or ``.csv`` file as a 2-D array.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: another extension, a folder, no rows, rows of unequal width, a cell that
            is not a number (line and column named) or a value that is not finite.
    """
    extension = os.path.splitext(path)[1].lower()
    if extension not in _INPUTS:
        raise ValueError(f"INPUT must be a .npy or .csv file, got {path}")
    if os.path.isdir(path):
        raise ValueError(f"INPUT {path} is a folder, not a file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"INPUT {path}: no such file")
    return _read_npy(path) if extension == ".npy" else _read_csv(path)


def _write(values, proba, stream):
    if proba:
        np.savetxt(stream, values, fmt="%.8g", delimiter=",")
    else:
        stream.write("".join(f"{label}\n" for label in values.tolist()))


def run_predict(args):
    """``tinygrad-opt predict``: load the model and the rows, print or write the results."""
    if args.output is not None and os.path.splitext(args.output)[1].lower() not in _OUTPUTS:
        raise ValueError(f"--output must end in .csv or .npy, got {args.output}")
    if args.output is not None:
        for name, path in (("INPUT", args.input), ("MODEL", args.model)):
            if os.path.realpath(args.output) == os.path.realpath(path):
                raise ValueError(f"--output {args.output} is the {name} file; writing there "
                                 f"would destroy it: choose another file name")
    trained = load_model(args.model)
    rows = read_rows(args.input)
    if rows.shape[1] != trained.n_features:
        raise ValueError(f"{args.input} has rows of {rows.shape[1]} features, but the model "
                         f"{args.model} takes {trained.n_features}")
    predict = trained.predict_proba if args.proba else trained.predict
    values = predict(rows, batch_size=args.batch_size)
    if args.output is None:
        _write(values, args.proba, sys.stdout)
        return 0
    try:
        if args.output.lower().endswith(".npy"):
            np.save(args.output, values)
        else:
            with open(args.output, "w") as stream:
                _write(values, args.proba, stream)
    except OSError as error:
        raise ValueError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"wrote {'probabilities' if args.proba else 'labels'} of {len(values)} rows "
          f"to {args.output}")
    return 0
