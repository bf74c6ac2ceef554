"""eigh_tridiagonal / eigvalsh_tridiagonal against LAPACK, and SciPy's API."""
import numpy as np
import pytest
import scipy.linalg as sla

import eigkit
from matrices import TRIDIAGONAL, dense_tridiagonal, tridiagonal, ulp

THRESHOLD = 60.0


def ratios(d, e, w, z, dtype):
    t = dense_tridiagonal(d, e)
    s = max(np.abs(t).max(), np.finfo(np.float64).tiny)
    n = len(d)
    tnorm = max(np.abs(t / s).sum(axis=0).max(), np.finfo(np.float64).tiny)
    res = np.abs(t / s @ z - z * (w / s)).sum(axis=0).max() / (tnorm * n * ulp(dtype))
    orth = np.abs(np.eye(z.shape[1]) - z.T.astype(np.float64) @ z).sum(axis=0).max() / (n * ulp(dtype))
    return res, orth


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", TRIDIAGONAL)
@pytest.mark.parametrize("n", [1, 2, 5, 42, 150])
def test_against_lapack(kind, n, dtype):
    d, e = tridiagonal(TRIDIAGONAL[kind], n, dtype, seed=n)
    ref = sla.eigvalsh_tridiagonal(d.astype(np.float64), e.astype(np.float64))
    scale = max(np.abs(ref).max(), 1e-300)
    w, z = eigkit.eigh_tridiagonal(d, e)
    assert w.dtype == np.dtype(dtype) and z.dtype == np.dtype(dtype)
    assert np.abs(w - ref).max() / (scale * n * ulp(dtype)) < THRESHOLD
    res, orth = ratios(d, e, w, z, dtype)
    assert res < THRESHOLD and orth < THRESHOLD
    wv = eigkit.eigvalsh_tridiagonal(d, e)
    assert np.abs(wv - ref).max() / (scale * n * ulp(dtype)) < THRESHOLD
    if n >= 5:
        lo, hi = n - 3, n - 1
        ws, zs = eigkit.eigh_tridiagonal(d, e, select="i", select_range=(lo, hi))
        assert np.abs(ws - ref[lo:hi + 1]).max() / (scale * n * ulp(dtype)) < THRESHOLD
        res, orth = ratios(d, e, ws, zs, dtype)
        assert res < THRESHOLD and orth < THRESHOLD


def test_select_value_matches_scipy():
    d, e = tridiagonal("random", 60, np.float64, seed=1)
    ref = sla.eigvalsh_tridiagonal(d, e)
    vl, vu = (ref[4] + ref[5]) / 2, (ref[20] + ref[21]) / 2
    w, z = eigkit.eigh_tridiagonal(d, e, select="v", select_range=(vl, vu))
    assert np.allclose(w, ref[5:21])
    assert z.shape == (60, 16)
    w2 = eigkit.eigvalsh_tridiagonal(d, e, select=1, select_range=[vl, vu], tol=1e-12)
    assert np.allclose(w2, ref[5:21], atol=1e-11)


@pytest.mark.parametrize("driver", ["auto", "stemr", "stebz", "stev", "stevd", "sterf"])
def test_driver_names(driver):
    d, e = tridiagonal("posdef", 20)
    w = eigkit.eigvalsh_tridiagonal(d, e, lapack_driver=driver)
    assert np.allclose(w, sla.eigvalsh_tridiagonal(d, e))


def test_integer_input_and_one_by_one():
    w, v = eigkit.eigh_tridiagonal([2, 2, 2], [1, 1])
    ws, vs = sla.eigh_tridiagonal([2, 2, 2], [1, 1])
    assert w.dtype == ws.dtype and np.allclose(w, ws)
    w, v = eigkit.eigh_tridiagonal([3.0], [])
    assert np.array_equal(w, [3.0]) and np.array_equal(v, [[1.0]])
    w, v = eigkit.eigh_tridiagonal([3.0], [], select="v", select_range=(4, 5))
    assert w.shape == (0,) and v.shape == (1, 0)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: eigkit.eigh_tridiagonal(np.ones((2, 2)), np.ones(1)), ValueError, "expected a 1-D array"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(3)), ValueError, "must have one more element"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3, complex), np.ones(2)), TypeError, "Only real arrays"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), select="x"), ValueError, "invalid argument for select"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), select="i", select_range=(0, 3)),
     ValueError, "out of bounds"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), select="i", select_range=(0.0, 1.0)),
     ValueError, "must contain integers"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), select="v", select_range=(2, 1)),
     ValueError, "nondecreasing"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), lapack_driver="foo"), ValueError,
     "lapack_driver must be one of"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), lapack_driver=1), TypeError, "must be str"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), lapack_driver="sterf"), ValueError,
     "eigvals_only is True"),
    (lambda: eigkit.eigh_tridiagonal(np.ones(3), np.ones(2), select="i", select_range=(0, 1),
                                     lapack_driver="stev"), ValueError, 'select == "a"'),
    (lambda: eigkit.eigh_tridiagonal([np.nan, 1.0], [0.0]), ValueError, "infs or NaNs"),
])
def test_errors_match_scipy(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_inputs_not_modified():
    d, e = tridiagonal("random", 30)
    d0, e0 = d.copy(), e.copy()
    eigkit.eigh_tridiagonal(d, e)
    eigkit.eigh_tridiagonal(d, e, select="i", select_range=(3, 9))
    eigkit.eigvalsh_tridiagonal(d, e)
    assert np.array_equal(d, d0) and np.array_equal(e, e0)
