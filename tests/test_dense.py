"""eigh / eigvalsh: accuracy on LAPACK's hard matrices, SciPy's API,
dtype rules and exceptions."""
import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from numpy.linalg import LinAlgError

import eigkit
from matrices import (DENSE_KINDS, DTYPES, decomposition_ratio, hermitian,
                      orthogonality_ratio, real_dtype, ulp)

THRESHOLD = 60.0  # LAPACK's own threshold for its test ratios
SIZES = [1, 2, 3, 10, 33, 70, 131]


def reference_eigenvalues(a):
    """Eigenvalues by LAPACK in double precision, on the rescaled matrix."""
    s = float(np.abs(a).max()) or 1.0
    wide = np.complex128 if np.iscomplexobj(a) else np.float64
    return np.linalg.eigvalsh(a.astype(wide) / s) * s


def assert_eigenvalues_close(w, a, dtype):
    ref = reference_eigenvalues(a)
    scale = max(float(np.abs(ref).max()), np.finfo(np.float64).tiny)
    n = a.shape[0]
    err = np.abs(w.astype(np.float64) - ref).max() / (scale * n * ulp(dtype))
    assert err < THRESHOLD, f"eigenvalue error ratio {err:.3g}"


def poison_other_triangle(a, lower):
    """Fill the triangle eigh must not read with NaN."""
    b = a.copy()
    n = a.shape[0]
    idx = np.triu_indices(n, 1) if lower else np.tril_indices(n, -1)
    b[idx] = np.nan
    return b


