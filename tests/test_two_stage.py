"""The two-stage eigenvalues-only path (band reduction, bulge chasing):
its kernels alone, and eigvalsh through it on LAPACK's hard matrices.

eigvalsh takes this path from the tunable two_stage_min_order on; the
tests lower that order so that small matrices (and bandwidths around their
order: n < b, n = b, n = b + 1) exercise it.
"""
import numpy as np
import pytest
import scipy.linalg as sla

import eigkit
from eigkit._kernels import _testing, dense as dense_kernels
from matrices import DENSE_KINDS, DTYPES, hermitian, real_dtype, ulp
from test_dense import THRESHOLD, assert_eigvalsh_accurate, reference_eigenvalues

ids = {"ids": lambda t: np.dtype(t).name}
pytestmark = pytest.mark.usefixtures("single_threaded_blas")


@pytest.fixture
def two_stage(tune):
    """eigvalsh through the two-stage path at every order; the fixture's
    value sets the bandwidth."""
    tune(two_stage_min_order=0)

    def set_bandwidth(b):
        tune(two_stage_bandwidth=b)
    return set_bandwidth


def random_band(n, b, dtype, rng):
    """A Hermitian band matrix of bandwidth b with random entries."""
    a = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal((n, n))
    a = np.triu(np.tril(a, b), -b)
    return ((a + a.conj().T) / 2).astype(dtype)


def wide(a):
    return a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)


def tridiagonal_eigenvalues(d, e):
    return sla.eigvalsh_tridiagonal(d.astype(np.float64), e.astype(np.float64))


# ---------------------------------------------------------------------------
# The kernels alone

@pytest.mark.parametrize("dtype", DTYPES, **ids)
@pytest.mark.parametrize("n, b", [(1, 3), (2, 3), (3, 3), (4, 3), (9, 8), (40, 1), (40, 2),
                                  (57, 5), (100, 16), (131, 32)])
def test_bulge_chasing_keeps_the_eigenvalues(n, b, dtype):
    rng = np.random.default_rng(n + b)
    a = random_band(n, b, dtype, rng)
    # the other triangle and everything below the band must not be read
    poisoned = np.asfortranarray(np.where(np.tril(np.ones((n, n)), -b - 1) + np.triu(np.ones((n, n)), 1),
                                          np.nan, a).astype(dtype))
    d, e = _testing.band_to_tridiagonal(poisoned, b)
    assert d.dtype == real_dtype(dtype) and d.shape == (n,) and e.shape == (max(n - 1, 0),)
    ref = np.linalg.eigvalsh(wide(a))
    scale = max(np.abs(ref).max(), 1.0)
    err = np.abs(tridiagonal_eigenvalues(d, e) - ref).max() / (scale * n * ulp(dtype))
    assert err < THRESHOLD


@pytest.mark.parametrize("dtype", DTYPES, **ids)
@pytest.mark.parametrize("n, b", [(1, 4), (5, 4), (6, 4), (40, 4), (64, 16), (131, 32), (50, 49)])
def test_band_reduction_keeps_the_eigenvalues(n, b, dtype):
    a = hermitian("random", n, dtype, seed=n)
    work = np.asfortranarray(a.copy())
    _testing.band_reduce(work, b)
    band = np.triu(np.tril(work), -b)
    band = band + np.tril(band, -1).conj().T
    ref = np.linalg.eigvalsh(wide(a))
    err = np.abs(np.linalg.eigvalsh(wide(band)) - ref).max() / (np.abs(ref).max() * n * ulp(dtype))
    assert err < THRESHOLD
    # the band form is what stage 2 then reduces
    d, e = _testing.band_to_tridiagonal(work, b)
    err = np.abs(tridiagonal_eigenvalues(d, e) - ref).max() / (np.abs(ref).max() * n * ulp(dtype))
    assert err < THRESHOLD


@pytest.mark.parametrize("dtype", [np.float64, np.complex64], **ids)
@pytest.mark.parametrize("nthreads", [2, 3])
def test_pipelined_sweeps_match_one_thread(nthreads, dtype):
    """Threads chasing successive sweeps perform every update in the serial
    order: the tridiagonal comes out bit for bit the same."""
    n, b = 600, 6
    a = np.asfortranarray(random_band(n, b, dtype, np.random.default_rng(0)))
    d1, e1 = _testing.band_to_tridiagonal(a, b, 1)
    dt, et = _testing.band_to_tridiagonal(a, b, nthreads)
    assert np.array_equal(d1, dt) and np.array_equal(e1, et)
    ref = np.linalg.eigvalsh(wide(a))
    assert np.abs(tridiagonal_eigenvalues(dt, et) - ref).max() < 100 * n * ulp(dtype) * np.abs(ref).max()


