"""Sweeps: the recipe trained over every combination of a grid of options, for several seeds.

A trial is a plain function of its options and seed, ``run_trial(recipe.resolve(options,
seed=seed))``, so its numbers do not depend on where it runs: in a local process pool or as
a Ray task (each with one BLAS thread), the same trial gives the same row, bit for bit
(``seconds`` and ``host`` aside). Trials run in this process (``workers=1``) use this
process's BLAS threads; their rows match too when it runs BLAS on one thread (started with
``OMP_NUM_THREADS=1``, or on one core); otherwise the products that OpenBLAS splits across
threads (past about 2.6e5 multiply-adds, such as evaluating 180 samples with 128 hidden
units) sum in another order, and losses differ in the last float32 digits (relative 1e-7
to 1e-6 on the digits job).

    rows = tg.train.sweep({"optimizer": ["sgd", "adam"], "lr": [1e-3, 1e-2, 1e-1],
                           "epochs": [10]}, seeds=2, workers=2, out="runs/lr-sweep")
    tg.viz.save_sweep_figures(rows, "runs/lr-sweep")   # val_loss_vs_lr.png

``results.csv`` in ``out`` has one row per trial, appended and flushed as each trial
finishes (a killed sweep keeps what finished); a sweep run again into the same folder skips
the trials already there.
"""
import csv
import itertools
import math
import os
import pathlib
import socket
import time

from . import _executors, recipe
from .diverged import TrainingDiverged

RESULTS = ("status", "epochs", "loss", "val_loss", "val_accuracy", "test_loss",
           "test_accuracy", "seconds", "host", "error")
"""Columns after the options and ``seed``: ``status`` is ``ok``, ``diverged`` or
``failed``; losses and accuracies are evaluated after training (``loss`` on the training
split) and empty unless ``ok``; ``epochs`` counts the finished epochs; ``seconds`` is the
trial's wall time (data, training, evaluation); ``error`` the message of a diverged or
failed trial."""

COLUMN_NAMES = {"epochs": "max_epochs"}
"""Option columns named apart from their option: the ``epochs`` option (the budget) is
``max_epochs``, since ``epochs`` is the result column (the epochs actually trained)."""

ALWAYS_RECORDED = ("optimizer", "lr")
INTEGER_OPTIONS = ("seed", "batch_size", "max_epochs", "patience")
FLOAT_OPTIONS = ("lr", "dropout", "momentum", "weight_decay")
FLOAT_RESULTS = ("loss", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "seconds")


def run_trial(config):
    """Train and evaluate one resolved config; never raises.

    Returns:
        A dict with the ``RESULTS`` columns: ``status`` ``ok`` with the final losses and
        accuracies, ``diverged`` (``TrainingDiverged``) or ``failed`` (any other exception,
        its type and message in ``error``); ``host`` is ``socket.gethostname()``.
    """
    started = time.perf_counter()
    outcome = {name: math.nan for name in FLOAT_RESULTS}
    outcome.update(status="ok", epochs=0, host=socket.gethostname(), error="")
    try:
        run = recipe.run(config)
    except TrainingDiverged as error:
        outcome.update(status="diverged", epochs=error.epoch, error=_one_line(error))
    except Exception as error:  # a failed trial is a row; the sweep goes on
        outcome.update(status="failed", error=f"{type(error).__name__}: {_one_line(error)}")
    else:
        results = run["results"]
        outcome.update(epochs=len(run["history"].epoch), loss=float(results["train"]["loss"]))
        for split in ("val", "test"):
            outcome[f"{split}_loss"] = float(results[split]["loss"])
            outcome[f"{split}_accuracy"] = float(results[split]["accuracy"])
    outcome["seconds"] = time.perf_counter() - started
    return outcome


def _one_line(error):
    return " ".join(str(error).split())


