"""CSR and CSC matrices handed to the Lanczos kernel as arrays, so that
their products run in C (``csrc/krylov/sparse_operator.c``) instead of one Python
call per block: A itself for eigsh, A^H A or A A^H for svds.

The kernel reads SciPy's arrays in place (nothing is copied) and applies
exactly A and A^H, as ``A @ X`` and ``A.conj().T @ X`` would (a CSC matrix
is scattered column by column, not read as the CSR of A^T).  Anything else
(another format, integer or mixed-precision data, entries so large or
small that the results must be scaled, NaN or Inf, which the Python path
reports) keeps the Python path.
"""
import numpy as np
from scipy.sparse import issparse
from scipy.sparse.linalg import LinearOperator

__all__ = ["compressed_arrays", "CompressedGram"]


def compressed_arrays(A, dtype, scaling, operator="A"):
    """``(form, operator, shape, indptr, indices, data)`` of A for the
    kernel, or None.

    Parameters
    ----------
    A : object
        The sparse matrix.
    dtype : numpy.dtype
        The solve's working precision; A's data must already have it.
    scaling : PowerOfTwoScaling
        The solve's scaling of the operator's results: A qualifies only when
        no product with unit vectors can leave its safe range.
    operator : {'A', 'AhA', 'AAh'}
        The solve's operator: A (square), A^H A or A A^H.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from eigkit._linalg.compressed_operator import compressed_arrays
    >>> from eigkit._linalg.scaling import PowerOfTwoScaling
    >>> A = sp.csr_array(np.diag([1.0, 2.0, 3.0]))
    >>> form, operator, shape, indptr, indices, data = compressed_arrays(
    ...     A, np.dtype(np.float64), PowerOfTwoScaling(np.float64))
    >>> form, shape, indptr.tolist(), data.tolist()
    ('csr', (3, 3), [0, 1, 2, 3], [1.0, 2.0, 3.0])
    """
    if not issparse(A) or A.format not in ("csr", "csc") or A.dtype != dtype:
        return None
    indptr, indices, data = A.indptr, A.indices, A.data
    if indptr.dtype not in (np.int32, np.int64) or indices.dtype != indptr.dtype:
        return None
    if not all(a.ndim == 1 and a.flags.c_contiguous for a in (indptr, indices, data)):
        return None
    used = data[:max(0, min(int(indptr[-1]), data.shape[0]))]
    amax = _largest_part(used)
    # |(A x)_i| <= max|a_ij| sqrt(n) for a unit x; a random unit x gives
    # results near max|a_ij| / sqrt(n) at the least.  A^H A squares both.
    # amax <= max|a_ij| <= sqrt(2) amax.
    n = max(A.shape)
    low, high = amax / n, np.sqrt(2.0) * amax * np.sqrt(n)
    if operator != "A":
        low, high = low * low, high * high
    if not (amax == 0 or scaling.in_safe_range(low, high)):
        return None
    return A.format, operator, tuple(A.shape), indptr, indices, data


def _largest_part(values):
    """The largest |Re| or |Im| of ``values`` (NaN if one is NaN), without
    an array of absolute values: the data may be most of the memory."""
    if values.size == 0:
        return 0.0
    parts = (values.real, values.imag) if values.dtype.kind == "c" else (values,)
    return float(np.max(np.abs([bound for p in parts for bound in (p.max(), p.min())])))


class CompressedGram(LinearOperator):
    """A^H A or A A^H of a sparse A: a LinearOperator (products through
    ``product``, a callable on blocks) that also carries the arrays of
    :func:`compressed_arrays`, which eigsh runs in C instead.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from eigkit._linalg.compressed_operator import CompressedGram
    >>> A = sp.csr_array(np.array([[1.0, 2.0], [0.0, 3.0], [4.0, 0.0]]))
    >>> G = CompressedGram(lambda X: A.T @ (A @ X), (2, 2), A.dtype, None)
    >>> (G @ np.eye(2)).tolist()
    [[17.0, 2.0], [2.0, 13.0]]
    """

    def __init__(self, product, shape, dtype, arrays):
        super().__init__(dtype=dtype, shape=shape)
        self._product = product
        self.arrays = arrays

    def _matmat(self, X):
        return self._product(X)

    def _matvec(self, x):
        return self._product(x.reshape(-1, 1)).ravel()
