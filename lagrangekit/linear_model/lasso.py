"""Lasso and ElasticNet with scikit-learn's objective, stopped on a certified duality gap, and lasso_path."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..errors import ConvergenceWarning
from ..result import KKTReport
from ._base import LinearPredictorMixin
from ._cvxpy_forms import elastic_net_problem
from ._enet_data import (
    alpha_grid,
    given_gram_targets,
    multitask_data,
    prepare_targets,
    unchecked_fit_data,
    use_gram,
)
from ._enet_solvers import coordinate_descent, multitask_coordinate_descent, proximal_solve
from ._quadratic import NormalEquationsQuadratic
from ._roles import ElasticNetPenalty, GroupElasticNetPenalty
from ._validation import (
    check_choice,
    check_grid_eps,
    check_l1_ratio,
    check_nonnegative,
    check_positive_int,
    validate_fit_data,
)
from .certificate import elastic_net_kkt
from .stats_fit import enet_gram_datafit, gram_stats_input

__all__ = ["ElasticNet", "Lasso", "enet_path", "lasso_path"]

_SOLVERS = ("auto", "cd", "fista", "ista")
_SELECTIONS = ("cyclic", "random")


class _ElasticNetBase(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Fitting, KKT reports and the cvxpy form shared by :class:`ElasticNet` and :class:`Lasso`."""

    _predict_accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

    def _l1_ratio(self) -> float:
        return check_l1_ratio(self.l1_ratio)

    def _validated(self) -> dict[str, Any]:
        precompute = self.precompute
        if not hasattr(precompute, "__array__"):
            precompute = check_choice(precompute, "precompute", ("auto", True, False))
        return {
            "alpha": check_nonnegative(self.alpha, "alpha"),
            "l1_ratio": self._l1_ratio(),
            "solver": check_choice(self.solver, "solver", _SOLVERS),
            "precompute": precompute,
            "max_iter": check_positive_int(self.max_iter, "max_iter"),
            "tol": check_nonnegative(self.tol, "tol"),
            "selection": check_choice(self.selection, "selection", _SELECTIONS),
        }

    def _targets(self, X, y, sample_weight, solver, precompute, check_input) -> tuple[list, int, np.dtype]:
        """(each target's quadratic datafit, y.ndim, the dtype of coef_) from fit's arguments."""
        if (stats := gram_stats_input(X, y, sample_weight, multi_output=False)) is not None:
            self._record_summary_features(stats.n_features)
            return [enet_gram_datafit(stats, self.fit_intercept, solver)], 1, np.dtype(np.float64)
        if check_input:
            X, y, sw = validate_fit_data(
                self, X, y, sample_weight, accept_sparse="csc", multi_output=True, ensure_all_finite=False
            )
        else:
            X, y, sw = unchecked_fit_data(X, y, sample_weight)
            self.n_features_in_ = X.shape[1]
        Y = y[:, None] if y.ndim == 1 else y
        targets = None
        if hasattr(precompute, "__array__"):
            if solver != "cd":
                raise ValueError(f"precompute=<Gram matrix> needs solver='cd' or 'auto', got {solver!r}")
            targets = given_gram_targets(precompute, X, Y, sw, self.fit_intercept)
            precompute = "auto"
        if targets is None:
            gram = solver == "cd" and use_gram(X, precompute)
            targets = prepare_targets(X, Y, sw, self.fit_intercept, gram)
        return targets, y.ndim, X.dtype

    def fit(self, X, y=None, sample_weight=None, check_input=True):
        """Fit the model, one target at a time for a 2-D ``y`` (scikit-learn's shapes).

        Parameters
        ----------
        X : array_like or scipy.sparse matrix of shape (n_samples, n_features), GramStats or Dask array
            Dense (C or Fortran order), or sparse (CSR is converted to CSC). Never modified and,
            in float64, never copied: centring and weights are implicit. A :class:`GramStats`
            (with ``y`` and ``sample_weight`` omitted) fits from the statistics in Gram mode; a
            Dask array is reduced to them without being loaded.
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights, rescaled internally to sum to n_samples.
        check_input : bool, default True
            False skips validation, as in scikit-learn: X must then be a Fortran-ordered float
            array or CSC matrix holding finite values (ValueError otherwise).

        Returns
        -------
        self
        """
        opts = self._validated()
        solver = "cd" if opts["solver"] == "auto" else opts["solver"]
        targets, y_ndim, dtype = self._targets(X, y, sample_weight, solver, opts["precompute"], check_input)
        k, p = len(targets), targets[0].n_features
        inits = np.zeros((k, p))
        if self.warm_start and getattr(self, "coef_", None) is not None and np.size(self.coef_) == k * p:
            inits = np.asarray(self.coef_, dtype=np.float64).reshape(k, p)
        if opts["alpha"] == 0.0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are advised to use the "
                "LinearRegression estimator (or Ridge(alpha=0)): unpenalized least squares has no "
                "duality gap this solver can certify",
                UserWarning,
                stacklevel=2,
            )
        seed = -1
        if opts["selection"] == "random":
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        penalty = ElasticNetPenalty(opts["alpha"], opts["l1_ratio"], bool(self.positive))
        common = dict(tol=opts["tol"], max_iter=opts["max_iter"])
        W, b = np.empty((k, p)), np.empty(k)
        gaps, n_iter, worst, moving = np.empty(k), [], 0.0, False
        for t, data in enumerate(targets):
            init = inits[t] if np.any(inits[t]) else None
            if solver == "cd":
                sol = coordinate_descent(data, penalty, seed=seed, coef_init=init, **common)
            else:
                fista = solver == "fista"
                sol = proximal_solve(data, penalty, accelerated=fista, coef_init=init, **common)
            W[t], b[t], gaps[t] = sol.coefs[0], data.intercept(sol.coefs[0]), sol.gaps[0]
            n_iter.append(int(sol.n_iter[0]))
            moving |= sol.settled is not None and not sol.settled[0]
            worst = max(worst, gaps[t] / max(opts["tol"] * data.null_objective(), np.finfo(float).tiny))
        single = k == 1  # scikit-learn: one column of a 2-D y gives coef_ (p,), but intercept_ (1,)
        self._set_coef(W, b, y_ndim=1 if single else 2, dtype=dtype)
        if single and y_ndim == 2 and self.fit_intercept:
            self.intercept_ = np.atleast_1d(self.intercept_)
        gaps = gaps.astype(dtype)  # NumPy scalars of X's dtype, as in scikit-learn
        self.dual_gap_ = gaps[0] if single else gaps
        self.n_iter_ = n_iter[0] if single else n_iter
        self.solver_ = "cd-gram" if isinstance(targets[0], NormalEquationsQuadratic) else solver
        if worst > 1.0:
            warnings.warn(
                "Objective did not converge. You might want to increase the number of iterations "
                f"(max_iter), or tol, or scale the features: {type(self).__name__} did not converge, its "
                f"duality gap {np.max(gaps):.3e} is {worst:.3g}× tol·P(0) after {max(n_iter)} iterations",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif moving:
            warnings.warn(
                f"Objective converged but the coefficients did not settle: {type(self).__name__} reached "
                f"max_iter={opts['max_iter']} with its duality gap within tol·P(0), while the last epoch "
                "still moved a coefficient by more than 1e-2·tol relative to the largest; the objective is "
                "certified, the coefficients only to about √gap. Increase max_iter for accurate coefficients",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy.sparse CSR array of shape (1, n_features) or (n_targets, n_features)."""
        check_is_fitted(self, "coef_")
        return sparse.csr_array(np.atleast_2d(self.coef_))

    def kkt(self, X, y=None, sample_weight=None, *, tol=None) -> KKTReport:
        """Subgradient (KKT) conditions of the fitted coefficients on (X, y), or on a GramStats.

        At the optimum, with zⱼ = Xⱼᵀ S r / n − α(1 − l1_ratio)wⱼ and r = y − Xw − b:
        |zⱼ| <= α·l1_ratio where wⱼ = 0, zⱼ = α·l1_ratio·sign(wⱼ) where wⱼ ≠ 0, and
        Σᵢ sᵢrᵢ = 0 when an intercept is fitted. ``stationarity`` is the largest violation
        (the ∞-norm distance from 0 to the subdifferential), and its scaled value divides it
        by ‖Xᶜᵀ S yᶜ‖∞/n = α_max·l1_ratio; the intercept's residual |Σᵢsᵢrᵢ|/n is scaled by its
        own terms, RMS(y) + RMS(Xw) + |b|, so that rescaling X leaves the report unchanged.
        With ``positive=True`` the bound multipliers "lower:w[j]" = α·l1_ratio − zⱼ of zero
        coefficients must be >= 0 (dual feasibility). For a 2-D ``y`` each target is checked
        and the report holds the largest residuals, with multipliers keyed "target k: ...".

        Parameters
        ----------
        tol : float, optional
            Tolerance on the scaled residuals; by default 10·√tol of the fit, the size of
            subgradient residual that a relative gap of ``tol`` allows.
        """
        check_is_fitted(self, "coef_")
        tol = 10.0 * np.sqrt(max(float(self.tol), 1e-16)) if tol is None else float(tol)
        alpha, l1_ratio = float(self.alpha), self._l1_ratio()
        return elastic_net_kkt(self, X, y, sample_weight, alpha=alpha, l1_ratio=l1_ratio, tol=tol)

    def _cvxpy_problem(self, X, y, sample_weight=None):
        """The objective above in cvxpy: (problem, coef variable, intercept variable or None, None)."""
        return elastic_net_problem(
            X, y, sample_weight, self.fit_intercept, alpha=float(self.alpha), l1_ratio=self._l1_ratio(),
            positive=bool(self.positive),
        )  # fmt: skip


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
    precompute : {"auto", True, False} or array of shape (n_features, n_features), default "auto"
        Gram mode for "cd": work from XᵀX and Xᵀy alone. "auto" uses it for dense X with
        n_samples >= 2·n_features. Sparse X always uses the design. An array is taken as the
        Gram matrix XᶜᵀSXᶜ of the data as passed (scikit-learn's rules: with an intercept and
        X not centred it is recomputed, with a UserWarning; one entry is checked).
    positive : bool, default False
        Constrain the coefficients to be non-negative.
    max_iter : int, default 1000
        For "cd", the maximum number of epochs (passes over the working set); for
        "fista"/"ista", of gradient steps. A fit that ends there warns (ConvergenceWarning):
        when the gap exceeds tol, and for "cd" also when the gap is within tol but the last
        epoch still moved the coefficients (the objective is then certified, the
        coefficients only to about √gap).
    copy_X : bool, default True
        Accepted for scikit-learn compatibility. X is never modified (nor, in float64, copied)
        whatever its value: centring and weighting are implicit.
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
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Epochs (cd) or iterations (fista/ista) run (per target for a 2-D y).
    dual_gap_ : float or ndarray of shape (n_targets,)
        The final duality gap, absolute, on the objective's scale (an upper bound on the
        distance of the objective from its minimum).
    sparse_coef_ : scipy.sparse CSR array
        ``coef_`` as a sparse row (or rows).
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
        copy_X=True,
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
        self.copy_X = copy_X
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
        copy_X=True,
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
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.selection = selection
        self.random_state = random_state

    def _l1_ratio(self) -> float:
        return 1.0


_N_ALPHAS_DEPRECATED = (
    "'n_alphas' was deprecated in 1.9 and will be removed in 1.11. 'alphas' now accepts an integer "
    "value which removes the need to pass 'n_alphas'. The default value of 'alphas' will change from "
    "None to 100 in 1.11. Pass an explicit value to 'alphas' and leave 'n_alphas' to its default "
    "value to silence this warning."
)
_ALPHAS_NONE_DEPRECATED = (
    "'alphas=None' is deprecated and will be removed in 1.11, at which point the default value will "
    "be set to 100. Set 'alphas=100' to silence this warning."
)
_PATH_PARAMS = ("tol", "max_iter", "sample_weight", "random_state", "selection")


def _path_grid_size(alphas: Any, n_alphas: Any) -> Any:
    """scikit-learn 1.9's reading of (alphas, n_alphas): an int grid size, or an explicit grid."""
    size: Any = 100
    if not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        warnings.warn(_N_ALPHAS_DEPRECATED, FutureWarning, stacklevel=3)
        size = check_positive_int(n_alphas, "n_alphas")
    if alphas is None:
        warnings.warn(_ALPHAS_NONE_DEPRECATED, FutureWarning, stacklevel=3)
        return size
    if isinstance(alphas, str) and alphas == "warn":
        return size
    if isinstance(alphas, (int, np.integer)) and not isinstance(alphas, bool):
        return check_positive_int(alphas, "alphas")
    return alphas


def lasso_path(
    X,
    y=None,
    *,
    eps=1e-3,
    n_alphas="deprecated",
    alphas="warn",
    precompute="auto",
    Xy=None,
    copy_X=True,
    coef_init=None,
    verbose=False,
    return_n_iter=False,
    positive=False,
    l1_ratio=1.0,
    fit_intercept=False,
    check_input=True,
    **params,
):
    """Lasso (or elastic-net) solutions along a decreasing sequence of α, with warm starts.

    Each α solves the :class:`ElasticNet` objective (Lasso for l1_ratio = 1) to a duality
    gap of at most tol·P(0). As in scikit-learn's ``lasso_path``, no intercept is fitted by
    default; ``fit_intercept=True`` centres the data first (implicitly: X is not copied).

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n_samples, n_features), GramStats or Dask array
        With a :class:`GramStats`, omit ``y`` and ``sample_weight``.
    y : array_like of shape (n_samples,) or (n_samples, n_targets)
        A 2-D y is the multi-task elastic net, as in scikit-learn: its objective is
        (1/(2n))‖Y − XWᵀ‖²_F + α·l1_ratio·Σⱼ‖W[:, j]‖₂ + (α/2)(1 − l1_ratio)‖W‖²_F, the L2,1
        norm grouping the targets' coefficients of each feature, solved by block coordinate
        descent (dense or sparse X; ``precompute`` does not apply; ``positive`` raises).
    eps : float, default 1e-3
        The automatic grid runs from α_max down to eps·α_max.
    n_alphas : int, deprecated
        scikit-learn's deprecated grid size; warns with scikit-learn's FutureWarning.
    alphas : int or array_like, default 100 points
        An int is the number of points of the automatic grid; an array is sorted into
        decreasing order; None warns (scikit-learn's deprecation) and means 100.
    precompute : {"auto", True, False} or array of shape (n_features, n_features)
        As for :class:`ElasticNet` (an array is the Gram matrix of the data as passed).
    Xy, copy_X, verbose
        Accepted for scikit-learn compatibility: Xᵀy is recomputed, X is never modified.
    coef_init : array_like of shape (n_features,) or (n_targets, n_features), optional
        Warm start for the first α.
    return_n_iter : bool, default False
        Also return the epochs per α.
    positive, l1_ratio
        As for :class:`ElasticNet`.
    check_input : bool, default True
        False skips validation (X must be Fortran-ordered float or CSC, as in scikit-learn).
    **params
        ``tol`` (default 1e-6, relative as in :class:`ElasticNet`), ``max_iter`` (epochs per α,
        default 1000), ``sample_weight``, ``selection`` and ``random_state``; anything else
        raises ValueError, as in scikit-learn.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
        Absolute duality gaps on the objective's scale.
    n_iters : ndarray of shape (n_alphas,)
        Only with ``return_n_iter``.
    """
    unknown = set(params) - set(_PATH_PARAMS)
    if unknown:
        raise ValueError("Unexpected parameters in params", sorted(unknown))
    est = ElasticNet(
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        positive=positive,
        precompute=precompute,
        tol=params.get("tol", 1e-6),
        max_iter=params.get("max_iter", 1000),
        selection=params.get("selection", "cyclic"),
        random_state=params.get("random_state"),
    )
    opts = est._validated()
    grid = _path_grid_size(alphas, n_alphas)
    sample_weight = params.get("sample_weight")
    seed = -1
    if opts["selection"] == "random":
        seed = int(check_random_state(est.random_state).randint(np.iinfo(np.int32).max))
    if np.ndim(y) == 2:
        if positive:
            raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
        return _multitask_path(est, opts, X, y, sample_weight, check_input, grid, eps, coef_init, seed,
                               return_n_iter)  # fmt: skip
    targets, _, dtype = est._targets(X, y, sample_weight, "cd", opts["precompute"], check_input)
    data = targets[0]
    penalty = ElasticNetPenalty(1.0, opts["l1_ratio"], bool(positive))
    alphas = _path_alphas(data, penalty, grid, eps)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).reshape(-1)
        if coef_init.shape != (data.n_features,):
            raise ValueError(f"coef_init must have shape ({data.n_features},), got {coef_init.shape}")
    sol = coordinate_descent(
        data, penalty, alphas=alphas, tol=opts["tol"], max_iter=opts["max_iter"], coef_init=coef_init,
        seed=seed,
    )  # fmt: skip
    out = (alphas, sol.coefs.T.astype(dtype), sol.gaps)  # coefs in X's dtype, as scikit-learn's
    return (*out, sol.n_iter) if return_n_iter else out


def _path_alphas(data, penalty, grid, eps) -> np.ndarray:
    """The path's α: an automatic grid of ``grid`` points down to eps·α_max, or the given ones
    in decreasing order."""
    if isinstance(grid, int):
        return alpha_grid(data, penalty, eps=check_grid_eps(eps), n_alphas=grid)
    alphas = np.sort(np.asarray(grid, dtype=np.float64).reshape(-1))[::-1]
    if alphas.size == 0 or not np.all(np.isfinite(alphas)) or alphas[-1] < 0:
        raise ValueError("alphas must be a non-empty sequence of finite numbers >= 0")
    return alphas


def _multitask_path(est, opts, X, y, sample_weight, check_input, grid, eps, coef_init, seed, return_n_iter):
    """:func:`lasso_path` for a 2-D y: the multi-task elastic net (scikit-learn's reading), by
    block coordinate descent on the design; coefs of shape (n_targets, n_features, n_alphas)."""
    if check_input:
        X, Y, sw = validate_fit_data(
            est, X, y, sample_weight, accept_sparse="csc", multi_output=True, ensure_all_finite=False
        )
    else:
        X, Y, sw = unchecked_fit_data(X, y, sample_weight)
    data = multitask_data(X, Y, sw, est.fit_intercept)
    penalty = GroupElasticNetPenalty(1.0, opts["l1_ratio"])
    alphas = _path_alphas(data, penalty, grid, eps)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64)
        shape = (data.n_targets, data.n_features)
        if coef_init.shape != shape:
            raise ValueError(f"coef_init must have shape {shape} for a 2-D y, got {coef_init.shape}")
        coef_init = coef_init.T
    sol = multitask_coordinate_descent(
        data, penalty, alphas=alphas, tol=opts["tol"], max_iter=opts["max_iter"], coef_init=coef_init,
        seed=seed,
    )  # fmt: skip
    out = (alphas, np.ascontiguousarray(sol.coefs.transpose(2, 1, 0), dtype=X.dtype), sol.gaps)
    return (*out, sol.n_iter) if return_n_iter else out


def enet_path(X, y=None, *, l1_ratio=0.5, **options):
    """Elastic-net solutions along a decreasing sequence of α: :func:`lasso_path` with l1_ratio = 0.5.

    The objective is :class:`ElasticNet`'s; every other argument is :func:`lasso_path`'s.
    """
    return lasso_path(X, y, l1_ratio=l1_ratio, **options)
