"""The machine and software a benchmark ran on, recorded with its results
so that two runs can be compared honestly."""
import datetime
import os
import platform
import sys
from importlib import metadata

PACKAGES = ("eigkit", "numpy", "scipy", "scikit-learn", "threadpoolctl", "matplotlib")
THREAD_VARIABLES = ("EIGKIT_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo on Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_libraries():
    """The BLAS libraries loaded in this process, as threadpoolctl sees
    them (vendor, version, kernel architecture, threads, path); ``None``
    when threadpoolctl is not installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    # Importing them loads NumPy's and SciPy's own BLAS libraries.
    import numpy.linalg  # noqa: F401
    import scipy.linalg  # noqa: F401
    keys = ("user_api", "internal_api", "version", "architecture", "threading_layer",
            "num_threads", "filepath")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def package_versions():
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    import eigkit   # the running copy may not be the installed one
    versions["eigkit"] = eigkit.__version__
    return versions


def collect():
    """A JSON-serialisable description of this machine and process."""
    from .._threads import kernel_threads, usable_cpus
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "cores": os.cpu_count(),
        "usable_cores": usable_cpus(),
        "python": sys.version.split()[0],
        "packages": package_versions(),
        "blas": blas_libraries(),
        "eigkit_kernel_threads": kernel_threads(),
        "thread_variables": {v: os.environ[v] for v in THREAD_VARIABLES if v in os.environ},
    }


def describe_blas(blas):
    """One line per BLAS library, e.g. 'openblas 0.3.30 SkylakeX, 2 threads'."""
    if blas is None:
        return ["BLAS: unknown (install threadpoolctl, or eigkit[bench], to record it)"]
    return [f"{b.get('internal_api')} {b.get('version')} {b.get('architecture') or ''}, "
            f"{b.get('num_threads')} threads ({b.get('filepath')})"
            for b in blas if b.get("user_api") == "blas"]


def describe(env):
    """A few human-readable lines about ``env`` (from :func:`collect`)."""
    pk = env["packages"]
    versions = ", ".join(f"{k} {v}" for k, v in pk.items() if v)
    lines = [f"{env['cpu']}, {env['usable_cores']} of {env['cores']} cores usable, "
             f"{env['system']}",
             f"python {env['python']}, {versions}",
             f"eigkit kernel threads: {env['eigkit_kernel_threads']}"]
    lines += describe_blas(env["blas"])
    if env["thread_variables"]:
        lines.append("environment: " + ", ".join(f"{k}={v}" for k, v in
                                                 env["thread_variables"].items()))
    return lines
