"""eigkit on Dask: fits, transforms, eigsh and svds under a LocalCluster with
worker processes, compared with the same computations in memory."""
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402  (a dependency of distributed)
import dask  # noqa: E402

import eigkit  # noqa: E402
from eigkit.distributed import (fit_pca_dask, fit_truncated_svd_dask,  # noqa: E402
                                inverse_transform_dask, transform_dask)

RTOL = 1e-10


@pytest.fixture(scope="module")
def client():
    # Workers unpickle the block generators below by value: they cannot
    # import this test module.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", memory_limit="1GiB") as cluster, \
            distributed.Client(cluster) as c:
        yield c
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _block_values(seed, row0, rows, scales, offset):
    """Rows row0 .. row0 + rows of a fixed random matrix with column scales
    and a common offset (a large mean tests the centring)."""
    rng = np.random.default_rng([seed, row0])
    return rng.standard_normal((rows, len(scales))) * scales + offset


def _counted_array(log, n, scales, row_chunk, col_chunk, seed=0, offset=0.0):
    """A dask array generated block by block; every generated block appends a
    line to `log`, so the test can count the passes over the data."""
    p = len(scales)

    def make(block_info=None):
        info = block_info[None]
        (r0, r1), (c0, c1) = info["array-location"]
        with open(log, "a") as f:
            f.write(f"{r0} {c0}\n")
        return _block_values(seed, r0, r1 - r0, scales, offset)[:, c0:c1]

    # Rows are generated whole so that column blocks of one row block agree.
    rows = tuple(min(row_chunk, n - i) for i in range(0, n, row_chunk))
    cols = tuple(min(col_chunk, p - j) for j in range(0, p, col_chunk))
    X = da.map_blocks(make, chunks=(rows, cols), dtype=np.float64, meta=np.empty((0, 0)))
    dense = np.vstack([_block_values(seed, r0, r, scales, offset)
                       for r0, r in zip(np.cumsum((0,) + rows[:-1]), rows)])
    return X, dense


def _passes(log, X):
    """Reads of the whole array recorded in `log` (each block once per pass)."""
    with open(log) as f:
        lines = f.read().split("\n")[:-1]
    counts = {line: lines.count(line) for line in set(lines)}
    assert len(counts) == X.npartitions, "some blocks were never read"
    assert len(set(counts.values())) == 1, f"blocks read unevenly: {counts}"
    return next(iter(counts.values()))


def _centred_variances(A):
    """Reference: all eigenvalues of the covariance, centred in memory."""
    Ac = A - A.mean(axis=0)
    return eigkit.eigvalsh(Ac.T @ Ac / (A.shape[0] - 1))[::-1]


def _assert_same_directions(comps, ref, atol):
    # Both follow scikit-learn's sign rule, so the signs must agree too.
    np.testing.assert_allclose(comps, ref, atol=atol)


def test_pca_one_pass_matches_in_memory_with_a_large_mean(client, tmp_path):
    sklearn = pytest.importorskip("sklearn.decomposition")
    scales = np.geomspace(10.0, 0.1, 12)
    X, A = _counted_array(tmp_path / "log", 3000, scales, 400, 12, offset=1e5)
    fit = fit_pca_dask(X, 4)
    assert fit.solver == "covariance_eigh" and fit.n_passes == 1
    assert _passes(tmp_path / "log", X) == 1
    ref = _centred_variances(A)
    np.testing.assert_allclose(fit.explained_variance_, ref[:4], rtol=RTOL)
    np.testing.assert_allclose(fit.noise_variance_, ref[4:].mean(), rtol=1e-9)
    sk = sklearn.PCA(4, svd_solver="full").fit(A)
    np.testing.assert_allclose(fit.explained_variance_, sk.explained_variance_, rtol=RTOL)
    np.testing.assert_allclose(fit.explained_variance_ratio_, sk.explained_variance_ratio_,
                               rtol=RTOL)
    np.testing.assert_allclose(fit.singular_values_, sk.singular_values_, rtol=RTOL)
    np.testing.assert_allclose(fit.mean_, sk.mean_, rtol=1e-14)
    _assert_same_directions(fit.components_, sk.components_, 1e-9)


