"""Exact k-nearest-neighbour graphs (csrc/ml/nearest_neighbors.c,
eigkit._ml.neighbors): the neighbours against a direct float64 computation and
against scikit-learn's kneighbors_graph, for both dtypes, both layouts, the
threaded and the large-feature (BLAS-threaded) paths, clustered data (where
leaves are skipped) and data without structure; ties, duplicates, threads,
input left alone, and the exceptions scikit-learn raises."""
import numpy as np
import pytest

from eigkit._ml.neighbors import kneighbors, kneighbors_graph


def exact_neighbors(X, k):
    """Distances and indices of the k nearest rows by direct float64
    differences, ties to the smaller index (a stable sort)."""
    x = np.asarray(X, dtype=np.float64)
    dist = np.empty((x.shape[0], k))
    ind = np.empty((x.shape[0], k), dtype=np.int64)
    for s in range(0, x.shape[0], 256):
        d2 = ((x[s:s + 256, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
        order = np.argsort(d2, axis=1, kind="stable")[:, :k]
        ind[s:s + 256] = order
        dist[s:s + 256] = np.sqrt(np.take_along_axis(d2, order, axis=1))
    return dist, ind


def blobs(n, d, seed=0, centers=5, spread=10.0):
    rng = np.random.default_rng(seed)
    c = rng.uniform(-spread, spread, (centers, d))
    return c[rng.integers(0, centers, n)] + rng.standard_normal((n, d))


def uniform(n, d, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, d)) + 3.0


# (n, d, k, data): small and large k, few and many features (d > 64: one
# thread hands large tiles to the BLAS), clustered and unstructured data,
# k = n, and more candidates than a leaf has rows (64 features: leaves of 32).
CASES = [(1, 3, 1, uniform), (9, 2, 9, uniform), (700, 3, 1, blobs), (1500, 10, 10, blobs),
         (1200, 5, 30, uniform), (600, 80, 6, blobs), (300, 120, 12, uniform),
         (500, 64, 40, blobs)]
CASE_IDS = [f"{n}x{d}-k{k}-{f.__name__}" for n, d, k, f in CASES]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, d, k, make", CASES, ids=CASE_IDS)
def test_distances_are_the_k_smallest(n, d, k, make, dtype):
    X = make(n, d).astype(dtype)
    dist, ind = kneighbors(X, k)
    ref_dist, _ = exact_neighbors(X, k)
    assert dist.shape == ind.shape == (n, k)
    assert dist.dtype == np.float64 and ind.dtype == np.int64
    # each reported distance is the distance to the reported row ...
    x = X.astype(np.float64)
    direct = np.sqrt(((x[:, None, :] - x[ind]) ** 2).sum(axis=-1))
    np.testing.assert_allclose(dist, direct, rtol=1e-13, atol=0)
    # ... they come nearest first, and they are the k smallest there are
    assert np.all(np.diff(dist, axis=1) >= 0)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12, atol=1e-12)
    assert all(len(set(row)) == k for row in ind)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n, d, k, make", CASES, ids=CASE_IDS)
def test_graph_matches_sklearn(n, d, k, make, dtype, order):
    sk_neighbors = pytest.importorskip("sklearn.neighbors")
    X = np.asarray(make(n, d), dtype=dtype, order=order)
    ours = kneighbors_graph(X, k)
    theirs = sk_neighbors.kneighbors_graph(X, k, mode="connectivity", include_self=True)
    assert ours.format == "csr" and ours.shape == theirs.shape == (n, n)
    assert ours.dtype == theirs.dtype == np.float64
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.data, 1.0)
    # rows may differ only by swapping points at (nearly) equal distances,
    # where scikit-learn's norm expansion cannot tell them apart
    x = X.astype(np.float64)
    mine, other = ours.indices.reshape(n, k), theirs.indices.reshape(n, k)
    for i in np.flatnonzero([set(a) != set(b) for a, b in zip(mine, other)]):
        d_mine = np.sort(np.linalg.norm(x[mine[i]] - x[i], axis=1))
        d_other = np.sort(np.linalg.norm(x[other[i]] - x[i], axis=1))
        scale = np.linalg.norm(x[i]) ** 2 + np.abs(x).max() ** 2 * d
        np.testing.assert_allclose(d_mine ** 2, d_other ** 2, rtol=0, atol=1e-13 * scale)
        assert np.all(d_mine <= d_other)


def test_include_self():
    X = blobs(400, 4)
    np.testing.assert_array_equal(kneighbors_graph(X, 1).toarray(), np.eye(400))
    _, ind = kneighbors(X, 5)
    np.testing.assert_array_equal(ind[:, 0], np.arange(400))


