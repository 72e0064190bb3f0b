"""fit in a real Jupyter kernel (nbclient + ipykernel): progress shows in the cell, and the
kernel's interrupt (SIGINT) stops fit after the step under way."""
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = pathlib.Path(__file__).resolve().parents[1]

SETUP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import tinygrad_opt as tg
"""
FIT = """
tg.manual_seed(0)
X = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
model = tg.nn.Dense(3, 2)
loader = tg.data.DataLoader(X, (X[:, 0] > 0).astype(np.int64), batch_size=16)
history = tg.train.fit(model, tg.nn.CrossEntropyLoss(),
                       tg.optim.SGD(model.parameters(), lr=0.1), loader, 3)
"""
WITHOUT_WIDGETS = "sys.modules['ipywidgets'] = None  # as if it were not installed\n"
INTERRUPT = """
import os, signal

class SigintAtStep5(tg.train.Callback):  # what the kernel's interrupt button sends
    def on_step_end(self, state):
        if state.step == 5:
            os.kill(os.getpid(), signal.SIGINT)

try:
    tg.train.fit(model, tg.nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1),
                 loader, 3, callbacks=SigintAtStep5(), progress=False)
except tg.train.TrainingInterrupted as error:
    print("interrupted after step", error.step, "at once:", error.at_once)
"""


def _text(outputs, kind):
    return "".join(output.get("text", "") for output in outputs
                   if output["output_type"] == "stream" and output["name"] == kind)


def test_fit_in_a_notebook_cell_shows_progress_and_stops_cleanly_on_interrupt(tmp_path):
    cells = [SETUP, FIT, WITHOUT_WIDGETS + FIT, INTERRUPT]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)
                                               for code in cells])
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in notebook.cells[1:3]:
        lines = _text(cell.outputs, "stdout").splitlines()
        assert [line.split()[:2] for line in lines[:3]] == [["epoch", "1/3"], ["epoch", "2/3"],
                                                            ["epoch", "3/3"]]
        assert lines[3:] == ["finished: 3/3 epochs (the epoch budget)"]
        assert _text(cell.outputs, "stderr") == ""
    bars = [output for output in notebook.cells[1].outputs
            if output["output_type"] == "display_data"]
    assert len(bars) == 3
    assert all("application/vnd.jupyter.widget-view+json" in bar["data"] for bar in bars)
    assert [bar["data"]["text/plain"].split(":")[0] for bar in bars] == [
        "Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert not [output for output in notebook.cells[2].outputs
                if output["output_type"] == "display_data"]
    assert _text(notebook.cells[3].outputs, "stdout") == "interrupted after step 5 at once: False\n"
