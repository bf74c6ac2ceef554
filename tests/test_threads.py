"""The kernels release the GIL and keep no global state: concurrent calls
give the serial answers.  (Not bit for bit: a BLAS may split its work
differently when several threads call it at once.)"""
import subprocess
import sys
import threading
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


# ---------------------------------------------------------------------------
# The thread count of eigkit's own kernels: runtime API, environment,
# threadpoolctl

from eigkit import _threads  # noqa: E402
from eigkit._kernels import dense as _dense_kernels  # noqa: E402

TWO_CPUS = pytest.mark.skipif(_threads.usable_cpus() < 2, reason="needs 2 usable CPUs")


@pytest.fixture
def kernel_thread_counts(monkeypatch):
    """The thread counts eigkit.eigvalsh passes to the dense kernel, which
    hands them to the C fork-join, in call order."""
    counts = []
    real_kernel = _dense_kernels.symmetric_eigen

    def spy(*args):
        counts.append(args[-1])
        return real_kernel(*args)
    monkeypatch.setattr(_dense_kernels, "symmetric_eigen", spy)
    return counts


@pytest.fixture
def clean_thread_settings(monkeypatch):
    for var in _threads.THREAD_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    previous = eigkit.set_num_threads(None)
    yield
    eigkit.set_num_threads(previous)


def _eigvalsh_small():
    return eigkit.eigvalsh(hermitian("random", 120, np.float64, seed=0))


def test_default_is_every_usable_cpu(clean_thread_settings, kernel_thread_counts):
    _eigvalsh_small()
    assert kernel_thread_counts == [_threads.usable_cpus()] == [eigkit.get_num_threads()]


def test_environment_caps_the_count(clean_thread_settings, monkeypatch, kernel_thread_counts):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert eigkit.get_num_threads() == 1
    monkeypatch.setenv("EIGKIT_NUM_THREADS", "64")   # first variable set wins, capped
    assert eigkit.get_num_threads() == _threads.usable_cpus()
    monkeypatch.setenv("EIGKIT_NUM_THREADS", "1")
    _eigvalsh_small()
    assert kernel_thread_counts == [1]


def test_set_num_threads_is_process_wide(clean_thread_settings, kernel_thread_counts):
    assert eigkit.set_num_threads(1) is None
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            seen = list(pool.map(lambda _: eigkit.get_num_threads(), range(4)))
        _eigvalsh_small()
    finally:
        assert eigkit.set_num_threads(None) == 1
    assert seen == [1] * 4 and kernel_thread_counts == [1]
    assert eigkit.get_num_threads() == _threads.usable_cpus()


@TWO_CPUS
def test_num_threads_block_is_per_thread(clean_thread_settings, kernel_thread_counts):
    eigkit.set_num_threads(2)
    with eigkit.num_threads(1):
        _eigvalsh_small()
        with ThreadPoolExecutor(max_workers=1) as pool:   # a thread outside the block
            other = pool.submit(eigkit.get_num_threads).result()
        with eigkit.num_threads(2):                        # blocks nest
            inner = eigkit.get_num_threads()
        assert eigkit.get_num_threads() == 1
    assert kernel_thread_counts == [1] and other == 2 and inner == 2
    assert eigkit.get_num_threads() == 2


def test_num_threads_blocks_in_threads_do_not_fight(clean_thread_settings):
    barrier = threading.Barrier(4)

    def hold(n):
        with eigkit.num_threads(n):
            barrier.wait()     # all four blocks are open at once
            mine = eigkit.get_num_threads()
            barrier.wait()
        return mine
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(hold, [1, 2, 1, 2]))
    assert seen == [min(n, _threads.usable_cpus()) for n in (1, 2, 1, 2)]


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                      ("2", TypeError), (True, TypeError)])
def test_bad_thread_counts(bad, exc):
    with pytest.raises(exc, match="number of threads"):
        eigkit.set_num_threads(bad)
    with pytest.raises(exc, match="number of threads"):
        with eigkit.num_threads(bad):
            pass


def test_threadpool_info_lists_eigkit(clean_thread_settings):
    threadpoolctl = pytest.importorskip("threadpoolctl", minversion="3.2")
    ours = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "eigkit"]
    assert len(ours) == 1
    assert "eigkit_kernels" in ours[0]["filepath"]
    assert ours[0]["num_threads"] == eigkit.get_num_threads()
    assert ours[0]["version"] == eigkit.__version__


@TWO_CPUS
def test_threadpool_limits_reaches_the_kernels(clean_thread_settings, kernel_thread_counts):
    threadpoolctl = pytest.importorskip("threadpoolctl", minversion="3.2")
    with threadpoolctl.threadpool_limits(1):
        _eigvalsh_small()
        # process-wide: the threads the block starts are limited too
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _: _eigvalsh_small(), range(2)))
        info = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "eigkit"]
    with threadpoolctl.threadpool_limits(limits={"eigkit": 2}):
        _eigvalsh_small()
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):   # BLAS only
        _eigvalsh_small()
    _eigvalsh_small()
    every = _threads.usable_cpus()
    assert kernel_thread_counts == [1, 1, 1, 2, every, every]
    assert info[0]["num_threads"] == 1


@TWO_CPUS
def test_threadpool_limits_leaves_the_environment_in_charge(clean_thread_settings,
                                                          monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl", minversion="3.2")
    with threadpoolctl.threadpool_limits(1):
        assert eigkit.get_num_threads() == 1
    monkeypatch.setenv("EIGKIT_NUM_THREADS", "1")
    assert eigkit.get_num_threads() == 1
    eigkit.set_num_threads(2)    # an explicit setting is restored as it was
    with threadpoolctl.threadpool_limits(1):
        pass
    assert eigkit.get_num_threads() == 2


def test_works_without_threadpoolctl():
    code = ("import sys; sys.modules['threadpoolctl'] = None\n"
            "import numpy as np, eigkit\n"
            "with eigkit.num_threads(1):\n"
            "    w = eigkit.eigvalsh(np.diag([2.0, 1.0]))\n"
            "assert w.tolist() == [1.0, 2.0] and eigkit.get_num_threads() >= 1\n"
            "assert not eigkit._threads.register_threadpoolctl()\n")
    subprocess.run([sys.executable, "-c", code], check=True)
