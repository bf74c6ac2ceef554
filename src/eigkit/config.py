"""``eigkit.show_config()``: the BLAS eigkit runs on and how it was built."""
from __future__ import annotations

import json
import os
import sys


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
    }


def show_config(mode: str = "stdout") -> dict | None:
    """Print (or return) the BLAS eigkit uses and its build options.

    eigkit links no BLAS: its kernels call the BLAS/LAPACK building blocks
    of the library SciPy loaded, through ``scipy.linalg.cython_blas`` and
    ``cython_lapack``.

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
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"mode must be 'stdout' or 'dicts', got {mode!r}")
    cfg = config()
    if mode == "dicts":
        return cfg
    print(json.dumps(cfg, indent=2))
    return None
