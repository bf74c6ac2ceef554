"""One product with PCA's implicit covariance operator, Y = Xc^T (Xc W),
W a block of b vectors: eigkit's compiled kernel (csrc/ml/covariance_operator.c)
against the numpy slice loop it replaced and against what ARPACK pays,
two GEMVs per vector (X w, then X^T y).

Usage: PYTHONPATH=src python3 benchmarks/bench_covariance_operator.py [NxP] [--rounds R]

Prints medians over R interleaved rounds (default 5) of the time per block
and per vector for b = 1, 2, 4, 8, with the load average: on a busy
machine the absolute numbers mean little, the ratios within one run a
little more.  Data: eigkit.bench.ml_cases.decaying_spectrum_data (default
5000 x 5000, float64, C order).
"""
import argparse
import os
import time

import numpy as np

from eigkit._ml.centered import _sliced_covariance_product, covariance_product
from eigkit.bench.ml_cases import decaying_spectrum_data


def two_gemvs(X, mean, W):
    out = np.empty_like(W)
    for c in range(W.shape[1]):
        y = X @ W[:, c] - mean @ W[:, c]
        out[:, c] = X.T @ y
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", nargs="?", default="5000x5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n, p = map(int, args.shape.lower().split("x"))
    X = decaying_spectrum_data((n, p))
    mean = X.mean(axis=0)
    rng = np.random.default_rng(0)
    blocks = {b: np.asfortranarray(rng.standard_normal((p, b))) for b in (1, 2, 4, 8)}
    contenders = {"kernel": covariance_product, "numpy slices": _sliced_covariance_product,
                  "two GEMVs": two_gemvs}
    times = {}
    print(f"{n} x {p}, load before {os.getloadavg()}")
    for _ in range(args.rounds):
        for b, W in blocks.items():
            for name, product in contenders.items():
                start = time.perf_counter()
                product(X, mean, W)
                times.setdefault((b, name), []).append(time.perf_counter() - start)
    print(f"load after {os.getloadavg()}")
    for (b, name), values in times.items():
        med = float(np.median(values)) * 1e3
        print(f"b = {b}  {name:13s} {med:8.1f} ms per block {med / b:7.1f} ms per vector")


if __name__ == "__main__":
    main()
