"""eigh's subsets at one end of the spectrum by block Lanczos
(eigkit._linalg.krylov_subset): the pairs it certifies meet LAPACK's test ratios
and agree with numpy.linalg.eigh, multiple eigenvalues keep their
multiplicity, and every case it should not or cannot handle falls back to
the direct solver with the same answer.

The policy's thresholds are lowered so that matrices of order 200-300 take
the Krylov path; a spy on the compiled solve records which path ran.
"""
import numpy as np
import pytest

import eigkit
from eigkit._kernels import krylov as _dense_krylov
from eigkit._linalg import krylov_subset as _krylov_subset
from matrices import (decomposition_ratio, orthogonality_ratio, real_dtype, scale_near, ulp,
                      with_spectrum)

THRESHOLD = 60.0  # LAPACK's threshold for its test ratios
N = 240


@pytest.fixture
def outcomes(monkeypatch, tune, single_threaded_blas):
    """Lower the policy's thresholds to small orders; record the status of
    every compiled Krylov solve."""
    seen = []
    solve = _dense_krylov.extreme_eigenpairs

    def spy(*args, **kwargs):
        result = solve(*args, **kwargs)
        seen.append(_dense_krylov.STATUS[result[0]])
        return result

    monkeypatch.setattr(_krylov_subset._krylov_kernels, "extreme_eigenpairs", spy)
    # the direct solver's cost model is for large orders; allow the work
    tune(krylov_subset_min_order=50, krylov_subset_budget=1e3)
    return seen


def decaying(n, dtype, seed=0, power=1.0, sign=1.0):
    """A covariance-like matrix: eigenvalues sign / j^power in a random
    unitary basis."""
    rng = np.random.default_rng(seed)
    w = sign * (1.0 / np.arange(1, n + 1)) ** power
    return with_spectrum(w, dtype, rng)


def sample_covariance(n, seed=0):
    """X^T X / m for Gaussian X with column scales 1/sqrt(j) (the bench's
    'covariance' matrix)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n + 50, n)) * (1.0 / np.arange(1, n + 1)) ** 0.5
    return x.T @ x / (n + 50)


def reference(a):
    wide = np.complex128 if np.iscomplexobj(a) else np.float64
    return np.linalg.eigh(a.astype(wide))


def check_pairs(a, w, z, lo, hi, dtype):
    """Shapes, dtypes, order, LAPACK's ratios and agreement with NumPy."""
    n, k = a.shape[0], hi - lo + 1
    assert w.shape == (k,) and z.shape == (n, k)
    assert w.dtype == real_dtype(dtype) and z.dtype == np.dtype(dtype)
    assert np.all(np.diff(w) >= 0)
    assert decomposition_ratio(a, w, z, dtype) < THRESHOLD
    assert orthogonality_ratio(z, dtype) < THRESHOLD
    ref_w, ref_z = reference(a)
    scale = np.abs(ref_w).max()
    assert np.abs(w - ref_w[lo:hi + 1]).max() / (scale * n * ulp(dtype)) < THRESHOLD
    # the same invariant subspace as LAPACK's (where the subset ends at a gap)
    below = ref_w[lo - 1] if lo > 0 else -np.inf
    above = ref_w[hi + 1] if hi < n - 1 else np.inf
    gap = min(ref_w[lo] - below, above - ref_w[hi]) / scale
    if gap > 1e-3:
        overlap = np.linalg.svd(ref_z[:, lo:hi + 1].conj().T @ z.astype(ref_z.dtype),
                                compute_uv=False)
        assert overlap.min() > 1 - 1e3 * ulp(dtype) / min(gap, 1.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.complex64],
                         ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("end", ["top", "bottom"])
def test_decaying_spectrum_either_end(outcomes, dtype, end):
    sign = 1.0 if end == "top" else -1.0
    a = decaying(N, dtype, seed=1, sign=sign)
    k = 8
    lo, hi = (N - k, N - 1) if end == "top" else (0, k - 1)
    w, z = eigkit.eigh(a, subset_by_index=[lo, hi])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, lo, hi, dtype)


