"""Square operators defined by their product with a block of vectors."""
from scipy.sparse.linalg import LinearOperator

__all__ = ["block_operator"]


def block_operator(product, n, dtype):
    """The n x n LinearOperator of ``product``, a callable on (n, b) blocks.

    eigsh multiplies blocks, and one pass over the data serves a whole
    block, so a single vector goes through the same callable as a block
    of one column.
    """
    return LinearOperator((n, n), matvec=lambda x: product(x.reshape(-1, 1)).ravel(),
                          matmat=product, dtype=dtype)
