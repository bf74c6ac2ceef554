"""The eigkit command line (also python -m eigkit).

    eigkit bench [options]     time eigkit against SciPy, NumPy, scikit-learn
    eigkit bench --help        the options of eigkit bench
    eigkit config              the BLAS in use, the build options and the tunables

With no subcommand, the options go to bench ("python -m eigkit --suite
dense" is "eigkit bench --suite dense"); with no arguments at all, eigkit
runs "eigkit bench --quick".
"""
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv) or ["--quick"]
    if argv[:1] == ["config"]:
        from . import show_config
        show_config()
        return 0
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if argv[:1] == ["bench"]:
        argv = argv[1:]
    from .bench.cli import main as bench
    return bench(argv)


if __name__ == "__main__":
    sys.exit(main())
