"""Stacks of small Hermitian matrices (eigkit.eigh / eigvalsh on a.ndim > 2,
and single small matrices) through the batched kernel: agreement with
LAPACK, LAPACK's test ratios on hard matrices, SciPy's shapes, dtypes and
exceptions, and results that depend on neither the thread count nor the
other matrices of the stack."""
import numpy as np
import pytest
import scipy.linalg as sla
from numpy.linalg import LinAlgError

import eigkit
from eigkit import _tuning
from eigkit._kernels import dense as dense_kernels
from matrices import (DENSE_KINDS, DTYPES, decomposition_ratio, hermitian, orthogonality_ratio,
                      real_dtype, ulp)

THRESHOLD = 60  # LAPACK's pass mark for its test ratios
CROSSOVER = _tuning.value("batched_max_order")
JACOBI_MAX = dict(zip(DTYPES, _tuning.value("batched_jacobi_max_order")))
# Enough matrices that Jacobi runs them in lockstep (the kernel takes
# Jacobi only for stacks that fill half a block of lanes).
LOCKSTEP_COUNT = 20


def random_stack(shape, n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(shape + (n, n))
    if np.dtype(dtype).kind == "c":
        g = g + 1j * rng.standard_normal(shape + (n, n))
    return ((g + np.conj(np.swapaxes(g, -1, -2))) / 2).astype(dtype)


def hard_stack(kind, n, dtype, count=LOCKSTEP_COUNT):
    return np.stack([hermitian(kind, n, dtype, seed=s) for s in range(count)])


def lapack_values(a):
    """Eigenvalues by LAPACK in double precision (numpy's batched eigvalsh)."""
    wide = np.complex128 if np.iscomplexobj(a) else np.float64
    return np.linalg.eigvalsh(a.astype(wide))


def assert_values_close(w, a, dtype):
    ref = lapack_values(a)
    n = a.shape[-1]
    scale = np.maximum(np.abs(ref).max(axis=-1, keepdims=True), np.finfo(np.float64).tiny)
    err = np.abs(w.astype(np.float64) - ref) / scale / (n * ulp(dtype))
    assert err.max() < THRESHOLD


def assert_ratios(a, w, v, dtype):
    for k in np.ndindex(a.shape[:-2]):
        assert decomposition_ratio(a[k], w[k], v[k], dtype) < THRESHOLD, k
        assert orthogonality_ratio(v[k], dtype) < THRESHOLD, k


@pytest.fixture(params=["jacobi", "tridiagonal"])
def route(request):
    """Both algorithms of the batched kernel, whatever the order."""
    jacobi_max = 64 if request.param == "jacobi" else 0
    with _tuning.overridden(batched_jacobi_max_order=(jacobi_max,) * 4):
        yield request.param


# ---------------------------------------------------------------------------
# Accuracy

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", sorted({1, 2, 3, 4, 8, 16, 32, CROSSOVER}
                                     | set(JACOBI_MAX.values())
                                     | {m + 1 for m in JACOBI_MAX.values()}))
def test_agrees_with_lapack(dtype, n):
    a = random_stack((LOCKSTEP_COUNT,), n, dtype, seed=n)
    w, v = eigkit.eigh(a)
    assert_values_close(w, a, dtype)
    assert_ratios(a, w, v, dtype)
    assert_values_close(eigkit.eigvalsh(a), a, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 16, 32])