def expand(grid, seeds=1):
    """Every trial of a grid, each resolved and checked before any runs.

    Args:
        grid: dict option name (as in ``recipe.DEFAULTS``, but not ``seed``) -> list of
            values; a value that is not a list or tuple is one value. ``hidden`` values are
            layer-width lists: ``{"hidden": [[128], [64, 64]]}``.
        seeds: an int N (seeds 0..N-1) or a list of seeds.

    Returns:
        ``(options, trials)``: the options recorded in ``results.csv`` (the grid's options
        and always ``optimizer`` and ``lr``, in ``recipe.DEFAULTS`` order) and the resolved
        configs, in grid order with the seed varying fastest.

    Raises:
        ValueError: an unknown option, an empty value list, a bad seed count, a value (or
            combination) that ``recipe.resolve`` rejects, or a trial that comes twice (a
            repeated value, or ``lr`` None beside the optimizer's default), named.
    """
    if not isinstance(grid, dict):
        raise ValueError(f"grid must be a dict of option -> list of values, got {grid!r}")
    if "seed" in grid:
        raise ValueError("grid: give the seeds with seeds= (an int N or a list), not in grid")
    unknown = sorted(set(grid) - set(recipe.DEFAULTS))
    if unknown:
        raise ValueError(f"grid: unknown option(s) {', '.join(map(str, unknown))}; the recipe "
                         f"takes {', '.join(name for name in recipe.DEFAULTS if name != 'seed')}")
    values = {}
    for name in recipe.DEFAULTS:
        if name in grid:
            values[name] = _value_list(name, grid[name])
    seed_list = _seed_list(seeds)
    trials = []
    for combination in itertools.product(*values.values()):
        options = dict(zip(values, combination))
        for seed in seed_list:
            try:
                trials.append(recipe.resolve(options, seed=seed))
            except ValueError as error:
                raise ValueError(f"sweep grid: {error}") from None
    columns = [name for name in recipe.DEFAULTS if name in grid or name in ALWAYS_RECORDED]
    seen = set()
    for config in trials:
        key = _key(config, columns)
        if key in seen:
            shown = " ".join(f"{name}={cell}" for name, cell in zip([*columns, "seed"], key))
            raise ValueError(f"grid: the trial {shown} comes more than once")
        seen.add(key)
    return columns, trials


def _value_list(name, value):
    candidates = list(value) if isinstance(value, (list, tuple)) else [value]
    if not candidates:
        raise ValueError(f"grid: {name} has no values")
    return candidates


def _seed_list(seeds):
    if isinstance(seeds, bool) or not isinstance(seeds, (int, list, tuple, range)):
        raise ValueError(f"seeds={seeds!r} must be a count >= 1 or a list of seeds")
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds={seeds!r} must be >= 1")
        return list(range(seeds))
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds={seeds!r} must be a non-empty list without repeats")
    return list(seeds)


