"""ConstrainedLasso: least squares in an L1 ball, whose KKT multiplier is the α of the Lasso."""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.optimize import brentq
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ._base import LinearPredictorMixin
from ._cvxpy_forms import elastic_net_problem
from ._enet_data import prepare_data, use_gram
from ._enet_solvers import coordinate_descent
from ._roles import ElasticNetPenalty, QuadraticDatafit
from ._validation import check_choice, check_nonnegative, check_positive_int, validate_fit_data
from .certificate import elastic_net_terms, subgradient_report
from .stats_fit import enet_gram_datafit, gram_stats_input

__all__ = ["ConstrainedLasso"]


class ConstrainedLasso(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Least squares subject to an L1-norm budget, with the multiplier of the budget.

    Solves, with the intercept b unconstrained and weights sᵢ rescaled to sum to n,

        minimize (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw − b)²   subject to   ‖w‖₁ ≤ t.

    With L = f + μ(‖w‖₁ − t), the KKT multiplier μ of the budget is exactly the α of the
    :class:`Lasso` with the same solution: ``Lasso(alpha=multiplier_)`` reproduces ``coef_``,
    and fitting ``ConstrainedLasso(t=‖w_α‖₁)`` recovers α. The solution is found on the Lasso
    path: Brent's method on α ↦ ‖w(α)‖₁ − t (monotone and piecewise linear), then an exact
    solve on the final support and signs, kept when its KKT conditions hold.

    Parameters
    ----------
    t : float, default 1.0
        The budget, >= 0.
    fit_intercept : bool, default True
    precompute : {"auto", True, False}, default "auto"
        Gram mode for the inner Lasso solves (see :class:`Lasso`).
    tol : float, default 1e-10
        Relative duality-gap tolerance of the inner Lasso solves.
    max_iter : int, default 10000
        Epoch limit of each inner solve.

    Attributes
    ----------
    coef_, intercept_
    multiplier_ : float
        μ >= 0. It is 0 when the least-squares solution lies inside the ball, and for t = 0
        it is α_max, the smallest valid multiplier.
    n_iter_ : int
        Lasso solves used by the root finding.
    n_features_in_ : int

    Notes
    -----
    When least squares has many solutions (rank-deficient or p > n) and the budget exceeds
    the L1 norm of the α → 0 Lasso limit, the constraint is inactive, ``multiplier_`` is 0
    and ``coef_`` is the Lasso solution at α = 1e-9·α_max.
    """

    _predict_accepts_sparse = True

    def __init__(self, t=1.0, *, fit_intercept=True, precompute="auto", tol=1e-10, max_iter=10000):
        self.t = t
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y=None, sample_weight=None):
        """Fit the constrained model (X may be a GramStats, with y and sample_weight omitted).

        Returns
        -------
        self
        """
        t = check_nonnegative(self.t, "t")
        tol = check_nonnegative(self.tol, "tol")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        check_choice(self.precompute, "precompute", ("auto", True, False))
        if (stats := gram_stats_input(X, y, sample_weight, multi_output=False)) is not None:
            self._record_summary_features(stats.n_features)
            data, dtype = enet_gram_datafit(stats, self.fit_intercept, "cd"), np.float64
        else:
            X, y, sw = validate_fit_data(
                self, X, y, sample_weight, accept_sparse="csc", ensure_all_finite=False
            )
            data, dtype = prepare_data(X, y, sw, self.fit_intercept, use_gram(X, self.precompute)), X.dtype
        p = data.n_features
        lasso_penalty = ElasticNetPenalty(1.0)
        amax = lasso_penalty.alpha_max(-data.correlations() / data.n_samples)
        solved: dict[float, np.ndarray] = {}

        def lasso(alpha: float) -> np.ndarray:
            if alpha not in solved:
                start = min(solved, key=lambda a: abs(np.log(a / alpha)), default=None) if alpha > 0 else None
                init = None if start is None else solved[start]
                sol = coordinate_descent(
                    data,
                    lasso_penalty,
                    alphas=np.array([alpha]),
                    tol=tol,
                    max_iter=max_iter,
                    coef_init=init,
                )
                solved[alpha] = sol.coefs[0]
            return solved[alpha]

        if amax == 0.0:
            coef, mu = np.zeros(p), 0.0
        elif t == 0.0:
            coef, mu = np.zeros(p), amax
        else:
            lo = amax * 1e-3
            while np.abs(lasso(lo)).sum() <= t and lo > amax * 1e-9:
                lo *= 1e-3
            if np.abs(lasso(lo)).sum() <= t:
                coef, mu = self._inside_ball(data, lasso(lo), t)
            elif np.abs(lasso(amax)).sum() > t:  # w(α_max) = 0 in exact arithmetic
                raise ValueError(
                    f"the Lasso path does not start at w = 0 (alpha_max = {amax:.3g} is at rounding level): "
                    "X's centred columns are numerically constant; drop or rescale them"
                )
            else:
                mu = brentq(
                    lambda a: np.abs(lasso(a)).sum() - t, lo, amax, xtol=1e-15 * amax, rtol=1e-13, maxiter=200
                )
                coef, mu = self._polish(data, lasso(mu), mu, t)
        self._set_coef(coef[None, :], np.array([data.intercept(coef)]), y_ndim=1, dtype=dtype)
        self.multiplier_ = float(mu)
        self.n_iter_ = len(solved)
        return self

    @staticmethod
    def _inside_ball(data: QuadraticDatafit, w_small: np.ndarray, t: float) -> tuple[np.ndarray, float]:
        """The least-squares solution when it is unique and inside the ball, else the α → 0 limit.

        Constant (zero after centring) columns, whose coefficient is 0, are left out of the
        uniqueness test and the solve.
        """
        G, q = data.support_block(np.arange(w_small.shape[0]))
        keep = np.flatnonzero(np.diag(G) > 0)
        G, q = G[np.ix_(keep, keep)], q[keep]
        if np.linalg.matrix_rank(G) == G.shape[0]:
            w = np.zeros_like(w_small)
            w[keep] = np.linalg.solve(G, q)
            if np.abs(w).sum() <= t:
                return w, 0.0
        return w_small, 0.0

    @staticmethod
    def _polish(data: QuadraticDatafit, w: np.ndarray, mu: float, t: float) -> tuple[np.ndarray, float]:
        """Exact solution on a support S with signs s, kept if its KKT conditions hold.

        On S the problem is min ½wᵀGw − qᵀw s.t. sᵀw = t, solved in the null space of sᵀ:
        w = ts/|S| + Nξ with NᵀGN ξ = Nᵀ(q − Gts/|S|), then nμ = sᵀ(q − Gw)/|S|. (Forming
        G⁻¹q − nμG⁻¹s instead cancels two huge terms when G is tiny, as for X scaled by 1e-20.)
        S is w's support together with the coordinates whose correlation |zⱼ| is within 1e-6
        of μ (the equicorrelation set): near α_max the inner solve may stop at w = 0,
        certified by a duality gap that is small because the objective barely moves.
        """
        n = data.n_samples
        z = data.correlations_at(w) / n
        support = np.flatnonzero((w != 0) | (np.abs(z) >= mu * (1 - 1e-6)))
        if support.size == 0:
            return w, mu
        signs = np.where(w[support] != 0, np.sign(w[support]), np.sign(z[support]))
        G, q = data.support_block(support)
        w_S = t * signs / support.size
        N = scipy.linalg.null_space(signs[None, :])
        if N.shape[1]:
            try:
                xi = np.linalg.solve(N.T @ G @ N, N.T @ (q - G @ w_S))
            except np.linalg.LinAlgError:
                return w, mu
            w_S = w_S + N @ xi
        mu_exact = float(signs @ (q - G @ w_S)) / (n * support.size)
        if not mu_exact > 0 or np.any(np.sign(w_S) != signs):
            return w, mu
        w_exact = np.zeros_like(w)
        w_exact[support] = w_S
        z = data.correlations_at(w_exact) / n
        off = np.ones(w.shape[0], dtype=bool)
        off[support] = False
        if np.any(np.abs(z[off]) > mu_exact * (1 + 1e-9)):
            return w, mu
        return w_exact, mu_exact

    def kkt(self, X, y=None, sample_weight=None, *, tol=1e-6):
        """KKT conditions of minimize f(w) s.t. ‖w‖₁ − t ≤ 0 at the fitted point, with μ = ``multiplier_``.

        Stationarity is the subgradient residual of f + μ‖w‖₁ (see :meth:`Lasso.kkt`); primal
        feasibility (‖w‖₁ − t)₊; complementary slackness |μ(‖w‖₁ − t)|. The multiplier is
        reported as "l1_ball".
        """
        check_is_fitted(self, "coef_")
        terms = elastic_net_terms(self, X, y, sample_weight)
        slack = float(np.abs(self.coef_).sum()) - check_nonnegative(self.t, "t")
        mu = self.multiplier_
        constraint = {
            "primal_feasibility": max(slack, 0.0),
            "complementary_slackness": abs(mu * slack),
            "dual_feasibility": max(-mu, 0.0),
            "multipliers": {"l1_ball": mu},
        }
        return subgradient_report(self, terms, alpha=mu, l1_ratio=1.0, tol=tol, constraint=constraint)

    def _cvxpy_problem(self, X, y, sample_weight=None):
        """(problem, coef, intercept or None, the constraint ‖w‖₁ ≤ t) in cvxpy."""
        bound = check_nonnegative(self.t, "t")
        return elastic_net_problem(X, y, sample_weight, self.fit_intercept, l1_bound=bound)
