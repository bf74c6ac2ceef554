"""Tests of the Householder tridiagonalization kernel and the blocked
back-transformation (csrc/dense/tridiagonalize.c), through eigkit._kernels._testing.

The residuals are LAPACK's (xSYT21/xCHKST): with ulp = eps of the real type,
    ||Q^H Q - I||_1 / (n ulp)   and   ||A - Q T Q^H||_1 / (||A||_1 n ulp)
must stay below 60.  Q is reconstructed by applying the reflectors to the
identity, so both kernels are exercised together; apply_reflectors on a
rectangular Z is then checked against the dense product Q Z.
"""
import numpy as np
import pytest

import eigkit._kernels._testing as k
from matrices import dense_tridiagonal

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]
SIZES = [0, 1, 2, 3, 5, 31, 32, 33, 64, 65, 100, 257]
THRESH = 60.0


def real_dtype(dt):
    return np.empty(0, dt).real.dtype


def ulp(dt):
    return np.finfo(real_dtype(dt)).eps


def random_hermitian(n, dt, rng, scale=1.0):
    a = rng.standard_normal((n, n))
    if np.dtype(dt).kind == 'c':
        a = a + 1j * rng.standard_normal((n, n))
    a = (a + a.conj().T) / 2 * scale
    return np.asfortranarray(a.astype(dt))


def with_junk_upper(a, rng):
    """A copy whose strict upper triangle is garbage: only the lower
    triangle may be read."""
    b = a.copy(order='F')
    iu = np.triu_indices(a.shape[0], 1)
    b[iu] = rng.standard_normal(len(iu[0])) * 1e3
    return b


def reduce(a):
    """Run both kernels; return (d, e, tau, Q, packed reflectors)."""
    n = a.shape[0]
    packed = a.copy(order='F')
    d, e, tau = k.tridiagonalize(packed)
    q = np.asfortranarray(np.eye(n, dtype=a.dtype))
    k.apply_reflectors(packed, np.ascontiguousarray(tau), q)
    return d, e, tau, q, packed


def residuals(a, d, e, q):
    """LAPACK's scaled residuals, computed in the working precision's
    wider cousin (float64/complex128) so that only the kernel's error
    counts."""
    n = a.shape[0]
    u = ulp(a.dtype)
    wide = np.complex128 if np.iscomplexobj(a) else np.float64
    A = a.astype(wide)
    Q = q.astype(wide)
    T = dense_tridiagonal(d, e)
    orth = np.linalg.norm(Q.conj().T @ Q - np.eye(n), 1) / (n * u)
    anorm = np.linalg.norm(A, 1)
    back = np.linalg.norm(A - Q @ T @ Q.conj().T, 1)
    if anorm == 0:
        recon = back / (n * u)
    else:
        recon = back / (anorm * n * u)
    return orth, recon


def check_reduction(a):
    n = a.shape[0]
    d, e, tau, q, _ = reduce(a)
    rdt = real_dtype(a.dtype)
    assert d.shape == (n,) and e.shape == (max(n - 1, 0),) and tau.shape == (max(n - 1, 0),)
    assert d.dtype == rdt and e.dtype == rdt and tau.dtype == a.dtype
    assert np.all(np.isfinite(d)) and np.all(np.isfinite(e))
    if n == 0:
        return
    orth, recon = residuals(a, d, e, q)
    assert orth < THRESH, f"||Q^H Q - I|| / (n ulp) = {orth}"
    assert recon < THRESH, f"||A - Q T Q^H|| / (||A|| n ulp) = {recon}"
    # The eigenvalues of T are those of A.
    wide = np.complex128 if np.iscomplexobj(a) else np.float64
    lam_a = np.linalg.eigvalsh(a.astype(wide))
    lam_t = np.linalg.eigvalsh(dense_tridiagonal(d, e))
    scale = max(np.abs(lam_a).max(), np.finfo(np.float64).tiny)
    err = np.abs(lam_a - lam_t).max() / (scale * n * ulp(a.dtype))
    assert err < THRESH, f"eigenvalue error {err} (n ulp ||A||)"


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", SIZES)
def test_random_hermitian(n, dt):
    rng = np.random.default_rng(1000 + n)
    check_reduction(random_hermitian(n, dt, rng))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [2, 5, 33, 100])
