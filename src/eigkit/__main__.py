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
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed rounds per contender (default 3 dense, 1 sparse)")
    parser.add_argument("--cases", type=lambda s: s.split(","), default=None,
                        help="dense: subset of eigh, eigvalsh, top10; "
                             "sparse: subset of laplacian, random, knn")
    parser.add_argument("--suite", choices=["dense", "sparse", "all"], default="dense",
                        help="dense eigensolvers (default), sparse eigsh, or both")
    parser.add_argument("--which", type=lambda s: s.split(","), default=None,
                        help="sparse: subset of LA, SA, LM")
    parser.add_argument("--quick", action="store_true",
                        help="sparse: smaller matrices of the same families")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="sparse: seconds per contender call (default 120)")
    args = parser.parse_args(argv)

    import scipy

    import eigkit
    print(f"eigkit {eigkit.__version__}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(_blas_description())
    if args.suite in ("dense", "all"):
        _dense_suite(parser, args)
    if args.suite in ("sparse", "all"):
        _sparse_suite(parser, args)
    return 0


def _sparse_suite(parser, args):
    from eigkit.bench import SPARSE_CASES, format_sparse_table, run_sparse_case, sparse_matrix
    from eigkit.bench.sparse_cases import K, MATRICES, TIME_LIMIT, TOL, WHICHES, norm_estimate

    dense_names = {"eigh", "eigvalsh", "top10"}
    names = [c for c in (args.cases or list(MATRICES)) if c not in dense_names] or list(MATRICES)
    unknown = [c for c in names if c not in MATRICES]
    whiches = args.which or list(WHICHES)
    if unknown or any(w not in WHICHES for w in whiches):
        parser.error(f"sparse cases are {list(MATRICES)}, which {list(WHICHES)}")
    repeat = 1 if args.repeat is None else args.repeat
    limit = TIME_LIMIT if args.time_limit is None else args.time_limit
    print(f"sparse suite{' (quick)' if args.quick else ''}: k = {K}, tol = {TOL}, medians of "
          f"{repeat} interleaved round(s) after a warm-up, {limit:g} s limit per call; matvecs "
          "are operator columns applied (counted by a wrapping LinearOperator); max resid = "
          "max ||Ax - lambda x|| / ||A||est over the returned pairs; dw/arpack = max "
          "|lambda - lambda_arpack| / ||A||est (dw/eigkit likewise); calls whose warm-up "
          "took > 30 s are timed once")
    results = []
    for name in names:
        a = sparse_matrix(name, quick=args.quick)
        anorm = norm_estimate(a)
        print(f"  {name}: {MATRICES[name].description}; n = {a.shape[0]}, nnz = {a.nnz}, "
              f"||A||est = {anorm:.4g}")
        for case in SPARSE_CASES:
            if case.matrix != name or case.which not in whiches:
                continue
            def progress(c, t, ans, _w=case.which):
                print(f"    {name} {_w} {c}: {t:.2f} s, {ans.matvecs} matvecs {ans.note}",
                      file=sys.stderr, flush=True)
            results.extend(run_sparse_case(case, a, anorm, repeat=repeat, progress=progress,
                                           time_limit=limit))
    print(format_sparse_table(results))


def _dense_suite(parser, args):
    from eigkit.bench import CASES, format_table, run_case, test_matrix

    if args.repeat is None:
        args.repeat = 3

    sparse_names = {"laplacian", "random", "knn"}
    names = [c for c in (args.cases or list(CASES)) if c not in sparse_names] or list(CASES)
    unknown = [c for c in names if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    print("medians of", args.repeat, "interleaved rounds after a warm-up; accuracy is a "
          "LAPACK-style ratio (||AZ-ZW||, ||I-Z^TZ|| or |w-w_lapack| over ||A|| n ulp; < 60 passes)")
    results = []
    for n in args.sizes:
        a = test_matrix("random", n)
        for name in names:
            results.extend(run_case(CASES[name], a, repeat=args.repeat))
            print(f"  done: {name} n={n}", file=sys.stderr)
    print(format_table(results))


if __name__ == "__main__":
    sys.exit(main())
