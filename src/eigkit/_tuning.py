"""The tunables of eigkit's Python layer: one table, read at call time.

Every constant chosen by measurement on one machine (crossover orders,
block sizes, cost weights, slice sizes) is an entry of :data:`TUNABLES`.
Code reads the current value with :func:`value` when it decides, so that
an override takes effect at the next call, without re-import.  Overrides
come from the ``EIGKIT_TUNE`` environment variable, read once at import,
and from :func:`eigkit.config.set_tunables` / :func:`eigkit.config.tunables`.
The measurements behind each default are in docs/tuning.rst.

Overrides are process-wide, not thread-local: a value set while another
thread solves may or may not reach that solve.  Dask workers in other
processes read their own environment.
"""
from __future__ import annotations

import contextlib
import math
import os
import threading
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

__all__ = ["Tunable", "TUNABLES", "ENVIRONMENT_VARIABLE", "value", "values", "set_values",
           "overridden", "report"]

#: the environment variable holding overrides, ``name=value,name=value``
ENVIRONMENT_VARIABLE = "EIGKIT_TUNE"
# Separates a table's entries within one value: commas separate the pairs.
_TABLE_SEPARATOR = ":"


@dataclass(frozen=True)
class Tunable:
    """One tunable: its name, default, unit, what it decides, the module
    that reads it, and the values it accepts (numbers above ``minimum``,
    or at least ``minimum`` unless ``strict``; a table's entries each so,
    increasing when ``increasing``)."""

    name: str
    default: int | float | tuple
    unit: str
    decides: str
    where: str
    minimum: float = 0
    strict: bool = False
    increasing: bool = False

    @property
    def _entry_type(self):
        entry = self.default[0] if isinstance(self.default, tuple) else self.default
        return int if isinstance(entry, int) else float

    def _accepts(self):
        kind = "an integer" if self._entry_type is int else "a finite number"
        bound = f"{'>' if self.strict else '>='} {self.minimum:g}"
        if isinstance(self.default, tuple):
            order = "increasing " if self.increasing else ""
            return f"a non-empty table of {order}entries, each {kind} {bound}"
        return f"{kind} {bound}"

    def _invalid(self, given):
        return ValueError(f"invalid value {given!r} for tunable {self.name!r} "
                          f"({self.unit}): expected {self._accepts()}")

    def _entry(self, x, given):
        if self._entry_type is int:
            if isinstance(x, bool) or not isinstance(x, Integral):
                raise self._invalid(given)
            x = int(x)
        else:
            if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
                raise self._invalid(given)
            x = float(x)
        if x < self.minimum or (self.strict and x == self.minimum):
            raise self._invalid(given)
        return x

    def check(self, given):
        """``given`` in the tunable's type, or ValueError naming the tunable."""
        if not isinstance(self.default, tuple):
            return self._entry(given, given)
        if isinstance(given, (str, bytes)):
            raise self._invalid(given)
        try:
            entries = tuple(self._entry(x, given) for x in given)
        except TypeError:
            raise self._invalid(given) from None
        if not entries or (self.increasing
                           and any(b <= a for a, b in zip(entries, entries[1:]))):
            raise self._invalid(given)
        return entries

    def parse(self, text):
        """The tunable's value written as text (a table's entries separated
        by colons), or ValueError naming the tunable."""
        convert = int if self._entry_type is int else float
        try:
            if isinstance(self.default, tuple):
                return self.check([convert(part) for part in text.split(_TABLE_SEPARATOR)])
            return self.check(convert(text))
        except ValueError:
            raise self._invalid(text) from None


