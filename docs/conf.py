"""Sphinx configuration of the lagrangekit documentation.

The build is fully offline: no intersphinx, and MathJax is served from the copy shipped in
the ``sphinx-mathjax-offline`` wheel (part of the ``docs`` extra), never from a CDN.
Build with ``python -m sphinx -W -b html docs docs/_build/html``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lagrangekit  # noqa: E402

project = "lagrangekit"
author = "the lagrangekit developers"
copyright = "2026, the lagrangekit developers"
release = version = lagrangekit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.doctest",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "_generated", "auto_examples/*.ipynb", "auto_examples/*.py"]
nitpicky = False
default_role = "math"


# ---------------------------------------------------------------- offline MathJax
def _mathjax_static_dir() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the docs need a local MathJax: pip install -e '.[docs]' (it ships in sphinx-mathjax-offline)"
        )
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    if not (static / "mathjax" / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax not found under {static}")
    return static


html_static_path = ["_static", str(_mathjax_static_dir())]
html_css_files = ["lagrangekit.css"]
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"tags": "ams"}}

# ---------------------------------------------------------------- autodoc / numpydoc
autodoc_typehints = "none"
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_class_members_toctree = False

# ---------------------------------------------------------------- doctest
doctest_test_doctest_blocks = ""  # only the explicit ``.. doctest::`` blocks of these pages
doctest_global_setup = """
import numpy as np
import sympy as sp
import lagrangekit as lk
"""


# ---------------------------------------------------------------- gallery
def _skipped_examples() -> dict[str, list[str]]:
    """Examples whose lagrangekit features this build lacks (see examples/_requirements.py)."""
    spec = importlib.util.spec_from_file_location("_requirements", ROOT / "examples" / "_requirements.py")
    requirements = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(requirements)
    out = {}
    for example in sorted(requirements.NEEDS):
        lacking = requirements.missing(example)
        if lacking:
            out[example] = lacking
    return out


SKIPPED_EXAMPLES = _skipped_examples()
_note = Path(__file__).parent / "_generated" / "skipped_examples.rst"
_note.parent.mkdir(exist_ok=True)
_note.write_text(
    ""
    if not SKIPPED_EXAMPLES
    else ".. note::\n\n   This build of lagrangekit lacks features that some tutorials need, "
    "so they are not shown:\n\n"
    + "".join(
        f"   - ``{name}`` needs {', '.join(f'``{n}``' for n in lacking)}\n"
        for name, lacking in SKIPPED_EXAMPLES.items()
    ),
    encoding="utf-8",
)
_ignored = ["__init__\\.py", r"_requirements\.py", *(re.escape(name) for name in SKIPPED_EXAMPLES)]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",
    "ignore_pattern": "|".join(_ignored),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "write_computation_times": False,
    "matplotlib_animations": False,
    "abort_on_example_error": True,
    "reference_url": {},
    "within_subsection_order": "FileNameSortKey",
}

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"lagrangekit {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": [],
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_last_updated_fmt = None

os.environ.setdefault("MPLBACKEND", "Agg")


# ---------------------------------------------------------------- command output
def _write_command_output() -> None:
    """docs/_generated/solve_default.txt: what ``lagrangekit solve`` prints, run at build time."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "lagrangekit", "solve"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"lagrangekit solve failed while building the docs:\n{proc.stderr}")
    (Path(__file__).parent / "_generated" / "solve_default.txt").write_text(proc.stdout, encoding="utf-8")


_write_command_output()

