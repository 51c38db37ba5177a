"""``ridge_path``: Ridge coefficients for many α from one eigendecomposition."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator

from ._ridge_quadratic import GramRidgeQuadratic, RowsRidgeQuadratic
from ._validation import check_nonnegative, prepare_ridge_data
from .stats_fit import gram_stats_input

__all__ = ["RidgePath", "check_alphas", "ridge_path"]


class RidgePath(NamedTuple):
    """Ridge solutions along a grid of α.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        In the order given.
    coefs : ndarray of shape (n_alphas, n_features) or (n_alphas, n_targets, n_features)
    intercepts : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray


def check_alphas(alphas: Any, name: str = "alphas") -> np.ndarray:
    """A 1-D float array of finite α >= 0, or ``ValueError`` naming ``name``."""
    arr = np.atleast_1d(np.asarray(alphas, dtype=object)).ravel()
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one value")
    return np.array([check_nonnegative(a, f"each of {name}") for a in arr], dtype=float)


def ridge_path(
    X: Any, y: Any = None, alphas: Any = None, *, fit_intercept: bool = True, sample_weight: Any = None
) -> RidgePath:
    """Ridge solutions of Σᵢ sᵢ(yᵢ − xᵢᵀw − b)² + α‖w‖² for every α in ``alphas``.

    One eigendecomposition of the centred Gram matrix XᵀX (n >= p) or kernel XXᵀ
    (p > n) is made; each α then costs O(p·r) with r = rank. The objective, ``alpha``
    and the unpenalized intercept are exactly :class:`Ridge`'s; α = 0 gives the
    minimum-norm least-squares solution.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features), GramStats or Dask array
        With a :class:`GramStats`, omit ``y`` and ``sample_weight``: ``ridge_path(stats, alphas=a)``.
    y : array_like of shape (n_samples,) or (n_samples, n_targets)
    alphas : array_like of float
        Penalties α >= 0, in any order (required).
    fit_intercept : bool, default True
    sample_weight : array_like of shape (n_samples,), optional

    Returns
    -------
    RidgePath
        ``(alphas, coefs, intercepts)``; intercepts are 0 when ``fit_intercept=False``.
    """
    alphas = check_alphas(alphas)
    if (stats := gram_stats_input(X, y, sample_weight)) is not None:
        spectrum = GramRidgeQuadratic(stats, fit_intercept).spectrum()
        k, y_ndim, dtype = stats.n_targets or 1, 1 if stats.n_targets is None else 2, np.dtype(np.float64)
    else:
        data = prepare_ridge_data(BaseEstimator(), X, y, sample_weight, ensure_all_finite=False)
        spectrum = RowsRidgeQuadratic(data.X, data.Y, data.sample_weight, fit_intercept).spectrum()
        k, y_ndim, dtype = data.Y.shape[1], data.y_ndim, data.dtype
    coefs = spectrum.coefs(alphas)
    intercepts = spectrum.intercepts(alphas) if fit_intercept else np.zeros((alphas.size, k))
    if y_ndim == 1:
        coefs, intercepts = coefs[:, 0], intercepts[:, 0]
    return RidgePath(alphas, coefs.astype(dtype, copy=False), intercepts.astype(dtype, copy=False))
