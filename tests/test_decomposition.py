"""eigkit.PCA and eigkit.TruncatedSVD: scikit-learn's estimator checks, and
agreement with scikit-learn's own estimators on shared cases."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp

sklearn = pytest.importorskip("sklearn")
from sklearn import decomposition as skd  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from eigkit.decomposition import PCA, TruncatedSVD, auto_solver  # noqa: E402

EXACT_SOLVERS = ["full", "covariance_eigh"]
TRUNCATED_SOLVERS = ["arpack", "lanczos", "randomized"]


@parametrize_with_checks([PCA(), PCA(svd_solver="randomized", n_components=1, random_state=0),
                          TruncatedSVD(random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def gapped_data(n, p, seed=0, dtype=np.float64):
    """Singular values 2^-i over a 1e-3 noise floor, and a large column
    offset: clear gaps for every solver, and centring that matters."""
    rng = np.random.default_rng(seed)
    r = min(n, p, 12)
    basis, _ = np.linalg.qr(rng.standard_normal((p, r)))
    x = (rng.standard_normal((n, r)) * 2.0 ** -np.arange(r)) @ basis.T
    x += 1e-3 * rng.standard_normal((n, p)) + 50.0 * rng.standard_normal(p)
    return x.astype(dtype)


def _sklearn_solver(solver):
    """The scikit-learn solver to compare with: ARPACK for eigkit's Lanczos;
    the exact SVD for the covariance route, because scikit-learn's forms
    X^T X - n m m^T and loses digits to the column offset of the test data
    (about 1e-11 absolute here), where eigkit centres before multiplying."""
    return {"lanczos": "arpack", "covariance_eigh": "full"}.get(solver, solver)


def assert_same_fit(ours, theirs, X, rtol=1e-8, check_noise=True):
    k = theirs.n_components_
    assert ours.n_components_ == k
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=rtol)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_,
                               rtol=rtol)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=rtol)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12)
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-7)
    if check_noise:
        np.testing.assert_allclose(ours.noise_variance_, theirs.noise_variance_, rtol=1e-6)
    scale = np.abs(theirs.transform(X)).max()
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), atol=1e-7 * scale)


@pytest.mark.parametrize("shape", [(300, 20), (40, 60)], ids=["tall", "wide"])
@pytest.mark.parametrize("solver", EXACT_SOLVERS + TRUNCATED_SOLVERS)
def test_pca_matches_sklearn(solver, shape):
    X = gapped_data(*shape)
    ours = PCA(5, svd_solver=solver, random_state=0).fit(X)
    theirs = skd.PCA(5, svd_solver=_sklearn_solver(solver), random_state=0).fit(X)
    assert_same_fit(ours, theirs, X, check_noise=solver != "covariance_eigh")
    if solver == "covariance_eigh":
        # scikit-learn averages this solver's noise over n_features
        # eigenvalues, the exact SVD's over min(n_samples, n_features)
        same = skd.PCA(5, svd_solver=solver).fit(X)
        np.testing.assert_allclose(ours.noise_variance_, same.noise_variance_, rtol=1e-6)


@pytest.mark.parametrize("shape", [(300, 20), (40, 60)], ids=["tall", "wide"])
def test_pca_lanczos_on_either_memory_layout(shape):
    # C-ordered X: products by the compiled covariance kernel; Fortran
    # order: numpy slices.  Both fits are scikit-learn's ARPACK fit.
    X = gapped_data(*shape)
    theirs = skd.PCA(5, svd_solver="arpack", random_state=0).fit(X)
    for data in (np.ascontiguousarray(X), np.asfortranarray(X)):
        assert_same_fit(PCA(5, svd_solver="lanczos", random_state=0).fit(data), theirs, X)


@pytest.mark.parametrize("shape", [(700, 600), (600, 700)], ids=["tall", "wide"])
def test_pca_covariance_route_with_lanczos_on_the_gram_matrix(shape):
    # above 500 features (or samples), a few components come from eigkit's
    # Lanczos on the dense Gram matrix instead of its subset eigh
    X = gapped_data(*shape, seed=7)
    ours = PCA(6, svd_solver="full").fit(X)
    assert_same_fit(ours, skd.PCA(6, svd_solver="full").fit(X), X)


@pytest.mark.parametrize("n_components", [None, 0.9, "mle", 0])
@pytest.mark.parametrize("solver", EXACT_SOLVERS)
def test_pca_whole_spectrum_choices_match_sklearn(solver, n_components):
    X = gapped_data(200, 15)
    ours = PCA(n_components, svd_solver=solver).fit(X)
    theirs = skd.PCA(n_components, svd_solver=_sklearn_solver(solver)).fit(X)
    assert ours.n_components_ == theirs.n_components_
    k = ours.n_components_
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(ours.noise_variance_, theirs.noise_variance_, rtol=1e-6)
    assert ours.components_.shape == (k, 15)


def test_pca_full_on_wide_data_gives_orthonormal_components_for_zero_variances():
    X = gapped_data(10, 30)     # rank 9 after centring: the 10th variance is 0
    pca = PCA(svd_solver="full").fit(X)
    assert pca.n_components_ == 10
    np.testing.assert_allclose(pca.components_ @ pca.components_.T, np.eye(10), atol=1e-12)
    assert pca.explained_variance_[-1] < 1e-12 * pca.explained_variance_[0]
    ref = skd.PCA(svd_solver="full").fit(X)
    np.testing.assert_allclose(pca.components_[:9], ref.components_[:9], atol=1e-8)


@pytest.mark.parametrize("solver", EXACT_SOLVERS + TRUNCATED_SOLVERS)
def test_pca_methods_match_sklearn(solver):
    X = gapped_data(120, 10, seed=1)
    for whiten in (False, True):
        ours = PCA(4, whiten=whiten, svd_solver=solver, random_state=0).fit(X)
        theirs = skd.PCA(4, whiten=whiten, svd_solver=_sklearn_solver(solver),
                         random_state=0).fit(X)
        Z = ours.transform(X)
        np.testing.assert_allclose(ours.fit_transform(X), Z, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Z),
                                   rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(ours.get_covariance(), theirs.get_covariance(), rtol=1e-6,
                                   atol=1e-12)
        np.testing.assert_allclose(ours.get_precision(), theirs.get_precision(), rtol=1e-6)
        np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=1e-8)
        assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-8)
        if whiten:
            np.testing.assert_allclose(Z.var(axis=0, ddof=1), 1.0, rtol=1e-8)


@pytest.mark.parametrize("solver", EXACT_SOLVERS + TRUNCATED_SOLVERS)
def test_pca_float32_stays_float32(solver):
    X = gapped_data(300, 20, dtype=np.float32)
    pca = PCA(3, svd_solver=solver, random_state=0).fit(X)
    for attr in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"):
        assert getattr(pca, attr).dtype == np.float32, attr
    assert pca.transform(X).dtype == np.float32
    ref = PCA(3, svd_solver=solver, random_state=0).fit(X.astype(np.float64))
    np.testing.assert_allclose(pca.explained_variance_, ref.explained_variance_, rtol=1e-3)
    np.testing.assert_allclose(pca.components_, ref.components_, atol=1e-3)


@pytest.mark.parametrize("solver", ["covariance_eigh", "arpack", "lanczos", "randomized"])
def test_pca_sparse_input_equals_dense(solver):
    rng = np.random.default_rng(3)
    X = sp.random(200, 30, density=0.3, format="csr", random_state=rng) * 10
    X = X + sp.csr_matrix(np.outer(np.ones(200), 5 * rng.random(30)))
    dense = PCA(4, svd_solver=solver, random_state=0).fit(X.toarray())
    sparse = PCA(4, svd_solver=solver, random_state=0).fit(X)
    np.testing.assert_allclose(sparse.explained_variance_, dense.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(sparse.components_, dense.components_, atol=1e-7)
    np.testing.assert_allclose(sparse.transform(X), dense.transform(X.toarray()), atol=1e-7)


def test_pca_sparse_with_full_solver_is_a_type_error():
    with pytest.raises(TypeError, match="sparse"):
        PCA(2, svd_solver="full").fit(sp.random(20, 5, density=0.5, format="csr"))


def test_pca_leaves_input_untouched():
    X = gapped_data(50, 8)
    X.setflags(write=False)
    for solver in EXACT_SOLVERS + TRUNCATED_SOLVERS:
        PCA(3, svd_solver=solver, copy=False, random_state=0).fit_transform(X)


@pytest.mark.parametrize("solver, n_components, match", [
    ("full", 9, "must be between 0 and"),
    ("randomized", 9, "must be between 1 and"),
    ("arpack", 8, "strictly less than"),
    ("lanczos", 8, "strictly less than"),
    ("randomized", "mle", "cannot be a string"),
    ("randomized", 0.5, "must be between 1 and"),
])
def test_pca_n_components_errors(solver, n_components, match):
    with pytest.raises(ValueError, match=match):
        PCA(n_components, svd_solver=solver).fit(gapped_data(20, 8))


def test_pca_other_errors():
    with pytest.raises(ValueError, match="only supported if n_samples >= n_features"):
        PCA("mle", svd_solver="full").fit(gapped_data(5, 8))
    with pytest.raises(ValueError, match="svd_solver"):
        PCA(svd_solver="gesdd").fit(gapped_data(20, 8))
    with pytest.raises(ValueError, match="n_samples=1"):
        PCA().fit(np.ones((1, 3)))


def test_auto_solver_choice_by_shape():
    assert auto_solver((100000, 300), 10, False) == "covariance_eigh"
    # Lanczos on the compiled covariance kernel beat the covariance route
    # at 20000 x 2000 (one thread each, medians of 3: 0.77 s against 1.85 s)
    assert auto_solver((20000, 2000), 10, False) == "lanczos"
    assert auto_solver((5000, 5000), 10, False) == "lanczos"
    assert auto_solver((2000, 300), 0.9, False) == "covariance_eigh"
    assert auto_solver((2000, 300), 280, False) == "covariance_eigh"
    assert auto_solver((300, 2000), 0.9, False) == "gram_eigh"
    assert auto_solver((2000, 300), 10, True) == "lanczos"
    X = gapped_data(400, 10)
    pca = PCA(3).fit(X)
    assert pca._fit_svd_solver == "covariance_eigh"
    assert_same_fit(pca, skd.PCA(3, svd_solver="full").fit(X), X)


@pytest.mark.parametrize("shape, ran", [((40, 8), "covariance_eigh"), ((8, 40), "gram_eigh")])
def test_fitted_solver_names_what_ran(shape, ran):
    X = np.random.default_rng(3).standard_normal(shape)
    for svd_solver in ("full", "auto"):
        pca = PCA(0.9, svd_solver=svd_solver).fit(X)
        assert pca._fit_svd_solver == ran
        assert_same_fit(pca, skd.PCA(0.9, svd_solver="full").fit(X), X)
    assert PCA(svd_solver="covariance_eigh").fit(X)._fit_svd_solver == "covariance_eigh"
    # messages name the solver the user chose
    with pytest.raises(ValueError, match="svd_solver='full'"):
        PCA(50, svd_solver="full").fit(X)


@pytest.mark.parametrize("algorithm", ["arpack", "randomized"])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_truncated_svd_matches_sklearn(algorithm, fmt):
    rng = np.random.default_rng(5)
    dense = gapped_data(150, 40, seed=5) * (rng.random((150, 40)) < 0.4)
    X = dense if fmt == "dense" else sp.csr_matrix(dense).asformat(fmt)
    ours = TruncatedSVD(5, algorithm=algorithm, n_iter=10, random_state=0)
    theirs = skd.TruncatedSVD(5, algorithm=algorithm, n_iter=10, random_state=0)
    Z = ours.fit_transform(X)
    Zref = theirs.fit_transform(X)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-8)
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-7)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-7)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_,
                               rtol=1e-7)
    np.testing.assert_allclose(Z, Zref, atol=1e-7 * np.abs(Zref).max())
    np.testing.assert_allclose(ours.transform(X), Z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Zref),
                               atol=1e-6 * np.abs(dense).max())


def test_truncated_svd_float32_and_errors():
    X = sp.random(60, 20, density=0.3, format="csr", random_state=0, dtype=np.float32)
    svd = TruncatedSVD(3, random_state=0).fit(X)
    assert svd.components_.dtype == np.float32
    assert svd.transform(X).dtype == np.float32
    with pytest.raises(ValueError, match="must be <= n_features"):
        TruncatedSVD(25).fit(X)
    with pytest.raises(ValueError):
        TruncatedSVD(2).fit(np.ones((5, 1)))


def test_import_without_sklearn_and_install_hint():
    code = textwrap.dedent("""
        import sys
        sys.modules["sklearn"] = None       # as if scikit-learn were not installed
        import eigkit
        eigkit.eigh([[2.0, 1.0], [1.0, 2.0]])
        for name in ("PCA", "TruncatedSVD", "spectral_embedding", "SpectralEmbedding",
                     "SpectralClustering"):
            try:
                getattr(eigkit, name)
            except ImportError as exc:
                assert 'pip install "eigkit[sklearn]"' in str(exc), exc
            else:
                raise AssertionError(name + " imported without scikit-learn")
        print("ok")
    """)
    src = str(__import__("pathlib").Path(__import__("eigkit").__file__).parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": src, "PATH": ""}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize("solver", EXACT_SOLVERS)
def test_pca_exact_route_keeps_digits_under_a_large_mean(solver):
    """|mean| = 1e6 x the spread: X^T X - n m m^T (scikit-learn's
    covariance route) would lose about 12 digits; the one-pass shifted Gram
    keeps the explained variances and the mean to rounding."""
    rng = np.random.default_rng(3)
    scales = np.array([3.0, 2.0, 1.0, 0.5, 0.25])
    X = 1e6 + rng.standard_normal((4000, 5)) * scales
    centred = X - X.astype(np.longdouble).mean(axis=0).astype(np.float64)
    exact = np.linalg.eigvalsh(centred.T @ centred / (X.shape[0] - 1))[::-1]
    pca = PCA(n_components=5, svd_solver=solver).fit(X)
    np.testing.assert_allclose(pca.explained_variance_, exact, rtol=1e-9)
    np.testing.assert_allclose(pca.mean_, X.astype(np.longdouble).mean(axis=0), rtol=1e-15)


@pytest.mark.parametrize("solver", ["auto", "covariance_eigh", "full", "randomized", "lanczos"])
@pytest.mark.parametrize("bad, match", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_pca_non_finite_input_errors(solver, bad, match):
    """The covariance route finds NaN and infinity from its Gram matrix
    instead of a separate pass; every solver raises scikit-learn's error."""
    X = gapped_data(300, 20)
    X[171, 7] = bad
    with pytest.raises(ValueError, match=match):
        PCA(3, svd_solver=solver, random_state=0).fit(X)
    with pytest.raises(ValueError, match=match):
        skd.PCA(3, svd_solver="covariance_eigh").fit(X)


