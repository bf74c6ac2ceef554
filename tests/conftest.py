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
