"""The kernels release the GIL and keep no global state: concurrent calls
give the serial answers.  (Not bit for bit: a BLAS may split its work
differently when several threads call it at once.)"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import eigkit
from matrices import hermitian


def test_concurrent_calls_match_serial():
    mats = [hermitian("random", 120, dt, seed=i)
            for i, dt in enumerate([np.float64, np.complex128, np.float32, np.complex64] * 2)]
    calls = [lambda a=a: eigkit.eigh(a) for a in mats]
    calls += [lambda a=a: eigkit.eigh(a, subset_by_index=[100, 119]) for a in mats]
    calls += [lambda a=a: (eigkit.eigvalsh(a), None) for a in mats]
    serial = [f() for f in calls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda f: f(), calls * 2))
    for (w, v), (wc, vc) in zip(serial * 2, concurrent):
        tol = 1e4 * np.finfo(w.dtype).eps
        assert np.allclose(w, wc, rtol=0, atol=tol * np.abs(w).max())
        if v is not None:
            assert np.allclose(v, vc, rtol=0, atol=tol)