def assert_eigvalsh_accurate(a, dtype):
    """eigvalsh from either triangle (the other one NaN): ascending, in the
    real dtype, accurate."""
    n = a.shape[0]
    for lower in (True, False):
        w = eigkit.eigvalsh(poison_other_triangle(a, lower), lower=lower, check_finite=False)
        assert w.dtype == real_dtype(dtype) and w.shape == (n,)
        assert np.all(np.diff(w) >= 0)
        assert_eigenvalues_close(w, a, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("kind", DENSE_KINDS)
@pytest.mark.parametrize("n", SIZES)
def test_all_eigenpairs_lapack_ratios(kind, n, dtype):
    a = hermitian(kind, n, dtype, seed=n)
    for lower in (True, False):
        w, z = eigkit.eigh(poison_other_triangle(a, lower), lower=lower, check_finite=False)
        assert w.dtype == real_dtype(dtype) and z.dtype == np.dtype(dtype)
        assert w.shape == (n,) and z.shape == (n, n)
        assert np.all(np.diff(w) >= 0)
        assert decomposition_ratio(a, w, z, dtype) < THRESHOLD
        assert orthogonality_ratio(z, dtype) < THRESHOLD
        assert_eigenvalues_close(w, a, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("kind", DENSE_KINDS)
@pytest.mark.parametrize("n", [1, 5, 64, 131])
def test_eigenvalues_only(kind, n, dtype):
    assert_eigvalsh_accurate(hermitian(kind, n, dtype, seed=7 * n), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("kind", ["random", "geometric", "clustered", "tri-glued-wilkinson",
                                  "identity", "geometric@underflow", "arithmetic@overflow"])
def test_subset_by_index(kind, dtype):
    n = 90
    a = hermitian(kind, n, dtype, seed=3)
    full = reference_eigenvalues(a)
    scale = max(float(np.abs(full).max()), np.finfo(np.float64).tiny)
    for lo, hi in [(n - 10, n - 1), (0, 4), (40, 49), (0, n - 1), (17, 17)]:
        w, z = eigkit.eigh(a, subset_by_index=[lo, hi])
        assert w.shape == (hi - lo + 1,) and z.shape == (n, hi - lo + 1)
        assert np.abs(w - full[lo:hi + 1]).max() / (scale * n * ulp(dtype)) < THRESHOLD
        assert decomposition_ratio(a, w, z, dtype) < THRESHOLD
        assert orthogonality_ratio(z, dtype) < THRESHOLD
        wv = eigkit.eigvalsh(a, subset_by_index=[lo, hi])
        assert np.abs(wv - full[lo:hi + 1]).max() / (scale * n * ulp(dtype)) < THRESHOLD


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
def test_subset_by_value(dtype):
    n = 80
    rng = np.random.default_rng(5)
    w_true = np.sort(rng.uniform(-10, 10, n))
    from matrices import with_spectrum
    a = with_spectrum(w_true, dtype, rng)
    # interval ends midway between eigenvalues, so rounding cannot move them
    lo, hi = (w_true[9] + w_true[10]) / 2, (w_true[29] + w_true[30]) / 2
    w, z = eigkit.eigh(a, subset_by_value=[lo, hi])
    assert w.shape == (20,) and z.shape == (n, 20)
    assert np.allclose(w, w_true[10:30], atol=100 * n * ulp(dtype) * 10)
    assert decomposition_ratio(a, w, z, dtype) < THRESHOLD
    assert orthogonality_ratio(z, dtype) < THRESHOLD
    assert eigkit.eigvalsh(a, subset_by_value=[-np.inf, lo]).shape == (10,)
    assert eigkit.eigvalsh(a, subset_by_value=[hi, np.inf]).shape == (n - 30,)
    assert eigkit.eigvalsh(a, subset_by_value=[100, 200]).shape == (0,)
    w0, z0 = eigkit.eigh(a, subset_by_value=[100, 200])
    assert z0.shape == (n, 0)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("itype", [1, 2, 3])
def test_generalized(itype, dtype):
    n = 40
    a = hermitian("random", n, dtype, seed=1)
    b = hermitian("posdef", n, dtype, seed=2)
    w, v = eigkit.eigh(a, b, type=itype)
    tol = 1e3 * n * ulp(dtype)
    ad, bd = a.astype(np.complex128), b.astype(np.complex128)
    if itype == 1:
        r = ad @ v - bd @ v * w
        gram = v.conj().T @ bd @ v
    elif itype == 2:
        r = ad @ bd @ v - v * w
        gram = v.conj().T @ bd @ v
    else:
        r = bd @ ad @ v - v * w
        gram = v.conj().T @ np.linalg.solve(bd, v)
    an, bn, wn = np.abs(ad).max(), np.abs(bd).max(), np.abs(w).max()
    assert np.abs(r).max() <= tol * (an * bn + an + (bn + 1) * wn) * np.abs(v).max() * n
    assert np.allclose(gram, np.eye(n), atol=tol)
    ref = sla.eigh(a, b, type=itype, eigvals_only=True)
    assert np.allclose(w, ref, atol=tol * np.abs(ref).max())
    for lower in (True, False):
        w2 = eigkit.eigvalsh(a, b, type=itype, lower=lower)
        assert np.allclose(w2, ref, atol=tol * np.abs(ref).max())
    ws, vs = eigkit.eigh(a, b, type=itype, subset_by_index=[n - 3, n - 1])
    assert np.allclose(ws, ref[-3:], atol=tol * np.abs(ref).max())


def test_generalized_not_positive_definite():
    a = np.eye(3)
    b = np.diag([1.0, -1.0, 1.0])
    with pytest.raises(LinAlgError, match="leading minor of order 2"):
        eigkit.eigh(a, b)


# ---------------------------------------------------------------------------
# SciPy's dtype and shape rules

@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.bool_,
                                   np.float16, np.float32, np.float64, np.longdouble,
                                   np.complex64, np.complex128])
def test_dtypes_follow_scipy(dtype):
    a = np.array([[2, 1], [1, 3]]).astype(dtype)
    w, v = eigkit.eigh(a)
    ws, vs = sla.eigh(a)
    assert w.dtype == ws.dtype and v.dtype == vs.dtype
    assert np.allclose(w, ws, atol=1e-5)


def test_lists_and_empty():
    w, v = eigkit.eigh([[2.0, 1.0], [1.0, 2.0]])
    assert np.allclose(w, [1, 3])
    for dtype in (np.float32, np.float64, np.complex64, np.int64):
        w, v = eigkit.eigh(np.empty((0, 0), dtype))
        ws, vs = sla.eigh(np.empty((0, 0), dtype))
        assert w.shape == (0,) and v.shape == (0, 0)
        assert w.dtype == ws.dtype and v.dtype == vs.dtype
        assert eigkit.eigvalsh(np.empty((0, 0), dtype)).dtype == ws.dtype


def test_batched_like_scipy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 2, 6, 6))
    a = a + np.swapaxes(a, -1, -2)
    w, v = eigkit.eigh(a)
    assert w.shape == (3, 2, 6) and v.shape == (3, 2, 6, 6)
    assert np.allclose(w, sla.eigh(a)[0])
    assert np.allclose(a @ v, v * w[..., None, :])
    assert eigkit.eigvalsh(a).shape == (3, 2, 6)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
