"""Run existing SciPy code on eigkit without edits: :func:`patch_scipy`.

In the spirit of scikit-learn-intelex's ``patch_sklearn()``, patching swaps
SciPy's eigh, eigvalsh, eigh_tridiagonal, eigvalsh_tridiagonal, eigsh,
svds and lobpcg for eigkit's within the running process.  Libraries that did
``from scipy.sparse.linalg import eigsh`` before the patch hold their own
reference to SciPy's function, so the patch rebinds every module-level
name that refers to one of SciPy's originals (in SciPy itself, in
scikit-learn, in the user's modules), except eigkit's own modules.
:func:`unpatch_scipy` puts back every name it changed, and also the names
of modules first imported while the patch was on.
"""
from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable

from . import dense, sparse
from .lobpcg import lobpcg as _lobpcg

#: name -> (SciPy module that defines it publicly, eigkit's replacement)
REPLACEMENTS = {
    "eigh": ("scipy.linalg", dense.eigh),
    "eigvalsh": ("scipy.linalg", dense.eigvalsh),
    "eigh_tridiagonal": ("scipy.linalg", dense.eigh_tridiagonal),
    "eigvalsh_tridiagonal": ("scipy.linalg", dense.eigvalsh_tridiagonal),
    "eigsh": ("scipy.sparse.linalg", sparse.eigsh),
    "svds": ("scipy.sparse.linalg", sparse.svds),
    "lobpcg": ("scipy.sparse.linalg", _lobpcg),
}

_lock = threading.RLock()
# name -> {"original": SciPy's function, "bound": [(module, attribute)],
#          "modules": ids of the modules loaded when it was patched}
_active = {}


def _checked_names(names):
    if names is None:
        return list(REPLACEMENTS)
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in REPLACEMENTS]
    if unknown:
        raise ValueError(f"cannot patch {unknown}; eigkit replaces {list(REPLACEMENTS)}")
    return names


def _foreign_modules():
    """Loaded modules other than eigkit's own (whose references to SciPy
    must stay SciPy's)."""
    return [m for name, m in list(sys.modules.items())
            if m is not None and name != "eigkit" and not name.startswith("eigkit.")]


def _rebind(old, new):
    """Point every module-level name bound to ``old`` at ``new``; returns
    the (module, attribute) pairs changed."""
    changed = []
    for module in _foreign_modules():
        try:
            items = list(vars(module).items())
        except TypeError:   # objects in sys.modules without a __dict__
            continue
        for attr, value in items:
            if value is old:
                setattr(module, attr, new)
                changed.append((module, attr))
    return changed


class ScipyPatch:
    """What :func:`patch_scipy` returns: the names it patched.  As a
    context manager, it unpatches them on exit."""

    def __init__(self, names):
        self.names = tuple(names)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        unpatch_scipy(self.names)
        return False

    def __repr__(self):
        return f"ScipyPatch(names={list(self.names)})"


def patch_scipy(names: str | Iterable[str] | None = None) -> ScipyPatch:
    """Replace SciPy's eigensolvers by eigkit's in this process.

    Parameters
    ----------
    names : str or list of str, optional
        Which functions to replace, from ``eigh``, ``eigvalsh``,
        ``eigh_tridiagonal``, ``eigvalsh_tridiagonal``, ``eigsh``, ``svds``
        and ``lobpcg``.  Default: all seven.

    Returns
    -------
    ScipyPatch
        The names newly patched by this call (those already patched are
        left as they are).  Use it in a ``with`` statement to unpatch them
        at the end of the block.

    Raises
    ------
    ValueError
        If a name is not one eigkit replaces.

    Notes
    -----
    SciPy's own internal callers (for example ``lobpcg``'s Rayleigh-Ritz
    step, which calls ``scipy.linalg.eigh``) run on eigkit too while
    patched.  Patching is process-wide: do not patch while other threads
    are importing modules.

    Examples
    --------
    >>> import numpy as np, scipy.linalg, eigkit
    >>> with eigkit.patch_scipy():
    ...     scipy.linalg.eigh is eigkit.eigh
    True
    >>> scipy.linalg.eigh is eigkit.eigh
    False
    """
    names = _checked_names(names)
    new = []
    with _lock:
        for name in names:
            if name in _active:
                continue
            module_name, replacement = REPLACEMENTS[name]
            original = getattr(importlib.import_module(module_name), name)
            loaded = {id(m) for m in _foreign_modules()}
            _active[name] = {"original": original, "bound": _rebind(original, replacement),
                             "modules": loaded}
            new.append(name)
    return ScipyPatch(new)


def unpatch_scipy(names: str | Iterable[str] | None = None) -> None:
    """Put SciPy's own functions back (all patched ones by default).

    Names rebound by :func:`patch_scipy` are restored, and so are names
    bound to eigkit's replacement in modules imported while patched (they
    got it from the patched SciPy).  A name the user rebound meanwhile is
    left alone.  Unpatching what is not patched does nothing.

    Examples
    --------
    >>> import scipy.sparse.linalg, eigkit
    >>> _ = eigkit.patch_scipy("eigsh")
    >>> eigkit.patched_names()
    ['eigsh']
    >>> eigkit.unpatch_scipy()
    >>> scipy.sparse.linalg.eigsh is eigkit.eigsh
    False
    """
    names = _checked_names(names)
    with _lock:
        for name in names:
            state = _active.pop(name, None)
            if state is None:
                continue
            replacement = REPLACEMENTS[name][1]
            for module, attr in state["bound"]:
                if getattr(module, attr, None) is replacement:
                    setattr(module, attr, state["original"])
            for module in _foreign_modules():
                if id(module) in state["modules"]:
                    continue
                for attr, value in list(getattr(module, "__dict__", {}).items()):
                    if value is replacement:
                        setattr(module, attr, state["original"])


def patched_names() -> list[str]:
    """The names currently patched, in :data:`REPLACEMENTS` order."""
    with _lock:
        return [n for n in REPLACEMENTS if n in _active]
