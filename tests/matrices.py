"""Test matrices in the style of LAPACK's symmetric eigenvalue tests
(xDRVST / xCHKST): prescribed spectra in a random unitary basis, scaled
near the overflow and underflow thresholds, and the classic hard
tridiagonal families.  Every generator is deterministic given its seed.
"""
import numpy as np

REAL = {np.float32: np.float32, np.float64: np.float64,
        np.complex64: np.float32, np.complex128: np.float64}
DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def real_dtype(dtype):
    return np.dtype(REAL[np.dtype(dtype).type])


def ulp(dtype):
    return float(np.finfo(real_dtype(dtype)).eps)


def random_unitary(n, dtype, rng):
    """A Haar-distributed orthogonal / unitary matrix (QR of a Gaussian)."""
    g = rng.standard_normal((n, n))
    if np.dtype(dtype).kind == "c":
        g = g + 1j * rng.standard_normal((n, n))
    q, r = np.linalg.qr(g)
    d = np.diagonal(r)
    return q * (d / np.abs(d))


def spectrum(kind, n, dtype, rng):
    """LAPACK's spectra: 1..ulp evenly or geometrically spaced, or the
    cluster (1, ulp, ..., ulp), with random signs."""
    u = ulp(dtype)
    if n == 1:
        w = np.ones(1)
    elif kind == "arithmetic":
        w = 1 - (1 - u) * np.arange(n) / (n - 1)
    elif kind == "geometric":
        w = u ** (np.arange(n) / (n - 1))
    elif kind == "clustered":
        w = np.full(n, u)
        w[0] = 1
    else:
        raise ValueError(kind)
    return w * rng.choice([-1.0, 1.0], size=n)


def with_spectrum(w, dtype, rng):
    """Q diag(w) Q^H in dtype, formed in double precision."""
    n = len(w)
    q = random_unitary(n, np.complex128 if np.dtype(dtype).kind == "c" else np.float64, rng)
    a = (q * w) @ q.conj().T
    a = (a + a.conj().T) / 2
    return a.astype(dtype)


def scale_near(threshold, n, dtype):
    """A factor putting a matrix of norm about 1 near the overflow or
    underflow threshold while its entries stay normalized numbers."""
    fi = np.finfo(real_dtype(dtype))
    if threshold == "overflow":
        return float(fi.max) / (16.0 * max(n, 1))
    return float(fi.tiny) / float(fi.eps) * 16.0 * max(n, 1)


def hermitian(kind, n, dtype, seed=0):
    """A dense test matrix of the named kind."""
    rng = np.random.default_rng(seed)
    base, _, scaling = kind.partition("@")
    if base == "zero":
        a = np.zeros((n, n), dtype)
    elif base == "identity":
        a = np.eye(n, dtype=dtype)
    elif base in ("arithmetic", "geometric", "clustered"):
        a = with_spectrum(spectrum(base, n, dtype, rng), dtype, rng)
    elif base.startswith("diagonal-"):
        a = np.diag(spectrum(base.split("-", 1)[1], n, dtype, rng)).astype(dtype)
    elif base == "random":
        g = rng.standard_normal((n, n))
        if np.dtype(dtype).kind == "c":
            g = g + 1j * rng.standard_normal((n, n))
        a = ((g + g.conj().T) / 2).astype(dtype)
    elif base == "posdef":
        g = rng.standard_normal((n, n))
        a = (g @ g.T / max(n, 1) + np.eye(n)).astype(dtype)
    elif base == "identity-plus-rank-one":
        v = rng.standard_normal(n)
        a = (np.eye(n) + np.outer(v, v)).astype(dtype)
    elif base in TRIDIAGONAL:
        d, e = tridiagonal(base, n, np.float64, seed)
        a = (np.diag(d) + np.diag(e, 1) + np.diag(e, -1)).astype(dtype)
    else:
        raise ValueError(kind)
    if scaling:
        a = (a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)
             * scale_near(scaling, n, dtype)).astype(dtype)
    return a


