"""Centred data without a centred copy: the implicit operator X - 1 m^T and
the Gram matrices of the centred data.

PCA needs the singular pairs of Xc = X - 1 m^T (m the column means).  A
centred copy of a 20000 x 2000 matrix costs 320 MB and a pass over memory;
the operator below applies Xc to blocks of vectors with the correction
term only (X W - 1 (m^T W)), and the Gram matrices are accumulated from
small centred slices, which keeps the accuracy of centring first (no
cancellation in X^T X - n m m^T when the mean is large) at the memory
cost of one slice.
"""
import numpy as np
from scipy.linalg.blas import get_blas_funcs
from scipy.sparse import issparse

from .. import _tuning
from .._kernels.ml import COVARIANCE_MAX_BLOCK
from .._kernels.ml import centered_gram as gram_kernel
from .._kernels.ml import covariance_product as covariance_kernel
from .._threads import kernel_threads


class CenteredData:
    """Xc = X - 1 m^T applied to blocks, for dense or sparse X.

    ``mean`` None means no centring (TruncatedSVD).  ``transposed`` views
    Xc^T instead, so that the solvers can always work on the side they
    prefer.
    """

    def __init__(self, X, mean=None, transposed=False):
        self.X = X
        self.mean = mean
        self.transposed = transposed
        n, p = X.shape
        self.shape = (p, n) if transposed else (n, p)
        self.dtype = X.dtype

    @property
    def T(self):
        return CenteredData(self.X, self.mean, not self.transposed)

    def _apply(self, W):
        """Xc W, W of shape (p, l)."""
        out = np.asarray(self.X @ W)
        if self.mean is not None:
            out -= self.mean @ W
        return out

    def _apply_transpose(self, Z):
        """Xc^T Z, Z of shape (n, l)."""
        out = np.asarray(self.X.T @ Z)
        if self.mean is not None:
            out -= np.outer(self.mean, Z.sum(axis=0))
        return out

    def matmat(self, W):
        return self._apply_transpose(W) if self.transposed else self._apply(W)

    def rmatmat(self, Z):
        return self._apply(Z) if self.transposed else self._apply_transpose(Z)


def covariance_product(X, mean, W, side="features"):
    """Xc^T (Xc W) (side 'features') or Xc (Xc^T W) ('samples') for dense X.

    C-ordered float32 / float64 X (with mean and W of its dtype) goes to the
    compiled kernel (csrc/ml/covariance_operator.h): one pass over X on the
    features side, two on the samples side, centring every entry as it is
    read, eigkit's threads.  Other layouts and dtypes take the sliced numpy
    path below.
    """
    if _kernel_applies(X, mean, W):
        return _kernel_product(X, mean, W, side)
    return _sliced_covariance_product(X, mean, W, side)


def _kernel_applies(X, mean, W):
    return (isinstance(X, np.ndarray) and X.dtype in (np.float32, np.float64)
            and X.flags.c_contiguous and mean.dtype == X.dtype and W.dtype == X.dtype
            and W.ndim == 2 and X.size > 0 and W.shape[1] > 0)


def _kernel_product(X, mean, W, side):
    mean = np.ascontiguousarray(mean)
    samples = side != "features"
    threads = kernel_threads()
    step = COVARIANCE_MAX_BLOCK
    blocks = [covariance_kernel(X, mean, np.asfortranarray(W[:, j:j + step]), samples, threads)
              for j in range(0, W.shape[1], step)]
    return blocks[0] if len(blocks) == 1 else np.hstack(blocks)


def _sliced_covariance_product(X, mean, W, side="features"):
    """covariance_product in one pass over X from numpy: slice by slice,
    so that each slice is still in cache for its second product.  Centring
    is exact within each slice: Y = X_s W - 1 (m^T W), then
    X_s^T Y - m (1^T Y)."""
    n, p = X.shape
    if side == "features":
        shift = mean @ W
        out = np.zeros((p, W.shape[1]), dtype=np.result_type(X.dtype, W.dtype))
        for rows in _slices(n, p, _tuning.value("centering_cached_slice_elements")):
            y = X[rows] @ W
            y -= shift
            out += X[rows].T @ y
            out -= np.outer(mean, y.sum(axis=0))
        return out
    # Xc (Xc^T W) = sum over column slices J of Xc[:, J] (Xc[:, J]^T W)
    out = np.zeros((n, W.shape[1]), dtype=np.result_type(X.dtype, W.dtype))
    colsum = W.sum(axis=0)
    for cols in _slices(p, n, _tuning.value("centering_cached_slice_elements")):
        xj = X[:, cols]
        z = xj.T @ W - np.outer(mean[cols], colsum)
        out += xj @ z
        out -= mean[cols] @ z
    return out


