"""Kernel tests: implicit QL/QR on a symmetric tridiagonal T, and the
wavefront rotation applier.

Matrix types after LAPACK's symmetric-eigen test generators (xCHKST):
zero, identity, random, positive definite, diagonally dominant, Wilkinson
W+, glued Wilkinson, graded, and entries near overflow and underflow.

Accuracy tests (scaled as in LAPACK's xSTT21 / xSTECH):
    eigenvalues   max |w - w_lapack| / (n ulp ||T||_1)     small
    residual      ||T Z - Z diag(w)||_1 / (||T||_1 n ulp)  < 60
    orthogonality ||Z^T Z - I||_1 / (n ulp)                < 60
"""
import numpy as np
import pytest
import scipy.linalg as sl

from eigkit._kernels import _testing as _dense
from matrices import dense_tridiagonal as dense
from matrices import kernel_tridiagonal as make_tridiagonal
from matrices import tridiagonal_norm1 as norm1
from matrices import wilkinson_plus

DTYPES = [np.float32, np.float64]
SIZES = [0, 1, 2, 3, 10, 50, 200, 500]
KINDS = ["zero", "identity", "random", "posdef", "diagdom", "wilkinson",
         "glued10", "graded-steep", "overflow", "underflow"]
THRESH = 60.0


def reference_eigvals(d, e):
    if d.size == 0:
        return d.copy()
    return sl.eigh_tridiagonal(d, e, eigvals_only=True)


def run_eigvals(d, e, dtype):
    w, ework = d.astype(dtype), e.astype(dtype)
    _dense.tridiagonal_eigvals(w, ework)
    return w


def run_qr(d, e, dtype, nthreads=1):
    n = d.size
    w, ework = d.astype(dtype), e.astype(dtype)
    z = np.asfortranarray(np.eye(n, dtype=dtype))
    _dense.tridiagonal_qr(w, ework, z, nthreads)
    return w, z


def check_eigvals(w, d, e, dtype, tol=10.0):
    n = d.size
    assert w.shape == (n,)
    assert np.all(np.isfinite(w))
    assert np.all(np.diff(w) >= 0), "eigenvalues not ascending"
    ref = reference_eigvals(d, e)
    tnorm = norm1(d, e)
    ulp = np.finfo(dtype).eps
    if n == 0:
        return
    scale = max(tnorm, np.finfo(np.float64).tiny)
    err = np.abs(w.astype(np.float64) / scale - ref / scale).max()
    assert err / (n * ulp) < tol, f"eigenvalue error {err / (n * ulp):.3g} n ulp ||T||"