TUNABLES = (
    Tunable("two_stage_min_order", 2500, "matrix order",
            "Eigenvalues-only dense solves of at least this order reduce the matrix in two "
            "stages (band form, then bulge chasing) instead of one.",
            "eigkit.dense"),
    Tunable("two_stage_bandwidth", 0, "matrix columns (0: the compiled default)",
            "The width of the band form the two-stage reduction goes through.",
            "eigkit.dense"),
    Tunable("batched_max_order", 96, "matrix order",
            "eigh / eigvalsh of one matrix, or of a stack of them, for standard problems and all "
            "eigenvalues, go to the batched kernel up to this order (one compiled call for the "
            "whole stack, threads sharing the matrices); larger orders solve one matrix at a "
            "time.",
            "eigkit.dense"),
    Tunable("batched_jacobi_max_order", (26, 15, 16, 10),
            "matrix order, by precision (float32, float64, complex64, complex128; a table)",
            "The batched kernel takes stacks of at most this order by cyclic Jacobi, several "
            "matrices in lockstep, larger ones (and single matrices) by Householder "
            "tridiagonalization and implicit QR.",
            "eigkit.dense"),
    Tunable("krylov_subset_min_order", 1000, "matrix order",
            "eigh tries block Lanczos for a subset at one end of the spectrum only from this "
            "order on.",
            "eigkit._linalg.krylov_subset"),
    Tunable("krylov_subset_max_fraction", 1 / 16, "fraction of the matrix order",
            "eigh tries block Lanczos only for subsets of at most this fraction of the order.",
            "eigkit._linalg.krylov_subset", strict=True),
    Tunable("krylov_subset_budget", 0.8, "fraction of the direct solver's cost",
            "The Krylov work, done or predicted, after which eigh gives up and runs the "
            "direct solver.",
            "eigkit._linalg.krylov_subset", strict=True),
    Tunable("krylov_subset_max_stable_rank", 0.06, "fraction of the matrix order",
            "eigh tries block Lanczos only when the matrix's estimated stable rank "
            "(||A||_F^2 / ||A||_2^2) is at most this fraction of its order: above it the "
            "spectrum is too flat for a few Krylov cycles to separate the wanted pairs.",
            "eigkit._linalg.krylov_subset", strict=True),
    Tunable("krylov_subset_block", 8, "vectors per block",
            "The block size of eigh's block Lanczos for subsets.",
            "eigkit._linalg.krylov_subset", minimum=1),
    Tunable("krylov_subset_ratio_limit", 20.0, "LAPACK test ratio",
            "The largest residual and orthogonality test ratio with which a Krylov answer is "
            "returned; above it eigh runs the direct solver.",
            "eigkit._linalg.krylov_subset", strict=True),
    Tunable("krylov_subset_cost_orders", (500, 1000, 2000, 3000), "matrix orders (a table)",
            "The orders at which the direct subset solver's cost is tabulated, to size the "
            "Krylov work budget.",
            "eigkit._linalg.krylov_subset", minimum=1, increasing=True),
    Tunable("krylov_subset_cost_per_order", (0.27, 0.38, 0.4, 0.6),
            "products of A with one column, per unit of order (a table)",
            "The direct subset solver's cost at each of krylov_subset_cost_orders (linear in "
            "between, constant beyond).",
            "eigkit._linalg.krylov_subset", strict=True),
    Tunable("components_max_blocks", 64, "connected components",
            "eigsh solves a reducible sparse matrix one connected component at a time only "
            "when it has at most this many.",
            "eigkit._linalg.connected_components"),
    Tunable("components_dense_order", 128, "matrix order",
            "Connected components of at most this order are solved by the dense solver "
            "rather than Lanczos.",
            "eigkit._linalg.connected_components"),
    Tunable("eigsh_block_size", 1, "vectors per block",
            "eigsh's Lanczos block size when block_size is not given (the default basis "
            "size grows with it).",
            "eigkit.sparse", minimum=1),
    Tunable("eigsh_max_basis", 60, "basis vectors",
            "The widest Lanczos basis eigsh grows to (from ARPACK's max(2k + 1, 20)) while "
            "convergence stalls, when ncv is not given; at least 4k + 4 block + 12.",
            "eigkit.sparse", minimum=1),
    Tunable("eigsh_stalled_max_basis", 100, "basis vectors",
            "The widest Lanczos basis eigsh grows to beyond eigsh_max_basis, on stalls that "
            "last in proportion to the width reached (hard clustered spectra), when ncv is not "
            "given.",
            "eigkit.sparse", minimum=1),
    Tunable("eigsh_stalled_basis_bytes", 2 ** 28, "bytes",
            "eigsh widens its basis beyond eigsh_max_basis only as far as the basis and its "
            "restart copy fit in this many bytes.",
            "eigkit.sparse"),
    Tunable("eigsh_max_block_size", 8, "vectors per block",
            "The widest block eigsh's Lanczos may grow to when clusters of near-equal "
            "eigenvalues appear (block_size if that is wider).",
            "eigkit.sparse", minimum=1),
    Tunable("embedding_dense_max_nodes", 1000, "graph nodes",
            "Spectral embeddings of graphs up to this many nodes take the Laplacian's "
            "eigenvectors from the dense solver, larger graphs from matrix-free Lanczos.",
            "eigkit.cluster"),
    Tunable("knn_max_features", 64, "features",
            "The kNN graph of dense data comes from eigkit's kernel up to this many features, "
            "from scikit-learn's brute force beyond.",
            "eigkit.cluster"),
    Tunable("kmeans_max_width", 64, "features (and clusters)",
            "Spectral clustering's k-means runs in eigkit's kernel on embeddings of at most "
            "this many columns and clusters, in scikit-learn's beyond.",
            "eigkit._ml.kmeans", minimum=1),
    Tunable("pca_gram_tiled_max_features", 0, "features",
            "The centred Gram matrix of dense data shares its rows among eigkit's threads "
            "(each adding small GEMM tiles) up to this many features, and hands slabs to the "
            "BLAS's threaded SYRK beyond (and on one thread).",
            "eigkit._ml.centered"),
    Tunable("svds_formed_gram_max_order", 500, "matrix order",
            "svds of a dense array whose smaller side is at most this forms the Gram matrix "
            "and takes its top pairs from eigh rather than from Lanczos on the Gram operator.",
            "eigkit.sparse"),
    Tunable("svds_formed_gram_min_aspect", 8, "ratio of the sides",
            "svds forms the Gram matrix of a dense array only when its longer side is at least "
            "this many times its shorter side.",
            "eigkit.sparse", strict=True),
    Tunable("pca_gram_lanczos_min_order", 400, "matrix order",
            "PCA's exact routes take a few eigenpairs of a Gram matrix above this order from "
            "Lanczos rather than from eigh.",
            "eigkit.decomposition"),
    Tunable("pca_gram_krylov_min_order", 1500, "matrix order",
            "PCA's exact routes take a few eigenpairs of a Gram matrix of at least this order "
            "from the block-Krylov subset solver rather than from Lanczos.",
            "eigkit.decomposition"),
    Tunable("pca_lanczos_block", 4, "vectors per block",
            "The block size of PCA's Lanczos solver on dense data (its basis grows with it).",
            "eigkit.decomposition", minimum=1),
    Tunable("pca_randomized_product_cost", 4.5, "relative cost (SYRK multiply-adds)",
            "The cost of a multiply-add of the randomized solver's thin products, in PCA's "
            "'auto' choice of solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_lanczos_pass_cost", 40.0, "relative cost (SYRK multiply-adds)",
            "The cost per entry of X of a Lanczos pass over X, in PCA's 'auto' choice of "
            "solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_lanczos_samples_side", 1.3, "relative cost (ratio of pass times)",
            "How much dearer a Lanczos pass is when X has more features than samples, in "
            "PCA's 'auto' choice of solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_gram_lanczos_products", 200, "products with the Gram matrix",
            "The products the covariance route's top-k solve is charged with, in PCA's "
            "'auto' choice of solver.",
            "eigkit.decomposition"),
    Tunable("pca_krylov_block", 32, "vectors per block",
            "The block of PCA's block-Krylov solver: the vectors each pass over X is "
            "multiplied with (at least the requested components when that is fewer).",
            "eigkit.decomposition", minimum=1),
    Tunable("pca_krylov_tol", 1e-5, "relative eigenvalue error",
            "The bound on each explained variance's relative error at which PCA's "
            "block-Krylov solver stops (when tol is 0).",
            "eigkit.decomposition", strict=True),
    Tunable("pca_krylov_max_passes", 60, "passes over X",
            "The passes over X after which PCA's block-Krylov solver stops and warns that "
            "it did not converge.",
            "eigkit.decomposition", minimum=1),
    Tunable("pca_krylov_pass_cost", 80.0, "relative cost (SYRK multiply-adds)",
            "The fixed cost per entry of X of one pass of the block-Krylov solver (reading, "
            "centring, thin-product overhead), in PCA's 'auto' choice of solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_krylov_vector_cost", 4.25, "relative cost (SYRK multiply-adds)",
            "The cost per entry of X and per vector of a block-Krylov pass, in PCA's 'auto' "
            "choice of solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_krylov_expected_products", 4.0, "products per component",
            "The products with the covariance the block-Krylov solver is expected to need "
            "per component, in PCA's 'auto' choice of solver.",
            "eigkit.decomposition", strict=True),
    Tunable("pca_krylov_expected_blocks", 3.0, "blocks",
            "The blocks the block-Krylov solver is expected to need beyond its products per "
            "component, in PCA's 'auto' choice of solver.",
            "eigkit.decomposition"),
    Tunable("row_pass_block_elements", 1 << 20, "matrix elements",
            "The rows of X read, centred and multiplied at a time by PCA's passes over X "
            "(the block-Krylov solver, memmaps).",
            "eigkit._ml.row_passes", minimum=1),
    Tunable("pca_progress_min_bytes", 1 << 31, "bytes",
            "PCA's passes over X show a progress bar (when tqdm is installed) for X of at "
            "least this size.",
            "eigkit._ml.row_passes", minimum=1),
    Tunable("dask_gram_max_features", 1000, "features",
            "Dask PCA ('auto') and randomized TruncatedSVD take the one-pass scatter-matrix "
            "route up to this many features, randomized passes beyond.",
            "eigkit.distributed"),
    Tunable("dask_split_every", 8, "partial results per task",
            "How many partial results each task merges in the Dask tree reductions.",
            "eigkit.distributed", minimum=2),
    Tunable("centering_slice_elements", 1 << 22, "matrix elements",
            "The size of the centred slices the samples-side Gram matrix of dense data is "
            "accumulated from.",
            "eigkit._ml.centered", minimum=1),
    Tunable("centering_cached_slice_elements", 1 << 16, "matrix elements",
            "The size of the centred slices that must stay in cache between two products "
            "(sliced covariance products, total variance).",
            "eigkit._ml.centered", minimum=1),
)

