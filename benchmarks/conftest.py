import os

import pytest


def _sizes():
    raw = os.environ.get("EIGKIT_BENCH_SIZES", "500,1000,2000")
    return [int(x) for x in raw.split(",") if x]


def pytest_generate_tests(metafunc):
    if "n" in metafunc.fixturenames:
        metafunc.parametrize("n", _sizes())


@pytest.fixture(scope="session")
def matrices():
    from eigkit.bench import test_matrix
    cache = {}

    def get(kind, n):
        if (kind, n) not in cache:
            cache[(kind, n)] = test_matrix(kind, n)
        return cache[(kind, n)]
    return get
