"""Input checks and weighted centring shared by every linear estimator."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.utils.validation import _check_sample_weight, validate_data

__all__ = ["CenteredData", "center_data", "check_nonnegative", "validate_fit_data"]


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming ``name`` unless it is finite and >= 0."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}") from None
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be >= 0 and finite, got {value!r}")
    return v


SQUARES_OVERFLOW = (
    "X has entries so large that their squares overflow float64; rescale X (e.g. StandardScaler)"
)


def check_squares_representable(X: np.ndarray) -> None:
    """Raise ValueError when X (dense, float64) has entries whose squares overflow float64.

    Second-order methods form XᵀX or XᵀWX; beyond |x| = √max_float those are inf.
    """
    if X.size and float(np.max(np.abs(X))) > math.sqrt(np.finfo(np.float64).max):
        raise ValueError(SQUARES_OVERFLOW)


def validate_fit_data(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    *,
    accept_sparse: bool | str | list[str] = False,
    multi_output: bool = False,
    ensure_all_finite: bool = True,
) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """Validate ``X``, ``y`` and ``sample_weight`` for ``fit`` the scikit-learn way.

    Copies are made where the data will be modified, so the caller's arrays are never
    mutated. float64 and float32 are preserved (other dtypes become float64). NaN or
    inf in ``X`` or ``y``, mismatched lengths, zero samples and negative weights raise
    ``ValueError``. Sets ``n_features_in_`` (and ``feature_names_in_``) on the estimator.

    ``ensure_all_finite=False`` skips the finiteness pass over ``X`` (``y`` is always
    checked) for solvers that detect non-finite data more cheaply themselves, e.g. from
    the diagonal of XᵀX; they must then call ``sklearn.utils.assert_all_finite(X,
    input_name="X")`` to raise the same error.

    Returns
    -------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
    """
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=accept_sparse,
        dtype=[np.float64, np.float32],
        multi_output=multi_output,
        y_numeric=True,
        ensure_min_samples=1,
        ensure_all_finite=ensure_all_finite,
    )
    y = np.asarray(y, dtype=X.dtype)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        if not np.any(sample_weight > 0):
            raise ValueError("sample_weight must have at least one positive entry")
    return X, y, sample_weight


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
