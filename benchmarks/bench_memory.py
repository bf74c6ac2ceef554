"""Peak memory of eigkit.eigh against LAPACK's divide and conquer
(scipy.linalg.eigh(driver='evd'), xSYEVD / xHEEVD) for the same matrix.

Usage: PYTHONPATH=src python3 benchmarks/bench_memory.py [n ...] [--complex | --float32]
       [--values-only] [--touch-blas]

Each measurement runs in a fresh process: it builds the matrix, resets the
kernel's peak-RSS counter (VmHWM, via /proc/self/clear_refs), makes one
call and reports VmHWM minus the resident size before the call -- the
extra memory at the peak, C allocations (LAPACK workspace, eigkit's
kernels) included, which tracemalloc would not see.  Two columns each:

cold  the first call at this order in the process (after one on a 64 x 64
      matrix).  It includes the pages of OpenBLAS's per-thread packing
      buffers that the call is the first to touch: reserved when OpenBLAS
      loads, shared by every later BLAS call of the process and never
      given back.  Which pages depends on the shapes of the BLAS calls,
      not on the memory the solver asks for: xSYTRD's rank-2 x 32 updates
      touch about 1.2 x 32 n elements of them; eigkit's two-stage path
      (n >= 2500) about 1.2 x 48 n for its rank-2 x 48 updates plus the
      whole block buffer of each thread for its HEMM (about 1.4 MiB in
      float64 with two threads), some 1.5 MiB more than xSYTRD at
      n = 4000 float64.
warm  the second call: the memory the call itself allocates.

--touch-blas runs large level-3 products (GEMM, SYMM, SYR2K, complex GEMM
and HEMM of order 2000, through SciPy's BLAS) before either column's call,
as any earlier large matrix product in the process would: the buffers are
then resident beforehand and the cold column shows only what the solver's
first call adds.

Freed heap memory is handed back to the system (malloc_trim) before the
measured call: otherwise a workspace may land on pages that an earlier
temporary left resident and go uncounted, which happens or not from one
process to the next.  Both run with check_finite=False: in a warm process
glibc would serve the workspaces from the freed pages of the check's n^2
bytes temporary, hiding them.  Each figure is
the median of --repeat (default 3) processes.

With eigenvectors both libraries copy the input (overwrite_a=False) and
return an n x n eigenvector matrix, so the floor is two n x n matrices;
LAPACK's xSYEVD adds 2 n^2 reals of workspace (xHEEVD: n^2 complex and
2 n^2 real), eigkit about 3/4 n^2 reals.  Eigenvalues only, the floor is
the input copy; xSYEVD adds n x 32 scalars for xSYTRD's panel and 3 n
reals (xHEEVD: n x 33 complex and 2 n real); eigkit's one-stage path
n x 32 scalars and 2 n reals, its two-stage path (n >= 2500) four 48 x 48
blocks and n reals, the rest living in the copy of A
(csrc/dense/symmetric_eigen.c says where everything goes).
"""
import json
import subprocess
import sys

CHILD = r"""
import ctypes, json, sys
import numpy as np
n, dtype, who, vectors, warm, touch_blas = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                            sys.argv[4] == "1", sys.argv[5] == "1",
                                            sys.argv[6] == "1")
import scipy.linalg as sl
import eigkit

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n)).astype(dtype)
if a.dtype.kind == "c":
    a.imag = rng.standard_normal((n, n))
a = np.asfortranarray(a)
solve = {"eigkit": lambda: eigkit.eigh(a, eigvals_only=not vectors, check_finite=False),
         "lapack-evd": lambda: sl.eigh(a, driver="evd", eigvals_only=not vectors,
                                       check_finite=False)}[who]
small = a[:64, :64].copy()
eigkit.eigh(small); sl.eigh(small, driver="evd")      # load and warm both libraries
del small
if touch_blas:                                        # OpenBLAS's packing buffers resident
    from scipy.linalg import blas
    g = np.asfortranarray(rng.standard_normal((2000, 2000)))
    blas.dgemm(1.0, g, g); blas.dsymm(1.0, g, g); blas.dsyr2k(1.0, g, g)
    gz = g.astype(np.complex128)
    blas.zgemm(1.0, gz, gz); blas.zhemm(1.0, gz, gz)
    del g, gz
if warm:
    solve()
ctypes.CDLL("libc.so.6").malloc_trim(0)              # no freed pages left to reuse
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")                                      # VmHWM := VmRSS
before = status("VmRSS")
result = solve()
peak = status("VmHWM")
print(json.dumps({"extra": peak - before}))
"""


def measure(n, dtype, who, vectors, warm, repeat, touch_blas=False):
    """Median extra peak memory in bytes over ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), dtype, who,
                              str(int(vectors)), str(int(warm)), str(int(touch_blas))],
                             check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1])["extra"])
    return sorted(runs)[len(runs) // 2]


def main(argv):
    dtype = "complex128" if "--complex" in argv else "float32" if "--float32" in argv else "float64"
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 3
    sizes = [int(x) for i, x in enumerate(argv)
             if x.isdigit() and (i == 0 or argv[i - 1] != "--repeat")] or [1000, 2000, 4000]
    modes = (False,) if "--values-only" in argv else (True, False)
    touch_blas = "--touch-blas" in argv
    item = {"complex128": 16, "float64": 8, "float32": 4}[dtype]
    print(f"peak extra memory, {dtype}; MiB and in units of n^2 elements; "
          f"median of {repeat} processes" + ("; BLAS buffers touched first" if touch_blas else ""))
    print(f"{'':>15} {'cold':-^43} {'warm':-^43}")
    print(f"{'n':>6} {'vectors':>8}" + f" {'eigkit':>17} {'LAPACK syevd':>17} {'ratio':>7}" * 2)
    for n in sizes:
        for vectors in modes:
            unit = n * n * item
            row = f"{n:>6} {str(vectors):>8}"
            for warm in (False, True):
                ek = measure(n, dtype, "eigkit", vectors, warm, repeat, touch_blas)
                lp = measure(n, dtype, "lapack-evd", vectors, warm, repeat, touch_blas)
                row += (f" {ek / 2**20:8.2f} ({ek / unit:5.3f}) {lp / 2**20:8.2f} ({lp / unit:5.3f})"
                        f" {ek / lp:7.3f}")
            print(row, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
