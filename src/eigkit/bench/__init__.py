"""eigkit's benchmark suite (``eigkit bench``).

Suites (:mod:`eigkit.bench.suite`) are modules of case definitions shared
by ``eigkit bench`` and the developers' pytest-benchmark suite in
``benchmarks/``: dense (:mod:`~eigkit.bench.cases`), sparse
(:mod:`~eigkit.bench.sparse_cases`), ml (``eigkit.bench.ml_cases``,
when scikit-learn and eigkit's estimators are present) and the size sweep
over all three (:mod:`~eigkit.bench.sweep_cases`).  How calls are timed:
:mod:`~eigkit.bench.runner`.
"""
from .cases import CASES, Case, test_matrix
from .runner import Result, run_problem, summarize
from .suite import REGISTRY, Contender, Problem, Suite, SuiteUnavailable, load_suite, suite_status

__all__ = ["CASES", "Case", "Contender", "Problem", "Suite", "SuiteUnavailable", "REGISTRY",
           "Result", "load_suite", "suite_status", "run_problem", "summarize", "test_matrix"]
