"""Every option the drop-ins accept does what SciPy documents or is refused
with a clear error, never silently dropped: svds's solver rules (PROPACK's
k = min(A.shape) and left starting vector, ncv ignored as SciPy ignores
it, options refused) and eigsh's shift-invert modes without a shift.

eigh's ``driver`` is tested with the Krylov subset path, in
test_dense_krylov.py.
"""
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator

import eigkit
from matrices import ulp, with_spectrum


def tall(m=40, n=12, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal((m, n))
    return a.astype(dtype)


def check_svd(a, u, s, vh, k):
    """Ascending singular values as LAPACK's, orthonormal vectors, A V = U S."""
    exact = np.linalg.svd(a, compute_uv=False)[:k][::-1]
    tol = 100 * ulp(a.dtype) * exact.max()
    assert np.abs(s - exact).max() < tol
    assert np.abs(u.conj().T @ u - np.eye(k)).max() < 100 * ulp(a.dtype) * a.shape[0]
    assert np.abs(vh @ vh.conj().T - np.eye(k)).max() < 100 * ulp(a.dtype) * a.shape[1]
    assert np.abs(a @ vh.conj().T - u * s).max() < tol * max(a.shape)


@pytest.mark.parametrize("form", ["dense", "csr", "operator"])
@pytest.mark.parametrize("shape", [(40, 12), (12, 40)])
def test_propack_k_equal_to_min_shape(form, shape):
    a = tall(*shape)
    given = {"dense": a, "csr": sp.csr_array(a), "operator": aslinearoperator(a)}[form]
    k = min(shape)
    u, s, vh = eigkit.svds(given, k=k, solver="propack", rng=0)
    assert u.shape == (shape[0], k) and vh.shape == (k, shape[1])
    check_svd(a, u, s, vh, k)
    assert np.allclose(eigkit.svds(given, k=k, solver="propack", return_singular_vectors=False),
                       s, rtol=1e-13, atol=0)
    u_only, _, none = eigkit.svds(given, k=k, solver="propack", return_singular_vectors="u")
    assert none is None and u_only.shape == (shape[0], k)


@pytest.mark.parametrize("solver", ["arpack", "lobpcg"])
def test_k_equal_to_min_shape_refused_outside_propack(solver):
    with pytest.raises(ValueError, match="`k` must be an integer"):
        eigkit.svds(tall(), k=12, solver=solver)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_propack_left_start_of_a_tall_matrix(dtype):
    """PROPACK's v0 has length A.shape[0]: for a tall A the Gram operator
    A^H A starts from A^H v0."""
    a = tall(dtype=dtype)
    v0 = np.random.default_rng(1).standard_normal(a.shape[0])
    u, s, vh = eigkit.svds(a, k=3, v0=v0, solver="propack", rng=0)
    check_svd(a, u, s, vh, 3)
    u2, s2, vh2 = eigkit.svds(a, k=3, v0=a.conj().T @ v0, solver="arpack", rng=0)
    assert np.array_equal(s, s2) and np.array_equal(u, u2) and np.array_equal(vh, vh2)


def test_propack_left_start_orthogonal_to_the_range():
    """A^H v0 = 0 carries no direction: the solve starts at random, and
    still finds the triplets."""
    a = np.zeros((30, 10))
    a[:10, :] = np.diag(np.arange(1.0, 11.0))
    v0 = np.zeros(30)
    v0[20] = 1.0
    u, s, vh = eigkit.svds(a, k=2, v0=v0, solver="propack", rng=0)
    check_svd(a, u, s, vh, 2)


def test_propack_start_of_a_wide_matrix_is_its_own_side():
    a = tall(12, 40)
    v0 = np.random.default_rng(2).standard_normal(12)
    u, s, vh = eigkit.svds(a, k=3, v0=v0, solver="propack", rng=0)
    check_svd(a, u, s, vh, 3)


@pytest.mark.parametrize("solver", ["lobpcg", "propack"])
def test_ncv_is_ignored_outside_arpack(solver):
    """SciPy documents ncv as ignored by lobpcg and propack."""
    a = tall()
    u, s, vh = eigkit.svds(a, k=3, ncv=1, solver=solver, rng=0)
    check_svd(a, u, s, vh, 3)


@pytest.mark.parametrize("solver", ["arpack", "lobpcg", "propack"])
def test_options_refused_not_dropped(solver):
    a = tall()
    with pytest.raises(ValueError, match=r"takes no solver options.*\['maxiter'\]"):
        eigkit.svds(a, k=2, solver=solver, options={"maxiter": 5})
    with pytest.raises(TypeError, match="`options` must be a dict"):
        eigkit.svds(a, k=2, solver=solver, options=[("maxiter", 5)])
    for empty in (None, {}):
        _, s, _ = eigkit.svds(a, k=2, solver=solver, options=empty, rng=0)
        assert np.allclose(s, np.linalg.svd(a, compute_uv=False)[1::-1])


@pytest.mark.parametrize("mode", ["buckling", "cayley"])
def test_shift_invert_mode_without_sigma_refused(mode):
    a = with_spectrum(np.arange(1.0, 31.0), np.float64, np.random.default_rng(3))
    with pytest.raises(ValueError, match=f"mode='{mode}' is a shift-invert mode and needs sigma"):
        eigkit.eigsh(a, k=2, mode=mode)
    with pytest.raises(ValueError, match="unrecognized mode 'nonsense'"):
        eigkit.eigsh(a, k=2, mode="nonsense")


@pytest.mark.parametrize("which", ["LM", "SM"])
@pytest.mark.parametrize("solver", ["arpack", "propack"])
@pytest.mark.parametrize("form", ["dense", "operator"])
def test_complex_k_one_below_min_shape(which, solver, form):
    """k = min(A.shape) - 1 of a complex A: the complex Gram operator's
    eigsh would be sent to a dense solver and refuse an operator; svds
    takes the dense SVD of A instead."""
    a = tall(10, 4, dtype=np.complex128)
    given = a if form == "dense" else aslinearoperator(a)
    u, s, vh = eigkit.svds(given, k=3, which=which, solver=solver, rng=0)
    exact = np.linalg.svd(a, compute_uv=False)
    expected = exact[2::-1] if which == "LM" else exact[:0:-1]
    assert np.allclose(s, expected, rtol=1e-13, atol=0)
    assert np.allclose(a @ vh.conj().T, u * s, atol=1e-12)
