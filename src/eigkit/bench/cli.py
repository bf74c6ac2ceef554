"""eigkit bench: time eigkit against SciPy, NumPy and scikit-learn on
built-in problems, with an accuracy check beside every time.

    eigkit bench --quick                      # the main suites, small sizes
    eigkit bench --suite dense --sizes 500,1000,2000 --out results/
    eigkit bench --suite sweep                # eigkit / best other from n = 10 up
    eigkit bench --compare old/results.json new/results.json

Each table ends with a legend and the run with a verdict: below 1,
"eigkit / best other" means eigkit was faster.
"""
import argparse
import contextlib
import dataclasses
import os
import shlex
import sys

from . import environment
from .progress import progress_bar
from .runner import PAUSE_SECONDS, ROUND_SECONDS, rounds_needed, run_problem
from .suite import REGISTRY, SuiteUnavailable, load_suite


def _int_list(text):
    return [int(x) for x in text.split(",") if x.strip()]


def _sizes(text):
    """'500,1000' (every suite) or 'dense=500,1000' (one suite)."""
    suite, sep, rest = text.rpartition("=")
    try:
        return (suite if sep else None), _int_list(rest)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be integers, got {text!r}") from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="eigkit bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default=None,
                        help=f"comma-separated suites from {sorted(REGISTRY)}, or 'all' "
                             "(default: every suite available here; with --quick, those "
                             "made for it, i.e. not the sweep)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and fewer cases: under two minutes on 2 cores")
    parser.add_argument("--sizes", type=_sizes, action="append", default=[],
                        help="problem sizes n, comma-separated; 'SUITE=n1,n2' sets one "
                             "suite's (repeatable)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed rounds per contender after the warm-up (default 5); a "
                             "round of a short call is a batch of calls lasting --round-time; "
                             "calls of seconds get fewer rounds, calls over 30 s none")
    parser.add_argument("--max-rounds", type=int, default=None,
                        help="the most timed rounds of a call under 1 s whose rounds still "
                             "spread by over 10%% around their median (default 3 x --repeat; "
                             "set it to --repeat for exactly --repeat rounds)")
    parser.add_argument("--round-time", type=float, default=ROUND_SECONDS,
                        help=f"seconds a round of a short call lasts at least (default "
                             f"{ROUND_SECONDS}): calls shorter than this are repeated back "
                             "to back within a round, the round's time divided among them")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit BLAS threads (threadpoolctl) and eigkit's own kernel "
                             "threads to this many")
    parser.add_argument("--out", metavar="DIR",
                        help="write results.json, report.md and PNG plots into DIR")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"),
                        help="compare two results.json files and exit")
    parser.add_argument("--cases", type=lambda s: s.split(","), default=None,
                        help="only the cases whose name starts with one of these "
                             "(e.g. eigh,top10 or laplacian,svds)")
    parser.add_argument("--contenders", type=lambda s: s.split(","), default=None,
                        help="only these contenders besides eigkit's own "
                             "(e.g. scipy-arpack,primme)")
    parser.add_argument("--which", type=lambda s: s.split(","), default=None,
                        help="sparse: subset of LA, SA, LM")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="sparse: seconds before a contender's call is stopped "
                             "(default 120)")
    parser.add_argument("--pause", type=float, default=PAUSE_SECONDS,
                        help=f"seconds of sleep before every timed round (default "
                             f"{PAUSE_SECONDS}; lower values let one library's spinning "
                             "BLAS threads slow the next round)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _chosen_suites(parser, text, quick=False):
    """The suites to run, and the reasons some of them (or parts of them)
    are skipped.  ``text`` None is every suite, less those not made for
    ``--quick`` when ``quick``."""
    everything = text is None or text == "all"
    names = list(REGISTRY) if everything else [s.strip() for s in text.split(",")]
    suites, skipped = [], []
    for name in names:
        try:
            suite = load_suite(name)
        except KeyError as exc:
            parser.error(exc.args[0])
        except SuiteUnavailable as exc:
            if not everything:
                parser.error(f"{exc}; it is unavailable here")
            skipped.append(str(exc))
            continue
        if text is None and quick and not suite.in_quick:
            skipped.append(f"suite {name!r} is not part of --quick "
                           f"(eigkit bench --suite {name} [--quick])")
            continue
        suites.append(suite)
        skipped += suite.missing() if suite.missing else []
    return suites, skipped


def _sizes_for(suite, sizes_args, quick):
    chosen = None
    for name, values in sizes_args:
        if name is None or name == suite.name:
            chosen = values
    return tuple(chosen) if chosen else (suite.quick_sizes if quick else suite.sizes)


def _matches(case, prefixes):
    return prefixes is None or any(case.startswith(p) for p in prefixes)


def _with_contenders(problem, names):
    """The problem with only eigkit's contender and those named."""
    if names is None:
        return problem
    kept = tuple(c for c in problem.contenders if c.name == problem.ours or c.name in names)
    return dataclasses.replace(problem, contenders=kept)


def _plan(parser, args, suites):
    """[(suite, repeat, [problem, ...])] and the settings record."""
    options = {"quick": args.quick, "which": args.which}
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit
    plan, settings = [], {"suites": [], "sizes": {}, "repeat": {}}
    for suite in suites:
        sizes = _sizes_for(suite, args.sizes, args.quick)
        repeat = args.repeat if args.repeat is not None else (
            suite.quick_repeat if args.quick else suite.repeat)
        try:
            problems = suite.problems(sizes, **options)
        except ValueError as exc:
            parser.error(f"suite {suite.name}: {exc}")
        problems = [_with_contenders(p, args.contenders) for p in problems
                    if _matches(p.case, args.cases)]
        if problems:
            plan.append((suite, repeat, problems))
            settings["suites"].append(suite.name)
            settings["sizes"][suite.name] = list(sizes) if sizes else _sizes_by_case(problems)
            settings["repeat"][suite.name] = repeat
    if not plan:
        parser.error(f"no case matches --cases {','.join(args.cases or [])}")
    return plan, settings


def _sizes_by_case(problems):
    """``{case: [n, ...]}``: the sizes of a suite whose cases each have
    their own (the sweep)."""
    out = {}
    for p in problems:
        out.setdefault(p.case, []).append(p.n)
    return out


@contextlib.contextmanager
def thread_limit(threads):
    """Limit every BLAS in the process (threadpoolctl) and eigkit's own
    kernels (EIGKIT_NUM_THREADS) to ``threads``; no limit when None."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits
    previous = os.environ.get("EIGKIT_NUM_THREADS")
    os.environ["EIGKIT_NUM_THREADS"] = str(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        if previous is None:
            del os.environ["EIGKIT_NUM_THREADS"]
        else:
            os.environ["EIGKIT_NUM_THREADS"] = previous


def _run(plan, args):
    total = sum(rounds_needed(p, repeat) for _, repeat, problems in plan for p in problems)
    bar = progress_bar(total, enabled=not args.no_progress)
    results = []
    try:
        for suite, repeat, problems in plan:
            for problem in problems:
                bar.set_description(f"{suite.name} {problem.case} n={problem.n}")
                results += run_problem(problem, suite.name, repeat=repeat, pause=args.pause,
                                       tick=bar.update, round_time=args.round_time,
                                       max_rounds=args.max_rounds)
    finally:
        bar.close()
    return results


def _write_outputs(out_dir, results, settings, env, suites):
    from . import plots, report
    os.makedirs(out_dir, exist_ok=True)
    document = report.build_document(results, settings, env, suites)
    report.write_json(os.path.join(out_dir, "results.json"), document)
    drawn = plots.draw_all(results, out_dir)
    document["results"] = results
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(report.markdown_report(document, drawn))
    return drawn


def main(argv=None):
    """Run ``eigkit bench`` with ``argv`` (default: the command line)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.compare:
        from .compare import compare_files
        try:
            print(compare_files(*args.compare))
        except (OSError, ValueError) as exc:
            parser.error(str(exc))
        return 0
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads must be a positive integer")
        try:
            import threadpoolctl  # noqa: F401
        except ImportError:
            parser.error("--threads needs threadpoolctl: pip install 'eigkit[bench]'")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be a positive integer")
    if args.max_rounds is not None and args.max_rounds < 1:
        parser.error("--max-rounds must be a positive integer")
    if args.round_time <= 0 or args.pause < 0:
        parser.error("--round-time must be positive and --pause not negative")
    suites, skipped = _chosen_suites(parser, args.suite, args.quick)
    plan, settings = _plan(parser, args, suites)
    argv_text = sys.argv[1:] if argv is None else argv
    settings.update(command="eigkit bench " + shlex.join(argv_text), quick=args.quick,
                    threads=args.threads, pause=args.pause, round_time=args.round_time,
                    max_rounds=args.max_rounds,
                    skipped=skipped)
    with thread_limit(args.threads):
        env = environment.collect()
        for line in environment.describe(env) + [f"skipped: {s}" for s in skipped]:
            print(line)
        results = _run(plan, args)
    from .report import closing_lines, terminal_table
    print(terminal_table(results, summary_suites={s.name for s, _, _ in plan
                                                  if s.table == "summary"}))
    print()
    print("\n".join(closing_lines(results)))
    if args.out:
        drawn = _write_outputs(args.out, results, settings, env, [p[0] for p in plan])
        print(f"wrote {os.path.join(args.out, 'results.json')}, report.md"
              + (f" and {len(drawn)} plots" if drawn else " (no plots: matplotlib is missing)"))
    return 0