def check_vectors(w, z, d, e, dtype, tol=THRESH):
    n = d.size
    if n == 0:
        return
    ulp = np.finfo(dtype).eps
    tnorm = norm1(d, e)
    scale = tnorm if tnorm > 0 else 1.0
    zz = z.astype(np.float64)
    ts = dense(d / scale, e / scale)
    resid = np.abs(ts @ zz - zz * (w.astype(np.float64) / scale)).sum(axis=0).max()
    assert resid / (n * ulp) < tol, f"residual {resid / (n * ulp):.3g}"
    orth = np.abs(zz.T @ zz - np.eye(n)).sum(axis=0).max()
    assert orth / (n * ulp) < tol, f"orthogonality {orth / (n * ulp):.3g}"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_eigvals(kind, n, dtype):
    d, e = make_tridiagonal(kind, n, dtype)
    if n == 0:
        return
    w = run_eigvals(d, e, dtype)
    check_eigvals(w, d, e, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_qr_with_vectors(kind, n, dtype):
    d, e = make_tridiagonal(kind, n, dtype)
    if n == 0:
        return
    w, z = run_qr(d, e, dtype)
    check_eigvals(w, d, e, dtype)
    check_vectors(w, z, d, e, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [3, 50, 500])
@pytest.mark.parametrize("kind", ["random", "glued10", "graded-steep", "wilkinson"])
def test_qr_two_threads(kind, n, dtype):
    d, e = make_tridiagonal(kind, n, dtype, seed=3)
    w1, z1 = run_qr(d, e, dtype, nthreads=1)
    w2, z2 = run_qr(d, e, dtype, nthreads=2)
    check_eigvals(w2, d, e, dtype)
    check_vectors(w2, z2, d, e, dtype)
    # rows are split among threads, each row computed identically
    assert np.array_equal(w1, w2)
    assert np.array_equal(z1, z2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_qr_nonidentity_z(dtype):
    """Z := Z Q for a general Z (here an orthogonal one)."""
    n = 37
    d, e = make_tridiagonal("random", n, dtype, seed=5)
    rng = np.random.default_rng(1)
    q0 = np.linalg.qr(rng.standard_normal((n, n)))[0].astype(dtype)
    w, ework = d.astype(dtype), e.astype(dtype)
    z = np.asfortranarray(q0.copy())
    _dense.tridiagonal_qr(w, ework, z, 1)
    w_ref, q_ref = run_qr(d, e, dtype)
    expect = q0.astype(np.float64) @ q_ref.astype(np.float64)
    ulp = np.finfo(dtype).eps
    assert np.abs(z - expect).max() < 100 * n * ulp


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("structure", ["permutation", "blockdiag", "zerocols"])
def test_qr_structured_z(structure, dtype):
    """Z with zero rows/columns in patterns other than the identity's
    (the kernel skips what stays zero): Z := Z Q exactly as for dense Z."""
    n = 120
    d, e = make_tridiagonal("random", n, dtype, seed=11)
    rng = np.random.default_rng(2)
    if structure == "permutation":
        z0 = np.eye(n)[rng.permutation(n)]
    elif structure == "blockdiag":
        z0 = np.zeros((n, n))
        z0[:50, :50] = rng.standard_normal((50, 50))
        z0[50:, 50:] = rng.standard_normal((70, 70))
    else:
        z0 = rng.standard_normal((n, n))
        z0[:, rng.choice(n, 30, replace=False)] = 0
        z0[rng.choice(n, 30, replace=False), :] = 0
    z0 = z0.astype(dtype)
    w, ework = d.astype(dtype), e.astype(dtype)
    z = np.asfortranarray(z0.copy())
    _dense.tridiagonal_qr(w, ework, z, 2)
    w_ref, q_ref = run_qr(d, e, dtype)
    assert np.array_equal(w, w_ref)
    expect = z0.astype(np.float64) @ q_ref.astype(np.float64)
    ulp = np.finfo(dtype).eps
    scale = max(1.0, np.abs(z0).sum(axis=1).max())
    assert np.abs(z - expect).max() < 100 * n * ulp * scale


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_input_terminates(dtype):
    from numpy.linalg import LinAlgError
    d = np.array([1.0, np.nan, 2.0, 3.0], dtype=dtype)
    e = np.array([1.0, 1.0, 1.0], dtype=dtype)
    with pytest.raises(LinAlgError):
        _dense.tridiagonal_eigvals(d.copy(), e.copy())
    z = np.asfortranarray(np.eye(4, dtype=dtype))
    with pytest.raises(LinAlgError):
        _dense.tridiagonal_qr(d.copy(), e.copy(), z, 1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_wilkinson_pairs_close(dtype):
    """W21+ has pairs of eigenvalues equal to ~1e-14: vectors must stay orthogonal."""
    d, e = wilkinson_plus(21)
    w, z = run_qr(d, e, dtype)
    check_eigvals(w, d, e, dtype)
    check_vectors(w, z, d, e, dtype)


# ---------------------------------------------------------------------------
# the rotation applier alone

def reference_rotations(c, s, z):
    """Z G(0,.) ... G(k-1,.), one rotation at a time (rotations.h)."""
    z = z.astype(np.float64).copy()
    nm1, k = c.shape
    for j in range(k):
        for i in range(nm1):
            a, b = z[:, i].copy(), z[:, i + 1].copy()
            z[:, i] = c[i, j] * a + s[i, j] * b
            z[:, i + 1] = -s[i, j] * a + c[i, j] * b
    return z


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,n", [(1, 2), (7, 3), (17, 9), (33, 31), (101, 20), (250, 65)])
@pytest.mark.parametrize("k", [1, 2, 5, 17])
@pytest.mark.parametrize("nthreads", [1, 2])
def test_apply_rotation_sequences(m, n, k, nthreads, dtype):
    rng = np.random.default_rng(m * 1000 + n * 10 + k)
    theta = rng.uniform(-np.pi, np.pi, (n - 1, k))
    c = np.asfortranarray(np.cos(theta).astype(dtype))
    s = np.asfortranarray(np.sin(theta).astype(dtype))
    z = np.asfortranarray(rng.standard_normal((m, n)).astype(dtype))
    z0 = z.copy()
    expect = reference_rotations(c.astype(np.float64), s.astype(np.float64), z0)
    _dense.apply_rotation_sequences(c, s, z, nthreads)
    ulp = np.finfo(dtype).eps
    err = np.abs(z.astype(np.float64) - expect).max() / np.abs(z0).max()
    assert err < 4 * (k * n) * ulp, err


@pytest.mark.parametrize("dtype", DTYPES)
def test_apply_identity_rotations(dtype):
    m, n, k = 13, 11, 6
    c = np.asfortranarray(np.ones((n - 1, k), dtype=dtype))
    s = np.asfortranarray(np.zeros((n - 1, k), dtype=dtype))
    z = np.asfortranarray(np.random.default_rng(0).standard_normal((m, n)).astype(dtype))
    z0 = z.copy()
    _dense.apply_rotation_sequences(c, s, z, 2)
    assert np.array_equal(z, z0)
