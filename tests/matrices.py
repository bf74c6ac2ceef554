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
        a = dense_tridiagonal(*tridiagonal(TRIDIAGONAL[base], n, np.float64, seed)).astype(dtype)
    else:
        raise ValueError(kind)
    if scaling:
        a = (a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)
             * scale_near(scaling, n, dtype)).astype(dtype)
    return a


def wilkinson_plus(n):
    """W_n^+: d_i = |(n-1)/2 - i|, e_i = 1 (W_{2m+1}^+ for odd n)."""
    d = np.abs((n - 1) / 2.0 - np.arange(n))
    return d, np.ones(max(n - 1, 0))


def tridiagonal(kind, n, dtype=np.float64, seed=0, *, glue=None):
    """(d, e) of a tridiagonal test matrix of order n, in dtype.

    ``seed`` is anything np.random.default_rng takes (an int, a sequence of
    ints, a Generator): the suites derive their seeds differently.

    zero, identity; random: standard normal entries; split: random with
    every fourth coupling zero; posdef: (2, -1); dominant: |d_i| in
    [2.5, 5), diagdom: |d_i| in [3, 4), both with e_i in (-1, 1);
    wilkinson: W_n^+; wilkinson-odd: W_{2m+1}^+ for the largest 2m+1 <= n,
    an even order adding d = m coupled by 1; glued: blocks of W_21^+
    joined by ``glue`` (default 1e-10, 1e-5 below double precision: heavy
    deflation); graded: d_i = 10^(-0.3 i); graded-steep: d_i = 10^-i;
    graded-random: random entries graded from 1 down to 1e-12 (1e-5 below
    double precision); clustered: (1, ulp, ..., ulp) with ulp^2 couplings;
    cluster-diagonal: a diagonal with most entries within 1e-6 of 1;
    cluster-tridiagonal: the same spread with 1e-7 couplings; dsytrd: the
    T of LAPACK's reduction of a random symmetric matrix; overflow /
    underflow: random entries of size 1e300 / 1e-300 (1e36 / 1e-36 below
    double precision).
    """
    rng = np.random.default_rng(seed)
    double = np.dtype(dtype) == np.float64
    m = max(n - 1, 0)
    i = np.arange(n)
    if kind == "zero":
        d, e = np.zeros(n), np.zeros(m)
    elif kind == "identity":
        d, e = np.ones(n), np.zeros(m)
    elif kind in ("random", "split"):
        d, e = rng.standard_normal(n), rng.standard_normal(m)
        if kind == "split":
            e[::4] = 0
    elif kind == "posdef":
        d, e = 2.0 * np.ones(n), -np.ones(m)
    elif kind == "dominant":
        e = rng.uniform(-1, 1, m)
        d = 2.5 * rng.choice([-1, 1], n) * (1 + rng.uniform(0, 1, n))
    elif kind == "diagdom":
        e = rng.uniform(-1, 1, m)
        d = (3.0 + rng.uniform(0, 1, n)) * rng.choice([-1.0, 1.0], n)
    elif kind == "wilkinson":
        d, e = wilkinson_plus(n)
    elif kind == "wilkinson-odd":
        half = m // 2
        d, e = np.abs(i - half).astype(float), np.ones(m)
        d[2 * half + 1:] = half
    elif kind == "glued":
        if glue is None:
            glue = 1e-10 if double else 1e-5
        d21, e21 = wilkinson_plus(21)
        blocks = n // 21 + 1
        d = np.tile(d21, blocks)[:n]
        e = np.tile(np.append(e21, glue), blocks)[:m]
    elif kind == "graded":
        d, e = 10.0 ** (-0.3 * i), 10.0 ** (-0.3 * (i[:m] + 0.5))
    elif kind == "graded-steep":
        d, e = 10.0 ** (-i.astype(float)), 10.0 ** (-i[:m] - 0.5)
    elif kind == "graded-random":
        g = (1e-12 if double else 1e-5) ** (i / max(n - 1, 1))
        d = g * (1 + 0.5 * rng.standard_normal(n))
        e = np.sqrt(g[:-1] * g[1:]) * rng.standard_normal(m)
    elif kind == "clustered":
        eps = float(np.finfo(dtype).eps)
        d = eps * rng.choice([-1.0, 1.0], n)
        d[0] = 1.0
        e = eps * eps * rng.uniform(1, 2, m)
    elif kind == "cluster-diagonal":
        d = 1 + 1e-6 * rng.standard_normal(n)
        d[::7] = rng.standard_normal(len(d[::7]))
        e = np.zeros(m)
    elif kind == "cluster-tridiagonal":
        d = 1 + 1e-6 * rng.standard_normal(n)
        e = 1e-7 * rng.standard_normal(m)
    elif kind == "dsytrd":
        import scipy.linalg as sl
        a = rng.standard_normal((n, n))
        _, d, e, _, _ = sl.lapack.dsytrd((a + a.T) / 2)
        d, e = d.copy(), e[:m].copy()
    elif kind in ("overflow", "underflow"):
        s = (1e300 if double else 1e36) if kind == "overflow" else (1e-300 if double else 1e-36)
        d, e = s * rng.standard_normal(n), s * rng.standard_normal(m)
    else:
        raise ValueError(kind)
    return np.asarray(d, dtype), np.asarray(e, dtype)


def dense_tridiagonal(d, e):
    """The full symmetric matrix of (d, e), in float64 whatever their dtype."""
    d, e = np.asarray(d, np.float64), np.asarray(e, np.float64)
    return np.diag(d) + np.diag(e, 1) + np.diag(e, -1)


#: the tridiagonal kinds of :func:`hermitian`, and the kind of
#: :func:`tridiagonal` each one draws
TRIDIAGONAL = {"tri-random": "random", "tri-posdef": "posdef", "tri-dominant": "dominant",
               "tri-wilkinson": "wilkinson-odd", "tri-glued-wilkinson": "glued",
               "tri-graded": "graded"}

DENSE_KINDS = (["zero", "identity", "arithmetic", "geometric", "clustered",
                "diagonal-arithmetic", "diagonal-geometric", "diagonal-clustered",
                "geometric@overflow", "geometric@underflow",
                "clustered@overflow", "clustered@underflow",
                "arithmetic@overflow", "arithmetic@underflow",
                "random", "posdef", "identity-plus-rank-one"] + list(TRIDIAGONAL))


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

def kernel_tridiagonal(kind, n, dtype, seed=0):
    """(d, e) of a :func:`tridiagonal` kind in float64, exactly
    representable in dtype, seeded by seed and n; glued10 / glued14 are
    W_21^+ blocks glued by 1e-10 / 1e-14."""
    glue = {"glued10": 1e-10, "glued14": 1e-14}.get(kind)
    d, e = tridiagonal("glued" if glue else kind, n, dtype, seed + 7919 * n, glue=glue)
    return d.astype(np.float64), e.astype(np.float64)


def tridiagonal_norm1(d, e):
    """||T||_1 (T symmetric: the largest column sum); 0 for n = 0."""
    if d.size == 0:
        return 0.0
    col = np.abs(d).copy()
    col[:-1] += np.abs(e)
    col[1:] += np.abs(e)
    return col.max()
