"""eigkit: fast symmetric eigensolvers for Python."""
import importlib

from .config import show_config
from .dense import eigh, eigh_tridiagonal, eigvalsh, eigvalsh_tridiagonal
from .lobpcg import LobpcgNoConvergence, lobpcg
from .patch import patch_scipy, patched_names, unpatch_scipy
from .sparse import (ArpackNoConvergence, LanczosInfo, LanczosNoConvergence, OperatorError,
                     eigsh, svds)
from . import _threads
from ._threads import get_num_threads, num_threads, set_num_threads

# The scikit-learn estimators are loaded on first use, so that `import eigkit`
# works without scikit-learn (an optional extra).
_ESTIMATORS = {
    "PCA": "decomposition",
    "TruncatedSVD": "decomposition",
    "spectral_embedding": "cluster",
    "SpectralEmbedding": "cluster",
    "SpectralClustering": "cluster",
}

__all__ = ["eigh", "eigvalsh", "eigh_tridiagonal", "eigvalsh_tridiagonal", "eigsh", "svds",
           "lobpcg", "ArpackNoConvergence", "LanczosNoConvergence", "LanczosInfo",
           "LobpcgNoConvergence", "OperatorError",
           "get_num_threads", "set_num_threads", "num_threads",
           "patch_scipy", "unpatch_scipy", "patched_names", "show_config", *_ESTIMATORS]
__version__ = "0.1.0"

# threadpoolctl (when installed) lists and limits eigkit's kernel threads.
_threads.register_threadpoolctl()


def __getattr__(name):
    if name in _ESTIMATORS:
        module = importlib.import_module(f".{_ESTIMATORS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_ESTIMATORS))