_BY_NAME = {t.name: t for t in TUNABLES}
# Tables read together must keep the same length.
_SAME_LENGTH = (("krylov_subset_cost_orders", "krylov_subset_cost_per_order"),)

_values = {t.name: t.default for t in TUNABLES}
_lock = threading.Lock()


def value(name):
    """The current value of the tunable ``name``."""
    return _values[name]


def values():
    """The current values of all tunables, by name."""
    return dict(_values)


def _unknown(name):
    return ValueError(f"unknown tunable {name!r}; the tunables are: {', '.join(_BY_NAME)}")


def _checked(given):
    """The values ``given`` (name -> value), each in its tunable's type."""
    checked = {}
    for name, x in given.items():
        if name not in _BY_NAME:
            raise _unknown(name)
        checked[name] = _BY_NAME[name].check(x)
    return checked


def _check_together(new):
    for names in _SAME_LENGTH:
        if any(name in new for name in names):
            lengths = {name: len(new.get(name, _values[name])) for name in names}
            if len(set(lengths.values())) > 1:
                raise ValueError("the tables " + " and ".join(repr(n) for n in names)
                                 + " must have the same length, got "
                                 + ", ".join(f"{n}: {k}" for n, k in lengths.items()))


def set_values(given):
    """Set the tunables ``given`` (name -> value), all or none; returns
    their previous values."""
    checked = _checked(given)
    with _lock:
        _check_together(checked)
        previous = {name: _values[name] for name in checked}
        _values.update(checked)
    return previous


