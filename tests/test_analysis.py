"""eigkit.analysis against closed forms, direct NumPy computations and the
statistics of the estimators."""
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.integrate import trapezoid
from scipy.sparse.linalg import LinearOperator
from scipy.stats import wasserstein_distance

import eigkit
from eigkit.analysis import (Table, fit_power_law, hessian_eigsh, hessian_operator,
                             hutchinson_trace, representation_spectrum, spectral_density,
                             weight_spectra, weight_spectrum)

pytestmark = pytest.mark.usefixtures("single_threaded_blas")


def orthonormal(rng, m, n):
    return np.linalg.qr(rng.standard_normal((m, n)))[0]


def with_singular_values(s, m, n, seed):
    """An m x n matrix whose singular values are s (len(s) <= min(m, n))."""
    rng = np.random.default_rng(seed)
    return (orthonormal(rng, m, len(s)) * s) @ orthonormal(rng, n, len(s)).T


def symmetric_with_spectrum(lam, seed):
    Q = orthonormal(np.random.default_rng(seed), len(lam), len(lam))
    return (Q * lam) @ Q.T


class FakeTensor:
    """Looks like a torch tensor on a device: detach / cpu / __array__."""

    def __init__(self, a):
        self._a = a

    def detach(self):
        return self

    def cpu(self):
        return self

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._a, dtype=dtype)


# ---------------------------------------------------------------------------
# weight_spectrum

def test_weight_spectrum_metrics_match_closed_forms():
    s = np.array([10.0, 5.0, 4.0, 2.0, 1.0, 0.5] + [0.1] * 34)
    W = with_singular_values(s, 60, 40, seed=0)
    ws = weight_spectrum(W)
    lam = np.sort(s**2)
    np.testing.assert_allclose(ws.eigenvalues, lam, rtol=1e-9, atol=1e-12)
    assert ws.complete and ws.shape == (60, 40)
    assert ws.spectral_norm == pytest.approx(10.0, rel=1e-12)
    assert ws.frobenius_norm == pytest.approx(np.sqrt(np.sum(s**2)), rel=1e-12)
    assert ws.stable_rank == pytest.approx(np.sum(s**2) / 100.0, rel=1e-10)
    p = s / s.sum()
    assert ws.effective_rank == pytest.approx(np.exp(-np.sum(p * np.log(p))), rel=1e-8)
    q = s**2 / np.sum(s**2)
    assert ws.entropy == pytest.approx(-np.sum(q * np.log(q)) / np.log(40), rel=1e-8)
    assert ws.alpha_weighted == pytest.approx(ws.alpha * np.log10(100.0), rel=1e-12)


@pytest.mark.parametrize("shape", [(30, 30), (50, 20), (20, 50)])
def test_effective_rank_and_entropy_of_orthogonal_and_rank_one(shape):
    r = min(shape)
    Q = with_singular_values(np.ones(r), *shape, seed=1)
    ws = weight_spectrum(Q)
    assert ws.effective_rank == pytest.approx(r, rel=1e-9)
    assert ws.entropy == pytest.approx(1.0, rel=1e-9)
    assert ws.stable_rank == pytest.approx(r, rel=1e-9)
    ws1 = weight_spectrum(np.outer(np.arange(1.0, shape[0] + 1), np.ones(shape[1])))
    assert ws1.effective_rank == pytest.approx(1.0, abs=1e-6)
    assert ws1.entropy == pytest.approx(0.0, abs=1e-6)
    assert ws1.stable_rank == pytest.approx(1.0, rel=1e-9)


def test_weight_spectrum_top_k_agrees_with_full_spectrum():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((300, 120))
    full = weight_spectrum(W)
    top = weight_spectrum(W, k=10, rng=0)
    assert not top.complete and top.eigenvalues.shape == (10,)
    np.testing.assert_allclose(top.eigenvalues, full.eigenvalues[-10:], rtol=1e-8)
    assert top.spectral_norm == pytest.approx(full.spectral_norm, rel=1e-10)
    assert top.frobenius_norm == pytest.approx(full.frobenius_norm, rel=1e-12)
    assert np.isnan(top.effective_rank) and np.isnan(top.entropy)
    again = weight_spectrum(W, k=10, rng=0)
    np.testing.assert_array_equal(again.eigenvalues, top.eigenvalues)


