"""The kernels' Numba disk cache never breaks an import or a run (damaged or unwritable).

Each test runs a copy of the package in a subprocess, so the real cache is never touched.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import tinygrad_opt

PACKAGE = pathlib.Path(tinygrad_opt.__file__).parent
ONE_STEP = """
import numpy as np
import tinygrad_opt as tg
from tinygrad_opt.optim import kernels
param = tg.Tensor(np.ones(3, np.float32), requires_grad=True)
(param * param).sum().backward()
tg.optim.SGD([param], lr=0.1).step()
print("param", param.data.tolist(), "cache hits", sum(kernels.sgd_update.stats.cache_hits.values()))
"""
UPDATED = "param [0.800000011920929, 0.800000011920929, 0.800000011920929]"


def copy_package(root):
    shutil.copytree(PACKAGE, root / "tinygrad_opt",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "home").mkdir()
    return root


def environment(root):
    env = {name: value for name, value in os.environ.items()
           if name not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(PYTHONPATH=str(root), HOME=str(root / "home"), PYTHONDONTWRITEBYTECODE="1")
    return env


def run_step(root, prefix=()):
    return subprocess.run([*prefix, sys.executable, "-c", ONE_STEP], cwd=root,
                          env=environment(root), capture_output=True, text=True, timeout=120)


def sgd_cache_file(root, suffix):
    """The newest cache file of ``kernels.sgd_update`` ending in ``suffix`` (.nbi or .nbc)."""
    folder = root / "tinygrad_opt" / "optim" / "__pycache__"
    return max(folder.glob(f"kernels.sgd_update*{suffix}"), key=lambda path: path.stat().st_mtime)


def test_a_damaged_cache_file_is_compiled_again_and_then_cached(tmp_path):
    root = copy_package(tmp_path)
    assert UPDATED + " cache hits 0" in run_step(root).stdout
    sgd_cache_file(root, ".nbi").write_bytes(b"garbage\n")
    damaged_index = run_step(root)
    assert damaged_index.returncode == 0, damaged_index.stderr
    assert UPDATED + " cache hits 0" in damaged_index.stdout
    data = sgd_cache_file(root, ".nbc")
    data.write_bytes(data.read_bytes()[:100])
    truncated_data = run_step(root)
    assert truncated_data.returncode == 0, truncated_data.stderr
    assert UPDATED + " cache hits 0" in truncated_data.stdout
    assert UPDATED + " cache hits 1" in run_step(root).stdout


def test_import_and_step_work_without_a_writable_cache_folder(tmp_path):
    """Package folder and HOME read-only. As root, chmod does not stop writes: the copy is
    then bind-mounted read-only in a private mount namespace (``unshare -m``)."""
    root = copy_package(tmp_path)
    if os.geteuid() != 0:
        for folder in [root, *(path for path in root.rglob("*") if path.is_dir())]:
            folder.chmod(0o555)
        prefix = ()
    elif shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: no way to make a folder read-only")
    else:
        mount = (f"mount --bind {root} {root} && mount -o remount,bind,ro {root} && "
                 f'exec "$0" "$@"')
        prefix = ("unshare", "-m", "sh", "-c", mount)
    try:
        result = run_step(root, prefix)
    finally:
        for folder in [root, *(path for path in root.rglob("*") if path.is_dir())]:
            folder.chmod(0o755)
    if result.returncode != 0 and ("mount:" in result.stderr or "unshare:" in result.stderr):
        pytest.skip(f"cannot mount read-only here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert UPDATED + " cache hits 0" in result.stdout
    assert "no writable Numba cache folder" in result.stderr
    assert not (root / "tinygrad_opt" / "optim" / "__pycache__").exists()
