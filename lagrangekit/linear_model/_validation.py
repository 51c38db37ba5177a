"""Input checks shared by every linear estimator: parameters, and fit data the scikit-learn way."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from numba import njit
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import _check_sample_weight, check_X_y, validate_data

__all__ = [
    "SQUARES_OVERFLOW",
    "RidgeData",
    "check_choice",
    "check_l1_ratio",
    "check_nonnegative",
    "check_post_fit_data",
    "check_positive_int",
    "check_finite_squares",
    "check_grid_eps",
    "prepare_ridge_data",
    "rescale_weights",
    "validate_fit_data",
]


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming ``name`` unless it is a finite
    number >= 0 (text such as ``"1"`` is refused, as scikit-learn refuses it)."""
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a non-negative number, got the text {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}") from None
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be >= 0 and finite, got {value!r}")
    return v


def check_grid_eps(value: Any) -> float:
    """``eps`` of an automatic α grid (α_max down to eps·α_max) as a float; ValueError unless > 0."""
    v = check_nonnegative(value, "eps")
    if v == 0.0:
        raise ValueError("eps must be > 0 (the grid runs from alpha_max down to eps·alpha_max), got 0")
    return v


SQUARES_OVERFLOW = (
    "X has entries so large that their squares overflow float64; rescale X (e.g. StandardScaler)"
)


@njit(cache=True)
def _largest_magnitude(values):  # pragma: no cover - compiled
    """max |v| over a 1-d array (0 when empty); NaN as soon as an entry is NaN."""
    top = 0.0
    for v in values:
        magnitude = abs(v)
        if not magnitude <= top:  # larger, or NaN
            if magnitude != magnitude:
                return magnitude
            top = magnitude
    return top


def check_finite_squares(X: Any, estimator: Any) -> None:
    """Raise ValueError when X (dense or scipy.sparse) has NaN or inf entries (scikit-learn's
    message, as ``validate_data`` would) or entries whose squares overflow float64, in one pass.

    Second-order methods form XᵀX or XᵀWX; beyond |x| = √max_float those are inf. Call it after
    ``validate_data(estimator, ..., ensure_all_finite=False)``, in place of that function's
    finiteness pass (the message names the estimator's class, as scikit-learn's).
    """
    values = X.data if sparse.issparse(X) else np.ravel(X, order="K")
    largest = float(_largest_magnitude(values))
    if not math.isfinite(largest):
        assert_all_finite(X, input_name="X", estimator_name=type(estimator).__name__)
    if largest > math.sqrt(np.finfo(np.float64).max):
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
    if sparse.issparse(y):
        raise TypeError("y must be dense: a scipy.sparse y is not supported; pass y.toarray()")
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


def check_l1_ratio(value: Any) -> float:
    """``value`` as a float in [0, 1], or ValueError naming ``l1_ratio``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"l1_ratio must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {value!r}")
    return v


def check_positive_int(value: Any, name: str) -> int:
    """``value`` as an int >= 1 (bools refused), or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def check_choice(value: Any, name: str, choices: tuple) -> Any:
    """``value`` if it is one of ``choices`` (strings by equality, others by identity), else ValueError."""
    if not any(value is c or (isinstance(value, str) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


@dataclass(frozen=True)
class RidgeData:
    """Validated fit data: float64 ``X`` (n, p) and ``Y`` (n, k), weights, and the shapes to return."""

    X: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray | None
    y_ndim: int
    dtype: np.dtype


def prepare_ridge_data(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any,
    *,
    multi_output: bool = True,
    ensure_all_finite: bool = True,
    accept_sparse: bool = False,
) -> RidgeData:
    """Validate with :func:`validate_fit_data` and upcast to float64 (float32 results are cast back).

    With ``accept_sparse``, a scipy.sparse X stays sparse (CSR or CSC; other formats become
    CSR) and is always checked for non-finite entries.
    """
    X, y, sample_weight = validate_fit_data(
        estimator,
        X,
        y,
        sample_weight,
        multi_output=multi_output,
        ensure_all_finite=ensure_all_finite,
        accept_sparse=["csr", "csc", "coo"] if accept_sparse else False,
    )
    dtype = X.dtype
    if sparse.issparse(X):
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        X64 = X.astype(np.float64, copy=False)
        if not ensure_all_finite:
            assert_all_finite(X64.data, input_name="X")
    else:
        X64 = np.asarray(X, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return RidgeData(X64, Y, sw, y.ndim, dtype)


def rescale_weights(sample_weight: np.ndarray | None, n_samples: int) -> np.ndarray | None:
    """Weights rescaled to sum to ``n_samples``, as scikit-learn's coordinate descent does."""
    if sample_weight is None:
        return None
    return sample_weight * (n_samples / sample_weight.sum())


def check_post_fit_data(X: Any, y: Any, sample_weight: Any) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """Validated (X, y, weights rescaled to sum to n, or None) for kkt/cvxpy; touches no estimator.
    A one-column 2-D y, which ``fit`` takes, is read as its column (no DataConversionWarning)."""
    if getattr(y, "ndim", 1) == 2 and y.shape[1] == 1 and not sparse.issparse(y):
        y = np.asarray(y)[:, 0]
    X, y = check_X_y(X, y, accept_sparse="csc", dtype=[np.float64, np.float32], y_numeric=True)
    sw = None
    if sample_weight is not None:
        sw = rescale_weights(_check_sample_weight(sample_weight, X, dtype=np.float64), X.shape[0])
    return X, np.asarray(y, dtype=np.float64), sw