def test_pca_fraction_of_variance_selects_like_scikit_learn(client):
    sklearn = pytest.importorskip("sklearn.decomposition")
    A = _block_values(1, 0, 500, np.geomspace(5.0, 0.5, 8), 3.0)
    fit = fit_pca_dask(da.from_array(A, chunks=(128, 8)), 0.9)
    sk = sklearn.PCA(0.9, svd_solver="full").fit(A)
    assert fit.n_components == sk.n_components_
    np.testing.assert_allclose(fit.explained_variance_, sk.explained_variance_, rtol=RTOL)


@pytest.mark.parametrize("solver, col_chunk", [("randomized", 150), ("randomized", 300),
                                               ("arpack", 300)])
def test_pca_wide_data_matches_in_memory(client, tmp_path, tune, solver, col_chunk):
    sklearn = pytest.importorskip("sklearn.decomposition")
    # More features than the one-pass path takes (its limit lowered to keep
    # the test small), chunked in rows only (one task per block product) or
    # in both directions (Dask's matmuls); a decaying spectrum so that the
    # iterations reach full accuracy.
    tune(dask_gram_max_features=100)
    scales = np.concatenate([np.geomspace(100.0, 5.0, 6), np.full(294, 0.01)])
    X, A = _counted_array(tmp_path / "log", 200, scales, 70, col_chunk, offset=50.0)
    fit = fit_pca_dask(X, 5, svd_solver="auto" if solver == "randomized" else solver,
                       n_iter=2, random_state=0)
    assert fit.solver == solver
    ref = _centred_variances(A)
    np.testing.assert_allclose(fit.explained_variance_, ref[:5], rtol=RTOL)
    sk = sklearn.PCA(5, svd_solver="full").fit(A)
    np.testing.assert_allclose(fit.explained_variance_ratio_, sk.explained_variance_ratio_,
                               rtol=RTOL)
    np.testing.assert_allclose(fit.noise_variance_, sk.noise_variance_, rtol=1e-9)
    _assert_same_directions(fit.components_, sk.components_, 1e-7)
    assert _passes(tmp_path / "log", X) == fit.n_passes
    if solver == "randomized":
        assert fit.n_passes == 2 + 2  # n_iter, first pass, Rayleigh-Ritz


@pytest.mark.parametrize("algorithm, n_features", [("randomized", 40), ("arpack", 40),
                                                   ("randomized", 150)])
def test_truncated_svd_matches_scikit_learn(client, tune, algorithm, n_features):
    sklearn = pytest.importorskip("sklearn.decomposition")
    tune(dask_gram_max_features=100)
    scales = np.concatenate([np.geomspace(50.0, 2.0, 5), np.full(n_features - 5, 0.01)])
    A = np.abs(_block_values(2, 0, 400, scales, 0.0))
    fit = fit_truncated_svd_dask(da.from_array(A, chunks=(90, 400)), 3, algorithm=algorithm,
                                 n_iter=5, random_state=0)
    expected = "covariance_eigh" if (algorithm, n_features) == ("randomized", 40) else algorithm
    assert fit.solver == expected and fit.mean_ is None
    sk = sklearn.TruncatedSVD(3, algorithm="arpack", tol=0).fit(A)
    np.testing.assert_allclose(fit.singular_values_, sk.singular_values_, rtol=RTOL)
    np.testing.assert_allclose(fit.explained_variance_, sk.explained_variance_, rtol=RTOL)
    np.testing.assert_allclose(fit.explained_variance_ratio_, sk.explained_variance_ratio_,
                               rtol=RTOL)
    _assert_same_directions(fit.components_, sk.components_, 1e-8)


