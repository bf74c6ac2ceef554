"""Optional dependencies: a clear message when one is missing."""
import importlib

SKLEARN_HINT = 'scikit-learn is required for this estimator: pip install "eigkit[sklearn]"'


def require_sklearn():
    """Import scikit-learn, or raise ImportError saying how to install it."""
    try:
        return importlib.import_module("sklearn")
    except ImportError as exc:
        raise ImportError(SKLEARN_HINT) from exc
