"""Explicit weighted centring of dense data (the logistic regression's intercept handling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse

__all__ = ["CenteredData", "center_data"]


@dataclass(frozen=True)
class CenteredData:
    """Data centred by (weighted) column means, for fitting an unpenalized intercept.

    Attributes
    ----------
    X, y : arrays
        Centred copies (dense) or, for sparse ``X``, the original ``X`` with the offsets
        kept separately (sparse matrices are never densified by centring).
    X_offset, y_offset : ndarray
        Weighted means removed (zeros when ``fit_intercept`` is False).
    sample_weight : ndarray or None
        The weights the means were taken with.
    """

    X: Any
    y: np.ndarray
    X_offset: np.ndarray
    y_offset: np.ndarray | float
    sample_weight: np.ndarray | None

    def intercept(self, coef: np.ndarray) -> np.ndarray | float:
        """The intercept b = ȳ − x̄ᵀw that goes with centred coefficients ``coef``."""
        coef = np.asarray(coef)
        return self.y_offset - (coef @ self.X_offset if coef.ndim == 1 else coef @ self.X_offset)


def center_data(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, *, order: str = "K"
) -> CenteredData:
    """Subtract the (weighted) means of ``X``'s columns and of ``y`` when ``fit_intercept``.

    ``order`` is the memory layout of the centred dense copy ("F" for column-wise solvers).
    With weights s, the means are x̄ = Σ sᵢ xᵢ / Σ sᵢ and ȳ = Σ sᵢ yᵢ / Σ sᵢ; minimizing a
    weighted least-squares objective over (w, b) is then the same as minimizing it over w
    on centred data, with b = ȳ − x̄ᵀw. Inputs are not modified.
    """
    p = X.shape[1]
    if not fit_intercept:
        y_offset = np.zeros(y.shape[1:], dtype=X.dtype) if y.ndim > 1 else 0.0
        return CenteredData(X, y, np.zeros(p, dtype=X.dtype), y_offset, sample_weight)
    weights = None if sample_weight is None else sample_weight / sample_weight.sum()
    if sparse.issparse(X):
        X_offset = np.asarray(X.mean(axis=0) if weights is None else X.T @ weights).ravel()
        Xc = X
    else:
        X_offset = X.mean(axis=0) if weights is None else weights @ X
        Xc = np.subtract(X, X_offset, order=order)
    y_offset = y.mean(axis=0) if weights is None else weights @ y
    return CenteredData(Xc, y - y_offset, X_offset.astype(X.dtype, copy=False), y_offset, sample_weight)
