"""eigkit.eigsh against dense eigh and against SciPy's API (scipy.sparse.linalg.eigsh)."""
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import LinearOperator

import eigkit
from eigkit.sparse import LanczosNoConvergence

WHICHES = ["LM", "SM", "LA", "SA", "BE"]


# The problems here are small: BLAS threads only contend (the machine
# running the tests may be shared).
pytestmark = pytest.mark.usefixtures("single_threaded_blas")


# ---------------------------------------------------------------------------
# problems

def random_hermitian(n, dtype, seed, spread=None):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        g = g + 1j * rng.standard_normal((n, n))
    q, _ = np.linalg.qr(g)
    w = np.linspace(-1.0, 3.0, n) if spread is None else spread
    return ((q * w) @ q.conj().T).astype(dtype), np.sort(w)


def laplacian_2d(m):
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    i = sp.eye(m)
    return (sp.kron(i, t) + sp.kron(t, i)).tocsr()


def laplacian_2d_eigenvalues(m):
    lam = 2 - 2 * np.cos(np.arange(1, m + 1) * np.pi / (m + 1))
    return np.sort((lam[:, None] + lam[None, :]).ravel())


def graph_laplacian(sizes, seed):
    """Laplacian of a graph made of len(sizes) connected components (paths
    with random extra edges): eigenvalue 0 has multiplicity len(sizes)."""
    rng = np.random.default_rng(seed)
    blocks = []
    for s in sizes:
        rows = list(range(s - 1))
        cols = list(range(1, s))
        extra = rng.integers(0, s, size=(s, 2))
        rows += list(extra[:, 0])
        cols += list(extra[:, 1])
        adj = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(s, s)).tocsr()
        adj = ((adj + adj.T) > 0).astype(float)
        adj.setdiag(0)
        adj.eliminate_zeros()
        blocks.append(sp.csgraph.laplacian(adj))
    return sp.block_diag(blocks).tocsr()


def expected(w_all, k, which):
    """The k eigenvalues `which` selects from the ascending w_all, ascending."""
    if which == "LA":
        sel = w_all[-k:]
    elif which == "SA":
        sel = w_all[:k]
    elif which == "LM":
        sel = w_all[np.argsort(-np.abs(w_all), kind="stable")[:k]]
    elif which == "SM":
        sel = w_all[np.argsort(np.abs(w_all), kind="stable")[:k]]
    else:
        hi, lo = (k + 1) // 2, k // 2
        sel = np.concatenate([w_all[:lo], w_all[len(w_all) - hi:]])
    return np.sort(sel)


def check_pairs(A, w, v, M=None, rtol=1e-8):
    A = A.toarray() if sp.issparse(A) else np.asarray(A)
    scale = max(np.abs(np.linalg.eigvalsh(A)).max(), 1e-300) if A.shape[0] <= 2000 else 1
    Mv = v if M is None else (M @ v)
    res = np.linalg.norm(A @ v - Mv * w, axis=0)
    assert res.max() <= rtol * scale, res.max()
    gram = v.conj().T @ Mv
    assert np.abs(gram - np.eye(len(w))).max() <= 1e-8


# ---------------------------------------------------------------------------
# every which, real and complex, three input kinds

