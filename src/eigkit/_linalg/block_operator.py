"""Operators applied to blocks of vectors.

eigkit's solvers multiply blocks: one pass over the data serves a whole
block.  A SciPy LinearOperator defined by its matvec alone has no block
product of its own, and SciPy's default ``matmat`` hands the user's
function each column as an n x 1 array, where ARPACK hands it a vector.
A function written for vectors (``np.convolve``, a physics code's stencil)
then fails.  :func:`block_product` applies such operators column by
column, as ARPACK does, and every other operator by one ``matmat``.
"""
import numpy as np
from scipy.sparse.linalg import LinearOperator

__all__ = ["block_operator", "block_product"]

#: where SciPy's LinearOperator(matvec=..., matmat=...) keeps the block
#: products it was given (None when not given); operators without these
#: attributes are judged by whether their class overrides the default
_GIVEN_PRODUCT = {False: "_CustomLinearOperator__matmat_impl",
                  True: "_CustomLinearOperator__rmatmat_impl"}
_DEFAULT_PRODUCT = {False: "_matmat", True: "_rmatmat"}


def block_operator(product, n, dtype):
    """The n x n LinearOperator of ``product``, a callable on (n, b) blocks.

    A single vector goes through the same callable as a block of one
    column.
    """
    return LinearOperator((n, n), matvec=lambda x: product(x.reshape(-1, 1)).ravel(),
                          matmat=product, dtype=dtype)


def vector_only(op, adjoint=False):
    """Whether the LinearOperator ``op`` (its adjoint when ``adjoint``) has
    no block product of its own, only SciPy's loop over matvec (rmatvec)."""
    given = getattr(op, _GIVEN_PRODUCT[adjoint], op)
    if given is not op:
        return given is None
    name = _DEFAULT_PRODUCT[adjoint]
    if getattr(type(op), name) is not getattr(LinearOperator, name):
        return False
    # SciPy's default rmatmat is the adjoint's matmat when the class
    # defines its adjoint (a matrix's LinearOperator does)
    if adjoint and type(op)._adjoint is not LinearOperator._adjoint:
        return vector_only(op.H)
    return True


def block_product(op, adjoint=False):
    """``X -> op X`` (``op^H X`` when ``adjoint``) for (n, b) blocks X, as
    an ndarray: one ``matmat`` (``rmatmat``) call, or, for an operator
    defined by its vector product alone, one ``matvec`` (``rmatvec``) per
    column on 1-D vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse.linalg import LinearOperator
    >>> from eigkit._linalg.block_operator import block_product
    >>> stencil = LinearOperator((5, 5), dtype=float,
    ...                          matvec=lambda x: np.convolve(x, [-1.0, 2.0, -1.0], "same"))
    >>> block_product(stencil)(np.eye(5))[:, 0]
    array([ 2., -1.,  0.,  0.,  0.])
    """
    if not vector_only(op, adjoint):
        apply_block = op.rmatmat if adjoint else op.matmat
        return lambda X: np.asarray(apply_block(X))
    apply_vector = op.rmatvec if adjoint else op.matvec

    rows = op.shape[1] if adjoint else op.shape[0]

    def columns(X):
        X = np.asarray(X)
        if X.shape[1] == 0:
            return np.empty((rows, 0), dtype=np.result_type(op.dtype, X.dtype))
        return np.column_stack([np.asarray(apply_vector(X[:, j])) for j in range(X.shape[1])])
    return columns
