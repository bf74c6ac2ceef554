"""Kernel tests: divide and conquer for a real symmetric tridiagonal T
(csrc/tridiagonal/divide_conquer.c), alone and as used by the tridiagonal driver.

Matrix types after LAPACK's xCHKST: zero, identity, random, the (2, -1)
positive definite matrix, diagonally dominant, Wilkinson W_{2m+1}^+,
glued Wilkinson (W21 blocks glued by 1e-10 and by 1e-14: heavy
deflation), graded (d_i = 10^(-0.3 i)), the clustered diagonal spectrum
(1, ulp, ..., ulp) coupled by tiny off-diagonals, a T from dsytrd of a
random symmetric matrix, and random entries scaled near overflow and
underflow.

Accuracy (as in LAPACK's xSTT21 / xSTECH):
    eigenvalues   max |w - w_lapack| / (n ulp ||T||_1)     < 10
    residual      ||T Z - Z diag(w)||_1 / (||T||_1 n ulp)  < 60
    orthogonality ||Z^T Z - I||_1 / (n ulp)                < 60
"""
import numpy as np
import pytest
import scipy.linalg as sl
from numpy.linalg import LinAlgError

from eigkit._kernels import _testing as _dense, tridiagonal
from matrices import dense_tridiagonal as dense
from matrices import kernel_tridiagonal as make_tridiagonal
from matrices import tridiagonal_norm1 as norm1

DTYPES = [np.float32, np.float64]
SIZES = [1, 2, 3, 10, 31, 32, 33, 100, 300, 1000]
KINDS = ["zero", "identity", "random", "posdef", "diagdom", "wilkinson", "glued10",
         "glued14", "graded", "clustered", "dsytrd", "overflow", "underflow"]
THRESH = 60.0
EIG_THRESH = 10.0


def check(w, z, d, e, dtype):
    n = d.size
    ulp = float(np.finfo(dtype).eps)
    assert w.dtype == dtype and z.dtype == dtype
    assert w.shape == (n,) and z.shape == (n, n)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(z))
    assert np.all(np.diff(w) >= 0), "eigenvalues not ascending"
    tnorm = norm1(d, e)
    scale = tnorm if tnorm > 0 else 1.0
    ref = sl.eigvalsh_tridiagonal(d, e) if n > 1 else d.copy()
    err = np.abs(w.astype(np.float64) / scale - ref / scale).max()
    assert err / (n * ulp) < EIG_THRESH, f"eigenvalue error {err / (n * ulp):.3g}"
    zz = z.astype(np.float64)
    resid = np.abs(dense(d / scale, e / scale) @ zz - zz * (w.astype(np.float64) / scale))
    r = resid.sum(axis=0).max() / (n * ulp)
    assert r < THRESH, f"residual {r:.3g}"
    o = np.abs(zz.T @ zz - np.eye(n)).sum(axis=0).max() / (n * ulp)
    assert o < THRESH, f"orthogonality {o:.3g}"


def run(d, e, dtype, nthreads=1):
    d_in, e_in = d.astype(dtype), e.astype(dtype)
    d0, e0 = d_in.copy(), e_in.copy()
    w, z = _dense.divide_conquer(d_in, e_in, nthreads)
    assert np.array_equal(d_in, d0) and np.array_equal(e_in, e0), "binding modified its input"
    return w, z


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_divide_conquer(kind, n, dtype):
    d, e = make_tridiagonal(kind, n, dtype)
    w, z = run(d, e, dtype)
    check(w, z, d, e, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["random", "glued14", "dsytrd", "clustered"])
def test_two_threads_same_result(kind, dtype):
    """The secular equations shared among threads: each root is computed
    by the same code whichever thread takes it.  The order is beyond
    DC_PARALLEL_MIN_K (2048), from which a merge shares its roots."""
    d, e = make_tridiagonal(kind, 2100, dtype, seed=3)
    w1, z1 = run(d, e, dtype, 1)
    w2, z2 = run(d, e, dtype, 2)
    check(w2, z2, d, e, dtype)
    assert np.array_equal(w1, w2)
    assert np.array_equal(z1, z2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_split_blocks(dtype):
    """Exact zeros in e split T into independent blocks of all sizes
    (1, leaves, torn blocks); Z is block diagonal up to the final sort."""
    rng = np.random.default_rng(8)
    sizes = [1, 5, 1, 40, 77, 2, 130]
    d = rng.standard_normal(sum(sizes))
    e = rng.standard_normal(sum(sizes) - 1)
    for cut in np.cumsum(sizes)[:-1]:
        e[cut - 1] = 0.0
    d, e = d.astype(dtype).astype(np.float64), e.astype(dtype).astype(np.float64)
    w, z = run(d, e, dtype)
    check(w, z, d, e, dtype)
    lo = 0
    for s in sizes:   # every eigenvector lives in one block
        rows = np.abs(z[lo:lo + s, :]).sum(axis=0) > 0
        outside = np.abs(z[np.r_[0:lo, lo + s:d.size], :][:, rows]).max() if d.size > s else 0
        assert outside == 0
        lo += s


@pytest.mark.parametrize("dtype", DTYPES)
def test_rank_one_heavy_deflation(dtype):
    """Many equal diagonal entries with small couplings: nearly every pole
    deflates by a rotation (the DENSE column group of the merge)."""
    n = 400
    rng = np.random.default_rng(4)
    d = np.repeat(rng.standard_normal(8), n // 8)
    e = 1e-3 * rng.standard_normal(n - 1)
    d, e = d.astype(dtype).astype(np.float64), e.astype(dtype).astype(np.float64)
    w, z = run(d, e, dtype)
    check(w, z, d, e, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_input_raises(dtype):
    d = np.ones(100, dtype)
    e = np.ones(99, dtype)
    d[57] = np.nan
    with pytest.raises(LinAlgError):
        _dense.divide_conquer(d, e)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [40, 63, 64, 65, 200, 600])
@pytest.mark.parametrize("kind", ["random", "glued10", "graded"])
def test_driver_all_pairs(kind, n, dtype):
    """The tridiagonal driver (all pairs, and a selection solved in full)
    switches from QR to divide and conquer at its crossover."""
    d, e = make_tridiagonal(kind, n, dtype, seed=1)
    w, z = tridiagonal.tridiagonal_eigen(d.astype(dtype), e.astype(dtype), True, nthreads=2)
    check(w, z, d, e, dtype)
    il, iu = n // 5, n - 1
    ws, zs = tridiagonal.tridiagonal_eigen(d.astype(dtype), e.astype(dtype), True,
                                      kind=tridiagonal.SELECT_INDEX, il=il, iu=iu)
    assert ws.shape == (iu - il + 1,)
    assert np.allclose(ws, w[il:iu + 1], rtol=0, atol=100 * n * np.finfo(dtype).eps * max(norm1(d, e), 1e-300))
    zz = zs.astype(np.float64)
    ulp = float(np.finfo(dtype).eps)
    assert np.abs(zz.T @ zz - np.eye(iu - il + 1)).sum(axis=0).max() / (n * ulp) < THRESH
