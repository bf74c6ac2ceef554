"""The one-pass centred Gram kernel (csrc/ml/gram.c, eigkit._kernels.ml.centered_gram):
Xc^T Xc and the column means against numpy's centred product in extended
precision, for every layout, thread count and every code path (register
tiles up to 400 features, GEMM tiles on several threads up to the
crossover argument beyond that, the BLAS's SYRK otherwise)."""
import numpy as np
import pytest

from eigkit._kernels.ml import centered_gram

TOL = {np.float64: 1e-13, np.float32: 2e-5}


def reference(X):
    """Lower triangle of Xc^T Xc and the means, centring first in float64
    (longdouble for the means)."""
    x = np.asarray(X, dtype=np.float64)
    mean = x.astype(np.longdouble).mean(axis=0).astype(np.float64)
    xc = x - mean
    return np.tril(xc.T @ xc), mean


def run(X, nthreads=1, mean=None):
    out = np.zeros(X.shape[1], X.dtype) if mean is None else np.array(mean, X.dtype)
    gram = centered_gram(X, out, mean is not None, nthreads)
    assert gram.flags.f_contiguous and gram.shape == (X.shape[1], X.shape[1])
    return np.tril(gram), out


def assert_gram(X, nthreads=1, scale=None):
    gram, mean = run(X, nthreads)
    ref, ref_mean = reference(X)
    tol = TOL[X.dtype.type]
    assert gram.dtype == X.dtype and mean.dtype == X.dtype
    scale = np.abs(ref).max() if scale is None else scale
    assert np.abs(gram - ref).max() <= tol * max(scale, np.finfo(X.dtype).tiny)
    spread = np.abs(np.asarray(X, np.float64)).max()
    assert np.abs(mean - ref_mean).max() <= tol * spread


def data(n, p, dtype=np.float64, offset=3.0, seed=0, order="C"):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + offset * rng.standard_normal(p)
    return np.asarray(x, dtype=dtype, order=order)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("shape", [(1000, 37), (3000, 300), (400, 700)])
@pytest.mark.parametrize("nthreads", [1, 2, 3])
def test_matches_centred_product(dtype, order, shape, nthreads):
    assert_gram(data(*shape, dtype=dtype, order=order), nthreads)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("view", ["strided", "reversed", "transposed_strided"])
def test_non_contiguous_input(dtype, view):
    base = data(2400, 90, dtype=dtype)
    X = {"strided": base[::3, ::2], "reversed": base[::-1, ::-1],
         "transposed_strided": np.asfortranarray(base)[1::2, 3:80]}[view]
    assert not X.flags.c_contiguous
    assert_gram(X, nthreads=2)


@pytest.mark.parametrize("shape", [(1, 7), (5, 7), (50, 40), (300, 1), (129, 3)])
def test_few_rows_or_one_column(shape):
    X = data(*shape)
    assert_gram(X, nthreads=2, scale=max(np.abs(reference(X)[0]).max(), 1.0))
    if shape[0] == 1:
        gram, mean = run(X)
        assert np.all(gram == 0) and np.array_equal(mean, X[0])


def test_input_not_modified_and_read_only_accepted():
    X = data(500, 20)
    X.setflags(write=False)
    copy = X.copy()
    assert_gram(X)
    assert np.array_equal(X, copy)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_mean_offset_keeps_accuracy(dtype):
    """|mean| = 1e4 x the spread: X^T X - n m m^T would lose 8 digits, the
    shifted pass loses none (the test of the rank-one form below shows
    the data are hard enough to tell)."""
    rng = np.random.default_rng(1)
    X = (1e4 + rng.standard_normal((6000, 30))).astype(dtype)
    ref, _ = reference(X)
    gram, _ = run(X, nthreads=2)
    tol = TOL[X.dtype.type]
    assert np.abs(gram - ref).max() <= tol * np.abs(ref).max()
    m = X.mean(axis=0)
    naive = np.tril(X.T @ X - dtype(X.shape[0]) * np.outer(m, m))
    assert np.abs(naive - ref).max() > 100 * tol * np.abs(ref).max()


