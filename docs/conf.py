"""Sphinx configuration: API reference from the numpydoc docstrings, and
the user guide.  Build with ``python -m sphinx -W -b html docs docs/_build``
after ``pip install ".[docs]"``.  The build needs no network (no
intersphinx), so it runs where only the package index is reachable."""
import re

import eigkit

project = "eigkit"
copyright = "2026, The eigkit developers"
release = eigkit.__version__
version = release

extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
exclude_patterns = ["_build"]
html_theme = "alabaster"

# scikit-learn's fitted attributes end in an underscore (components_),
# which reST reads as a hyperlink reference.  Outside literals, code and
# numpydoc's "name : type" names, such a trailing underscore is escaped.
_LITERAL = re.compile(r"(``.*?``|`[^`]*`)")
_TRAILING = re.compile(r"(?<![\w\\])([A-Za-z]\w*)_(?![\w`])")
_FIELD = re.compile(r"(\s*\**\w+(?:, \**\w+)*) : ")


def _escaped(text):
    parts = _LITERAL.split(text)
    return "".join(p if i % 2 else _TRAILING.sub(r"\1\\_", p) for i, p in enumerate(parts))


def _escape_trailing_underscores(app, what, name, obj, options, lines):
    literal_indent, in_doctest = None, False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if in_doctest or stripped.startswith(">>>"):
            in_doctest = bool(stripped)      # a doctest block ends at a blank line
            continue
        if literal_indent is not None and (not stripped or indent > literal_indent):
            continue
        literal_indent = indent if stripped.endswith("::") else None
        field = _FIELD.match(line)
        head = field.group(0) if field else ""
        lines[i] = head + _escaped(line[len(head):])


def setup(app):
    # before numpydoc (priority 500) turns the sections into reST
    app.connect("autodoc-process-docstring", _escape_trailing_underscores, priority=400)
