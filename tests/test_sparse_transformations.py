"""eigsh's accuracy under ARPACK's spectral transformations (M given, or
sigma): residuals of the problem itself, A x - lambda M x, not only of OP."""
import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator

from eigkit import eigsh


def _spread_matrix(n, low, high, seed, dtype=float):
    """A Hermitian matrix with eigenvalues logspace(low, high, n)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n))
    if np.issubdtype(dtype, np.complexfloating):
        x = x + 1j * rng.standard_normal((n, n))
    q, _ = np.linalg.qr(x)
    a = (q * np.logspace(low, high, n)) @ q.conj().T
    return ((a + a.conj().T) / 2).astype(dtype)


def _relative_residuals(a, m, w, v):
    mv = v if m is None else m @ v
    return np.linalg.norm(a @ v - mv * w, axis=0) / (np.abs(w) * np.linalg.norm(mv, axis=0))


@pytest.mark.parametrize("which", ["LM", "LA"])
def test_shift_invert_residual_of_the_problem_meets_tol(which):
    # ||OP x - nu x|| <= tol |nu| leaves A x - lambda x up to tol ||A|| / |lambda|
    # when the error lies along eigenvectors far from sigma; the purification
    # step damps exactly those (here without it: 4e-2 against tol 1e-6)
    a = _spread_matrix(400, 0, 6, seed=0)
    w, v = eigsh(a, 5, sigma=0.0, which=which, tol=1e-6, rng=0)
    assert np.allclose(w, np.linalg.eigvalsh(a)[:5], rtol=1e-6)
    assert _relative_residuals(a, None, w, v).max() <= 1e-5


def test_generalized_small_values_converge_relative_to_themselves():
    # mode 2, which='SA': the wanted values of M^-1 A are 1e-5 of ||M^-1 A||;
    # a residual relative to ||OP|| would leave them 1e-3 accurate at tol 1e-8
    a = _spread_matrix(200, -2, 3, seed=1)
    m = sp.diags(np.linspace(1.0, 2.0, 200)).tocsr()
    w, v = eigsh(a, 3, m, which="SA", tol=1e-8, rng=0)
    assert np.allclose(w, sla.eigh(a, m.toarray(), eigvals_only=True)[:3], rtol=1e-7)
    assert _relative_residuals(a, m, w, v).max() <= 1e-7


def _backward_errors(a, m, w, v):
    """||A v - w M v|| / ((||A|| + |w| ||M||) ||v||), per pair."""
    return np.linalg.norm(a @ v - (m @ v) * w, axis=0) / (
        (np.linalg.norm(a, 2) + np.abs(w) * np.linalg.norm(m, 2)) * np.linalg.norm(v, axis=0))


def _ill_conditioned_pencil(n, dtype):
    a = _spread_matrix(n, -1, 1, seed=2, dtype=dtype)
    m = _spread_matrix(n, 0, 3.5, seed=3, dtype=dtype)  # cond(M) = 3e3
    return a, m


@pytest.mark.parametrize("dtype", [np.complex128, np.float64])
@pytest.mark.parametrize("kind", [np.asarray, sp.csr_array, aslinearoperator])
@pytest.mark.parametrize("which,sigma,mode", [
    ("LM", None, "normal"), ("SA", None, "normal"), ("SM", 0.5, "normal"),
    ("LA", 0.5, "normal"), ("LM", 0.5, "cayley")])
def test_whole_space_problems_have_lapack_accuracy(dtype, kind, which, sigma, mode):
    # n <= 20: the first Lanczos basis would be the whole space; the dense
    # solve of the pencil keeps LAPACK's residuals, where a basis orthogonal
    # in the M inner product loses cond(M) eps
    n, k = 8, 2
    a, m = _ill_conditioned_pencil(n, dtype)
    if mode == "cayley" and dtype == np.complex128:
        pytest.skip("SciPy allows only the normal mode for complex problems")
    w, v, info = eigsh(kind(a), k, kind(m), sigma=sigma, which=which, mode=mode,
                       tol=0, return_info=True)
    lam = sla.eigh(a, m, eigvals_only=True)
    nu = {None: lam, 0.5: 1 / (lam - 0.5)}[sigma] if mode == "normal" else \
        (lam + 0.5) / (lam - 0.5)
    key = {"LM": -np.abs(nu), "SM": np.abs(nu), "SA": nu, "LA": -nu}[which]
    assert np.allclose(np.sort(w), np.sort(lam[np.argsort(key)[:k]]), rtol=1e-12)
    lam_ref, v_ref = sla.eigh(a, m)
    lapack = _backward_errors(a, m, lam_ref, v_ref).max()
    assert _backward_errors(a, m, w, v).max() <= 10 * max(lapack, n * np.finfo(float).eps)
    # the operator products spent: n per LinearOperator, none for matrices
    assert info.matvecs == (2 * n if kind is aslinearoperator else 0)


def _semidefinite_pencil(n, nullity, dtype, seed=7):
    """A random Hermitian A and a diagonal positive semidefinite M with
    ``nullity`` zeros, and the pencil's finite eigenvalues."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal((n, n))
    a = ((a + a.conj().T) / 2).astype(dtype)
    d = rng.uniform(1, 2, n)
    d[:nullity] = 0
    m = np.diag(d).astype(dtype)
    # the finite eigenvalues: A restricted by the Schur complement on range(M)
    lam = sla.eigvals(a, m)
    return a, m, np.sort(lam[np.isfinite(lam)].real)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("n, ncv", [(10, None), (40, None), (40, 36), (40, 39), (300, None)])
