"""LogisticRegression with scikit-learn 1.9's API: the penalized Bernoulli or categorical (softmax) MLE."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sparse
from scipy.special import log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..errors import ConvergenceWarning
from ..likelihood.information import SingularInformationWarning, invert_information
from ..likelihood.mle import MLEResult
from ..likelihood.separation import PerfectSeparationWarning
from ..result import KKTReport
from ._logistic_callbacks import LbfgsCallbackSupport, LbfgsIterations, fit_task, with_callbacks
from ._logistic_loss import LogisticLoss
from ._logistic_mle import multinomial_mle, separation_by_class
from ._logistic_params import PenaltyChoice, check_parameters, check_solver, resolve_penalty
from ._logistic_solvers import (
    PenalizedLogistic,
    coordinate_descent,
    lbfgs,
    newton_cg,
    newton_cholesky,
    stochastic_average,
)
from ._roles import ElasticNetPenalty, check_roles
from ._validation import check_finite_squares
from .certificate import stationarity_report

__all__ = ["LogisticRegression"]

# a penalized fit (finite whatever the data) checks separation, for information, only on dense
# designs with n·(p + 1)·K up to this size: the joint multinomial LP has n(K − 1) rows of K(p + 1)
_SEPARATION_CHECK_LIMIT = 1_000_000
# scikit-learn's first sentence when a solver stops at max_iter (code that filters on it keeps working)
_NOT_CONVERGED = {
    "lbfgs": "lbfgs failed to converge.",
    "newton-cg": "newton-cg failed to converge. Increase the number of iterations.",
    "newton-cholesky": "Newton solver did not converge after {n_iter} iterations.",
    "liblinear": "Liblinear failed to converge, increase the number of iterations.",
    "sag": "The max_iter was reached which means the coef_ did not converge.",
    "saga": "The max_iter was reached which means the coef_ did not converge.",
}


def _with_constant_column(X: sparse.csr_matrix, value: float) -> sparse.csr_matrix:
    """[X | value] in CSR, the new entry last in each row (one copy of the arrays, no COO detour)."""
    n, p = X.shape
    indptr = X.indptr.astype(np.int64) + np.arange(n + 1)
    last = indptr[1:] - 1
    old = np.ones(X.nnz + n, dtype=bool)
    old[last] = False
    data = np.empty(X.nnz + n)
    indices = np.empty(X.nnz + n, dtype=np.int64 if p + 1 > np.iinfo(np.int32).max else np.int32)
    data[old], indices[old] = X.data, X.indices
    data[last], indices[last] = value, p
    return sparse.csr_matrix((data, indices, indptr), shape=(n, p + 1))


class LogisticRegression(ClassifierMixin, LbfgsCallbackSupport, BaseEstimator):
    """Logistic regression, binary or multinomial (softmax), as scikit-learn 1.9's ``LogisticRegression``.

    With K classes (``classes_``, any sortable labels), sample weights sᵢ (``sample_weight``
    times ``class_weight``), logits zᵢ = Wxᵢ + b and the mix ρ = ``l1_ratio``, the fit minimizes

        Σᵢ sᵢ ℓ(yᵢ, zᵢ) + (1/C)·[ρ‖W‖₁ + ½(1 − ρ)‖W‖²_F],

    scikit-learn's objective, where ℓ is the negative log-likelihood of the observed class:
    for K = 2 the Bernoulli NLL (binary cross-entropy) of ``classes_[1]`` with one row W of shape
    (1, p); for K >= 3 the categorical NLL (softmax cross-entropy) with one row per class,
    ``coef_`` of shape (K, p). The intercepts are not penalized (except by ``solver="liblinear"``,
    as scikit-learn's: see ``intercept_scaling``). Divided by Σsᵢ this is the mean
    cross-entropy plus α·penalty with **α = 1/(C·Σsᵢ)**; ``C=np.inf`` fits without a penalty
    (the maximum likelihood estimate, with :meth:`mle_result`).

    The multinomial model is symmetric: adding a vector to every class's coefficients (or a
    constant to every intercept) changes no probability. The fit returns intercepts that sum to
    0 over the classes and, without a penalty, coefficients that do too (the L2 penalty gives
    that by itself); :meth:`mle_result` maps this to statsmodels' baseline-category form.

    Parameters
    ----------
    penalty : {"l1", "l2", "elasticnet", None}, deprecated
        As in scikit-learn 1.8+: leave it unset and choose with ``l1_ratio`` and ``C``
        (a value warns ``FutureWarning``; ``None`` ignores C).
    C : float in (0, inf], default 1.0
        Inverse penalty strength; ``np.inf`` for no penalty.
    l1_ratio : float in [0, 1], default 0.0
        ρ: 0 is L2, 1 is L1, in between the elastic net (``solver="saga"`` only).
    dual : bool, default False
        Accepted with ``solver="liblinear"`` for compatibility; the primal is always solved
        (its solution is the dual's).
    tol : float, default 1e-4
        Stopping tolerance, on the solver's own measure (see ``solver``).
    fit_intercept : bool, default True
    intercept_scaling : float > 0, default 1
        ``solver="liblinear"`` only, with scikit-learn's meaning: the intercept is the
        coefficient of a synthetic feature column of this constant value, penalized like the
        others, and ``intercept_ = intercept_scaling · w_{p+1}``. The fit, ``objective_`` and
        :meth:`kkt` are then those of [X | intercept_scaling] without an intercept, so
        ``solver="liblinear"`` gives scikit-learn's liblinear model (a larger value weakens
        the penalty on the intercept). No effect with the other solvers, whose intercept is
        unpenalized.
    class_weight : dict, "balanced" or None
        Multiplies the sample weights, as in scikit-learn (``sklearn.utils.compute_class_weight``).
    random_state : int, RandomState or None
        The sampling of ``"sag"`` and ``"saga"``, and the order of the coordinates in each
        sweep of ``"liblinear"``.
    solver : {"lbfgs", "newton-cg", "newton-cholesky", "liblinear", "sag", "saga"}, default "lbfgs"
        Each runs a real algorithm of its kind (:mod:`._logistic_solvers`):

        - ``"lbfgs"``: scipy's L-BFGS-B; stops at ‖∇F‖∞ <= tol (F the mean objective).
        - ``"newton-cg"``: truncated Newton, conjugate gradients on Hessian-vector products;
          ‖∇F‖∞ <= tol.
        - ``"newton-cholesky"``: Newton with the Hessian (size m(p + 1)) factored by Cholesky;
          ‖∇F‖∞ <= tol.
        - ``"liblinear"``: binary only, as liblinear. newGLMNET, the algorithm of liblinear's
          L1 solver, for L1 and L2: proximal Newton whose quadratic models are solved by
          coordinate descent with soft-thresholding over a shrunk working set, coordinates in
          a random order; stops, as liblinear, when the 1-norm of the minimum-norm subgradient
          is <= tol·max(min(#class 0, #class 1), 1)/n times its 1-norm at the start. As liblinear, the
          intercept is penalized (see ``intercept_scaling``) and ``coef_`` is float64.
        - ``"sag"`` / ``"saga"``: stochastic average gradient (SAGA with the proximal L1
          step); stop when an epoch moves no coefficient by more than tol times the largest.

        ``lbfgs``, ``newton-cg``, ``newton-cholesky`` and ``sag`` take L2 or no penalty,
        ``liblinear`` L1 or L2, ``saga`` all.
    max_iter : int, default 100
        Iterations (epochs for sag/saga). 0 returns the start point.
    verbose : int, default 0
        Accepted; nothing is printed.
    warm_start : bool, default False
        Start from the previous fit's ``coef_`` and ``intercept_`` when their shapes match.
    n_jobs : int or None
        No effect (as in scikit-learn 1.8+, which warns ``FutureWarning``).
    alpha : float or None, deprecated
        lagrangekit's former parameter: the penalty strength of the mean objective. When given,
        C = 1/(α·Σsᵢ) (C = 1/(n·α) without weights; α = 0 is ``C=np.inf``) and C is ignored;
        it warns ``FutureWarning`` and will be removed.

    Attributes
    ----------
    classes_ : ndarray of shape (K,)
    coef_ : ndarray of shape (1, p) for K = 2, (K, p) otherwise
    intercept_ : ndarray of shape (1,) or (K,)
    n_iter_ : ndarray of shape (1,), int32
    n_features_in_, feature_names_in_ : as in scikit-learn
    converged_ : bool
        The solver met its tolerance (False for an unpenalized fit on separable data).
    objective_ : float
        The mean objective F = Σωᵢℓᵢ + α·penalty at the solution (ωᵢ = sᵢ/Σsⱼ).
    certified_ : bool
        :meth:`kkt` holds on the training data at tolerance 10·tol.
    separable_ : bool or None
        True when the training data are (quasi-)completely separable (linear programs, per
        class and jointly); None when not checked: a penalized fit (finite in any case) checks
        only dense designs with n·(p + 1)·K <= 10⁶.
    separation_ : ClassSeparation or None
        The verdicts with separating directions.
    message_ : str
        What happened: the solver, convergence, the certificate and the separation statement.
    """

    def __init__(
        self,
        penalty: Any = "deprecated",
        *,
        C: float = 1.0,
        l1_ratio: float | None = 0.0,
        dual: bool = False,
        tol: float = 1e-4,
        fit_intercept: bool = True,
        intercept_scaling: float = 1,
        class_weight: Any = None,
        random_state: Any = None,
        solver: str = "lbfgs",
        max_iter: int = 100,
        verbose: int = 0,
        warm_start: bool = False,
        n_jobs: int | None = None,
        alpha: float | None = None,
    ) -> None:
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.alpha = alpha

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------ fit
    def _settings(self) -> tuple[str, PenaltyChoice]:
        solver = check_parameters(self)
        choice = resolve_penalty(self)
        check_solver(solver, choice.kind, self.dual)
        return solver, choice

    def _weights(self, X: Any, encoded: np.ndarray, y: np.ndarray, sample_weight: Any) -> np.ndarray:
        """sᵢ = sample_weight × class_weight of yᵢ (a new array; the caller's is not touched)."""
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64, copy=True, ensure_non_negative=True)
        if self.class_weight is not None:
            sw = (
                sw
                * compute_class_weight(self.class_weight, classes=self.classes_, y=y, sample_weight=sw)[
                    encoded
                ]
            )
        if not np.any(sw > 0):
            raise ValueError("sample_weight (times class_weight) must have at least one positive entry")
        return sw

    def _intercept_column(self, solver: str) -> float | None:
        """liblinear's synthetic feature: the value ``intercept_scaling`` of the penalized column
        that carries the intercept (b = intercept_scaling·w_{p+1}); None for the other solvers."""
        return float(self.intercept_scaling) if solver == "liblinear" and self.fit_intercept else None

    def _loss(self, X: Any, encoded: np.ndarray, sw: np.ndarray, solver: str) -> LogisticLoss:
        """The datafit; for liblinear with an intercept, on [X | intercept_scaling] without one."""
        X = X.astype(np.float64, copy=False)
        column = self._intercept_column(solver)
        if sparse.issparse(X):
            X = sparse.csr_matrix(X)
            if column is not None:
                X = _with_constant_column(X, column)
        elif column is not None:
            X = np.column_stack([X, np.full(X.shape[0], column)])
        if column is not None and not np.isfinite(column * column):
            raise ValueError(
                f"intercept_scaling={column!r} is so large that its square overflows float64: liblinear "
                "penalizes a column of that value; use a value near the scale of X's columns"
            )
        fit_intercept = bool(self.fit_intercept) and column is None
        return LogisticLoss(X, encoded, len(self.classes_), sw / sw.sum(), fit_intercept)

    @with_callbacks
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Minimize the objective of the class docstring on (X, y); returns ``self``.

        X may be dense or scipy.sparse; y any labels; sample_weight non-negative frequency weights.
        Callbacks set by ``set_callbacks`` (scikit-learn >= 1.9) are called as scikit-learn's:
        a ``fit`` task and, with ``solver="lbfgs"``, one subtask per iteration.
        """
        solver, choice = self._settings()
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32], ensure_all_finite=False
        )
        check_finite_squares(X, self)
        with fit_task(self, X, y, sample_weight, max(int(self.max_iter), 1) + 1) as context:
            return self._fit(X, y, sample_weight, solver, choice, context)

    def _fit(
        self, X: Any, y: np.ndarray, sample_weight: Any, solver: str, choice: PenaltyChoice, context: Any
    ) -> LogisticRegression:
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data contains "
                f"only one class: {classes[0]!r}"
            )
        if solver == "liblinear" and classes.size > 2:
            raise ValueError(
                "The 'liblinear' solver does not support multiclass classification (n_classes >= 3). "
                "Either use another solver or wrap the estimator in a OneVsRestClassifier to keep "
                "applying a one-versus-rest scheme."
            )
        previous = self._warm_start_theta(classes, X.shape[1], solver)
        self.classes_ = classes
        sw = self._weights(X, encoded, y, sample_weight)
        loss = self._loss(X, encoded, sw, solver)
        alpha = choice.strength(float(sw.sum()))
        objective = PenalizedLogistic(loss, ElasticNetPenalty(alpha, choice.l1_ratio))
        check_roles("kkt", loss, objective.penalty)
        theta0 = previous if previous is not None else np.zeros(loss.size)
        dtype = np.float64 if solver == "liblinear" else X.dtype

        def attributes(theta: np.ndarray) -> dict:
            coef, intercept = self._coefficients(self._symmetric(theta, loss, alpha), loss, solver, dtype)
            return {"coef_": coef, "intercept_": intercept}

        iterations = None
        if solver == "lbfgs" and context is not None and hasattr(self, "_skl_callbacks"):
            iterations = LbfgsIterations(context, self, X, y, sample_weight, theta0, attributes)
        theta, n_iter, converged = self._run(solver, objective, theta0, iterations)
        # F and ∂F at the solver's θ, usually its last evaluation (no pass over X): they are those
        # of the symmetric θ below, whose shift changes no probability and no penalized entry
        self.objective_, residual = objective.value_and_residual(theta)
        theta = self._symmetric(theta, loss, alpha)
        self.coef_, self.intercept_ = self._coefficients(theta, loss, solver, dtype)
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        self.solver_ = solver
        self.converged_ = converged
        if not converged:
            warnings.warn(
                f"{_NOT_CONVERGED[solver].format(n_iter=n_iter)} LogisticRegression ({solver}) did not reach "
                f"tol={self.tol:g} in {n_iter} iterations: increase max_iter (or scale the data)",
                ConvergenceWarning,
                stacklevel=4,  # the caller of fit (through with_callbacks)
            )
        self._check_separation(loss, theta, choice.kind is None or alpha == 0)
        report = self._report(objective, theta, residual)
        self.certified_ = report.ok
        self.message_ = (
            f"{solver}: {'converged' if self.converged_ else 'did not converge'} in {n_iter} iterations; "
            f"KKT {'certified' if report.ok else 'NOT certified'} (stationarity {report.stationarity:.2e}); "
            + (
                self.separation_.message
                if self.separation_ is not None
                else "separation not checked (a penalized fit on a large or sparse design; it is finite)"
            )
        )
        if self.separable_ and choice.kind is not None and alpha > 0:
            self.message_ += f"; this penalized fit (C={self.C:g}) is finite"
        return self

    def _warm_start_theta(self, classes: np.ndarray, n_features: int, solver: str) -> np.ndarray | None:
        if not self.warm_start or not hasattr(self, "coef_"):
            return None
        rows = 1 if classes.size == 2 else classes.size
        if self.coef_.shape != (rows, n_features):
            raise ValueError(
                f"warm_start: the previous coef_ has shape {self.coef_.shape}, but this fit needs "
                f"({rows}, {n_features}); set warm_start=False or refit on data of the same shape"
            )
        return self._theta(solver)

    def _run(
        self, solver: str, objective: PenalizedLogistic, theta0: np.ndarray, iterations: Any = None
    ) -> tuple:
        max_iter, tol = int(self.max_iter), float(self.tol)
        if max_iter == 0:
            if iterations is not None:
                iterations.close()
            return theta0, 0, False
        if solver in ("sag", "saga"):
            rng = check_random_state(self.random_state)
            return stochastic_average(
                objective, theta0, max_iter, tol, saga=solver == "saga", rng=rng
            )
        if solver == "liblinear":
            rng = check_random_state(self.random_state)
            return coordinate_descent(objective, theta0, max_iter, tol, rng=rng)
        if solver == "lbfgs":
            fit = lbfgs(objective, theta0, max_iter, tol, callback=iterations)
            if iterations is not None:
                iterations.close()
            return fit
        run = {"newton-cg": newton_cg, "newton-cholesky": newton_cholesky}[solver]
        return run(objective, theta0, max_iter, tol)

    @staticmethod
    def _symmetric(theta: np.ndarray, loss: LogisticLoss, alpha: float) -> np.ndarray:
        """Multinomial: intercepts (and, without a penalty, coefficients) centred over the classes."""
        if loss.n_rows == 1:
            return theta
        T = theta.reshape(loss.n_rows, loss.n_columns).copy()
        free = ~loss.penalized[: loss.n_columns] if alpha > 0 else np.ones(loss.n_columns, dtype=bool)
        T[:, free] -= T[:, free].mean(axis=0)
        return T.ravel()

    def _coefficients(
        self, theta: np.ndarray, loss: LogisticLoss, solver: str, dtype: np.dtype
    ) -> tuple[np.ndarray, np.ndarray]:
        """(coef_, intercept_) of θ."""
        W, b = loss.split(theta)
        column = self._intercept_column(solver)
        if column is not None:  # liblinear: the last coefficient times intercept_scaling
            W, b = W[:, :-1], column * W[:, -1]
        b = b if self.fit_intercept else np.zeros(loss.n_rows)
        return np.array(W, dtype=dtype), np.array(b, dtype=dtype)

    def _theta(self, solver: str) -> np.ndarray:
        """The fitted (coef_, intercept_) as the flat θ of the solver's datafit (see :meth:`_loss`)."""
        W = self.coef_.toarray() if sparse.issparse(self.coef_) else self.coef_
        W = np.asarray(W, dtype=np.float64)
        if self.fit_intercept:
            b = np.asarray(self.intercept_, dtype=np.float64)
            column = self._intercept_column(solver)
            W = np.column_stack([W, b if column is None else b / column])
        return W.ravel()

    def _report(
        self, objective: PenalizedLogistic, theta: np.ndarray, residual: np.ndarray | None = None
    ) -> KKTReport:
        """Stationarity of F at θ: |min-norm subgradient| per entry (``residual``, if known),
        scaled by ‖∇f(0)‖₂."""
        if residual is None:
            residual = objective.residual(theta)
        scale = float(np.linalg.norm(objective.loss.gradient(np.zeros_like(theta))))
        penalty = objective.penalty
        what = (
            "no penalty"
            if penalty.alpha == 0
            else f"alpha = 1/(C·Σs) = {penalty.alpha:.6g}, l1_ratio={penalty.l1_ratio:g}"
        )
        return stationarity_report(
            residual,
            scale,
            tol=max(float(self.tol), 1e-12) * 10,
            message=f"unconstrained ({what}): stationarity is the distance of 0 from ∂F(W, b); "
            "scaled by ‖∇f‖₂ at (W, b) = 0",
        )

    def _check_separation(self, loss: LogisticLoss, theta: np.ndarray, unpenalized: bool) -> None:
        """Per-class separation (see :mod:`._logistic_mle`); warns for an unpenalized fit."""
        self.separation_ = None
        self.separable_ = None
        size = loss.X.shape[0] * loss.n_columns * loss.n_rows
        if not unpenalized and (sparse.issparse(loss.X) or size > _SEPARATION_CHECK_LIMIT):
            return
        keep = loss.weights > 0
        A = loss.X[keep]
        A = A.toarray() if sparse.issparse(A) else np.asarray(A)
        A = np.column_stack([A, np.ones(A.shape[0])]) if loss.fit_intercept else A
        P = loss.probabilities(loss.logits(theta))[keep]
        P = np.column_stack([1 - P[:, 0], P[:, 0]]) if loss.n_rows == 1 else P
        self.separation_ = separation_by_class(A, loss.labels[keep], self.classes_, P, loss.weights[keep])
        self.separable_ = self.separation_.separable
        if self.separable_ and unpenalized:
            warnings.warn(
                f"LogisticRegression: {self.separation_.message}", PerfectSeparationWarning, stacklevel=5
            )
            self.converged_ = False  # there is no minimizer to converge to

    # ------------------------------------------------------------------ predict
    def decision_function(self, X: Any) -> np.ndarray:
        """Logits XWᵀ + b: shape (n,) for two classes (positive means ``classes_[1]``), (n, K) otherwise."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=[np.float64, np.float32])
        scores = X @ self.coef_.T
        scores = scores.toarray() if sparse.issparse(scores) else np.asarray(scores)
        scores = scores + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """log P(class | x), shape (n, K), stably: [log σ(−z), log σ(z)] or log softmax(z)."""
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([log_expit(-z), log_expit(z)])
        return log_softmax(z, axis=1)

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(class | x), shape (n, K), columns in the order of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class."""
        z = self.decision_function(X)
        index = (z > 0).astype(int) if z.ndim == 1 else z.argmax(axis=1)
        return self.classes_[index]

    def densify(self) -> LogisticRegression:
        """``coef_`` as a dense array (after :meth:`sparsify`)."""
        check_is_fitted(self)
        if sparse.issparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self

    def sparsify(self) -> LogisticRegression:
        """``coef_`` as a scipy.sparse CSR matrix (useful after an L1 fit)."""
        check_is_fitted(self)
        self.coef_ = sparse.csr_matrix(self.coef_)
        return self

    # ------------------------------------------------------------------ certificates
    def _objective_on(
        self, X: Any, y: Any, sample_weight: Any
    ) -> tuple[PenalizedLogistic, np.ndarray]:
        """The fitted model's objective on (X, y) and the weights sᵢ (the estimator is not modified)."""
        check_is_fitted(self)
        solver, choice = self._settings()
        probe = copy.copy(self)
        X, y = validate_data(
            probe, X, y, accept_sparse="csr", dtype=[np.float64, np.float32], ensure_all_finite=False
        )
        check_finite_squares(X, self)
        if probe.n_features_in_ != self.n_features_in_:
            raise ValueError(
                f"X has {probe.n_features_in_} features, but the model was fitted with {self.n_features_in_}"
            )
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y has labels {unknown[:5].tolist()} not among classes_ {self.classes_.tolist()}"
            )
        encoded = np.searchsorted(self.classes_, y)
        sw = self._weights(X, encoded, y, sample_weight)
        loss = self._loss(X, encoded, sw, solver)
        penalty = ElasticNetPenalty(choice.strength(float(sw.sum())), choice.l1_ratio)
        return PenalizedLogistic(loss, penalty), sw

    def kkt(self, X: Any, y: Any, sample_weight: Any = None) -> KKTReport:
        """Optimality certificate of the fitted (W, b) for the mean objective on (X, y).

        The problem is unconstrained: stationarity is the ∞-norm of the minimum-norm element
        of ∂F (∇F for L2; with L1, the distance of −∇f − l2·w to α·ρ·∂‖w‖₁ per coefficient).
        The scaled residual divides its 2-norm by ‖∇f‖₂ at (W, b) = 0 and is compared with
        10·``tol`` (the solvers stop on their own measures).
        """
        objective, _ = self._objective_on(X, y, sample_weight)
        return self._report(objective, self._theta(self.solver))

    def _cvxpy_problem(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[Any, Any, Any, None]:
        """The mean objective as a cvxpy problem, for :func:`fit_cvxpy` (variables shaped like the fit's)."""
        import cvxpy as cp

        objective, _ = self._objective_on(X, y, sample_weight)
        loss, penalty = objective.loss, objective.penalty
        m, p = loss.n_rows, self.n_features_in_
        coef = cp.Variable((m, p), name="coef")
        intercept = cp.Variable(m, name="intercept") if self.fit_intercept else None
        shift = cp.reshape(intercept, (1, m), order="C") if intercept is not None else 0
        Z = loss.X[:, :p] @ coef.T + shift
        column = self._intercept_column(self.solver)  # liblinear's penalized intercept column
        penalized = coef if column is None else cp.hstack([coef, shift.T / column])
        if m == 1:
            t = (loss.labels == 1).astype(float)
            nll = loss.weights @ (cp.logistic(Z[:, 0]) - cp.multiply(t, Z[:, 0]))
        else:
            onehot = (loss.labels[:, None] == np.arange(m)).astype(float)
            nll = loss.weights @ (cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(onehot, Z), axis=1))
        obj = nll + penalty.l1 * cp.sum(cp.abs(penalized)) + 0.5 * penalty.l2 * cp.sum_squares(penalized)
        return cp.Problem(cp.Minimize(obj)), coef, intercept, None

    def mle_result(self, X: Any, y: Any, sample_weight: Any = None) -> MLEResult:
        """The unpenalized fit as an :class:`~lagrangekit.likelihood.MLEResult` with standard errors.

        Binary: parameters (intercept, coef…) as statsmodels ``Logit``. Multinomial: the
        baseline-category parameters of statsmodels ``MNLogit`` with ``classes_[0]`` as the
        baseline, βₖ = (bₖ − b₀, wₖ − w₀) for k = 1…K−1, class by class (``params`` is
        ``MNLogit(...).params.T.ravel()``); the covariance is the inverse observed information of
        that parametrization. Raises ``ValueError`` for penalized fits and separable data.
        """
        objective, weights = self._objective_on(X, y, sample_weight)
        loss = objective.loss
        if objective.penalty.alpha > 0:
            raise ValueError("mle_result() needs an unpenalized fit: use C=np.inf")
        if self.separable_:
            raise ValueError(f"no MLE to report: {self.separation_.message}")
        theta = self._theta(self.solver)
        report = self._report(objective, theta)
        Xd = loss.X.toarray() if sparse.issparse(loss.X) else loss.X
        A = np.column_stack([np.ones(Xd.shape[0]), Xd]) if self.fit_intercept else Xd
        Z = loss.logits(theta)
        P = loss.probabilities(Z)
        p = self.n_features_in_
        features = [str(n) for n in getattr(self, "feature_names_in_", [f"x{j}" for j in range(p)])]
        names = (["intercept"] if self.fit_intercept else []) + features
        if loss.n_rows == 1:
            W, b = loss.split(theta)
            params = np.r_[b, W[0]] if self.fit_intercept else W[0]
            information = (A.T * (weights * P[:, 0] * (1 - P[:, 0]))) @ A
            cov, ok, message = invert_information(information)
        else:
            W, b = loss.split(theta)
            inference = multinomial_mle(A, weights, P, W, b)
            params, information, cov, ok, message = (
                inference.params,
                inference.information,
                inference.cov,
                inference.ok,
                inference.message,
            )
            names = [f"{self.classes_[k]}: {name}" for k in range(1, len(self.classes_)) for name in names]
        if not ok:
            warnings.warn(
                f"LogisticRegression.mle_result: {message}", SingularInformationWarning, stacklevel=2
            )
        llf = -float(weights.sum()) * loss.loss(Z)
        return MLEResult(
            model="logistic" if loss.n_rows == 1 else "multinomial logistic",
            param_names=tuple(names),
            params=params,
            cov_params=cov,
            information=information,
            llf=llf,
            nobs=loss.X.shape[0],
            k_params=params.size,
            converged=bool(self.converged_) and report.ok,
            method=self.solver_,
            status="optimal" if report.ok else "failed",
            kkt=report,
            information_ok=ok,
            message=message,
        )
