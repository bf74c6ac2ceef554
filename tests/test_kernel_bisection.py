"""Tests of csrc/tridiagonal/bisection.c and inverse_iteration.c: Sturm counts,
bisection by index and by value, inverse iteration, on LAPACK-style
tridiagonal test matrices (xCHKST's types: zero, identity, random, (2, -1),
Wilkinson, glued Wilkinson, graded, clustered, and entries scaled near
overflow and underflow)."""
import numpy as np
import pytest
import scipy.linalg as sl

from eigkit._kernels import _testing as D, tridiagonal as T
from matrices import dense_tridiagonal as dense
from matrices import tridiagonal, ulp

DTYPES = [np.float32, np.float64]
SIZES = [1, 2, 3, 10, 50, 300]


# ---------------------------------------------------------------- matrices

# Each case: the kind of matrices.tridiagonal it draws, with its glue; the
# position in this table seeds the case.
KINDS = {
    "zero": ("zero", None),
    "identity": ("identity", None),
    "random": ("random", None),
    "pd": ("posdef", None),
    "wilkinson": ("wilkinson", None),
    "glued": ("glued", 1e-10),
    "glued_tight": ("glued", 1e-14),  # clusters tied to rounding inside one block (double)
    "glued_split": ("glued", 1e-30),  # glue below the split threshold: ties across blocks
    "graded": ("graded-random", None),
    "cluster_diag": ("cluster-diagonal", None),  # a tight cluster plus outliers
    "cluster_tri": ("cluster-tridiagonal", None),
    "split": ("split", None),  # random with some couplings exactly zero
    "huge": ("random", None),
    "tiny": ("random", None),
}
# T = scale * tridiag(e, d, e): the reference spectrum is computed for the
# unscaled matrix and multiplied by scale.
SCALES = {"huge": {np.float64: 1e300, np.float32: 1e36},
          "tiny": {np.float64: 1e-300, np.float32: 1e-36}}


def case(kind, n, dtype, seed=0):
    generated, glue = KINDS[kind]
    d0, e0 = tridiagonal(generated, n, dtype, [seed, n, list(KINDS).index(kind)], glue=glue)
    scale = SCALES[kind][dtype] if kind in SCALES else 1.0
    d = (d0.astype(np.float64) * scale).astype(dtype)
    e = (e0.astype(np.float64) * scale).astype(dtype)
    assert np.all(np.isfinite(d)) and np.all(np.isfinite(e))
    # reference: the (rounded) unscaled matrix in float64, then scaled
    ds = d.astype(np.float64) / scale
    es = e.astype(np.float64) / scale
    ref = sl.eigh_tridiagonal(ds, es, eigvals_only=True) if n > 1 else ds.copy()
    tnorm = max(np.abs(ds).max() + 2 * (np.abs(es).max() if n > 1 else 0), np.finfo(np.float64).tiny)
    return d, e, np.sort(ref), scale, tnorm


def subsets(n):
    out = {"all": (0, n - 1), "top10": (max(n - 10, 0), n - 1), "bottom5": (0, min(4, n - 1))}
    if n >= 3:
        out["middle"] = (n // 3, (2 * n) // 3)
    return out


# ---------------------------------------------------------------- Sturm counts

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_sturm_count_matches_spectrum(kind, n, dtype):
    d, e, ref, scale, tnorm = case(kind, n, dtype)
    sep = 1e3 * n * ulp(dtype) * tnorm  # stay well away from eigenvalues
    xs = [ref[0] - 1 - tnorm, ref[-1] + 1 + tnorm]
    for a, b in zip(ref[:-1], ref[1:]):
        if b - a > 2 * sep:
            xs.append((a + b) / 2)
    checked = 0
    for x in xs:
        xr = float(dtype(x * scale))
        if not np.isfinite(xr):
            continue
        expect = int(np.sum(ref < xr / scale))
        assert D.sturm_count(d, e, xr) == expect, (x, expect)
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("dtype", DTYPES)
def test_sturm_count_edges(dtype):
    d = np.array([1, 2, 3], dtype)
    e = np.zeros(2, dtype)
    # exact eigenvalues count as "at or below" (pivot 0 -> -pivmin): (vl, vu] intervals
    assert [D.sturm_count(d, e, x) for x in (0.5, 1, 1.5, 2, 3, 3.5)] == [0, 1, 1, 2, 3, 3]
    assert D.sturm_count(d, e, np.inf) == 3
    assert D.sturm_count(d, e, -np.inf) == 0
    D.sturm_count(d, e, np.nan)  # must return
    dn = d.copy()
    dn[1] = np.nan
    D.sturm_count(dn, np.ones(2, dtype), 1.0)
    big = np.finfo(dtype).max
    db = np.array([big, -big, big / 2], dtype)
    eb = np.array([big / 4, big / 4], dtype)
    assert D.sturm_count(db, eb, 0.0) == int(np.sum(np.linalg.eigvalsh(dense(db / big, eb / big)) < 0))
    assert D.sturm_count(db, eb, -big) == 1 or D.sturm_count(db, eb, -big) == 0


# ---------------------------------------------------------------- eigenvalues

def eig_tol(n, dtype, tnorm):
    # plus a few safe minima: the pivmin term of the bisection tolerance
    return 4 * max(n, 1) * ulp(dtype) * tnorm + 4 * float(np.finfo(dtype).tiny)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_eigvals_by_index(kind, n, dtype):
    d, e, ref, scale, tnorm = case(kind, n, dtype)
    for name, (il, iu) in subsets(n).items():
        w, z = T.tridiagonal_eigen(d, e, False, kind=1, il=il, iu=iu)
        assert z is None and w.dtype == dtype and w.shape == (iu - il + 1,)
        assert np.all(np.diff(w) >= 0), name
        err = np.abs(w.astype(np.float64) / scale - ref[il:iu + 1]).max()
        assert err <= eig_tol(n, dtype, tnorm), (name, err / (ulp(dtype) * tnorm))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [3, 10, 50, 300])