# ---------------------------------------------------------------- API reference
#: Sections of the API reference: (title, module, names or None for the module's __all__).
#: The top-level names are grouped by the submodule that defines them (lagrangekit._EXPORTS).
API_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Problems", "problem", ("problem", "parsing", "function_problem", "smooth_split")),
    ("Results and certificates", "result", ("result",)),
    ("Exact solving and KKT checks", "symbolic", ("symbolic", "kkt")),
    ("Numerical solving and cvxpy", "numeric", ("solvers", "cvxpy_export")),
    ("Duality", "duality", ("duality",)),
    ("Errors and warnings", "errors", ("errors",)),
)
SUBPACKAGES: tuple[tuple[str, str], ...] = (
    ("Regularized linear models", "lagrangekit.linear_model"),
    ("First-order optimizers", "lagrangekit.optim"),
    ("Likelihoods and maximum likelihood", "lagrangekit.likelihood"),
    ("Plots", "lagrangekit.plotting"),
)


_SKLEARN_PLUMBING = "set_fit_request, set_score_request, set_params, get_params"


def _directive(qualified: str) -> str:
    import inspect

    module, _, name = qualified.rpartition(".")
    obj = getattr(importlib.import_module(module), name)
    if inspect.isclass(obj):
        return f".. autoclass:: {qualified}\n   :members:\n   :exclude-members: {_SKLEARN_PLUMBING}\n"
    if callable(obj):
        return f".. autofunction:: {qualified}\n"
    return f".. autodata:: {qualified}\n   :annotation:\n"


def _section(title: str, names: list[str], missing: list[str]) -> str:
    lines = [title, "-" * len(title), ""]
    lines += [_directive(name) for name in names]
    if missing:
        lines.append(".. note::\n\n   Not in this build: " + ", ".join(f"``{m}``" for m in missing) + "\n")
    return "\n".join(lines) + "\n"


def _write_api_reference() -> None:
    """docs/_generated/api.rst: every public name that this build has, by section."""
    parts = []
    exports = lagrangekit._EXPORTS
    for title, _, modules in API_SECTIONS:
        names = [f"lagrangekit.{n}" for n, m in exports.items() if m in modules]
        parts.append(_section(title, names, []))
    for title, module in SUBPACKAGES:
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            parts.append(_section(title, [], [f"{module} ({exc})"]))
            continue
        parts.append(_section(title, [f"{module}.{n}" for n in mod.__all__], []))
    (Path(__file__).parent / "_generated" / "api.rst").write_text("\n".join(parts), encoding="utf-8")


_write_api_reference()

# ---------------------------------------------------------------- optional pages
#: Pages listed in a toctree that another part of the project writes; until they exist,
#: their toctree lines are dropped so that the -W build does not fail on them.
OPTIONAL_PAGES = {"user_guide/index": ("scale_out",)}


def _drop_missing_optional_pages(app, docname, source):
    for entry in OPTIONAL_PAGES.get(docname, ()):
        page = Path(app.srcdir) / Path(docname).parent / f"{entry}.rst"
        if not page.is_file():
            source[0] = re.sub(rf"^[ \t]+{re.escape(entry)}[ \t]*\n", "", source[0], flags=re.MULTILINE)


# ---------------------------------------------------------------- docstrings
def _escape_markup(app, what, name, obj, options, lines):
    """Make plain-text docstrings safe for reST outside literal blocks, doctests and inline code.

    Docstrings write norms and absolute values as |x| (a substitution reference to reST) and
    fitted attributes as ``coef_`` in prose (a hyperlink reference): escape both.
    """
    literal_indent = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None and stripped and indent <= literal_indent:
            literal_indent = None
        if literal_indent is None and not stripped.startswith((">>>", "...")):
            pieces = re.split(r"(`+[^`]*`+)", line)
            for k in range(0, len(pieces), 2):  # even pieces are outside inline code
                text = re.sub(r"(?<!\\)\|", r"\\|", pieces[k])
                pieces[k] = re.sub(r"(?<=\w)_(?=[\s.,;:)\]]|$)", r"\\_", text)
            lines[i] = "".join(pieces)
        if stripped.endswith("::") and literal_indent is None:
            literal_indent = indent


def setup(app):
    app.connect("source-read", _drop_missing_optional_pages)
    app.connect("autodoc-process-docstring", _escape_markup, priority=400)
