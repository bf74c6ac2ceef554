"""Scale-and-unscale for operators whose results lie near the overflow or
underflow threshold.

The dense kernels scale the matrix into a safe range before they start
(LAPACK's xSYEV: ||A|| outside [sqrt(smlnum), sqrt(bignum)] is scaled).  An
operator has no entries to look at, so :class:`PowerOfTwoScaling` decides
from its first result instead and multiplies that and every later result by
the same power of two.  Powers of two are exact, so a problem in the safe
range is left bit for bit unchanged and a scaled one loses nothing but the
underflowed digits it had already lost.
"""
import numpy as np

__all__ = ["PowerOfTwoScaling"]


class PowerOfTwoScaling:
    """Multiply results by a power of two fixed at the first call.

    Parameters
    ----------
    dtype : dtype
        Precision of the results (real or complex; integer dtypes count
        as double, half as single precision).
    root : int, optional
        1 when results enter sums of squares once (an operator for
        Lanczos); 2 when they are multiplied once more before that (the two
        factors of a Gram operator X^H X): the safe range is then the square
        root of xSYEV's.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit._linalg.scaling import PowerOfTwoScaling
    >>> scaling = PowerOfTwoScaling(np.float64)
    >>> y = scaling(np.array([3e300, -1e300]))
    >>> bool(0.5 <= np.abs(y).max() < 1)
    True
    >>> scaling.unscale(y)
    array([ 3.e+300, -1.e+300])
    """

    def __init__(self, dtype, root=1):
        # Integer and half-precision operators compute in at least single.
        info = np.finfo(np.result_type(np.empty(0, dtype).real.dtype, np.float32))
        smlnum = float(info.tiny) / float(info.eps)
        self._low = smlnum ** (0.5 / root)
        self._high = (1 / smlnum) ** (0.5 / root)
        # The factor must itself be a normal number of the working precision.
        self._max_exponent = int(info.maxexp) - 3
        self.factor = None

    def __call__(self, y):
        """``y`` times the factor (fixed from ``y`` on the first call)."""
        if self.factor is None:
            self.factor = self._factor_for(y)
        return y if self.factor == 1.0 else y * self.factor

    def wrap(self, apply):
        """``apply`` with every result scaled; a tuple result (OP X, B OP X)
        has each member scaled by the same factor."""
        def scaled(x):
            out = apply(x)
            if isinstance(out, tuple):
                return tuple(self(y) for y in out)
            return self(out)
        return scaled

    def _factor_for(self, y):
        y = np.asarray(y)
        if y.size == 0 or y.dtype.kind not in "biufc":
            return 1.0
        # a float array's extremes need no |y| copy (NaN propagates either way)
        amax = float(np.maximum(y.max(), -y.min()) if y.dtype.kind == "f"
                     else np.max(np.abs(y)))
        if not np.isfinite(amax) or amax == 0 or self._low <= amax <= self._high:
            return 1.0
        exponent = int(np.frexp(amax)[1])
        return 2.0 ** int(np.clip(-exponent, -self._max_exponent, self._max_exponent))

    def in_safe_range(self, low, high):
        """Whether results whose largest entries lie in [low, high] need no
        scaling (False for NaN bounds)."""
        return self._low <= low and high <= self._high

    def unscale(self, x):
        """Values of the unscaled operator from those of the scaled one."""
        if self.factor is None or self.factor == 1.0:
            return x
        return x / self.factor
