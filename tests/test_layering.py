"""Imports flow one way (see CONTRIBUTING.md): each layer imports only from layers below it."""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "tinygrad_opt"

# layer of each module (dotted path below tinygrad_opt, by longest matching prefix)
LAYERS = {"_random": 0, "_version": 0, "autograd": 0, "_convert": 0, "functions": 1,
          "_arraylike": 1, "_apply": 1, "_tensor_extras": 2, "_tensor_inplace": 2,
          "_tensor_reductions": 2, "_torch_functions": 2, "tensor": 2, "factories": 2,
          "gradcheck": 2, "objectives": 2, "trace": 2, "serialization": 2, "nn": 3, "optim": 4,
          "data": 5, "train": 6, "viz": 7, "cli": 7, "__main__": 8, "__init__": 8}
# Narrower rules than "any lower layer": (importer prefix, imported prefix) pairs allowed
# within one layer, and what some layers may never import although it sits below them.
SAME_LAYER_ALLOWED = {("gradcheck", "tensor"), ("objectives", "tensor"), ("factories", "tensor"),
                      ("serialization", "tensor"), ("tensor", "_tensor_extras"),
                      ("tensor", "_tensor_inplace"), ("_tensor_inplace", "_tensor_extras"),
                      ("_torch_functions", "_tensor_extras"), ("tensor", "_tensor_reductions"),
                      ("_tensor_reductions", "_tensor_extras"),
                      ("cli", "viz")}
FORBIDDEN = {"optim": ("nn", "gradcheck"),
             "data": ("autograd", "functions", "tensor", "nn", "optim", "gradcheck", "objectives"),
             "train": ("optim",)}
# Modules exempt from FORBIDDEN for one import: train.recipe builds optimizers and schedulers
# from their names (the CLI's and sweep's recipes); the rest of train works with any object
# that has step()/zero_grad() (and a scheduler's step_interval / needs_metric).
FORBIDDEN_EXCEPT = {("train.recipe", "optim")}
THIRD_PARTY_ALLOWED = {"numba": {"optim.kernels"}, "matplotlib": {"viz"}}


def _module_name(path):
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _layer(module):
    parts = module.split(".")
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in LAYERS:
            return LAYERS[key]
    return LAYERS.get(parts[-1])


def _imports(path):
    module = _module_name(path)
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module
                continue
            base = package[:len(package) - node.level + 1] if node.level > 1 else package
            target = ".".join(base + ([node.module] if node.module else []))
            if node.module:
                yield "tinygrad_opt." + target if target else "tinygrad_opt"
            else:
                for alias in node.names:
                    yield "tinygrad_opt." + ".".join(base + [alias.name])


SOURCES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: _module_name(p))
def test_module_imports_only_lower_layers(path):
    module = _module_name(path)
    own_layer = _layer(module)
    if own_layer is None or path.name == "__init__.py":
        return
    for imported in _imports(path):
        root = imported.split(".")[0]
        if root == "tinygrad_opt":
            target = imported[len("tinygrad_opt."):]
            target_layer = _layer(target) if target else 7  # the root: public API, top only
            top, target_top = module.split(".")[0], target.split(".")[0]
            allowed = (target_layer is not None and target_layer < own_layer) or top == target_top
            allowed = allowed or (not target and own_layer == 7)
            allowed = allowed or (top, target_top) in SAME_LAYER_ALLOWED
            assert allowed, f"{module} (layer {own_layer}) imports {target} (layer {target_layer})"
            if (module, target_top) not in FORBIDDEN_EXCEPT:
                assert target_top not in FORBIDDEN.get(top, ()), (
                    f"{module} must not import {target}")
            if module == "optim.kernels":
                pytest.fail(f"optim.kernels must import only numpy and numba, not {target}")
        elif root in THIRD_PARTY_ALLOWED:
            allowed = THIRD_PARTY_ALLOWED[root]
            assert any(module == a or module.startswith(a + ".") for a in allowed), (
                f"{module} imports {root}, which only {sorted(allowed)} may import")


def test_import_tinygrad_opt_does_not_load_matplotlib():
    import subprocess
    import sys
    code = "import sys, tinygrad_opt; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
