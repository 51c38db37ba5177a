"""Shared pieces of the linear estimators: prediction from ``coef_``/``intercept_`` and setting them."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["LinearPredictorMixin"]


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

    def _record_summary_features(self, n_features: int) -> None:
        """``n_features_in_`` of a fit from GramStats, GramFolds or a Dask array (no feature names)."""
        self.n_features_in_ = n_features
        if hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

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