def test_weight_spectrum_input_types_and_no_modification():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((40, 25)).astype(np.float32)
    keep = W.copy()
    ref = weight_spectrum(W.astype(np.float64))
    for arg in (W, FakeTensor(W), W.tolist()):
        ws = weight_spectrum(arg)
        np.testing.assert_allclose(ws.eigenvalues, ref.eigenvalues, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(W, keep)


def test_weight_spectrum_complex_matrix():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((30, 20)) + 1j * rng.standard_normal((30, 20))
    ws = weight_spectrum(W)
    np.testing.assert_allclose(ws.eigenvalues, np.sort(np.linalg.svd(W, compute_uv=False)**2),
                               rtol=1e-9)


@pytest.mark.parametrize("bad, kwargs, match", [
    (np.ones(5), {}, "2-D"),
    (np.ones((0, 3)), {}, "empty"),
    (np.full((3, 3), np.nan), {}, "NaN"),
    (np.ones((5, 4)), {"k": 5}, "k must be"),
    (np.ones((5, 4)), {"k": 0}, "k must be"),
    (np.ones((5, 4)), {"noise_variance": -1.0}, "noise_variance"),
    (np.array([["a", "b"]]), {}, "numeric"),
])
def test_weight_spectrum_rejects_bad_input(bad, kwargs, match):
    with pytest.raises(ValueError, match=match):
        weight_spectrum(bad, **kwargs)


def test_marchenko_pastur_edge_of_gaussian_matrix():
    m, n, std = 600, 300, 0.5
    W = std * np.random.default_rng(5).standard_normal((m, n))
    ws = weight_spectrum(W)
    edge = std**2 * (np.sqrt(m) + np.sqrt(n)) ** 2
    assert ws.noise_variance == pytest.approx(std**2, rel=0.02)
    assert ws.mp_edge == pytest.approx(edge, rel=0.02)
    # The largest eigenvalue of pure noise sits at the edge (Tracy-Widom
    # fluctuations are O(n^(-2/3))), and is no spike.
    assert ws.eigenvalues[-1] == pytest.approx(edge, rel=0.04)
    assert ws.n_spikes == 0
    given = weight_spectrum(W, noise_variance=std**2)
    assert given.mp_edge == pytest.approx(edge, rel=1e-14)


def test_spike_count_of_planted_low_rank_signal():
    m, n, std = 600, 300, 0.5
    rng = np.random.default_rng(6)
    noise = std * rng.standard_normal((m, n))
    # Signal singular values well above the detection threshold
    # std * (m n)^(1/4) (Baik, Ben Arous, Peche).
    strengths = std * (m * n) ** 0.25 * np.array([3.0, 4.0, 5.0, 6.0])
    W = noise + (orthonormal(rng, m, 4) * strengths) @ orthonormal(rng, n, 4).T
    ws = weight_spectrum(W)
    assert ws.n_spikes == 4
    assert ws.noise_variance == pytest.approx(std**2, rel=0.03)
    assert weight_spectrum(W, k=20, rng=0).n_spikes == 4


def test_alpha_of_pareto_distributed_spectrum():
    alpha = 2.5
    rng = np.random.default_rng(7)
    lam = rng.pareto(alpha - 1.0, 500) + 1.0          # density ~ lam^-alpha on [1, inf)
    ws = weight_spectrum(with_singular_values(np.sqrt(lam), 700, 500, seed=8))
    # (alpha - 1) / sqrt(n) = 0.07 is the error at a known xmin; searching
    # xmin adds to it.
    assert ws.alpha == pytest.approx(alpha, abs=max(0.3, 3 * ws.alpha_std_error))
    assert 1.0 <= ws.xmin < 2.5
    assert ws.ks_distance < 0.1


def test_power_law_fit_at_given_xmin_is_the_mle():
    rng = np.random.default_rng(9)
    x = rng.pareto(2.0, 20000) + 1.0                    # alpha = 3
    fit = fit_power_law(x, xmin=1.0)
    assert fit.n_tail == x.size
    assert fit.alpha == pytest.approx(1 + x.size / np.sum(np.log(x)), rel=1e-12)
    assert fit.alpha == pytest.approx(3.0, abs=4 * fit.alpha_std_error)
    assert fit.alpha_std_error == pytest.approx((fit.alpha - 1) / np.sqrt(x.size))


def test_power_law_search_finds_the_start_of_the_tail():
    """A uniform body on (0, 1) below a Pareto tail from 1: the KS search
    must leave the body out and recover the tail's exponent."""
    rng = np.random.default_rng(10)
    x = np.concatenate([rng.uniform(0.0, 1.0, 3000), rng.pareto(1.0, 3000) + 1.0])
    fit = fit_power_law(x)
    # Any xmin above 1 is right; just below 1 the body looks like a tail.
    assert 0.8 <= fit.xmin <= 3.0
    assert fit.alpha == pytest.approx(2.0, abs=4 * fit.alpha_std_error)
    whole = fit_power_law(x, xmin=x.min())
    assert whole.ks_distance > 3 * fit.ks_distance


def test_power_law_degenerate_inputs():
    assert np.isnan(fit_power_law(np.ones(20)).alpha)
    assert np.isnan(fit_power_law([]).alpha)
    with pytest.raises(ValueError, match="xmin"):
        fit_power_law([1.0, 2.0], xmin=0.0)
    with pytest.raises(ValueError, match="min_tail"):
        fit_power_law([1.0, 2.0], min_tail=1)


def test_weight_spectra_table_over_named_weights():
    rng = np.random.default_rng(11)
    params = [("fc1.weight", FakeTensor(rng.standard_normal((64, 32)))),
              ("fc1.bias", rng.standard_normal(64)),
              ("conv.weight", rng.standard_normal((4, 3, 3, 3))),
              ("cls.weight", rng.standard_normal((1, 32))),
              ("fc2.weight", rng.standard_normal((10, 64)))]
    table = weight_spectra(iter(params))
    assert isinstance(table, Table) and len(table) == 2
    assert list(table["name"]) == ["fc1.weight", "fc2.weight"]
    for row, (_, w) in zip(table, (params[0], params[4])):
        single = weight_spectrum(w).summary()
        assert row["shape"] == single["shape"]
        assert row["alpha"] == pytest.approx(single["alpha"], nan_ok=True)
        assert row["stable_rank"] == pytest.approx(single["stable_rank"])
    np.testing.assert_allclose(table["spectral_norm"],
                               [np.linalg.norm(np.asarray(params[0][1]), 2),
                                np.linalg.norm(params[4][1], 2)])
    text = str(table)
    assert "fc2.weight" in text and "64x32" in text
    assert len(weight_spectra(dict(params), min_dim=20)) == 1


def test_weight_spectra_to_pandas():
    pd = pytest.importorskip("pandas")
    table = weight_spectra({"w": np.random.default_rng(12).standard_normal((20, 10))})
    df = table.to_pandas()
    assert isinstance(df, pd.DataFrame) and list(df.columns) == table.columns


# ---------------------------------------------------------------------------
# hessian_eigsh

def quadratic(n, seed):
    """f(x) = x^T A x / 2 + b^T x: Hessian A, gradient A x + b."""
    rng = np.random.default_rng(seed)
    A = symmetric_with_spectrum(np.r_[-3.0, -2.5, np.linspace(-1.0, 1.0, n - 4), 4.0, 5.0],
                                seed)
    b = rng.standard_normal(n)
    return A, (lambda x: A @ x + b)


@pytest.mark.parametrize("which, picked", [("LA", slice(-4, None)), ("SA", slice(0, 4))])
def test_hessian_eigsh_of_quadratic_matches_eigh(which, picked):
    n = 200
    A, grad = quadratic(n, seed=13)
    x0 = np.random.default_rng(0).standard_normal(n)
    # Hessian-vector products as a framework computes them: the directional
    # derivative of the gradient (exact here, the gradient being linear).
    w, v = hessian_eigsh(lambda u: grad(x0 + u) - grad(x0), n, k=4, which=which, rng=0)
    ref = eigkit.eigvalsh(A)[picked]
    np.testing.assert_allclose(np.sort(w), ref, rtol=1e-9, atol=1e-9)
    assert np.linalg.norm(A @ v - v * w) < 1e-8 * np.abs(ref).max()
    np.testing.assert_allclose(v.T @ v, np.eye(4), atol=1e-10)


def test_hessian_eigsh_batched_calls_once_per_block_and_is_deterministic():
    n = 150
    A, _ = quadratic(n, seed=14)
    calls = []

    def hvp(V):
        calls.append(V.shape)
        return A @ V

    w, info = hessian_eigsh(hvp, n, k=3, batched=True, rng=1, return_eigenvectors=False,
                            return_info=True)
    assert all(len(s) == 2 and s[0] == n for s in calls)
    assert sum(s[1] for s in calls) == info.matvecs
    assert len(calls) < info.matvecs  # blocks, not single vectors
    np.testing.assert_allclose(np.sort(w), eigkit.eigvalsh(A)[-3:], rtol=1e-9)
    w2 = hessian_eigsh(hvp, n, k=3, batched=True, rng=1, return_eigenvectors=False)
    np.testing.assert_array_equal(w, w2)


def test_hessian_top_pairs_in_few_products():
    """A trained network's Hessian: a few outliers above a bulk near zero
    (Ghorbani, Krishnan & Xiao 2019).  Lanczos needs about one basis of
    products for the top 5, and the verification for missed copies of a
    multiple eigenvalue (a block of one vector cannot see them) only a
    short cycle more."""
    n = 600
    rng = np.random.default_rng(15)
    spectrum = np.r_[np.abs(rng.standard_normal(n - 5)) * 1e-3, 0.016, 0.019, 0.024, 0.028, 0.05]
    A = symmetric_with_spectrum(spectrum, 15)
    ref = np.sort(spectrum)[-5:]
    ours, info = hessian_eigsh(lambda u: A @ u, n, k=5, rng=0, return_eigenvectors=False,
                               return_info=True)
    np.testing.assert_allclose(ours, ref, rtol=1e-10)
    assert info.matvecs <= 28


def test_eigsh_basis_start():
    A = symmetric_with_spectrum(np.linspace(1.0, 2.0, 80), 16)
    ref = eigkit.eigvalsh(A)[-3:]
    for start in (4, 7, 500):
        w = eigkit.eigsh(A, k=3, which="LA", rng=0, basis_start=start, return_eigenvectors=False)
        np.testing.assert_allclose(w, ref, rtol=1e-10)
    with pytest.raises(ValueError, match="basis_start must be > k"):
        eigkit.eigsh(A, k=3, basis_start=3)
    with pytest.raises(TypeError, match="basis_start must be an integer"):
        eigkit.eigsh(A, k=3, basis_start=7.0)


def test_hessian_operator_errors():
    with pytest.raises(TypeError, match="hvp must be callable"):
        hessian_operator(np.eye(3), 3)
    with pytest.raises(ValueError, match="n must be"):
        hessian_operator(lambda v: v, 0)
    op = hessian_operator(lambda v: np.ones(4), 3)
    with pytest.raises(ValueError, match=r"hvp returned an array of shape \(4,\)"):
        op @ np.ones(3)
    with pytest.raises(ValueError, match="which must be"):
        hessian_eigsh(lambda v: v, 10, k=2, which="XX")


# ---------------------------------------------------------------------------
# hutchinson_trace

class CountingOperator(LinearOperator):
    def __init__(self, A):
        super().__init__(A.dtype, A.shape)
        self.A, self.products = A, 0

    def _matmat(self, X):
        self.products += X.shape[1]
        return self.A @ X

    def _matvec(self, x):
        self.products += 1
        return self.A @ x


def test_hutchinson_trace_within_standard_errors_and_variance_formula():
    n, m = 200, 400
    A = symmetric_with_spectrum(np.linspace(0.0, 2.0, n), seed=15)
    op = CountingOperator(A)
    est = hutchinson_trace(op, m, rng=0)
    assert op.products == m == est.n_matvecs and est.samples.shape == (m,)
    assert abs(est.trace - np.trace(A)) < 4 * est.std_error
    # Rademacher probes: Var(z^T A z) = 2 * sum_{i != j} a_ij^2.
    predicted = np.sqrt(2 * (np.sum(A**2) - np.sum(np.diag(A)**2)) / m)
    assert est.std_error == pytest.approx(predicted, rel=0.2)


def test_hutchinson_is_exact_on_diagonal_matrices_with_rademacher_probes():
    d = np.arange(1.0, 101.0)
    est = hutchinson_trace(sp.diags(d), 5, rng=1)
    assert est.trace == pytest.approx(d.sum(), rel=1e-14)
    assert est.std_error == pytest.approx(0.0, abs=1e-10)


def test_hutch_plus_plus_exact_for_low_rank():
    rng = np.random.default_rng(16)
    B = rng.standard_normal((300, 6))
    A = B @ B.T
    op = CountingOperator(A)
    est = hutchinson_trace(op, 21, method="hutch++", rng=2)
    assert op.products == 21 == est.n_matvecs
    assert est.trace == pytest.approx(np.trace(A), rel=1e-10)
    assert est.std_error < 1e-9 * np.trace(A)


def test_hutch_plus_plus_beats_hutchinson_on_decaying_spectrum():
    n, m = 300, 60
    A = symmetric_with_spectrum(1.0 / np.arange(1, n + 1) ** 2, seed=17)
    plain = hutchinson_trace(A, m, rng=3)
    plus = hutchinson_trace(A, m, method="hutch++", rng=3, probe="gaussian")
    for est in (plain, plus):
        assert abs(est.trace - np.trace(A)) < 4 * est.std_error
    assert plus.std_error < plain.std_error / 5


def test_hutchinson_trace_errors():
    with pytest.raises(ValueError, match="square"):
        hutchinson_trace(np.ones((3, 4)))
    with pytest.raises(ValueError, match="method"):
        hutchinson_trace(np.eye(3), method="exact")
    with pytest.raises(ValueError, match="probe"):
        hutchinson_trace(np.eye(3), probe="uniform")
    with pytest.raises(ValueError, match="n_probes"):
        hutchinson_trace(np.eye(3), 2, method="hutch++")
    with pytest.raises(ValueError, match="neither a NumPy Generator"):
        hutchinson_trace(np.eye(3), rng="seed")


# ---------------------------------------------------------------------------
# spectral_density

def test_spectral_density_of_known_spectrum():
    """Two clusters; the SLQ measure is close in Wasserstein-1 distance,
    the smoothed density integrates to one, and the quadrature moments
    estimate tr(A^p) / n without bias."""
    rng = np.random.default_rng(18)
    lam = np.r_[rng.uniform(-2.0, -1.0, 250), rng.normal(3.0, 0.3, 250)]
    A = symmetric_with_spectrum(lam, seed=19)
    sd = spectral_density(A, rng=0)
    assert sd.nodes.shape == sd.weights.shape == (10, 90)
    np.testing.assert_allclose(sd.weights.sum(axis=1), 1.0, rtol=1e-12)
    points, mass = sd.measure()
    assert wasserstein_distance(points, lam, mass) < 0.03 * np.ptp(lam)
    assert trapezoid(sd.density, sd.grid) == pytest.approx(1.0, abs=1e-6)
    assert sd.sigma == pytest.approx(2 * (np.nanmax(sd.nodes) - np.nanmin(sd.nodes)) / 90)
    per_probe = sd.probe_moments(4)
    stderr = per_probe.std(axis=0, ddof=1) / np.sqrt(per_probe.shape[0])
    true = np.array([np.mean(lam**p) for p in range(5)])
    assert np.all(np.abs(sd.moments(4) - true) <= 4 * stderr + 1e-12 * np.abs(true))


def test_spectral_density_nodes_are_eigenvalues_when_krylov_space_is_exhausted():
    lam = np.repeat([-1.0, 0.5, 2.0], [20, 50, 30])
    A = symmetric_with_spectrum(lam, seed=20)
    sd = spectral_density(A, n_probes=40, n_steps=90, rng=1)
    finite = np.isfinite(sd.nodes)
    assert np.all(finite.sum(axis=1) == 3)
    np.testing.assert_allclose(sd.nodes[:, :3], np.tile([-1.0, 0.5, 2.0], (40, 1)), atol=1e-10)
    assert np.all(sd.weights[~finite] == 0)
    # Weights are the squared projections on the eigenspaces: in mean, the
    # multiplicities over n.
    np.testing.assert_allclose(sd.weights[:, :3].mean(axis=0), [0.2, 0.5, 0.3], atol=0.05)


def test_spectral_density_full_lanczos_nodes_are_the_eigenvalues():
    lam = np.linspace(1.0, 40.0, 40)
    sd = spectral_density(symmetric_with_spectrum(lam, seed=21), n_probes=2, n_steps=40, rng=2)
    for row in sd.nodes:
        np.testing.assert_allclose(row, lam, atol=1e-8)


def test_spectral_density_on_operator_grid_and_determinism():
    n = 300
    lam = np.linspace(0.0, 1.0, n)
    op = hessian_operator(lambda v: lam * v, n)
    grid = np.linspace(-0.2, 1.2, 101)
    sd = spectral_density(op, n_probes=4, n_steps=30, grid=grid, sigma=0.05, rng=3)
    np.testing.assert_array_equal(sd.grid, grid)
    assert sd.sigma == 0.05
    # Density of U(0, 1) broadened by a Gaussian of width 0.05: ~1 inside.
    inside = (grid > 0.25) & (grid < 0.75)
    np.testing.assert_allclose(sd.density[inside], 1.0, atol=0.15)
    again = spectral_density(sp.diags(lam), n_probes=4, n_steps=30, grid=grid, sigma=0.05,
                             rng=3)
    np.testing.assert_allclose(again.density, sd.density, rtol=1e-10, atol=1e-12)


def test_spectral_density_errors():
    with pytest.raises(ValueError, match="square"):
        spectral_density(np.ones((3, 4)))
    with pytest.raises(ValueError, match="n_steps"):
        spectral_density(np.eye(3), n_steps=0)
    with pytest.raises(ValueError, match="n_probes"):
        spectral_density(np.eye(3), n_probes=1.5)
    with pytest.raises(ValueError, match="sigma"):
        spectral_density(np.eye(3), sigma=0.0)
    with pytest.raises(ValueError, match="grid"):
        spectral_density(np.eye(3), grid=np.ones((2, 2)))


# ---------------------------------------------------------------------------
# representation_spectrum

def anisotropic_cloud(seed, n=400, dim=30):
    rng = np.random.default_rng(seed)
    scales = np.geomspace(10.0, 0.1, dim)
    return rng.standard_normal((n, dim)) * scales @ orthonormal(rng, dim, dim).T + 3.0


def test_representation_spectrum_matches_numpy():
    X = anisotropic_cloud(22)
    keep = X.copy()
    rs = representation_spectrum(X, n_remove=2)
    np.testing.assert_array_equal(X, keep)
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    var = s**2 / (X.shape[0] - 1)
    np.testing.assert_allclose(rs.explained_variance, var, rtol=1e-9)
    np.testing.assert_allclose(rs.explained_variance_ratio, var / var.sum(), rtol=1e-9)
    np.testing.assert_allclose(np.abs(np.sum(rs.components * Vt, axis=1)), 1.0, atol=1e-8)
    cum = np.cumsum(var) / var.sum()
    assert rs.effective_dim_90 == np.argmax(cum >= 0.90) + 1
    assert rs.effective_dim_99 == np.argmax(cum >= 0.99) + 1
    assert rs.effective_dim(1.0) == X.shape[1]
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    C = U @ U.T
    n = X.shape[0]
    assert rs.anisotropy == pytest.approx((C.sum() - np.trace(C)) / (n * (n - 1)), rel=1e-10)
    abtt = Xc - Xc @ Vt[:2].T @ Vt[:2]
    np.testing.assert_allclose(rs.projected, abtt, atol=1e-9)
    np.testing.assert_allclose(rs.projected @ rs.components[:2].T, 0.0, atol=1e-9)


def test_all_but_the_top_removes_the_common_direction():
    """Embeddings sharing a large mean and a dominant direction are highly
    anisotropic; all-but-the-top makes them nearly isotropic."""
    rng = np.random.default_rng(23)
    X = rng.standard_normal((1000, 200)) + 4.0
    X[:, 0] *= 20.0
    rs = representation_spectrum(X)
    assert rs.n_removed == 2  # round(200 / 100)
    assert rs.anisotropy > 0.5
    assert abs(rs.anisotropy_projected) < 0.01
    assert rs.projected[:, 0].std() < 0.01 * X[:, 0].std()


def test_representation_spectrum_zero_rows_and_errors():
    X = anisotropic_cloud(24, n=50, dim=5)
    with_zero = np.vstack([X, np.zeros((3, 5))])
    assert representation_spectrum(with_zero).anisotropy == pytest.approx(
        representation_spectrum(X).anisotropy, rel=1e-12)
    with pytest.raises(ValueError, match="2-D"):
        representation_spectrum(np.ones(5))
    with pytest.raises(ValueError, match="at least 2 rows"):
        representation_spectrum(np.ones((1, 5)))
    with pytest.raises(ValueError, match="n_remove"):
        representation_spectrum(X, n_remove=6)
    with pytest.raises(ValueError, match="fraction"):
        representation_spectrum(X).effective_dim(0.0)


# ---------------------------------------------------------------------------
# plots and imports

def test_plots_draw_under_agg():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from eigkit.analysis import plot_esd, plot_explained_variance, plot_spectral_density
    rng = np.random.default_rng(25)
    ws = weight_spectrum(with_singular_values(np.sqrt(rng.pareto(2.0, 200) + 1), 300, 200, 0))
    try:
        ax = plot_esd(ws)
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert any("alpha" in t.get_text() for t in ax.get_legend().get_texts())
        sd = spectral_density(np.diag(np.arange(50.0)), n_probes=2, n_steps=20, rng=0)
        ax = plot_spectral_density(sd)
        np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), sd.grid)
        fig, ax0 = plt.subplots()
        assert plot_explained_variance(representation_spectrum(anisotropic_cloud(26)),
                                       ax=ax0) is ax0
        fig.canvas.draw()
    finally:
        plt.close("all")


def test_plots_name_the_extra_when_matplotlib_is_missing(monkeypatch):
    from eigkit.analysis import plot_spectral_density
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    sd = spectral_density(np.eye(4), n_probes=1, n_steps=2, rng=0)
    with pytest.raises(ImportError, match=r"eigkit\[plot\]"):
        plot_spectral_density(sd)


def test_importing_eigkit_imports_no_plotting_or_framework():
    code = ("import sys, eigkit, eigkit.analysis; "
            "bad = [m for m in ('matplotlib', 'torch', 'pandas') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
