"""PCA's block-Krylov solver on float32 embeddings: the exact route's
explained variance, X's dtype end to end, memory of a few row blocks,
memmaps read in row blocks, a convergence warning, the 'auto' choice."""
import tracemalloc
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from eigkit import config  # noqa: E402
from eigkit.decomposition import PCA, auto_solver  # noqa: E402


def embeddings(n, d, rank, seed=0, offset=3.0):
    """float32 low rank plus noise: variances 100 / (1 + j) on a random
    rank-``rank`` subspace over unit noise, and a common offset (embeddings
    are not centred)."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d, rank)))[0].T.astype(np.float32)
    scales = (10.0 / np.sqrt(1.0 + np.arange(rank))).astype(np.float32)
    X = (rng.standard_normal((n, rank), dtype=np.float32) * scales) @ basis
    X += rng.standard_normal((n, d), dtype=np.float32)
    X += (offset * rng.standard_normal(d)).astype(np.float32)
    return X


def exact_fit(X, k):
    return PCA(k, svd_solver="covariance_eigh").fit(X.astype(np.float64))


def test_explained_variance_matches_the_exact_route():
    X = embeddings(4000, 300, 60)
    ours = PCA(20, svd_solver="block_krylov", random_state=0).fit(X)
    ref = exact_fit(X, 20)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-5)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_,
                               rtol=1e-5)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-5, atol=1e-6)
    cosines = np.abs(np.sum(ours.components_ * ref.components_, axis=1))
    np.testing.assert_allclose(cosines, 1.0, atol=1e-4)
    assert ours.n_passes_ < 40


def test_float32_end_to_end_and_memory_of_a_few_blocks():
    X = embeddings(40000, 512, 40)
    tracemalloc.start()
    try:
        pca = PCA(16, svd_solver="block_krylov", random_state=0).fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 0.1 * X.nbytes, peak
    for attr in ("components_", "explained_variance_", "singular_values_", "mean_"):
        assert getattr(pca, attr).dtype == np.float32, attr
    np.testing.assert_allclose(pca.components_ @ pca.components_.T, np.eye(16), atol=1e-5)


def test_memmap_gives_the_ndarray_result(tmp_path):
    X = embeddings(3000, 200, 30)
    path = tmp_path / "x.f32"
    X.tofile(path)
    mapped = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    with config.tunables(row_pass_block_elements=50_000):   # many row blocks
        on_disk = PCA(10, svd_solver="block_krylov", random_state=0).fit(mapped)
        in_memory = PCA(10, svd_solver="block_krylov", random_state=0).fit(X)
    np.testing.assert_allclose(on_disk.explained_variance_, in_memory.explained_variance_,
                               rtol=1e-6)
    np.testing.assert_allclose(on_disk.components_, in_memory.components_, atol=1e-5)
    del mapped


def test_input_untouched_and_float64_supported():
    X = embeddings(1000, 80, 20).astype(np.float64)
    X.setflags(write=False)
    ours = PCA(5, svd_solver="block_krylov", random_state=0).fit(X)
    ref = exact_fit(X, 5)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-5)
    assert ours.components_.dtype == np.float64


def test_too_few_passes_warn():
    X = embeddings(2000, 200, 100)
    with config.tunables(pca_krylov_max_passes=2), pytest.warns(ConvergenceWarning,
                                                                 match="did not reach"):
        PCA(20, svd_solver="block_krylov", random_state=0).fit(X)


def test_whole_spectrum_is_exact():
    X = embeddings(500, 12, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = PCA(12, svd_solver="block_krylov", random_state=0).fit(X)
    np.testing.assert_allclose(ours.explained_variance_, exact_fit(X, 12).explained_variance_,
                               rtol=1e-5)


def test_auto_takes_block_krylov_when_few_components_of_wide_embeddings():
    assert auto_solver((200000, 4096), 100, False) == "block_krylov"
    assert auto_solver((200000, 2048), 30, False) == "block_krylov"
    # the Gram route's SYRK wins when k is a large part of d
    assert auto_solver((200000, 768), 100, False) == "covariance_eigh"