def _cell(value):
    """A value as written to results.csv: floats exactly (``repr``), layer widths
    comma-separated (``none`` for no hidden layer), None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join(str(width) for width in value) or "none"
    return str(value)


def _parse(column, text):
    """The inverse of ``_cell`` for a column of results.csv."""
    if text == "":
        return math.nan if column in FLOAT_RESULTS else "" if column in RESULTS else None
    if column == "hidden":
        return [] if text == "none" else [int(width) for width in text.split(",")]
    if column in INTEGER_OPTIONS or column == "epochs":
        return int(text)
    if column in FLOAT_OPTIONS or column in FLOAT_RESULTS:
        return float(text)
    return text


def read_results(path):
    """The rows of a ``results.csv`` (a file, or the folder holding it), values typed:
    numbers as int/float (NaN for an empty result), ``hidden`` as a list of widths."""
    path = pathlib.Path(path)
    if path.is_dir():
        path = path / "results.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no sweep results at {path}")
    with open(path, newline="") as stream:
        return [{column: _parse(column, text) for column, text in row.items()}
                for row in csv.DictReader(stream)]


def _header(options):
    return [*(COLUMN_NAMES.get(name, name) for name in options), "seed", *RESULTS]


def _key(config, options):
    return tuple(_cell(config[name]) for name in options) + (str(config["seed"]),)


def _done_rows(path, options):
    """``{trial key: row}`` of the rows already in ``path`` (none if it does not exist)."""
    if not path.is_file():
        return {}
    with open(path, newline="") as stream:
        reader = csv.DictReader(stream)
        expected = _header(options)
        if reader.fieldnames and reader.fieldnames != expected:
            raise ValueError(f"{path} holds another sweep (columns {','.join(reader.fieldnames)}"
                             f"; this one writes {','.join(expected)}): choose another out")
        keys = expected[:len(options) + 1]
        return {tuple(row[name] for name in keys): row for row in reader}


def _label(config, varying):
    return " ".join(f"{name}={_cell(config[name])}" for name in varying) + \
        f" seed={config['seed']}"


def _progress_line(count, total, label, outcome, on_ray):
    if outcome["status"] == "ok":
        what = f"ok val_loss {outcome['val_loss']:.4g}"
    elif outcome["status"] == "diverged":
        what = f"diverged in epoch {outcome['epochs'] + 1}"
    else:
        what = f"failed: {outcome['error'][:100]}"
    where = f" on {outcome['host']}" if on_ray else ""
    return f"[{count}/{total}] {label}: {what} ({outcome['seconds']:.1f} s{where})"


def sweep(grid, seeds=1, workers=None, ray=None, out=None, progress=True):
    """Train the recipe for every combination of ``grid`` and every seed.

    Every value of the grid is resolved and checked (``recipe.resolve``) before any trial
    runs. A diverged or failed trial becomes a row with its status, and the sweep goes on.

    Args:
        grid: dict option -> list of values (see ``expand``), e.g.
            ``{"optimizer": ["sgd", "adam"], "lr": [0.01, 0.1], "epochs": [10]}``; options
            left out keep ``recipe.DEFAULTS``, ``lr`` left out is each optimizer's default.
        seeds: an int N (seeds 0..N-1) or a list of seeds.
        workers: local processes (default: the core count), one trial each at a time, each
            with one BLAS thread; ``1`` runs the trials one after another in this process.
            With ``ray="local"``, the CPUs of the Ray instance.
        ray: None (local), ``"local"`` (start Ray on this machine), ``"auto"`` or
            ``"host:port"`` (connect to a cluster whose nodes have tinygrad_opt installed):
            each trial is then a Ray task. Ray is an optional extra (``pip install -e
            ".[ray]"``).
        out: folder for ``results.csv`` (created); a rerun into it skips the trials it
            already holds. None keeps the rows in memory only.
        progress: print a line per finished trial, with the overall count.

    A script that calls ``sweep`` with ``workers > 1`` needs the ``if __name__ ==
    "__main__":`` guard: worker processes are spawned, and a spawned process imports the
    main module.

    Returns:
        One dict per trial of the grid (skipped ones read back from ``results.csv``), in grid
        order, keyed as the columns of results.csv: the options (``epochs`` as
        ``max_epochs``), ``seed``, and the ``RESULTS`` columns.

    Raises:
        ValueError: a bad grid value or seed count (nothing has run), an ``out`` folder
            whose results.csv holds a sweep with other columns, or no Ray cluster at
            ``ray``.
        ImportError: ``ray`` given but Ray is not installed (the message says how to).
    """
    options, trials = expand(grid, seeds)
    workers = (os.cpu_count() or 1) if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers={workers!r} must be an integer >= 1")
    if ray is not None:
        _executors.import_ray()
    path = None if out is None else pathlib.Path(out) / "results.csv"
    done = {} if path is None else _done_rows(path, options)
    keys = [_key(config, options) for config in trials]
    todo = [(index, trials[index]) for index, key in enumerate(keys) if key not in done]
    varying = [name for name in options
               if len({_cell(config[name]) for config in trials}) > 1] or list(ALWAYS_RECORDED)
    if progress and len(todo) < len(trials):
        print(f"skipped {len(trials) - len(todo)} of {len(trials)} trials already in {path}")
    rows = {index: _row(trials[index], options, _parsed(done[key]))
            for index, key in enumerate(keys) if key in done}
    if todo:
        runs = _start(todo, min(workers, len(todo)), ray)  # connects to Ray first
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        rows.update(_collect(runs, trials, options, path, varying, progress, len(todo), ray))
    return [rows[index] for index in range(len(trials))]


def _start(todo, workers, ray):
    if ray is not None:
        return _executors.run_ray(run_trial, todo, *_executors.connect_ray(ray, workers))
    if workers == 1:
        return _executors.run_serial(run_trial, todo)
    return _executors.run_pool(run_trial, todo, workers)


def _collect(runs, trials, options, path, varying, progress, total, ray):
    """Rows of the finished trials; each appended to ``path`` and flushed as it comes."""
    rows = {}
    stream = None if path is None else open(path, "a", newline="")
    try:
        writer = None if stream is None else csv.writer(stream)
        if stream is not None and stream.tell() == 0:
            writer.writerow(_header(options))
        for count, (index, outcome) in enumerate(runs, start=1):
            config = trials[index]
            row = rows[index] = _row(config, options, outcome)
            if writer is not None:
                writer.writerow([_cell(row[name]) if name not in FLOAT_RESULTS
                                 or not math.isnan(row[name]) else "" for name in row])
                stream.flush()
            if progress:
                print(_progress_line(count, total, _label(config, varying), outcome,
                                     ray is not None), flush=True)
    finally:
        if stream is not None:
            stream.close()
    return rows


def _parsed(cells):
    return {name: _parse(name, cells[name]) for name in RESULTS}


def _row(config, options, outcome):
    """A row of results.csv as a dict: the options as the trial resolved them, its seed and
    the ``RESULTS`` of ``outcome``."""
    row = {COLUMN_NAMES.get(name, name): config[name] for name in options}
    row["seed"] = config["seed"]
    row.update({name: outcome[name] for name in RESULTS})
    return row
