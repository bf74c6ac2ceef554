"""Bad input for every public function: the exception SciPy raises for the
same input (run side by side), with a message naming the problem; where
SciPy crashes, hangs or returns garbage, the exception eigkit documents.
Unusual but valid layouts (non-contiguous, Fortran, read-only,
memory-mapped) give SciPy's answers and are never modified."""
import warnings

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from numpy.linalg import LinAlgError

import eigkit

N = 8


def _symmetric(n=N, seed=0):
    g = np.random.default_rng(seed).standard_normal((n, n))
    return g + g.T


A = _symmetric()
D, E = np.diag(A).copy(), np.diag(A, 1).copy()
V0 = np.ones(N)


def _with(a, i, j, value):
    out = np.array(a, dtype=float)
    out[i, j] = out[j, i] = value
    return out


def _sparse_vector(x):
    return sp.csr_matrix(x.reshape(1, -1))


# (id, name of the function in eigkit / SciPy, args, kwargs, message pattern).
# SciPy raises for each of these; eigkit must raise the same type.
SAME_AS_SCIPY = [
    ("eigh-nan", "eigh", (_with(A, 1, 2, np.nan),), {}, "infs or NaNs"),
    ("eigh-inf", "eigh", (_with(A, 0, 0, np.inf),), {}, "infs or NaNs"),
    ("eigh-b-nan", "eigh", (A, _with(np.eye(N), 0, 0, np.nan)), {}, "infs or NaNs"),
    ("eigvalsh-nan", "eigvalsh", (_with(A, 1, 2, np.nan),), {}, "infs or NaNs"),
    ("eigh-nonsquare", "eigh", (A[:, :5],), {}, "square"),
    ("eigh-1d", "eigh", (A[0],), {}, "square"),
    ("eigh-0d", "eigh", (np.float64(3.0),), {}, "square"),
    ("eigh-0x3", "eigh", (np.zeros((0, 3)),), {}, "square"),
    ("eigh-empty-batch", "eigh", (np.zeros((0, 3, 3)),), {}, "zero-size"),
    ("eigh-b-nonsquare", "eigh", (A, A[:, :5]), {}, "square"),
    ("eigh-b-shape", "eigh", (A, np.eye(N + 1)), {}, "b dimensions"),
    ("eigh-object", "eigh", (A.astype(object),), {}, "object"),
    ("eigh-none", "eigh", (None,), {}, "object"),
    ("eigh-sparse", "eigh", (sp.csr_matrix(A),), {}, "(?i)sparse|object"),
    ("eigh-b-not-posdef", "eigh", (A, A), {}, "positive definite"),
    ("eigh-driver", "eigh", (A,), {"driver": "xyz"}, "xyz"),
    ("eigh-driver-generalized", "eigh", (A,), {"driver": "gvd"}, "b array"),
    ("eigh-driver-subset", "eigh", (A,), {"driver": "evd", "subset_by_index": [0, 1]},
     "subsets"),
    ("eigh-type", "eigh", (A, np.eye(N)), {"type": 4}, "type"),
    ("eigh-index-reversed", "eigh", (A,), {"subset_by_index": [5, 2]}, "indices"),
    ("eigh-index-too-large", "eigh", (A,), {"subset_by_index": [0, N]}, "indices"),
    ("eigh-index-negative", "eigh", (A,), {"subset_by_index": [-1, 2]}, "indices"),
    ("eigh-value-reversed", "eigh", (A,), {"subset_by_value": [5, 2]}, "bounds"),
    ("eigh-value-nan", "eigh", (A,), {"subset_by_value": [np.nan, 2]}, "bounds"),
    ("eigh-both-subsets", "eigh", (A,), {"subset_by_index": [0, 1], "subset_by_value": [0, 1]},
     "index or value"),
    ("tri-d-nan", "eigh_tridiagonal", (np.r_[np.nan, D[1:]], E), {}, "infs or NaNs"),
    ("tri-e-inf", "eigvalsh_tridiagonal", (D, np.r_[np.inf, E[1:]]), {}, "infs or NaNs"),
    ("tri-lengths", "eigh_tridiagonal", (D, E[:-1]), {}, "one more element"),
    ("tri-empty", "eigh_tridiagonal", (np.zeros(0), np.zeros(0)), {}, "one more element"),
    ("tri-complex", "eigh_tridiagonal", (D + 0j, E), {}, "real"),
    ("tri-object", "eigvalsh_tridiagonal", (D.astype(object), E), {}, "object"),
    ("tri-sparse", "eigh_tridiagonal", (_sparse_vector(D), E), {}, "(?i)sparse|object"),
    ("tri-select", "eigh_tridiagonal", (D, E), {"select": "x"}, "select"),
    ("tri-select-float-index", "eigh_tridiagonal", (D, E),
     {"select": "i", "select_range": (0.0, 2.0)}, "integers"),
    ("tri-select-index-range", "eigh_tridiagonal", (D, E),
     {"select": "i", "select_range": (0, N)}, "out of bounds"),
    ("tri-select-reversed", "eigvalsh_tridiagonal", (D, E),
     {"select": "v", "select_range": (2, 1)}, "nondecreasing"),
    ("tri-select-missing", "eigh_tridiagonal", (D, E), {"select": "v"}, "select_range"),
    ("tri-driver", "eigh_tridiagonal", (D, E), {"lapack_driver": "xx"}, "lapack_driver"),
    ("tri-driver-type", "eigh_tridiagonal", (D, E), {"lapack_driver": 1}, "lapack_driver"),
    ("tri-driver-subset", "eigh_tridiagonal", (D, E),
     {"lapack_driver": "stev", "select": "i", "select_range": (0, 1)}, "select"),
    ("tri-sterf-vectors", "eigh_tridiagonal", (D, E), {"lapack_driver": "sterf"}, "eigvals_only"),
    ("eigsh-nonsquare", "eigsh", (A[:, :5],), {"k": 2}, "square"),
    ("eigsh-3d", "eigsh", (np.zeros((2, 3, 3)),), {"k": 2}, "square"),
    ("eigsh-object", "eigsh", (A.astype(object),), {"k": 2}, "matrix type"),
    ("eigsh-str", "eigsh", (A.astype(str),), {"k": 2}, "matrix type"),
    ("eigsh-longdouble", "eigsh", (A.astype(np.longdouble),), {"k": 2}, "matrix type"),
    ("eigsh-k0", "eigsh", (A,), {"k": 0}, "k must be"),
    ("eigsh-k-negative", "eigsh", (A,), {"k": -1}, "k must be"),
    ("eigsh-k-none", "eigsh", (A,), {"k": None}, ""),
    ("eigsh-ncv-k", "eigsh", (A,), {"k": 3, "ncv": 3}, "ncv"),
    ("eigsh-ncv-negative", "eigsh", (A,), {"k": 3, "ncv": -1}, ""),
    ("eigsh-ncv-float", "eigsh", (A,), {"k": 3, "ncv": 7.5}, "integer"),
    ("eigsh-which", "eigsh", (A,), {"k": 2, "which": "XX"}, "which"),
    ("eigsh-which-lower", "eigsh", (A,), {"k": 2, "which": "lm"}, "which"),
    ("eigsh-mode", "eigsh", (A,), {"k": 2, "sigma": 1.0, "mode": "bad"}, "mode"),
    ("eigsh-mode-none", "eigsh", (A,), {"k": 2, "sigma": 1.0, "mode": None}, "mode"),
    ("eigsh-sigma-nan", "eigsh", (A,), {"k": 2, "sigma": np.nan}, "infs or NaNs"),
    ("eigsh-sigma-complex", "eigsh", (A,), {"k": 2, "sigma": 1 + 1j}, "real"),
    ("eigsh-maxiter", "eigsh", (A,), {"k": 2, "maxiter": 0}, "maxiter"),
    ("eigsh-M-shape", "eigsh", (A,), {"k": 2, "M": np.eye(N + 1)}, "M dimensions"),
    ("eigsh-M-nan", "eigsh", (A,), {"k": 2, "M": _with(np.eye(N), 0, 0, np.nan)}, "infs or NaNs"),
    ("eigsh-Minv-without-M", "eigsh", (A,), {"k": 2, "Minv": A}, "Minv"),
    ("eigsh-OPinv-without-sigma", "eigsh", (A,), {"k": 2, "OPinv": A}, "OPinv"),
    ("eigsh-complex-BE", "eigsh", (A + 1j * np.eye(N),), {"k": 2, "which": "BE"}, "BE"),
    ("eigsh-complex-mode", "eigsh", (A + 0j,), {"k": 2, "sigma": 1.0, "mode": "cayley"}, "mode"),
    ("eigsh-dense-fallback-sparse", "eigsh", (sp.csr_matrix(A),), {"k": N}, "sparse"),
    ("svds-k0", "svds", (A,), {"k": 0}, "`k`"),
    ("svds-k-too-large", "svds", (A,), {"k": N}, "`k`"),
    ("svds-ncv", "svds", (A,), {"k": 3, "ncv": 3}, "`ncv`"),
    ("svds-tol", "svds", (A,), {"k": 3, "tol": -1}, "`tol`"),
    ("svds-which", "svds", (A,), {"k": 3, "which": "LA"}, "`which`"),
    ("svds-maxiter", "svds", (A,), {"k": 3, "maxiter": 0}, "`maxiter`"),
    ("svds-solver", "svds", (A,), {"k": 3, "solver": "bad"}, "solver"),
    ("svds-vectors", "svds", (A,), {"k": 3, "return_singular_vectors": "x"},
     "return_singular_vectors"),
    ("svds-v0-shape", "svds", (A,), {"k": 3, "v0": np.ones(3)}, "`v0`"),
    ("svds-empty", "svds", (np.zeros((0, 0)),), {"k": 1}, "empty"),
    ("svds-3d", "svds", (np.zeros((2, 3, 3)),), {"k": 1}, "ndim"),
    ("svds-object", "svds", (A.astype(object),), {"k": 2}, "numeric"),
    ("svds-str", "svds", (A.astype(str),), {"k": 2}, "numeric"),
]