def test_hard_matrices(dtype, n, route):
    """LAPACK's ratios below 60 for every matrix of stacks of LAPACK-style
    test matrices: clustered and graded spectra, matrices scaled near
    overflow and underflow, the tridiagonal families."""
    for kind in DENSE_KINDS:
        a = hard_stack(kind, n, dtype)
        w, v = eigkit.eigh(a)
        assert w.dtype == real_dtype(dtype) and v.dtype == dtype
        assert_ratios(a, w, v, dtype)
        assert_values_close(w, a, dtype)
        assert_values_close(eigkit.eigvalsh(a), a, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_repeated_eigenvalues_give_orthonormal_vectors(dtype, route):
    n = 6
    q = np.stack([np.linalg.qr(random_stack((), n, np.complex128 if np.dtype(dtype).kind == "c"
                                            else np.float64, seed=s))[0]
                  for s in range(LOCKSTEP_COUNT)])
    spectrum = np.array([1.0, 1.0, 1.0, -2.0, -2.0, 5.0])
    a = ((q * spectrum) @ np.conj(np.swapaxes(q, -1, -2))).astype(dtype)
    w, v = eigkit.eigh(a)
    assert_ratios(a, w, v, dtype)
    assert np.allclose(w, np.sort(spectrum), atol=50 * ulp(dtype))


def test_identity_and_zero_stacks(route):
    for a in (np.broadcast_to(np.eye(5), (LOCKSTEP_COUNT, 5, 5)), np.zeros((LOCKSTEP_COUNT, 4, 4))):
        w, v = eigkit.eigh(a)
        assert np.array_equal(w, np.broadcast_to(np.diagonal(a, axis1=-2, axis2=-1), w.shape))
        assert_ratios(a, w, v, np.float64)


# ---------------------------------------------------------------------------
# SciPy's shapes, dtypes and options

@pytest.mark.parametrize("shape", [(5,), (2, 3), (1,), (3, 1, 2)])
@pytest.mark.parametrize("dtype", DTYPES + [np.int64, np.bool_, np.float16])
def test_shapes_and_dtypes_like_scipy(shape, dtype):
    a = random_stack(shape, 4, np.float64, seed=1)
    a = (a > 0) if dtype is np.bool_ else (a * 10).astype(dtype)
    w, v = eigkit.eigh(a)
    ws, vs = sla.eigh(a)
    assert w.shape == ws.shape and v.shape == vs.shape
    assert w.dtype == ws.dtype and v.dtype == vs.dtype
    assert np.allclose(w, ws, atol=1e-3 * max(1, np.abs(ws).max()))
    wv = eigkit.eigvalsh(a)
    assert wv.shape == ws.shape and wv.dtype == ws.dtype


def test_broadcast_and_strided_stacks():
    base = random_stack((), 5, np.float64, seed=2)
    ref = sla.eigvalsh(base)
    broadcast = np.broadcast_to(base, (7, 5, 5))          # read-only, stride 0
    w, v = eigkit.eigh(broadcast)
    assert w.shape == (7, 5) and np.allclose(w, ref)
    a = random_stack((6,), 5, np.complex128, seed=3)
    for view in (a[::2], np.asfortranarray(a), np.swapaxes(a, -1, -2).conj(), a[..., ::-1, ::-1],
                 np.moveaxis(np.asfortranarray(np.moveaxis(a, 0, -1)), -1, 0)):
        w, v = eigkit.eigh(view)
        assert np.allclose(w, sla.eigvalsh(np.ascontiguousarray(view)))
        assert_ratios(np.ascontiguousarray(view), w, v, np.complex128)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lower_and_upper_read_one_triangle(dtype, route):
    n = 6
    a = random_stack((LOCKSTEP_COUNT,), n, dtype, seed=4)
    junk = random_stack((LOCKSTEP_COUNT,), n, dtype, seed=5) * 3 + 7
    lower_only = np.tril(a) + np.triu(junk, 1)
    upper_only = np.triu(a) + np.tril(junk, -1)
    if np.dtype(dtype).kind == "c":   # the diagonal's imaginary part is ignored
        idx = np.arange(n)
        lower_only[..., idx, idx] += 1j
        upper_only[..., idx, idx] -= 2j
    w1, v1 = eigkit.eigh(lower_only, lower=True)
    w2, v2 = eigkit.eigh(upper_only, lower=False)
    assert_values_close(w1, a, dtype)
    assert_values_close(w2, a, dtype)
    assert_ratios(a, w1, v1, dtype)
    assert_ratios(a, w2, v2, dtype)


def test_order_one_and_zero():
    a = np.arange(6.0).reshape(2, 3, 1, 1) - 2
    w, v = eigkit.eigh(a)
    ws, vs = sla.eigh(a)
    assert np.array_equal(w, ws) and np.array_equal(v, vs)
    c = (np.arange(3) + 1j).reshape(3, 1, 1).astype(np.complex64)
    w, v = eigkit.eigh(c)
    assert w.dtype == np.float32 and np.array_equal(w[:, 0], [0, 1, 2])
    assert np.array_equal(v, np.ones((3, 1, 1)))
    w, v = eigkit.eigh(np.zeros((3, 0, 0)))
    ws, vs = sla.eigh(np.zeros((3, 0, 0)))
    assert w.shape == ws.shape and v.shape == vs.shape


@pytest.mark.parametrize("call", [eigkit.eigh, eigkit.eigvalsh])
def test_errors_like_scipy(call):
    with pytest.raises(ValueError, match="zero-size batches"):
        call(np.zeros((0, 3, 3)))
    with pytest.raises(ValueError, match="zero-size batches"):
        call(np.zeros((2, 0, 3, 3)))
    with pytest.raises(ValueError, match="expected square"):
        call(np.zeros((4, 3, 2)))
    bad = random_stack((3,), 3, np.float64)
    bad[1, 0, 0] = np.nan
    with pytest.raises(ValueError, match="infs or NaNs"):
        call(bad)


@pytest.mark.parametrize("n", [2, 3, 8, 20])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_input_without_check(n, bad, route):
    """NaN or Inf in one matrix of a stack (check_finite=False): no hang,
    a LinAlgError, as the single-matrix solver and NumPy raise."""
    a = random_stack((LOCKSTEP_COUNT,), n, np.float64)
    a[3, n - 1, 0] = bad
    with pytest.raises(LinAlgError):
        eigkit.eigh(a, check_finite=False)
    with pytest.raises(LinAlgError):
        eigkit.eigvalsh(a, check_finite=False)


def test_failures_are_counted():
    a = random_stack((LOCKSTEP_COUNT,), 3, np.float64)
    a[2, 1, 0] = np.nan
    a[5, 2, 2] = -np.inf
    for vectors in (True, False):
        with pytest.raises(LinAlgError, match="2 of 20"):
            dense_kernels.batched_eigen(a, vectors)


def test_single_matrix_nonfinite_like_before():
    """Order 1 returns its entry, as LAPACK does; larger orders raise."""
    assert np.isnan(eigkit.eigvalsh(np.array([[np.nan]]), check_finite=False)[0])
    assert eigkit.eigvalsh(np.array([[np.inf]]), check_finite=False)[0] == np.inf
    with pytest.raises(LinAlgError):
        eigkit.eigh(np.array([[1.0, np.nan], [np.nan, 1.0]]), check_finite=False)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_input_not_modified(order, lower, dtype):
    a = np.asarray(random_stack((LOCKSTEP_COUNT,), 5, dtype, seed=6), order=order)
    a0 = a.copy()
    eigkit.eigh(a, lower=lower)
    eigkit.eigvalsh(a, lower=lower)
    eigkit.eigh(a[0], lower=lower)
    eigkit.eigh(a, lower=lower, overwrite_a=True)
    assert np.array_equal(a, a0)


def test_eigvals_only_matches_eigh():
    a = random_stack((LOCKSTEP_COUNT,), 7, np.float64, seed=7)
    w, _ = eigkit.eigh(a)
    assert np.allclose(eigkit.eigh(a, eigvals_only=True), w, rtol=0, atol=1e-13)
    assert np.allclose(eigkit.eigvalsh(a), w, rtol=0, atol=1e-13)


# ---------------------------------------------------------------------------
# Determinism

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [3, 8, 24])
def test_results_do_not_depend_on_thread_count(dtype, n):
    # enough work that the kernel starts threads
    count = max(301, 8 * dense_kernels.BATCHED_SHARE_MIN_WORK // n ** 3)
    a = random_stack((count,), n, dtype, seed=8)
    for vectors in (True, False):
        runs = [dense_kernels.batched_eigen(a, vectors, True, JACOBI_MAX[dtype], nt)
                for nt in (1, 2, 3, 8)]
        for w, v in runs[1:]:
            assert w.tobytes() == runs[0][0].tobytes()
            if vectors:
                assert v.tobytes() == runs[0][1].tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_results_do_not_depend_on_the_other_matrices(dtype):
    """A matrix solved in lockstep with others gets the bits it gets with
    any other companions: the lanes never mix."""
    a = random_stack((40,), 5, dtype, seed=9)
    easy = np.broadcast_to(np.eye(5, dtype=dtype), (40, 5, 5))
    mixed = np.concatenate([easy[:7], a, easy[:5]])
    w1, v1 = dense_kernels.batched_eigen(a, True, True, JACOBI_MAX[dtype], 1)
    w2, v2 = dense_kernels.batched_eigen(mixed, True, True, JACOBI_MAX[dtype], 2)
    assert w1.tobytes() == w2[7:47].tobytes() and v1.tobytes() == v2[7:47].tobytes()


def test_thread_count_from_the_environment(monkeypatch):
    a = random_stack((2000,), 4, np.float64, seed=10)
    results = []
    for threads in ("1", "2"):
        monkeypatch.setenv("EIGKIT_NUM_THREADS", threads)
        results.append(eigkit.eigh(a))
    assert results[0][0].tobytes() == results[1][0].tobytes()
    assert results[0][1].tobytes() == results[1][1].tobytes()


# ---------------------------------------------------------------------------
# Routing

def test_single_small_matrix_like_scipy():
    for dtype in DTYPES:
        for n in (2, 3, 4, 8, 16):
            a = hermitian("random", n, dtype, seed=n)
            w, v = eigkit.eigh(a)
            ws, vs = sla.eigh(a)
            assert w.shape == ws.shape and v.shape == vs.shape
            assert w.dtype == ws.dtype and v.dtype == vs.dtype
            assert v.flags.f_contiguous
            assert decomposition_ratio(a, w, v, dtype) < THRESHOLD
            assert np.allclose(eigkit.eigvalsh(a), ws, atol=1e-4 * np.abs(ws).max())


def test_crossover_both_sides():
    for n in (CROSSOVER, CROSSOVER + 1):
        a = random_stack((3,), n, np.float64, seed=11)
        w, v = eigkit.eigh(a)
        assert_values_close(w, a, np.float64)
        assert_ratios(a, w, v, np.float64)


def test_crossover_is_read_at_call_time(monkeypatch):
    calls = []
    real = dense_kernels.batched_eigen
    monkeypatch.setattr(dense_kernels, "batched_eigen",
                        lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    a = random_stack((4,), 6, np.float64, seed=12)
    eigkit.eigh(a)
    assert calls
    calls.clear()
    with _tuning.overridden(batched_max_order=5):
        w, v = eigkit.eigh(a)
    assert not calls
    assert_ratios(a, w, v, np.float64)


def test_subsets_and_generalized_problems_keep_their_path():
    a = random_stack((3,), 5, np.float64, seed=13)
    b = np.broadcast_to(np.eye(5) * 2, a.shape)
    w = eigkit.eigh(a, subset_by_index=[0, 1], eigvals_only=True)
    assert w.shape == (3, 2) and np.allclose(w, sla.eigvalsh(a)[..., :2])
    w = eigkit.eigh(a, b, eigvals_only=True)
    assert np.allclose(w, sla.eigvalsh(a) / 2)


# ---------------------------------------------------------------------------
# One small matrix: the fast path (dense._small_single, binding small_eigen)

def _general_path(a, **kwargs):
    """The same call through the general path: a stack of one."""
    out = eigkit.eigh(a[None], **kwargs)
    return out[0] if kwargs.get("eigvals_only") else (out[0][0], out[1][0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 2, 5, 33, 64, CROSSOVER])
def test_single_matrix_fast_path_matches_the_stack_path(n, dtype):
    a = random_stack((), n, dtype, seed=n)
    for layout in (a, np.asfortranarray(a), a[::-1, ::-1], np.asfortranarray(a)[::-1]):
        for lower in (True, False):
            w, v = eigkit.eigh(layout, lower=lower)
            w2, v2 = _general_path(layout, lower=lower)
            assert w.dtype == w2.dtype == real_dtype(dtype) and v.dtype == v2.dtype == dtype
            assert v.flags.f_contiguous and w.shape == (n,) and v.shape == (n, n)
            assert np.array_equal(w, w2) and np.array_equal(v, v2)
            assert np.array_equal(eigkit.eigvalsh(layout, lower=lower),
                                  _general_path(layout, lower=lower, eigvals_only=True))
    w, v = eigkit.eigh(a)
    assert_ratios(a[None], w[None], v[None], dtype)
    assert_values_close(w[None], a[None], dtype)


def test_single_matrix_fast_path_leaves_the_input_alone():
    a = random_stack((), 12, np.float64, seed=1)
    a.setflags(write=False)
    before = a.copy()
    eigkit.eigh(a, overwrite_a=True)
    assert np.array_equal(a, before)


@pytest.mark.parametrize("where", [(0, 3), (3, 0)])
def test_single_matrix_fast_path_checks_both_triangles(where):
    a = random_stack((), 6, np.float64, seed=2)
    a[where] = np.nan
    with pytest.raises(ValueError, match="must not contain infs or NaNs"):
        eigkit.eigh(a)
    with pytest.raises(ValueError, match="must not contain infs or NaNs"):
        eigkit.eigvalsh(a)
    if where == (3, 0):   # the lower triangle, which the kernel reads
        with pytest.raises(LinAlgError):
            eigkit.eigh(a, check_finite=False)
    else:                 # the upper one, never read
        w = eigkit.eigvalsh(a, check_finite=False)
        assert np.all(np.isfinite(w))


@pytest.mark.parametrize("make", [
    lambda a: a.astype(">f8"),          # not the native byte order
    lambda a: np.asmatrix(a),           # a subclass
    lambda a: a.astype(np.int64),       # converted to float64
    lambda a: a.tolist(),               # not an array
])
def test_single_matrix_other_inputs_take_the_general_path(make):
    a = np.round(random_stack((), 7, np.float64, seed=3) * 4)
    w, v = eigkit.eigh(make(a))
    ref = sla.eigvalsh(a)
    assert np.allclose(w, ref) and isinstance(v, np.ndarray) and type(v) is np.ndarray
    assert np.allclose(eigkit.eigvalsh(make(a)), ref)


def test_single_matrix_misaligned_memory_takes_the_general_path():
    a = random_stack((), 5, np.float64, seed=4)
    raw = np.zeros(a.size * 8 + 1, np.uint8)
    odd = raw[1:].view(np.float64).reshape(a.shape)
    odd[...] = a
    assert not odd.flags.aligned
    assert dense_kernels.small_eigen(odd, True, True, True, 14) is None
    w, v = eigkit.eigh(odd)
    assert np.allclose(w, sla.eigvalsh(a))
