"""The compiled covariance operator (csrc/ml/covariance_operator.c,
eigkit._kernels.ml.covariance_product): Xc^T (Xc W) and Xc (Xc^T W) against
numpy's products with an explicitly centred copy, within the rounding
bound of the sums, for both precisions, every block width the kernel
takes and shapes around its slab, vector and chunk sizes; bit-identical
for every thread count; X, the means and W only read."""
import numpy as np
import pytest

from eigkit._ml.centered import covariance_product
from eigkit._kernels.ml import COVARIANCE_MAX_BLOCK
from eigkit._kernels.ml import covariance_product as kernel


def data(n, p, dtype, offset=3.0, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + offset * rng.standard_normal(p)
    return np.ascontiguousarray(x, dtype=dtype)


def block(rows, b, dtype, seed=1):
    return np.asfortranarray(np.random.default_rng(seed).standard_normal((rows, b)), dtype=dtype)


def means(X):
    return X.astype(np.float64).mean(axis=0).astype(X.dtype)


def assert_product(X, mean, W, samples, nthreads=1):
    """The kernel's result is within the rounding bound of its sums:
    |Y - ref| <= (n + p + 2) eps (|Xc| |Xc|^T |W|) entrywise, ref from the
    same centred entries (x - m rounded in X's dtype, as the kernel does)
    multiplied in float64 (float32 data) or longdouble."""
    Y = kernel(X, mean, W, samples, nthreads)
    n, p = X.shape
    assert Y.dtype == X.dtype and Y.shape == W.shape and Y.flags.f_contiguous
    wide = np.float64 if X.dtype == np.float32 else np.longdouble
    xc = (X - mean).astype(wide)
    w = W.astype(wide)
    if samples:
        ref = xc @ (xc.T @ w)
        bound = np.abs(xc) @ (np.abs(xc).T @ np.abs(w))
    else:
        ref = xc.T @ (xc @ w)
        bound = np.abs(xc).T @ (np.abs(xc) @ np.abs(w))
    eps = np.finfo(X.dtype).eps
    err = np.abs(Y.astype(wide) - ref)
    assert np.all(err <= (n + p + 2) * eps * bound + np.finfo(X.dtype).tiny)
    return Y


# n, p around the group (4 rows), slab (8 rows), vector (4 doubles / 8
# floats) and chunk (64 rows) sizes of the kernel
SHAPES = [(1, 1), (1, 19), (19, 1), (3, 5), (7, 33), (9, 16), (64, 17), (130, 31), (515, 70)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("samples", [False, True])
def test_matches_centred_product(dtype, shape, samples):
    X = data(*shape, dtype)
    mean = means(X)
    rows = shape[0] if samples else shape[1]
    for b in (1, 2, 3, 5, 8, 16):
        assert_product(X, mean, block(rows, b, dtype, seed=b), samples, nthreads=2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("samples", [False, True])
def test_every_block_width(dtype, samples):
    X = data(150, 45, dtype)
    mean = means(X)
    for b in range(1, COVARIANCE_MAX_BLOCK + 1):
        assert_product(X, mean, block(150 if samples else 45, b, dtype, seed=b), samples)


@pytest.mark.parametrize("dtype,offset", [(np.float64, 1e7), (np.float32, 1e4)])
@pytest.mark.parametrize("samples", [False, True])
def test_large_offsets_are_centred_exactly(dtype, offset, samples):
    """Means 1e7 (1e4 in float32) times the spread: forming X^T X and
    subtracting n m m^T would lose all digits; the kernel's error is that
    of products of the centred copy."""
    X = data(300, 40, dtype, offset=offset)
    mean = means(X)
    W = block(300 if samples else 40, 3, dtype)
    Y = assert_product(X, mean, W, samples)
    xc = X - mean
    direct = kernel(np.ascontiguousarray(xc), np.zeros_like(mean), W, samples)
    scale = np.abs(direct).max()
    assert np.abs(Y - direct).max() <= 100 * np.finfo(dtype).eps * (300 + 40) * scale


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("samples", [False, True])
def test_thread_count_does_not_change_bits(dtype, samples):
    # 8 chunks of rows, and enough work (n p b) for 3 threads
    X = data(1203, 700, dtype)
    mean = means(X)
    W = block(1203 if samples else 700, 4, dtype)
    results = [kernel(X, mean, W, samples, nt) for nt in (1, 2, 3, 8)]
    for other in results[1:]:
        assert np.array_equal(results[0], other)


def test_inputs_are_only_read():
    X = data(200, 30, np.float64)
    mean = means(X)
    W = block(30, 4, np.float64)
    copies = [a.copy() for a in (X, mean, W)]
    for a in (X, mean, W):
        a.setflags(write=False)
    Y = kernel(X, mean, W, False, 2)
    Z = kernel(X, mean, block(200, 4, np.float64), True, 2)
    for a, c in zip((X, mean, W), copies):
        assert np.array_equal(a, c)
    assert np.isfinite(Y).all() and np.isfinite(Z).all()


def test_bad_arguments_raise():
    X = data(20, 6, np.float64)
    mean = means(X)
    with pytest.raises(ValueError, match="do not fit"):
        kernel(X, mean, block(7, 2, np.float64), False)
    with pytest.raises(ValueError, match="do not fit"):
        kernel(X, mean[:5], block(6, 2, np.float64), False)
    with pytest.raises(ValueError, match="columns"):
        kernel(X, mean, block(6, COVARIANCE_MAX_BLOCK + 1, np.float64), False)


@pytest.mark.parametrize("side", ["features", "samples"])
def test_dispatch_agrees_with_numpy_path(side):
    """covariance_product: the kernel for C-ordered X (blocks wider than
    the kernel's in several calls), numpy slices for Fortran-ordered X;
    both the centred product."""
    X = data(90, 70, np.float64)
    mean = means(X)
    W = np.random.default_rng(2).standard_normal((70 if side == "features" else 90, 21))
    xc = X - mean
    ref = xc.T @ (xc @ W) if side == "features" else xc @ (xc.T @ W)
    for arr in (X, np.asfortranarray(X)):
        out = covariance_product(arr, mean, W, side)
        assert out.shape == ref.shape
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())
