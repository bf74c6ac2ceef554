"""The kernels release the GIL and keep no global state: concurrent calls
give the serial answers.  (Not bit for bit: a BLAS may split its work
differently when several threads call it at once.)"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import eigkit
from matrices import hermitian


def test_concurrent_calls_match_serial():
    mats = [hermitian("random", 120, dt, seed=i)
            for i, dt in enumerate([np.float64, np.complex128, np.float32, np.complex64] * 2)]
    calls = [lambda a=a: eigkit.eigh(a) for a in mats]
    calls += [lambda a=a: eigkit.eigh(a, subset_by_index=[100, 119]) for a in mats]
    calls += [lambda a=a: (eigkit.eigvalsh(a), None) for a in mats]
    serial = [f() for f in calls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda f: f(), calls * 2))
    for (w, v), (wc, vc) in zip(serial * 2, concurrent):
        tol = 1e4 * np.finfo(w.dtype).eps
        assert np.allclose(w, wc, rtol=0, atol=tol * np.abs(w).max())
        if v is not None:
            assert np.allclose(v, vc, rtol=0, atol=tol)


# ---------------------------------------------------------------------------
# The sparse solvers and the tridiagonal ones, 8 threads at once

def _laplacian(m):
    import scipy.sparse as sp
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    return (sp.kron(t, sp.identity(m)) + sp.kron(sp.identity(m), t)).tocsr()


def _same(serial, concurrent, rtol):
    for ref, got in zip(serial, concurrent):
        for r, g in zip(ref, got):
            if r is None:
                continue
            if np.asarray(r).ndim == 2:
                if r.shape[0] < r.shape[1]:  # svds' vh: vectors in rows
                    r, g = r.T, g.T
                # Eigenvectors span the same space (each is unique only up
                # to phase, and within a multiple eigenvalue).
                overlap = np.linalg.norm(np.conj(r).T @ g, axis=0)
                assert np.allclose(overlap, 1, atol=1e-6)
            else:
                assert np.allclose(r, g, rtol=rtol, atol=rtol * np.abs(r).max())


def test_concurrent_sparse_and_tridiagonal_match_serial():
    lap = _laplacian(14)
    herm = hermitian("random", 90, np.complex128, seed=3)
    d, e = np.random.default_rng(0).standard_normal((2, 200))
    calls = [
        lambda: eigkit.eigsh(lap, k=5, which="LA", rng=0),  # k ends between clusters
        lambda: eigkit.eigsh(lap, k=3, sigma=0.0, rng=1),
        lambda: eigkit.eigsh(herm, k=3, which="SA", rng=2),
        lambda: eigkit.svds(lap, k=3, rng=3),
        lambda: eigkit.eigh_tridiagonal(d, e[:-1]),
        lambda: (eigkit.eigvalsh_tridiagonal(d, e[:-1], select="i", select_range=(10, 30)),),
    ]
    serial = [f() for f in calls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda f: f(), calls * 2))
    _same(serial * 2, concurrent, rtol=1e-9)


def test_operator_calling_eigsh_from_eight_threads():
    outer, inner = _laplacian(12), _laplacian(6)
    inner_ref = eigkit.eigsh(inner, k=2, which="LA", rng=0, return_eigenvectors=False)

    def matmat(X):
        # The kernel is re-entered from inside its own operator callback.
        w = eigkit.eigsh(inner, k=2, which="LA", rng=0, return_eigenvectors=False)
        assert np.allclose(w, inner_ref, rtol=1e-12)
        return outer @ X

    from scipy.sparse.linalg import LinearOperator
    op = LinearOperator(outer.shape, matvec=matmat, matmat=matmat, dtype=float)
    serial = eigkit.eigsh(outer, k=3, which="LA", rng=5, return_eigenvectors=False)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(
            lambda _: eigkit.eigsh(op, k=3, which="LA", rng=5, return_eigenvectors=False),
            range(8)))
    for w in results:
        assert np.allclose(w, serial, rtol=1e-12)


def test_single_threaded_blas_two_threads_correct():
    # The speedup of two Python threads with BLAS limited to one thread is
    # measured in benchmarks/bench_threads.py; here only the answers.
    threadpoolctl = pytest.importorskip("threadpoolctl")
    mats = [hermitian("random", 150, np.float64, seed=s) for s in range(4)]
    serial = [eigkit.eigh(a) for a in mats]
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        with ThreadPoolExecutor(max_workers=2) as pool:
            concurrent = list(pool.map(eigkit.eigh, mats))
    _same(serial, concurrent, rtol=1e-10)