@pytest.mark.parametrize("kind", KINDS)
def test_eigvals_by_value(kind, n, dtype):
    d, e, ref, scale, tnorm = case(kind, n, dtype)
    sep = 1e3 * n * ulp(dtype) * tnorm
    # candidate endpoints in gaps, and outside the spectrum
    gaps = [ref[0] - 1, ref[-1] + 1]
    gaps += [(a + b) / 2 for a, b in zip(ref[:-1], ref[1:]) if b - a > 2 * sep]
    gaps = sorted(float(dtype(g * scale)) / scale for g in gaps)
    rng = np.random.default_rng(n)
    pairs = [(gaps[0], gaps[-1])]
    for _ in range(4):
        i, j = sorted(rng.integers(0, len(gaps), 2))
        pairs.append((gaps[i], gaps[j]))
    for vl, vu in pairs:
        w, _ = T.tridiagonal_eigen(d, e, False, kind=2, vl=vl * scale, vu=vu * scale)
        expect = ref[(ref > vl) & (ref <= vu)]
        assert w.shape == expect.shape, (vl, vu)
        if len(w):
            assert np.all(np.diff(w) >= 0)
            assert np.abs(w.astype(np.float64) / scale - expect).max() <= eig_tol(n, dtype, tnorm)


@pytest.mark.parametrize("dtype", DTYPES)
def test_value_interval_is_half_open(dtype):
    d = np.array([1, 2, 3, 2], dtype)
    e = np.zeros(3, dtype)
    w, _ = T.tridiagonal_eigen(d, e, False, kind=2, vl=1.0, vu=2.0)
    assert list(w) == [2, 2]
    w, _ = T.tridiagonal_eigen(d, e, False, kind=2, vl=2.0, vu=3.0)
    assert list(w) == [3]
    z = np.zeros(5, dtype)
    assert len(T.tridiagonal_eigen(z, z[:4], False, kind=2, vl=-1.0, vu=0.0)[0]) == 5
    assert len(T.tridiagonal_eigen(z, z[:4], False, kind=2, vl=0.0, vu=1.0)[0]) == 0
    assert len(T.tridiagonal_eigen(z, z[:4], False, kind=2, vl=1.0, vu=1.0)[0]) == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_abstol(dtype):
    d, e, ref, scale, tnorm = case("random", 300, dtype)
    for abstol in (1e-2, 1e-4):
        w, _ = T.tridiagonal_eigen(d, e, False, kind=1, il=0, iu=299, abstol=abstol)
        err = np.abs(w - ref).max()
        assert err <= abstol + eig_tol(300, dtype, tnorm)
    w, _ = T.tridiagonal_eigen(d, e, False, kind=1, il=0, iu=299, abstol=1e-2)
    assert np.abs(w - ref).max() > eig_tol(300, dtype, tnorm)  # abstol is honoured, not ignored


@pytest.mark.parametrize("dtype", DTYPES)
def test_nonfinite_input_returns(dtype):
    d = np.ones(20, dtype)
    e = np.ones(19, dtype)
    d[7] = np.nan
    w, _ = T.tridiagonal_eigen(d, e, False, kind=1, il=2, iu=5)
    assert np.all(np.isnan(w))
    w, _ = T.tridiagonal_eigen(d, e, False, kind=2, vl=-10, vu=10)
    assert len(w) == 0
    e[3] = np.inf
    # the whole spectrum with vectors goes to QR, which reports NaN input
    # as non-convergence; a small selection gives NaN values
    with pytest.raises(np.linalg.LinAlgError):
        T.tridiagonal_eigen(d, e, True, kind=1, il=0, iu=19)
    w, z = T.tridiagonal_eigen(d, e, True, kind=1, il=0, iu=2)
    assert np.all(np.isnan(w))


