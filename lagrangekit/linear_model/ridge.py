"""Ridge regression, minimizing ‖y − Xw − b‖² + α‖w‖² by closed form or by first-order methods."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin

from ..result import KKTReport
from ._base import LinearPredictorMixin
from ._cvxpy_forms import ridge_problem
from ._ridge_gradient import GRADIENT_SOLVERS, solve_gradient
from ._ridge_iterative import solve_lbfgs, solve_lsqr, solve_sparse_cg, solve_sparse_cholesky
from ._ridge_quadratic import GramRidgeQuadratic, RowsRidgeQuadratic
from ._ridge_sag import solve_sag
from ._roles import L2Penalty
from ._validation import check_nonnegative, prepare_ridge_data
from .certificate import ridge_kkt
from .stats_fit import gram_stats_input

__all__ = ["Ridge", "RidgeFamily"]

CLOSED_FORMS: tuple[str, ...] = ("auto", "cholesky", "dual", "svd")
SOLVERS: tuple[str, ...] = (*CLOSED_FORMS, "lsqr", "sparse_cg", "sag", "saga", "lbfgs", *GRADIENT_SOLVERS)
SPARSE_INTERCEPT_SOLVERS: tuple[str, ...] = ("auto", "lsqr", "sparse_cg", "sag", "lbfgs")
"""Solvers that fit an intercept on sparse X (scikit-learn's rule); without intercept add these:"""
SPARSE_SOLVERS: tuple[str, ...] = (*SPARSE_INTERCEPT_SOLVERS, "cholesky", "saga")


class RidgeFamily(MultiOutputMixin, RegressorMixin, LinearPredictorMixin, BaseEstimator):
    """What Ridge and RidgeCV share: the KKT report and the cvxpy form of the fitted objective."""

    def _set_coef(self, W: np.ndarray, b: np.ndarray, *, y_ndim: int, dtype: np.dtype) -> None:
        """As :class:`LinearPredictorMixin`, with scikit-learn's Ridge shapes for y of shape (n, 1):
        ``coef_`` (n_features,) and ``intercept_`` (1,)."""
        super()._set_coef(W, b, y_ndim=y_ndim, dtype=dtype)
        if self.coef_.ndim == 2 and self.coef_.shape[0] == 1:
            self.coef_ = self.coef_[0]

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
        return ridge_problem(X, y, sample_weight, self.fit_intercept, alpha=self._cvxpy_alpha())

    def _cvxpy_alpha(self) -> float:
        return self._fitted_alpha()


def _reported_n_iter(requested: str, counts: Any, n_targets: int) -> Any:
    """``n_iter_`` from the iteration ``counts`` of the solver that ran (None for a direct solve):
    under "auto" the counts, a direct solve counting one per target; for a named solver
    scikit-learn's attribute, which is None for "sparse_cg" and "lbfgs" as for the direct ones."""
    if requested == "auto":
        return np.ones(n_targets, dtype=np.int32) if counts is None else counts
    return None if requested in ("sparse_cg", "lbfgs") else counts


class Ridge(RidgeFamily):
    """Linear least squares with an L2 penalty, scikit-learn's objective exactly.

    Minimizes over w and an unpenalized intercept b::

        Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖²

    (sᵢ = 1 without ``sample_weight``), so ``alpha`` means the same as in
    :class:`sklearn.linear_model.Ridge`; with ``positive=True`` subject to w >= 0. The
    intercept is handled by centring, implicitly (X is never copied) for the iterative
    solvers and for scipy.sparse X.

    Parameters
    ----------
    alpha : float or array_like of shape (n_targets,), default 1.0
        Penalty α >= 0, or one per target (each target is then its own Ridge). With α = 0 and a
        rank-deficient centred design the minimum-norm least-squares solution is returned with a
        :class:`SingularWarning` and ``solver_ = "svd"``.
    fit_intercept : bool, default True
    copy_X : bool, default True
        Accepted for scikit-learn compatibility: X is never modified, whatever its value.
    max_iter : int, optional
        Iteration limit of the iterative solvers (scipy's defaults for lsqr, sparse_cg and
        lbfgs, 1000 epochs for sag/saga, 10000 for the first-order methods).
    tol : float, default 1e-4
        Stopping tolerance of the iterative solvers (lsqr: atol = btol = tol; sparse_cg:
        relative residual; lbfgs: projected gradient <= tol·‖∇F(0)‖₂/√p; sag/saga:
        max|Δw| <= tol·max|w| per epoch; first-order methods: ‖∇F(w)‖₂ <= tol·‖∇F(0)‖₂);
        also the tolerance of :meth:`kkt`.
    solver : str, default "auto"
        scikit-learn's names, each a real algorithm of that kind:
        "auto" ("lbfgs" with ``positive``, "sparse_cg" for sparse X, else "cholesky" when
        n_samples >= n_features and "dual" otherwise);
        "cholesky" (primal: (XᵀX + αI)w = Xᵀy, cost dominated by one XᵀX) and "dual" (kernel
        form w = Xᵀ(XXᵀ + αI)⁻¹y): both estimate their own error from the factor (eps·κ, by
        LAPACK's condition estimator) and, past 1e-10 relative, solve by the SVD of the design
        instead (error eps·κ(X)), saying ``solver_ = "svd"``;
        "svd" (dense X); "lsqr" (:func:`scipy.sparse.linalg.lsqr` with damp √α); "sparse_cg"
        (conjugate gradients on the normal equations); "sag" / "saga" (stochastic average
        gradient, numba, seeded by ``random_state``); "lbfgs" (L-BFGS-B, only with
        ``positive=True``, as in scikit-learn). lagrangekit also offers first-order methods for
        teaching and comparison: "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"
        (:mod:`lagrangekit.optim`, dense X).
        Sparse X with ``fit_intercept`` takes "auto", "lsqr", "sparse_cg", "sag" or "lbfgs"
        (scikit-learn's rule); sparse X without intercept also "cholesky" and "saga".
    positive : bool, default False
        Constrain the coefficients to w >= 0 (solver "auto" or "lbfgs"). :meth:`kkt` then
        reports the bound-constrained KKT conditions with the bounds' multipliers.
    random_state : int, RandomState or None
        Seeds the sample order of "sag" and "saga"; the other solvers are deterministic.
    learning_rate : float, optional
        Step size of the first-order solvers. By default 1/L with L = 2(λ_max(XᵀX) + α)
        for gd/momentum/nesterov, and ‖∇F(0)‖∞/L for adagrad/rmsprop/adam. These three
        use eps = learning_rate·L, so as gradients vanish they step like gd with step 1/L
        and converge instead of cycling at a constant step.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
        0.0 without an intercept; otherwise a NumPy scalar or array of the input's float dtype.
    n_iter_ : ndarray of shape (n_targets,) int32, int or None
        With a named solver, scikit-learn's attribute: the iterations per target of "lsqr",
        "sag" and "saga" (epochs), None for the closed forms, "sparse_cg" and "lbfgs"; an int
        for the first-order methods. With ``solver="auto"`` always the iterations per target of
        the solver that ran (``solver_``), a direct solve counting one, so that its type does not
        depend on which solver "auto" chose (and an estimator with ``max_iter`` reports
        ``n_iter_ >= 1``, as scikit-learn's estimator checks ask).
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
        alpha: Any = 1.0,
        *,
        fit_intercept: bool = True,
        copy_X: bool = True,
        max_iter: int | None = None,
        tol: float = 1e-4,
        solver: str = "auto",
        positive: bool = False,
        random_state: Any = None,
        learning_rate: float | None = None,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state
        self.learning_rate = learning_rate

    _predict_accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        supported = SPARSE_INTERCEPT_SOLVERS if self.fit_intercept else SPARSE_SOLVERS
        tags.input_tags.sparse = self.solver in supported
        return tags

    def _fitted_alpha(self) -> Any:
        return _check_alpha(self.alpha)

    def kkt(self, X: Any, y: Any = None, sample_weight: Any = None) -> KKTReport:
        """KKT report of the fitted coefficients on (X, y), or on a GramStats, for ‖y − Xw − b‖² + α‖w‖².

        Stationarity is the gradient with respect to (w, b); ``scaled["stationarity"]``
        divides its 2-norm by the gradient norm at w = 0, b = ȳ (the gradient solvers'
        stopping measure) and is compared with ``tol``. With ``positive=True`` the conditions
        are those of the bound-constrained problem (see :func:`ridge_kkt`).
        """
        return ridge_kkt(self, X, y, sample_weight, self._fitted_alpha(), positive=bool(self.positive))

    def _cvxpy_problem(self, X: Any, y: Any, sample_weight: Any = None):
        """(problem, coef, intercept or None, None) for :func:`fit_cvxpy`."""
        return ridge_problem(
            X, y, sample_weight, self.fit_intercept, alpha=self._fitted_alpha(), positive=bool(self.positive)
        )

    def _check_params(self) -> str:
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {', '.join(map(repr, SOLVERS))}; got {self.solver!r}")
        if not isinstance(self.positive, (bool, np.bool_)):
            raise ValueError(f"positive must be True or False, got {self.positive!r}")
        if self.solver == "lbfgs" and not self.positive:
            raise ValueError(
                "'lbfgs' solver can be used only when positive=True. Please use another solver."
            )
        if self.positive and self.solver not in ("auto", "lbfgs"):
            raise ValueError(
                f"solver='{self.solver}' does not support positive fitting. Please set the solver "
                "to 'auto' or 'lbfgs', or set `positive=False`"
            )
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
        return self.solver

    def _resolve_solver(self, solver: str, is_sparse: bool, n: int, p: int) -> str:
        """The solver that runs for "auto", and scikit-learn's refusals for sparse X."""
        if self.positive:
            return "lbfgs"
        if is_sparse:
            supported = SPARSE_INTERCEPT_SOLVERS if self.fit_intercept else SPARSE_SOLVERS
            if solver not in supported:
                what = "fitting the intercept on sparse data" if self.fit_intercept else "sparse X"
                fix = " or set `fit_intercept=False`" if self.fit_intercept else ""
                raise ValueError(
                    f"solver='{solver}' does not support {what}. Please set the solver to one of "
                    f"{', '.join(map(repr, supported))}{fix}"
                )
            return "sparse_cg" if solver == "auto" else solver
        if solver == "auto":
            return "cholesky" if n >= p else "dual"
        return solver

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> Ridge:
        """Fit the model.

        Parameters
        ----------
        X : array_like or scipy.sparse matrix of shape (n_samples, n_features), GramStats or Dask array
            A :class:`GramStats` (with ``y`` and ``sample_weight`` omitted) fits from the
            statistics; a Dask array is reduced to them without being loaded.
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array_like of shape (n_samples,), optional
            Non-negative weights sᵢ of the squared errors.

        Returns
        -------
        self
        """
        solver = self._check_params()
        alpha = _check_alpha(self.alpha)
        if (stats := gram_stats_input(X, y, sample_weight)) is not None:
            if np.ndim(alpha) or self.positive:
                raise ValueError("fitting from GramStats takes a single float alpha and positive=False")
            self._record_summary_features(stats.n_features)
            datafit = GramRidgeQuadratic(stats, self.fit_intercept)
            W, b, self.solver_ = datafit.closed_form(float(alpha), solver)
            self.n_iter_ = _reported_n_iter(self.solver, None, stats.n_targets or 1)
            self._set_coef(W, b, y_ndim=1 if stats.n_targets is None else 2, dtype=np.dtype(np.float64))
            return self
        closed = solver in ("auto", "cholesky", "dual") and not self.positive
        data = prepare_ridge_data(self, X, y, sample_weight, ensure_all_finite=not closed, accept_sparse=True)
        n, p = data.X.shape
        k = data.Y.shape[1]
        alphas = np.broadcast_to(alpha, (k,)) if np.ndim(alpha) == 0 or np.size(alpha) == 1 else alpha
        if alphas.shape != (k,):
            raise ValueError(
                f"Number of targets and number of penalties do not correspond: {np.size(alpha)} != {k} "
                "(alpha has one value per target of y, or a single value)"
            )
        alphas = np.asarray(alphas, dtype=float).ravel()
        solver = self._resolve_solver(solver, sparse.issparse(data.X), n, p)
        self.n_iter_ = None
        datafit = RowsRidgeQuadratic(data.X, data.Y, data.sample_weight, self.fit_intercept)
        if solver in CLOSED_FORMS and not sparse.issparse(data.X):
            W, b, solver = datafit.closed_forms(alphas, solver)
        else:
            W, b = self._iterative(datafit, L2Penalty(alphas, bool(self.positive)), solver)
        self.n_iter_ = _reported_n_iter(self.solver, self.n_iter_, k)
        self.solver_ = solver
        self._set_coef(W, b, y_ndim=data.y_ndim, dtype=data.dtype)
        return self

    def _iterative(
        self, datafit: RowsRidgeQuadratic, penalty: L2Penalty, solver: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(W, b) by an iterative solver on the datafit's implicit centred design (or the sparse
        closed form), or by a first-order method on its dense rows."""
        tol = float(self.tol)
        if solver in GRADIENT_SOLVERS:
            if sparse.issparse(datafit.X) or np.ptp(penalty.alphas) > 0:
                raise ValueError(f"solver={solver!r} takes dense X and a single alpha")
            W, x_off, y_off, result = solve_gradient(
                datafit,
                float(penalty.alphas[0]),
                solver,
                learning_rate=self.learning_rate,
                max_iter=10_000 if self.max_iter is None else self.max_iter,
                tol=tol,
            )
            self.n_iter_ = 0 if result is None else result.nit
            return W, y_off - W @ x_off
        if solver == "lsqr":
            W, self.n_iter_ = solve_lsqr(datafit, penalty, tol=tol, max_iter=self.max_iter)
        elif solver == "sparse_cg":
            W, self.n_iter_ = solve_sparse_cg(datafit, penalty, tol=tol, max_iter=self.max_iter)
        elif solver == "lbfgs":
            W, self.n_iter_ = solve_lbfgs(datafit, penalty, tol=tol, max_iter=self.max_iter)
        elif solver in ("sag", "saga"):
            W, self.n_iter_ = solve_sag(
                datafit, penalty, saga=solver == "saga", tol=tol, max_iter=self.max_iter,
                random_state=self.random_state,
            )  # fmt: skip
        else:  # "cholesky" on sparse X without intercept: the dense Gram matrix of the design
            W = solve_sparse_cholesky(datafit, penalty)
        return W, datafit.intercepts(W)


def _check_alpha(alpha: Any) -> Any:
    """A float α >= 0, or a 1-D array of them (one per target); ValueError naming ``alpha`` otherwise."""
    if np.ndim(alpha) == 0:
        return check_nonnegative(alpha, "alpha")
    values = np.asarray(alpha, dtype=object).ravel()
    if values.size == 0:
        raise ValueError("alpha must be a float or a non-empty array of floats, one per target")
    return np.array([check_nonnegative(a, "each alpha") for a in values], dtype=float)