def test_pca_finite_input_whose_gram_matrix_overflows():
    """Finite X whose Gram matrix overflows is not mistaken for non-finite
    input: the eigensolver fails on it, as scikit-learn's does."""
    X = gapped_data(300, 4)
    X[:, 0] *= 1e160
    with pytest.raises(np.linalg.LinAlgError):
        PCA(2, svd_solver="covariance_eigh").fit(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(20000, 50), (5000, 300)])
@pytest.mark.parametrize("offset", [0.0, 1e3])
def test_pca_tall_narrow_matches_sklearn(dtype, shape, offset):
    """The covariance route on tall, narrow data (register tiles) against
    scikit-learn's exact SVD in float64: explained variances to 1e-9
    relative in float64; in float32 to 1e-5 of the largest (a Gram matrix
    in float32 resolves no better), components to the matching angles."""
    X = gapped_data(*shape, dtype=np.float64) + offset
    X = X.astype(dtype)
    ours = PCA(10, svd_solver="auto").fit(X)
    assert ours._fit_svd_solver == "covariance_eigh"
    assert ours.components_.dtype == dtype
    theirs = skd.PCA(10, svd_solver="full").fit(X.astype(np.float64))
    ev = theirs.explained_variance_
    cosines = np.abs(np.sum(ours.components_ * theirs.components_, axis=1))
    if dtype == np.float64:
        np.testing.assert_allclose(ours.explained_variance_, ev, rtol=1e-9)
        np.testing.assert_allclose(cosines, 1.0, atol=1e-9)
    else:
        np.testing.assert_allclose(ours.explained_variance_, ev, rtol=0, atol=1e-5 * ev[0])
        np.testing.assert_allclose(cosines[:6], 1.0, atol=1e-4)
