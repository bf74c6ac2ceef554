"""The thread policy of eigkit's own kernels.

BLAS calls run on the BLAS's own threads (SciPy's OpenBLAS, limited by
threadpoolctl or OPENBLAS_NUM_THREADS).  eigkit's C kernels that start
threads of their own (the rotation wavefronts, divide-and-conquer merges,
bulge chasing, sparse and covariance products, the kNN graph, k-means)
take their count from here: the CPUs this process may run on, capped by
the usual environment limits.  Every module asks this one place.
"""
import os

__all__ = ["usable_cpus", "kernel_threads"]

#: environment variables that cap eigkit's own threads, first one set wins
THREAD_VARIABLES = ("EIGKIT_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def usable_cpus():
    """The CPUs this process may run on (its affinity mask, where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def kernel_threads():
    """Threads eigkit's own kernels may use: the CPUs this process may run
    on, capped by the first of :data:`THREAD_VARIABLES` that is set to a
    positive integer."""
    ncpu = usable_cpus()
    for var in THREAD_VARIABLES:
        value = os.environ.get(var, "")
        if value.strip().isdigit() and int(value) > 0:
            return min(ncpu, int(value))
    return max(1, ncpu)
