"""Shared pieces of the linear estimators: prediction from ``coef_``/``intercept_``, and KKT reports."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from ..result import KKTReport

__all__ = ["LinearPredictorMixin", "squared_loss_gradient", "stationarity_report"]


class LinearPredictorMixin:
    """``predict(X) = X @ coef_.T + intercept_`` and the bookkeeping that sets those attributes.

    ``coef_`` has shape (n_features,) for 1-D ``y`` and (n_targets, n_features) for 2-D
    ``y``; ``intercept_`` is a float or an (n_targets,) array, and 0.0 when
    ``fit_intercept=False`` (scikit-learn's conventions). Classes that set
    ``_predict_accepts_sparse = True`` also predict from scipy.sparse matrices.
    """

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self, "coef_")
        accept_sparse = getattr(self, "_predict_accepts_sparse", False)
        X = validate_data(self, X, reset=False, accept_sparse=accept_sparse, dtype=[np.float64, np.float32])
        return X @ self.coef_.T + self.intercept_

    def _set_coef(self, W: np.ndarray, b: np.ndarray, *, y_ndim: int, dtype: np.dtype) -> None:
        """Store W (k, p) and b (k,) in scikit-learn's shapes and the input dtype.

        Raises ValueError when they are not finite in that dtype: the solution overflows
        (data of extreme scale) or an iterative solver diverged.
        """
        with np.errstate(over="ignore"):
            W = np.asarray(W, dtype=dtype)
            b = np.asarray(b, dtype=dtype).reshape(-1)
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(
                f"the fitted coefficients are not finite in {np.dtype(dtype).name}: the solution "
                "overflows (rescale X and y, e.g. StandardScaler) or a first-order solver diverged "
                "(lower learning_rate)"
            )
        self.coef_ = W[0].copy() if y_ndim == 1 else np.ascontiguousarray(W)
        if not getattr(self, "fit_intercept", True):
            self.intercept_ = 0.0
        else:
            self.intercept_ = b[0] if y_ndim == 1 else b  # a NumPy scalar of the input dtype, as in sklearn


def squared_loss_gradient(
    X: np.ndarray,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    W: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of Σᵢ sᵢ‖yᵢ − Wxᵢ − b‖² at (W (k, p), b (k,)): returns (∂/∂W (k, p), ∂/∂b (k,))."""
    R = Y - X @ W.T - b
    if sample_weight is not None:
        R = R * sample_weight[:, None]
    return -2.0 * (R.T @ X), -2.0 * R.sum(axis=0)


def stationarity_report(
    gradient: np.ndarray,
    scale: float,
    *,
    tol: float,
    multipliers: Mapping[str, float] | None = None,
    primal_feasibility: float = 0.0,
    complementary_slackness: float = 0.0,
    scaled: Mapping[str, float] | None = None,
    active: tuple[str, ...] = (),
    message: str = "",
) -> KKTReport:
    """A KKTReport whose stationarity is ‖gradient‖∞, with the scaled residual ‖gradient‖₂ / scale.

    ``scale`` should be the gradient norm at a reference point (e.g. w = 0), so that the
    scaled residual is the same relative gradient norm the solvers stop on. ``scaled``
    adds scaled versions of the other residuals; ``active`` names the active constraints.
    """
    gradient = np.asarray(gradient, dtype=float).ravel()
    scale = float(scale) if scale > 0 else 1.0
    return KKTReport(
        stationarity=float(np.abs(gradient).max()) if gradient.size else 0.0,
        primal_feasibility=primal_feasibility,
        dual_feasibility=0.0 if not multipliers else max(0.0, -min(multipliers.values())),
        complementary_slackness=complementary_slackness,
        multipliers=dict(multipliers or {}),
        active=active,
        tol=tol,
        scaled={"stationarity": float(np.linalg.norm(gradient)) / scale, **(scaled or {})},
        message=message,
    )