def wilkinson(m):
    """W_{2m+1}^+: diagonal m, m-1, ..., 0, ..., m; off-diagonal 1."""
    d = np.abs(np.arange(-m, m + 1)).astype(float)
    return d, np.ones(2 * m)


def tridiagonal(kind, n, dtype=np.float64, seed=0):
    """(d, e) of a tridiagonal test matrix of order n."""
    rng = np.random.default_rng(seed)
    if kind == "tri-random":
        d, e = rng.standard_normal(n), rng.standard_normal(max(n - 1, 0))
    elif kind == "tri-posdef":
        d, e = 2 * np.ones(n), -np.ones(max(n - 1, 0))
    elif kind == "tri-dominant":
        e = rng.uniform(-1, 1, max(n - 1, 0))
        d = 2.5 * rng.choice([-1, 1], n) * (1 + rng.uniform(0, 1, n))
    elif kind == "tri-wilkinson":
        m = max((n - 1) // 2, 0)
        d, e = wilkinson(m)
        d, e = np.resize(d, n), np.resize(e, max(n - 1, 0))
        if n > 2 * m + 1:
            e[2 * m:] = 1.0
    elif kind == "tri-glued-wilkinson":
        d1, e1 = wilkinson(10)
        blocks = -(-n // 21)
        d = np.tile(d1, blocks)[:n]
        e = np.full(max(n - 1, 0), 1.0)
        for k in range(1, blocks):
            if 21 * k - 1 < n - 1:
                e[21 * k - 1] = 1e-10 if np.dtype(dtype) == np.float64 else 1e-5
    elif kind == "tri-graded":
        i = np.arange(n)
        d = 10.0 ** (-i * 0.3)
        e = 10.0 ** (-(i[:-1] + 0.5) * 0.3)
    else:
        raise ValueError(kind)
    return np.asarray(d, dtype), np.asarray(e, dtype)


TRIDIAGONAL = ["tri-random", "tri-posdef", "tri-dominant", "tri-wilkinson",
               "tri-glued-wilkinson", "tri-graded"]

DENSE_KINDS = (["zero", "identity", "arithmetic", "geometric", "clustered",
                "diagonal-arithmetic", "diagonal-geometric", "diagonal-clustered",
                "geometric@overflow", "geometric@underflow",
                "clustered@overflow", "clustered@underflow",
                "arithmetic@overflow", "arithmetic@underflow",
                "random", "posdef", "identity-plus-rank-one"] + TRIDIAGONAL)


# ---------------------------------------------------------------------------
# LAPACK's test ratios, computed in double precision on rescaled data so
# that the check itself cannot overflow or underflow.

def _norm1(x):
    return np.abs(x).sum(axis=0).max() if x.size else 0.0


def decomposition_ratio(a, w, z, dtype):
    """||A - Z W Z^H||_1 / (||A||_1 n ulp), LAPACK's first test ratio.
    A is Hermitian (full), Z the n x m eigenvectors.  For a subset (m < n)
    the residual ||A Z - Z W||_1 / (||A||_1 n ulp) is used instead."""
    n = a.shape[0]
    wide = np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(z) else np.float64
    s = float(np.abs(a).max()) or 1.0
    a = a.astype(wide) / s
    z = z.astype(wide)
    w = w.astype(np.float64) / s
    anorm = max(_norm1(a), np.finfo(np.float64).tiny)
    if z.shape[1] == n:
        r = a - (z * w) @ z.conj().T
    else:
        r = a @ z - z * w
    return _norm1(r) / anorm / (n * ulp(dtype))


def orthogonality_ratio(z, dtype):
    """||I - Z^H Z||_1 / (n ulp), LAPACK's second test ratio."""
    n = max(z.shape[0], 1)
    zz = z.astype(np.complex128 if np.iscomplexobj(z) else np.float64)
    return _norm1(np.eye(z.shape[1]) - zz.conj().T @ zz) / (n * ulp(dtype))


# ---------------------------------------------------------------------------
# Tridiagonal cases for the kernel tests (tridiagonal QR, divide and conquer)

def wilkinson_plus(n):
    """W_n^+: d_i = |(n-1)/2 - i|, e_i = 1 (W_{2m+1}^+ for odd n)."""
    d = np.abs((n - 1) / 2.0 - np.arange(n))
    return d, np.ones(max(n - 1, 0))


KERNEL_TRIDIAGONAL_KINDS = ["zero", "identity", "random", "posdef", "diagdom", "wilkinson",
                            "glued10", "glued14", "graded", "graded-steep", "clustered",
                            "dsytrd", "overflow", "underflow"]


def kernel_tridiagonal(kind, n, dtype, seed=0):
    """(d, e) of the named kind in float64, exactly representable in dtype.

    glued10 / glued14: blocks of W_21^+ joined by 1e-10 / 1e-14 (heavy
    deflation); graded: d_i = 10^(-0.3 i); graded-steep: d_i = 10^-i;
    clustered: (1, ulp, ..., ulp) with ulp^2 couplings; dsytrd: the T of
    LAPACK's reduction of a random symmetric matrix; overflow / underflow:
    random entries of size 1e300 / 1e-300 (1e36 / 1e-36 in float32)."""
    rng = np.random.default_rng(seed + 7919 * n)
    f64 = np.dtype(dtype) == np.float64
    eps = float(np.finfo(dtype).eps)
    m = max(n - 1, 0)
    i = np.arange(n)
    if kind == "zero":
        d, e = np.zeros(n), np.zeros(m)
    elif kind == "identity":
        d, e = np.ones(n), np.zeros(m)
    elif kind == "random":
        d, e = rng.standard_normal(n), rng.standard_normal(m)
    elif kind == "posdef":
        d, e = 2.0 * np.ones(n), -np.ones(m)
    elif kind == "diagdom":
        e = rng.uniform(-1, 1, m)
        d = (3.0 + rng.uniform(0, 1, n)) * rng.choice([-1.0, 1.0], n)
    elif kind == "wilkinson":
        d, e = wilkinson_plus(n)
    elif kind in ("glued10", "glued14"):
        glue = 1e-10 if kind == "glued10" else 1e-14
        d21, e21 = wilkinson_plus(21)
        nb = n // 21 + 1
        d = np.tile(d21, nb)[:n]
        e = np.concatenate([np.append(e21, glue) for _ in range(nb)])[:m]
    elif kind == "graded":
        d, e = 10.0 ** (-0.3 * i), 10.0 ** (-0.3 * (i[:m] + 0.5))
    elif kind == "graded-steep":
        d, e = 10.0 ** (-i.astype(float)), 10.0 ** (-i[:m] - 0.5)
    elif kind == "clustered":
        d = eps * rng.choice([-1.0, 1.0], n)
        d[0] = 1.0
        e = eps * eps * rng.uniform(1, 2, m)
    elif kind == "dsytrd":
        import scipy.linalg as sl
        a = rng.standard_normal((n, n))
        _, d, e, _, _ = sl.lapack.dsytrd((a + a.T) / 2)
        d, e = d.copy(), e[:m].copy()
    elif kind in ("overflow", "underflow"):
        s = (1e300 if f64 else 1e36) if kind == "overflow" else (1e-300 if f64 else 1e-36)
        d, e = s * rng.standard_normal(n), s * rng.standard_normal(m)
    else:
        raise ValueError(kind)
    return d.astype(dtype).astype(np.float64), e.astype(dtype).astype(np.float64)


def dense_tridiagonal(d, e):
    return np.diag(d) + np.diag(e, 1) + np.diag(e, -1)


def tridiagonal_norm1(d, e):
    """||T||_1 (T symmetric: the largest column sum); 0 for n = 0."""
    if d.size == 0:
        return 0.0
    col = np.abs(d).copy()
    col[:-1] += np.abs(e)
    col[1:] += np.abs(e)
    return col.max()
