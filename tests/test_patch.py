"""eigkit.patch_scipy(): SciPy's eigensolvers swapped for eigkit's in the
process, and put back by unpatch_scipy()."""
import sys
import types
from unittest import mock

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

import eigkit
from eigkit._kernels import krylov as _lanczos

ORIGINALS = {
    "eigh": scipy.linalg.eigh, "eigvalsh": scipy.linalg.eigvalsh,
    "eigh_tridiagonal": scipy.linalg.eigh_tridiagonal,
    "eigvalsh_tridiagonal": scipy.linalg.eigvalsh_tridiagonal,
    "eigsh": scipy.sparse.linalg.eigsh, "svds": scipy.sparse.linalg.svds,
    "lobpcg": scipy.sparse.linalg.lobpcg,
}
HOMES = {name: scipy.sparse.linalg if name in ("eigsh", "svds", "lobpcg") else scipy.linalg
         for name in ORIGINALS}


@pytest.fixture(autouse=True)
def _always_unpatched():
    yield
    eigkit.unpatch_scipy()
    for name, fn in ORIGINALS.items():
        assert getattr(HOMES[name], name) is fn


def test_patch_and_unpatch_all():
    handle = eigkit.patch_scipy()
    assert sorted(handle.names) == sorted(ORIGINALS)
    assert eigkit.patched_names() == list(ORIGINALS)
    for name in ORIGINALS:
        assert getattr(HOMES[name], name) is getattr(eigkit, name)
    # SciPy's private home of the function too, so SciPy's own callers use eigkit
    from scipy.sparse.linalg._eigen.arpack import arpack
    assert arpack.eigsh is eigkit.eigsh
    eigkit.unpatch_scipy()
    assert eigkit.patched_names() == []
    assert arpack.eigsh is ORIGINALS["eigsh"]


def test_context_manager_and_subset():
    with eigkit.patch_scipy(["eigsh", "svds"]) as handle:
        assert handle.names == ("eigsh", "svds")
        assert scipy.sparse.linalg.eigsh is eigkit.eigsh
        assert scipy.linalg.eigh is ORIGINALS["eigh"]
    assert scipy.sparse.linalg.eigsh is ORIGINALS["eigsh"]


def test_nested_patch_leaves_the_outer_one():
    eigkit.patch_scipy("eigh")
    with eigkit.patch_scipy(["eigh", "eigvalsh"]) as inner:
        assert inner.names == ("eigvalsh",)
    assert scipy.linalg.eigh is eigkit.eigh
    assert scipy.linalg.eigvalsh is ORIGINALS["eigvalsh"]


def test_bad_name():
    with pytest.raises(ValueError, match="cannot patch"):
        eigkit.patch_scipy("eig")
    with pytest.raises(ValueError, match="cannot patch"):
        eigkit.unpatch_scipy(["svd"])


def test_existing_imports_are_rebound(monkeypatch):
    """A module that did `from scipy.linalg import eigh as my_eigh` before
    the patch runs on eigkit while patched, and on SciPy after."""
    user = types.ModuleType("eigkit_test_user_module")
    user.my_eigh = scipy.linalg.eigh
    user.eigsh = scipy.sparse.linalg.eigsh
    monkeypatch.setitem(sys.modules, user.__name__, user)
    with eigkit.patch_scipy():
        assert user.my_eigh is eigkit.eigh and user.eigsh is eigkit.eigsh
        late = types.ModuleType("eigkit_test_late_module")
        late.eigh = scipy.linalg.eigh    # imported while patched
        monkeypatch.setitem(sys.modules, late.__name__, late)
    assert user.my_eigh is ORIGINALS["eigh"] and late.eigh is ORIGINALS["eigh"]


def test_eigkit_keeps_scipy_references():
    """eigkit's own modules are never rebound (eigkit may call SciPy)."""
    import eigkit.sparse as eks
    before = dict(vars(eks))
    with eigkit.patch_scipy():
        assert dict(vars(eks)) == before


def test_patched_calls_answer_like_scipy():
    rng = np.random.default_rng(0)
    g = rng.standard_normal((60, 60))
    a = (g + g.T) / 2
    ref = ORIGINALS["eigvalsh"](a)
    with eigkit.patch_scipy():
        w = scipy.linalg.eigvalsh(a)
        lap = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(200, 200), format="csr")
        vals = scipy.sparse.linalg.eigsh(lap, k=4, which="LA", return_eigenvectors=False)
    np.testing.assert_allclose(w, ref, atol=1e-12 * np.abs(ref).max())
    exact = 2 - 2 * np.cos(np.arange(197, 201) * np.pi / 201)
    np.testing.assert_allclose(np.sort(vals), exact, rtol=1e-10)


def _spy():
    return mock.patch.object(_lanczos, "lanczos", wraps=_lanczos.lanczos)


def _columns_match_up_to_sign(x, y, atol):
    signs = np.sign(np.sum(x * y, axis=0))
    np.testing.assert_allclose(x * signs, y, atol=atol)


def test_sklearn_pca_arpack_runs_on_eigkit():
    pytest.importorskip("sklearn")
    from sklearn.decomposition import PCA
    rng = np.random.default_rng(1)
    x = rng.standard_normal((300, 40)) * np.linspace(3, 0.1, 40)
    ref = PCA(n_components=5, svd_solver="arpack", random_state=0).fit(x)
    with eigkit.patch_scipy(), _spy() as spy:
        ours = PCA(n_components=5, svd_solver="arpack", random_state=0).fit(x)
    assert spy.call_count >= 1
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-8)
    _columns_match_up_to_sign(ours.components_.T, ref.components_.T, atol=1e-7)
    np.testing.assert_allclose(np.abs(ours.transform(x)), np.abs(ref.transform(x)), atol=1e-6)


def test_sklearn_spectral_embedding_runs_on_eigkit():
    pytest.importorskip("sklearn")
    from sklearn.manifold import spectral_embedding
    rng = np.random.default_rng(2)
    pts = np.concatenate([rng.standard_normal((60, 3)) + c for c in (0.0, 3.0)])
    d2 = ((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1)
    affinity = sp.csr_matrix(np.exp(-d2 / 4.0) * (d2 < 16.0))
    kw = dict(n_components=3, eigen_solver="arpack", random_state=0, drop_first=False,
              eigen_tol=1e-10)
    ref = spectral_embedding(affinity, **kw)
    with eigkit.patch_scipy(), _spy() as spy:
        ours = spectral_embedding(affinity, **kw)
    assert spy.call_count >= 1
    # the embedding spans the same eigenvectors: compare the projectors
    q_ref, _ = np.linalg.qr(ref)
    q_ours, _ = np.linalg.qr(ours)
    np.testing.assert_allclose(q_ours @ q_ours.T, q_ref @ q_ref.T, atol=1e-6)
