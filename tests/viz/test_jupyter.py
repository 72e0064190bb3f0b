"""Teaching output in a real Jupyter kernel: each figure is shown once, a trace as a cell's
value is its table."""
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = pathlib.Path(__file__).resolve().parents[2]

CELLS = [f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import tinygrad_opt as tg
%matplotlib inline
""", """
w = tg.Tensor([2.0, -1.0], requires_grad=True)
with tg.trace_backward(labels={w: "w"}) as trace:
    (w * 3.0).sum().backward()
trace
""", """
tg.viz.plot_eps_sweep(*tg.gradcheck_eps_sweep(lambda a: a.exp().sum(), [w]))
""", """
figure = tg.viz.draw_graph((w * 3.0).sum())
"""]


def test_figures_show_once_and_a_trace_shows_its_table(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    trace_cell, plot_cell, assigned_cell = notebook.cells[1:]
    table = trace_cell.outputs[0]["data"]["text/plain"]
    assert table.splitlines()[0].split() == ["#", "node", "op", "shape", "dL/d(node)",
                                             "->", "input", "dL/d(input)"]
    images = [o for o in plot_cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # was 2: the cell's value and the inline backend's own copy
    assert assigned_cell.outputs == []  # an assigned figure waits for display(figure)
