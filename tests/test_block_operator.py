"""Operators given by their vector product alone receive vectors, as ARPACK
hands them, never n x 1 blocks; operators with a block product receive
blocks."""
import numpy as np
import pytest
import scipy.sparse.linalg as sla
from scipy.sparse.linalg import LinearOperator

import eigkit
from eigkit._linalg.block_operator import block_product, vector_only

STENCIL = np.array([-1.0, 2.0, -1.0])
SKEW = np.array([1.0, -3.0, 0.5])


def stencil_operator(n):
    """The 1-D Laplacian through np.convolve, which refuses n x 1 arrays."""
    return LinearOperator((n, n), dtype=float,
                          matvec=lambda x: np.convolve(x, STENCIL, "same"))


def dense_of(apply, n):
    return np.column_stack([apply(e) for e in np.eye(n)])


class VectorsOnly(LinearOperator):
    """A subclass with only _matvec (and _rmatvec), which asserts that it
    is handed 1-D vectors and counts them."""

    def __init__(self, a):
        super().__init__(dtype=a.dtype, shape=a.shape)
        self.a = a
        self.calls = 0

    def _matvec(self, x):
        assert x.ndim == 1, x.shape
        self.calls += 1
        return self.a @ x

    def _rmatvec(self, x):
        assert x.ndim == 1, x.shape
        self.calls += 1
        return self.a.conj().T @ x


@pytest.mark.parametrize("block_size", [None, 3])
def test_eigsh_stencil_operator_matches_lapack(block_size):
    n = 120
    op = stencil_operator(n)
    exact = np.linalg.eigvalsh(dense_of(op.matvec, n))
    w, v = eigkit.eigsh(op, k=5, which="LA", block_size=block_size, rng=0)
    np.testing.assert_allclose(w, exact[-5:], rtol=1e-10)
    residual = np.linalg.norm(block_product(op)(v) - v * w, axis=0)
    assert residual.max() <= 1e-8 * exact[-1]
    np.testing.assert_allclose(w, sla.eigsh(op, k=5, which="LA", return_eigenvectors=False),
                               rtol=1e-10)


def test_eigsh_subclass_sees_only_vectors():
    rng = np.random.default_rng(0)
    g = rng.standard_normal((80, 80))
    a = (g + g.T) / 2
    op = VectorsOnly(a)
    w = eigkit.eigsh(op, k=4, which="SA", rng=0, return_eigenvectors=False)
    np.testing.assert_allclose(np.sort(w), np.linalg.eigvalsh(a)[:4], rtol=1e-10, atol=1e-12)
    assert op.calls > 0


def test_eigsh_generalized_operators_vectors_only():
    n = 60
    op = stencil_operator(n)
    mass = LinearOperator((n, n), dtype=float,
                          matvec=lambda x: np.convolve(x, [0.0, 2.0, 0.0], "same"))
    exact = np.linalg.eigvalsh(dense_of(op.matvec, n)) / 2
    w = eigkit.eigsh(op, k=3, M=mass, which="LA", return_eigenvectors=False, rng=0)
    np.testing.assert_allclose(np.sort(w), exact[-3:], rtol=1e-8)


def test_svds_vectors_only_operator_matches_lapack():
    n = 70
    m = n + len(SKEW) - 1
    # the full convolution and its adjoint, the valid correlation
    op = LinearOperator((m, n), dtype=float, matvec=lambda x: np.convolve(x, SKEW),
                        rmatvec=lambda y: np.correlate(y, SKEW, "valid"))
    dense = dense_of(op.matvec, n)
    np.testing.assert_allclose(dense_of(op.rmatvec, m), dense.T, atol=1e-14)
    u, s, vh = eigkit.svds(op, k=4, rng=0)
    np.testing.assert_allclose(s, np.linalg.svd(dense, compute_uv=False)[:4][::-1], rtol=1e-10)
    np.testing.assert_allclose(dense @ vh.T, u * s, atol=1e-9 * s.max())


def test_svds_without_rmatvec_raises_as_scipy():
    op = stencil_operator(40)
    with pytest.raises(NotImplementedError, match="rmatvec"):
        sla.svds(op, k=2)
    with pytest.raises(NotImplementedError, match="rmatvec"):
        eigkit.svds(op, k=2)


def test_block_product_keeps_given_block_products():
    a = np.arange(12.0).reshape(4, 3)
    shapes = []

    def matmat(X):
        shapes.append(X.shape)
        return a @ X
    op = LinearOperator(a.shape, dtype=float, matvec=lambda x: a @ x, matmat=matmat)
    X = np.ones((3, 2))
    np.testing.assert_array_equal(block_product(op)(X), a @ X)
    assert shapes == [(3, 2)]
    assert not vector_only(op)
    assert vector_only(op, adjoint=True)
    assert not vector_only(sla.aslinearoperator(a))
    assert not vector_only(sla.aslinearoperator(a), adjoint=True)


def test_block_product_adjoint_and_empty_block():
    a = np.array([[1.0, 2.0j], [3.0, 4.0], [0.0, 1.0]])
    op = VectorsOnly(a)
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(block_product(op, adjoint=True)(Y), a.conj().T @ Y)
    assert op.calls == 2
    assert block_product(op)(np.empty((2, 0))).shape == (3, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_read_only_operator_results(dtype):
    # SciPy accepts an operator whose results are read-only (a cached or
    # broadcast array); eigkit copies them into its block without writing
    n = 150
    a = np.diag(np.arange(1.0, n + 1)).astype(dtype)

    def product(X):
        y = a @ X
        y.setflags(write=False)
        return y
    op = LinearOperator((n, n), dtype=dtype, matvec=product, matmat=product,
                        rmatvec=product, rmatmat=product)
    w = eigkit.eigsh(op, k=3, return_eigenvectors=False, rng=0)
    np.testing.assert_allclose(np.sort(w), [148.0, 149.0, 150.0], rtol=1e-5)
    s = eigkit.svds(op, k=2, return_singular_vectors=False, rng=0)
    np.testing.assert_allclose(np.sort(s), [149.0, 150.0], rtol=1e-5)
