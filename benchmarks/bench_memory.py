"""Peak memory of eigkit.eigh against LAPACK's divide and conquer
(scipy.linalg.eigh(driver='evd'), xSYEVD / xHEEVD) for the same matrix.

Usage: PYTHONPATH=src python3 benchmarks/bench_memory.py [n ...] [--complex | --float32]

Each measurement runs in a fresh process: it builds the matrix, resets the
kernel's peak-RSS counter (VmHWM, via /proc/self/clear_refs), makes one
call and reports VmHWM minus the resident size before the call -- the
extra memory at the peak, C allocations (LAPACK workspace, eigkit's
kernels) included, which tracemalloc would not see.  Both libraries copy
the input (overwrite_a=False) and return eigenvalues and eigenvectors, so
the floor is two n x n matrices (input copy + eigenvectors).  LAPACK's
xSYEVD adds 2 n^2 reals of workspace (xHEEVD: n^2 complex and 2 n^2 real);
eigkit about 3/4 n^2 reals (csrc/symmetric_eigen.c says where they go).
"""
import json
import subprocess
import sys

CHILD = r"""
import json, sys
import numpy as np
n, dtype, who, vectors = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
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
solve = {"eigkit": lambda: eigkit.eigh(a, eigvals_only=not vectors),
         "lapack-evd": lambda: sl.eigh(a, driver="evd", eigvals_only=not vectors)}[who]
small = a[:64, :64].copy()
eigkit.eigh(small); sl.eigh(small, driver="evd")      # load and warm both libraries
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")                                      # VmHWM := VmRSS
before = status("VmRSS")
result = solve()
peak = status("VmHWM")
print(json.dumps({"extra": peak - before}))
"""


def measure(n, dtype, who, vectors):
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), dtype, who, str(int(vectors))],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["extra"]


def main(argv):
    dtype = "complex128" if "--complex" in argv else "float32" if "--float32" in argv else "float64"
    sizes = [int(x) for x in argv if x.isdigit()] or [1000, 2000, 4000]
    item = {"complex128": 16, "float64": 8, "float32": 4}[dtype]
    print(f"peak extra memory, {dtype}; MiB and in units of n^2 elements")
    print(f"{'n':>6} {'vectors':>8} {'eigkit':>16} {'LAPACK syevd':>16} {'ratio':>7}")
    for n in sizes:
        for vectors in (True, False):
            ek = measure(n, dtype, "eigkit", vectors)
            lp = measure(n, dtype, "lapack-evd", vectors)
            unit = n * n * item
            print(f"{n:>6} {str(vectors):>8} {ek / 2**20:8.1f} ({ek / unit:4.2f})"
                  f" {lp / 2**20:8.1f} ({lp / unit:4.2f}) {ek / lp:7.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
