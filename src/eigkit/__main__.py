"""``python -m eigkit`` / ``eigkit``: a short side-by-side of eigkit, SciPy
and NumPy on built-in matrices, on the same BLAS."""
import argparse
import sys

import numpy as np


def _blas_description():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS: (install threadpoolctl to see which BLAS and kernel ran)"
    libs = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
            f"threads={i.get('num_threads')} ({i.get('prefix')})"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return "BLAS: " + "; ".join(libs)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="eigkit", description=__doc__)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[500, 1000], help="matrix orders, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds per contender")
    parser.add_argument("--cases", type=lambda s: s.split(","), default=None,
                        help="subset of: eigh, eigvalsh, top10")
    args = parser.parse_args(argv)

    import scipy

    import eigkit
    from eigkit.bench import CASES, format_table, run_case, test_matrix

    names = args.cases or list(CASES)
    unknown = [c for c in names if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    print(f"eigkit {eigkit.__version__}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(_blas_description())
    print("medians of", args.repeat, "interleaved rounds after a warm-up; accuracy is a "
          "LAPACK-style ratio (||AZ-ZW||, ||I-Z^TZ|| or |w-w_lapack| over ||A|| n ulp; < 60 passes)")
    results = []
    for n in args.sizes:
        a = test_matrix("random", n)
        for name in names:
            results.extend(run_case(CASES[name], a, repeat=args.repeat))
            print(f"  done: {name} n={n}", file=sys.stderr)
    print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
