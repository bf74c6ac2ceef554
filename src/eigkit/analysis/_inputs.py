"""Input conversion shared by the analysis functions: arrays from any
framework, random generators as SciPy accepts them, operators."""
import numbers

import numpy as np
from scipy.sparse.linalg import aslinearoperator


def as_numpy(x):
    """An ndarray view of ``x``; tensors of frameworks that keep gradients
    or live on a device (PyTorch, JAX) are detached and moved to the host
    first, without importing the framework."""
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "cpu") and not isinstance(x, np.ndarray):
        x = x.cpu()
    return np.asarray(x)


def as_float_matrix(x, name):
    """``x`` as a finite 2-D float64 (or complex128) array.  It may be ``x``
    itself (no copy when the dtype already fits): callers must not write
    to it."""
    arr = as_numpy(x)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got an array of shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    dtype = np.complex128 if np.iscomplexobj(arr) else np.float64
    arr = np.asarray(arr, dtype=dtype)
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} must not contain infs or NaNs")
    return arr


def as_generator(rng):
    """A :class:`numpy.random.Generator` from None, an int seed, a
    Generator or a legacy RandomState, as SciPy's ``rng`` arguments."""
    if rng is None or isinstance(rng, (numbers.Integral, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(0, 2**31 - 1))
    raise ValueError(f"{rng!r} is neither a NumPy Generator nor an integer seed to "
                     "instantiate one")


def as_square_operator(A, name="A"):
    """A :class:`scipy.sparse.linalg.LinearOperator` for a square matrix,
    sparse matrix or operator."""
    if isinstance(A, np.ndarray) or not hasattr(A, "shape"):
        A = as_numpy(A)
    op = aslinearoperator(A)
    if len(op.shape) != 2 or op.shape[0] != op.shape[1]:
        raise ValueError(f"{name} must be square, got shape {op.shape}")
    if op.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    return op


def positive_int(value, name, minimum=1):
    """``value`` as an int >= minimum, else the ValueError SciPy would raise."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
