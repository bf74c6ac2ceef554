"""The k-nearest-neighbour graph and the spectral clustering it feeds:
eigkit against scikit-learn on the ``spectral`` case of
eigkit.bench.ml_cases (6 blobs in 10 dimensions, 10 neighbours).

Usage: PYTHONPATH=src python3 benchmarks/bench_knn_graph.py [sizes] [--rounds R]
       [--arpack-max N] [--fit-only | --graph-only]

sizes: comma-separated numbers of points (default 5000,30000,100000).
Per size, R rounds (default 3; 1 from 100000 points on) of, interleaved:
eigkit._ml.neighbors.kneighbors_graph and sklearn.neighbors.kneighbors_graph
(include_self=True), then SpectralClustering(6, affinity='nearest_neighbors',
random_state=0).fit for eigkit and for scikit-learn with eigen_solver
'arpack' (up to --arpack-max points, default 30000: its shift-invert LU
fills in) and 'lobpcg'.  Prints the medians, eigkit / the fastest
scikit-learn contender, the ARI of each fit against the true blobs, and
eigkit's fit split into graph, embedding and k-means.
"""
import argparse
import time

import numpy as np

from eigkit.bench.ml_cases import N_CLUSTERS, blobs


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def graph_contenders(X):
    from sklearn.neighbors import kneighbors_graph as sk_graph

    from eigkit._ml.neighbors import kneighbors_graph
    return {"eigkit": lambda: kneighbors_graph(X, 10),
            "sklearn": lambda: sk_graph(X, 10, include_self=True)}


def fit_contenders(X, n, arpack_max):
    from sklearn.cluster import SpectralClustering as SkSpectral

    from eigkit import SpectralClustering

    def fit(cls, **kw):
        return lambda: cls(N_CLUSTERS, affinity="nearest_neighbors", random_state=0,
                           **kw).fit(X).labels_
    out = {"eigkit": fit(SpectralClustering)}
    if n <= arpack_max:
        out["sklearn-arpack"] = fit(SkSpectral, eigen_solver="arpack")
    out["sklearn-lobpcg"] = fit(SkSpectral, eigen_solver="lobpcg")
    return out


def eigkit_breakdown(X):
    """Seconds of eigkit's fit by stage: graph, embedding, k-means."""
    from sklearn.utils import check_random_state

    from eigkit.cluster import _embedding, _kmeans_labels, _knn_affinity
    t_graph, affinity = timed(lambda: _knn_affinity(X, 10, None, False))
    rs = check_random_state(0)
    t_embed, maps = timed(lambda: _embedding(affinity, n_components=N_CLUSTERS,
                                             eigen_solver=None, random_state=rs,
                                             eigen_tol="auto", norm_laplacian=True,
                                             drop_first=False))
    t_kmeans, _ = timed(lambda: _kmeans_labels(maps, N_CLUSTERS, rs, 10, False))
    return t_graph, t_embed, t_kmeans


def run_rounds(contenders, rounds):
    times = {name: [] for name in contenders}
    results = {}
    for _ in range(rounds):
        for name, fn in contenders.items():
            t, results[name] = timed(fn)
            times[name].append(t)
    return {name: float(np.median(ts)) for name, ts in times.items()}, results


def report(title, medians, extra=None):
    best_sk = min(v for k, v in medians.items() if k.startswith("sklearn"))
    parts = [f"{name} {t:.3f} s" + (f" (ARI {extra[name]:.4f})" if extra else "")
             for name, t in medians.items()]
    print(f"{title}: " + ", ".join(parts) + f"; eigkit / fastest sklearn = "
          f"{medians['eigkit'] / best_sk:.3f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="?", default="5000,30000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--arpack-max", type=int, default=30000)
    parser.add_argument("--fit-only", action="store_true")
    parser.add_argument("--graph-only", action="store_true")
    args = parser.parse_args()
    from sklearn.metrics import adjusted_rand_score
    for n in (int(s) for s in args.sizes.split(",")):
        data = blobs(n)
        rounds = args.rounds if n < 100000 else 1
        if not args.fit_only:
            medians, _ = run_rounds(graph_contenders(data.X), rounds)
            report(f"kNN graph, n = {n}, {rounds} rounds", medians)
        if not args.graph_only:
            medians, labels = run_rounds(fit_contenders(data.X, n, args.arpack_max), rounds)
            ari = {name: adjusted_rand_score(data.y, lab) for name, lab in labels.items()}
            report(f"SpectralClustering fit, n = {n}, {rounds} rounds", medians, ari)
            g, e, k = eigkit_breakdown(data.X)
            print(f"  eigkit fit by stage: graph {g:.3f} s, embedding {e:.3f} s, "
                  f"k-means {k:.3f} s", flush=True)


if __name__ == "__main__":
    main()
