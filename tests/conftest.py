"""Shared fixtures."""
import pytest


@pytest.fixture
def single_threaded_blas():
    """Small problems: BLAS threads only contend on a shared machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(1):
        yield


@pytest.fixture
def python_sigint_handler():
    """Python's own SIGINT handler for the test: a process started in the
    background without job control inherits SIGINT ignored, and Ctrl-C
    could not reach it at all."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        pytest.skip("signals go to the main thread")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def tune():
    """Sets eigkit's tunables for one test (eigkit.config.set_tunables) and
    restores them after it: ``tune(two_stage_min_order=0)``."""
    from eigkit.config import set_tunables
    saved = []

    def set_values(**values):
        saved.append(set_tunables(**values))
    yield set_values
    for previous in reversed(saved):
        set_tunables(**previous)


@pytest.fixture
def two_stage_calls(monkeypatch):
    """The orders of the matrices that reach the two-stage eigenvalue
    kernel during the test, in call order."""
    from eigkit._kernels import dense as dense_kernels
    calls = []
    real_kernel = dense_kernels.symmetric_eigvals_two_stage

    def spy(*args):
        calls.append(args[0].shape[0])
        return real_kernel(*args)
    monkeypatch.setattr(dense_kernels, "symmetric_eigvals_two_stage", spy)
    return calls
