"""The documentation covers the public API; no Sphinx needed.

The API reference (docs/api.rst) must list every name in the ``__all__`` of
skgan and of its public submodules, and every public class and function must
have a numpydoc docstring with an Examples section (the doctests run them).
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_RST = ROOT / "docs" / "api.rst"
EXAMPLES = ROOT / "examples"

PUBLIC_MODULES = [
    "skgan",
    "skgan.augmentation",
    "skgan.callbacks",
    "skgan.cli",
    "skgan.constraints",
    "skgan.demo",
    "skgan.exceptions",
    "skgan.losses",
    "skgan.metrics",
    "skgan.networks",
    "skgan.persistence",
    "skgan.plotting",
    "skgan.preprocessing",
    "skgan.training",
]


def documented_names(text):
    """Dotted names that the autosummary and automodule directives of ``text`` document."""
    names = set()
    current = None
    in_autosummary = False
    for line in text.splitlines():
        stripped = line.strip()
        directive = re.match(r"\.\. (\w+)::\s*(\S*)", stripped)
        if directive:
            kind, argument = directive.groups()
            in_autosummary = kind == "autosummary"
            if kind in ("currentmodule", "module"):
                current = argument
            elif kind == "automodule":
                names.add(argument)
                current = argument
            continue
        if not in_autosummary or not stripped or stripped.startswith(":"):
            continue
        if not line.startswith("   "):  # the end of the directive's body
            in_autosummary = False
            continue
        names.add(f"{current}.{stripped}" if current else stripped)
    return names


def resolve(dotted):
    """The object at a dotted name of skgan."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(dotted)


def public_names():
    """(module name, name, object) for every name in a public module's ``__all__``."""
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        assert hasattr(module, "__all__"), f"{module_name} has no __all__"
        for name in module.__all__:
            yield module_name, name, getattr(module, name)


def public_callables():
    """Each public class and function once, with a name it is public under."""
    seen = set()
    for module_name, name, obj in public_names():
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(obj) not in seen:
            seen.add(id(obj))
            yield f"{module_name}.{name}", obj


def public_members(cls):
    """Methods and properties that ``cls`` itself defines and documents."""
    for name, value in vars(cls).items():
        if name.startswith("_") or (name.startswith("set_") and name.endswith("_request")):
            continue
        if inspect.isfunction(value) or isinstance(value, (property, classmethod, staticmethod)):
            yield name, value


def test_api_reference_parser():
    text = """
.. currentmodule:: skgan

.. autosummary::
   :toctree: gen_modules
   :template: class.rst

   GANSampler
   metrics.parzen_score

Some text.

.. automodule:: skgan.losses
   :no-members:
"""
    assert documented_names(text) == {"skgan.GANSampler", "skgan.metrics.parzen_score", "skgan.losses"}


def test_api_reference_lists_every_public_name():
    documented = documented_names(API_RST.read_text())
    documented_objects = {id(resolve(name)) for name in documented}
    missing = []
    for module_name, name, obj in public_names():
        full_name = f"{module_name}.{name}"
        if inspect.ismodule(obj):
            if obj.__name__ not in documented:
                missing.append(f"{full_name} (automodule:: {obj.__name__})")
        elif full_name not in documented and (module_name == "skgan" or id(obj) not in documented_objects):
            # a name of a submodule may be listed under the skgan name it is re-exported as
            missing.append(full_name)
    assert not missing, f"docs/api.rst does not list: {missing}"


def test_api_reference_names_exist():
    for name in documented_names(API_RST.read_text()):
        resolve(name)


def test_public_modules_are_documented():
    documented = documented_names(API_RST.read_text())
    assert set(PUBLIC_MODULES) - {"skgan"} <= documented


@pytest.mark.parametrize(
    "name, obj", list(public_callables()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_public_docstring_has_examples(name, obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{name} has no docstring"
    sections = re.findall(r"^(\w[\w ]*)\n-{3,}$", doc, flags=re.MULTILINE)
    assert "Examples" in sections, f"{name}'s docstring has no Examples section"
    examples = doc.split("Examples\n--------", 1)[1]
    assert ">>> " in examples, f"{name}'s Examples section has no doctest"


@pytest.mark.parametrize("name, cls", [(name, obj) for name, obj in public_callables() if inspect.isclass(obj)],
                         ids=lambda value: value if isinstance(value, str) else "")
def test_public_methods_have_docstrings(name, cls):
    undocumented = [member for member, value in public_members(cls)
                    if not inspect.getdoc(value.__func__ if isinstance(value, (classmethod, staticmethod)) else value)]
    assert not undocumented, f"{name}: methods without a docstring: {undocumented}"


GALLERY = sorted(EXAMPLES.glob("plot_*.py"))


def test_gallery_has_the_examples():
    names = [path.stem for path in GALLERY]
    topics = (
        "digits_demo", "paper_table1", "augmentation_smote", "custom_module", "grid_search", "pca_codes", "callbacks",
        "tables",
    )
    for topic in topics:
        assert any(topic in name for name in names), f"no gallery example about {topic}: {names}"
    assert (EXAMPLES / "GALLERY_HEADER.rst").is_file()


@pytest.mark.parametrize("path", GALLERY, ids=lambda path: path.name)
def test_gallery_example_is_a_titled_script_with_a_fast_mode(path):
    source = path.read_text()
    tree = ast.parse(source)  # a syntax error fails here, not only in the docs build
    doc = ast.get_docstring(tree, clean=False)
    assert doc, f"{path.name} needs a module docstring: the gallery takes its title from it"
    lines = doc.strip("\n").splitlines()
    assert re.fullmatch(r"=+", lines[0]) and re.fullmatch(r"=+", lines[2]), f"{path.name}: no overlined title"
    assert len(lines[0]) >= len(lines[1]) and lines[0] == lines[2], f"{path.name}: title over/underline too short"
    # A fast mode (SKGAN_DOCS_FAST) for the docs build, or a docstring that
    # says the build runs the example with its full settings.
    reads_fast_mode = re.search(r"os\.environ(\.get\(|\[)\s*[\"']SKGAN_DOCS_FAST", source)
    runs_in_full = re.search(r"builds this example with its full settings", " ".join(doc.split()))
    assert reads_fast_mode or runs_in_full, f"{path.name} has no fast mode and does not say it runs in full"


@pytest.mark.parametrize("path", GALLERY, ids=lambda path: path.name)
def test_gallery_code_fits_the_page(path):
    """Code lines of at most 88 characters: wider ones are cut off at a 1280-pixel window."""
    wide = [number for number, line in enumerate(path.read_text().splitlines(), 1) if len(line) > 88]
    assert not wide, f"{path.name}: lines wider than 88 characters: {wide}"


def test_readme_snippets_that_make_tables_install_pandas():
    """A README snippet that reads a table says how to install pandas, which skgan's core does not install."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    tables = [block for block in blocks if re.search(r"palmerpenguins|DataFrame|read_csv", block)]
    assert tables
    for block in tables:
        hints = " ".join(re.findall(r"# pip install (.*)", block))
        assert "skgan[pandas]" in hints, f"no pip hint for pandas in:\n{block}"
