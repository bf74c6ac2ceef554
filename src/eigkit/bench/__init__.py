"""eigkit's benchmark suite: case definitions shared by ``python -m eigkit``
and the developers' pytest-benchmark suite in ``benchmarks/``."""
from .cases import CASES, Case, Contender, test_matrix
from .runner import format_sparse_table, format_table, run_case, run_sparse_case
from .sparse_cases import SPARSE_CASES, sparse_matrix

__all__ = ["CASES", "Case", "Contender", "test_matrix", "run_case", "format_table",
           "SPARSE_CASES", "sparse_matrix", "run_sparse_case", "format_sparse_table"]
