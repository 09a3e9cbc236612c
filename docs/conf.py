"""Sphinx configuration of the skgan documentation.

Build it from the repository root with ``make -C docs html`` or

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery examples run in a fast mode (fewer epochs and rows) unless
``SKGAN_DOCS_FAST=0`` is set: ``SKGAN_DOCS_FAST=0 make -C docs html`` is the
full build.
"""

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The skgan of this checkout, not an installed copy; the docs' own extensions.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

# The gallery examples read this; a plain build is the fast one.
os.environ.setdefault("SKGAN_DOCS_FAST", "1")
# Matplotlib without a display.
os.environ.setdefault("MPLBACKEND", "Agg")

import torch  # noqa: E402

import skgan  # noqa: E402

# The gallery's networks are small: one thread is as fast as two, and cannot
# be slowed down by other work sharing the CPU cores (SKGAN_DOCS_THREADS=N
# for more).
torch.set_num_threads(int(os.environ.get("SKGAN_DOCS_THREADS", "1")))

project = "skgan"
author = "The skgan developers"
copyright = "The skgan developers, BSD 3-Clause licence"
release = skgan.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    # benchmark charts and tables drawn from benchmarks/results/*.json (docs/_ext/)
    "skgan_charts",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_charts", "**.ipynb_checkpoints", "sg_execution_times.rst"]
templates_path = ["_templates"]

# The markdown pages (user guide, performance) link to each other and to
# headings: myst makes anchors for headings down to level 3.
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

# ---------------------------------------------------------------- API pages
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
add_module_names = False

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Every documented public class and function must have a docstring (GL08)
# with an Examples section (EX01), a summary line (SS01, SS02, SS03, SS05),
# well-formed sections (GL06, GL07) and parameters that exist (PR02).
numpydoc_validation_checks = {"GL06", "GL07", "GL08", "EX01", "PR02", "SS01", "SS02", "SS03", "SS05"}
# Methods, properties and attributes of classes need a docstring (checked by
# ``_check_member_docstring`` below and by tests/programs/test_docs.py) but not an
# Examples section of their own: their class has one. Module constants
# (``PAPER_BANDWIDTHS``) are described by a comment, not a docstring.
numpydoc_validation_exclude = {
    r"^skgan\.([a-z_]+\.)*[A-Z]\w*\.\w+$",
    r"^skgan\.([a-z_]+\.)*[A-Z][A-Z0-9_]*$",
}

# Every cross-reference to skgan must resolve; references to other projects
# are left as plain text (no intersphinx: the build works without a network).
nitpicky = True
nitpick_ignore_regex = [
    ("py:.*", r"(torch|sklearn|imblearn|numpy|np|scipy|matplotlib|pandas|joblib|tqdm|os|pathlib)(\..*)?"),
    ("py:.*", r"(array-like|ndarray|optional|default|callable|iterable|file-like)"),
]

# ---------------------------------------------------------------- gallery
FAST = os.environ["SKGAN_DOCS_FAST"] not in ("", "0", "false", "False")

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skgan",),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "matplotlib_animations": False,
    # An example that raises fails the build.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"skgan {release}"
html_static_path = ["_static"]
html_css_files = ["skgan.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "install": [], "getting_started": []}
html_show_sourcelink = True

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")


# ---------------------------------------------------------------- hooks
def _check_member_docstring(app, what, name, obj, options, lines):
    """Warn (an error with -W) about a documented skgan method without a docstring."""
    if name.startswith("skgan.") and what in ("method", "property", "attribute", "classmethod") and not any(
        line.strip() for line in lines
    ):
        from sphinx.util import logging

        logging.getLogger(__name__).warning(f"{name} has no docstring", type="skgan", subtype="docstring")


def _skip_member(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_{method}_request`` methods."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _resolve_reexport(app, env, node, contnode):
    """Resolve ``skgan.networks.ModuleFactory`` to ``skgan.ModuleFactory`` and the like.

    skgan re-exports the main names of its submodules; the API reference
    documents each object once, under its shortest public name. A reference
    written with another public name (or without a module, inside a module's
    docstring) is resolved to that page.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    modname = node.get("py:module") or ""
    domain = env.domains["py"]
    candidates = []
    if target.startswith("skgan."):
        parts = target.split(".")
        # skgan.sub.Name -> skgan.Name; skgan.sub.Class.method -> skgan.Class.method
        for cut in range(2, len(parts)):
            candidates.append("skgan." + ".".join(parts[cut:]))
    else:
        for module in ("skgan", modname, "skgan.metrics", "skgan.networks", "skgan.losses", "skgan.augmentation",
                       "skgan.persistence", "skgan.exceptions", "skgan.training", "skgan.plotting", "skgan.cli",
                       "skgan.demo"):
            if module:
                candidates.append(f"{module}.{target}")
    for candidate in candidates:
        if candidate in domain.objects:
            return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], candidate, node, contnode)
    return None


def _fix_viewcode_backlinks(app, pagename, templatename, context, doctree):
    """Point the "[docs]" links of the highlighted source pages at anchors that exist.

    sphinx.ext.viewcode keeps one module prefix per source module, taken from
    the first object documented from it: after ``skgan.NonSaturatingLoss``
    (module ``skgan``), its link to ``skgan.losses.AdversarialLoss`` reads
    ``#skgan.AdversarialLoss``. Each such link is pointed at the one object
    of the target page whose name ends the same way.
    """
    if not pagename.startswith("_modules/") or "body" not in context:
        return
    import posixpath
    import re

    ids_by_doc = {}
    for entry in app.env.domains["py"].objects.values():
        ids_by_doc.setdefault(entry.docname, set()).add(entry.node_id)

    def fix(match):
        href, anchor = match.group(1), match.group(2)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(pagename), href))
        ids = ids_by_doc.get(target.removesuffix(".html"), set())
        if anchor in ids or "." not in anchor:
            return match.group(0)
        suffix = "." + anchor.split(".", 1)[1]
        found = [node_id for node_id in ids if node_id.endswith(suffix)]
        return f'href="{href}#{found[0]}"' if len(found) == 1 else match.group(0)

    context["body"] = re.sub(r'href="([^"#]+\.html)#(skgan\.[^"]+)"', fix, context["body"])


def setup(app):
    app.connect("html-page-context", _fix_viewcode_backlinks)
    app.connect("autodoc-process-docstring", _check_member_docstring)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("missing-reference", _resolve_reexport)
