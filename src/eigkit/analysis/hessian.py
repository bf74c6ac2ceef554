"""Eigenpairs of a Hessian known only through Hessian-vector products."""
import numpy as np
from scipy.sparse.linalg import LinearOperator

from ..sparse import eigsh
from ._inputs import positive_int

__all__ = ["hessian_operator", "hessian_eigsh"]


def hessian_operator(hvp, n, *, batched=False, dtype=np.float64):
    """A symmetric :class:`scipy.sparse.linalg.LinearOperator` from a
    Hessian-vector-product callable, for :func:`hessian_eigsh`,
    :func:`hutchinson_trace` and :func:`spectral_density`.

    Parameters
    ----------
    hvp : callable
        ``hvp(v)`` returns H @ v for a vector v of shape (n,).  With
        ``batched=True`` it is called with a block V of shape (n, b) and
        returns H @ V, one call per block (faster when the framework
        vectorizes, e.g. ``torch.func.vmap``).
    n : int
        Number of parameters.
    batched : bool, optional
        Whether ``hvp`` accepts blocks of vectors.
    dtype : dtype, optional
        Dtype of the vectors passed to ``hvp`` (default float64).

    Returns
    -------
    LinearOperator
        Its ``matvec`` / ``matmat`` call ``hvp`` and check the shape of
        what it returns (ValueError naming the shape otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import hessian_operator
    >>> H = np.diag([1.0, 2.0, 3.0])
    >>> op = hessian_operator(lambda v: H @ v, 3)
    >>> op @ np.ones(3)
    array([1., 2., 3.])
    """
    if not callable(hvp):
        raise TypeError(f"hvp must be callable, got {type(hvp).__name__}")
    n = positive_int(n, "n")
    dtype = np.dtype(dtype)

    def matvec(v):
        return _checked(hvp(np.asarray(v, dtype=dtype).reshape(n)), (n,), dtype)

    def matmat(V):
        V = np.asarray(V, dtype=dtype)
        if batched:
            return _checked(hvp(V), V.shape, dtype)
        out = np.empty(V.shape, dtype=dtype)
        for j in range(V.shape[1]):
            out[:, j] = matvec(V[:, j])
        return out

    return LinearOperator((n, n), matvec=matvec, rmatvec=matvec, matmat=matmat,
                          rmatmat=matmat, dtype=dtype)


def _checked(result, shape, dtype):
    out = np.asarray(result, dtype=dtype)
    if out.shape != shape and out.size == int(np.prod(shape)) and len(shape) == 1:
        out = out.reshape(shape)
    if out.shape != shape:
        raise ValueError(f"hvp returned an array of shape {out.shape}, expected {shape}")
    return out


def hessian_eigsh(hvp, n=None, k=6, which="LA", *, batched=False, dtype=np.float64, v0=None,
                  ncv=None, maxiter=None, tol=0, return_eigenvectors=True, rng=None,
                  callback=None, return_info=False):
    """Extreme eigenpairs of a Hessian given only Hessian-vector products.

    The Hessian is wrapped with :func:`hessian_operator` and solved with
    :func:`eigkit.eigsh` (thick-restart block Lanczos); the results have
    eigsh's order and shapes.

    Parameters
    ----------
    hvp : callable or LinearOperator
        ``hvp(v) = H @ v`` (see :func:`hessian_operator` and ``batched``),
        or an operator made by :func:`hessian_operator` or
        :func:`eigkit.analysis.torch.hessian_operator`.
    n : int
        Number of parameters (not needed with an operator).
    k : int, optional
        Number of eigenpairs (default 6).
    which : {'LA', 'SA', 'LM', 'SM', 'BE'}, optional
        'LA' (default) the largest (sharpness), 'SA' the smallest (negative
        curvature), 'LM' the largest in magnitude; as in eigsh.
    batched, dtype :
        See :func:`hessian_operator`.
    v0, ncv, maxiter, tol, return_eigenvectors, rng, callback, return_info :
        As in :func:`eigkit.eigsh`; ``rng`` makes the run deterministic.

    Returns
    -------
    w : ndarray, shape (k,)
        Eigenvalues, ascending.
    v : ndarray, shape (n, k)
        Eigenvectors (when ``return_eigenvectors``).
    info : LanczosInfo
        When ``return_info``; ``info.matvecs`` counts Hessian-vector
        products.

    Examples
    --------
    Hessian of f(x) = x^T A x / 2 is A:

    >>> import numpy as np
    >>> from eigkit.analysis import hessian_eigsh
    >>> A = np.diag(np.arange(1.0, 101.0))
    >>> w, v = hessian_eigsh(lambda x: A @ x, 100, k=3, rng=0)
    >>> np.round(w, 8)
    array([ 98.,  99., 100.])
    """
    op = hvp if isinstance(hvp, LinearOperator) else hessian_operator(hvp, n, batched=batched,
                                                                       dtype=dtype)
    return eigsh(op, k=k, which=which, v0=v0, ncv=ncv, maxiter=maxiter, tol=tol,
                 return_eigenvectors=return_eigenvectors, rng=rng, callback=callback,
                 return_info=return_info)
