"""scikit-learn's deterministic signs for singular and eigenvectors.

A vector and its negative are equally valid; scikit-learn picks the one
whose entry of largest magnitude is positive (the first such entry on a
tie, a zero vector left as it is), so that fits agree whatever the solver.
"""
import numpy as np

__all__ = ["flip_signs"]


def flip_signs(vectors, *, axis=1, in_place=False):
    """``vectors`` with each one's largest-magnitude entry positive.

    Parameters
    ----------
    vectors : ndarray of shape (m, n)
    axis : {1, 0}, default=1
        1: the vectors are the rows, as scikit-learn's
        ``svd_flip(u, v, u_based_decision=False)`` orients the components
        ``v``; 0: they are the columns, as the eigenvectors spectral
        embedding orients (scikit-learn's ``_deterministic_vector_sign_flip``
        on the transposed embedding).
    in_place : bool, default=False
        Flip ``vectors`` itself and return it, instead of a flipped copy.

    Returns
    -------
    ndarray of shape (m, n)
    """
    if vectors.size == 0:
        return vectors if in_place else vectors.copy()
    pivots = np.expand_dims(np.argmax(np.abs(vectors), axis=axis), axis)
    signs = np.sign(np.take_along_axis(vectors, pivots, axis=axis))
    signs[signs == 0] = 1
    if in_place:
        vectors *= signs
        return vectors
    return vectors * signs
