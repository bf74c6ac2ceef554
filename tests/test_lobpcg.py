"""eigkit.lobpcg: agreement with LAPACK, SciPy's interface, and the failure
modes reported against SciPy's lobpcg, each of which must end in the right
pairs or in a warning / exception, never in silently wrong pairs."""
import threading
import warnings

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

import eigkit
from eigkit import LobpcgNoConvergence, lobpcg

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _tol(dtype):
    return 1e-3 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-8


def _poisson2d(m):
    t = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m))
    return sp.csr_array(sp.kron(t, sp.identity(m)) + sp.kron(sp.identity(m), t))


def _random_hermitian(n, dtype, rng):
    a = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal((n, n))
    return ((a + a.conj().T) / 2).astype(dtype)


def _check_pairs(A, B, w, v, expected, rtol):
    """Eigenvalues agree with LAPACK's, residuals are small, the vectors
    are B-orthonormal."""
    A = A.toarray() if sp.issparse(A) else np.asarray(A)
    Bm = np.eye(A.shape[0]) if B is None else (B.toarray() if sp.issparse(B) else B)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(w, expected, atol=rtol * scale)
    res = np.linalg.norm(A @ v - (Bm @ v) * w, axis=0)
    assert res.max() <= 10 * rtol * scale
    gram = v.conj().T @ Bm @ v
    np.testing.assert_allclose(gram, np.eye(v.shape[1]), atol=10 * rtol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("largest", [True, False])
def test_agrees_with_lapack(dtype, largest):
    rng = np.random.default_rng(1)
    n, k = 80, 3
    A = _random_hermitian(n, dtype, rng)
    X = rng.standard_normal((n, k)).astype(dtype)
    w, v = lobpcg(A, X, largest=largest, maxiter=400, tol=_tol(dtype) * 10)
    ref = scipy.linalg.eigvalsh(A.astype(np.complex128 if A.dtype.kind == "c" else np.float64))
    expected = ref[::-1][:k] if largest else ref[:k]
    assert v.dtype == dtype and w.shape == (k,) and v.shape == (n, k)
    _check_pairs(A, None, w, v, expected, 20 * _tol(dtype))


@pytest.mark.parametrize("form", ["dense", "sparse", "operator", "callable"])
def test_generalized_with_preconditioner_and_constraints(form):
    rng = np.random.default_rng(2)
    A = sp.lil_array(_poisson2d(12) + sp.diags(rng.uniform(0, 0.1, 144)))  # no multiple values
    n = A.shape[0]
    # the constraints span an invariant subspace of the pencil (as an
    # eigenspace found before would): nodes 0 and 1 decoupled
    A[0, :], A[:, 0], A[1, :], A[:, 1] = 0, 0, 0, 0
    A[0, 0], A[1, 1] = 0.001, 0.002
    A = sp.csr_array(A)
    mass = sp.diags(rng.uniform(1, 2, n)).tocsr()
    M = sp.diags(1 / A.diagonal())
    Y = np.eye(n, 2)

    def wrap(op):
        if form == "dense":
            return op.toarray()
        if form == "operator":
            return LinearOperator(op.shape, matvec=lambda x: op @ x, matmat=lambda x: op @ x,
                                  dtype=op.dtype)
        if form == "callable":
            return lambda x: op @ x
        return op

    X = rng.standard_normal((n, 4))
    w, v = lobpcg(wrap(A), X, B=wrap(mass), M=wrap(M), Y=Y, largest=False, maxiter=300,
                  tol=1e-9)
    # the reference: the pencil restricted to the B-orthogonal complement of Y
    Q = scipy.linalg.null_space((mass @ Y).T)
    ref = scipy.linalg.eigh(Q.T @ A.toarray() @ Q, Q.T @ mass.toarray() @ Q,
                            eigvals_only=True)[:4]
    _check_pairs(A, mass.toarray(), w, v, ref, 1e-8)
    assert np.abs(Y.T @ (mass @ v)).max() < 1e-10


def test_preconditioner_cuts_iterations():
    """A Jacobi preconditioner on a matrix with a widely varying diagonal:
    tens of iterations where 200 do not suffice without (PRIMME's
    comparison)."""
    rng = np.random.default_rng(3)
    n = 2000
    d = np.arange(1.0, n + 1) ** 2
    A = sp.diags(d) + sp.diags([0.1 * np.ones(n - 1)] * 2, [-1, 1])
    X = rng.standard_normal((n, 4))
    with pytest.warns(LobpcgNoConvergence):
        lobpcg(A, X, largest=False, tol=1e-8, maxiter=200)
    w, _, res_h = lobpcg(A, X, M=sp.diags(1 / d), largest=False, tol=1e-8, maxiter=200,
                         retResidualNormsHistory=True)
    assert len(res_h) < 40
    np.testing.assert_allclose(w, scipy.linalg.eigvalsh(A.toarray())[:4], rtol=1e-9)


# ---------------------------------------------------------------------------
# Failure modes reported against SciPy's lobpcg

def _right_or_warned(run, expected, rtol):
    """Either the pairs are right, or a LobpcgNoConvergence warning said so."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w, v = run()
    flagged = [c for c in caught if issubclass(c.category, LobpcgNoConvergence)]
    if not flagged:
        np.testing.assert_allclose(np.sort(w), np.sort(expected),
                                   atol=rtol * np.abs(expected).max())
    else:
        assert flagged[0].message.eigenvalues is not None
    return w, v, bool(flagged)


def test_clustered_spectrum():
    rng = np.random.default_rng(4)
    n = 300
    d = np.concatenate([1 + 1e-9 * np.arange(6), np.linspace(2, 10, n - 6)])
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * d) @ Q.T
    X = rng.standard_normal((n, 6))
    _, v, flagged = _right_or_warned(
        lambda: lobpcg(A, X, largest=False, tol=1e-8, maxiter=200), d[:6], 1e-8)
    assert not flagged
    # the cluster's invariant subspace, not just its values
    basis = Q[:, :6]
    assert np.linalg.norm(v - basis @ (basis.T @ v)) < 1e-6


@pytest.mark.parametrize("kind", ["duplicate", "zero", "rank_one"])
def test_rank_deficient_start_block(kind):
    """SciPy raises 'Linearly dependent initial approximations'; eigkit
    replaces the dependent columns and converges."""
    rng = np.random.default_rng(5)
    A = _poisson2d(15)
    n = A.shape[0]
    X = rng.standard_normal((n, 4))
    if kind == "duplicate":
        X[:, 2] = X[:, 0]
    elif kind == "zero":
        X[:, 1] = 0
    else:
        X = np.outer(X[:, 0], np.ones(4))
    w, v = lobpcg(A, X, largest=False, tol=1e-9, maxiter=500)
    _check_pairs(A, None, w, v, scipy.linalg.eigvalsh(A.toarray())[:4], 1e-8)


def test_barely_positive_definite_b():
    """B with condition number 1e12: the right pairs, or a warning."""
    rng = np.random.default_rng(6)
    n = 200
    A = _poisson2d(10).toarray() + np.diag(np.linspace(0, 1, 100))
    A = A[:n, :n] if A.shape[0] >= n else A
    n = A.shape[0]
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    B = (Q * np.geomspace(1e-12, 1, n)) @ Q.T
    B = (B + B.T) / 2
    X = rng.standard_normal((n, 3))
    expected = scipy.linalg.eigh(A, B, eigvals_only=True)[::-1][:3]
    try:
        w, v, flagged = _right_or_warned(lambda: lobpcg(A, X, B=B, maxiter=300), expected,
                                         1e-6)
    except ValueError as exc:   # B found not positive definite on the basis
        assert "positive definite" in str(exc)


@pytest.mark.parametrize("n, k", [(6, 3), (10, 2), (15, 3)])
def test_tiny_problem_large_block(n, k):
    rng = np.random.default_rng(7)
    A = _random_hermitian(n, np.float64, rng)
    X = rng.standard_normal((n, k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        w, v = lobpcg(A, X, largest=False, tol=1e-10, maxiter=200)
    _check_pairs(A, None, w, v, np.linalg.eigvalsh(A)[:k], 1e-8)


def test_tiny_problem_with_constraints():
    """SciPy raises NotImplementedError here; eigkit solves in the complement."""
    A = np.diag(np.arange(1.0, 9.0))
    with pytest.warns(UserWarning, match="The problem size"):
        w, v = lobpcg(A, np.ones((8, 2)), Y=np.eye(8, 2), largest=False)
    np.testing.assert_allclose(w, [3, 4])


def test_no_convergence_warns_with_the_pairs():
    A = _poisson2d(20)
    X = np.random.default_rng(8).standard_normal((A.shape[0], 3))
    with pytest.warns(LobpcgNoConvergence, match="Exited at iteration") as record:
        w, v = lobpcg(A, X, largest=False, tol=1e-12, maxiter=3)
    warning = record[0].message
    np.testing.assert_array_equal(warning.eigenvalues, w)
    assert warning.residual_norms.max() > 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error", LobpcgNoConvergence)
        with pytest.raises(LobpcgNoConvergence):
            lobpcg(A, X, largest=False, tol=1e-12, maxiter=3)


# ---------------------------------------------------------------------------
# Interface

def test_histories_have_scipys_shape():
    A = sp.diags(-np.arange(1.0, 51.0))
    X = np.random.default_rng(9).standard_normal((50, 4))
    for maxiter in (1, 2, 3):
        with pytest.warns(UserWarning, match="Exited at iteration"):
            w, _, lh, rh = lobpcg(A, X, tol=1e-8, maxiter=maxiter, retLambdaHistory=True,
                                  retResidualNormsHistory=True)
        assert isinstance(lh, list) and len(lh) == len(rh) <= maxiter + 3
        np.testing.assert_array_equal(lh[-1], w)


def test_bad_input():
    A = np.diag(np.arange(1.0, 31.0))
    with pytest.raises(ValueError, match="cannot be None"):
        lobpcg(A, None)
    with pytest.raises(ValueError, match="rank-2"):
        lobpcg(A, np.ones(30))
    with pytest.raises(ValueError, match="Linearly dependent constraints"):
        lobpcg(A, np.random.default_rng(0).standard_normal((30, 2)),
               Y=np.ones((30, 2)))
    with pytest.raises(ValueError, match="shape"):
        lobpcg(lambda x: x[:-1], np.ones((30, 2)) + np.eye(30, 2))
    with pytest.raises(ValueError, match="NaN"):
        lobpcg(lambda x: x * np.nan, np.eye(30, 2))


def test_inputs_untouched_and_deterministic():
    rng = np.random.default_rng(10)
    A = _poisson2d(10)
    X = rng.standard_normal((100, 3))
    X[:, 2] = X[:, 1]        # a dependent column: random replacements come in
    Y = np.linalg.eigh(A.toarray())[1][:, :1]
    X0, Y0 = X.copy(), Y.copy()
    w1, v1 = lobpcg(A, X, Y=Y, largest=False, maxiter=300)
    w2, v2 = lobpcg(A, X, Y=Y, largest=False, maxiter=300)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(v1, v2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_operator_blocks_and_result_layouts(dtype):
    """The operators get C-ordered copies of the kernel's blocks (writing
    into one changes nothing), and a result in Fortran order, read-only or
    in another dtype is stored as the same block: the pairs are bit for bit
    those of the sparse matrix itself, or agree to rounding for a cast."""
    rng = np.random.default_rng(11)
    A = _poisson2d(12).astype(dtype)
    X = rng.standard_normal((A.shape[0], 3)).astype(dtype)
    kw = dict(largest=False, tol=10 * _tol(dtype), maxiter=200)
    w_ref, v_ref = lobpcg(A, X, **kw)
    ordered = []

    def scribbling(x):
        ordered.append(x.flags.c_contiguous)
        y = A @ x
        x[:] = np.nan             # the solve must not see this
        return y

    def read_only(x):
        y = A @ x
        y.flags.writeable = False
        return y

    layouts = {"C, scribbled": scribbling,
               "Fortran": lambda x: np.asfortranarray(A @ x),
               "read-only": read_only}
    for name, op in layouts.items():
        w, v = lobpcg(op, X, **kw)
        np.testing.assert_array_equal(w, w_ref, err_msg=name)
        np.testing.assert_array_equal(v, v_ref, err_msg=name)
    assert ordered and all(ordered)
    wider = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
    w, v = lobpcg(lambda x: (A @ x).astype(wider), X, **kw)
    np.testing.assert_allclose(w, w_ref, rtol=10 * _tol(dtype))


def test_operator_exception_propagates():
    calls = [0]

    def A(x):
        calls[0] += 1
        if calls[0] == 3:
            raise KeyboardInterrupt
        return x * np.arange(1.0, 41.0)[:, None]

    with pytest.raises(KeyboardInterrupt):
        lobpcg(A, np.eye(40, 2) + 0.1)


def test_reentrant_and_threads():
    A = _poisson2d(12)
    n = A.shape[0]
    ref = scipy.linalg.eigvalsh(A.toarray())[:2]

    def nested(x):   # an operator that itself runs a solve
        lobpcg(A, np.eye(n, 1) + 0.01, largest=False, maxiter=5)
        return A @ x

    results = []

    def run():
        results.append(lobpcg(nested, np.eye(n, 2) + 0.01, largest=False, tol=1e-9,
                              maxiter=300)[0])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LobpcgNoConvergence)
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 2
    for w in results:
        np.testing.assert_allclose(w, ref, rtol=1e-8)


def test_patch_scipy_swaps_lobpcg():
    import scipy.sparse.linalg
    original = scipy.sparse.linalg.lobpcg
    with eigkit.patch_scipy("lobpcg"):
        assert scipy.sparse.linalg.lobpcg is eigkit.lobpcg
    assert scipy.sparse.linalg.lobpcg is original


@pytest.mark.parametrize("which", ["LM", "SM"])
def test_svds_lobpcg(which):
    rng = np.random.default_rng(11)
    a = rng.standard_normal((300, 60))
    s_ref = np.linalg.svd(a, compute_uv=False)
    u, s, vh = eigkit.svds(a, k=4, which=which, solver="lobpcg", rng=0)
    expected = s_ref[:4][::-1] if which == "LM" else s_ref[-4:][::-1]
    np.testing.assert_allclose(np.sort(s), np.sort(expected), rtol=1e-8)
    np.testing.assert_allclose(a @ vh.T, u * s, atol=1e-8)


def test_spectral_embedding_amg_matches_lanczos():
    """eigen_solver='amg' (pyamg-preconditioned LOBPCG) spans the same
    eigenvectors as the Lanczos path, on a graph above the dense cutoff."""
    pytest.importorskip("pyamg")
    pytest.importorskip("sklearn")
    from sklearn.neighbors import kneighbors_graph

    X = np.random.default_rng(12).standard_normal((1500, 3))
    graph = kneighbors_graph(X, 10, include_self=True)
    affinity = 0.5 * (graph + graph.T)
    embed = {solver: eigkit.SpectralEmbedding(n_components=4, affinity="precomputed",
                                              eigen_solver=solver, random_state=0)
             .fit_transform(affinity) for solver in ("arpack", "amg")}
    q_ref, _ = np.linalg.qr(embed["arpack"])
    q_amg, _ = np.linalg.qr(embed["amg"])
    cosines = np.linalg.svd(q_ref.T @ q_amg, compute_uv=False)
    assert cosines.min() > 1 - 1e-6
