"""Spectral analysis of models on plain arrays and matrix-free operators.

- :func:`weight_spectrum`, :func:`weight_spectra`: empirical spectral
  density of weight matrices and its metrics (norms, stable and effective
  rank, entropy, power-law alpha, Marchenko-Pastur spikes).
- :func:`hessian_eigsh`, :func:`hessian_operator`: extreme Hessian
  eigenpairs from Hessian-vector products.
- :func:`hutchinson_trace`: Hutchinson and Hutch++ trace estimates.
- :func:`spectral_density`: density of states by stochastic Lanczos
  quadrature.
- :func:`representation_spectrum`: PCA spectrum, effective dimension,
  anisotropy and all-but-the-top of embeddings.
- :func:`plot_esd`, :func:`plot_spectral_density`,
  :func:`plot_explained_variance`: figures (need ``eigkit[plot]``).

No framework is imported: tensors are converted with ``detach`` / ``cpu``
/ ``__array__`` when they have them.
"""
from .density import SpectralDensity, spectral_density
from .hessian import hessian_eigsh, hessian_operator
from .plots import plot_esd, plot_explained_variance, plot_spectral_density
from .power_law import PowerLawFit, fit_power_law
from .representation import RepresentationSpectrum, representation_spectrum
from .table import Table
from .trace import TraceEstimate, hutchinson_trace
from .weight_spectrum import WeightSpectrum, weight_spectra, weight_spectrum

__all__ = ["weight_spectrum", "weight_spectra", "WeightSpectrum", "fit_power_law",
           "PowerLawFit", "Table", "hessian_eigsh", "hessian_operator", "hutchinson_trace",
           "TraceEstimate", "spectral_density", "SpectralDensity", "representation_spectrum",
           "RepresentationSpectrum", "plot_esd", "plot_spectral_density",
           "plot_explained_variance"]
