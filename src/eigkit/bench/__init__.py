"""eigkit's benchmark suite: case definitions shared by ``python -m eigkit``
and the developers' pytest-benchmark suite in ``benchmarks/``."""
from .cases import CASES, Case, Contender, test_matrix
from .runner import run_case, format_table

__all__ = ["CASES", "Case", "Contender", "test_matrix", "run_case", "format_table"]
