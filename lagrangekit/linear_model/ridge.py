"""Ridge regression, minimizing ‖y − Xw − b‖² + α‖w‖² by closed form or by first-order methods."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ..result import KKTReport
from ._base import LinearPredictorMixin, squared_loss_gradient, stationarity_report
from ._preprocessing import check_nonnegative, validate_fit_data
from ._ridge_gradient import GRADIENT_SOLVERS, solve_gradient
from ._ridge_solvers import min_norm_warning, solve_cholesky, solve_dual, solve_svd
from ._ridge_stats import gram_form, kernel_form, weighted_design
from .stats_fit import fit_ridge_from_stats, gram_stats_input, ridge_loss_gradients

__all__ = ["Ridge", "RidgeData", "prepare_ridge_data", "ridge_kkt"]

SOLVERS: tuple[str, ...] = ("auto", "cholesky", "dual", "svd", *GRADIENT_SOLVERS)


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
) -> RidgeData:
    """Validate with :func:`validate_fit_data` and upcast to float64 (float32 results are cast back)."""
    X, y, sample_weight = validate_fit_data(
        estimator, X, y, sample_weight, multi_output=multi_output, ensure_all_finite=ensure_all_finite
    )
    dtype = X.dtype
    X64 = np.asarray(X, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return RidgeData(X64, Y, sw, y.ndim, dtype)


def ridge_kkt(
    estimator: Any, X: Any, y: Any, sample_weight: Any, alpha: float, *, norm_bound: float | None = None
) -> KKTReport:
    """KKT report of a fitted Ridge-family estimator for ‖y − Xw − b‖² + α‖w‖² (or its constrained form).

    Stationarity is the gradient of the weighted squared loss plus 2αw with respect to
    (w, b) (b only when ``fit_intercept``), scaled by the gradient norm at w = 0, b = ȳ.
    With ``norm_bound`` s, α is the multiplier of ‖w‖² <= s and primal feasibility and
    complementary slackness are reported too (scaled by s and α·s).
    """
    check_is_fitted(estimator, "coef_")
    stats = gram_stats_input(None, X, y, sample_weight)
    if stats is None:
        data = prepare_ridge_data(estimator.__sklearn_clone__(), X, y, sample_weight)
        n_features, k = data.X.shape[1], data.Y.shape[1]
    else:
        n_features, k = stats.n_features, stats.n_targets or 1
    if n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but the estimator was fitted with {estimator.n_features_in_}"
        )
    W = np.asarray(estimator.coef_, dtype=float).reshape(k, -1)
    b = np.broadcast_to(np.asarray(estimator.intercept_, dtype=float), (k,))
    if stats is None:
        grad_W, grad_b = squared_loss_gradient(data.X, data.Y, data.sample_weight, W, b)
        sw = data.sample_weight
        y_mean = data.Y.mean(axis=0) if sw is None else (sw @ data.Y) / sw.sum()
        ref_W, ref_b = squared_loss_gradient(data.X, data.Y, sw, np.zeros_like(W), y_mean)
    else:
        grad_W, grad_b, ref_W, ref_b = ridge_loss_gradients(stats, W, b)
    grad_W = grad_W + 2.0 * alpha * W if np.isfinite(alpha) else grad_W
    fit_b = getattr(estimator, "fit_intercept", True)
    grad = np.concatenate([grad_W.ravel(), grad_b.ravel() if fit_b else []])
    scale = float(np.linalg.norm(np.concatenate([ref_W.ravel(), ref_b.ravel() if fit_b else []])))
    tol = float(getattr(estimator, "tol", 1e-6))
    if norm_bound is None:
        return stationarity_report(grad, scale, tol=tol, message=f"Ridge objective with alpha={alpha:g}")
    slack = float(np.vdot(W, W)) - norm_bound
    cs = abs(alpha * slack) if np.isfinite(alpha) else np.inf
    return stationarity_report(
        grad,
        scale,
        tol=tol,
        multipliers={"norm": alpha},
        primal_feasibility=max(slack, 0.0),
        complementary_slackness=cs,
        scaled={
            "primal_feasibility": max(slack, 0.0) / max(norm_bound, np.finfo(float).tiny),
            "complementary_slackness": cs / max(alpha * norm_bound, 1.0) if np.isfinite(cs) else np.inf,
        },
        active=("norm",) if abs(slack) <= 1e-9 * max(norm_bound, 1.0) else (),
        message=f"constraint ‖w‖² <= {norm_bound:g}, multiplier {alpha:g}",
    )


def _cvxpy_ridge_problem(X: Any, y: Any, sample_weight: Any, fit_intercept: bool, *, alpha=None, bound=None):
    """cvxpy form of Σ sᵢ(yᵢ − xᵢw − b)² + α‖w‖², or of the same loss s.t. ‖w‖² <= bound."""
    import cvxpy as cp

    data = prepare_ridge_data(BaseEstimator(), X, y, sample_weight)
    n, p = data.X.shape
    k = data.Y.shape[1]
    shape = (p,) if data.y_ndim == 1 else (k, p)
    coef = cp.Variable(shape, name="coef")
    intercept = cp.Variable(shape[:-1], name="intercept") if fit_intercept else None
    W = cp.reshape(coef, (k, p), order="C") if data.y_ndim == 1 else coef
    pred = data.X @ W.T
    if intercept is not None:
        pred = pred + np.ones((n, 1)) @ cp.reshape(intercept, (1, k), order="C")
    root = np.ones(n) if data.sample_weight is None else np.sqrt(data.sample_weight)
    loss = cp.sum_squares(cp.multiply(root[:, None], data.Y - pred))
    if bound is None:
        return cp.Problem(cp.Minimize(loss + alpha * cp.sum_squares(coef))), coef, intercept, None
    constraint = cp.sum_squares(coef) <= bound
    return cp.Problem(cp.Minimize(loss), [constraint]), coef, intercept, constraint


class _RidgeFamily(MultiOutputMixin, RegressorMixin, LinearPredictorMixin, BaseEstimator):
    """What Ridge and RidgeCV share: the KKT report and the cvxpy form of the fitted objective."""

    def _fitted_alpha(self) -> float:
        raise NotImplementedError

    def kkt(self, X: Any, y: Any = None, sample_weight: Any = None) -> KKTReport:
        """KKT report of the fitted coefficients on (X, y), or on a GramStats, for ‖y − Xw − b‖² + α‖w‖².

        Stationarity is the gradient with respect to (w, b); ``scaled["stationarity"]``
        divides its 2-norm by the gradient norm at w = 0, b = ȳ (the gradient solvers'
        stopping measure) and is compared with ``tol``.
        """
        return ridge_kkt(self, X, y, sample_weight, self._fitted_alpha())

    def _cvxpy_problem(self, X: Any, y: Any, sample_weight: Any = None):
        """(problem, coef, intercept or None, None) for :func:`fit_cvxpy`."""
        return _cvxpy_ridge_problem(X, y, sample_weight, self.fit_intercept, alpha=self._cvxpy_alpha())

    def _cvxpy_alpha(self) -> float:
        return self._fitted_alpha()


class Ridge(_RidgeFamily):
    """Linear least squares with an L2 penalty, scikit-learn's objective exactly.

    Minimizes over w and an unpenalized intercept b::

        Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖²

    (sᵢ = 1 without ``sample_weight``), so ``alpha`` means the same as in
    :class:`sklearn.linear_model.Ridge`. The intercept is handled by centring.

    Parameters
    ----------
    alpha : float, default 1.0
        Penalty α >= 0. With α = 0 and a rank-deficient centred design the minimum-norm
        least-squares solution is returned with a :class:`SingularWarning` and ``solver_ = "svd"``.
    fit_intercept : bool, default True
    solver : str, default "auto"
        "auto" (``"cholesky"`` when n_samples >= n_features, else ``"dual"``);
        "cholesky" (primal: (XᵀX + αI)w = Xᵀy, cost dominated by one XᵀX);
        "dual" (kernel form w = Xᵀ(XXᵀ + αI)⁻¹y); "svd"; or a first-order method:
        "cholesky" and "dual" estimate their own error from the factor (eps·κ of XᵀX + αI,
        by LAPACK's condition estimator) and, when it exceeds 1e-10 relative, solve by the
        SVD of the design instead (error eps·κ(X)); ``solver_`` then says ``"svd"``.
        "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"
        (:mod:`lagrangekit.optim`), for teaching and comparison.
    max_iter : int, optional
        Iteration limit of the first-order solvers (default 10000).
    tol : float, default 1e-6
        First-order solvers stop when ‖∇F(w)‖₂ <= tol·‖∇F(0)‖₂; also the tolerance of :meth:`kkt`.
    learning_rate : float, optional
        Step size of the first-order solvers. By default 1/L with L = 2(λ_max(XᵀX) + α)
        for gd/momentum/nesterov, and ‖∇F(0)‖∞/L for adagrad/rmsprop/adam. These three
        use eps = learning_rate·L, so as gradients vanish they step like gd with step 1/L
        and converge instead of cycling at a constant step.
    random_state : int, RandomState or None
        Accepted for scikit-learn compatibility; every solver here is deterministic
        (full-batch), so it has no effect.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or None
        Iterations of a first-order solver, None for closed forms.
    solver_ : str
        The solver that actually ran.
    n_features_in_ : int
    feature_names_in_ : ndarray, when X has string column names

    Notes
    -----
    float32 input is accepted; computation is in float64 and the coefficients are
    returned as float32 (agreement with float64 to about 1e-6 relative).
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        solver: str = "auto",
        max_iter: int | None = None,
        tol: float = 1e-6,
        learning_rate: float | None = None,
        random_state: Any = None,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _fitted_alpha(self) -> float:
        return float(self.alpha)

    def _cvxpy_alpha(self) -> float:
        return check_nonnegative(self.alpha, "alpha")

    def _check_params(self) -> tuple[float, str]:
        alpha = check_nonnegative(self.alpha, "alpha")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {', '.join(map(repr, SOLVERS))}; got {self.solver!r}")
        check_nonnegative(self.tol, "tol")
        if self.max_iter is not None and (
            not isinstance(self.max_iter, numbers.Integral)
            or isinstance(self.max_iter, bool)
            or self.max_iter < 1
        ):
            raise ValueError(f"max_iter must be a positive integer or None, got {self.max_iter!r}")
        if self.learning_rate is not None:
            lr = check_nonnegative(self.learning_rate, "learning_rate")
            if lr == 0:
                raise ValueError("learning_rate must be > 0 (or None for the default 1/L)")
        return alpha, self.solver

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> Ridge:
        """Fit the model.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), GramStats or Dask array
            A :class:`GramStats` (with ``y`` and ``sample_weight`` omitted) fits from the
            statistics; a Dask array is reduced to them without being loaded.
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights sᵢ of the squared errors.

        Returns
        -------
        self
        """
        alpha, solver = self._check_params()
        if (stats := gram_stats_input(self, X, y, sample_weight)) is not None:
            return fit_ridge_from_stats(self, stats, alpha, solver)
        closed = solver in ("auto", "cholesky", "dual")
        data = prepare_ridge_data(self, X, y, sample_weight, ensure_all_finite=not closed)
        n, p = data.X.shape
        if solver == "auto":
            solver = "cholesky" if n >= p else "dual"
        self.n_iter_ = None
        if solver in GRADIENT_SOLVERS:
            W, x_off, y_off, result = solve_gradient(
                data.X,
                data.Y,
                data.sample_weight,
                self.fit_intercept,
                alpha,
                solver,
                learning_rate=self.learning_rate,
                max_iter=10_000 if self.max_iter is None else self.max_iter,
                tol=float(self.tol),
            )
            self.n_iter_ = 0 if result is None else result.nit
            b = y_off - W @ x_off
        else:
            W, b, solver = self._closed_form(data, alpha, solver)
        self.solver_ = solver
        self._set_coef(W, b, y_ndim=data.y_ndim, dtype=data.dtype)
        return self

    def _closed_form(self, data: RidgeData, alpha: float, solver: str) -> tuple[np.ndarray, np.ndarray, str]:
        """Cholesky on the Gram or kernel form when its estimated error is small, else the SVD."""
        X, Y, sw = data.X, data.Y, data.sample_weight
        if solver == "cholesky":
            form = gram_form(X, Y, sw, self.fit_intercept)
            solved = solve_cholesky(form, alpha)
            if solved is not None:
                return solved.W, form.y_offset - solved.W @ form.x_offset, solver
        elif solver == "dual" and alpha > 0:
            dual = solve_dual(kernel_form(X, Y, sw, self.fit_intercept), alpha)
            if dual is not None:
                return dual[0], dual[1], solver
        Xs, ys, x_off, y_off = weighted_design(X, Y, sw, self.fit_intercept)
        W, rank = solve_svd(Xs, ys, alpha)
        if alpha == 0 and rank < X.shape[1]:
            min_norm_warning(f"alpha=0 and the centred design has rank {rank} < {X.shape[1]} features")
        return W, y_off - W @ x_off, "svd"
