"""svds of a dense array whose smaller side is small forms the Gram matrix
once and solves it densely: the same answers as the Gram operator route
and LAPACK's SVD, in the input's precision, at any scale."""
import numpy as np
import pytest

import eigkit
from eigkit import config


@pytest.mark.parametrize("shape", [(400, 40), (40, 400)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("which", ["LM", "SM"])
def test_svds_formed_gram_matches_lapack(shape, dtype, which):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape) * (1.0 / np.arange(1, shape[1] + 1))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    a = a.astype(dtype)
    k = 4
    u, s, vh = eigkit.svds(a, k=k, which=which)
    exact = np.linalg.svd(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
                          compute_uv=False)
    expected = exact[:k][::-1] if which == "LM" else exact[-k:][::-1]
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(np.sort(s), np.sort(expected), rtol=0,
                               atol=50 * eps * exact[0] ** 2 / max(expected.min(), 1e-3))
    assert s.dtype == np.finfo(dtype).dtype
    np.testing.assert_allclose(a @ vh.conj().T, u * s, atol=200 * eps * exact[0])
    np.testing.assert_allclose(u.conj().T @ u, np.eye(k), atol=100 * eps)


def test_svds_formed_gram_agrees_with_the_operator_route():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((500, 60))
    formed = eigkit.svds(a, k=6, return_singular_vectors=False)
    with config.tunables(svds_formed_gram_max_order=0):
        applied = eigkit.svds(a, k=6, rng=0, return_singular_vectors=False)
    np.testing.assert_allclose(formed, applied, rtol=1e-12)


def test_svds_formed_gram_scales_huge_and_tiny_entries():
    rng = np.random.default_rng(7)
    base = rng.standard_normal((300, 30))
    exact = np.linalg.svd(base, compute_uv=False)[:3][::-1]
    for scale in (2.0 ** 600, 2.0 ** -600):
        s = eigkit.svds(base * scale, k=3, return_singular_vectors=False)
        np.testing.assert_allclose(s / scale, exact, rtol=1e-12)


def test_svds_formed_gram_refuses_non_finite_entries():
    a = np.ones((100, 10))
    for bad in (np.nan, np.inf):
        a[7, 3] = bad
        with pytest.raises(ValueError, match="NaN or Inf"):
            eigkit.svds(a, k=2)


@pytest.mark.parametrize("shape, formed", [((400, 40), True), ((40, 400), True),
                                           ((100, 40), False), ((400, 600), False)])
def test_svds_forms_the_gram_only_for_a_long_narrow_array(monkeypatch, shape, formed):
    calls = []
    real = eigkit.sparse._formed_gram_eigvecs
    monkeypatch.setattr(eigkit.sparse, "_formed_gram_eigvecs",
                        lambda *args: calls.append(args) or real(*args))
    a = np.random.default_rng(1).standard_normal(shape)
    eigkit.svds(a, k=3)
    assert bool(calls) == formed
    calls.clear()
    eigkit.svds(a, k=3, rng=0)
    assert not calls
