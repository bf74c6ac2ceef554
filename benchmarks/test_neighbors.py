"""Developer-facing benchmark of the k-nearest-neighbour graph
(pytest-benchmark): eigkit._neighbors.kneighbors_graph against
sklearn.neighbors.kneighbors_graph(include_self=True), 10 neighbours, on
the blobs of the ``spectral`` case of eigkit.bench.ml_cases (6 blobs in 10
dimensions), and on uniform noise in 10 dimensions (no structure for the
leaves to exploit: eigkit's worst case).

    EIGKIT_BENCH_KNN_SIZES=5000,30000,100000 python -m pytest benchmarks/test_neighbors.py \\
        --benchmark-group-by=group --benchmark-columns=median,min,rounds

The default sizes are small (5000, 20000).  Whether eigkit's graph equals
scikit-learn's is stored in ``extra_info`` (rows whose neighbour sets
differ: only (near-)ties may).  benchmarks/bench_knn_graph.py times the
whole SpectralClustering fit as well.
"""
import time

import numpy as np
import pytest
from conftest import sizes

pytest.importorskip("sklearn")

from eigkit.bench.ml_cases import blobs  # noqa: E402
from eigkit.bench.runner import PAUSE_SECONDS  # noqa: E402

N_NEIGHBORS = 10
SIZES = sizes("EIGKIT_BENCH_KNN_SIZES", (5000, 20000))


def _uniform(n):
    return np.random.default_rng(0).uniform(-1, 1, (n, 10))


DATA = {"blobs": lambda n: blobs(n).X, "uniform": _uniform}


def _eigkit(X):
    from eigkit._ml.neighbors import kneighbors_graph
    return kneighbors_graph(X, N_NEIGHBORS)


def _sklearn(X):
    from sklearn.neighbors import kneighbors_graph
    return kneighbors_graph(X, N_NEIGHBORS, include_self=True)


CONTENDERS = {"eigkit": _eigkit, "sklearn": _sklearn}
PARAMS = [(d, n, c) for d in DATA for n in SIZES for c in CONTENDERS]


@pytest.fixture(scope="module")
def knn_data():
    cache = {}

    def get(kind, n):
        if (kind, n) not in cache:
            X = DATA[kind](n)
            cache[(kind, n)] = (X, _sklearn(X))
        return cache[(kind, n)]
    return get


@pytest.mark.parametrize("kind, n, contender", PARAMS, ids=[f"{d}-{n}-{c}" for d, n, c in PARAMS])
def test_knn_graph(benchmark, knn_data, kind, n, contender):
    X, reference = knn_data(kind, n)
    benchmark.group = f"kNN graph {kind} {n}"
    graph = benchmark.pedantic(CONTENDERS[contender], args=(X,),
                               setup=lambda: time.sleep(PAUSE_SECONDS), rounds=3,
                               warmup_rounds=1)
    mine = graph.indices.reshape(n, N_NEIGHBORS)
    theirs = reference.indices.reshape(n, N_NEIGHBORS)
    differing = sum(set(a) != set(b) for a, b in zip(mine, theirs))
    benchmark.extra_info["rows_differing_from_sklearn"] = int(differing)
    assert differing <= 1e-3 * n
