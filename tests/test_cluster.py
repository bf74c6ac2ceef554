"""eigkit.spectral_embedding, SpectralEmbedding and SpectralClustering:
scikit-learn's estimator checks, eigenvector accuracy, and agreement with
scikit-learn (embeddings up to rotations within eigenspaces, labels up to
permutation)."""
import numpy as np
import pytest
import scipy.sparse as sp

sklearn = pytest.importorskip("sklearn")
from scipy.sparse.csgraph import laplacian  # noqa: E402
from sklearn import cluster as skc, manifold as skm  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.neighbors import kneighbors_graph  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from eigkit._ml.label_assignment import cluster_qr, discretize  # noqa: E402
from eigkit.cluster import SpectralClustering, SpectralEmbedding, spectral_embedding  # noqa: E402


@parametrize_with_checks([SpectralEmbedding(random_state=0),
                          SpectralClustering(random_state=0, n_init=3)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def knn_affinity(n, centers, seed=0, std=1.0, neighbours=10):
    X, y = make_blobs(n_samples=n, centers=centers, n_features=5, cluster_std=std,
                      random_state=seed)
    a = kneighbors_graph(X, neighbours, include_self=True)
    return X, y, 0.5 * (a + a.T)


def bridged(adjacency, parts):
    """One weak edge between consecutive components: a connected graph
    whose first few Laplacian eigenvalues are small and well separated
    from the rest."""
    a = sp.lil_matrix(adjacency)
    firsts = [np.flatnonzero(parts == c)[0] for c in range(parts.max() + 1)]
    for i, j in zip(firsts, firsts[1:]):
        a[i, j] = a[j, i] = 0.05
    return sp.csr_matrix(a)


def largest_principal_sine(a, b):
    """sin of the largest principal angle between the column spaces, as
    ||(I - Qa Qa^T) Qb||_2 (accurate for small angles, unlike 1 - cos^2)."""
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    return float(np.linalg.norm(qb - qa @ (qa.T @ qb), 2))


def laplacian_residual(adjacency, embedding):
    """max ||L x - (x^T L x) x|| over the columns x = D^1/2 e / ||D^1/2 e||
    (the normalized Laplacian's eigenvectors behind the embedding)."""
    lap, dd = laplacian(sp.csr_matrix(adjacency), normed=True, return_diag=True)
    lap = sp.csr_matrix(lap)
    lap.setdiag(1.0)
    x = embedding * dd[:, None]
    x /= np.linalg.norm(x, axis=0)
    lx = lap @ x
    return float(np.linalg.norm(lx - x * np.sum(x * lx, axis=0), axis=0).max())


@pytest.fixture(scope="module")
def connected_graphs():
    """(adjacency, drop_first n_components) with a spectral gap after them:
    small (dense path) and large (Lanczos path)."""
    graphs = {}
    for n in (300, 1500):
        _, y, a = knn_affinity(n, 4)
        graphs[n] = bridged(a, y)
    return graphs


@pytest.mark.parametrize("n", [300, 1500], ids=["dense-path", "lanczos-path"])
@pytest.mark.parametrize("eigen_solver", [None, "lobpcg"])
def test_embedding_matches_sklearn_subspace(connected_graphs, n, eigen_solver):
    a = connected_graphs[n]
    ours = spectral_embedding(a, n_components=3, random_state=0, eigen_solver=eigen_solver,
                              eigen_tol=1e-10 if eigen_solver else "auto")
    theirs = skm.spectral_embedding(a, n_components=3, random_state=0)
    assert ours.shape == theirs.shape == (n, 3)
    assert laplacian_residual(a, ours) < 1e-8
    assert largest_principal_sine(ours, theirs) < 1e-6


def test_embedding_sign_convention_and_dense_equals_lanczos(connected_graphs, tune):
    a = connected_graphs[300]
    dense = spectral_embedding(a, n_components=3, random_state=0, drop_first=False)
    tune(embedding_dense_max_nodes=100)
    lanczos = spectral_embedding(a, n_components=3, random_state=0, drop_first=False)
    assert largest_principal_sine(lanczos, dense) < 1e-8
    for emb in (lanczos, dense):
        pivots = np.abs(emb).argmax(axis=0)
        assert np.all(emb[pivots, np.arange(3)] > 0)


@pytest.mark.parametrize("n", [300, 1500], ids=["dense-path", "lanczos-path"])
@pytest.mark.parametrize("eigen_solver", [None, "lobpcg"])
def test_disconnected_graph_finds_the_whole_null_space(n, eigen_solver):
    _, y, a = knn_affinity(n, 3, std=0.5)
    assert sp.csgraph.connected_components(a)[0] == 3
    with pytest.warns(UserWarning, match="not fully connected"):
        emb = spectral_embedding(a, n_components=5, drop_first=False, random_state=0,
                                 eigen_solver=eigen_solver)
    indicators = np.eye(3)[y]
    # the three smallest eigenvalues are 0: their vectors, scaled back by
    # D^-1/2, span the component indicators exactly
    assert largest_principal_sine(emb[:, :3], indicators) < 1e-8
    assert laplacian_residual(a, emb) < 1e-6


@pytest.mark.parametrize("eigen_solver", [None, "arpack"])
def test_arpack_path_is_matrix_free_and_exact(eigen_solver, monkeypatch):
    """No sparse LU (its fill-in on a 10-D kNN graph is nearly complete),
    yet eigen_tol='auto' still means machine precision, as ARPACK's."""
    from eigkit import sparse as eigkit_sparse

    def no_factorization(*args, **kwargs):
        raise AssertionError("the Laplacian was factorized")
    monkeypatch.setattr(eigkit_sparse, "splu", no_factorization)
    X, _ = make_blobs(n_samples=2000, centers=6, n_features=10, cluster_std=4.0,
                      random_state=0)
    a = kneighbors_graph(X, 10, include_self=True)
    a = 0.5 * (a + a.T)
    assert sp.csgraph.connected_components(a)[0] == 1
    emb = spectral_embedding(a, n_components=5, random_state=0, eigen_solver=eigen_solver)
    assert laplacian_residual(a, emb) < 1e-10


def test_unnormalized_laplacian(connected_graphs):
    a = connected_graphs[1500]
    ours = spectral_embedding(a, n_components=3, norm_laplacian=False, random_state=0,
                              eigen_solver="lobpcg", eigen_tol=1e-10)
    theirs = skm.spectral_embedding(a, n_components=3, norm_laplacian=False, random_state=0)
    assert largest_principal_sine(ours, theirs) < 1e-6


@pytest.mark.parametrize("affinity", ["nearest_neighbors", "rbf"])
def test_spectral_embedding_estimator_matches_sklearn(affinity):
    X, y, a = knn_affinity(200, 3, std=2.5)
    assert sp.csgraph.connected_components(a)[0] == 1
    ours = SpectralEmbedding(n_components=2, affinity=affinity, random_state=0, gamma=0.05)
    theirs = skm.SpectralEmbedding(n_components=2, affinity=affinity, random_state=0,
                                   gamma=0.05)
    emb = ours.fit_transform(X)
    ref = theirs.fit_transform(X)
    assert largest_principal_sine(emb, ref) < 1e-6
    assert (ours.affinity_matrix_ != theirs.affinity_matrix_).sum() == 0


@pytest.mark.parametrize("assign_labels", ["kmeans", "discretize", "cluster_qr"])
@pytest.mark.parametrize("affinity", ["nearest_neighbors", "rbf"])
def test_clustering_labels_match_sklearn(affinity, assign_labels):
    X, y = make_blobs(n_samples=240, centers=4, n_features=3, cluster_std=0.4, random_state=2)
    kwargs = dict(n_clusters=4, affinity=affinity, assign_labels=assign_labels, gamma=0.2,
                  random_state=0, n_init=3)
    ours = SpectralClustering(**kwargs).fit(X).labels_
    theirs = skc.SpectralClustering(**kwargs).fit(X).labels_
    assert adjusted_rand_score(ours, theirs) == 1.0
    assert adjusted_rand_score(ours, y) == 1.0


def test_clustering_precomputed_affinities_and_large_graph():
    X, y, a = knn_affinity(1500, 6, seed=4, std=1.0)
    for affinity, data in (("precomputed", a), ("nearest_neighbors", X)):
        labels = SpectralClustering(6, affinity=affinity, random_state=0, n_init=2,
                                    assign_labels="cluster_qr").fit_predict(data)
        assert adjusted_rand_score(labels, y) == 1.0
    distances = kneighbors_graph(X[:300], 10, mode="distance")
    ours = SpectralClustering(6, affinity="precomputed_nearest_neighbors", n_neighbors=5,
                              random_state=0, n_init=2).fit_predict(distances)
    theirs = skc.SpectralClustering(6, affinity="precomputed_nearest_neighbors", n_neighbors=5,
                                    random_state=0, n_init=2).fit_predict(distances)
    assert adjusted_rand_score(ours, theirs) == 1.0


def test_clustering_callable_affinity():
    X, y = make_blobs(n_samples=90, centers=3, n_features=2, cluster_std=0.3, random_state=1)

    def kernel(a, b):     # pairwise_kernels calls it on pairs of samples
        return np.exp(-0.5 * np.sum((a - b) ** 2))
    labels = SpectralClustering(3, affinity=kernel, random_state=0).fit_predict(X)
    assert adjusted_rand_score(labels, y) == 1.0


def test_label_assignment_matches_sklearn_helpers():
    from sklearn.cluster._spectral import cluster_qr as sk_cluster_qr, discretize as sk_discretize
    X, y, a = knn_affinity(400, 5, std=0.8)
    emb = spectral_embedding(bridged(a, y), n_components=5, drop_first=False, random_state=0)
    assert adjusted_rand_score(cluster_qr(emb), sk_cluster_qr(emb)) == 1.0
    ours = discretize(emb, random_state=np.random.RandomState(0))
    theirs = sk_discretize(emb.copy(), random_state=np.random.RandomState(0))
    assert adjusted_rand_score(ours, theirs) == 1.0
    assert adjusted_rand_score(ours, y) == 1.0


def test_errors():
    a = knn_affinity(50, 2)[2]
    pyamg_missing = True
    try:
        import pyamg  # noqa: F401
        pyamg_missing = False
    except ImportError:
        pass
    if pyamg_missing:
        with pytest.raises(ValueError, match="pyamg"):
            spectral_embedding(a, eigen_solver="amg")
    with pytest.raises(ValueError, match="eigen_solver"):
        spectral_embedding(a, eigen_solver="lapack")
    with pytest.raises(ValueError, match="n_components"):
        spectral_embedding(a, n_components=0)
    with pytest.raises(ValueError, match="assign_labels"):
        SpectralClustering(assign_labels="nearest").fit(np.random.rand(20, 2))
    with pytest.raises(ValueError, match="1 sample"):
        SpectralEmbedding().fit(np.ones((1, 3)))


def test_more_clusters_than_samples_like_sklearn():
    X = np.random.default_rng(0).standard_normal((10, 3))
    message = r"^n_samples=10 should be >= n_clusters=20\.$"
    with pytest.raises(ValueError, match=message):
        skc.SpectralClustering(20, random_state=0).fit(X)
    for affinity in ("rbf", "nearest_neighbors"):
        with pytest.raises(ValueError, match=message):
            SpectralClustering(20, affinity=affinity, n_neighbors=3, random_state=0).fit(X)


def test_more_components_than_samples_like_sklearn():
    X = np.random.default_rng(0).standard_normal((10, 3))
    with pytest.warns(RuntimeWarning):
        theirs = skm.SpectralEmbedding(20, affinity="rbf").fit(X).embedding_
    for affinity in ("rbf", "nearest_neighbors"):
        with pytest.warns(RuntimeWarning, match="n_components=20 is more than a graph of "
                                                "n_samples=10 nodes gives"):
            ours = SpectralEmbedding(20, affinity=affinity, n_neighbors=3).fit(X).embedding_
        assert ours.shape == theirs.shape == (10, 9)
    with pytest.warns(RuntimeWarning, match="the embedding has 10 columns"):
        labels = SpectralClustering(20, assign_labels="discretize", random_state=0).fit(X).labels_
    assert labels.shape == (10,)
