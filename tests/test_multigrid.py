"""The block V-cycle of a pyamg hierarchy (eigkit._linalg.multigrid) is
pyamg's own preconditioner ``ml.aspreconditioner()`` applied column by
column, for pyamg's default settings and the other smoothers and coarse
solvers it reproduces (and falls back to pyamg's for the rest);
``eigkit.lobpcg`` with the hierarchy as M finds the eigenpairs it finds
with the aspreconditioner, which agree with LAPACK's; bad M still raises."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import eigkit
from eigkit._linalg.multigrid import BlockVCycle, is_multilevel_solver

pyamg = pytest.importorskip("pyamg")


def poisson3d(m):
    t = sp.diags_array([-1.0, 2.0, -1.0], offsets=[-1, 0, 1], shape=(m, m))
    i = sp.identity(m)
    return sp.csr_array(sp.kron(sp.kron(t, i), i) + sp.kron(sp.kron(i, t), i)
                        + sp.kron(sp.kron(i, i), t))


def columnwise(ml, X):
    pre = ml.aspreconditioner()
    return np.column_stack([pre @ X[:, j] for j in range(X.shape[1])])


def assert_same_operator(ml, X, reproduced=True):
    op = BlockVCycle(ml)
    assert op.reproduced is reproduced
    got, ref = op @ X, columnwise(ml, X)
    assert got.shape == ref.shape
    assert np.max(np.abs(got - ref)) <= 1e-12 * np.max(np.abs(ref))


def block(n, k, seed=0):
    return np.random.default_rng(seed).standard_normal((n, k))


def test_default_smoothed_aggregation_is_reproduced():
    a = poisson3d(14)
    ml = pyamg.smoothed_aggregation_solver(a)
    assert len(ml.levels) >= 3
    assert_same_operator(ml, block(a.shape[0], 7))


@pytest.mark.parametrize("options", [
    {"presmoother": ("gauss_seidel", {"sweep": "forward", "iterations": 2}),
     "postsmoother": ("gauss_seidel", {"sweep": "backward", "iterations": 2})},
    {"presmoother": ("jacobi", {"omega": 4.0 / 3.0}),
     "postsmoother": ("jacobi", {"omega": 4.0 / 3.0})},
    {"presmoother": None, "postsmoother": ("block_gauss_seidel", {"sweep": "symmetric"})},
    {"coarse_solver": "splu", "max_coarse": 40},
    {"coarse_solver": "lu", "max_coarse": 40},
], ids=["gauss-seidel-2", "jacobi", "no-presmoother", "splu", "lu"])
def test_other_settings_are_reproduced(options):
    a = poisson3d(12)
    ml = pyamg.smoothed_aggregation_solver(a, **options)
    assert_same_operator(ml, block(a.shape[0], 5, seed=1))


def test_ruge_stuben_is_reproduced():
    a = poisson3d(12)
    ml = pyamg.ruge_stuben_solver(a)
    assert_same_operator(ml, block(a.shape[0], 4, seed=2))


def test_a_smoother_not_reproduced_falls_back_to_pyamg():
    a = poisson3d(10)
    ml = pyamg.smoothed_aggregation_solver(a, presmoother="sor", postsmoother="sor")
    assert_same_operator(ml, block(a.shape[0], 3, seed=3), reproduced=False)


def test_single_vector_and_single_precision_block():
    a = poisson3d(10)
    ml = pyamg.smoothed_aggregation_solver(a)
    op = BlockVCycle(ml)
    x = block(a.shape[0], 1, seed=4)[:, 0]
    ref = ml.aspreconditioner() @ x
    got = op @ x
    assert got.shape == x.shape
    assert np.max(np.abs(got - ref)) <= 1e-12 * np.max(np.abs(ref))
    x32 = block(a.shape[0], 3, seed=5).astype(np.float32)
    assert (op @ x32).dtype == np.float64       # the hierarchy's dtype, as pyamg's


def test_hierarchy_and_input_unchanged():
    a = poisson3d(8)
    a.has_sorted_indices = False
    ml = pyamg.smoothed_aggregation_solver(a)
    before = [(lvl.A.indices.copy(), lvl.A.data.copy()) for lvl in ml.levels]
    X = block(a.shape[0], 3, seed=6)
    X0 = X.copy()
    BlockVCycle(ml) @ X
    assert np.array_equal(X, X0)
    for lvl, (idx, dat) in zip(ml.levels, before):
        assert np.array_equal(lvl.A.indices, idx) and np.array_equal(lvl.A.data, dat)


def test_is_multilevel_solver():
    ml = pyamg.smoothed_aggregation_solver(poisson3d(6))
    assert is_multilevel_solver(ml)
    assert not is_multilevel_solver(ml.aspreconditioner())
    assert not is_multilevel_solver(sp.identity(5))


def smallest_pairs(a, k):
    w = np.linalg.eigvalsh(a.toarray())
    return w[:k]


@pytest.mark.parametrize("generalized", [False, True])
def test_lobpcg_with_hierarchy_matches_aspreconditioner_and_lapack(generalized):
    a = poisson3d(11)
    n, k = a.shape[0], 4
    b = sp.diags_array(np.linspace(1.0, 2.0, n)).tocsr() if generalized else None
    ml = pyamg.smoothed_aggregation_solver(a)
    X = block(n, k, seed=7)
    tol = 1e-8
    w_ml, v_ml = eigkit.lobpcg(a, X, B=b, M=ml, largest=False, tol=tol, maxiter=200)
    w_pre, _ = eigkit.lobpcg(a, X, B=b, M=ml.aspreconditioner(), largest=False, tol=tol,
                             maxiter=200)
    bv = v_ml if b is None else b @ v_ml
    assert np.max(np.linalg.norm(a @ v_ml - bv * w_ml, axis=0)) <= tol
    np.testing.assert_allclose(w_ml, w_pre, rtol=1e-9)
    if generalized:
        import scipy.linalg as sl
        ref = sl.eigh(a.toarray(), b.toarray(), eigvals_only=True, subset_by_index=[0, k - 1])
    else:
        ref = smallest_pairs(a, k)
    np.testing.assert_allclose(w_ml, ref, rtol=1e-9)
    np.testing.assert_allclose(v_ml.T @ (bv if b is not None else v_ml), np.eye(k), atol=1e-10)


def test_lobpcg_hierarchy_takes_fewer_products_than_columns():
    """The hierarchy is applied once per block, not once per column."""
    a = poisson3d(9)
    ml = pyamg.smoothed_aggregation_solver(a)
    calls = []
    original = BlockVCycle._matmat

    def counted(self, X):
        calls.append(X.shape[1])
        return original(self, X)

    X = block(a.shape[0], 3, seed=8)
    BlockVCycle._matmat = counted
    try:
        eigkit.lobpcg(a, X, M=ml, largest=False, tol=1e-6, maxiter=100)
    finally:
        BlockVCycle._matmat = original
    assert calls and max(calls) == 3


class _LevelsOnly:
    """Has ``levels`` but no ``aspreconditioner``: not a hierarchy."""
    levels = []


@pytest.mark.parametrize("bad", [object(), _LevelsOnly(), np.eye(5), lambda v: v[:3]],
                         ids=["object", "levels-only", "wrong-shape", "wrong-rows"])
def test_bad_preconditioners_raise_as_in_scipy(bad):
    """What is not a hierarchy goes where it went before: the exception is
    the one SciPy's lobpcg raises."""
    from scipy.sparse.linalg import lobpcg as scipy_lobpcg
    a = poisson3d(6)
    X = block(a.shape[0], 2, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as expected:
            scipy_lobpcg(a, X, M=bad, largest=False)
        with pytest.raises(expected.type):
            eigkit.lobpcg(a, X, M=bad, largest=False)