@pytest.mark.parametrize("k", [1, 3, 10])
def test_sample_covariance_top_k(outcomes, k):
    a = sample_covariance(300, seed=k)
    w, z = eigkit.eigh(a, subset_by_index=[300 - k, 299])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, 300 - k, 299, np.float64)


@pytest.mark.parametrize("copies", [2, 5, 12])
def test_multiple_top_eigenvalue_keeps_its_multiplicity(outcomes, copies):
    # copies of the top eigenvalue, more than the block (8) in the last case
    n, k = N, copies + 2
    w_true = (1.0 / np.arange(1, n + 1)) ** 0.5
    w_true[:copies] = 2.0
    w_true[copies] = 2.0 - 1e-9   # a near copy, then the decaying rest
    a = with_spectrum(w_true, np.float64, np.random.default_rng(copies))
    w, z = eigkit.eigh(a, subset_by_index=[n - k, n - 1])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, n - k, n - 1, np.float64)
    assert np.sum(np.abs(w - 2.0) < 1e-12) == copies


def test_clustered_bottom_eigenvalues(outcomes):
    # a tight cluster of three at the bottom, a second one further up
    n, k = N, 6
    w_true = -(1.0 / np.arange(1, n + 1)) ** 0.5
    w_true[:3] = -3.0 + np.array([0.0, 1e-12, 2e-12])
    w_true[3:5] = -2.5
    a = with_spectrum(w_true, np.complex128, np.random.default_rng(5))
    w, z = eigkit.eigh(a, subset_by_index=[0, k - 1])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, 0, k - 1, np.complex128)


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128], ids=lambda t: np.dtype(t).name)
def test_reads_one_triangle_and_leaves_input_alone(outcomes, lower, order, dtype):
    a = decaying(N, dtype, seed=2)
    given = np.array(a, order=order)
    hidden = np.triu_indices(N, 1) if lower else np.tril_indices(N, -1)
    given[hidden] = np.nan
    before = given.copy()
    w, z = eigkit.eigh(given, lower=lower, check_finite=False, subset_by_index=[N - 5, N - 1])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, N - 5, N - 1, dtype)
    assert np.array_equal(given, before, equal_nan=True)
    assert given.flags.c_contiguous == (order == "C")


def test_values_only_and_stacks(outcomes):
    a = np.stack([decaying(N, np.float64, seed=s) for s in (3, 4)])
    w = eigkit.eigvalsh(a, subset_by_index=[N - 4, N - 1])
    assert outcomes == ["certified", "certified"]
    assert w.shape == (2, 4)
    for wi, ai in zip(w, a):
        ref = np.linalg.eigvalsh(ai)[-4:]
        assert np.abs(wi - ref).max() < THRESHOLD * N * ulp(np.float64)


def test_deterministic(outcomes):
    a = sample_covariance(300, seed=9)
    w1, z1 = eigkit.eigh(a, subset_by_index=[290, 299])
    w2, z2 = eigkit.eigh(a, subset_by_index=[290, 299])
    assert outcomes == ["certified", "certified"]
    assert np.array_equal(w1, w2) and np.array_equal(z1, z2)


def test_flat_spectrum_falls_back_within_budget(outcomes, monkeypatch, tune):
    # a random symmetric matrix: the residuals fall slowly; with a budget
    # of three cycles the solve must give up when the second cycle's
    # prediction comes in (the flatness test, which would skip the try, is
    # switched off)
    tune(krylov_subset_budget=0.3, krylov_subset_cost_per_order=(6.0, 6.0, 6.0, 6.0),
         krylov_subset_max_stable_rank=1e3)
    rng = np.random.default_rng(11)
    g = rng.standard_normal((N, N))
    a = (g + g.T) / 2
    spent = []
    solve = _krylov_subset._krylov_kernels.extreme_eigenpairs

    def counting(*args, **kwargs):
        result = solve(*args, **kwargs)
        spent.append(result[3]["matvecs"])
        return result

    monkeypatch.setattr(_krylov_subset._krylov_kernels, "extreme_eigenpairs", counting)
    w, z = eigkit.eigh(a, subset_by_index=[N - 10, N - 1])
    assert outcomes == ["over budget"]
    assert spent[0] <= 2 * _krylov_subset._basis_size(N, 10, 8)   # two cycles
    check_pairs(a, w, z, N - 10, N - 1, np.float64)