SCIPY_SPARSE = {"eigsh": sla.eigsh, "svds": sla.svds}


def _scipy(name):
    return SCIPY_SPARSE.get(name) or getattr(sl, name)


def _caught(fn, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001  (the type is what is compared)
            return exc
    return None


@pytest.mark.parametrize("name, args, kwargs, match",
                         [pytest.param(*c[1:], id=c[0]) for c in SAME_AS_SCIPY])
def test_same_exception_as_scipy(name, args, kwargs, match):
    scipy_kwargs = dict(kwargs)
    if name == "eigsh" and "v0" not in kwargs:
        scipy_kwargs["v0"] = V0
    expected = _caught(_scipy(name), args, scipy_kwargs)
    assert expected is not None, "SciPy accepts this input: not a bad-input case"
    got = _caught(getattr(eigkit, name), args, kwargs)
    assert isinstance(got, type(expected)), f"SciPy raised {expected!r}, eigkit {got!r}"
    assert str(got), "the message must name the problem"
    if match:
        with pytest.raises(type(expected), match=match):
            raise got


# Where SciPy crashes (SystemError), returns garbage or accepts nonsense,
# eigkit raises what the closest SciPy check raises for the same mistake.
DIVERGES_FROM_SCIPY = [
    # SciPy: SystemError from the ARPACK wrapper.
    ("eigsh-k-float", "eigsh", (A,), {"k": 2.5}, TypeError, "k must be an integer"),
    ("eigsh-tol-str", "eigsh", (A,), {"k": 2, "tol": "a"}, ValueError, "convert"),
    # SciPy: ArpackNoConvergence after maxiter restarts.
    ("eigsh-tol-nan", "eigsh", (A,), {"k": 2, "tol": np.nan}, ValueError, "tol"),
    # SciPy: ArpackError (a RuntimeError) "Could not build an Arnoldi factorization".
    ("eigsh-nan", "eigsh", (_with(A, 1, 2, np.nan),), {"k": 2}, ValueError, "NaN or Inf"),
    ("eigsh-inf-sparse", "eigsh", (sp.csr_matrix(_with(A, 1, 2, np.inf)),), {"k": 2},
     ValueError, "NaN or Inf"),
    ("svds-nan", "svds", (_with(A, 1, 2, np.nan),), {"k": 2}, ValueError, "NaN or Inf"),
    # SciPy: silently accepted (truncated or reshaped).
    ("eigsh-v0-length", "eigsh", (A,), {"k": 2, "v0": np.ones(N + 1)}, ValueError, "v0"),
    ("eigsh-v0-2d", "eigsh", (A,), {"k": 2, "v0": np.ones((N, 2))}, ValueError, "v0"),
    ("eigsh-v0-nan", "eigsh", (A,), {"k": 2, "v0": np.full(N, np.nan)}, ValueError, "v0"),
    # SciPy: AttributeError / IndexError from deep inside.
    ("eigsh-list", "eigsh", (A.tolist(),), {"k": 2}, TypeError, "LinearOperator"),
    ("eigsh-none", "eigsh", (None,), {"k": 2}, TypeError, "LinearOperator"),
    ("eigsh-1d", "eigsh", (A[0],), {"k": 2}, ValueError, "square"),
    ("eigsh-block-size", "eigsh", (A,), {"k": 2, "block_size": 0}, ValueError, "block_size"),
    # SciPy converts strings to numbers (np.asarray(..., float)); eigkit
    # refuses non-numeric input as it refuses object arrays.
    ("eigh-str", "eigh", (A.astype(str),), {}, ValueError, "dtype"),
    ("eigvalsh-bytes", "eigvalsh", (A.astype(bytes),), {}, ValueError, "dtype"),
    ("tri-str", "eigvalsh_tridiagonal", (D.astype(str), E), {}, ValueError, "dtype"),
    ("tri-2d", "eigh_tridiagonal", (np.diag(D), E), {}, ValueError, "1-D"),
    # SciPy: LinAlgError from stebz; eigkit refuses the bound up front.
    ("tri-select-nan", "eigh_tridiagonal", (D, E), {"select": "v", "select_range": (np.nan, 1)},
     ValueError, "NaN"),
    ("eigh-masked", "eigh", (np.ma.masked_array(A, mask=np.eye(N)),), {}, ValueError, "masked"),
]


@pytest.mark.parametrize("name, args, kwargs, exc_type, match",
                         [pytest.param(*c[1:], id=c[0]) for c in DIVERGES_FROM_SCIPY])
def test_documented_exception(name, args, kwargs, exc_type, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc_type, match=match):
            getattr(eigkit, name)(*args, **kwargs)


# ---------------------------------------------------------------------------
# NaN and Inf without check_finite: LinAlgError or non-finite eigenvalues,
# never finite garbage or a hang

NONFINITE = [_with(A, 1, 2, np.nan), _with(A, 0, 0, np.inf), _with(A, 3, 4, -np.inf)]


def _nan_or_raises(call):
    try:
        w = call()
    except LinAlgError:
        return
    w = w[0] if isinstance(w, tuple) else w
    assert not np.isfinite(w).all(), "non-finite input gave finite eigenvalues"


@pytest.mark.parametrize("a", NONFINITE, ids=["nan", "inf", "-inf"])
def test_nonfinite_without_check(a):
    _nan_or_raises(lambda: eigkit.eigh(a, check_finite=False))
    _nan_or_raises(lambda: eigkit.eigvalsh(a, check_finite=False))
    _nan_or_raises(lambda: eigkit.eigh(a, check_finite=False, subset_by_index=[0, 2]))
    _nan_or_raises(lambda: eigkit.eigh(A, a, check_finite=False))
    d, e = np.diag(a).copy(), np.diag(a, 1).copy()
    _nan_or_raises(lambda: eigkit.eigh_tridiagonal(d, e, check_finite=False))
    _nan_or_raises(lambda: eigkit.eigvalsh_tridiagonal(d, e, check_finite=False))
    _nan_or_raises(lambda: eigkit.eigvalsh_tridiagonal(d, e, check_finite=False, select="i",
                                                       select_range=(0, 2)))


# ---------------------------------------------------------------------------
# LinearOperators that misbehave

def _operator(matvec, n=N):
    return sla.LinearOperator((n, n), matvec=matvec, rmatvec=matvec, dtype=float)


def _nan_after(calls):
    count = [0]

    def matvec(x):
        count[0] += 1
        return A @ x if count[0] <= calls else np.full(x.shape, np.nan)
    return matvec


BAD_OPERATORS = {
    "wrong-length": (lambda x: np.ones(N + 1), "reshape|shape"),
    "wrong-shape-2d": (lambda x: np.ones((N, 3)), "reshape|shape"),
    "none": (lambda x: None, "reshape|shape"),
    "nan": (lambda x: np.full(N, np.nan), "NaN or Inf"),
    "nan-later": (_nan_after(4), "NaN or Inf"),
    "strings": (lambda x: np.full(np.shape(x), "a"), "dtype"),
    "complex-for-real": (lambda x: 1j * (A @ x), "complex"),
}


class _MatmatOperator(sla.LinearOperator):
    """An operator with a block method that returns the wrong shape."""

    def __init__(self):
        super().__init__(float, (N, N))

    def _matvec(self, x):
        return A @ x

    def _matmat(self, X):
        return (A @ X)[:, :1]


@pytest.mark.parametrize("kind", list(BAD_OPERATORS))
@pytest.mark.parametrize("role", ["A", "M", "OPinv", "svds"])
def test_bad_operator(kind, role):
    matvec, match = BAD_OPERATORS[kind]
    op = _operator(matvec)
    if role == "A":
        call = lambda: eigkit.eigsh(op, k=2)  # noqa: E731
    elif role == "M":
        call = lambda: eigkit.eigsh(A, M=op, k=2)  # noqa: E731
    elif role == "OPinv":
        call = lambda: eigkit.eigsh(A, sigma=0.5, OPinv=op, k=2)  # noqa: E731
    else:
        if kind == "complex-for-real":
            pytest.skip("X^H X of this operator is real: nothing to detect")
        call = lambda: eigkit.svds(op, k=2)  # noqa: E731
    with pytest.raises(ValueError, match=match):
        call()


def test_block_operator_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(8, 1\), expected \(8, \d+\)"):
        eigkit.eigsh(_MatmatOperator(), k=2, block_size=2)


# ---------------------------------------------------------------------------
# Valid but unusual layouts: SciPy's answers, inputs untouched

def _layouts(a, tmp_path):
    read_only = a.copy()
    read_only.flags.writeable = False
    mapped = np.lib.format.open_memmap(tmp_path / "a.npy", mode="w+", dtype=a.dtype,
                                       shape=a.shape)
    mapped[:] = a
    mapped.flush()
    del mapped
    writable = np.lib.format.open_memmap(tmp_path / "f.npy", mode="w+", dtype=a.dtype,
                                         shape=a.shape, fortran_order=True)
    writable[:] = a
    return {
        "memmap-fortran-writable": writable,
        "non-contiguous": np.kron(a, np.ones((2, 2)))[::2, ::2],
        "negative-strides": a[::-1, ::-1],
        "fortran": np.asfortranarray(a),
        "read-only": read_only,
        "memmap-read-only": np.load(tmp_path / "a.npy", mmap_mode="r"),
        "matrix": np.asmatrix(a),
        "list": a.tolist(),
        "int": np.round(a).astype(np.int32),
        "bool": a > 0,
        "float16": a.astype(np.float16),
    }


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_layouts_dense(tmp_path):
    for name, x in _layouts(A, tmp_path).items():
        before = np.array(x, copy=True)
        w = eigkit.eigvalsh(x)
        assert np.allclose(w, sl.eigvalsh(x), rtol=1e-5, atol=1e-5 * np.abs(w).max()), name
        w, v = eigkit.eigh(x, lower=False)
        assert np.allclose(np.asarray(x, dtype=float) @ v, v * w, atol=1e-3 * np.abs(w).max()), name
        assert np.array_equal(np.asarray(x), before), f"{name}: input modified"
        d, e = np.diagonal(np.asarray(x)), np.diagonal(np.asarray(x), 1)
        assert np.allclose(eigkit.eigvalsh_tridiagonal(d, e), sl.eigvalsh_tridiagonal(d, e),
                           atol=1e-5 * np.abs(w).max()), name


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_layouts_sparse(tmp_path):
    for name, x in _layouts(A, tmp_path).items():
        if name == "list":
            continue  # eigsh, like SciPy's, wants an array or operator
        before = np.array(x, copy=True)
        w = eigkit.eigsh(x, k=3, which="LA", return_eigenvectors=False)
        ref = sl.eigvalsh(np.asarray(x, dtype=float))[-3:]
        assert np.allclose(np.sort(w), ref, atol=1e-4 * np.abs(ref).max()), name
        if name != "bool":  # svds refuses booleans, as SciPy's does
            s = eigkit.svds(x, k=2, return_singular_vectors=False)
            ref = np.linalg.svd(np.asarray(x, dtype=float), compute_uv=False)[:2]
            assert np.allclose(np.sort(s)[::-1], ref, atol=1e-4 * ref.max()), name
        assert np.array_equal(np.asarray(x), before), f"{name}: input modified"


def test_overwrite_false_never_modifies():
    for dtype in (np.float64, np.complex128, np.float32):
        a = A.astype(dtype, order="F")
        b = (np.eye(N) * 2).astype(dtype, order="F")
        a0, b0 = a.copy(), b.copy()
        eigkit.eigh(a, b)
        eigkit.eigh(a, subset_by_index=[0, 2])
        assert np.array_equal(a, a0) and np.array_equal(b, b0)
        v0 = np.ones(N, dtype=dtype)
        eigkit.eigsh(a, k=2, v0=v0, M=b)
        assert np.array_equal(a, a0) and np.array_equal(b, b0)
        assert np.array_equal(v0, np.ones(N))
