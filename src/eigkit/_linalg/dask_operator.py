"""Dask arrays as operators for eigsh and svds: each product with a block
runs as one dask computation and comes back to the client.

Kept apart from :mod:`eigkit.distributed` (the PCA and TruncatedSVD fits
on dask arrays, which call :func:`eigkit.eigsh`) so that :mod:`eigkit.sparse`
can take dask input without importing the module that imports it.
"""
import numpy as np
from scipy.sparse.linalg import LinearOperator

__all__ = ["dask_linear_operator", "import_dask", "is_dask_array"]


def import_dask():
    """dask and dask.array, or an ImportError that says how to install them."""
    try:
        import dask
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError("eigkit's Dask support needs dask[array,distributed]: "
                          "pip install 'eigkit[dask]'") from exc
    return dask, da


def is_dask_array(x):
    """Whether ``x`` is a dask array (checked without importing dask)."""
    return type(x).__module__.split(".")[0] == "dask" and hasattr(x, "chunks") \
        and hasattr(x, "dask")


def dask_linear_operator(A):
    """A :class:`scipy.sparse.linalg.LinearOperator` whose products
    ``A @ V`` and ``A^H @ U`` run as dask computations; the results (one
    vector per column of V) come back to the client as ndarrays.

    :func:`eigkit.eigsh` and :func:`eigkit.svds` call this for dask input.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from eigkit.distributed import dask_linear_operator
    >>> A = da.from_array(np.diag(np.arange(1.0, 6.0)), chunks=2)
    >>> dask_linear_operator(A).matvec(np.ones(5))
    array([1., 2., 3., 4., 5.])
    """
    dask, _ = import_dask()
    if A.ndim != 2:
        raise ValueError(f"expected a 2-D dask array, got {A.ndim} dimension(s)")
    AH = A.conj().T if A.dtype.kind == "c" else A.T

    def product(M, V):
        V = np.asarray(V)
        (out,) = dask.compute(M @ V)
        return np.asarray(out)

    return LinearOperator(A.shape, matvec=lambda v: product(A, v), matmat=lambda V: product(A, V),
                          rmatvec=lambda u: product(AH, u), rmatmat=lambda U: product(AH, U),
                          dtype=A.dtype)
