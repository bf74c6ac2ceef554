"""The reduced QR of svds' Rayleigh-Ritz step (eigkit._linalg.tall_qr):
Cholesky QR twice, Householder QR beyond its reach."""
import numpy as np
import pytest

from eigkit._linalg import tall_qr as tq

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _block(n, k, dtype, condition, seed=0):
    """An n x k block of the given dtype with singular values spread
    geometrically from 1 to 1 / condition."""
    rng = np.random.default_rng(seed)
    def orthonormal(m):
        a = rng.standard_normal((m, k))
        if np.dtype(dtype).kind == "c":
            a = a + 1j * rng.standard_normal((m, k))
        return np.linalg.qr(a)[0]
    s = np.geomspace(1, 1 / condition, k)
    return ((orthonormal(n) * s) @ orthonormal(k).conj().T).astype(dtype)


def _check(Y, Q, R):
    eps = np.finfo(Y.dtype).eps
    k = Y.shape[1]
    assert Q.shape == Y.shape and R.shape == (k, k)
    assert Q.dtype == Y.dtype and R.dtype == Y.dtype
    assert np.allclose(np.tril(R, -1), 0)
    orth = np.linalg.norm(Q.conj().T @ Q - np.eye(k)) / (k * eps)
    resid = np.linalg.norm(Q @ R - Y) / (np.linalg.norm(Y) * k * eps)
    assert orth < 50 and resid < 50, (orth, resid)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("condition", [1, 1e2, 1e5])
def test_cholesky_qr_twice_orthonormal_and_exact(dtype, condition):
    if np.finfo(dtype).eps > 1e-10 and condition > 1e2:
        condition = 1e2
    Y = _block(500, 12, dtype, condition)
    before = Y.copy()
    _check(Y, *tq.tall_qr(Y))
    np.testing.assert_array_equal(Y, before)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ill_conditioned_block_takes_householder(dtype, monkeypatch):
    # beyond eps^-1/2 Cholesky QR twice is no longer accurate: the pass
    # must refuse, and the answer must still be a QR of Y
    Y = _block(300, 8, dtype, 1e12 if np.finfo(dtype).eps < 1e-10 else 1e6)
    assert tq._cholesky_pass(Y) is None
    calls = []
    householder = np.linalg.qr
    monkeypatch.setattr(tq.np.linalg, "qr", lambda a: calls.append(a.shape) or householder(a))
    _check(Y, *tq.tall_qr(Y))
    assert calls == [Y.shape]


def test_rank_deficient_block():
    Y = _block(200, 6, np.float64, 1)
    Y[:, 3] = Y[:, 1]
    Q, R = tq.tall_qr(Y)
    np.testing.assert_allclose(Q @ R, Y, atol=1e-13)
    assert abs(R[3, 3]) < 1e-12


def test_upper_inverse():
    rng = np.random.default_rng(3)
    R = np.triu(rng.standard_normal((9, 9))) + 4 * np.eye(9)
    np.testing.assert_allclose(tq._upper_inverse(R) @ R, np.eye(9), atol=1e-13)