def test_duplicates_and_ties():
    """Points on an integer grid, each repeated: every distance is exact,
    so the neighbours are those of a stable sort (ties to the smaller
    index, a duplicate before the point itself when it comes first)."""
    rng = np.random.default_rng(1)
    base = rng.integers(-3, 4, (60, 3)).astype(np.float64)
    X = base[rng.integers(0, 60, 500)]
    for k in (1, 4, 25):
        dist, ind = kneighbors(X, k)
        ref_dist, ref_ind = exact_neighbors(X, k)
        np.testing.assert_array_equal(dist, ref_dist)
        np.testing.assert_array_equal(ind, ref_ind)
    sk_neighbors = pytest.importorskip("sklearn.neighbors")
    theirs = sk_neighbors.NearestNeighbors(n_neighbors=7).fit(X).kneighbors(X)[0]
    np.testing.assert_array_equal(np.sort(kneighbors(X, 7)[0], axis=1), np.sort(theirs, axis=1))


def test_far_apart_clusters_of_different_scales():
    """Leaves are skipped by ball bounds: a tight cluster next to a wide one,
    and a lone far point whose neighbours are all in another cluster."""
    rng = np.random.default_rng(2)
    X = np.vstack([1e-3 * rng.standard_normal((500, 6)) + 5.0, rng.standard_normal((700, 6)),
                   np.full((1, 6), 40.0)])
    dist, _ = kneighbors(X, 8)
    np.testing.assert_allclose(dist, exact_neighbors(X, 8)[0], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("d", [10, 90])
def test_threads_give_the_same_result(d):
    X = blobs(1500, d, seed=3).astype(np.float32)
    dist1, ind1 = kneighbors(X, 9, n_jobs=1)
    for n_jobs in (2, 3, -1, None):
        dist, ind = kneighbors(X, 9, n_jobs=n_jobs)
        np.testing.assert_array_equal(ind, ind1)
        np.testing.assert_array_equal(dist, dist1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_input_not_modified(dtype, order):
    X = np.asarray(blobs(300, 7), dtype=dtype, order=order)
    keep = X.copy(order="K")
    kneighbors_graph(X, 5)
    np.testing.assert_array_equal(X, keep)
    assert X.flags.c_contiguous == keep.flags.c_contiguous


def test_integer_and_list_input():
    X = np.random.default_rng(4).integers(0, 50, (200, 3))
    np.testing.assert_array_equal(kneighbors(X, 4)[0], kneighbors(X.astype(float), 4)[0])
    np.testing.assert_array_equal(kneighbors_graph(X.tolist(), 4).toarray(),
                                  kneighbors_graph(X.astype(float), 4).toarray())


X_OK = np.arange(20.0).reshape(10, 2)
BAD = {
    "nan": (np.where(X_OK == 3.0, np.nan, X_OK), 2, "contains NaN"),
    "inf": (np.where(X_OK == 3.0, np.inf, X_OK), 2, "infinity"),
    "k_too_large": (X_OK, 11, "n_neighbors <= n_samples_fit"),
    "k_zero": (X_OK, 0, "n_neighbors"),
    "k_negative": (X_OK, -1, "n_neighbors"),
    "k_float": (X_OK, 2.5, "n_neighbors"),
    "1d": (X_OK[:, 0], 2, "Expected 2D array"),
    "complex": (X_OK + 1j, 2, "Complex data"),
    "no_samples": (np.empty((0, 2)), 1, "0 sample"),
    "no_features": (np.empty((5, 0)), 1, "0 feature"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_like_sklearn(case):
    X, k, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        kneighbors_graph(X, k)
    sk_neighbors = pytest.importorskip("sklearn.neighbors")
    with pytest.raises(ValueError):
        sk_neighbors.kneighbors_graph(X, k, include_self=True)


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e200), (np.float32, 1e30)])
def test_overflowing_norms_raise(dtype, big):
    X = np.array([[0.0, 1.0], [big, 0.0], [2.0, 2.0]], dtype=dtype)
    with pytest.raises(ValueError, match="too large"):
        kneighbors(X, 2)


def test_n_jobs_zero_raises():
    with pytest.raises(ValueError, match="n_jobs"):
        kneighbors(X_OK, 2, n_jobs=0)


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
def test_spectral_affinity_is_sklearns():
    """SpectralClustering's nearest-neighbour affinity on dense data is
    scikit-learn's, built on eigkit's graph."""
    pytest.importorskip("sklearn")
    from sklearn.neighbors import kneighbors_graph as sk_graph
    from eigkit import SpectralClustering, SpectralEmbedding
    X = blobs(600, 5, seed=5)
    C = sk_graph(X, 10, include_self=True)
    expected = (0.5 * (C + C.T)).toarray()
    model = SpectralClustering(3, affinity="nearest_neighbors", random_state=0).fit(X)
    assert type(model.affinity_matrix_) is type(0.5 * (C + C.T))
    np.testing.assert_array_equal(model.affinity_matrix_.toarray(), expected)
    emb = SpectralEmbedding(affinity="nearest_neighbors", n_neighbors=10,
                            random_state=0, n_jobs=2).fit(X.astype(np.float32))
    C32 = sk_graph(X.astype(np.float32), 10, include_self=True)
    np.testing.assert_array_equal(emb.affinity_matrix_.toarray(), (0.5 * (C32 + C32.T)).toarray())