@contextlib.contextmanager
def overridden(**given):
    """The tunables ``given`` set within the block, restored after it."""
    previous = set_values(given)
    try:
        yield
    finally:
        set_values(previous)


def report():
    """Every tunable as a dict: name, value, default, unit, whether
    overridden, what it decides, and the module that reads it."""
    current = values()
    return [{"name": t.name, "value": current[t.name], "default": t.default, "unit": t.unit,
             "overridden": current[t.name] != t.default, "decides": t.decides,
             "where": t.where}
            for t in TUNABLES]


def _read_environment(text):
    """Apply the overrides of ``EIGKIT_TUNE``.  A bad entry is skipped with a
    RuntimeWarning naming it, the others still apply: the defaults are
    always correct, so a mistyped override costs speed, never an import."""
    parsed = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        name, sep, written = (part.strip() for part in entry.partition("="))
        try:
            if not sep:
                raise ValueError(f"expected name=value, got {entry.strip()!r}")
            if name not in _BY_NAME:
                raise _unknown(name)
            parsed[name] = _BY_NAME[name].parse(written)
        except ValueError as exc:
            warnings.warn(f"{ENVIRONMENT_VARIABLE}: ignoring {entry.strip()!r}: {exc}",
                          RuntimeWarning, stacklevel=3)
    for names in _SAME_LENGTH:
        together = {name: parsed[name] for name in names if name in parsed}
        try:
            _check_together(together)
        except ValueError as exc:
            warnings.warn(f"{ENVIRONMENT_VARIABLE}: ignoring {', '.join(together)}: {exc}",
                          RuntimeWarning, stacklevel=3)
            for name in together:
                del parsed[name]
    set_values(parsed)


_read_environment(os.environ.get(ENVIRONMENT_VARIABLE, ""))
