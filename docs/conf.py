"""Sphinx configuration: API reference from the numpydoc docstrings, and
the user guide.  Build with ``python -m sphinx -b html docs docs/_build``
after ``pip install ".[docs]"``."""
import eigkit

project = "eigkit"
copyright = "2026, The eigkit developers"
release = eigkit.__version__
version = release

extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.doctest",
              "sphinx.ext.intersphinx", "numpydoc"]
autosummary_generate = True
numpydoc_show_class_members = False
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "scipy": ("https://docs.scipy.org/doc/scipy", None),
}
exclude_patterns = ["_build"]
html_theme = "alabaster"