def test_reads_lower_triangle_only(n, dt):
    rng = np.random.default_rng(7 + n)
    a = random_hermitian(n, dt, rng)
    d1, e1, tau1, q1, _ = reduce(a)
    d2, e2, tau2, q2, _ = reduce(with_junk_upper(a, rng))
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(e1, e2)
    np.testing.assert_array_equal(tau1, tau2)


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
@pytest.mark.parametrize("n", [1, 2, 3, 33, 100])
def test_complex_diagonal_imaginary_parts_ignored(n, dt):
    """A Hermitian matrix has a real diagonal; any imaginary part in the
    stored diagonal must be ignored (as xHETRD does)."""
    rng = np.random.default_rng(3)
    a = random_hermitian(n, dt, rng)
    junk = a.copy(order='F')
    junk[np.diag_indices(n)] += 1j * rng.standard_normal(n).astype(real_dtype(dt))
    d, e, tau, q, _ = reduce(junk)
    orth, recon = residuals(a, d, e, q)
    assert orth < THRESH and recon < THRESH


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [1, 2, 3, 33, 65])
def test_zero_matrix(n, dt):
    a = np.zeros((n, n), dtype=dt, order='F')
    d, e, tau, q, _ = reduce(a)
    assert np.all(d == 0) and np.all(e == 0)
    orth, _ = residuals(a, d, e, q)
    assert orth < THRESH


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [1, 2, 3, 33, 65])
def test_identity(n, dt):
    a = np.asfortranarray(np.eye(n, dtype=dt))
    d, e, tau, q, _ = reduce(a)
    np.testing.assert_allclose(d, 1, rtol=0, atol=4 * ulp(dt))
    np.testing.assert_allclose(e, 0, rtol=0, atol=4 * ulp(dt))
    check_reduction(a)


@pytest.mark.parametrize("scale", [1e-150, 1e150])
@pytest.mark.parametrize("dt", [np.float64, np.complex128])
@pytest.mark.parametrize("n", [5, 33, 100])
def test_extreme_scaling(n, dt, scale):
    rng = np.random.default_rng(11 + n)
    a = random_hermitian(n, dt, rng, scale=scale)
    check_reduction(a)
    # The result scales with A: compare with the unscaled reduction.
    d1, e1, _, _, _ = reduce(random_hermitian(n, dt, np.random.default_rng(11 + n)))
    d2, e2, _, _, _ = reduce(a)
    tol = 1e3 * n * ulp(dt) * np.abs(d1).max()
    np.testing.assert_allclose(d2 / scale, d1, rtol=0, atol=tol)
    np.testing.assert_allclose(np.abs(e2) / scale, np.abs(e1), rtol=0, atol=tol)


@pytest.mark.parametrize("dt", DTYPES)
def test_graded_and_clustered(dt):
    """Widely graded and tightly clustered spectra (LAPACK test types 3-5)."""
    rng = np.random.default_rng(5)
    n = 70
    for lam in (np.logspace(0, -np.log10(1 / ulp(dt)) * 0.9, n),
                np.r_[np.ones(n - 1), ulp(dt)]):
        x = rng.standard_normal((n, n))
        if np.dtype(dt).kind == 'c':
            x = x + 1j * rng.standard_normal((n, n))
        u, _ = np.linalg.qr(x)
        a = np.asfortranarray(((u * lam) @ u.conj().T).astype(dt))
        a = np.asfortranarray((a + a.conj().T) / 2)
        check_reduction(a)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n,m", [(2, 1), (3, 7), (33, 5), (65, 130), (100, 1), (257, 40), (130, 300)])
def test_apply_rectangular(n, m, dt):
    rng = np.random.default_rng(n * 1000 + m)
    a = random_hermitian(n, dt, rng)
    _, _, tau, q, packed = reduce(a)
    z = rng.standard_normal((n, m))
    if np.dtype(dt).kind == 'c':
        z = z + 1j * rng.standard_normal((n, m))
    z = np.asfortranarray(z.astype(dt))
    expect = q.astype(np.complex128) @ z.astype(np.complex128)
    k.apply_reflectors(packed, np.ascontiguousarray(tau), z)
    err = np.linalg.norm(z - expect, 1) / (max(np.linalg.norm(expect, 1), 1e-300) * n * ulp(dt))
    assert err < THRESH, f"||Q Z - expected|| / (||QZ|| n ulp) = {err}"


def test_apply_n1_is_identity():
    a = np.ones((1, 1), order='F')
    d, e, tau = k.tridiagonalize(a)
    assert d[0] == 1 and e.size == 0 and tau.size == 0
    z = np.asfortranarray(np.arange(4.0).reshape(1, 4))
    k.apply_reflectors(a, np.zeros(1), z)
    assert np.all(z == np.arange(4.0))
