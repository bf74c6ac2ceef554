"""PCA of a tall dask array through a LocalCluster: eigkit against Dask's own
SVDs and dask-ml (not run in CI).

    python benchmarks/bench_dask.py                       # 10 million x 100, 1e5-row chunks
    python benchmarks/bench_dask.py --rows 1000000        # a smaller run

The data are generated block by block from a seed (a rank-20 signal, noise
and a mean of 1000), so no method reads them from memory and every pass over
the data regenerates them; each generated block appends a line to a log, which
counts the passes.  Each method runs on freshly restarted workers; "peak MB"
is the largest peak resident size of a worker process.  "rel. err" is the
largest relative error of the explained variances against eigkit's exact
one-pass answer.
"""
import argparse
import os
import resource
import tempfile
import time

import numpy as np

import dask.array as da
import distributed

from eigkit.distributed import fit_pca_dask

RANK = 20


def make_data(rows, cols, chunk, log):
    loadings = np.random.default_rng(0).standard_normal((RANK, cols))

    def block(block_info=None):
        (r0, r1), _ = block_info[None]["array-location"]
        with open(log, "a") as f:
            f.write(f"{r0}\n")
        rng = np.random.default_rng([1, r0])
        signal = (rng.standard_normal((r1 - r0, RANK)) * np.geomspace(10, 1, RANK)) @ loadings
        return signal + rng.standard_normal((r1 - r0, cols)) + 1000.0

    row_chunks = tuple(min(chunk, rows - i) for i in range(0, rows, chunk))
    return da.map_blocks(block, chunks=(row_chunks, (cols,)), dtype=np.float64,
                         meta=np.empty((0, 0)))


def eigkit_solver(solver):
    def run(X, k):
        fit = fit_pca_dask(X, k, svd_solver=solver, random_state=0)
        return fit.explained_variance_
    return run


def dask_svd_compressed(X, k):
    # Halko-Martinsson-Tropp with two power iterations, on lazily centred data.
    Xc = X - X.mean(axis=0)
    _, s, _ = da.linalg.svd_compressed(Xc, k=k, n_power_iter=2, seed=0)
    return s.compute() ** 2 / (X.shape[0] - 1)


def dask_tsqr(X, k):
    Xc = X - X.mean(axis=0)
    _, s, _ = da.linalg.tsqr(Xc, compute_svd=True)
    return s[:k].compute() ** 2 / (X.shape[0] - 1)


def dask_ml_pca(solver):
    def run(X, k):
        from dask_ml.decomposition import PCA
        return np.asarray(PCA(k, svd_solver=solver, random_state=0).fit(X).explained_variance_)
    return run


METHODS = {
    "eigkit covariance_eigh": eigkit_solver("covariance_eigh"),
    "eigkit randomized": eigkit_solver("randomized"),
    "dask svd_compressed": dask_svd_compressed,
    "dask tsqr": dask_tsqr,
    "dask-ml PCA tsqr": dask_ml_pca("tsqr"),
    "dask-ml PCA randomized": dask_ml_pca("randomized"),
}


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    nblocks = -(-args.rows // args.chunk)
    print(f"PCA({args.components}) of {args.rows} x {args.cols} in {nblocks} blocks of "
          f"{args.chunk} rows; LocalCluster {args.workers} processes x {args.threads} threads")
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=args.threads,
                                  processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client, tempfile.TemporaryDirectory() as tmp:
        reference = None
        print(f"{'method':26s} {'time s':>8s} {'passes':>7s} {'peak MB':>8s} {'rel. err':>9s}")
        for name in args.methods.split(","):
            log = os.path.join(tmp, name.replace(" ", "_"))
            client.restart()
            X = make_data(args.rows, args.cols, args.chunk, log)
            start = time.perf_counter()
            try:
                variance = METHODS[name](X, args.components)
            except ImportError as exc:
                print(f"{name:26s} skipped: {exc}")
                continue
            elapsed = time.perf_counter() - start
            peak = max(client.run(peak_rss_mb).values())
            with open(log) as f:
                passes = len(f.readlines()) / nblocks
            if reference is None:
                reference = variance
            err = np.max(np.abs(variance / reference - 1))
            print(f"{name:26s} {elapsed:8.1f} {passes:7.2g} {peak:8.0f} {err:9.1e}", flush=True)


if __name__ == "__main__":
    main()