@pytest.mark.parametrize("nthreads", [1, 2])
def test_outlying_first_rows_trigger_exact_second_pass(nthreads):
    """The first slab, whose means are the shift, lies 1000 standard
    deviations out: the correction would cancel about 10 bits (an error of
    1e-4 in float32, measured with the second pass disabled); the kernel
    centres exactly in a second pass instead."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((100000, 3))
    X[:128, 0] += 1e3
    assert_gram(X.astype(np.float32), nthreads)


def test_given_mean_centres_by_it():
    X = data(800, 25)
    shift = X.mean(axis=0) + 0.5
    gram, mean = run(X, mean=shift)
    xc = X - shift
    assert np.array_equal(mean, shift)
    assert np.abs(gram - np.tril(xc.T @ xc)).max() <= 1e-13 * np.abs(xc.T @ xc).max()


def test_thread_counts_agree():
    X = data(20000, 64)
    results = [run(X, nt)[0] for nt in (1, 2, 4)]
    for other in results[1:]:
        assert np.abs(other - results[0]).max() <= 1e-13 * np.abs(results[0]).max()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, tiled_max", [((3000, 300), 0), ((2000, 90), 0),
                                              ((1500, 700), 1000), ((5000, 40), 64)])
@pytest.mark.parametrize("nthreads", [1, 2])
def test_tile_and_syrk_modes_agree(dtype, shape, tiled_max, nthreads):
    """The crossover between the threads' tiles and the SYRK slabs is an
    argument: either mode on either side of it gives the centred product."""
    X = data(*shape, dtype=dtype)
    out = np.zeros(X.shape[1], X.dtype)
    gram = np.tril(centered_gram(X, out, False, nthreads, tiled_max))
    ref, ref_mean = reference(X)
    tol = TOL[X.dtype.type]
    assert np.abs(gram - ref).max() <= tol * np.abs(ref).max()
    assert np.abs(out - ref_mean).max() <= tol * np.abs(np.asarray(X, np.float64)).max()


REGISTER_MAX_FEATURES = 400   # csrc/common/tuning.h: GRAM_REGISTER_MAX_P


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 23, 24, 25, 33, 50, 64, 65, 128,
                               255, 256, 257, REGISTER_MAX_FEATURES, REGISTER_MAX_FEATURES + 1])
@pytest.mark.parametrize("nthreads", [1, 3])
def test_register_tile_edges(dtype, p, nthreads):
    """Every width around the register tiles' vectors (4 doubles, 8 floats),
    their 3-vector blocks, the padded row strides (multiples of 256 bytes)
    and the crossover to SYRK; rows that do not fill the last slab.  The
    tiles never write above the diagonal of the result."""
    X = data(1001, p, dtype=dtype, seed=p)
    out = np.zeros(p, X.dtype)
    gram = centered_gram(X, out, False, nthreads)
    ref, ref_mean = reference(X)
    tol = TOL[X.dtype.type]
    assert np.abs(np.tril(gram) - ref).max() <= tol * np.abs(ref).max()
    assert np.abs(out - ref_mean).max() <= tol * np.abs(np.asarray(X, np.float64)).max()
    if p <= REGISTER_MAX_FEATURES:
        assert np.all(np.triu(gram, 1) == 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_strided_rows_with_contiguous_features(dtype):
    """Rows a stride apart, features contiguous: the vectorized centring
    copy with the row stride."""
    base = data(3000, 70, dtype=dtype)
    X = base[::3, 5:61]
    assert X.strides[1] == X.itemsize and not X.flags.c_contiguous
    assert_gram(X, nthreads=2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [50, 256, 300])
def test_large_mean_offset_at_register_widths(dtype, p):
    """|mean| = 1e4 x the spread at the widths of the tall, narrow PCA
    fits: the register tiles see the shifted data only."""
    rng = np.random.default_rng(p)
    X = (1e4 + rng.standard_normal((5000, p))).astype(dtype)
    ref, _ = reference(X)
    gram, _ = run(X, nthreads=2)
    assert np.abs(gram - ref).max() <= TOL[X.dtype.type] * np.abs(ref).max()
