"""Lasso and ElasticNet with scikit-learn's objective, stopped on a certified duality gap, and lasso_path."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, check_X_y

from ..errors import ConvergenceWarning
from ..result import KKTReport
from ._base import LinearPredictorMixin
from ._enet_solvers import (
    DesignData,
    GramData,
    PathSolution,
    enet_path_design,
    enet_path_gram,
    gram_statistics,
    prepare_design,
    rescale_weights,
)
from ._preprocessing import check_nonnegative, validate_fit_data
from ._roles import ElasticNetPenalty, Quadratic, check_roles
from .stats_fit import enet_kkt_terms, enet_prepared_data, gram_stats_input

__all__ = ["ElasticNet", "Lasso", "enet_path", "lasso_path"]

_SOLVERS = ("auto", "cd", "fista", "ista")
_SELECTIONS = ("cyclic", "random")


def _check_l1_ratio(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"l1_ratio must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {value!r}")
    return v


def _check_positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def _check_choice(value: Any, name: str, choices: tuple) -> Any:
    if not any(value is c or (isinstance(value, str) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


@dataclass(frozen=True)
class PreparedData:
    """Centred, weighted data in the form its solver needs: Gram statistics or a design."""

    gram: GramData | None
    design: DesignData | None

    @property
    def source(self) -> GramData | DesignData:
        return self.gram if self.gram is not None else self.design

    @property
    def n_samples(self) -> int:
        return self.source.n_samples

    @property
    def n_features(self) -> int:
        return self.source.X_offset.shape[0]

    def correlations(self) -> np.ndarray:
        """Xᶜᵀ S yᶜ."""
        return self.gram.Xty if self.gram is not None else self.design.correlations()

    def null_objective(self) -> float:
        """P(0) = yᶜᵀ S yᶜ / (2n), the scale of the relative tolerance."""
        yty = self.gram.yty if self.gram is not None else float(self.design.y @ self.design.y)
        return yty / (2 * self.n_samples)

    def alpha_max(self, l1_ratio: float, positive: bool) -> float:
        penalty = ElasticNetPenalty(1.0, l1_ratio, positive)
        return penalty.alpha_max(-self.correlations() / self.n_samples)

    def intercept(self, coef: np.ndarray) -> float:
        return float(self.source.y_offset - self.source.X_offset @ coef)

    def solve(
        self,
        alphas: np.ndarray,
        *,
        l1_ratio: float,
        positive: bool,
        tol: float,
        max_iter: int,
        coef_init: np.ndarray | None = None,
        seed: int = -1,
    ) -> PathSolution:
        """Coordinate descent along ``alphas`` with warm starts (Gram or design kernel)."""
        options = dict(l1_ratio=l1_ratio, positive=positive, tol=tol, max_iter=max_iter, coef_init=coef_init)
        if self.gram is not None:
            g = self.gram
            return enet_path_gram(g.XtX, g.Xty, g.yty, g.n_samples, alphas, **options)
        return enet_path_design(self.design, alphas, seed=seed, **options)


def use_gram(X: Any, precompute: Any) -> bool:
    """Gram mode for dense X when asked, or automatically when n >= 2p (cheap p×p statistics)."""
    if sparse.issparse(X):
        return False
    if precompute == "auto":
        return X.shape[0] >= 2 * X.shape[1]
    return bool(precompute)


def prepare_data(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool, gram: bool
) -> PreparedData:
    """Centre and weight (X, y) once, as Gram statistics or as a design.

    X may come from ``validate_fit_data(..., ensure_all_finite=False)``: the Gram route finds
    NaN/inf from the diagonal of XᵀX, the design route checks X here.
    """
    if gram:
        return PreparedData(gram_statistics(X, y, sample_weight, fit_intercept), None)
    assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
    return PreparedData(None, prepare_design(X, y, sample_weight, fit_intercept))


def alpha_grid(
    data: PreparedData, *, l1_ratio: float, positive: bool, eps: float, n_alphas: int
) -> np.ndarray:
    """n_alphas values log-spaced from α_max down to eps·α_max (scikit-learn's grid)."""
    amax = data.alpha_max(l1_ratio, positive)
    if not np.isfinite(amax):
        raise ValueError("l1_ratio=0 has no finite alpha_max: pass alphas explicitly")
    resolution = np.finfo(np.float64).resolution
    if amax <= resolution:
        return np.full(n_alphas, resolution)
    return np.geomspace(amax, amax * eps, num=n_alphas)


def proximal_solve(
    data: PreparedData,
    alpha: float,
    *,
    l1_ratio: float,
    positive: bool,
    tol: float,
    max_iter: int,
    coef_init: np.ndarray | None,
    accelerated: bool,
) -> PathSolution:
    """ISTA/FISTA on the design, stopped when the duality gap is at most tol·P(0)."""
    from ..optim import proximal_gradient
    from ._cd import _gap

    design = data.design
    n = design.n_samples
    X = design.operator()
    datafit = Quadratic(X, design.y, n)
    penalty = ElasticNetPenalty(alpha, l1_ratio, positive)
    check_roles("fista" if accelerated else "ista", datafit, penalty)
    lam1, lam2 = n * penalty.l1, n * penalty.l2
    idx = np.arange(data.n_features)
    yy = float(design.y @ design.y)

    def certificate(w: np.ndarray) -> float:
        r = datafit.residual(w)
        z = np.asarray(X.T @ r, dtype=np.float64).ravel()
        w = np.asarray(w, dtype=np.float64)
        sums = (float(r @ r), w, float(np.abs(w).sum()), float(w @ w))
        gap, _, _ = _gap(*sums, z, idx, idx.size, lam1, lam2, positive)
        return gap / n

    x0 = np.zeros(data.n_features) if coef_init is None else coef_init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the estimator warns once, with the gap
        result = proximal_gradient(
            datafit.value_and_gradient,
            penalty.prox,
            x0,
            lipschitz=max(datafit.lipschitz(), np.finfo(float).tiny),
            accelerated=accelerated,
            max_iter=max_iter,
            tol=tol * yy / (2 * n),
            certificate=certificate,
        )
    w = np.asarray(result.x, dtype=np.float64)
    return PathSolution(w[None, :], np.array([certificate(w)]), np.array([result.nit]))


def check_post_fit_data(X, y, sample_weight):
    """Validated (X, y, weights rescaled to sum to n, or None) for kkt/cvxpy; touches no estimator."""
    X, y = check_X_y(X, y, accept_sparse="csc", dtype=[np.float64, np.float32], y_numeric=True)
    sw = None
    if sample_weight is not None:
        sw = rescale_weights(_check_sample_weight(sample_weight, X, dtype=np.float64), X.shape[0])
    return X, np.asarray(y, dtype=np.float64), sw


def kkt_terms(model: Any, X: Any, y: Any, sample_weight: Any) -> tuple[Any, float, float]:
    """(datafit, intercept residual |Σsᵢrᵢ|/n, scale ‖Xᶜᵀ S yᶜ‖∞/n) for the KKT report, from the rows
    or from a :class:`GramStats` passed as X."""
    stats = gram_stats_input(None, X, y, sample_weight, multi_output=False)
    if stats is not None:
        return enet_kkt_terms(model, stats)
    X, y, sw = check_post_fit_data(X, y, sample_weight)
    n = X.shape[0]
    w = np.asarray(model.coef_, dtype=np.float64)
    root = np.ones(n) if sw is None else np.sqrt(sw)
    Xs = X.multiply(root[:, None]).tocsc() if sparse.issparse(X) else X * root[:, None]
    datafit = Quadratic(Xs, root * (y - model.intercept_), n)
    intercept_residual = abs(float(root @ datafit.residual(w))) / n if model.fit_intercept else 0.0
    scale = float(np.max(np.abs(prepare_design(X, y, sw, model.fit_intercept).correlations()), initial=0.0))
    return datafit, intercept_residual, scale / n if scale > 0 else 1.0


def subgradient_report(
    model: Any,
    terms: tuple[Any, float, float],
    *,
    alpha: float,
    l1_ratio: float,
    tol: float,
    constraint: dict | None = None,
) -> KKTReport:
    """KKTReport of a fitted model's ``coef_``/``intercept_`` for the elastic-net objective at ``alpha``.

    Stationarity is the ∞-norm distance from 0 to the subdifferential (including the
    intercept's gradient); scaled residuals divide by ‖Xᶜᵀ S yᶜ‖∞/n. ``terms`` comes from
    :func:`kkt_terms`. ``constraint`` supplies the feasibility, slackness and multiplier
    entries of a constrained form.
    """
    datafit, intercept_residual, scale = terms
    w = np.asarray(model.coef_, dtype=np.float64)
    positive = bool(getattr(model, "positive", False))
    penalty = ElasticNetPenalty(alpha, l1_ratio, positive)
    check_roles("kkt", datafit, penalty)
    grad = datafit.gradient(w)
    dist = penalty.subdiff_distance(w, grad)
    multipliers: dict[str, float] = {}
    dual_infeasibility = 0.0
    if positive:
        z = -grad - penalty.l2 * w
        for j in np.flatnonzero(w == 0):
            multipliers[f"lower:w[{j}]"] = float(penalty.l1 - z[j])
        dual_infeasibility = float(np.max(dist[w == 0], initial=0.0))
        dist = np.where(w == 0, 0.0, dist)
    constraint = constraint or {}
    residuals = {
        "stationarity": max(float(np.max(dist, initial=0.0)), intercept_residual),
        "primal_feasibility": constraint.get(
            "primal_feasibility", float(np.max(-w, initial=0.0)) if positive else 0.0
        ),
        "dual_feasibility": max(dual_infeasibility, constraint.get("dual_feasibility", 0.0)),
        "complementary_slackness": constraint.get("complementary_slackness", 0.0),
    }
    multipliers.update(constraint.get("multipliers", {}))
    return KKTReport(
        **residuals,
        multipliers=multipliers,
        tol=tol,
        scaled={k: v / scale for k, v in residuals.items()},
        message=constraint.get("message", ""),
    )


class _ElasticNetBase(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Fitting, KKT reports and the cvxpy form shared by :class:`ElasticNet` and :class:`Lasso`."""

    _predict_accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _l1_ratio(self) -> float:
        return _check_l1_ratio(self.l1_ratio)

    def _validated(self) -> dict[str, Any]:
        return {
            "alpha": check_nonnegative(self.alpha, "alpha"),
            "l1_ratio": self._l1_ratio(),
            "solver": _check_choice(self.solver, "solver", _SOLVERS),
            "precompute": _check_choice(self.precompute, "precompute", ("auto", True, False)),
            "max_iter": _check_positive_int(self.max_iter, "max_iter"),
            "tol": check_nonnegative(self.tol, "tol"),
            "selection": _check_choice(self.selection, "selection", _SELECTIONS),
        }

    def fit(self, X, y=None, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array_like or scipy.sparse matrix of shape (n_samples, n_features), GramStats or Dask array
            Dense, or sparse (converted to CSC). Not modified. A :class:`GramStats` (with ``y``
            and ``sample_weight`` omitted) fits from the statistics in Gram mode; a Dask array
            is reduced to them without being loaded.
        y : array_like of shape (n_samples,)
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights, rescaled internally to sum to n_samples.

        Returns
        -------
        self
        """
        opts = self._validated()
        solver = "cd" if opts["solver"] == "auto" else opts["solver"]
        if (stats := gram_stats_input(self, X, y, sample_weight, multi_output=False)) is not None:
            data, gram, dtype = enet_prepared_data(stats, self.fit_intercept, solver), True, np.float64
        else:
            X, y, sw = validate_fit_data(
                self, X, y, sample_weight, accept_sparse="csc", ensure_all_finite=False
            )
            gram = solver == "cd" and use_gram(X, opts["precompute"])
            data, dtype = prepare_data(X, y, sw, self.fit_intercept, gram), X.dtype
        coef_init = None
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if np.shape(self.coef_) == (data.n_features,):
                coef_init = np.asarray(self.coef_, dtype=np.float64)
        if opts["alpha"] == 0.0:
            warnings.warn(
                "alpha=0 is unpenalized least squares, whose duality gap this solver cannot "
                "certify; use Ridge(alpha=0) or sklearn's LinearRegression",
                UserWarning,
                stacklevel=2,
            )
        common = dict(
            l1_ratio=opts["l1_ratio"],
            positive=bool(self.positive),
            tol=opts["tol"],
            max_iter=opts["max_iter"],
            coef_init=coef_init,
        )
        if solver == "cd":
            seed = -1
            if opts["selection"] == "random":
                seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            sol = data.solve(np.array([opts["alpha"]]), seed=seed, **common)
        else:
            sol = proximal_solve(data, opts["alpha"], accelerated=solver == "fista", **common)
        coef = sol.coefs[0]
        self._set_coef(coef[None, :], np.array([data.intercept(coef)]), y_ndim=1, dtype=dtype)
        self.dual_gap_ = float(sol.gaps[0])
        self.n_iter_ = int(sol.n_iter[0])
        self.solver_ = "cd-gram" if gram else solver
        target = opts["tol"] * data.null_objective()
        if self.dual_gap_ > target:
            warnings.warn(
                f"{type(self).__name__} did not converge: duality gap {self.dual_gap_:.3e} > "
                f"tol·P(0) = {target:.3e} after {self.n_iter_} iterations; increase max_iter "
                "or tol, or scale the features",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def kkt(self, X, y=None, sample_weight=None, *, tol=None) -> KKTReport:
        """Subgradient (KKT) conditions of the fitted coefficients on (X, y), or on a GramStats.

        At the optimum, with zⱼ = Xⱼᵀ S r / n − α(1 − l1_ratio)wⱼ and r = y − Xw − b:
        |zⱼ| <= α·l1_ratio where wⱼ = 0, zⱼ = α·l1_ratio·sign(wⱼ) where wⱼ ≠ 0, and
        Σᵢ sᵢrᵢ = 0 when an intercept is fitted. ``stationarity`` is the largest violation
        (the ∞-norm distance from 0 to the subdifferential), and its scaled value divides it
        by ‖Xᶜᵀ S yᶜ‖∞/n = α_max·l1_ratio. With ``positive=True`` the bound multipliers
        "lower:w[j]" = α·l1_ratio − zⱼ of zero coefficients must be >= 0 (dual feasibility).

        Parameters
        ----------
        tol : float, optional
            Tolerance on the scaled residuals; by default 10·√tol of the fit, the size of
            subgradient residual that a relative gap of ``tol`` allows.
        """
        check_is_fitted(self, "coef_")
        terms = kkt_terms(self, X, y, sample_weight)
        tol = 10.0 * np.sqrt(max(float(self.tol), 1e-16)) if tol is None else float(tol)
        return subgradient_report(self, terms, alpha=float(self.alpha), l1_ratio=self._l1_ratio(), tol=tol)

    def _cvxpy_problem(self, X, y, sample_weight=None):
        """The objective above in cvxpy: (problem, coef variable, intercept variable or None, None)."""
        import cvxpy as cp

        X, y, sw = check_post_fit_data(X, y, sample_weight)
        n, p = X.shape
        s = np.ones(n) if sw is None else sw
        w = cp.Variable(p, nonneg=bool(self.positive))
        b = cp.Variable() if self.fit_intercept else None
        residual = y - X @ w - (b if b is not None else 0.0)
        alpha = float(self.alpha)
        l1 = self._l1_ratio()
        objective = (
            cp.sum_squares(cp.multiply(np.sqrt(s), residual)) / (2 * n)
            + alpha * l1 * cp.norm1(w)
            + 0.5 * alpha * (1 - l1) * cp.sum_squares(w)
        )
        return cp.Problem(cp.Minimize(objective)), w, b, None


class ElasticNet(_ElasticNetBase):
    """Linear regression with combined L1 and L2 penalties, scikit-learn's objective exactly.

    Minimizes over (w, b), with the intercept b unpenalized,

        (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖²,

    where the sample weights sᵢ (all 1 by default) are rescaled to sum to n, as scikit-learn
    does. ``positive=True`` adds w ≥ 0.

    Parameters
    ----------
    alpha : float, default 1.0
        Overall penalty strength, >= 0. For α >= α_max the coefficients are exactly zero.
    l1_ratio : float, default 0.5
        The L1 share of the penalty, in [0, 1].
    fit_intercept : bool, default True
    solver : {"auto", "cd", "fista", "ista"}, default "auto"
        "cd" (and "auto") is working-set coordinate descent compiled with numba, with gap-safe
        screening and Anderson extrapolation; "fista"/"ista" are proximal gradient methods.
    precompute : {"auto", True, False}, default "auto"
        Gram mode for "cd": work from XᵀX and Xᵀy alone. "auto" uses it for dense X with
        n_samples >= 2·n_features. Sparse X always uses the design.
    positive : bool, default False
        Constrain the coefficients to be non-negative.
    max_iter : int, default 1000
        For "cd", the maximum number of epochs (passes over the working set); for
        "fista"/"ista", of gradient steps.
    tol : float, default 1e-6
        Relative: the solver stops when the duality gap is at most tol·P(0), where
        P(0) = Σᵢ sᵢ(yᵢ − ȳ)²/(2n) is the objective at w = 0 on centred data.
    warm_start : bool, default False
        Start from the previous ``coef_`` when refitting.
    selection : {"cyclic", "random"}, default "cyclic"
        Coordinate order within an epoch; "random" draws a fresh permutation each epoch.
    random_state : int, RandomState or None
        Seeds "random" selection.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Epochs (cd) or iterations (fista/ista) run.
    dual_gap_ : float
        The final duality gap, absolute, on the objective's scale (an upper bound on the
        distance of the objective from its minimum).
    solver_ : str
        What ran: "cd-gram", "cd", "fista" or "ista".
    n_features_in_ : int

    Notes
    -----
    The dual point is the rescaled residual θ = r·min(1, λ₁/‖Xᵀr‖∞) (for l1_ratio < 1 the
    unscaled residual too, keeping the better). float32 input is computed in float64 and
    ``coef_`` is returned in float32.
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        solver="auto",
        precompute="auto",
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        selection="cyclic",
        random_state=None,
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.precompute = precompute
        self.positive = positive
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.selection = selection
        self.random_state = random_state


class Lasso(_ElasticNetBase):
    """Linear regression with an L1 penalty, scikit-learn's objective exactly.

    Minimizes over (w, b), with the intercept b unpenalized,

        (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖₁,

    with sample weights sᵢ rescaled to sum to n. This is :class:`ElasticNet` with
    l1_ratio = 1; every parameter and attribute means the same (see there). ``tol`` is
    relative: the solver stops when the duality gap is at most tol·P(0), with
    P(0) = Σᵢ sᵢ(yᵢ − ȳ)²/(2n) on centred data; ``dual_gap_`` is absolute. For
    α >= α_max = ‖Xᶜᵀ S yᶜ‖∞/n the coefficients are exactly zero.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from lagrangekit.linear_model import Lasso
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = Lasso(alpha=0.1).fit(X, y)
    >>> model.kkt(X, y).ok
    True
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        solver="auto",
        precompute="auto",
        positive=False,
        max_iter=1000,
        tol=1e-6,
        warm_start=False,
        selection="cyclic",
        random_state=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.precompute = precompute
        self.positive = positive
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.selection = selection
        self.random_state = random_state

    def _l1_ratio(self) -> float:
        return 1.0


def lasso_path(
    X,
    y=None,
    *,
    alphas=None,
    n_alphas=100,
    eps=1e-3,
    l1_ratio=1.0,
    fit_intercept=False,
    positive=False,
    sample_weight=None,
    precompute="auto",
    tol=1e-6,
    max_iter=1000,
    coef_init=None,
):
    """Lasso (or elastic-net) solutions along a decreasing sequence of α, with warm starts.

    Each α solves the :class:`ElasticNet` objective (Lasso for l1_ratio = 1) to a duality
    gap of at most tol·P(0). As in scikit-learn's ``lasso_path``, no intercept is fitted by
    default; ``fit_intercept=True`` centres the data first.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features), GramStats or Dask array
        With a :class:`GramStats`, omit ``y`` and ``sample_weight``.
    y : array_like of shape (n_samples,)
    alphas : array_like, optional
        Sorted into decreasing order. By default ``n_alphas`` values log-spaced from α_max
        down to ``eps``·α_max.
    l1_ratio, positive, tol, max_iter, precompute
        As for :class:`ElasticNet` (``max_iter`` is per α).
    coef_init : array_like of shape (n_features,), optional
        Warm start for the first α.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
        Absolute duality gaps on the objective's scale.
    """
    est = ElasticNet(l1_ratio=l1_ratio, fit_intercept=fit_intercept, positive=positive, tol=tol)
    l1 = _check_l1_ratio(l1_ratio)
    max_iter = _check_positive_int(max_iter, "max_iter")
    tol = check_nonnegative(tol, "tol")
    _check_choice(precompute, "precompute", ("auto", True, False))
    if (stats := gram_stats_input(None, X, y, sample_weight, multi_output=False)) is not None:
        data = enet_prepared_data(stats, fit_intercept, "cd")
    else:
        X, y, sw = validate_fit_data(est, X, y, sample_weight, accept_sparse="csc", ensure_all_finite=False)
        data = prepare_data(X, y, sw, fit_intercept, use_gram(X, precompute))
    if alphas is None:
        n_alphas = _check_positive_int(n_alphas, "n_alphas")
        alphas = alpha_grid(
            data, l1_ratio=l1, positive=positive, eps=check_nonnegative(eps, "eps"), n_alphas=n_alphas
        )
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64).reshape(-1))[::-1]
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or alphas[-1] < 0:
            raise ValueError("alphas must be a non-empty sequence of finite numbers >= 0")
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).reshape(-1)
        if coef_init.shape != (data.n_features,):
            raise ValueError(f"coef_init must have shape ({data.n_features},), got {coef_init.shape}")
    sol = data.solve(alphas, l1_ratio=l1, positive=positive, tol=tol, max_iter=max_iter, coef_init=coef_init)
    return alphas, sol.coefs.T.copy(), sol.gaps


def enet_path(X, y=None, *, l1_ratio=0.5, **options):
    """Elastic-net solutions along a decreasing sequence of α: :func:`lasso_path` with l1_ratio = 0.5.

    The objective is :class:`ElasticNet`'s; every other argument is :func:`lasso_path`'s.
    """
    return lasso_path(X, y, l1_ratio=l1_ratio, **options)