def _slices(length, width, elements=None):
    """Slices of ``length`` rows of ``width`` elements each, about
    ``elements`` (None: the tunable ``centering_slice_elements``) per slice."""
    step = max(16, (elements or _tuning.value("centering_slice_elements")) // max(width, 1))
    return [slice(start, min(start + step, length)) for start in range(0, length, step)]


def centered_gram(X, mean, side):
    """The Gram matrix of Xc = X - 1 m^T, lower triangle filled, and m.

    side 'features': Xc^T Xc (p x p); side 'samples': Xc Xc^T (n x n).
    ``mean`` None: the column means are computed, for dense X on the
    features side in the same pass over X as the Gram matrix (see
    csrc/ml/gram.h).  Dense X is centred slab by slab in cache, so the
    accuracy is that of centring first; sparse X uses its sparse product
    and the rank-one correction (a centred copy would be dense).
    """
    if issparse(X):
        mean = column_means(X) if mean is None else mean
        return _sparse_centered_gram(X, mean, side), mean
    if side == "features":
        return _dense_feature_gram(X, mean)
    mean = column_means(X) if mean is None else mean
    return _dense_sample_gram(X, mean), mean


def column_means(X):
    """The column means of X (dense or sparse) in X's dtype, as a vector."""
    return np.asarray(X.mean(axis=0), dtype=X.dtype).reshape(-1)


def _dense_feature_gram(X, mean):
    X = np.asarray(X)
    have_mean = mean is not None
    mean = (np.array(mean, dtype=X.dtype) if have_mean
            else np.zeros(X.shape[1], dtype=X.dtype))
    gram = gram_kernel(X, mean, have_mean, kernel_threads(),
                       _tuning.value("pca_gram_tiled_max_features"))
    return gram, mean


def _dense_sample_gram(X, mean):
    n, p = X.shape
    syrk = get_blas_funcs("syrk", (X,))
    gram = None
    slices = _slices(p, n)
    # one buffer for every centred slice: a fresh 32 MB array per slice
    # would be fresh pages, and page faults cost as much as the copy
    buffer = np.empty((n, slices[0].stop - slices[0].start), dtype=X.dtype, order="F")
    for cols in slices:
        block = buffer[:, :cols.stop - cols.start]
        np.subtract(X[:, cols], mean[cols], out=block)
        gram = syrk(1.0, block, beta=0.0 if gram is None else 1.0, c=gram, trans=0,
                    lower=1, overwrite_c=1)
    return gram


def _sparse_centered_gram(X, mean, side):
    n, p = X.shape
    if side == "features":
        gram = np.asarray((X.T @ X).toarray())
        gram -= n * np.outer(mean, mean)
        return gram
    xm = np.asarray(X @ mean).ravel()
    gram = np.asarray((X @ X.T).toarray())
    gram -= xm[:, None]
    gram -= xm[None, :]
    gram += mean @ mean
    return gram


def centered_total_variance(X, mean, ddof=1):
    """sum_j var(X[:, j]) with ``ddof``, centring slice by slice."""
    n, p = X.shape
    if issparse(X):
        from sklearn.utils.sparsefuncs import mean_variance_axis
        _, var = mean_variance_axis(X, axis=0)
        return float(var.sum()) * n / (n - ddof)
    slices = _slices(n, p, _tuning.value("centering_cached_slice_elements"))
    # one buffer in cache for every centred slice: a fresh array per slice
    # costs page faults (5000 x 5000: 45 ms against 30 ms)
    buffer = np.empty((slices[0].stop - slices[0].start, p), dtype=X.dtype)
    total = 0.0
    for rows in slices:
        block = buffer[:rows.stop - rows.start]
        np.subtract(X[rows], mean, out=block)
        total += float(np.einsum("ij,ij->", block, block))
    return total / (n - ddof)
