"""eigsh on CSR and CSC matrices, whose products run in C
(csrc/krylov/sparse_operator.c via eigkit._linalg.compressed_operator): the same answers as the
Python path through a LinearOperator, every dtype and index width,
non-canonical and malformed structures, read-only arrays, threads and
Ctrl-C."""
import _thread
import threading

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator

import eigkit
from eigkit._linalg.compressed_operator import compressed_arrays
from eigkit._linalg.scaling import PowerOfTwoScaling


def _laplacian(m):
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    return (sp.kron(t, sp.identity(m)) + sp.kron(sp.identity(m), t)).tocsr()


def _random_hermitian(n, dtype, seed, density=0.05):
    rng = np.random.default_rng(seed)
    S = sp.random(n, n, density=density, random_state=rng, format="csr")
    if np.dtype(dtype).kind == "c":
        S = S + 1j * sp.random(n, n, density=density, random_state=rng, format="csr")
    return ((S + S.conj().T) / 2 + sp.diags(rng.standard_normal(n))).astype(dtype).tocsr()


def _is_compiled(A):
    dtype = np.dtype(A.dtype)
    return compressed_arrays(A, dtype, PowerOfTwoScaling(dtype)) is not None


def _assert_pairs(A, w, v, rtol):
    dense = A.toarray()
    ref = np.linalg.eigvalsh(dense)
    scale = np.abs(ref).max()
    assert np.all(np.min(np.abs(w[:, None] - ref[None, :]), axis=1) <= rtol * scale)
    assert np.linalg.norm(dense @ v - v * w, axis=0).max() <= rtol * scale
    assert np.linalg.norm(v.conj().T @ v - np.eye(len(w))) <= rtol * len(w)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("index", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_formats_dtypes_and_index_widths(fmt, index, dtype):
    A = _random_hermitian(120, dtype, seed=3).asformat(fmt)
    A.indptr, A.indices = A.indptr.astype(index), A.indices.astype(index)
    assert _is_compiled(A)
    w, v = eigkit.eigsh(A, k=5, which="LA", rng=0)
    assert w.dtype == np.empty(0, dtype).real.dtype and v.dtype == dtype
    _assert_pairs(A, w, v, 1e-3 if dtype in (np.float32, np.complex64) else 1e-9)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("which", ["LA", "SA", "LM"])
def test_same_answer_as_the_python_path(fmt, which):
    A = _laplacian(24).asformat(fmt)
    w1, v1, info1 = eigkit.eigsh(A, k=6, which=which, rng=1, return_info=True)
    w2, v2, info2 = eigkit.eigsh(aslinearoperator(A), k=6, which=which, rng=1, return_info=True)
    np.testing.assert_allclose(w1, w2, rtol=1e-12, atol=1e-12)
    assert info1.converged and info2.converged
    assert abs(info1.matvecs - info2.matvecs) <= info2.matvecs // 10


def test_complex_csc_applies_a_not_its_transpose():
    # For a Hermitian A with complex entries, CSC read as CSR would be
    # conj(A): the same eigenvalues, conjugated eigenvectors.  Residuals
    # against A itself tell the difference.
    A = _random_hermitian(150, np.complex128, seed=5).tocsc()
    w, v = eigkit.eigsh(A, k=4, which="LA", rng=0)
    _assert_pairs(A, w, v, 1e-9)


def test_unsorted_and_duplicate_indices_are_summed():
    A = _random_hermitian(100, np.float64, seed=7)
    rows, cols = A.nonzero()
    vals = np.asarray(A[rows, cols]).ravel()
    order = np.random.default_rng(0).permutation(len(vals))
    # every entry split into two halves, stored in a scrambled order
    rows, cols = np.r_[rows[order], rows], np.r_[cols[order], cols]
    vals = np.r_[vals[order] / 2, vals / 2]
    B = sp.csr_matrix((vals, (rows, cols)), shape=A.shape)
    B.indices = B.indices.copy()
    perm = np.random.default_rng(1).permutation
    for i in range(B.shape[0]):       # scramble within each row, keep duplicates
        lo, hi = B.indptr[i], B.indptr[i + 1]
        p = lo + perm(hi - lo)
        B.indices[lo:hi], B.data[lo:hi] = B.indices[p], B.data[p]
    B.has_sorted_indices = False
    w, v = eigkit.eigsh(B, k=4, which="SA", rng=0)
    _assert_pairs(A, w, v, 1e-9)


def test_read_only_arrays_and_input_untouched():
    A = _laplacian(15)
    saved = [a.copy() for a in (A.indptr, A.indices, A.data)]
    for a in (A.indptr, A.indices, A.data):
        a.flags.writeable = False
    w, v = eigkit.eigsh(A, k=3, which="LA", rng=0)
    _assert_pairs(A, w, v, 1e-9)
    for a, b in zip((A.indptr, A.indices, A.data), saved):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("defect, message", [
    ("index", "index out of range"),
    ("negative", "index out of range"),
    ("decreasing", "decreases"),
    ("past-end", "past the end"),
    ("start", "start at 0"),
])
def test_malformed_structure_raises(defect, message):
    A = _laplacian(10)
    A.indptr, A.indices = A.indptr.copy(), A.indices.copy()
    if defect == "index":
        A.indices[5] = A.shape[0]
    elif defect == "negative":
        A.indices[7] = -1
    elif defect == "decreasing":
        A.indptr[4], A.indptr[5] = A.indptr[5], A.indptr[4]
    elif defect == "past-end":
        A.indptr[-1] = len(A.indices) + 3
    else:
        A.indptr[0] = 1
    with pytest.raises(ValueError, match=message):
        eigkit.eigsh(A, k=3, rng=0)


def test_what_keeps_the_python_path():
    A = _laplacian(6)
    f64 = np.dtype(np.float64)
    scaling = PowerOfTwoScaling(f64)
    assert compressed_arrays(A.tocoo(), f64, scaling) is None
    assert compressed_arrays(A.astype(np.float32), f64, scaling) is None
    assert compressed_arrays(A * 1e300, f64, scaling) is None
    with_nan = A.copy()
    with_nan.data[3] = np.nan
    assert compressed_arrays(with_nan, f64, scaling) is None
    # ...and the Python path still handles them: scaled entries give the
    # scaled eigenvalues, NaN the operator error.
    w = eigkit.eigsh(A * 1e300, k=2, which="LA", rng=0, return_eigenvectors=False)
    ref = np.linalg.eigvalsh(A.toarray())[-2:] * 1e300
    np.testing.assert_allclose(w, ref, rtol=1e-10)
    with pytest.raises(ValueError, match="NaN"):
        eigkit.eigsh(with_nan, k=2, rng=0)


def test_threaded_products_give_the_serial_answer(monkeypatch):
    A = _laplacian(120)          # 71 000 entries: products are threaded
    results = []
    for threads in ("1", "2"):
        monkeypatch.setenv("EIGKIT_NUM_THREADS", threads)
        w, v = eigkit.eigsh(A, k=4, which="LA", rng=0, tol=1e-10)
        results.append(w)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_solves_in_threads_at_once():
    A = _laplacian(40)
    ref = eigkit.eigsh(A, k=5, which="SA", rng=0, return_eigenvectors=False)
    out = [None] * 6

    def solve(i):
        out[i] = eigkit.eigsh(A, k=5, which="SA", rng=0, return_eigenvectors=False)
    threads = [threading.Thread(target=solve, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for w in out:
        np.testing.assert_array_equal(w, ref)


@pytest.mark.usefixtures("python_sigint_handler")
def test_ctrl_c_interrupts_a_compiled_solve_promptly():
    A = _laplacian(150)          # SA with tol = eps: many seconds of work
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            eigkit.eigsh(A, k=30, which="SA", rng=0)
    finally:
        timer.cancel()
        timer.join()
    # Taken by the compiled loop's own check between sparse products, not
    # by the interpreter after the solve had run to its end.
    assert str(caught.traceback[-1].path).endswith("krylov.pyx")
    w = eigkit.eigsh(_laplacian(10), k=2, which="LA", rng=0, return_eigenvectors=False)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(_laplacian(10).toarray())[-2:], rtol=1e-10)


def _random_rectangular(m, n, dtype, seed, density=0.05):
    rng = np.random.default_rng(seed)
    S = sp.random(m, n, density=density, random_state=rng, format="csr")
    if np.dtype(dtype).kind == "c":
        S = S + 1j * sp.random(m, n, density=density, random_state=rng, format="csr")
    return S.astype(dtype)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("shape", [(300, 120), (120, 300)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_svds_gram_products_in_c(fmt, shape, dtype):
    A = _random_rectangular(*shape, dtype, seed=11).asformat(fmt)
    operator = "AAh" if shape[0] < shape[1] else "AhA"
    assert compressed_arrays(A, np.dtype(dtype), PowerOfTwoScaling(dtype), operator) is not None
    u, s, vh = eigkit.svds(A, k=4, rng=0)
    dense = A.toarray()
    ref = np.linalg.svd(dense, compute_uv=False)[:4]
    rtol = 1e-3 if dtype in (np.float32, np.complex64) else 1e-9
    np.testing.assert_allclose(np.sort(s)[::-1], ref, rtol=rtol)
    assert np.linalg.norm(dense @ vh.conj().T - u * s) <= rtol * ref[0]
    assert np.linalg.norm(dense.conj().T @ u - vh.conj().T * s) <= rtol * ref[0]


def test_svds_same_answer_as_the_python_path():
    A = _random_rectangular(400, 150, np.float64, seed=2)
    s1 = eigkit.svds(A, k=5, rng=3, return_singular_vectors=False)
    s2 = eigkit.svds(aslinearoperator(A), k=5, rng=3, return_singular_vectors=False)
    np.testing.assert_allclose(s1, s2, rtol=1e-12)