@pytest.mark.parametrize("mode", ["normal", "cayley"])
def test_singular_m_under_a_spectral_transformation(dtype, n, ncv, mode):
    # ARPACK's modes 3 and 5 allow a singular M: OP = (A - sigma M)^-1 M is
    # zero on null(M), the infinite eigenvalues.  Small pencils go to the
    # direct solve on range(M); Lanczos, whose basis can hold no more than
    # rank(M) M-orthonormal vectors, stops there with the exact pairs.
    if mode == "cayley" and np.dtype(dtype).kind == "c":
        pytest.skip("SciPy allows only the normal mode for complex problems")
    a, m, finite = _semidefinite_pencil(n, max(2, n // 8), dtype)
    sigma = 0.3
    w, v = eigsh(a, 3, m, sigma=sigma, which="LM", ncv=ncv, mode=mode, rng=0)
    order = np.argsort(np.abs(finite - sigma))[:3] if mode == "normal" else None
    if mode == "normal":
        np.testing.assert_allclose(np.sort(w), np.sort(finite[order]), atol=1e-8)
    else:
        nu = (finite + sigma) / (finite - sigma)
        np.testing.assert_allclose(np.sort(w), np.sort(finite[np.argsort(-np.abs(nu))[:3]]),
                                   atol=1e-8)
    # Cayley's OP is the identity on null(M), so Lanczos vectors keep
    # null(M) components that the M inner product cannot see; when the basis
    # exhausts range(M) (ncv >= rank M, where ARPACK cannot build its
    # factorization at all) they leave residuals near 1e-7.
    exhausted_cayley = mode == "cayley" and ncv is not None
    assert np.all(_relative_residuals(a, m, w, v) < (1e-6 if exhausted_cayley else 1e-9))
    gram = v.conj().T @ m @ v
    np.testing.assert_allclose(gram, np.eye(3), atol=1e-9)


# ---------------------------------------------------------------------------
# A tridiagonal sparse matrix: bisection and inverse iteration, no Krylov space

def _jacobi_matrix(n, dtype, seed=4):
    rng = np.random.default_rng(seed)
    d, e = rng.standard_normal(n), rng.standard_normal(n - 1)
    return sp.diags([e, d, e], [-1, 0, 1], format="csr").astype(dtype), d, e


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("which", ["LA", "SA", "BE", "LM"])
def test_tridiagonal_input_takes_the_direct_route(which, dtype):
    n, k = 500, 7
    a, d, e = _jacobi_matrix(n, dtype)
    w, v, info = eigsh(a, k, which=which, return_info=True)
    every = np.linalg.eigvalsh(a.toarray().astype(float))
    key = {"LA": -every, "SA": every, "LM": -np.abs(every)}.get(which)
    wanted = (np.sort(every[np.argsort(key, kind="stable")[:k]]) if key is not None
              else np.r_[every[:k // 2], every[n - (k - k // 2):]])
    eps = np.finfo(dtype).eps
    assert w.dtype == dtype and v.dtype == dtype and info.matvecs == 0
    assert np.allclose(w, wanted, atol=50 * n * eps)
    assert np.linalg.norm(a @ v - v * w, axis=0).max() <= 50 * n * eps * np.abs(every).max()
    assert np.abs(v.T @ v - np.eye(k)).max() <= 50 * n * eps
    # without vectors: SciPy's order (by which, best last), same values
    values = eigsh(a, k, which=which, return_eigenvectors=False)
    assert np.allclose(np.sort(values), w, atol=50 * n * eps)


def test_1d_laplacian_at_full_precision():
    # the case where restarted Lanczos needs tens of thousands of products
    n = 10000
    lap = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n), format="csr")
    w, v, info = eigsh(lap, 10, which="SA", tol=0, return_info=True)
    assert info.matvecs == 0
    assert np.allclose(w, 2 - 2 * np.cos(np.arange(1, 11) * np.pi / (n + 1)), rtol=1e-10,
                       atol=1e-15)
    assert np.linalg.norm(lap @ v - v * w, axis=0).max() <= 1e-13


@pytest.mark.parametrize("matrix", [
    sp.diags([np.ones(59), np.ones(60), 2 * np.ones(59)], [-1, 0, 1], format="csr"),
    sp.eye(60, format="csr"),
    sp.diags([np.ones(58)], [2], shape=(60, 60), format="csr") + sp.eye(60, format="csr")])
def test_tridiagonal_route_declines(matrix):
    # not symmetric, too close ends (BE: vectors computed apart), or not
    # tridiagonal: Lanczos answers, with its products
    w, v, info = eigsh(matrix, 4, which="BE", return_info=True)
    assert info.matvecs > 0
