"""Faults: an operator or callback that raises, a KeyboardInterrupt in the
middle of a long eigsh, and non-convergence propagate their exception,
leak nothing and leave no state behind (the next call gives the normal
answer); and many repeated calls do not grow the process."""
import gc
import os
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

import eigkit
from eigkit.sparse import LanczosNoConvergence

SANITIZED = bool(os.environ.get("EIGKIT_SANITIZED"))


def _laplacian(m):
    """2-D Laplacian on an m x m grid: clustered spectrum, slow to converge."""
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    return (sp.kron(t, sp.identity(m)) + sp.kron(sp.identity(m), t)).tocsr()


A = _laplacian(20)
REFERENCE = np.linalg.eigvalsh(A.toarray())


class Boom(Exception):
    pass


def _failing_after(calls, exc, op=A):
    """An operator that works `calls` times, then raises `exc` (and the
    list holding its call count)."""
    count = [0]

    def matmat(X):
        count[0] += 1
        if count[0] > calls:
            raise exc
        return op @ X if X is not None else None
    return LinearOperator(op.shape, matvec=matmat, matmat=matmat, rmatvec=matmat,
                          rmatmat=matmat, dtype=float), count


def _assert_next_call_works():
    w = eigkit.eigsh(A, k=4, which="LA", rng=0, return_eigenvectors=False)
    assert np.allclose(np.sort(w), REFERENCE[-4:], rtol=1e-10)
    s = eigkit.svds(A, k=2, rng=0, return_singular_vectors=False)
    assert np.allclose(np.sort(s), REFERENCE[-2:], rtol=1e-10)


@pytest.mark.parametrize("calls", [0, 1, 5])
@pytest.mark.parametrize("role", ["A", "M", "OPinv", "callback", "svds"])
def test_raising_operator_propagates(role, calls):
    op, count = _failing_after(calls, Boom("from the operator"))
    ident, _ = _failing_after(calls, Boom("from M"), op=sp.identity(A.shape[0], format="csr"))
    run = {
        "A": lambda: eigkit.eigsh(op, k=4, rng=0),
        "M": lambda: eigkit.eigsh(A, k=4, M=ident, Minv=ident, rng=0),
        "OPinv": lambda: eigkit.eigsh(A, k=4, sigma=0.0, OPinv=op, rng=0),
        "callback": lambda: eigkit.eigsh(A, k=4, rng=0, callback=lambda *a: op._matmat(None)),
        "svds": lambda: eigkit.svds(op, k=2, rng=0),
    }[role]
    with pytest.raises(Boom):
        run()
    _assert_next_call_works()


def test_keyboard_interrupt_during_long_eigsh():
    # 40 x 40 grid, k = 20 smallest: hundreds of operator calls; interrupt
    # after 30 of them, as a Ctrl-C arriving inside the user's operator.
    big = _laplacian(40)
    op, count = _failing_after(30, KeyboardInterrupt(), op=big)
    with pytest.raises(KeyboardInterrupt):
        eigkit.eigsh(op, k=20, which="SA", rng=0)
    assert count[0] == 31
    _assert_next_call_works()


def test_keyboard_interrupt_from_callback():
    def callback(it, values, residuals):
        if it == 2:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        eigkit.eigsh(_laplacian(40), k=20, which="SA", rng=0, callback=callback)
    _assert_next_call_works()


def test_non_convergence_then_normal_call():
    for _ in range(3):
        with pytest.raises(LanczosNoConvergence) as info:
            eigkit.eigsh(_laplacian(40), k=10, which="SA", maxiter=2, rng=0)
        err = info.value
        assert err.eigenvectors.shape == (1600, len(err.eigenvalues))
        assert not err.info.converged
    _assert_next_call_works()


def test_dense_failure_then_normal_call():
    a = np.eye(6)
    with pytest.raises(np.linalg.LinAlgError):
        eigkit.eigh(a, -a)                       # b not positive definite
    with pytest.raises(np.linalg.LinAlgError):
        eigkit.eigh(np.full((6, 6), np.nan), check_finite=False)
    w = eigkit.eigh(np.diag(np.arange(6.0)), eigvals_only=True)
    assert np.array_equal(w, np.arange(6.0))


# ---------------------------------------------------------------------------
# Memory: repeated calls, including failing ones, do not grow the process

def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _growth(call, repeats=2000, warmup=200):
    for _ in range(warmup):
        call()
    gc.collect()
    before = _rss_bytes()
    for _ in range(repeats):
        call()
    gc.collect()
    return _rss_bytes() - before


def _raises(call, exc):
    def run():
        try:
            call()
        except exc:
            return
        raise AssertionError("expected an exception")
    return run


SMALL = np.random.default_rng(0).standard_normal((12, 12))
SMALL = SMALL + SMALL.T
SMALL_SPARSE = _laplacian(4)
def _fresh_raising():
    return eigkit.eigsh(_failing_after(0, Boom("fault"), op=SMALL_SPARSE)[0], k=2, rng=0)


REPEATED = {
    "eigh": lambda: eigkit.eigh(SMALL),
    "eigh-complex-subset": lambda: eigkit.eigh(SMALL + 1j * np.triu(SMALL, 1),
                                               subset_by_index=[0, 3]),
    "eigh-generalized": lambda: eigkit.eigh(SMALL, np.eye(12) * 2),
    "eigvalsh": lambda: eigkit.eigvalsh(SMALL),
    "eigh_tridiagonal": lambda: eigkit.eigh_tridiagonal(np.diag(SMALL), np.diag(SMALL, 1)),
    "eigvalsh_tridiagonal": lambda: eigkit.eigvalsh_tridiagonal(
        np.diag(SMALL), np.diag(SMALL, 1), select="i", select_range=(0, 3)),
    "eigsh": lambda: eigkit.eigsh(SMALL_SPARSE, k=2, rng=0),
    "svds": lambda: eigkit.svds(SMALL_SPARSE, k=2, rng=0),
    "eigsh-raising-operator": _raises(_fresh_raising, Boom),
    "eigsh-no-convergence": _raises(lambda: eigkit.eigsh(SMALL_SPARSE, k=3, ncv=4, maxiter=1,
                                                         tol=1e-300, rng=0), LanczosNoConvergence),
    "eigh-bad-input": _raises(lambda: eigkit.eigh(SMALL[:, :5]), ValueError),
}


@pytest.mark.skipif(SANITIZED, reason="ASan's quarantine grows the process by design")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
@pytest.mark.parametrize("name", list(REPEATED))
def test_repeated_calls_do_not_grow_memory(name):
    growth = _growth(REPEATED[name])
    assert growth < 2 * 2**20, f"{name}: RSS grew by {growth / 2**20:.1f} MiB over 2000 calls"
