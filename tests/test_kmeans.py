"""eigkit's k-means kernel (csrc/ml/kmeans.c via eigkit._ml.kmeans) against
scikit-learn's k_means, and the properties of a Lloyd fixed point."""
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.cluster import k_means as sklearn_k_means  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from eigkit._ml.kmeans import k_means  # noqa: E402
from eigkit.config import get_tunables  # noqa: E402

# scikit-learn's OpenMP threads only contend on a shared machine
pytestmark = pytest.mark.usefixtures("single_threaded_blas")


def rs(seed):
    return np.random.RandomState(seed)


def assert_lloyd_fixed_point(X, centers, labels, inertia):
    """Every point is labelled with its nearest centre, and the inertia is
    the sum of those squared distances."""
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    assert np.all(d2[np.arange(X.shape[0]), labels] <= d2.min(axis=1) * (1 + 1e-12) + 1e-300)
    assert np.isclose(inertia, d2[np.arange(X.shape[0]), labels].sum(), rtol=1e-12)


@pytest.mark.parametrize("n, k, d", [(300, 3, 2), (5000, 6, 6), (9000, 8, 8), (2000, 12, 3)])
def test_agrees_with_scikit_learn_on_separated_blobs(n, k, d):
    # 9000 points span three chunks of the kernel
    X, _ = make_blobs(n, centers=k, n_features=d, cluster_std=0.5, random_state=n)
    centers, labels, inertia = k_means(X, k, random_state=rs(0))
    _, sk_labels, sk_inertia = sklearn_k_means(X, k, random_state=0, n_init=10)
    assert adjusted_rand_score(sk_labels, labels) == 1.0
    assert np.isclose(inertia, sk_inertia, rtol=1e-10)
    assert_lloyd_fixed_point(X, centers, labels, inertia)
    for c in range(k):
        assert np.allclose(centers[c], X[labels == c].mean(axis=0), atol=1e-10)


def test_same_answer_for_any_thread_count_and_deterministic():
    X, _ = make_blobs(20000, centers=5, n_features=4, cluster_std=3.0, random_state=1)
    one = k_means(X, 5, random_state=rs(3), n_threads=1)
    three = k_means(X, 5, random_state=rs(3), n_threads=3)
    again = k_means(X, 5, random_state=rs(3), n_threads=3)
    for a, b, c in zip(one, three, again):
        assert np.array_equal(a, b) and np.array_equal(b, c)


def test_overlapping_clusters_reach_a_fixed_point_no_worse_than_a_few_percent():
    # no clear structure: local minima differ, but each run is a fixed point
    X = np.random.default_rng(2).standard_normal((3000, 5))
    centers, labels, inertia = k_means(X, 7, random_state=rs(4), max_iter=500, tol=0)
    assert_lloyd_fixed_point(X, centers, labels, inertia)
    _, _, sk_inertia = sklearn_k_means(X, 7, random_state=4, n_init=10, max_iter=500, tol=0)
    assert inertia <= 1.05 * sk_inertia


def test_one_cluster_is_the_mean():
    X = np.random.default_rng(3).standard_normal((500, 3))
    centers, labels, inertia = k_means(X, 1, random_state=rs(0))
    assert np.all(labels == 0) and np.allclose(centers[0], X.mean(axis=0))
    assert np.isclose(inertia, ((X - X.mean(axis=0)) ** 2).sum())


def test_fewer_distinct_points_than_clusters_warns_as_scikit_learn():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 0.0]]), 10, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        centers, labels, inertia = k_means(X, 4, random_state=rs(0))
    assert labels.min() >= 0 and labels.max() < 4 and inertia == 0


def test_max_iter_one_still_consistent():
    X, _ = make_blobs(1000, centers=4, n_features=3, cluster_std=4.0, random_state=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        centers, labels, inertia = k_means(X, 4, random_state=rs(0), max_iter=1, n_init=1)
    assert_lloyd_fixed_point(X, centers, labels, inertia)


def test_input_kept_and_bad_sizes_refused():
    X = np.asfortranarray(np.random.default_rng(6).standard_normal((100, 3)))
    before = X.copy()
    k_means(X, 3, random_state=rs(0))
    assert np.array_equal(X, before)
    with pytest.raises(ValueError, match="n_clusters"):
        k_means(X, 101, random_state=rs(0))
    with pytest.raises(ValueError, match="features"):
        k_means(np.zeros((100, get_tunables()["kmeans_max_width"] + 1)), 2, random_state=rs(0))
