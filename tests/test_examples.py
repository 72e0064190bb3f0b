"""Every example runs with --small in a subprocess and writes its figures.

The examples start together (two at a time per core, the slowest first) in one fixture, so
the whole module costs about the slowest few rather than the sum of all. Each subprocess
gets one BLAS thread: with two examples per core, BLAS threads would only wait on each other.
"""
import concurrent.futures
import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
EXPECTED = {
    "learning_rates.py": ["learning_rates_bowl.png", "learning_rates_mlp.png",
                          "flat_sharp_minima.png"],
    "optimizer_race.py": ["race_saddle.png", "race_saddle_all.png", "adaptive_sparse.png"],
    "schedules.py": ["schedules.png", "schedules_sgdr_training.png",
                     "schedules_comparison.png"],
    "batch_size.py": ["batch_size.png"],
    "init_and_norm.py": ["init_tanh.png", "init_relu.png", "init_norm_relu.png",
                         "init_norm_training.png"],
    "gradcheck_demo.py": ["gradcheck_correct.png", "gradcheck_wrong.png",
                          "gradcheck_eps_sweep.png"],
    "loss_landscape.py": ["loss_landscape.png"],
    "lr_find.py": ["lr_find.png", "lr_find_training.png"],
    "backprop_trace.py": ["graph_neuron.png", "graph_mlp.png", "graph_mlp.dot"],
    "gradient_descent_variants.py": ["gd_variants.png", "local_minima.png",
                                     "feature_scaling.png", "shuffling.png"],
    "momentum.py": ["momentum_ravine.png", "momentum_averages.png", "momentum_ball.png",
                    "momentum_plateau.png"],
    "overfitting_and_stopping.py": ["overfitting.png", "stopping_rules.png", "barrier.png",
                                    "sgd_vs_adam.png"],
    "sweep_optimizers.py": ["sweep_lr_sensitivity.png", "sweep_linear_scaling.png"],
    "custom_op.py": ["custom_op_swish.png", "custom_op_training.png"],
}


# the longest --small runs, started first so that none of them starts last
SLOWEST = ("overfitting_and_stopping.py", "gradient_descent_variants.py", "init_and_norm.py",
           "learning_rates.py", "sweep_optimizers.py", "loss_landscape.py")
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS")}


def _run(script, out):
    env = dict(os.environ, MPLBACKEND="Agg", **ONE_THREAD)
    return subprocess.run([sys.executable, str(EXAMPLES / script), "--small", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("examples")
    workers = max(2, 2 * (os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        order = sorted(EXPECTED, key=lambda script: script not in SLOWEST)
        futures = {script: pool.submit(_run, script, root / script[:-3]) for script in order}
        return {script: (future.result(), root / script[:-3]) for script, future in futures.items()}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py") if p.name != "train_digits.py") == \
        sorted(EXPECTED)
    assert set(SLOWEST) <= set(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs_small_and_writes_its_figures(script, runs):
    result, out = runs[script]
    assert result.returncode == 0, result.stderr[-2000:]
    for name in EXPECTED[script]:
        assert (out / name).stat().st_size > 0, f"{script} did not write {name}"


def test_examples_import_only_tinygrad_opt_as_tg():
    allowed = {"import argparse", "import functools", "import pathlib", "import time",
               "import numpy as np", "import tinygrad_opt as tg"}
    for script in EXPECTED:
        imports = {line.strip() for line in (EXAMPLES / script).read_text().splitlines()
                   if line.startswith(("import ", "from "))}
        assert imports <= allowed, f"{script}: {imports - allowed}"


def test_divergence_is_reported_not_crashed(runs):
    result, _ = runs["learning_rates.py"]
    assert "training diverged" in result.stdout


def test_wrong_backward_is_caught(runs):
    result, _ = runs["gradcheck_demo.py"]
    correct, wrong = result.stdout.split("--- wrong")
    assert "gradient check passed" in correct and "gradient check FAILED" in wrong
