"""ConstrainedRidge: least squares subject to ‖w‖² <= s, with the multiplier that links it to Ridge."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from ..result import KKTReport
from ._base import LinearPredictorMixin
from ._cvxpy_forms import ridge_problem
from ._ridge_quadratic import GramRidgeQuadratic, RowsRidgeQuadratic
from ._ridge_spectrum import norm_multiplier
from ._validation import check_nonnegative, prepare_ridge_data
from .certificate import ridge_kkt
from .stats_fit import gram_stats_input

__all__ = ["ConstrainedRidge"]


class ConstrainedRidge(RegressorMixin, LinearPredictorMixin, BaseEstimator):
    """Least squares inside an L2 ball: the constrained form of Ridge.

    Solves::

        minimize Σᵢ sᵢ (yᵢ − xᵢᵀw − b)²  subject to  ‖w‖² <= s

    (sᵢ = 1 without ``sample_weight``; the intercept b is unconstrained). By the KKT
    conditions the solution is Ridge's at α = μ, the multiplier of the constraint
    (L = loss + μ(‖w‖² − s), μ >= 0, cvxpy's sign), so ``Ridge(alpha=multiplier_)``
    reproduces ``coef_``. μ is found by 1-D root finding on the eigendecomposition
    path; it is exactly 0 when the least-squares solution already lies in the ball.

    Parameters
    ----------
    s : float, default 1.0
        Radius squared, s >= 0. With s = 0 the solution is w = 0 and
        ``multiplier_`` is inf (no finite multiplier exists) unless Xᵀy = 0.
    fit_intercept : bool, default True
    tol : float, default 1e-6
        Tolerance of :meth:`kkt`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    multiplier_ : float
        The KKT multiplier μ of ‖w‖² <= s, equal to the α of the equivalent Ridge.
    n_features_in_ : int
    """

    def __init__(self, s: float = 1.0, *, fit_intercept: bool = True, tol: float = 1e-6) -> None:
        self.s = s
        self.fit_intercept = fit_intercept
        self.tol = tol

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> ConstrainedRidge:
        """Fit the model.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), GramStats or Dask array
            A :class:`GramStats` (with ``y`` and ``sample_weight`` omitted) fits from the statistics.
        y : array_like of shape (n_samples,)
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        s = check_nonnegative(self.s, "s")
        check_nonnegative(self.tol, "tol")
        if (stats := gram_stats_input(X, y, sample_weight, multi_output=False)) is not None:
            self._record_summary_features(stats.n_features)
            spectrum = GramRidgeQuadratic(stats, self.fit_intercept).spectrum()
            n_features, dtype = stats.n_features, np.dtype(np.float64)
        else:
            data = prepare_ridge_data(self, X, y, sample_weight, multi_output=False, ensure_all_finite=False)
            spectrum = RowsRidgeQuadratic(data.X, data.Y, data.sample_weight, self.fit_intercept).spectrum()
            n_features, dtype = data.X.shape[1], data.dtype
        mu = norm_multiplier(spectrum, s)
        self.multiplier_ = mu
        if np.isinf(mu):
            W = np.zeros((1, n_features))
            b = spectrum.y_offset if self.fit_intercept else np.zeros(1)
        else:
            W = spectrum.coefs(np.array([mu]))[0]
            b = spectrum.intercepts(np.array([mu]))[0] if self.fit_intercept else np.zeros(1)
        self._set_coef(W, b, y_ndim=1, dtype=dtype)
        return self

    def kkt(self, X: Any, y: Any = None, sample_weight: Any = None) -> KKTReport:
        """KKT report for minimize loss s.t. ‖w‖² <= s at the fitted (w, b, multiplier_).

        Stationarity is ∇loss + 2μw (scaled by the gradient norm at w = 0); primal
        feasibility max(‖w‖² − s, 0) (scaled by s); complementary slackness |μ(‖w‖² − s)|
        (scaled by max(μs, 1)); the multiplier is reported as ``multipliers["norm"]``.
        """
        return ridge_kkt(self, X, y, sample_weight, self.multiplier_, norm_bound=float(self.s))

    def _cvxpy_problem(self, X: Any, y: Any, sample_weight: Any = None):
        """(problem, coef, intercept or None, constraint ‖w‖² <= s) for :func:`fit_cvxpy`."""
        s = check_nonnegative(self.s, "s")
        return ridge_problem(X, y, sample_weight, self.fit_intercept, bound=s)