def noise_covariance(n, seed):
    """X^T X / m of Gaussian X with m = 2 n: a Marchenko-Pastur spectrum,
    flat at its top edge."""
    x = np.random.default_rng(seed).standard_normal((2 * n, n))
    return x.T @ x / (2 * n)


@pytest.mark.parametrize("kind", ["random", "noise covariance", "clustered at the cut"])
def test_flat_spectra_skip_the_krylov_try(outcomes, kind):
    # spectra on which block Lanczos needs more products than the direct
    # solver costs: the flatness test sends them to it before any cycle
    rng = np.random.default_rng(12)
    if kind == "random":
        g = rng.standard_normal((N, N))
        a = (g + g.T) / 2
    elif kind == "noise covariance":
        a = noise_covariance(N, 13)
    else:
        a = with_spectrum(np.r_[1 + 1e-3 * np.arange(12), rng.uniform(0, 0.9, N - 12)],
                          np.float64, rng)
    w, z = eigkit.eigh(a, subset_by_index=[N - 10, N - 1])
    assert outcomes == []
    check_pairs(a, w, z, N - 10, N - 1, np.float64)


def test_the_dominant_end_must_be_the_wanted_one(outcomes):
    # a covariance's top stands out, its bottom is a flat crowd near zero
    a = decaying(N, np.float64, seed=14)
    w, z = eigkit.eigh(a, subset_by_index=[0, 4])
    assert outcomes == []
    check_pairs(a, w, z, 0, 4, np.float64)
    eigkit.eigh(a, subset_by_index=[N - 5, N - 1])
    assert outcomes == ["certified"]


@pytest.mark.parametrize("dtype", [np.float64, np.complex64], ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("power", [0.25, 0.5, 1.0, 2.0])
def test_stable_rank_estimate_errs_towards_the_direct_solver(tune, dtype, power):
    # ||A^3 x|| / ||A^2 x|| <= ||A||_2, so the estimated stable rank is at
    # least the true one: at a threshold just below the true stable rank the
    # spectrum must be called flat
    w_true = (1.0 / np.arange(1, N + 1)) ** power
    a = np.asfortranarray(with_spectrum(w_true, dtype, np.random.default_rng(15)))
    stable_rank = np.sum(w_true ** 2) / w_true[0] ** 2
    tune(krylov_subset_max_stable_rank=0.999 * stable_rank / N)
    assert _krylov_subset._looks_flat(a, True)
    tune(krylov_subset_max_stable_rank=1.0)     # and it is no wild overestimate
    assert not _krylov_subset._looks_flat(a, True)


def test_uncertified_answer_falls_back(outcomes, tune):
    tune(krylov_subset_ratio_limit=1e-12)
    a = decaying(N, np.float64, seed=6)
    w, z = eigkit.eigh(a, subset_by_index=[N - 3, N - 1])
    assert outcomes == ["not certified"]
    check_pairs(a, w, z, N - 3, N - 1, np.float64)


@pytest.mark.parametrize("lo, hi", [(100, 104), (0, N - 1), (N - 40, N - 1), (0, 20)])
def test_interior_or_large_subsets_take_the_direct_path(outcomes, lo, hi):
    a = decaying(N, np.float64, seed=7)
    w, z = eigkit.eigh(a, subset_by_index=[lo, hi])
    assert outcomes == []
    check_pairs(a, w, z, lo, hi, np.float64)


def test_small_orders_take_the_direct_path(single_threaded_blas, monkeypatch):
    called = []
    monkeypatch.setattr(_krylov_subset._krylov_kernels, "extreme_eigenpairs",
                        lambda *args, **kw: called.append(1))
    a = decaying(N, np.float64, seed=8)
    w, z = eigkit.eigh(a, subset_by_index=[N - 5, N - 1])
    assert called == []
    check_pairs(a, w, z, N - 5, N - 1, np.float64)


@pytest.mark.parametrize("threshold", ["overflow", "underflow"])
def test_extreme_scales_take_the_direct_path(outcomes, threshold):
    a = decaying(N, np.float64, seed=9)
    a = a * scale_near(threshold, N, np.float64)
    w, z = eigkit.eigh(a, subset_by_index=[N - 4, N - 1])
    assert outcomes == []
    check_pairs(a, w, z, N - 4, N - 1, np.float64)


def test_generalized_problem_takes_the_direct_path(outcomes):
    a = decaying(N, np.float64, seed=10)
    b = np.eye(N) * 2
    w, z = eigkit.eigh(a, b, subset_by_index=[N - 4, N - 1])
    assert outcomes == []
    assert np.allclose(w, np.linalg.eigvalsh(a)[-4:] / 2, atol=1e-13)


@pytest.mark.parametrize("driver", ["evr", "evx"])
def test_named_driver_takes_the_direct_path(outcomes, driver):
    a = decaying(N, np.float64, seed=11)
    w, z = eigkit.eigh(a, subset_by_index=[N - 4, N - 1], driver=driver)
    assert outcomes == []
    check_pairs(a, w, z, N - 4, N - 1, np.float64)
    eigkit.eigh(a, subset_by_index=[N - 4, N - 1])
    assert outcomes == ["certified"]


def test_named_driver_is_per_call_across_threads(outcomes):
    """driver='evr' in one thread leaves the others' choice alone (no
    process-wide switch)."""
    from concurrent.futures import ThreadPoolExecutor
    a = decaying(N, np.float64, seed=12)
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(eigkit.eigh, a, subset_by_index=[N - 4, N - 1], driver=driver)
                for driver in ("evr", None, "evx", None)]
        results = [job.result() for job in jobs]
    assert outcomes == ["certified", "certified"]
    for w, z in results:
        check_pairs(a, w, z, N - 4, N - 1, np.float64)


