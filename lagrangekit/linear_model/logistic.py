"""Binary logistic regression as penalized maximum likelihood: Newton (IRLS), gradient descent, FISTA."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
import scipy.linalg as sla
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..errors import ConvergenceWarning
from ..likelihood.bernoulli import binary_cross_entropy, binary_cross_entropy_grad
from ..likelihood.information import SingularInformationWarning, invert_information
from ..likelihood.mle import MLEResult
from ..likelihood.separation import PerfectSeparationWarning, Separation, check_separation
from ..optim import GradientTransformation, minimize_smooth, proximal_gradient, sgd
from ..result import KKTReport
from ._preprocessing import center_data
from ._validation import check_nonnegative, check_squares_representable, validate_fit_data
from .certificate import stationarity_report

__all__ = ["LogisticRegression"]

_PENALTIES = (None, "l2", "l1")
_SOLVERS = ("auto", "newton", "gd", "fista")


class _Objective:
    """F(θ) = (1/Σs)Σ sᵢ ℓ(tᵢ, zᵢ) + (α₂/2)‖w‖² + α₁‖w‖₁, z = Aθ, θ = (w, b), A = [X, 1]."""

    def __init__(
        self,
        X: np.ndarray,
        t: np.ndarray,
        sample_weight: np.ndarray | None,
        alpha: float,
        penalty: str | None,
        fit_intercept: bool,
    ) -> None:
        self.A = np.hstack([X, np.ones((X.shape[0], 1))]) if fit_intercept else X
        self.fit_intercept = fit_intercept
        self.t = t
        self.sample_weight = sample_weight
        n = X.shape[0]
        self.weights = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / sample_weight.sum()
        self.mask = np.ones(self.A.shape[1])
        if fit_intercept:
            self.mask[-1] = 0.0  # the intercept is not penalized
        self.l2 = alpha if penalty == "l2" else 0.0
        self.l1 = alpha if penalty == "l1" else 0.0

    def centered(self) -> tuple[_Objective, np.ndarray]:
        """The same objective on (weighted-)centred columns, better conditioned, and the means x̄.

        Minimizing over θ' = (w, b') there is minimizing over θ = (w, b' − x̄·w) here, since
        the intercept is not penalized. Without an intercept nothing changes.
        """
        if not self.fit_intercept:
            return self, np.zeros(self.A.shape[1])
        data = center_data(self.A[:, :-1], self.t, self.sample_weight, True)
        other = copy.copy(self)
        other.A = np.hstack([data.X, np.ones((data.X.shape[0], 1))])
        return other, data.X_offset

    def smooth(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Value and gradient of the smooth part: mean BCE + (α₂/2)‖w‖², gradient Aᵀs(σ(z) − t)/Σs + α₂w."""
        z = self.A @ theta
        w = self.mask * theta
        loss = binary_cross_entropy(self.t, logits=z, sample_weight=self.sample_weight)
        grad_z = binary_cross_entropy_grad(self.t, z, sample_weight=self.sample_weight)
        return float(loss) + 0.5 * self.l2 * float(w @ w), self.A.T @ grad_z + self.l2 * w

    def value(self, theta: np.ndarray) -> float:
        return self.smooth(theta)[0] + self.l1 * float(np.abs(self.mask * theta).sum())

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Aᵀ diag(sᵢ pᵢ(1 − pᵢ)/Σs) A + α₂ diag(mask)."""
        z = self.A @ theta
        curvature = self.weights * expit(z) * expit(-z)
        return (self.A.T * curvature) @ self.A + self.l2 * np.diag(self.mask)

    def lipschitz(self) -> float:
        """A Lipschitz constant of the smooth gradient: λmax(Aᵀ diag(s/Σs) A)/4 + α₂."""
        gram = (self.A.T * self.weights) @ self.A
        return float(np.linalg.eigvalsh(gram)[-1]) / 4 + self.l2

    def prox(self, v: np.ndarray, step: float) -> np.ndarray:
        """Soft-thresholding of the penalized coordinates at step·α₁."""
        threshold = step * self.l1 * self.mask
        return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)

    def subgradient(self, theta: np.ndarray) -> np.ndarray:
        """The minimum-norm element of ∂F(θ) = ∇f(θ) + α₁∂‖w‖₁ (∇F itself without l1)."""
        g = self.smooth(theta)[1]
        if self.l1 == 0:
            return g
        penalized = self.mask > 0
        at_zero = penalized & (theta == 0)
        residual = np.where(penalized, g + self.l1 * np.sign(theta), g)
        return np.where(at_zero, np.sign(g) * np.maximum(np.abs(g) - self.l1, 0.0), residual)

    def stationarity(self, theta: np.ndarray) -> float:
        """‖·‖∞ distance of 0 from ∂F(θ)."""
        return float(np.abs(self.subgradient(theta)).max(initial=0.0))


def _newton_direction(obj: _Objective, theta: np.ndarray, g: np.ndarray, H: np.ndarray) -> np.ndarray:
    """The (proximal) Newton step: argmin_d gᵀd + ½dᵀHd + α₁‖w + d_w‖₁.

    Without l1 this is −H⁻¹g (one IRLS step); with l1 the penalized quadratic is solved by
    cyclic coordinate descent with soft-thresholding (the glmnet inner loop).
    """
    if obj.l1 == 0:
        try:
            return -sla.cho_solve(sla.cho_factor(H), g)
        except (np.linalg.LinAlgError, sla.LinAlgError):
            return -np.linalg.lstsq(H, g, rcond=None)[0]
    u = theta.copy()
    r = g.copy()  # gradient of the quadratic model at u: g + H(u − θ)
    thresholds = obj.l1 * obj.mask
    diag = np.diag(H)
    for _ in range(200):
        biggest = 0.0
        for j in range(u.size):
            if diag[j] <= 1e-300:
                continue
            v = u[j] - r[j] / diag[j]
            new = np.sign(v) * max(abs(v) - thresholds[j] / diag[j], 0.0)
            delta = new - u[j]
            if delta != 0.0:
                r += H[:, j] * delta
                u[j] = new
                biggest = max(biggest, abs(delta))
        if biggest <= 1e-12 * max(1.0, float(np.abs(u).max())):
            break
    return u - theta


def _newton(obj: _Objective, theta: np.ndarray, max_iter: int, tol: float) -> tuple[np.ndarray, int, bool]:
    """Damped (proximal) Newton, i.e. IRLS, with Armijo backtracking on F.

    Stops when the ∞-norm of the minimum-norm subgradient of F (``obj.stationarity``) is <= tol.
    """
    for it in range(max_iter + 1):
        if obj.stationarity(theta) <= tol:
            return theta, it, True
        if it == max_iter:
            break
        f, g = obj.smooth(theta)
        F = f + obj.l1 * float(np.abs(obj.mask * theta).sum())
        d = _newton_direction(obj, theta, g, obj.hessian(theta))
        # predicted decrease of F for the full step (negative), the Armijo reference
        decrease = float(g @ d) + obj.l1 * float(
            np.abs(obj.mask * (theta + d)).sum() - np.abs(obj.mask * theta).sum()
        )
        slack = 16 * np.finfo(float).eps * abs(F)  # near the optimum decreases are below rounding
        size = 1.0
        while size > 1e-12 and obj.value(theta + size * d) > F + 1e-4 * size * decrease + slack:
            size /= 2
        theta = theta + size * d
    return theta, max_iter, False


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Binary logistic regression: the penalized Bernoulli maximum likelihood estimate.

    With labels tᵢ ∈ {0, 1} (``classes_[1]`` is the positive class), logits
    zᵢ = xᵢ·w + b and sample weights sᵢ (default 1), the estimator minimizes

        F(w, b) = (1/Σsᵢ) Σᵢ sᵢ [log(1 + e^{zᵢ}) − tᵢ zᵢ] + α·R(w),

    the mean Bernoulli negative log-likelihood (binary cross-entropy, from logits) plus
    R(w) = ½‖w‖² (``penalty="l2"``), ‖w‖₁ (``"l1"``) or 0 (``None``). The intercept b is
    not penalized. This is scikit-learn's ``LogisticRegression`` objective divided by C·Σsᵢ,
    so **C = 1/(α·Σsᵢ)** (C = 1/(n·α) without weights), with l2 ⇔ ``l1_ratio=0`` and
    l1 ⇔ ``l1_ratio=1``; ``penalty=None`` (or α = 0) is ``C=np.inf``. It is also
    ``SGDClassifier(loss="log_loss", alpha=α)``'s objective.

    Parameters
    ----------
    penalty : {"l2", "l1", None}, default "l2"
    alpha : float, default 1e-4
        Penalty strength α >= 0.
    fit_intercept : bool, default True
    solver : {"auto", "newton", "gd", "fista"}, default "auto"
        - ``"newton"``: damped Newton, i.e. iteratively reweighted least squares, with the
          Hessian Xᵀ diag(sp(1 − p)) X/Σs (+ α); for l1 each step solves the penalized
          quadratic model by coordinate descent (proximal Newton, as glmnet). Any penalty.
        - ``"gd"``: gradient descent on F with gradient Xᵀ(p − t)/n (+ αw), through
          ``optimizer`` (any :mod:`lagrangekit.optim` transform; default ``sgd(1/L)`` with
          L = λmax(XᵀX/n)/4 + α); for ``None`` and ``"l2"``.
        - ``"fista"``: accelerated proximal gradient (soft-thresholding for l1) with step
          1/L; any penalty.
        - ``"auto"``: ``"newton"``.
    optimizer : GradientTransformation, optional
        The transform ``solver="gd"`` runs, e.g. ``lagrangekit.optim.adam(0.1)``.
    max_iter : int, default 1000
    tol : float, default 1e-8
        Newton stops when the ∞-norm of the minimum-norm subgradient of F is <= tol
        (the :meth:`kkt` stationarity), gd when ‖∇F‖₂ <= tol, FISTA when its
        gradient-mapping norm is.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
    solver_ : str
        The solver that ran (``"auto"`` resolved).
    converged_ : bool
        The solver met ``tol`` (always False for an unpenalized fit on separable data).
    objective_ : float
        F at the solution.
    separable_ : bool
        True when the training classes are (quasi-)completely separable (checked by a
        linear program). Then the unpenalized MLE does not exist: a fit with
        ``penalty=None`` or α = 0 warns :class:`PerfectSeparationWarning` and the returned
        coefficients are only the point where the solver stopped (they grow without bound
        as ``tol`` shrinks). With an l2 penalty the minimizer is finite.
    separation_ : Separation
        The LP's verdict, with a separating direction.
    message_ : str
        What happened, including the separation statement.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(
        self,
        penalty: str | None = "l2",
        *,
        alpha: float = 1e-4,
        fit_intercept: bool = True,
        solver: str = "auto",
        optimizer: GradientTransformation | None = None,
        max_iter: int = 1000,
        tol: float = 1e-8,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.tol = tol

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = False
        tags.input_tags.sparse = False
        return tags

    def _check_params(self) -> tuple[float, str]:
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty must be one of {_PENALTIES}, got {self.penalty!r}")
        alpha = check_nonnegative(self.alpha, "alpha")
        if self.solver not in _SOLVERS:
            raise ValueError(f"solver must be one of {_SOLVERS}, got {self.solver!r}")
        solver = self.solver
        if solver == "auto":
            solver = "newton"
        if self.penalty == "l1" and solver == "gd" and alpha > 0:
            raise ValueError(
                "solver='gd' needs a smooth objective; use solver='newton' or 'fista' for penalty='l1'"
            )
        if self.optimizer is not None and solver != "gd":
            raise ValueError("optimizer= is used only by solver='gd'")
        if self.optimizer is not None and not isinstance(self.optimizer, GradientTransformation):
            raise ValueError("optimizer must be a lagrangekit.optim transform such as sgd(0.5) or adam(0.1)")
        max_iter = self.max_iter
        if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        check_nonnegative(self.tol, "tol")
        return alpha, solver

    def _encode(self, y: Any) -> np.ndarray:
        y = column_or_1d(y, warn=True)
        if y.size == 0:
            raise ValueError("y is empty: LogisticRegression needs at least one sample of each of 2 classes")
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(
                f"LogisticRegression needs samples of 2 classes, but the data contain only one class: "
                f"{self.classes_[0]!r}"
            )
        if self.classes_.size > 2:
            raise ValueError(
                f"Only binary classification is supported. y has {self.classes_.size} classes; "
                "fit one model per class (sklearn.multiclass.OneVsRestClassifier)"
            )
        return encoded

    def _objective(self, X: Any, y: Any, sample_weight: Any, *, alpha: float, reset: bool) -> _Objective:
        """Validated data as the objective; ``reset=False`` checks them against the fitted model."""
        if reset:
            X, t, sample_weight = validate_fit_data(self, X, self._encode(y), sample_weight)
        else:
            y = column_or_1d(y, warn=True)
            unknown = np.setdiff1d(y, self.classes_)
            if unknown.size:
                raise ValueError(
                    f"y has labels {unknown[:5].tolist()} not among classes_ {self.classes_.tolist()}"
                )
            probe = copy.copy(self)  # validation records n_features_in_ on the probe, not on self
            t = (y == self.classes_[1]).astype(float)
            X, t, sample_weight = validate_fit_data(probe, X, t, sample_weight)
            if probe.n_features_in_ != self.n_features_in_:
                raise ValueError(
                    f"X has {probe.n_features_in_} features, but the model was fitted with "
                    f"{self.n_features_in_}"
                )
        X = X.astype(np.float64, copy=False)
        check_squares_representable(X)
        return _Objective(
            X,
            t.astype(np.float64, copy=False),
            None if sample_weight is None else sample_weight.astype(np.float64, copy=False),
            alpha,
            self.penalty,
            self.fit_intercept,
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Minimize F(w, b) (see the class docstring) on (X, y); returns ``self``."""
        alpha, solver = self._check_params()
        obj = self._objective(X, y, sample_weight, alpha=alpha, reset=True)
        theta0 = np.zeros(obj.A.shape[1])
        work, offset = obj.centered()
        if solver == "newton":
            theta, self.n_iter_, self.converged_ = _newton(work, theta0, int(self.max_iter), float(self.tol))
            if not self.converged_:
                warnings.warn(
                    f"LogisticRegression: Newton did not reach ‖∇F‖ <= {self.tol:g} in {self.max_iter} "
                    "iterations; increase max_iter",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        else:
            if solver == "gd":
                transform = self.optimizer if self.optimizer is not None else sgd(1.0 / work.lipschitz())
                result = minimize_smooth(
                    work.smooth, theta0, transform, max_iter=int(self.max_iter), tol=float(self.tol)
                )
            else:
                result = proximal_gradient(
                    work.smooth,
                    work.prox,
                    theta0,
                    lipschitz=work.lipschitz(),
                    max_iter=int(self.max_iter),
                    tol=float(self.tol),
                )
            theta, self.n_iter_, self.converged_ = np.array(result.x), result.nit, result.success
        if self.fit_intercept:
            theta[-1] -= offset @ theta[:-1]  # back from centred columns
        self.separation_ = self._separation(obj, theta)
        self.separable_ = self.separation_.separable
        unpenalized = self.penalty is None or alpha == 0
        if self.separable_ and unpenalized:
            warnings.warn(
                f"LogisticRegression: {self.separation_.message}", PerfectSeparationWarning, stacklevel=2
            )
            self.converged_ = False  # the solver stopped, but there is no minimizer to converge to
        self.objective_ = obj.value(theta)
        p = obj.A.shape[1] - int(self.fit_intercept)
        self.coef_ = theta[:p].reshape(1, -1)
        self.intercept_ = np.array([theta[p] if self.fit_intercept else 0.0])
        self.solver_ = solver
        status = "converged" if self.converged_ else "did not converge"
        self.message_ = f"{solver}: {status} in {self.n_iter_} iterations; {self.separation_.message}"
        if self.separable_ and not unpenalized:
            self.message_ += f"; this {self.penalty}-penalized fit (alpha={alpha:g}) is finite"
        return self

    @staticmethod
    def _separation(obj: _Objective, theta: np.ndarray) -> Separation:
        """Separation check on the samples with positive weight, with the fit's score weights as a
        candidate certificate of overlap: λᵢ = sᵢ(1 − P(observed class)), Σλᵢ(2tᵢ − 1)x̃ᵢ = −∇loss."""
        keep = obj.weights > 0
        z = obj.A[keep] @ theta
        observed = np.where(obj.t[keep] == 1, expit(-z), expit(z))  # 1 − P(observed class)
        return check_separation(obj.A[keep], obj.t[keep], candidate=obj.weights[keep] * observed)

    def decision_function(self, X: Any) -> np.ndarray:
        """The logits z = Xw + b, shape (n_samples,); positive means ``classes_[1]``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X.astype(np.float64, copy=False) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities [σ(−z), σ(z)], shape (n_samples, 2)."""
        z = self.decision_function(X)
        return np.column_stack([expit(-z), expit(z)])

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """log of :meth:`predict_proba`, computed stably as [log σ(−z), log σ(z)]."""
        z = self.decision_function(X)
        return np.column_stack([log_expit(-z), log_expit(z)])

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where z > 0, else ``classes_[0]``."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def _theta(self) -> np.ndarray:
        coef = self.coef_[0]
        return np.append(coef, self.intercept_[0]) if self.fit_intercept else coef.copy()

    def kkt(self, X: Any, y: Any, sample_weight: Any = None) -> KKTReport:
        """Optimality certificate of the fitted (w, b) for F on (X, y).

        The problem is unconstrained, so only stationarity is non-trivial: the ‖·‖∞ norm of
        the minimum-norm subgradient (∇F for smooth penalties, ∇f + α∂‖w‖₁ for l1); the
        scaled residual divides its 2-norm by the same at (w, b) = 0 and is compared with
        ``tol`` = 10·``self.tol``, leaving room for solvers that stop on another norm.
        """
        check_is_fitted(self)
        alpha, _ = self._check_params()
        obj = self._objective(X, y, sample_weight, alpha=alpha, reset=False)
        return stationarity_report(
            obj.subgradient(self._theta()),
            float(np.linalg.norm(obj.subgradient(np.zeros(obj.A.shape[1])))),
            tol=max(float(self.tol), 1e-12) * 10,
            message="unconstrained: stationarity is the distance of 0 from ∂F(w, b); "
            "scaled by its value at (w, b) = 0",
        )

    def _cvxpy_problem(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[Any, Any, Any, None]:
        """F(w, b) as a cvxpy problem (with ``cp.logistic``) for :func:`fit_cvxpy`.

        Returns ``(problem, coef variable, intercept variable or None, None)``; there is no
        norm constraint. The estimator itself is not modified.
        """
        import cvxpy as cp

        alpha, _ = self._check_params()
        obj = copy.copy(self)._objective(X, y, sample_weight, alpha=alpha, reset=True)
        p = obj.A.shape[1] - int(self.fit_intercept)
        coef = cp.Variable((1, p), name="coef")  # shaped like coef_ and intercept_
        intercept = cp.Variable(1, name="intercept") if self.fit_intercept else None
        z = obj.A[:, :p] @ coef[0] + (intercept[0] if intercept is not None else 0)
        loss = obj.weights @ (cp.logistic(z) - cp.multiply(obj.t, z))
        if self.penalty == "l2":
            loss = loss + 0.5 * alpha * cp.sum_squares(coef)
        elif self.penalty == "l1":
            loss = loss + alpha * cp.norm1(coef)
        return cp.Problem(cp.Minimize(loss)), coef, intercept, None

    def mle_result(self, X: Any, y: Any, sample_weight: Any = None) -> MLEResult:
        """The unpenalized fit as an :class:`~lagrangekit.likelihood.MLEResult` with standard errors.

        Parameters are ordered (intercept, coef…); the covariance is the inverse observed
        (= expected) information (Aᵀ diag(sᵢpᵢ(1 − pᵢ)) A)⁻¹ as in statsmodels' ``Logit``.
        Raises ``ValueError`` for penalized fits and when the data are separable (no MLE).
        """
        check_is_fitted(self)
        alpha, _ = self._check_params()
        if not (self.penalty is None or alpha == 0):
            raise ValueError("mle_result() needs an unpenalized fit: use penalty=None (or alpha=0)")
        if self.separable_:
            raise ValueError(f"no MLE to report: {self.separation_.message}")
        report = self.kkt(X, y, sample_weight)
        obj = self._objective(X, y, sample_weight, alpha=alpha, reset=False)
        theta = self._theta()
        weights = np.ones(obj.A.shape[0]) if obj.sample_weight is None else obj.sample_weight
        z = obj.A @ theta
        information = (obj.A.T * (weights * expit(z) * expit(-z))) @ obj.A
        cov, ok, message = invert_information(information)
        if not ok:
            warnings.warn(
                f"LogisticRegression.mle_result: {message}", SingularInformationWarning, stacklevel=2
            )
        p = self.n_features_in_
        order = np.r_[p, :p] if self.fit_intercept else np.arange(p)
        features = [str(n) for n in getattr(self, "feature_names_in_", [f"x{j}" for j in range(p)])]
        names = (["intercept"] if self.fit_intercept else []) + features
        llf = -float(binary_cross_entropy(obj.t, logits=z, sample_weight=obj.sample_weight, reduction="sum"))
        return MLEResult(
            model="logistic",
            param_names=tuple(names),
            params=theta[order],
            cov_params=cov[np.ix_(order, order)],
            information=information[np.ix_(order, order)],
            llf=llf,
            nobs=obj.A.shape[0],
            k_params=theta.size,
            converged=bool(self.converged_) and report.ok,
            method=self.solver_,
            status="optimal" if report.ok else "failed",
            kkt=report,
            information_ok=ok,
            message=message,
        )
