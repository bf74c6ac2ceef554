"""eigkit: fast symmetric eigensolvers for Python."""
from .dense import eigh, eigh_tridiagonal, eigvalsh, eigvalsh_tridiagonal

__all__ = ["eigh", "eigvalsh", "eigh_tridiagonal", "eigvalsh_tridiagonal"]
__version__ = "0.1.0"
