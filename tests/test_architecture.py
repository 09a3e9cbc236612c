"""The package's layering, as docs/architecture.md describes it: its layer table, no import circles, no upward
imports, distinct module names, small modules."""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skgan"
MAX_CODE_LINES = 500  # docstrings, comments and blank lines are not counted

#: The layer table of docs/architecture.md, bottom first: each module imports only from its own layer and those
#: below. A module belongs to the layer of the longest prefix that names it.
LAYERS = [
    ("foundations", ["skgan._version", "skgan.exceptions", "skgan._arguments", "skgan._frames", "skgan._files",
                     "skgan._random", "skgan._device", "skgan._noise", "skgan._threads", "skgan._distributed",
                     "skgan._streaming", "skgan._generation", "skgan.persistence._validators"]),
    ("building blocks", ["skgan.networks", "skgan.losses", "skgan.metrics", "skgan.preprocessing",
                         "skgan.constraints", "skgan.privacy"]),
    ("training", ["skgan._training", "skgan.training", "skgan._torch_options"]),
    ("data codecs", ["skgan._codecs"]),
    ("fitted state", ["skgan._fitted"]),
    ("saving and loading", ["skgan.persistence"]),
    ("callbacks", ["skgan.callbacks"]),
    ("the estimator", ["skgan._fit_run", "skgan._fit_plan", "skgan._private_fit", "skgan._sampler"]),
    ("augmentation", ["skgan.augmentation"]),
    ("command line, demo, plots", ["skgan.cli", "skgan._csv", "skgan.demo", "skgan.plotting", "skgan.__main__"]),
    ("the package", ["skgan"]),
]


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


def layer_of(name):
    """The index in :data:`LAYERS` of module ``name``'s layer (the longest prefix that names it)."""
    best = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[1])):
                best = (index, prefix)
    return None if best is None else best[0]


def test_the_graph_sees_the_imports():
    assert "skgan._fitted" in GRAPH["skgan._sampler"]
    assert "skgan.persistence._api" in GRAPH["skgan._sampler"]
    assert "skgan.metrics._parzen_engine" in GRAPH["skgan.metrics._parzen"] | GRAPH["skgan.metrics"]


def test_every_module_has_a_layer():
    assert [name for name in MODULES if layer_of(name) is None] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_layer_table(name):
    """A module imports from its own layer and those below, never from a layer above (docs/architecture.md)."""
    above = sorted(target for target in GRAPH[name] if layer_of(target) > layer_of(name))
    assert not above, f"{name} ({LAYERS[layer_of(name)][0]}) imports from layers above it: {above}"


def test_the_layer_rule_catches_an_upward_import():
    assert layer_of("skgan.callbacks._checkpoint") < layer_of("skgan._sampler")
    assert layer_of("skgan.persistence._validators") < layer_of("skgan.preprocessing._columns")
    assert layer_of("skgan.persistence._api") > layer_of("skgan._fitted")


def test_the_docs_name_every_layer_and_its_modules():
    """docs/architecture.md's layer table lists the layers of :data:`LAYERS`, in order, with their modules."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| layer")]
    rows = [row for row in rows if not set(row) <= set("|- ")]
    layers_in_docs = [row.split("|")[1].strip() for row in rows]
    assert layers_in_docs[: len(LAYERS)] == [name for name, _ in reversed(LAYERS)]
    for (name, prefixes), row in zip(reversed(LAYERS), rows, strict=False):
        named = set(re.findall(r"`(skgan[^`]*)`", row.split("|")[2]))
        paths = {prefix.replace(".", "/") + suffix for prefix in prefixes for suffix in ("/", ".py")}
        for prefix in prefixes:
            if prefix == "skgan":
                continue
            assert named & paths, f"the docs' layer {name!r} does not name {prefix}"


def test_no_two_modules_share_a_file_name():
    names = Counter(path.name for path in MODULES.values() if path.name != "__init__.py")
    assert sorted(name for name, count in names.items() if count > 1) == []


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


def code_lines(text):
    """The number of lines of code: not blank, not a comment, not in a docstring."""
    docstrings = docstring_lines(ast.parse(text))
    return sum(1 for number, line in enumerate(text.splitlines(), start=1)
               if line.strip() and not line.strip().startswith("#") and number not in docstrings)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    n_code = code_lines(MODULES[name].read_text())
    assert n_code <= MAX_CODE_LINES, f"{name} has {n_code} lines of code; split it along its concepts"


def test_docstring_lines_are_counted():
    tree = ast.parse('"""Module."""\n\n\ndef f():\n    """One\n    two."""\n    return 1\n')
    assert docstring_lines(tree) == {1, 5, 6}


def test_code_lines_leave_out_docstrings_comments_and_blank_lines():
    text = '"""Module."""\n\n# a comment\nx = 1  # code\n\n\ndef f():\n    """One\n    two."""\n    return 1\n'
    assert code_lines(text) == 3


def test_a_package_import_does_not_import_the_estimator_from_the_lower_layers():
    lower = [name for name in MODULES if name.startswith(("skgan.networks", "skgan.metrics", "skgan.preprocessing",
                                                           "skgan._training", "skgan.losses"))]
    for name in lower:
        assert not GRAPH[name] & {"skgan._sampler", "skgan.persistence._api", "skgan._fitted"}, name
