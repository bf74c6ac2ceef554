"""Loss Hessian of a small trained PyTorch network: eigkit.analysis (through
eigkit.analysis.torch.hessian_operator) against pyhessian, same network,
batch and seed, both against the exact Hessian (formed from n products).

    python benchmarks/bench_hessian_torch.py

Reports the top-5 eigenvalues with the Hessian-vector products each
method used (pyhessian at its default tol=1e-3, at tol=3e-5, the loosest
with a relative error below 1e-4 here, and at tol=1e-6), the
Hutchinson trace with its standard error, and the SLQ density against
the exact eigenvalues.  Needs torch and pyhessian.
"""
import time

import numpy as np
import torch

from eigkit.analysis import hessian_eigsh, hutchinson_trace, spectral_density
from eigkit.analysis.torch import hessian_operator


def trained_network(seed=0, n=512, steps=300):
    torch.manual_seed(seed)
    centres = torch.randn(3, 10)
    labels = torch.randint(0, 3, (n,))
    inputs = centres[labels] + torch.randn(n, 10)
    model = torch.nn.Sequential(torch.nn.Linear(10, 32), torch.nn.Tanh(),
                                torch.nn.Linear(32, 32), torch.nn.Tanh(),
                                torch.nn.Linear(32, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), labels).backward()
        optimizer.step()
    return model, (inputs, labels)


def pyhessian_top5(model, batch, tol):
    import sys

    import pyhessian  # noqa: F401  (the package's module, not its class, is patched)
    ph = sys.modules["pyhessian.hessian"]

    count = {"n": 0}
    original = ph.hessian_vector_product

    def counted(*args):
        count["n"] += 1
        return original(*args)

    ph.hessian_vector_product = counted
    try:
        torch.manual_seed(0)
        engine = ph.hessian(model, torch.nn.functional.cross_entropy, data=batch, cuda=False)
        start = time.perf_counter()
        values, _ = engine.eigenvalues(top_n=5, tol=tol, maxIter=1000)
        elapsed = time.perf_counter() - start
        products, count["n"] = count["n"], 0
        torch.manual_seed(0)
        trace_samples = engine.trace(maxIter=200, tol=1e-3)
        trace_products = count["n"]
    finally:
        ph.hessian_vector_product = original
    return np.sort(values), products, elapsed, trace_samples, trace_products


def main():
    model, batch = trained_network()
    op = hessian_operator(model, torch.nn.functional.cross_entropy, batch)
    n = op.shape[0]
    exact = np.linalg.eigvalsh((lambda H: (H + H.T) / 2)(
        (op @ np.eye(n, dtype=op.dtype)).astype(np.float64)))
    top = exact[-5:]
    print(f"network: {n} parameters, batch {len(batch[1])}")
    print("exact top 5:        ", np.array2string(top, precision=6))

    for options in ({}, {"tol": 1e-5, "ncv": 12}):
        op.products.count = 0
        start = time.perf_counter()
        w = hessian_eigsh(op, k=5, return_eigenvectors=False, rng=0, **options)
        elapsed = time.perf_counter() - start
        print(f"eigkit top 5 {options or ''}: {np.array2string(w, precision=6)}  max rel err "
              f"{np.max(np.abs(w - top) / np.abs(top)):.1e}  {op.products.count} HVPs  "
              f"{elapsed:.2f} s")
    for tol in (1e-3, 3e-5, 1e-6):
        values, products, seconds, samples, trace_products = pyhessian_top5(model, batch, tol)
        print(f"pyhessian tol={tol:g}: {np.array2string(values, precision=6)}  max rel err "
              f"{np.max(np.abs(values - top) / np.abs(top)):.1e}  {products} HVPs  "
              f"{seconds:.2f} s")
    print(f"\nexact trace {exact.sum():.5f}")
    ph_mean = np.mean(samples)
    ph_error = np.std(samples, ddof=1) / np.sqrt(len(samples))
    print(f"pyhessian Hutchinson: {ph_mean:.5f} +- {ph_error:.5f} ({trace_products} HVPs)")
    op.products.count = 0
    estimate = hutchinson_trace(op, trace_products, rng=0)
    print(f"eigkit Hutchinson:    {estimate.trace:.5f} +- {estimate.std_error:.5f} "
          f"({op.products.count} HVPs)")
    op.products.count = 0
    density = spectral_density(op, n_probes=10, n_steps=80, rng=0)
    # The quadrature reproduces the moments tr(H^j) / n for j < 2 n_steps
    # in expectation over the probes: compare the first two with their
    # spread over the probes.
    moments = density.probe_moments(2)
    for power, exact_moment in ((1, exact.mean()), (2, np.mean(exact ** 2))):
        per_probe = moments[:, power]
        error = per_probe.std(ddof=1) / np.sqrt(per_probe.size)
        print(f"SLQ moment E[lambda^{power}]: {per_probe.mean():.4e} +- {error:.1e}, exact "
              f"{exact_moment:.4e} ({op.products.count} HVPs)")
    print("(pyhessian's density needs torch.eig, which PyTorch 2 removed)")

if __name__ == "__main__":
    main()