@pytest.mark.parametrize("whiten", [False, True])
def test_transforms_are_lazy_row_chunked_and_match_scikit_learn(client, whiten):
    sklearn = pytest.importorskip("sklearn.decomposition")
    A = _block_values(3, 0, 700, np.geomspace(4.0, 0.2, 9), -7.0)
    X = da.from_array(A, chunks=(150, 9))
    fit = fit_pca_dask(X, 4)
    sk = sklearn.PCA(4, svd_solver="full", whiten=whiten).fit(A)
    scale = np.sqrt(fit.explained_variance_) if whiten else None
    Y = transform_dask(X, fit.components_, fit.mean_, scale)
    assert isinstance(Y, da.Array) and Y.chunks[0] == X.chunks[0] and Y.shape == (700, 4)
    np.testing.assert_allclose(Y.compute(), sk.transform(A), rtol=1e-9, atol=1e-9)
    back = inverse_transform_dask(Y, fit.components_, fit.mean_, scale)
    assert isinstance(back, da.Array) and back.chunks[0] == X.chunks[0]
    np.testing.assert_allclose(back.compute(), sk.inverse_transform(sk.transform(A)),
                               rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("solver", ["covariance_eigh", "randomized"])
def test_fit_never_brings_rows_to_the_client(client, monkeypatch, solver):
    n = 5000
    X = da.random.default_rng(4).standard_normal((n, 30), chunks=(1000, 30))
    seen = []
    real_compute = dask.compute

    def recording_compute(*args, **kwargs):
        out = real_compute(*args, **kwargs)
        stack = list(out)
        while stack:
            item = stack.pop()
            if isinstance(item, (tuple, list)):
                stack.extend(item)
            else:
                seen.append(np.shape(item))
        return out

    monkeypatch.setattr(dask, "compute", recording_compute)
    fit = fit_pca_dask(X, 3, svd_solver=solver, random_state=0)
    assert len(seen) > 0 and fit.n_passes >= 1
    assert max(max(shape, default=0) for shape in seen) < n


def test_float32_stays_float32_and_ints_become_float64(client):
    A = _block_values(5, 0, 200, np.arange(1.0, 6.0), 1.0)
    f32 = fit_pca_dask(da.from_array(A.astype(np.float32), chunks=(50, 5)), 2)
    assert f32.components_.dtype == np.float32 and f32.explained_variance_.dtype == np.float32
    fint = fit_pca_dask(da.from_array(np.rint(A * 10).astype(np.int64), chunks=(50, 5)), 2)
    assert fint.components_.dtype == np.float64


def test_bad_input_raises(client):
    X = da.ones((20, 5), chunks=(10, 5))
    with pytest.raises(TypeError, match="dask array"):
        fit_pca_dask(np.ones((20, 5)), 2)
    with pytest.raises(ValueError, match="n_components=6"):
        fit_pca_dask(X, 6)
    with pytest.raises(ValueError, match="n_components=5"):
        fit_pca_dask(X, 5, svd_solver="arpack")
    with pytest.raises(ValueError, match="svd_solver"):
        fit_pca_dask(X, 2, svd_solver="qr")
    with pytest.raises(ValueError, match="float in"):
        fit_pca_dask(X, 0.5, svd_solver="randomized")
    with pytest.raises(ValueError, match="algorithm"):
        fit_truncated_svd_dask(X, 2, algorithm="full")
    with pytest.raises(ValueError, match="minimum of 2"):
        fit_pca_dask(da.ones((1, 5), chunks=(1, 5)), 1)
    with pytest.raises(ValueError, match="features"):
        transform_dask(X, np.ones((2, 4)))


def test_eigsh_on_a_dask_array_equals_in_memory(client):
    # Well separated leading eigenvalues: few products, each one a compute.
    rng = np.random.default_rng(6)
    Q, _ = np.linalg.qr(rng.standard_normal((600, 600)))
    S = (Q * np.concatenate([[100.0, 90.0, 80.0, 70.0], rng.uniform(-1, 1, 596)])) @ Q.T
    # Persisted, as data held by the cluster would be: from_array would ship
    # the matrix with every product.
    D = client.persist(da.from_array(S, chunks=(150, 600)))
    w, v = eigkit.eigsh(D, k=4, which="LA", rng=1, block_size=4)
    w_ref, v_ref = eigkit.eigsh(S, k=4, which="LA", rng=1)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12)
    np.testing.assert_allclose(np.abs(v.T @ v_ref), np.eye(4), atol=1e-8)
    assert isinstance(v, np.ndarray)