@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("which", WHICHES)
@pytest.mark.parametrize("kind", ["dense", "sparse", "operator"])
def test_which_against_dense(dtype, which, kind):
    n, k = 120, 5
    if which == "BE" and np.dtype(dtype).kind == "c":
        pytest.skip("BE is invalid for complex A (as in SciPy)")
    # well-separated spectrum with negative and positive values; SM targets
    # values near zero that are still separated
    w_all = np.concatenate([np.linspace(-5, -0.5, n // 2), np.linspace(0.3, 6, n - n // 2)])
    a, w_all = random_hermitian(n, dtype, seed=3, spread=w_all)
    A = {"dense": a, "sparse": sp.csr_matrix(a), "operator": spla.aslinearoperator(a)}[kind]
    w, v = eigkit.eigsh(A, k=k, which=which, rng=0)
    assert w.dtype == np.float64 and v.dtype == dtype and v.shape == (n, k)
    assert np.allclose(w, expected(w_all, k, which), atol=1e-9)
    assert np.all(np.diff(w) >= 0)
    check_pairs(a, w, v)


@pytest.mark.parametrize("which", ["LM", "SA"])
def test_float32(which):
    a, w_all = random_hermitian(80, np.float32, seed=1)
    w, v = eigkit.eigsh(a, k=4, which=which, rng=1)
    assert w.dtype == np.float32 and v.dtype == np.float32
    assert np.allclose(w, expected(w_all, 4, which), atol=1e-4)


def test_integer_input_is_float64():
    a = np.diag(np.arange(1, 41))
    w, v = eigkit.eigsh(a, k=3, which="LA", rng=0)
    assert w.dtype == np.float64
    assert np.allclose(w, [38, 39, 40])


# ---------------------------------------------------------------------------
# multiplicity and clustered spectra

def test_grid_laplacian_clustered():
    m = 30
    A = laplacian_2d(m)
    exact = laplacian_2d_eigenvalues(m)
    for which in ("SA", "LA"):
        w, v, info = eigkit.eigsh(A, k=10, which=which, tol=1e-10, rng=0, return_info=True)
        assert np.allclose(w, expected(exact, 10, which), atol=1e-8), which
        check_pairs(A, w, v, rtol=1e-8)
        assert info.converged and info.matvecs > 0 and len(info.residual_norms) == 10


# As a CSR matrix eigsh solves each component apart (eigkit._linalg.connected_components);
# as a LinearOperator the kernel must find the copies in one Krylov space.
def _as_given(A, form):
    return A if form == "csr" else spla.aslinearoperator(A)


@pytest.mark.parametrize("form", ["csr", "operator"])
@pytest.mark.parametrize("sizes", [[40, 30, 50], [20, 25, 30, 35, 40, 45]])
def test_connected_components_multiplicity(sizes, form):
    L = graph_laplacian(sizes, seed=len(sizes))
    c = len(sizes)
    k = c + 2
    w, v = eigkit.eigsh(_as_given(L, form), k=k, which="SA", rng=0)
    exact = np.linalg.eigvalsh(L.toarray())
    assert np.sum(np.abs(w) < 1e-8) == c
    assert np.allclose(w, exact[:k], atol=1e-8)
    check_pairs(L, w, v)


@pytest.mark.parametrize("sizes, seed, rng", [
    ([20, 25, 30, 35, 40, 45], 6, 1), ([20, 25, 30, 35, 40, 45], 6, 5),
    ([20, 25, 30, 35, 40, 45], 7, 5), ([20, 25, 30, 35, 40, 45], 10, 0),
    ([15, 30, 60, 5, 5, 90], 7, 0), ([15, 30, 60, 5, 5, 90], 8, 2)])
def test_verification_finds_every_missed_copy(sizes, seed, rng):
    # starts whose search phase locks only three of the six copies of
    # eigenvalue 0 (one per fresh direction, OP maps the eigenspace into
    # itself) and the next values instead: the verification must bring out
    # the other three rather than stop on a converged value beyond the k
    L = graph_laplacian(sizes, seed=seed)
    k = len(sizes) + 2
    w, v = eigkit.eigsh(spla.aslinearoperator(L), k=k, which="SA", rng=rng)
    assert np.allclose(w, np.linalg.eigvalsh(L.toarray())[:k], atol=1e-8)
    check_pairs(L, w, v)


def test_repeated_eigenvalue_beyond_block_size():
    # eigenvalue 10 with multiplicity 5 at the top, the rest below
    n = 150
    spread = np.concatenate([np.linspace(0, 5, n - 5), np.full(5, 10.0)])
    a, _ = random_hermitian(n, np.float64, seed=7, spread=spread)
    w, v = eigkit.eigsh(a, k=6, which="LA", rng=0)
    assert np.allclose(w, [5.0] + [10.0] * 5, atol=1e-9)
    check_pairs(a, w, v)


@pytest.mark.parametrize("form", ["csr", "operator"])
@pytest.mark.parametrize("which", ["LA", "LM"])
def test_eightfold_top_eigenvalue_all_copies(which, form):
    # the kNN benchmark in miniature: a graph with 8 components, so the
    # operator I - L / (2 max degree) has eigenvalue 1 eight times at the
    # top; the block (2) never grows while searching, yet every copy must
    # come back, and the two values after them as well
    L = graph_laplacian([30, 35, 40, 45, 50, 55, 60, 65], seed=8)
    A = (sp.eye(L.shape[0]) - L / (2 * L.diagonal().max())).tocsr()
    exact = np.linalg.eigvalsh(A.toarray())
    w, v, info = eigkit.eigsh(_as_given(A, form), k=10, which=which, tol=1e-10, rng=0,
                              return_info=True)
    assert info.blocks == (8 if form == "csr" else 1)
    assert np.sum(np.abs(w - 1) < 1e-8) == 8
    assert np.allclose(w, exact[-10:], atol=1e-8)
    check_pairs(A, w, v)


@pytest.mark.parametrize("which", ["LA", "LM"])
def test_verification_near_tie_after_the_kth(which):
    # a triple eigenvalue (verification runs) and the (k+1)-th value 1e-6
    # below the k-th: ending the verification early must not return the
    # wrong one
    n = 300
    top = [10.0, 10.0, 10.0, 9.0, 8.0, 8.0 - 1e-6]
    spread = np.concatenate([np.linspace(0, 7, n - len(top)), top])
    a, w_all = random_hermitian(n, np.float64, seed=11, spread=spread)
    w, v = eigkit.eigsh(a, k=5, which=which, tol=1e-10, rng=0)
    assert np.allclose(w, [8.0, 9.0, 10.0, 10.0, 10.0], atol=1e-9)
    check_pairs(a, w, v)


def test_zero_matrix():
    n = 60
    for A in (np.zeros((n, n)), sp.csr_matrix((n, n))):
        w, v = eigkit.eigsh(A, k=4, rng=0)
        assert np.all(w == 0) and v.shape == (n, 4)
        assert np.allclose(v.T @ v, np.eye(4), atol=1e-12)


def test_identity_matrix():
    n = 60
    for which in ("LM", "SA", "BE"):
        w, v = eigkit.eigsh(sp.eye(n).tocsr(), k=5, which=which, rng=0)
        assert np.allclose(w, 1, atol=1e-14)
        assert np.allclose(v.T @ v, np.eye(5), atol=1e-12)


def test_zero_v0_is_replaced():
    a, w_all = random_hermitian(50, np.float64, seed=2)
    w, _ = eigkit.eigsh(a, k=3, which="LA", v0=np.zeros(50))
    assert np.allclose(w, w_all[-3:])


# ---------------------------------------------------------------------------
# generalized and shift-invert

def spd(n, seed):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, n))
    return g @ g.T / n + np.eye(n)


@pytest.mark.parametrize("which", ["LA", "SA", "LM"])
def test_generalized(which):
    n, k = 80, 4
    a, _ = random_hermitian(n, np.float64, seed=4)
    m = spd(n, 5)
    exact = eigkit.eigvalsh(a, m)
    for M in (m, sp.csr_matrix(m)):
        w, v = eigkit.eigsh(a, k=k, M=M, which=which, rng=0)
        assert np.allclose(w, expected(exact, k, which), atol=1e-8)
        check_pairs(a, w, v, M=m)


def test_generalized_with_minv():
    n = 70
    a, _ = random_hermitian(n, np.float64, seed=8)
    m = np.diag(np.linspace(1, 2, n))
    minv = np.diag(1 / np.linspace(1, 2, n))
    exact = eigkit.eigvalsh(a, m)
    w, v = eigkit.eigsh(a, k=3, M=m, Minv=minv, which="LA", rng=0)
    assert np.allclose(w, exact[-3:], atol=1e-8)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_shift_invert_normal(kind):
    m = 12
    A = laplacian_2d(m)
    exact = laplacian_2d_eigenvalues(m)
    sigma = 1.0
    Ain = A.toarray() if kind == "dense" else A
    w, v = eigkit.eigsh(Ain, k=5, sigma=sigma, which="LM", rng=0)
    near = np.sort(exact[np.argsort(np.abs(exact - sigma), kind="stable")[:5]])
    assert np.allclose(w, near, atol=1e-9)
    check_pairs(A, w, v)


def test_shift_invert_generalized_and_opinv():
    n = 60
    a, _ = random_hermitian(n, np.float64, seed=9, spread=np.linspace(1, 10, 60))
    m = spd(n, 10)
    exact = eigkit.eigvalsh(a, m)
    sigma = 3.0
    near = np.sort(exact[np.argsort(np.abs(exact - sigma))[:4]])
    w, v = eigkit.eigsh(a, k=4, M=m, sigma=sigma, rng=0)
    assert np.allclose(w, near, atol=1e-8)
    check_pairs(a, w, v, M=m)
    opinv = np.linalg.inv(a - sigma * m)
    w2, _ = eigkit.eigsh(a, k=4, M=m, sigma=sigma, OPinv=opinv, rng=0)
    assert np.allclose(w2, near, atol=1e-8)


@pytest.mark.parametrize("mode", ["buckling", "cayley"])
def test_shift_invert_modes(mode):
    n = 60
    a, _ = random_hermitian(n, np.float64, seed=11, spread=np.linspace(1, 10, n))
    m = spd(n, 12)
    exact = eigkit.eigvalsh(a, m)
    sigma = 2.5
    ws, _ = spla.eigsh(a, k=4, M=m, sigma=sigma, mode=mode, v0=np.ones(n))
    w, v = eigkit.eigsh(a, k=4, M=m, sigma=sigma, mode=mode, rng=0)
    assert np.allclose(w, np.sort(ws), atol=1e-7)
    assert np.all(np.min(np.abs(w[:, None] - exact[None, :]), axis=1) < 1e-7)


# ---------------------------------------------------------------------------
# SciPy's API: k >= n, return order, exceptions

def test_k_at_least_n_dense_like_scipy():
    a, w_all = random_hermitian(10, np.float64, seed=0)
    with pytest.warns(RuntimeWarning, match=r"k=10 >= n = 10: eigkit solves this with its "
                                            r"dense solver \(eigkit.eigh\)"):
        w, v = eigkit.eigsh(a, k=10)
    assert w.shape == (10,) and np.allclose(w, w_all)
    with pytest.raises(TypeError, match="k must be less than n = 10 for a sparse matrix A"):
        eigkit.eigsh(sp.csr_matrix(a), k=10)
    with pytest.raises(TypeError, match="k must be less than n = 10 for a LinearOperator A"):
        eigkit.eigsh(spla.aslinearoperator(a), k=12)
    with pytest.raises(TypeError, match="for a LinearOperator M"):
        eigkit.eigsh(a, M=spla.aslinearoperator(np.eye(10)), k=10)
    h, _ = random_hermitian(10, np.complex128, seed=1)
    with pytest.raises(TypeError, match="k must be less than n - 1 = 9 for a complex sparse"):
        eigkit.eigsh(sp.csr_matrix(h), k=9)


def test_scipy_k_beyond_limits_test_passes_on_eigkit():
    """SciPy's own test of k >= n, run with eigkit patched in."""
    arpack_tests = pytest.importorskip("scipy.sparse.linalg._eigen.arpack.tests.test_arpack")
    with eigkit.patch_scipy():
        assert arpack_tests.eigsh is eigkit.eigsh
        arpack_tests.test_eigsh_for_k_greater()


def test_order_without_vectors_matches_scipy():
    a, _ = random_hermitian(100, np.float64, seed=5,
                            spread=np.concatenate([np.linspace(-7, -1.05, 50), np.linspace(1, 6, 50)]))
    for which in WHICHES:
        ws = spla.eigsh(a, k=5, which=which, return_eigenvectors=False, v0=np.ones(100))
        we = eigkit.eigsh(a, k=5, which=which, return_eigenvectors=False, rng=0)
        assert np.allclose(we, ws, atol=1e-9), which


@pytest.mark.parametrize("kwargs, exc", [
    (dict(k=0), ValueError),
    (dict(k=-1), ValueError),
    (dict(k=5, ncv=5), ValueError),
    (dict(k=5, ncv=3), ValueError),
    (dict(k=3, which="XX"), ValueError),
    (dict(k=3, maxiter=0), ValueError),
    (dict(k=3, v0=np.ones(49)), ValueError),
    (dict(k=3, OPinv=np.eye(50)), ValueError),
    (dict(k=3, Minv=np.eye(50)), ValueError),
    (dict(k=3, sigma=1.0, mode="weird"), ValueError),
])
def test_bad_arguments(kwargs, exc):
    a, _ = random_hermitian(50, np.float64, seed=0)
    with pytest.raises(exc):
        eigkit.eigsh(a, **kwargs)
    with pytest.raises(exc):   # SciPy agrees (v0 of the wrong length crashes ARPACK)
        if "v0" not in kwargs:
            spla.eigsh(a, **kwargs)
        else:
            raise exc


def test_nonsquare_and_complex_restrictions():
    with pytest.raises(ValueError):
        eigkit.eigsh(np.ones((5, 6)), k=1)
    a, _ = random_hermitian(30, np.complex128, seed=0)
    with pytest.raises(ValueError):
        eigkit.eigsh(a, k=2, which="BE")
    with pytest.raises(ValueError):
        eigkit.eigsh(a, k=2, sigma=1.0, mode="cayley")
    with pytest.raises(ValueError):
        eigkit.eigsh(a, k=2, M=np.eye(31))


def test_linear_operator_k_ge_n():
    op = LinearOperator((20, 20), matvec=lambda x: x, dtype=float)
    with pytest.raises(TypeError, match="k=20: k must be less than n = 20 for a LinearOperator"):
        eigkit.eigsh(op, k=20)


@pytest.mark.parametrize("bad", ["shape", "nan", "raise"])
def test_bad_operator(bad):
    n = 50

    def mv(x):
        if bad == "shape":
            return np.ones(3)
        if bad == "nan":
            return np.full_like(x, np.nan)
        raise KeyError("boom")

    op = LinearOperator((n, n), matvec=mv, dtype=float)
    exc = KeyError if bad == "raise" else ValueError
    with pytest.raises(exc):
        eigkit.eigsh(op, k=3, rng=0)


def test_matmat_is_used_one_call_per_block():
    a, _ = random_hermitian(100, np.float64, seed=1)
    calls = {"mv": 0, "mm": 0}

    def mv(x):
        calls["mv"] += 1
        return a @ x

    def mm(X):
        calls["mm"] += 1
        return a @ X

    op = LinearOperator(a.shape, matvec=mv, matmat=mm, dtype=float)
    _, _, info = eigkit.eigsh(op, k=4, which="LA", rng=0, return_info=True)
    assert calls["mv"] == 0 and calls["mm"] > 0
    assert info.matvecs > calls["mm"]


def test_no_convergence_partial_results():
    A = laplacian_2d(40)
    with pytest.raises(spla.ArpackNoConvergence) as exc_info:
        eigkit.eigsh(A, k=8, which="SA", maxiter=1, rng=0)
    err = exc_info.value
    assert isinstance(err, LanczosNoConvergence)
    assert isinstance(err, eigkit.ArpackNoConvergence)
    assert err.eigenvectors.shape == (A.shape[0], len(err.eigenvalues))
    assert len(err.eigenvalues) < 8
    if len(err.eigenvalues):
        check_pairs(A, err.eigenvalues, err.eigenvectors, rtol=1e-6)


# ---------------------------------------------------------------------------
# callback, info, determinism, threads

def test_callback_and_info():
    A = laplacian_2d(20)
    seen = []
    w, v, info = eigkit.eigsh(A, k=4, which="LA", rng=0, return_info=True,
                              callback=lambda it, vals, res: seen.append((it, vals, res)))
    assert len(seen) == info.restarts >= 1
    assert [s[0] for s in seen] == list(range(1, len(seen) + 1))
    assert np.allclose(np.sort(seen[-1][1]), w)
    assert info.converged and np.all(info.residual_norms <= 1e-12 * 8)
    w2, info2 = eigkit.eigsh(A, k=4, which="LA", rng=0, return_info=True, return_eigenvectors=False)
    assert info2.matvecs == info.matvecs


def test_deterministic():
    a, _ = random_hermitian(90, np.float64, seed=6)
    v0 = np.random.default_rng(1).standard_normal(90)
    r1 = eigkit.eigsh(a, k=4, v0=v0)
    r2 = eigkit.eigsh(a, k=4, v0=v0)
    assert np.array_equal(r1[0], r2[0]) and np.array_equal(r1[1], r2[1])
    r3 = eigkit.eigsh(a, k=4, rng=5)
    r4 = eigkit.eigsh(a, k=4, rng=np.random.default_rng(5))
    assert np.array_equal(r3[0], r4[0]) and np.array_equal(r3[1], r4[1])


def test_threads_and_nested_calls():
    A = laplacian_2d(15)
    inner = laplacian_2d(8)

    def op(X):
        eigkit.eigsh(inner, k=2, rng=0)       # an operator may itself call eigsh
        return A @ X

    L = LinearOperator(A.shape, matvec=lambda x: A @ x, matmat=op, dtype=float)
    serial = eigkit.eigsh(A, k=5, which="LA", rng=3)[0]
    results, errors = [], []

    def work():
        try:
            results.append(eigkit.eigsh(L, k=5, which="LA", rng=3)[0])
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r in results:
        assert np.allclose(r, serial, atol=1e-10)


def test_m_dtype_warning():
    a, _ = random_hermitian(40, np.float64, seed=0)
    with pytest.warns(UserWarning):
        eigkit.eigsh(a, k=2, M=np.eye(40, dtype=np.float32), rng=0)


# ---------------------------------------------------------------------------
# svds

@pytest.mark.parametrize("shape", [(80, 50), (50, 80)])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_svds_against_dense(shape, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    s_all = np.linalg.svd(a, compute_uv=False)
    for A in (a, sp.csr_matrix(a)):
        u, s, vh = eigkit.svds(A, k=4, rng=0)
        assert np.allclose(s, np.sort(s_all[:4]), atol=1e-9)
        assert np.allclose(a @ vh.conj().T, u * s, atol=1e-8)
        assert np.allclose(u.conj().T @ u, np.eye(4), atol=1e-10)
        s_only = eigkit.svds(A, k=4, rng=0, return_singular_vectors=False)
        assert np.allclose(s_only, s)
    u, s, vh = eigkit.svds(a, k=3, which="SM", rng=0)
    assert np.allclose(s, np.sort(s_all[-3:]), atol=1e-7)
    u, s, vh = eigkit.svds(a, k=3, rng=0, return_singular_vectors="u")
    assert vh is None and u.shape == (shape[0], 3)


@pytest.mark.parametrize("kwargs", [dict(k=0), dict(k=50), dict(which="LA"), dict(tol=-1),
                                    dict(solver="nope"), dict(ncv=3, k=4), dict(v0=np.ones(3)),
                                    dict(maxiter=0), dict(return_singular_vectors="x")])
def test_svds_bad_arguments(kwargs):
    a = np.random.default_rng(0).standard_normal((60, 50))
    with pytest.raises(ValueError):
        eigkit.svds(a, **kwargs)
    with pytest.raises(ValueError):
        spla.svds(a, **kwargs)


@pytest.mark.usefixtures("python_sigint_handler")
def test_keyboard_interrupt_is_prompt():
    import os
    import signal
    import time
    A = laplacian_2d(40)
    calls, calls_at_signal = [], []

    def slow(X):
        calls.append(X.shape[1])
        time.sleep(0.005)
        return A @ X

    def interrupt():
        calls_at_signal.append(len(calls))
        os.kill(os.getpid(), signal.SIGINT)

    op = LinearOperator(A.shape, matvec=lambda x: A @ x, matmat=slow, dtype=float)
    timer = threading.Timer(0.3, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            eigkit.eigsh(op, k=10, which="SM", tol=0, maxiter=10**6, rng=0)
    finally:
        timer.cancel()
        timer.join()
    # The signal lands in the operator call in progress or in the compiled
    # step before the next call: the solve applies the operator at most once
    # more (it would run for minutes otherwise).
    assert calls_at_signal and len(calls) - calls_at_signal[0] <= 1


@pytest.mark.parametrize("n, k, ncv", [(25, 3, None), (40, 6, 12), (40, 6, 7), (12, 1, None), (30, 2, 8)])
def test_small_problems_and_tight_ncv(n, k, ncv):
    # ncv >= n: one exact block; ncv = k + 1: single-vector blocks.  SM
    # (interior) needs room, as with ARPACK.
    a, w_all = random_hermitian(n, np.float64, seed=n + k)
    for which in WHICHES if ncv is None or ncv >= 12 else ["LM", "LA", "SA", "BE"]:
        w, v = eigkit.eigsh(a, k=k, which=which, ncv=ncv, rng=0)
        assert np.allclose(w, expected(w_all, k, which), atol=1e-9), which
        check_pairs(a, w, v)


def test_complex_generalized_and_shift_invert():
    n = 60
    a, _ = random_hermitian(n, np.complex128, seed=13, spread=np.linspace(1, 10, n))
    m = spd(n, 14).astype(np.complex128)
    exact = eigkit.eigvalsh(a, m)
    w, v = eigkit.eigsh(a, k=3, M=m, which="LA", rng=0)
    assert np.allclose(w, exact[-3:], atol=1e-8)
    check_pairs(a, w, v, M=m)
    sigma = 4.0
    w, v = eigkit.eigsh(sp.csr_matrix(a), k=3, M=sp.csr_matrix(m), sigma=sigma, rng=0)
    assert np.allclose(w, np.sort(exact[np.argsort(np.abs(exact - sigma))[:3]]), atol=1e-8)
    check_pairs(a, w, v, M=m)


def pencil_residuals(a, m, w, v):
    """||A x - w M x|| / (||A|| + |w| ||M||) of every returned pair."""
    scale = np.linalg.norm(a, 2) + np.abs(w) * np.linalg.norm(m, 2)
    return np.linalg.norm(a @ v - (m @ v) * w, axis=0) / scale


def complex_pencil(n, seed):
    a, _ = random_hermitian(n, np.complex128, seed=100 + seed, spread=np.linspace(1, 10, n))
    return a, spd(n, 200 + seed).astype(np.complex128)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n", [40, 90, 120])
@pytest.mark.parametrize("which", ["LA", "SA"])
def test_complex_generalized_keeps_b_orthogonality(which, n, seed):
    # Mode 2 (OP = M^-1 A) with single-threaded BLAS (the module's
    # fixture).  When the B-image of each new block was carried through its
    # Gram-Schmidt passes instead of computed afresh, its rounding grew
    # geometrically over the blocks and across restarts: the basis lost
    # B-orthogonality, spurious Ritz values of 1e5 appeared, and these
    # solves did not converge in 10 n cycles (all SA, most LA).
    a, m = complex_pencil(n, seed)
    exact = eigkit.eigvalsh(a, m)
    w, v, info = eigkit.eigsh(a, k=3, M=m, which=which, rng=seed, return_info=True)
    assert info.converged and info.restarts < 50
    assert np.allclose(w, expected(exact, 3, which), atol=1e-10)
    assert pencil_residuals(a, m, w, v).max() <= 1e-13
    assert np.abs(v.conj().T @ m @ v - np.eye(3)).max() <= 1e-12


def test_complex_generalized_residuals_match_arpack():
    # Eigenvector residuals of eigkit and of ARPACK (SciPy's eigsh) on the
    # same complex Hermitian pencils at tol = 0.  A drifting B-image left
    # eigkit's residuals 2 to 5 times ARPACK's (when it converged at all).
    ratios = []
    for n in (60, 120):
        for seed in range(3):
            a, m = complex_pencil(n, seed)
            wa, va = spla.eigsh(a, k=3, M=m, which="LA", v0=np.ones(n))
            w, v = eigkit.eigsh(a, k=3, M=m, which="LA", rng=seed)
            assert np.allclose(w, np.sort(wa), atol=1e-10)
            ours = pencil_residuals(a, m, w, v).max()
            theirs = pencil_residuals(a, m, wa, va).max()
            assert ours <= 1e-14
            ratios.append(ours / theirs)
    assert np.median(ratios) <= 1.25 and max(ratios) <= 3, ratios


@pytest.mark.parametrize("seed", [3, 5])
def test_kept_ritz_vectors_converge_below_rounding_of_op(seed):
    # Interior (SM) values of a complex Hermitian matrix at tol = 0.  While
    # the couplings of the kept Ritz vectors to the next block were
    # recomputed from OP's products after every restart, the rounding of
    # those products kept the residual estimates near eps ||OP||, the
    # locking threshold, for over a hundred cycles (234 and 238; now 64
    # and 63).
    n = 300
    spread = np.concatenate([np.linspace(-5, -0.5, n // 2), np.linspace(0.3, 6, n - n // 2)])
    a, w_all = random_hermitian(n, np.complex128, seed=seed, spread=spread)
    w, v, info = eigkit.eigsh(a, k=5, which="SM", rng=0, maxiter=120, return_info=True)
    assert info.converged
    assert np.allclose(w, expected(w_all, 5, "SM"), atol=1e-10)
    check_pairs(a, w, v, rtol=1e-13)


@pytest.mark.parametrize("n", [150, 300])
def test_generalized_with_ill_conditioned_m(n):
    # OP = M^-1 A with cond(M) = 1e6: every product carries the solve's
    # error, about 1e-10 relative.  Recomputed couplings of the kept Ritz
    # vectors held the residual estimates there, above the threshold, for
    # hundreds of cycles; ARPACK converges in one or two, and so does eigkit
    # now.
    a, _ = random_hermitian(n, np.complex128, seed=13, spread=np.linspace(1, 10, n))
    q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((n, n)))
    m = (q * np.logspace(-4, 2, n)) @ q.T
    m = ((m + m.T) / 2).astype(np.complex128)
    exact = eigkit.eigvalsh(a, m)
    w, v, info = eigkit.eigsh(a, k=3, M=m, which="LA", rng=0, maxiter=20, return_info=True)
    assert info.converged
    assert np.allclose(w, exact[-3:], rtol=1e-10)
    assert pencil_residuals(a, m, w, v).max() <= 1e-13


def test_no_convergence_message_says_what_happened():
    # Not ARPACK's "ARPACK error -1: ...": eigkit's own solver, its counts.
    pattern = (r"^eigkit Lanczos did not converge: \d of 8 eigenpairs converged after "
               r"2 iterations \(\d+ operator products\)$")
    with pytest.raises(LanczosNoConvergence, match=pattern) as exc_info:
        eigkit.eigsh(laplacian_2d(40), k=8, which="SA", maxiter=2, rng=0)
    err = exc_info.value
    assert "ARPACK" not in str(err)
    assert isinstance(err, spla.ArpackNoConvergence)
    assert f"{err.info.matvecs} operator products" in str(err)
    assert f"{len(err.eigenvalues)} of 8" in str(err)


def test_lm_value_hidden_from_the_start_vector_is_found():
    # v0 orthogonal to the eigenvector of the largest |eigenvalue|, single-
    # vector blocks: the other end converges first and must not be returned
    # instead (rounding and the final verification bring -10 in)
    rng = np.random.default_rng(0)
    n = 300
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    w_all = np.concatenate([[-10.0], np.linspace(-1, 9.5, n - 1)])
    a = (q * w_all) @ q.T
    v0 = q[:, 1:].sum(axis=1)        # no component along it at all
    w, v = eigkit.eigsh(a, k=3, which="LM", v0=v0, block_size=1)
    assert np.allclose(w, expected(np.sort(w_all), 3, "LM"), atol=1e-9)


def test_adaptive_basis_keeps_residuals_and_determinism():
    # The 1-D Laplacian's smallest eigenvalues are close together: the basis
    # starts at ARPACK's size and widens while convergence stalls.  (As an
    # operator: a tridiagonal matrix would take the direct route.)
    n = 400
    lap = spla.aslinearoperator(
        sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n), format="csr"))
    w, v, info = eigkit.eigsh(lap, k=6, which="SA", tol=1e-10, rng=3, return_info=True)
    exact = 2 - 2 * np.cos(np.arange(1, 7) * np.pi / (n + 1))
    assert np.allclose(w, exact, rtol=1e-6, atol=1e-12)
    assert np.linalg.norm(lap @ v - v * w, axis=0).max() <= 1e-9 * 4
    assert np.allclose(v.T @ v, np.eye(6), atol=1e-10)
    w2, v2, info2 = eigkit.eigsh(lap, k=6, which="SA", tol=1e-10, rng=3, return_info=True)
    assert np.array_equal(w, w2) and np.array_equal(v, v2)
    assert info.matvecs == info2.matvecs
    # a fixed ncv is kept as given: more products than the adaptive basis
    _, _, fixed = eigkit.eigsh(lap, k=6, which="SA", tol=1e-10, rng=3, ncv=21,
                               return_info=True)
    assert info.matvecs < fixed.matvecs

