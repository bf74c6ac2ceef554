"""Convergence of eigsh and svds measured in operator products: against
ARPACK on the same operator, on a hard clustered spectrum, and on an
eigenvalue repeated across the cut of the k wanted."""
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.sparse.linalg import LinearOperator
from threadpoolctl import threadpool_limits

import eigkit

pytestmark = pytest.mark.usefixtures("single_threaded_blas")


class Counting(LinearOperator):
    """The matrix a, counting the columns it and its adjoint are applied to."""

    def __init__(self, a):
        super().__init__(dtype=a.dtype, shape=a.shape)
        self.a = a
        self.products = 0

    def _matmat(self, x):
        self.products += x.shape[1]
        return self.a @ x

    def _matvec(self, x):
        self.products += 1
        return self.a @ x

    def _rmatmat(self, x):
        self.products += x.shape[1]
        return self.a.conj().T @ x

    def _rmatvec(self, x):
        self.products += 1
        return self.a.conj().T @ x


def term_document(n, per_row=10, seed=0):
    """n x n/2, about per_row entries per row, column j scaled by (j+1)^-1/2."""
    cols = n // 2
    r = sp.random(n, cols, density=per_row / cols, format="csr",
                  random_state=np.random.default_rng(seed))
    return (r @ sp.diags(1.0 / np.sqrt(np.arange(1, cols + 1)))).tocsr()


def laplacian_1d(n):
    return sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n), format="csr")


@pytest.mark.parametrize("n", [1000, 2000])
def test_svds_products_against_arpack(n):
    # Products with A and A^H both count.  The k singular triplets are as
    # accurate as ARPACK's; the product count stays within a quarter of
    # ARPACK's (the verification cycle for missed copies of a multiple
    # singular value costs about one cycle of the Gram operator).
    a, k, tol = term_document(n), 10, 1e-8
    ours = Counting(a)
    u, s, vh = eigkit.svds(ours, k=k, tol=tol, rng=0)
    theirs = Counting(a)
    s_ref = sla.svds(theirs, k=k, tol=tol, solver="arpack", rng=np.random.default_rng(2))[1]
    assert np.allclose(np.sort(s), np.sort(s_ref), rtol=1e-10)
    anorm = s_ref.max()
    assert np.linalg.norm(a @ vh.conj().T - u * s, axis=0).max() <= 1e-8 * anorm
    assert np.linalg.norm(a.conj().T @ u - vh.conj().T * s, axis=0).max() <= 1e-8 * anorm
    assert ours.products <= 1.25 * theirs.products


def test_laplacian_1d_smallest_at_machine_precision():
    # The 1-D Laplacian's smallest eigenvalues are clustered relative to
    # the spread of its spectrum (relative gap about 3 pi^2 / (4 n^2)):
    # with tol = 0 a thick restart from ARPACK's basis size stalls, and the
    # basis grows.  ARPACK needs 9301 products on this call (its own
    # criterion is stricter for tiny eigenvalues: relative to |theta|).
    n, k = 1000, 10
    lap = laplacian_1d(n)
    w, v, info = eigkit.eigsh(lap, k=k, which="SA", tol=0, rng=0, return_info=True)
    exact = 2 - 2 * np.cos(np.arange(1, k + 1) * np.pi / (n + 1))
    assert np.allclose(w, exact, rtol=0, atol=1e-13)
    assert np.linalg.norm(lap @ v - v * w, axis=0).max() <= 1e-13
    assert np.abs(v.T @ v - np.eye(k)).max() <= 1e-12
    assert info.matvecs <= 2000


def test_repeated_eigenvalue_at_the_cut_found_with_every_copy():
    # A triple eigenvalue occupying places k-1, k and k+1 of the spectrum:
    # two of its copies are among the k wanted, and a block of one vector
    # holds only one copy in exact arithmetic.  Every copy is found, by a
    # block widened beyond one once the repetition is seen.
    n, k = 400, 6
    rng = np.random.default_rng(5)
    w_true = np.concatenate([[-3.0, -2.5, -2.0, -1.5], [-1.0] * 3, np.linspace(0.0, 4.0, n - 7)])
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = (q * w_true) @ q.T
    w, v, info = eigkit.eigsh(a, k=k, which="SA", rng=0, return_info=True)
    assert np.allclose(w, np.sort(w_true)[:k], atol=1e-10)
    assert np.linalg.norm(a @ v - v * w, axis=0).max() <= 1e-10
    assert info.block_size > 1


@pytest.mark.parametrize("blas_threads", [1, 2])
@pytest.mark.parametrize("kernel_threads", ["1", "2"])
def test_complex_generalized_at_thread_counts(blas_threads, kernel_threads, monkeypatch):
    # The complex Hermitian pencil of test_sparse, with M in regular mode
    # and in shift-invert, under every combination of BLAS and eigkit
    # threads: residuals ||A x - w M x|| at rounding level.
    monkeypatch.setenv("EIGKIT_NUM_THREADS", kernel_threads)
    rng = np.random.default_rng(13)
    n = 60
    g = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    q, _ = np.linalg.qr(g)
    a = (q * np.linspace(1, 10, n)) @ q.conj().T
    h = np.random.default_rng(14).standard_normal((n, n))
    m = (h @ h.T / n + np.eye(n)).astype(np.complex128)
    scale = np.linalg.norm(a, 2) + np.linalg.norm(m, 2) * 10
    with threadpool_limits(blas_threads):
        exact = eigkit.eigvalsh(a, m)
        w, v = eigkit.eigsh(a, k=3, M=m, which="LA", rng=0)
        assert np.allclose(w, exact[-3:], atol=1e-8)
        assert np.linalg.norm(a @ v - (m @ v) * w, axis=0).max() <= 1e-13 * scale
        w, v = eigkit.eigsh(sp.csr_matrix(a), k=3, M=sp.csr_matrix(m), sigma=4.0, rng=0)
        assert np.allclose(w, np.sort(exact[np.argsort(np.abs(exact - 4.0))[:3]]), atol=1e-8)
        assert np.linalg.norm(a @ v - (m @ v) * w, axis=0).max() <= 1e-13 * scale


def _poisson3d(m):
    t = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m), format="csr")
    i = sp.identity(m, format="csr")
    return (sp.kron(sp.kron(t, i), i) + sp.kron(sp.kron(i, t), i)
            + sp.kron(sp.kron(i, i), t)).tocsr()


@pytest.mark.parametrize("k", [4, 7, 10])
def test_block_size_at_multiplicity_finds_every_copy(k):
    # the 3-D Poisson matrix on a cube: its smallest eigenvalues come in
    # triples (the grid's symmetry), which a block of three holds
    m = 12
    t = 2 - 2 * np.cos(np.arange(1, m + 1) * np.pi / (m + 1))
    exact = np.sort((t[:, None, None] + t[None, :, None] + t[None, None, :]).ravel())[:k]
    A = _poisson3d(m)
    w, v = eigkit.eigsh(A, k=k, which="SA", tol=1e-10, rng=0, block_size=3)
    np.testing.assert_allclose(w, exact, rtol=1e-9)
    assert np.linalg.norm(A @ v - v * w, axis=0).max() <= 1e-8
    assert np.abs(v.T @ v - np.eye(k)).max() <= 1e-10
