"""eigsh on reducible CSR/CSC matrices, solved one connected component at a
time (eigkit._linalg.connected_components): the same pairs as the whole-matrix solve and as
dense eigh, multiplicities exact, every option carried to the blocks."""
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import eigkit
from eigkit._linalg import connected_components as _components
from eigkit.config import get_tunables
from eigkit.sparse import LanczosNoConvergence

pytestmark = pytest.mark.usefixtures("single_threaded_blas")


def ring_block(size, rng, dtype):
    """A connected Hermitian block: a ring with random weights, a few
    chords and a random diagonal (no two blocks share a spectrum)."""
    rows = np.arange(size)
    cols = np.concatenate([(rows + 1) % size, rng.integers(0, size, size // 4)])
    rows = np.concatenate([rows, rng.integers(0, size, size // 4)])
    vals = rng.uniform(0.5, 1.5, rows.shape[0])
    if np.dtype(dtype).kind == "c":
        vals = vals * np.exp(1j * rng.uniform(0, 2 * np.pi, rows.shape[0]))
    a = sp.coo_array((vals, (rows, cols)), shape=(size, size)).tocsr()
    a = a + a.conj().T + sp.diags_array(rng.uniform(-1, 1, size))
    return a.astype(dtype)


def reducible(sizes, dtype=np.float64, seed=0, form="csr", shuffle=True):
    """block_diag of ring blocks, its rows and columns shuffled so that the
    components interleave."""
    rng = np.random.default_rng(seed)
    a = sp.block_diag([ring_block(s, rng, dtype) for s in sizes], format="csr")
    if shuffle:
        p = rng.permutation(a.shape[0])
        a = a[p][:, p]
    return a.asformat(form)


def exact_selection(a, k, which):
    w = np.linalg.eigvalsh(a.toarray())
    key = {"LA": -w, "SA": w, "LM": -np.abs(w), "SM": np.abs(w)}[which]
    return np.sort(w[np.argsort(key, kind="stable")[:k]])


def check(a, w, v, which, k, rtol):
    dense = a.toarray()
    anorm = np.abs(np.linalg.eigvalsh(dense)).max()
    assert np.allclose(np.sort(w), exact_selection(a, k, which), atol=rtol * anorm * 10)
    assert np.linalg.norm(dense @ v - v * w, axis=0).max() <= rtol * anorm
    assert np.abs(v.conj().T @ v - np.eye(k)).max() <= 100 * k * np.finfo(v.dtype).eps


@pytest.mark.parametrize("which", ["LA", "SA", "LM", "SM"])
@pytest.mark.parametrize("sizes", [[300, 200, 150], [400, 40, 3, 1, 250]])
def test_blocks_agree_with_dense_and_with_the_whole_matrix(sizes, which):
    # 300, 200, 150, 400 and 250 go through the Lanczos kernel; 40, 3 and 1
    # through the dense solver
    a = reducible(sizes)
    k = 8
    w, v, info = eigkit.eigsh(a, k=k, which=which, tol=1e-10, rng=0, return_info=True)
    assert info.blocks == len(sizes) and info.converged
    check(a, w, v, which, k, 1e-9)
    whole = eigkit.eigsh(spla.aslinearoperator(a), k=k, which=which, tol=1e-10, rng=0,
                         return_eigenvectors=False)
    assert np.allclose(np.sort(w), np.sort(whole), atol=1e-8)


@pytest.mark.parametrize("form", ["csr", "csc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_every_dtype_and_form(dtype, form):
    a = reducible([200, 170, 9], dtype=dtype, seed=3, form=form)
    single = np.dtype(dtype) in (np.float32, np.complex64)
    w, v, info = eigkit.eigsh(a, k=5, which="LA", rng=0, return_info=True)
    assert info.blocks == 3
    assert w.dtype == np.empty(0, dtype).real.dtype and v.dtype == dtype
    check(a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64), w, v,
          "LA", 5, 1e-4 if single else 1e-10)


def test_int64_indices_and_eigenvalues_only():
    a = reducible([150, 150, 150], seed=4)
    a.indptr = a.indptr.astype(np.int64)
    a.indices = a.indices.astype(np.int64)
    w = eigkit.eigsh(a, k=6, which="SA", rng=0, return_eigenvectors=False)
    assert np.allclose(np.sort(w), exact_selection(a, 6, "SA"), atol=1e-9)


def test_multiplicity_is_the_number_of_components():
    # normalized adjacency of 10 components: eigenvalue 1 ten times
    rng = np.random.default_rng(5)
    blocks = []
    for size in rng.integers(150, 260, 10):
        adj = abs(ring_block(int(size), rng, np.float64))
        adj.setdiag(0)
        d = 1 / np.sqrt(np.asarray(adj.sum(axis=1)).ravel())
        blocks.append(sp.diags_array(d) @ adj @ sp.diags_array(d))
    a = sp.block_diag(blocks, format="csr")
    w, v, info = eigkit.eigsh(a, k=12, which="LA", tol=1e-10, rng=0, return_info=True)
    assert np.sum(np.abs(w - 1) < 1e-9) == 10
    check(a, w, v, "LA", 12, 1e-9)
    # each returned eigenvector lives on one component
    labels = sp.csgraph.connected_components(a)[1]
    for j in range(12):
        assert np.unique(labels[np.abs(v[:, j]) > 1e-12]).shape[0] == 1


def test_components_smaller_than_k():
    # k exceeds every component: all of each small block, merged
    a = reducible([4, 5, 6, 7, 3, 2], seed=6)
    w, v = eigkit.eigsh(a, k=10, which="LM", rng=0)
    check(a, w, v, "LM", 10, 1e-12)


def test_deterministic_and_v0_restricted_to_blocks():
    a = reducible([300, 250], seed=7)
    first = eigkit.eigsh(a, k=4, which="LA", rng=1)
    again = eigkit.eigsh(a, k=4, which="LA", rng=1)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    # v0 zero on one whole component: that block starts from its own seed
    labels = sp.csgraph.connected_components(a)[1]
    v0 = np.where(labels == 0, 1.0, 0.0)
    w, v = eigkit.eigsh(a, k=4, which="LA", v0=v0)
    check(a, w, v, "LA", 4, 1e-10)
    assert np.all(v0 == np.where(labels == 0, 1.0, 0.0))


def test_what_is_not_split():
    # BE (both ends of the whole spectrum), more components than the
    # tunable components_max_blocks, and a LinearOperator are solved as one
    # matrix
    a = reducible([200, 220], seed=8)
    w, v, info = eigkit.eigsh(a, k=4, which="BE", rng=0, return_info=True)
    assert info.blocks == 1
    n = get_tunables()["components_max_blocks"] + 5
    diag = sp.diags_array(np.linspace(1, 2, n), format="csr")
    w, v, info = eigkit.eigsh(diag, k=3, which="LA", rng=0, return_info=True)
    assert info.blocks == 1 and np.allclose(w, np.linspace(1, 2, n)[-3:])
    assert _components.independent_blocks(("csr", "AhA", a.shape, a.indptr, a.indices, a.data),
                                          a.dtype, "LA") is None


def test_input_not_modified_and_malformed_refused():
    a = reducible([200, 180], seed=9)
    before = (a.indptr.copy(), a.indices.copy(), a.data.copy())
    eigkit.eigsh(a, k=3, which="SA", rng=0)
    assert all(np.array_equal(x, y) for x, y in zip(before, (a.indptr, a.indices, a.data)))
    bad = a.copy()
    bad.indices[5] = a.shape[0] + 3
    with pytest.raises(ValueError, match="malformed"):
        eigkit.eigsh(bad, k=3, which="SA", rng=0)


def test_no_convergence_carries_partial_results():
    a = reducible([400, 400], seed=10)
    with pytest.raises(LanczosNoConvergence) as caught:
        eigkit.eigsh(a, k=6, which="SA", tol=1e-14, maxiter=1, rng=0)
    exc = caught.value
    assert len(exc.eigenvalues) < 6 and exc.eigenvectors.shape == (800, len(exc.eigenvalues))
    assert exc.info.blocks == 2 and not exc.info.converged


def test_callback_sees_each_block_and_matvecs_are_weighted():
    a = reducible([300, 300], seed=11)
    seen = []
    w, v, info = eigkit.eigsh(a, k=4, which="LA", rng=0, return_info=True,
                              callback=lambda it, vals, res: seen.append(it))
    assert seen and info.restarts >= 2
    # each block's products count half: the blocks together count as much
    # as one solve's products, not two
    per_block = [eigkit.eigsh(a[idx][:, idx], k=4, which="LA", rng=0,
                              return_info=True)[2].matvecs
                 for idx in (np.flatnonzero(sp.csgraph.connected_components(a)[1] == c)
                             for c in range(2))]
    assert info.matvecs <= max(per_block) + 1


@pytest.mark.parametrize("form", ["csr", "csc"])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("seed", range(4))
def test_component_labels_agree_with_scipy_csgraph(form, index_dtype, seed):
    # a random graph sparse enough to fall apart, isolated vertices and a
    # one-directional entry (i - j joins the components either way)
    from scipy.sparse.csgraph import connected_components
    from eigkit._kernels import krylov
    rng = np.random.default_rng(seed)
    n = 300
    a = sp.random(n, n, density=0.8 / n, random_state=rng, format=form)
    a = a.asformat(form)
    a.indptr, a.indices = a.indptr.astype(index_dtype), a.indices.astype(index_dtype)
    arrays = (form, "A", a.shape, a.indptr, a.indices, a.data)
    count, labels = krylov.graph_components(n, arrays, a.dtype)
    expected_count, expected = connected_components(a, directed=True, connection="weak")
    assert count == expected_count
    # the same partition, numbered in order of each component's first vertex
    first = {}
    renumbered = np.array([first.setdefault(x, len(first)) for x in expected])
    assert np.array_equal(labels, renumbered)