def test_inputs_not_modified(order, lower, dtype):
    a = np.asarray(hermitian("random", 20, dtype, seed=4), order=order)
    b = np.asarray(hermitian("posdef", 20, dtype, seed=5), order=order)
    a0, b0 = a.copy(), b.copy()
    eigkit.eigh(a, lower=lower)
    eigkit.eigh(a, b, lower=lower)
    eigkit.eigh(a, subset_by_index=[0, 3], lower=lower)
    assert np.array_equal(a, a0) and np.array_equal(b, b0)


def test_overwrite_allowed_still_correct():
    a = hermitian("random", 30, np.float64, seed=9)
    ref = sla.eigvalsh(a)
    for arr in (np.asfortranarray(a), np.ascontiguousarray(a)):
        for lower in (True, False):
            w, z = eigkit.eigh(arr.copy(order="K"), lower=lower, overwrite_a=True)
            assert np.allclose(w, ref)
            assert decomposition_ratio(a, w, z, np.float64) < THRESHOLD


def test_noncontiguous_and_readonly():
    a = hermitian("random", 40, np.complex128, seed=2)
    big = np.zeros((80, 80), np.complex128)
    big[::2, ::2] = a
    view = big[::2, ::2]
    ro = a.copy()
    ro.setflags(write=False)
    for arr in (view, ro):
        w, z = eigkit.eigh(arr)
        assert decomposition_ratio(a, w, z, np.complex128) < THRESHOLD


# ---------------------------------------------------------------------------
# The exceptions SciPy raises for the same mistakes

@pytest.mark.parametrize("call, exc, match", [
    (lambda: eigkit.eigh(np.ones((2, 3))), ValueError, 'expected square "a" matrix'),
    (lambda: eigkit.eigh(np.ones(3)), ValueError, 'expected square "a" matrix'),
    (lambda: eigkit.eigh(np.eye(3), np.ones((2, 3))), ValueError, 'expected square "b" matrix'),
    (lambda: eigkit.eigh(np.eye(3), np.eye(2)), ValueError, "wrong b dimensions"),
    (lambda: eigkit.eigh(np.eye(3), np.eye(3), type=4), ValueError, '"type" keyword'),
    (lambda: eigkit.eigh(np.array([[np.nan, 0], [0, 1]])), ValueError, "infs or NaNs"),
    (lambda: eigkit.eigh(np.array([[np.inf, 0], [0, 1]])), ValueError, "infs or NaNs"),
    (lambda: eigkit.eigh(np.eye(3), subset_by_index=[0, 3]), ValueError, "indices are not valid"),
    (lambda: eigkit.eigh(np.eye(3), subset_by_index=[2, 1]), ValueError, "indices are not valid"),
    (lambda: eigkit.eigh(np.eye(3), subset_by_value=[2, 1]), ValueError, "bounds are not valid"),
    (lambda: eigkit.eigh(np.eye(3), subset_by_index=[0, 1], subset_by_value=[0, 1]),
     ValueError, "Either index or value"),
    (lambda: eigkit.eigh(np.eye(3), driver="xyz"), ValueError, '"xyz" is unknown'),
    (lambda: eigkit.eigh(np.eye(3), driver="gvd"), ValueError, "requires input b"),
    (lambda: eigkit.eigh(np.eye(3), np.eye(3), driver="evr"), ValueError, "does not accept input b"),
    (lambda: eigkit.eigh(np.eye(3), driver="evd", subset_by_index=[0, 1]), ValueError,
     "cannot compute subsets"),
    (lambda: eigkit.eigh(sp.eye(3)), ValueError, "Sparse arrays"),
    (lambda: eigkit.eigh(np.array([[1, None], [None, 1]])), ValueError, "object arrays"),
    (lambda: eigkit.eigh(np.array([["a", "b"], ["c", "d"]])), ValueError, "dtype <U1 are not supported"),
])
def test_errors_match_scipy(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("driver", [None, "ev", "evd", "evr", "evx"])
def test_scipy_driver_names_accepted(driver):
    a = hermitian("random", 12, np.float64, seed=1)
    w = eigkit.eigvalsh(a, driver=driver)
    assert np.allclose(w, sla.eigvalsh(a))


def test_nan_without_check_does_not_hang():
    a = np.array([[np.nan, 1.0], [1.0, 2.0]])
    try:
        w = eigkit.eigvalsh(a, check_finite=False)
    except LinAlgError:
        return
    assert np.isnan(w).any()