@pytest.mark.parametrize("dtype", DTYPES)
def test_deterministic(dtype):
    d, e, ref, scale, tnorm = case("glued", 300, dtype)
    w1, z1 = T.tridiagonal_eigen(d, e, True, kind=1, il=100, iu=180)
    w2, z2 = T.tridiagonal_eigen(d, e, True, kind=1, il=100, iu=180)
    assert np.array_equal(w1, w2) and np.array_equal(z1, z2)


# ---------------------------------------------------------------- eigenvectors

def check_vectors(d, e, w, z, dtype, label, signs=True):
    n, m = z.shape
    assert m == len(w)
    T = dense(d, e)
    z64 = z.astype(np.float64)
    w64 = w.astype(np.float64)
    tn1 = max(np.abs(T).sum(axis=0).max(), np.finfo(np.float64).tiny)
    u = ulp(dtype)
    res = np.abs(T @ z64 - z64 * w64).sum(axis=0).max() / (tn1 * n * u)
    orth = np.abs(z64.T @ z64 - np.eye(m)).sum(axis=0).max() / (n * u)
    assert res < 60, (label, "residual", res)
    assert orth < 60, (label, "orthogonality", orth)
    if signs:  # inverse iteration's convention: largest-magnitude entry positive
        idx = np.argmax(np.abs(z), axis=0)
        assert np.all(z[idx, np.arange(m)] > 0), label


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_inverse_iteration(kind, n, dtype):
    d, e, ref, scale, tnorm = case(kind, n, dtype)
    for name, (il, iu) in subsets(n).items():
        w, _ = T.tridiagonal_eigen(d, e, False, kind=1, il=il, iu=iu)
        z = D.inverse_iteration(d, e, w)
        assert z.dtype == dtype and z.shape == (n, iu - il + 1)
        check_vectors(d, e, w, z, dtype, name)
        # the driver (inverse iteration for small selections, QR for large
        # ones) gives the same eigenvalues and valid vectors
        w2, z2 = T.tridiagonal_eigen(d, e, True, kind=1, il=il, iu=iu)
        assert np.array_equal(w, w2) or 4 * len(w) > n
        check_vectors(d, e, w2, z2, dtype, name, signs=4 * len(w) <= n)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["random", "glued", "glued_split", "cluster_diag", "identity"])
def test_vectors_by_value(kind, dtype):
    d, e, ref, scale, tnorm = case(kind, 300, dtype)
    lo, hi = ref[50], ref[120]
    vl, vu = lo - 1e-3 * tnorm, hi + 1e-3 * tnorm
    w, z = T.tridiagonal_eigen(d, e, True, kind=2, vl=vl, vu=vu)
    assert len(w) == np.sum((ref > vl) & (ref <= vu))
    check_vectors(d, e, w, z, dtype, kind, signs=4 * len(w) <= len(d))


@pytest.mark.parametrize("dtype", DTYPES)
def test_ties_across_blocks(dtype):
    """Identity and split glued Wilkinson: the index range cuts through a
    set of equal eigenvalues that live in different blocks."""
    n = 10
    d, e = np.ones(n, dtype), np.zeros(n - 1, dtype)
    w, z = T.tridiagonal_eigen(d, e, True, kind=1, il=3, iu=5)
    assert np.array_equal(w, np.ones(3, dtype))
    check_vectors(d, e, w, z, dtype, "identity")
    d, e, ref, scale, tnorm = case("glued_split", 105, dtype)  # 5 copies of W21
    for il, iu in [(102, 104), (99, 101), (0, 1), (97, 104)]:
        w, z = T.tridiagonal_eigen(d, e, True, kind=1, il=il, iu=iu)
        assert np.abs(w - ref[il:iu + 1]).max() <= eig_tol(105, dtype, tnorm)
        check_vectors(d, e, w, z, dtype, (il, iu))


def test_inverse_iteration_reports_and_normalises_float64():
    # shifts that are not eigenvalues at all: iteration cannot converge, but
    # the vectors must still be unit vectors and finite
    d = np.arange(10.0)
    e = np.full(9, 1e-3)
    w = np.array([0.5, 3.5, 7.5])
    try:
        z = D.inverse_iteration(d, e, w)
    except np.linalg.LinAlgError:
        return  # the binding reports non-convergence
    assert np.allclose(np.linalg.norm(z, axis=0), 1)
