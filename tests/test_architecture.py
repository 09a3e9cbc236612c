"""The package's layering, as docs/architecture.md describes it: no import circles, no upward imports, small modules."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skgan"
MAX_LINES = 600  # of code and comments: docstrings (numpydoc parameter tables, examples) are not counted
MAX_TOTAL_LINES = 700  # docstrings included


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def imports(name):
    """The skgan modules that module ``name`` imports, at any level (function-level imports included)."""
    path = MODULES[name]
    package = name if name in PACKAGES else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "skgan")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] != "skgan":
                continue
            submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in ``target`` itself
                found.add(target)
    return found - {name}


GRAPH = {name: imports(name) for name in MODULES}


def test_the_graph_sees_the_imports():
    assert "skgan._fitted" in GRAPH["skgan._sampler"]
    assert "skgan._sampler" in GRAPH["skgan.persistence"]
    assert "skgan.metrics._parzen_engine" in GRAPH["skgan.metrics._parzen"] | GRAPH["skgan.metrics"]


def test_no_import_circles():
    # a package's __init__ importing its own modules is how packages work; any other cycle is a circle
    def edges(name):
        return {target for target in GRAPH[name] if not (name in PACKAGES and target.startswith(name + "."))}

    state = {}

    def visit(name, stack):
        state[name] = "open"
        for target in edges(name):
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, stack + [target])
        state[name] = "done"

    for name in MODULES:
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_upward_imports(name):
    """A module never imports the package it lives in (nor skgan itself): that is where circles start."""
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    if name in PACKAGES:
        ancestors.discard(name)
    upward = sorted(GRAPH[name] & ancestors)
    assert not upward, f"{name} imports {upward}"


def docstring_lines(tree):
    """Line numbers that docstrings (of the module, classes and functions) span."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    text = MODULES[name].read_text()
    n_lines = len(text.splitlines())
    n_code = n_lines - len(docstring_lines(ast.parse(text)))
    assert n_code <= MAX_LINES, f"{name} has {n_code} lines besides docstrings; split it along its concepts"
    assert n_lines <= MAX_TOTAL_LINES, f"{name} has {n_lines} lines; split it along its concepts"


def test_docstring_lines_are_counted():
    tree = ast.parse('"""Module."""\n\n\ndef f():\n    """One\n    two."""\n    return 1\n')
    assert docstring_lines(tree) == {1, 5, 6}


def test_a_package_import_does_not_import_the_estimator_from_the_lower_layers():
    lower = [name for name in MODULES if name.startswith(("skgan.networks", "skgan.metrics", "skgan.preprocessing",
                                                           "skgan._training", "skgan.losses"))]
    for name in lower:
        assert not GRAPH[name] & {"skgan._sampler", "skgan.persistence", "skgan._fitted"}, name
