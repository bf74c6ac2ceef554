"""eigkit's configuration: the BLAS it runs on, how it was built, and its
tunables.

:func:`show_config` reports all three.  The tunables are the constants,
chosen by measurement, that decide between algorithms or size their work
(crossover orders, block sizes, cost weights); :func:`set_tunables` and
:func:`tunables` override them for re-tuning on another machine, as does
the environment variable ``EIGKIT_TUNE``.  docs/tuning.rst lists them with
the measurements behind their defaults.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from . import _tuning

__all__ = ["show_config", "config", "get_tunables", "set_tunables", "tunables"]


def _blas():
    """The BLAS/LAPACK eigkit calls (SciPy's: eigkit links none of its
    own), from SciPy's build record and, when installed, threadpoolctl."""
    import scipy
    info = {}
    try:
        deps = scipy.show_config(mode="dicts").get("Build Dependencies", {})
        info["scipy_build"] = {k: {f: deps[k].get(f) for f in ("name", "version", "found")}
                               for k in ("blas", "lapack") if k in deps}
    except (TypeError, AttributeError):   # SciPy builds without the dict mode
        info["scipy_build"] = None
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["loaded"] = "install threadpoolctl to see the BLAS loaded at run time"
        return info
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS)
    libs = [{k: lib.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                     "filepath")}
            for lib in threadpool_info() if lib.get("user_api") == "blas"]
    # A SciPy wheel carries its BLAS in scipy.libs/; elsewhere (conda, distro
    # packages) SciPy and NumPy share one system BLAS and all are listed.
    scipy_prefix = os.path.join(os.path.dirname(os.path.dirname(scipy.__file__)), "scipy")
    own = [lib for lib in libs if str(lib["filepath"]).startswith(scipy_prefix)]
    info["loaded"] = own or libs
    return info


def config() -> dict:
    """eigkit's configuration as a dict (what :func:`show_config` prints)."""
    import numpy
    import scipy

    from . import __version__
    from ._kernels import common
    from ._threads import kernel_threads
    return {
        "eigkit": __version__,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "build": common.build_info(),
        "blas": _blas(),
        "kernel_threads": kernel_threads(),
        "tunables": {"python": _tuning.report(), "compiled": common.compiled_tunables()},
    }


def show_config(mode: str = "stdout") -> dict | None:
    """Print (or return) the BLAS eigkit uses, its build options and its
    tunables.

    eigkit links no BLAS: its kernels call the BLAS/LAPACK building blocks
    of the library SciPy loaded, through ``scipy.linalg.cython_blas`` and
    ``cython_lapack``.

    The report's ``"tunables"`` holds two lists: ``"python"``, every tunable
    of the Python layer (``name``, ``value``, ``default``, ``unit``,
    ``overridden``, ``decides``, ``where``), which :func:`set_tunables` and
    ``EIGKIT_TUNE`` override; and ``"compiled"``, those fixed when the
    kernels were built (``name``, ``value``, ``unit``, ``decides``,
    ``where``).

    Parameters
    ----------
    mode : {'stdout', 'dicts'}, default='stdout'
        Print a JSON report, or return it as a dict (like
        ``numpy.show_config``).

    Returns
    -------
    dict or None
        The report when ``mode='dicts'``.

    Raises
    ------
    ValueError
        If ``mode`` is neither.

    Examples
    --------
    >>> import eigkit
    >>> cfg = eigkit.show_config(mode="dicts")
    >>> sorted(cfg["build"])[:3]
    ['build_type', 'c_compiler', 'c_flags']
    >>> entry = cfg["tunables"]["python"][0]
    >>> entry["name"], entry["unit"]
    ('two_stage_min_order', 'matrix order')
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"mode must be 'stdout' or 'dicts', got {mode!r}")
    cfg = config()
    if mode == "dicts":
        return cfg
    print(json.dumps(cfg, indent=2))
    return None


def get_tunables() -> dict[str, Any]:
    """The current values of the Python layer's tunables.

    Returns
    -------
    dict
        Tunable name -> current value (a tuple for a table).

    See Also
    --------
    set_tunables, tunables, show_config

    Examples
    --------
    >>> from eigkit.config import get_tunables
    >>> get_tunables()["two_stage_min_order"]
    2500
    """
    return _tuning.values()


def set_tunables(**values: Any) -> dict[str, Any]:
    """Override tunables of the Python layer, for the whole process.

    The tunables are constants chosen by measurement on one machine:
    crossover orders between algorithms, block sizes, the weights of cost
    models.  They decide which algorithm runs and how its work is split,
    so results may change within the algorithms' accuracy (and PCA's
    ``'auto'`` may pick another solver), never the functions' contracts;
    ``krylov_subset_ratio_limit`` is the accuracy a Krylov answer must
    certify before eigh returns it.  Re-tune them on a machine whose caches
    or BLAS differ from the one measured; docs/tuning.rst has the
    measurements behind each default.  :func:`show_config` lists them all,
    with units.

    The values are process-wide, not thread-local: a change is seen by the
    next call in any thread, and one made while another thread solves may
    or may not reach that solve.  Dask workers in other processes keep
    their own (give them ``EIGKIT_TUNE``).  The environment variable
    ``EIGKIT_TUNE="name=value,name=value"`` (a table's entries separated by
    colons, e.g. ``krylov_subset_cost_orders=500:1000:2000:3000``) sets
    tunables at import; an invalid entry there is ignored with a
    RuntimeWarning naming it, while :func:`set_tunables` raises.

    Parameters
    ----------
    **values
        Tunable name -> new value: an int or float as the tunable's unit
        asks, a sequence of numbers for a table.

    Returns
    -------
    dict
        The previous values of the tunables set; passing them back to
        :func:`set_tunables` restores them.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones) or a value
        out of the tunable's range; then nothing is changed.

    See Also
    --------
    tunables : the same within a ``with`` block.
    get_tunables, show_config

    Examples
    --------
    >>> from eigkit.config import set_tunables
    >>> previous = set_tunables(two_stage_min_order=4000)
    >>> previous
    {'two_stage_min_order': 2500}
    >>> set_tunables(**previous)
    {'two_stage_min_order': 4000}
    """
    return _tuning.set_values(values)


@contextlib.contextmanager
def tunables(**values: Any) -> Iterator[None]:
    """Override tunables within a ``with`` block, restoring them after it.

    Process-wide, not thread-local, as :func:`set_tunables`: other threads
    see the values while the block runs.

    Parameters
    ----------
    **values
        Tunable name -> value, as for :func:`set_tunables`.

    Raises
    ------
    ValueError
        For an unknown name or a bad value, before the block runs.

    See Also
    --------
    set_tunables, get_tunables

    Examples
    --------
    >>> from eigkit.config import get_tunables, tunables
    >>> with tunables(two_stage_min_order=4000, krylov_subset_budget=0.5):
    ...     get_tunables()["two_stage_min_order"]
    4000
    >>> get_tunables()["two_stage_min_order"]
    2500
    """
    with _tuning.overridden(**values):
        yield
