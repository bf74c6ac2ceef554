"""Timing of eigkit's tridiagonalize / apply_reflectors against LAPACK's
xSYTRD/xHETRD and xORMTR/xUNMTR (called as xORMQR/xUNMQR on the reflector
block, which is what xORMTR does for uplo = 'L').

Usage: PYTHONPATH=src python3 benchmarks/bench_tridiagonalize.py [n ...] [--complex]
Medians of 5 runs after a warm-up; contenders alternate, with at least 0.3 s
of sleep between them so that OpenBLAS's worker threads go idle -- and, as
the machine may be shared, until a 0.3 s window passes with the CPUs idle
(at most 20 s of waiting)."""
import sys
import time
import numpy as np
import scipy.linalg.lapack as la
import eigkit._kernels._testing as k


def hermitian(n, dt, rng):
    a = rng.standard_normal((n, n))
    if np.dtype(dt).kind == 'c':
        a = a + 1j * rng.standard_normal((n, n))
    return np.asfortranarray(((a + a.conj().T) / 2).astype(dt))


def _cpu_times():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]


def settle(window=0.3, min_idle=0.97, max_wait=20.0):
    """Sleep in windows of `window` s until one passes with the machine idle."""
    t0 = time.time()
    while True:
        a = _cpu_times()
        time.sleep(window)
        b = _cpu_times()
        if (b[1] - a[1]) >= min_idle * (b[0] - a[0]) or time.time() - t0 > max_wait:
            return


def timed(fn, prep):
    arg = prep()
    t = time.perf_counter()
    fn(*arg)
    return time.perf_counter() - t


def race(contenders, reps=5):
    for fn, prep in contenders.values():      # warm-up
        timed(fn, prep)
        settle()
    times = {name: [] for name in contenders}
    for _ in range(reps):
        for name, (fn, prep) in contenders.items():
            times[name].append(timed(fn, prep))
            settle()
    return {name: float(np.median(t)) for name, t in times.items()}


def bench(n, dt):
    rng = np.random.default_rng(1)
    a = hermitian(n, dt, rng)
    cplx = np.dtype(dt).kind == 'c'
    p = 'z' if cplx else 'd'
    if dt in (np.float32, np.complex64):
        p = 'c' if cplx else 's'
    sytrd = getattr(la, p + ('hetrd' if cplx else 'sytrd'))
    lw_fn = getattr(la, p + ('hetrd_lwork' if cplx else 'sytrd_lwork'))
    lwork = int(np.real(lw_fn(n, lower=1)[0]))
    mqr = getattr(la, p + ('unmqr' if cplx else 'ormqr'))

    red = race({
        'eigkit': (lambda x: k.tridiagonalize(x), lambda: (a.copy(order='F'),)),
        'lapack': (lambda x: sytrd(x, lower=1, lwork=lwork, overwrite_a=1),
                   lambda: (a.copy(order='F'),)),
    })
    af = a.copy(order='F')
    d, e, tau = k.tridiagonalize(af)
    v = np.asfortranarray(af[1:, :n - 1])
    z = np.asfortranarray(rng.standard_normal((n, n)).astype(dt))
    mlw = int(np.real(mqr('L', 'N', v, tau, np.asfortranarray(z[1:]), -1)[1][0]))
    app = race({
        'eigkit': (lambda zz: k.apply_reflectors(af, tau, zz), lambda: (z.copy(order='F'),)),
        'lapack': (lambda zz: mqr('L', 'N', v, tau, zz, mlw, overwrite_c=1),
                   lambda: (np.asfortranarray(z[1:]),)),
    })
    for what, r in (('reduce', red), ('apply', app)):
        print(f"{np.dtype(dt).name:10s} n={n:5d} {what:7s} eigkit {r['eigkit']:.4f}s "
              f"lapack {r['lapack']:.4f}s ratio {r['eigkit'] / r['lapack']:.3f}", flush=True)


if __name__ == '__main__':
    args = [x for x in sys.argv[1:] if not x.startswith('--')]
    ns = [int(x) for x in args] or [1000, 2000, 4000]
    dt = np.complex128 if '--complex' in sys.argv else np.float64
    if '--single' in sys.argv:
        dt = np.complex64 if dt == np.complex128 else np.float32
    for n in ns:
        bench(n, dt)
