"""The block Gauss-Seidel sweep (csrc/krylov/gauss_seidel.c,
eigkit._kernels.krylov.GaussSeidel) against a dense reference: a forward
sweep solves (D + L) x_new = b - U x_old, a backward one (D + U) x_new =
b - L x_old, a symmetric one is both; for the four dtypes, int32 and int64
indices, one column and blocks; a zero start skips only zeros; threads
change no digit; bad input raises."""
import numpy as np
import pytest
import scipy.linalg as sl
import scipy.sparse as sp

from eigkit._kernels.krylov import GaussSeidel

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def matrix(n, dtype, density=0.2, seed=0):
    """A sparse matrix with a dominant diagonal, unsorted indices and a
    duplicate entry (summed, as in SciPy's products)."""
    rng = np.random.default_rng(seed)
    a = sp.random_array((n, n), density=density, rng=rng, format="coo")
    data = a.data + (1j * rng.standard_normal(a.nnz) if np.dtype(dtype).kind == "c" else 0)
    rows = np.concatenate([a.row, np.arange(n), [0]])
    cols = np.concatenate([a.col, np.arange(n), [n - 1]])
    vals = np.concatenate([data, np.full(n, n / 4 + 2.0), [0.5]])
    csr = sp.csr_array((vals.astype(dtype), (rows, cols)), shape=(n, n))
    csr.has_canonical_format = False
    csr.indices, csr.data = csr.indices.copy(), csr.data.copy()
    for i in range(n):   # reverse each row: unsorted indices
        lo, hi = csr.indptr[i], csr.indptr[i + 1]
        csr.indices[lo:hi] = csr.indices[lo:hi][::-1]
        csr.data[lo:hi] = csr.data[lo:hi][::-1]
    return csr


def kernel(a, index_dtype):
    return GaussSeidel(a.indptr.astype(index_dtype), a.indices.astype(index_dtype), a.data)


def reference(a, x, b, sweeps):
    """The sweeps by triangular solves on the dense matrix, in float64 /
    complex128."""
    d = a.toarray().astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    x = x.astype(d.dtype)
    lower, upper = np.tril(d), np.triu(d)
    for backward in sweeps:
        if backward:
            x = sl.solve_triangular(upper, b - (lower - np.diag(np.diag(d))) @ x, lower=False)
        else:
            x = sl.solve_triangular(lower, b - (upper - np.diag(np.diag(d))) @ x, lower=True)
    return x


def tolerance(dtype):
    return 50 * np.finfo(dtype).eps


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("sweeps", [(False,), (True,), (False, True)],
                         ids=["forward", "backward", "symmetric"])
@pytest.mark.parametrize("shape", [(40,), (40, 1), (40, 7), (40, 10), (40, 23)])
def test_matches_dense_reference(dtype, index_dtype, sweeps, shape):
    rng = np.random.default_rng(1)
    a = matrix(shape[0], dtype)
    x0 = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal(shape).astype(dtype)
    gs = kernel(a, index_dtype)
    x = x0.copy()
    b_before = b.copy()
    for backward in sweeps:
        gs.sweep(x, b, backward)
    ref = reference(a, x0, b, sweeps)
    assert x.dtype == np.dtype(dtype)
    assert np.max(np.abs(x - ref)) <= tolerance(dtype) * np.max(np.abs(ref))
    assert np.array_equal(b, b_before)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
@pytest.mark.parametrize("backward", [False, True])
def test_zero_start_equals_full_sweep(dtype, backward):
    """From x = 0, skipping the entries on the unswept side changes nothing."""
    a = matrix(60, dtype, seed=2)
    b = np.random.default_rng(3).standard_normal((60, 4)).astype(dtype)
    gs = kernel(a, np.int32)
    full, skipped = np.zeros_like(b), np.zeros_like(b)
    gs.sweep(full, b, backward)
    gs.sweep(skipped, b, backward, zero_start=True)
    assert np.array_equal(full, skipped)


def test_columns_are_independent_and_threads_change_nothing():
    """Each column of a block is swept as if alone, with any thread count."""
    a = matrix(300, np.float64, density=0.05, seed=4)
    b = np.random.default_rng(5).standard_normal((300, 37))
    gs = kernel(a, np.int64)
    one = np.zeros_like(b)
    gs.sweep(one, b, False, nthreads=1)
    two = np.zeros_like(b)
    gs.sweep(two, b, False, nthreads=2)
    assert np.array_equal(one, two)
    for j in range(b.shape[1]):
        col = np.zeros(300)
        gs.sweep(col, np.ascontiguousarray(b[:, j]), False)
        assert np.array_equal(col, one[:, j])


def test_zero_diagonal_row_is_left_alone():
    a = sp.csr_array(np.array([[2.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 4.0]]))
    x = np.array([1.0, 7.0, 1.0])
    b = np.array([3.0, 5.0, 2.0])
    kernel(a, np.int32).sweep(x, b)
    assert x[1] == 7.0
    assert x[0] == (3.0 - 7.0) / 2.0 and x[2] == (2.0 - 7.0) / 4.0


def test_bad_input_raises():
    a = matrix(10, np.float64)
    gs = kernel(a, np.int32)
    with pytest.raises(TypeError, match="float64"):
        gs.sweep(np.zeros(10, np.float32), np.zeros(10, np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        gs.sweep(np.zeros((10, 3), order="F"), np.zeros((10, 3), order="F"))
    with pytest.raises(ValueError, match="shape"):
        gs.sweep(np.zeros(9), np.zeros(9))
    with pytest.raises(TypeError, match="int64"):
        GaussSeidel(a.indptr, a.indices, a.data.astype(np.int64))
    bad = a.indices.copy()
    bad[0] = 10
    with pytest.raises(ValueError, match="out of range"):
        GaussSeidel(a.indptr, bad, a.data)
    with pytest.raises(ValueError, match="dtype"):
        GaussSeidel(a.indptr.astype(np.int64), a.indices.astype(np.int32), a.data)
