"""Passes over a tall dense X in row blocks, in X's own dtype.

X may be an ndarray or an ``np.memmap`` larger than memory: each pass
reads one block of rows at a time into a buffer, centres it there, and
multiplies in X's dtype (float32 GEMMs for float32 embeddings).  What
crosses blocks is accumulated in float64, so the rounding of a float32
pass is that of one block, not of n rows.  The extra memory is one block
of X and one block of products, never a copy of X.
"""
import numpy as np

from .. import _tuning

__all__ = ["RowPasses"]


class RowPasses:
    """Statistics of X and products with its centred covariance, each a
    pass over X in row blocks.

    Parameters
    ----------
    X : ndarray or memmap, shape (n, d), float32 or float64
    progress : bool or None
        Show a tqdm bar over the rows of each pass (None: when X holds at
        least ``pca_progress_min_bytes`` and tqdm is installed).
    """

    def __init__(self, X, progress=None):
        self.X = X
        self.n, self.d = X.shape
        rows = _tuning.value("row_pass_block_elements") // max(self.d, 1)
        self.rows = int(min(max(rows, 64), self.n))
        self.mean = None
        self.n_passes = 0
        self._bar = _progress_bar(X, progress)
        self._buffer = np.empty((self.rows, self.d), dtype=X.dtype)

    def _blocks(self):
        """(start, centred or raw block) for every row block of one pass."""
        self.n_passes += 1
        for start in range(0, self.n, self.rows):
            block = self._buffer[:min(self.rows, self.n - start)]
            block[...] = self.X[start:start + block.shape[0]]
            if self.mean is not None:
                block -= self.mean
            if self._bar is not None:
                self._bar.update(block.shape[0])
            yield start, block

    def statistics(self):
        """Column means (X's dtype) and the total variance (ddof 1), in one
        pass: per-block means and centred sums of squares merged exactly
        (Chan, Golub & LeVeque 1983), no cancellation for large means."""
        mean = np.zeros(self.d)
        squares = 0.0
        count = 0
        for _, block in self._blocks():
            size = block.shape[0]
            block_mean = block.mean(axis=0, dtype=np.float64)
            block -= block_mean.astype(block.dtype)     # the buffer is a copy of X
            block_squares = float(np.einsum("ij,ij->", block, block, dtype=np.float64))
            delta = block_mean - mean
            total = count + size
            squares += block_squares + float(delta @ delta) * count * size / total
            mean += delta * (size / total)
            count = total
        self.mean = mean.astype(self.X.dtype)
        return self.mean, squares / (self.n - 1)

    def covariance_product(self, V):
        """Xc^T (Xc V) in float64 for V (d x b), one pass; the products of
        each block in X's dtype."""
        W = np.asarray(V, dtype=self.X.dtype)
        out = np.zeros((self.d, W.shape[1]))
        y = np.empty((self.rows, W.shape[1]), dtype=self.X.dtype)
        part = np.empty((self.d, W.shape[1]), dtype=self.X.dtype)
        for _, block in self._blocks():
            rows = y[:block.shape[0]]
            np.matmul(block, W, out=rows)
            np.matmul(block.T, rows, out=part)
            out += part
        return out

    def close(self):
        if self._bar is not None:
            self._bar.close()


def _progress_bar(X, progress):
    if progress is None:
        progress = X.nbytes >= _tuning.value("pca_progress_min_bytes")
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=None, unit="rows", unit_scale=True, desc="PCA passes over X",
                leave=False)