def test_svds_on_a_dask_array_equals_in_memory(client):
    A = _block_values(7, 0, 900, np.array([30.0, 20.0, 15.0, 1.0, 1.0, 1.0, 1.0, 1.0]), 0.0)
    u, s, vh = eigkit.svds(client.persist(da.from_array(A, chunks=(200, 4))), k=3, rng=2)
    _, s_ref, vh_ref = eigkit.svds(A, k=3, rng=2)
    np.testing.assert_allclose(s, s_ref, rtol=1e-12)
    np.testing.assert_allclose(np.abs(vh @ vh_ref.T), np.eye(3), atol=1e-8)
    np.testing.assert_allclose(u * s, A @ vh.T, atol=1e-9)


@pytest.mark.parametrize("solver", ["covariance_eigh", "randomized"])
def test_empty_blocks_are_ignored(client, solver):
    A = _block_values(8, 0, 100, np.arange(1.0, 5.0), 2.0)
    X = da.from_array(A, chunks=((50, 0, 50), (4,)))
    fit = fit_pca_dask(X, 2, svd_solver=solver, random_state=0)
    np.testing.assert_allclose(fit.explained_variance_, _centred_variances(A)[:2], rtol=RTOL)


# ---------------------------------------------------------------------------
# The estimators dispatch dask arrays to eigkit.distributed

@pytest.mark.parametrize("solver", ["auto", "covariance_eigh", "randomized"])
@pytest.mark.parametrize("whiten", [False, True])
def test_pca_estimator_on_a_dask_array_matches_in_memory(client, tmp_path, solver, whiten):
    pytest.importorskip("sklearn")
    scales = np.linspace(6.0, 1.0, 12)
    X, dense = _counted_array(tmp_path / "log", 3000, scales, 500, 12, offset=50.0)
    lazy = eigkit.PCA(4, svd_solver=solver, whiten=whiten, random_state=0,
                      iterated_power=6).fit(X)
    eager = eigkit.PCA(4, svd_solver="covariance_eigh", whiten=whiten).fit(dense)
    np.testing.assert_allclose(lazy.explained_variance_, eager.explained_variance_,
                               rtol=RTOL if solver != "randomized" else 1e-8)
    _assert_same_directions(lazy.components_, eager.components_, atol=1e-7)
    np.testing.assert_allclose(lazy.mean_, eager.mean_, rtol=1e-12)
    assert lazy.n_components_ == 4 and lazy.n_samples_ == 3000 and lazy.n_features_in_ == 12
    Y = lazy.transform(X)
    assert isinstance(Y, da.Array) and Y.chunks[0] == X.chunks[0]
    np.testing.assert_allclose(Y.compute(), eager.transform(dense), atol=1e-6)
    back = lazy.inverse_transform(Y)
    assert isinstance(back, da.Array)
    np.testing.assert_allclose(back.compute(), eager.inverse_transform(eager.transform(dense)),
                               atol=1e-6)


def test_truncated_svd_estimator_on_a_dask_array_matches_in_memory(client, tmp_path):
    pytest.importorskip("sklearn")
    scales = np.linspace(5.0, 1.0, 10)
    X, dense = _counted_array(tmp_path / "log", 2000, scales, 400, 10, offset=1.0)
    lazy = eigkit.TruncatedSVD(3, algorithm="randomized", n_iter=8, random_state=0)
    Y = lazy.fit_transform(X)
    eager = eigkit.TruncatedSVD(3, algorithm="arpack", random_state=0).fit(dense)
    np.testing.assert_allclose(lazy.singular_values_, eager.singular_values_, rtol=1e-8)
    assert isinstance(Y, da.Array) and Y.chunks[0] == X.chunks[0]
    np.testing.assert_allclose(np.abs(Y.compute()), np.abs(eager.transform(dense)), atol=1e-6)
