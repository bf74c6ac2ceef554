"""eigkit: fast symmetric eigensolvers for Python."""
from .dense import eigh, eigh_tridiagonal, eigvalsh, eigvalsh_tridiagonal
from .sparse import ArpackNoConvergence, LanczosInfo, LanczosNoConvergence, eigsh, svds

__all__ = ["eigh", "eigvalsh", "eigh_tridiagonal", "eigvalsh_tridiagonal", "eigsh", "svds",
           "ArpackNoConvergence", "LanczosNoConvergence", "LanczosInfo"]
__version__ = "0.1.0"
