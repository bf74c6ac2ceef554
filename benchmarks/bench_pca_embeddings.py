"""PCA of float32 embeddings (low rank plus noise): eigkit's solvers against
scikit-learn's, each fit in a fresh process, solvers interleaved.

    python benchmarks/bench_pca_embeddings.py --n 200000 --d 2048 --k 100
    python benchmarks/bench_pca_embeddings.py --n 2000000 --d 1024 --memmap \\
        --solvers eigkit:block_krylov --repeats 1

Each run reports wall and CPU seconds, the peak of the memory it allocated
(traced by tracemalloc, NumPy's arrays included) and its peak RSS,
eigkit's passes over X, and the largest relative deviation of the
explained variances from the first solver listed.  X is written once to a
.npy file in --dir and loaded (or mapped, with --memmap) by every run; the
file is deleted at the end unless --keep.

Under pytest-benchmark a small case times the block-Krylov fit.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

SOLVERS = ["sklearn:covariance_eigh", "sklearn:randomized", "eigkit:auto",
           "eigkit:block_krylov"]


def embeddings(n, d, rank, seed=0, out=None, rows=65536):
    """float32 low rank plus noise with a common offset, written in row
    blocks into ``out`` (an array or memmap of shape (n, d)) when given."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d, rank)))[0].T.astype(np.float32)
    scales = (10.0 / np.sqrt(1.0 + np.arange(rank))).astype(np.float32)
    offset = (3.0 * rng.standard_normal(d)).astype(np.float32)
    X = np.empty((n, d), dtype=np.float32) if out is None else out
    for start in range(0, n, rows):
        size = min(rows, n - start)
        block = (rng.standard_normal((size, rank), dtype=np.float32) * scales) @ basis
        block += rng.standard_normal((size, d), dtype=np.float32)
        X[start:start + size] = block + offset
    return X


def fit_once(path, solver, k, memmap):
    """One fit in this process; a dict of measurements (printed as JSON)."""
    X = np.load(path, mmap_mode="r" if memmap else None)
    library, name = solver.split(":")
    if library == "sklearn":
        from sklearn.decomposition import PCA
    else:
        from eigkit import PCA
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    pca = PCA(k, svd_solver=name, random_state=0).fit(X)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    extra = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"solver": solver, "wall": wall, "cpu": cpu, "extra_bytes": extra,
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "x_bytes": X.nbytes,
            "passes": getattr(pca, "n_passes_", None),
            "chosen": getattr(pca, "_fit_svd_solver", name),
            "explained_variance": pca.explained_variance_.astype(float).tolist()}


def run(args):
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"embeddings_{args.n}x{args.d}.npy")
    if not os.path.exists(path):
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32,
                                        shape=(args.n, args.d))
        embeddings(args.n, args.d, args.rank, out=out)
        out.flush()
        del out
    results = {s: [] for s in args.solvers}
    try:
        for _ in range(args.repeats):
            for solver in args.solvers:
                line = subprocess.run(
                    [sys.executable, __file__, "--child", path, solver, str(args.k),
                     str(int(args.memmap))], check=True, capture_output=True,
                    text=True).stdout.strip().splitlines()[-1]
                results[solver].append(json.loads(line))
                print(_summary(results[solver][-1]), flush=True)
    finally:
        if not args.keep:
            os.remove(path)
    _report(results, args)


def _summary(r):
    passes = f" passes {r['passes']}" if r["passes"] else ""
    return (f"{r['solver']:<24} ({r['chosen']}) wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  "
            f"extra memory {r['extra_bytes'] / r['x_bytes']:6.1%} of X (traced), peak RSS "
            f"{r['peak_rss_bytes'] / 2**30:.2f} GiB{passes}")


def _report(results, args):
    reference = np.array(results[args.solvers[0]][0]["explained_variance"])
    print(f"\n{args.n} x {args.d} float32, k = {args.k}, medians of {args.repeats}:")
    for solver, runs in results.items():
        ev = np.array(runs[0]["explained_variance"])
        deviation = float(np.max(np.abs(ev - reference) / reference))
        print(f"{solver:<24} wall {statistics.median(r['wall'] for r in runs):7.2f} s  cpu "
              f"{statistics.median(r['cpu'] for r in runs):7.2f} s  explained variance "
              f"max rel. deviation {deviation:.1e}")


def test_block_krylov_fit(benchmark):
    from eigkit import PCA
    X = embeddings(20000, 512, 64)
    benchmark(lambda: PCA(20, svd_solver="block_krylov", random_state=0).fit(X))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        path, solver, k, memmap = sys.argv[2:6]
        print(json.dumps(fit_once(path, solver, int(k), memmap == "1")))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200000)
    parser.add_argument("--d", type=int, default=2048)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--rank", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--solvers", type=lambda s: s.split(","), default=SOLVERS)
    parser.add_argument("--memmap", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--dir", default=tempfile.gettempdir())
    run(parser.parse_args())


if __name__ == "__main__":
    main()
