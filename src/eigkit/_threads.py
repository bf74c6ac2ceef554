"""The thread policy of eigkit's own kernels: the one place that decides
how many threads a kernel call may start.

BLAS calls run on the BLAS's own threads (SciPy's OpenBLAS, limited by
threadpoolctl or OPENBLAS_NUM_THREADS).  eigkit's C kernels that start
threads of their own (the rotation wavefronts, divide-and-conquer merges,
bulge chasing, sparse and covariance products, the kNN graph, k-means)
receive their count as an argument, computed here at every call.  The
first of these that is set wins, and the result never exceeds the CPUs the
process may run on:

1. a :func:`num_threads` block of the calling thread (a context variable:
   other Python threads and asyncio tasks do not see it);
2. the process-wide count of :func:`set_num_threads`, which is also what
   ``threadpoolctl.threadpool_limits`` sets (eigkit registers a
   threadpoolctl controller when threadpoolctl is installed);
3. the environment: :data:`THREAD_VARIABLES`, the first set to a positive
   integer;
4. the CPUs the process may run on.

The block is per thread because concurrent code must not fight over one
setting.  The threadpoolctl limit is process-wide, like that of the
OpenBLAS in SciPy's wheels, because its users (scikit-learn, joblib, Dask)
enter it in one thread to limit the work that thread then farms out to
others.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from collections.abc import Iterator
from numbers import Integral

__all__ = ["THREAD_VARIABLES", "usable_cpus", "kernel_threads", "get_num_threads",
           "set_num_threads", "num_threads", "register_threadpoolctl"]

#: environment variables that cap eigkit's own threads, first one set wins
THREAD_VARIABLES = ("EIGKIT_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")

# The count of a `num_threads` block in this context; None outside blocks.
_block_count: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "eigkit_num_threads", default=None)


class _ProcessCount:
    """The process-wide count (None: not set), read and replaced under a
    lock so that set_num_threads returns the value it replaced."""

    def __init__(self):
        self._lock = threading.Lock()
        self._count = None

    def get(self):
        return self._count

    def swap(self, count):
        with self._lock:
            previous, self._count = self._count, count
        return previous


_process = _ProcessCount()


def usable_cpus():
    """The CPUs this process may run on (its affinity mask, where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def environment_threads():
    """The count the environment asks for: the CPUs this process may run
    on, capped by the first of :data:`THREAD_VARIABLES` that is set to a
    positive integer."""
    ncpu = max(1, usable_cpus())
    for var in THREAD_VARIABLES:
        value = os.environ.get(var, "")
        if value.strip().isdigit() and int(value) > 0:
            return min(ncpu, int(value))
    return ncpu


def process_threads():
    """The count of every thread outside :func:`num_threads` blocks: the
    process-wide setting, else the environment's."""
    count = _process.get()
    if count is None:
        return environment_threads()
    return min(count, max(1, usable_cpus()))


def kernel_threads():
    """Threads eigkit's own kernels may use in this call: the calling
    thread's :func:`num_threads` block, else :func:`process_threads`,
    never more than the CPUs this process may run on."""
    count = _block_count.get()
    if count is None:
        return process_threads()
    return min(count, max(1, usable_cpus()))


def _checked(n):
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"the number of threads must be a positive integer, "
                        f"got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"the number of threads must be a positive integer, got {n}")
    return int(n)


def get_num_threads() -> int:
    """The number of threads eigkit's own kernels start in this thread.

    eigkit's C kernels (tridiagonal QR, divide and conquer, bulge chasing,
    sparse and covariance products, the kNN graph, k-means) share their
    work among this many threads.  BLAS calls use the BLAS's threads, which
    threadpoolctl controls.

    Returns
    -------
    int
        The count of the calling thread's :func:`num_threads` block, else
        the process-wide count set by :func:`set_num_threads` or
        ``threadpoolctl.threadpool_limits``, else the first of the
        environment variables ``EIGKIT_NUM_THREADS``,
        ``OPENBLAS_NUM_THREADS`` and ``OMP_NUM_THREADS`` that is set, else
        the CPUs the process may run on; never more than those CPUs.

    See Also
    --------
    set_num_threads, num_threads

    Examples
    --------
    >>> import eigkit
    >>> with eigkit.num_threads(1):
    ...     eigkit.get_num_threads()
    1
    """
    return kernel_threads()


def set_num_threads(n: int | None) -> int | None:
    """Set, for the whole process, how many threads eigkit's own kernels
    start.

    The count reaches every call made afterwards, from any thread, outside
    :func:`num_threads` blocks; a call already running keeps the count it
    started with.  ``threadpoolctl.threadpool_limits`` sets the same
    count, and restores it on exit.  In code where several Python threads
    each want their own count, use :func:`num_threads`, which is per
    thread.

    Parameters
    ----------
    n : int or None
        A positive number of threads (more than the CPUs the process may
        run on gives those CPUs), or None to go back to the environment
        (``EIGKIT_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
        ``OMP_NUM_THREADS``, else every usable CPU).

    Returns
    -------
    int or None
        The previous setting (None if there was none): passing it back
        restores it.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or None.
    ValueError
        If ``n`` is less than 1.

    See Also
    --------
    get_num_threads, num_threads

    Examples
    --------
    >>> import eigkit
    >>> previous = eigkit.set_num_threads(1)
    >>> eigkit.get_num_threads()
    1
    >>> eigkit.set_num_threads(previous)
    1
    """
    return _process.swap(None if n is None else _checked(n))


@contextlib.contextmanager
def num_threads(n: int) -> Iterator[None]:
    """Limit eigkit's own kernels to ``n`` threads within a ``with`` block,
    in the calling thread only.

    The count lives in a context variable: calls made in the block by this
    thread (or asyncio task) use it, other Python threads keep theirs, so
    several threads may each hold a block with its own count.  Threads
    started inside the block do not inherit it (``contextvars`` gives new
    threads a fresh context); to limit them too, use
    ``threadpoolctl.threadpool_limits`` or :func:`set_num_threads`, which
    are process-wide.  Blocks nest; the innermost wins, and it wins over
    the process-wide count.

    Parameters
    ----------
    n : int
        A positive number of threads (more than the CPUs the process may
        run on gives those CPUs).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is less than 1.

    See Also
    --------
    get_num_threads, set_num_threads

    Examples
    --------
    >>> import numpy as np
    >>> import eigkit
    >>> a = np.diag([3.0, 1.0, 2.0])
    >>> with eigkit.num_threads(1):
    ...     eigkit.eigvalsh(a)
    array([1., 2., 3.])
    """
    token = _block_count.set(_checked(n))
    try:
        yield
    finally:
        _block_count.reset(token)


def _controller_class(threadpoolctl):
    class EigkitController(threadpoolctl.LibController):
        """threadpoolctl's view of eigkit's kernel threads: the
        process-wide count (blocks of :func:`num_threads` are per thread
        and not shown)."""

        user_api = "eigkit"
        internal_api = "eigkit"
        # the kernels' shared library: libeigkit_kernels.so.1 (Linux),
        # libeigkit_kernels.dylib, eigkit_kernels.dll
        filename_prefixes = ("libeigkit_kernels", "eigkit_kernels")
        # a symbol only eigkit's library has
        check_symbols = ("ek_fork_join",)

        def get_num_threads(self):
            return process_threads()

        def set_num_threads(self, num_threads):
            # threadpool_limits restores, on exit, the count it read on
            # entry; when that is the environment's own count, going back
            # to "not set" keeps later changes of the environment effective.
            count = _checked(num_threads)
            _process.swap(None if count == environment_threads() else count)

        def get_version(self):
            from . import __version__
            return __version__

    return EigkitController


_registered = False
_register_lock = threading.Lock()


def register_threadpoolctl():
    """Let threadpoolctl list and limit eigkit's kernel threads
    (``threadpool_info()``, ``threadpool_limits``), when threadpoolctl
    3.2 or later is installed; otherwise nothing.  Called once, at import
    of eigkit.  Returns whether eigkit is registered."""
    global _registered
    try:
        import threadpoolctl
    except ImportError:
        return False
    if not hasattr(threadpoolctl, "register"):   # before 3.2: no custom controllers
        return False
    with _register_lock:
        if not _registered:
            threadpoolctl.register(_controller_class(threadpoolctl))
            _registered = True
    return True
