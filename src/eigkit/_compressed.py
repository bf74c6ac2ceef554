"""CSR and CSC matrices handed to the Lanczos kernel as arrays, so that
their products run in C (``csrc/sparse_operator.c``) instead of one Python
call per block.

The kernel reads SciPy's arrays in place (nothing is copied) and applies
exactly A, as ``A @ X`` would: CSC is scattered column by column, not read
as the CSR of A^T.  Anything else (another format, integer or
mixed-precision data, entries so large or small that the results must be
scaled, NaN or Inf, which the Python path reports) keeps the Python path.
"""
import numpy as np
from scipy.sparse import issparse

__all__ = ["compressed_arrays"]


def compressed_arrays(A, dtype, scaling):
    """``(by_rows, indptr, indices, data)`` of A for the kernel, or None.

    Parameters
    ----------
    A : object
        The operand of the solve.
    dtype : numpy.dtype
        The solve's working precision; A's data must already have it.
    scaling : PowerOfTwoScaling
        The solve's result scaling: A qualifies only when no result of a
        product with unit vectors can leave its safe range.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from eigkit._compressed import compressed_arrays
    >>> from eigkit._scaling import PowerOfTwoScaling
    >>> A = sp.csr_array(np.diag([1.0, 2.0, 3.0]))
    >>> by_rows, indptr, indices, data = compressed_arrays(
    ...     A, np.dtype(np.float64), PowerOfTwoScaling(np.float64))
    >>> by_rows, indptr.tolist(), data.tolist()
    (True, [0, 1, 2, 3], [1.0, 2.0, 3.0])
    """
    if not issparse(A) or A.format not in ("csr", "csc") or A.dtype != dtype:
        return None
    indptr, indices, data = A.indptr, A.indices, A.data
    if indptr.dtype not in (np.int32, np.int64) or indices.dtype != indptr.dtype:
        return None
    if not all(a.ndim == 1 and a.flags.c_contiguous for a in (indptr, indices, data)):
        return None
    n = A.shape[0]
    used = data[:max(0, min(int(indptr[-1]), data.shape[0]))]
    amax = float(np.max(np.abs(used))) if used.size else 0.0
    # |(A x)_i| <= max|a_ij| sqrt(n) for a unit x; a random unit x gives
    # results near max|a_ij| / sqrt(n) at the least.
    if not (amax == 0 or scaling.in_safe_range(amax / n, amax * np.sqrt(n))):
        return None
    return A.format == "csr", indptr, indices, data