def test_band_reduction_rejects_bad_bandwidth():
    with pytest.raises(RuntimeError):
        _testing.band_reduce(np.asfortranarray(np.eye(5)), 0)


# ---------------------------------------------------------------------------
# eigvalsh through the two-stage path

@pytest.mark.parametrize("dtype", DTYPES, **ids)
@pytest.mark.parametrize("kind", DENSE_KINDS)
@pytest.mark.parametrize("n, b", [(1, 8), (7, 8), (8, 8), (9, 8), (70, 8), (131, 0)])
def test_eigenvalues_lapack_ratios(two_stage, kind, n, b, dtype):
    two_stage(b)
    assert_eigvalsh_accurate(hermitian(kind, n, dtype, seed=3 * n), dtype)


@pytest.mark.parametrize("dtype", DTYPES, **ids)
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_default_bandwidth_edges_agree_with_numpy(two_stage, offset, dtype):
    two_stage(0)
    n = dense_kernels.TWO_STAGE_BAND + offset
    a = hermitian("random", n, dtype, seed=n)
    w = eigkit.eigh(a, eigvals_only=True)
    ref = np.linalg.eigvalsh(a)
    assert np.abs(w - ref).max() / (np.abs(ref).max() * n * ulp(dtype)) < THRESHOLD


@pytest.mark.parametrize("dtype", DTYPES, **ids)
def test_subsets(two_stage, dtype):
    two_stage(8)
    n = 90
    a = hermitian("clustered", n, dtype, seed=4)
    full = reference_eigenvalues(a)
    scale = float(np.abs(full).max())
    for lo, hi in [(n - 10, n - 1), (0, 4), (17, 17), (0, n - 1)]:
        w = eigkit.eigvalsh(a, subset_by_index=[lo, hi])
        assert np.abs(w - full[lo:hi + 1]).max() / (scale * n * ulp(dtype)) < THRESHOLD
    rng = np.random.default_rng(5)
    w_true = np.sort(rng.uniform(-10, 10, n))
    from matrices import with_spectrum
    b = with_spectrum(w_true, dtype, rng)
    lo, hi = (w_true[9] + w_true[10]) / 2, (w_true[29] + w_true[30]) / 2
    w = eigkit.eigvalsh(b, subset_by_value=[lo, hi])
    assert np.allclose(w, w_true[10:30], atol=1000 * n * ulp(dtype))
    assert eigkit.eigvalsh(b, subset_by_value=[100, 200]).shape == (0,)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64], **ids)
def test_generalized(two_stage, dtype):
    two_stage(8)
    n = 40
    a = hermitian("random", n, dtype, seed=1)
    b = hermitian("posdef", n, dtype, seed=2)
    ref = sla.eigh(a, b, eigvals_only=True)
    w = eigkit.eigvalsh(a, b)
    assert np.allclose(w, ref, atol=1e3 * n * ulp(dtype) * np.abs(ref).max())


@pytest.mark.parametrize("overwrite", [False, True])
def test_input_not_modified_unless_allowed(two_stage, overwrite):
    two_stage(8)
    a = np.asfortranarray(hermitian("random", 50, np.float64, seed=9))
    keep = a.copy()
    w = eigkit.eigvalsh(a, overwrite_a=overwrite)
    assert np.allclose(w, np.linalg.eigvalsh(keep))
    if not overwrite:
        assert np.array_equal(a, keep)


def test_nan_without_check_does_not_hang(two_stage):
    two_stage(4)
    a = hermitian("random", 20, np.float64, seed=1)
    a[7, 3] = a[3, 7] = np.nan
    try:
        w = eigkit.eigvalsh(a, check_finite=False)
    except np.linalg.LinAlgError:
        return
    assert np.isnan(w).any()


def test_dispatch_by_order(two_stage_calls, tune):
    """From the crossover order on, eigenvalues only (never vectors) take
    the two-stage path."""
    calls = two_stage_calls
    tune(two_stage_min_order=20, batched_max_order=0)   # not the batched kernel's orders
    a = hermitian("random", 20, np.float64, seed=2)
    eigkit.eigvalsh(a[:19, :19])
    eigkit.eigh(a)
    assert calls == []
    eigkit.eigvalsh(a)
    eigkit.eigh(a, eigvals_only=True, subset_by_index=[0, 2])
    assert calls == [20, 20]