@pytest.mark.parametrize("from_lower", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128],
                         ids=lambda t: np.dtype(t).name)
def test_hermitian_fill(dtype, from_lower):
    rng = np.random.default_rng(0)
    n = 150   # more than two tiles of the mirroring pass
    q = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        q = q + 1j * rng.standard_normal((n, n))
    q = q.astype(dtype)
    tri = np.tril(q) if from_lower else np.triu(q)
    a = np.asfortranarray(tri)
    if np.dtype(dtype).kind == "c":
        a[np.diag_indices(n)] += 0.5j   # ignored, as the direct solver ignores it
    given = a.copy()
    biggest = _dense_krylov.hermitian_fill(a, from_lower)
    strict = np.tril(given, -1) if from_lower else np.triu(given, 1)
    expected = strict + strict.conj().T + np.diag(np.diagonal(given).real)
    assert np.array_equal(a, expected.astype(dtype))
    part = np.tril(given) if from_lower else np.triu(given)
    assert biggest == pytest.approx(max(np.abs(part.real).max(), np.abs(part.imag).max()))
    a[(5, 2) if from_lower else (2, 5)] = np.inf
    assert np.isnan(_dense_krylov.hermitian_fill(a, from_lower))


@pytest.mark.parametrize("overwrite_a", [False, True])
def test_overwrite_a_lays_out_in_place(outcomes, overwrite_a):
    a = np.asfortranarray(decaying(N, np.float64, seed=12))
    given = a.copy(order="F")
    w, z = eigkit.eigh(given, overwrite_a=overwrite_a, subset_by_index=[N - 3, N - 1])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, N - 3, N - 1, np.float64)
    # the lower triangle is what the direct solver would still read
    assert np.array_equal(np.tril(given), np.tril(a))
    assert overwrite_a or np.array_equal(given, a)


def test_subset_boundary_inside_a_multiple_eigenvalue(outcomes):
    # the 2 largest of (3, 2, 2, 2, ...): any unit vector of the eigenspace
    # of 2 completes the answer
    n = N
    w_true = (1.0 / np.arange(1, n + 1)) ** 0.5
    w_true[:4] = [3.0, 2.0, 2.0, 2.0]
    a = with_spectrum(w_true, np.float64, np.random.default_rng(13))
    w, z = eigkit.eigh(a, subset_by_index=[n - 2, n - 1])
    assert outcomes == ["certified"]
    check_pairs(a, w, z, n - 2, n - 1, np.float64)
    assert np.allclose(w, [2.0, 3.0], rtol=0, atol=1e-13)
