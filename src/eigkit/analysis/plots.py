"""Optional matplotlib figures of the analysis results; matplotlib is
imported only when a plot is drawn (``pip install eigkit[plot]``)."""
import numpy as np

__all__ = ["plot_esd", "plot_spectral_density", "plot_explained_variance"]


def _axes(ax):
    """``ax`` or a new figure's axes; ImportError naming the extra if
    matplotlib is missing."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("eigkit.analysis plots require matplotlib: "
                          "pip install 'eigkit[plot]'") from exc
    return plt.figure().add_subplot()


def plot_esd(spectrum, *, ax=None, bins=60):
    """Log-log histogram of a :class:`WeightSpectrum`'s eigenvalues with
    the fitted power law over [xmin, max] and the Marchenko-Pastur edge.

    Parameters
    ----------
    spectrum : WeightSpectrum
    ax : matplotlib Axes, optional
        Drawn into; a new figure by default.
    bins : int, optional
        Number of logarithmically spaced bins.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import weight_spectrum, plot_esd
    >>> ax = plot_esd(weight_spectrum(np.random.default_rng(0).standard_normal((300, 100))))
    """
    ax = _axes(ax)
    lam = spectrum.eigenvalues[spectrum.eigenvalues > 0]
    edges = np.geomspace(lam.min(), lam.max(), bins + 1) if lam.min() < lam.max() \
        else np.array([lam.min() * 0.9, lam.max() * 1.1])
    ax.hist(lam, bins=edges, density=True, alpha=0.6, label="ESD")
    if np.isfinite(spectrum.alpha):
        x = np.geomspace(spectrum.xmin, lam.max(), 100)
        # The fitted density, scaled by the fraction of eigenvalues in the tail.
        tail_mass = spectrum.n_tail / lam.size
        pdf = tail_mass * (spectrum.alpha - 1) / spectrum.xmin \
            * (x / spectrum.xmin) ** (-spectrum.alpha)
        ax.plot(x, pdf, "r-", label=f"power law, alpha = {spectrum.alpha:.2f}")
    ax.axvline(spectrum.mp_edge, color="k", ls="--",
               label=f"MP edge ({spectrum.n_spikes} spikes)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("eigenvalue of W^T W")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def plot_spectral_density(density, *, ax=None):
    """The broadened density of states of a :class:`SpectralDensity`, with
    the quadrature nodes as ticks.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import spectral_density, plot_spectral_density
    >>> ax = plot_spectral_density(spectral_density(np.diag(np.arange(100.0)), rng=0))
    """
    ax = _axes(ax)
    ax.plot(density.grid, density.density, label=f"SLQ, sigma = {density.sigma:.3g}")
    points, _ = density.measure()
    ax.plot(points, np.zeros_like(points), "|", color="gray", alpha=0.5, label="nodes")
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def plot_explained_variance(spectrum, *, ax=None, cumulative=True):
    """Explained variance ratio of a :class:`RepresentationSpectrum` per
    component (log scale) and, optionally, its cumulative sum with the
    90% / 99% effective dimensions.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import representation_spectrum, plot_explained_variance
    >>> X = np.random.default_rng(0).standard_normal((500, 20))
    >>> ax = plot_explained_variance(representation_spectrum(X))
    """
    ax = _axes(ax)
    ratio = spectrum.explained_variance_ratio
    index = np.arange(1, ratio.size + 1)
    ax.semilogy(index, np.where(ratio > 0, ratio, np.nan), ".-", label="per component")
    ax.set_xlabel("component")
    ax.set_ylabel("explained variance ratio")
    if cumulative:
        twin = ax.twinx()
        twin.plot(index, np.cumsum(ratio), "g-", label="cumulative")
        for dim, frac in ((spectrum.effective_dim_90, 0.9), (spectrum.effective_dim_99, 0.99)):
            twin.axvline(dim, color="gray", ls=":")
            twin.annotate(f" {frac:.0%}: {dim}", (dim, frac - 0.08), fontsize=8)
        twin.set_ylabel("cumulative")
        twin.set_ylim(0, 1.02)
    return ax
