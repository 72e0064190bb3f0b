"""The README's Python examples run as written (in one namespace, as a reader runs them)."""
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write files where they run
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "README has no python examples"
    namespace = {}
    for number, block in enumerate(blocks):
        exec(compile(block, f"README block {number}", "exec"), namespace)
    assert namespace["history"].history["val_accuracy"][-1] > 0.9


def test_readme_quickstart_has_the_two_commands():
    text = README.read_text()
    assert 'pip install -e . && tinygrad-opt train' in text
    assert 'pip install -e ".[test,ray]" && pytest -q' in text
