"""eigkit: fast symmetric eigensolvers for Python."""
from .config import show_config
from .dense import eigh, eigh_tridiagonal, eigvalsh, eigvalsh_tridiagonal
from .patch import patch_scipy, patched_names, unpatch_scipy
from .sparse import ArpackNoConvergence, LanczosInfo, LanczosNoConvergence, eigsh, svds

__all__ = ["eigh", "eigvalsh", "eigh_tridiagonal", "eigvalsh_tridiagonal", "eigsh", "svds",
           "ArpackNoConvergence", "LanczosNoConvergence", "LanczosInfo",
           "patch_scipy", "unpatch_scipy", "patched_names", "show_config"]
__version__ = "0.1.0"
