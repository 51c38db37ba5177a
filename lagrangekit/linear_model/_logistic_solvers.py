"""Solvers of the penalized logistic objective F(θ) = f(θ) + g(θ), one per scikit-learn solver name.

f is a :class:`._logistic_loss.LogisticLoss` (the mean Bernoulli or categorical NLL) and g an
:class:`._roles.ElasticNetPenalty` on the coefficients (never the intercepts): α·ρ‖W‖₁ +
(α/2)(1 − ρ)‖W‖². Each function takes ``(objective, theta0, max_iter, tol, ...)`` and returns
``(theta, n_iter, converged)``:

* :func:`lbfgs` — scipy's L-BFGS-B on f + the L2 part (smooth penalties only); stops when the
  ∞-norm of the gradient is <= tol (``gtol``), as scikit-learn's ``lbfgs``.
* :func:`newton_cg` — truncated Newton: each step solves ∇²F d = −∇F by conjugate gradients
  with Hessian-vector products (:meth:`LogisticLoss.hessp`, the Hessian is never formed), then
  an Armijo backtracking line search; stops when ‖∇F‖∞ <= tol.
* :func:`newton_cholesky` — Newton with the full Hessian factored by Cholesky (size m(p + 1));
  stops when ‖∇F‖∞ <= tol.
* :func:`coordinate_descent` — ``solver="liblinear"`` (in :mod:`._logistic_cd`): newGLMNET,
  proximal Newton whose quadratic models are minimized by coordinate descent with
  soft-thresholding over a shrunk working set of columns, as liblinear's L1 solver (here for any
  elastic-net mix); binary only, the intercept a penalized column of X (as liblinear's); stops
  on liblinear's relative 1-norm of the minimum-norm subgradient.
* :func:`stochastic_average` — ``"sag"`` (Schmidt, Le Roux & Bach) and ``"saga"`` (Defazio, Bach
  & Lacoste-Julien, with the proximal step of the L1 part): one stored gradient per sample,
  their sum divided by n (the unbiased SAGA estimate from any start of the memory), samples
  drawn uniformly with replacement from ``random_state``; each step costs O(nnz of the row)
  (just-in-time updates of the other coefficients, in closed form); stops, as
  scikit-learn's, when an epoch changes no coefficient by more than tol times the largest.

The intercept column is unpenalized. In the multinomial model adding a constant to every class's
intercept (and, without a penalty, the same vector to every class's coefficients) changes no
probability; the Newton solvers add a multiple of the projector on those directions to the
Hessian (the gradient is orthogonal to them, so the step keeps them at their start, zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.optimize as sopt
import scipy.sparse as sparse
from numba import njit

from ._logistic_cd import coordinate_descent
from ._logistic_loss import LogisticLoss
from ._roles import ElasticNetPenalty

__all__ = [
    "PenalizedLogistic",
    "coordinate_descent",
    "lbfgs",
    "newton_cg",
    "newton_cholesky",
    "stochastic_average",
]

Fit = tuple[np.ndarray, int, bool]


@dataclass(frozen=True)
class PenalizedLogistic:
    """F(θ) = f(θ) + g(θ[mask]): the logistic datafit and the elastic-net penalty on the coefficients."""

    loss: LogisticLoss
    penalty: ElasticNetPenalty

    @property
    def mask(self) -> np.ndarray:
        return self.loss.penalized

    def smooth(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """f + (l2/2)‖w‖² and its gradient."""
        value, grad = self.loss.value_and_gradient(theta)
        w = theta[self.mask]
        grad[self.mask] += self.penalty.l2 * w
        return value + 0.5 * self.penalty.l2 * float(w @ w), grad

    def value(self, theta: np.ndarray) -> float:
        """F(θ)."""
        return self.loss.value(theta) + self.penalty.value(theta[self.mask])

    def residual(self, theta: np.ndarray, loss_gradient: np.ndarray | None = None) -> np.ndarray:
        """|minimum-norm element of ∂F(θ)| per entry: ``penalty.subdiff_distance`` on the
        coefficients, |∂f/∂b| on the intercepts. Zero exactly at a minimizer."""
        grad = self.loss.gradient(theta) if loss_gradient is None else loss_gradient
        out = np.abs(grad)
        out[self.mask] = self.penalty.subdiff_distance(theta[self.mask], grad[self.mask])
        return out

    def value_and_residual(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(F(θ), :meth:`residual` at θ) from one evaluation of f and ∇f (none when θ is the
        datafit's last evaluated point, as a solver's result usually is)."""
        value, grad = self.loss.value_and_gradient(theta)
        return value + self.penalty.value(theta[self.mask]), self.residual(theta, grad)

    def stationarity(self, theta: np.ndarray) -> float:
        return float(self.residual(theta).max(initial=0.0))

    def null_projector(self) -> np.ndarray | None:
        """The projector on the directions that change no multinomial probability and no penalty.

        Those are, per unpenalized column of [W | b], the same value added to every class's
        entry (the intercepts always; the coefficients too when α = 0). None for the binary model.
        """
        loss = self.loss
        if loss.n_rows == 1:
            return None
        free = ~loss.penalized[: loss.n_columns] if self.penalty.alpha > 0 else np.ones(loss.n_columns, bool)
        P = np.zeros((loss.size, loss.size))
        rows = np.arange(loss.n_rows) * loss.n_columns
        for j in np.flatnonzero(free):
            idx = rows + j
            P[np.ix_(idx, idx)] = 1.0 / loss.n_rows
        return P


# ---------------------------------------------------------------------- L-BFGS
def lbfgs(
    objective: PenalizedLogistic, theta0: np.ndarray, max_iter: int, tol: float, callback=None
) -> Fit:
    """scipy L-BFGS-B on the smooth objective (gtol = tol, ftol = 64·eps, maxls = 50);
    ``callback(θ)`` after each iteration (scipy's)."""
    res = sopt.minimize(
        objective.smooth,
        theta0,
        method="L-BFGS-B",
        jac=True,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps},
        callback=callback,
    )
    return np.asarray(res.x), int(res.nit), bool(res.status == 0)


# ---------------------------------------------------------------------- Newton family
def _armijo(objective: PenalizedLogistic, theta: np.ndarray, d: np.ndarray, F: float, dec: float) -> float:
    """Largest step 2⁻ᵏ with F(θ + t d) <= F + 10⁻⁴ t·decrease (up to rounding of F)."""
    slack = 16 * np.finfo(float).eps * abs(F)
    size = 1.0
    while size > 1e-12 and objective.value(theta + size * d) > F + 1e-4 * size * dec + slack:
        size /= 2
    return size


def _newton(objective: PenalizedLogistic, theta: np.ndarray, max_iter: int, tol: float, direction) -> Fit:
    """Damped Newton: d = direction(θ, ∇F), Armijo backtracking, stop at ‖∇F‖∞ <= tol."""
    theta = np.array(theta, dtype=np.float64)
    for it in range(max_iter + 1):
        F, grad = objective.smooth(theta)
        if float(np.abs(grad).max(initial=0.0)) <= tol:
            return theta, it, True
        if it == max_iter:
            break
        d = direction(theta, grad)
        decrease = float(grad @ d)
        if decrease >= 0:  # not a descent direction (rounding at the optimum): stop
            return theta, it, False
        theta = theta + _armijo(objective, theta, d, F, decrease) * d
    return theta, max_iter, False


def newton_cg(objective: PenalizedLogistic, theta0: np.ndarray, max_iter: int, tol: float) -> Fit:
    """Truncated Newton with Hessian-vector products (conjugate gradients, at most 200 per step)."""
    l2, mask = objective.penalty.l2, objective.mask

    def direction(theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        P = objective.loss.probabilities(objective.loss.logits(theta))

        def hessp(v: np.ndarray) -> np.ndarray:
            return objective.loss.hessp(theta, v, P) + l2 * mask * v

        # conjugate gradients on H d = −g, to the forcing tolerance min(0.5, √‖g‖₁)·‖g‖₁
        d = np.zeros_like(grad)
        r = -grad
        s = r.copy()
        rr = float(r @ r)
        target = min(0.5, np.sqrt(np.abs(grad).sum())) * np.abs(grad).sum()
        for _ in range(200):
            if np.abs(r).sum() <= target:
                break
            Hs = hessp(s)
            curvature = float(s @ Hs)
            if curvature <= 0:  # flat direction: take what we have (or the gradient)
                break
            step = rr / curvature
            d += step * s
            r -= step * Hs
            rr, rr_old = float(r @ r), rr
            s = r + (rr / rr_old) * s
        return d if np.any(d) else -grad

    return _newton(objective, theta0, max_iter, tol, direction)


def newton_cholesky(objective: PenalizedLogistic, theta0: np.ndarray, max_iter: int, tol: float) -> Fit:
    """Newton with the Hessian factored by Cholesky (least squares if it is numerically singular)."""
    l2, mask = objective.penalty.l2, objective.mask
    null = objective.null_projector()

    def direction(theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        H = objective.loss.hessian(theta)
        H[np.diag_indices_from(H)] += l2 * mask
        if null is not None:
            H += null * max(float(np.abs(np.diag(H)).max(initial=0.0)), 1.0)
        try:
            return -sla.cho_solve(sla.cho_factor(H), grad)
        except (np.linalg.LinAlgError, sla.LinAlgError):
            return -np.linalg.lstsq(H, grad, rcond=None)[0]

    return _newton(objective, theta0, max_iter, tol, direction)


# ---------------------------------------------------------------------- SAG / SAGA
@njit(cache=True)
def _soft(v, t):  # pragma: no cover - compiled
    return v - t if v > t else (v + t if v < -t else 0.0)


@njit(cache=True)
def _affine_steps(w, d, eta_l2, j):  # pragma: no cover - compiled
    """j steps of w ← ρw − d with ρ = 1 − ηl2 (ρʲ and (1 − ρʲ)/(1 − ρ) without cancellation)."""
    if j == 0:
        return w
    if eta_l2 == 0.0:
        return w - j * d
    log_rho = np.log1p(-eta_l2)
    return w * np.exp(j * log_rho) + d * np.expm1(j * log_rho) / eta_l2


@njit(cache=True)
def _lagged(w, c, tau, eta_l2, steps):  # pragma: no cover - compiled
    """``steps`` steps of w ← soft(ρw − c, τ) (ρ = 1 − ηl2) for a coefficient no sample touched.

    While w keeps its sign σ each step is affine, w ← ρw − (c + στ), and the affine sequence
    is monotone, so its closed form holds for all the steps if it holds for the last; otherwise
    a bisection finds the last step of that sign and one exact step leaves it. From 0 the
    coefficient stays at 0 when |c| <= τ. A few such phases cover any number of steps.
    """
    rho = 1.0 - eta_l2
    for _ in range(8):
        if steps <= 0:
            return w
        if w == 0.0:
            if abs(c) <= tau:
                return 0.0
            w = _soft(-c, tau)
            steps -= 1
            continue
        sign = 1.0 if w > 0.0 else -1.0
        d = c + sign * tau
        end = _affine_steps(w, d, eta_l2, steps)
        if end * sign > 0.0:
            return end
        lo, hi = 0, steps  # w_lo has the sign, w_hi has not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _affine_steps(w, d, eta_l2, mid) * sign > 0.0:
                lo = mid
            else:
                hi = mid
        w = _soft(rho * _affine_steps(w, d, eta_l2, lo) - c, tau)
        steps -= lo + 1
    for _ in range(steps):  # not reached for a convex 1-d prox-gradient; exact steps then
        w = _soft(rho * w - c, tau)
    return w


@njit(cache=True)
def _catch_up(T, total, j, steps, eta_n, tau, eta_l2):  # pragma: no cover - compiled
    for k in range(T.shape[0]):
        T[k, j] = _lagged(T[k, j], eta_n * total[k, j], tau, eta_l2, steps)


@njit(cache=True)
def _sag_epoch(
    indptr, indices, data, labels, scale, order, T, memory, total, last,
    step, l1, l2, saga, binary, fit_intercept,
):  # fmt: skip  # pragma: no cover - compiled
    """One epoch of SAG/SAGA on Σᵢ ωᵢℓᵢ + penalty, written as (1/n)Σᵢ fᵢ, fᵢ = nωᵢℓᵢ (scale = nω),
    with just-in-time updates: a step costs O(m·nnz(xᵢ)).

    T (m, c) are the parameters, memory (n, m) the stored ∂fᵢ/∂zᵢ, total (m, c) Σᵢ memoryᵢ ⊗ aᵢ,
    aᵢ = [xᵢ | 1]. Every step moves every coefficient by the same map w ← soft(ρw − ηΣⱼ/n, ητ),
    ρ = 1 − ηl2, on top of the sample's own term; Σⱼ changes only when a sample with column j is
    drawn, so a column no sample touched since step ``last[j]`` is brought up to date by
    :func:`_lagged` when next needed, and every column at the end of the epoch. The intercepts,
    in every aᵢ, are stepped at once.
    """
    m, c = T.shape
    p = c - (1 if fit_intercept else 0)
    n = memory.shape[0]
    eta_n = step / n
    tau = step * l1
    eta_l2 = step * l2
    rho = 1.0 - eta_l2
    z = np.zeros(m)
    g = np.zeros(m)
    for t in range(order.shape[0]):
        i = order[t]
        for q in range(indptr[i], indptr[i + 1]):  # the row's columns, brought up to step t
            j = indices[q]
            if last[j] < t:
                _catch_up(T, total, j, t - last[j], eta_n, tau, eta_l2)
                last[j] = t
        for k in range(m):
            s = T[k, p] if fit_intercept else 0.0
            for q in range(indptr[i], indptr[i + 1]):
                s += data[q] * T[k, indices[q]]
            z[k] = s
        if binary:
            g[0] = scale[i] * (1.0 / (1.0 + np.exp(-z[0])) - (1.0 if labels[i] == 1 else 0.0))
        else:
            top = z.max()
            norm = 0.0
            for k in range(m):
                g[k] = np.exp(z[k] - top)
                norm += g[k]
            for k in range(m):
                g[k] = scale[i] * (g[k] / norm - (1.0 if labels[i] == k else 0.0))
        for k in range(m):
            g[k], memory[i, k] = g[k] - memory[i, k], g[k]  # g becomes δ, the change of ∂fᵢ/∂zᵢ
        for k in range(m):
            delta = g[k]
            for q in range(indptr[i], indptr[i + 1]):
                j = indices[q]
                if saga:  # SAGA: δ⊗aᵢ, then the map with the average before this sample's update
                    v = T[k, j] - step * delta * data[q]
                    T[k, j] = _soft(rho * v - eta_n * total[k, j], tau)
                    total[k, j] += delta * data[q]
                else:  # SAG: the map with the updated average
                    total[k, j] += delta * data[q]
                    T[k, j] = _soft(rho * T[k, j] - eta_n * total[k, j], tau)
            if fit_intercept:
                if saga:
                    T[k, p] -= step * delta + eta_n * total[k, p]
                    total[k, p] += delta
                else:
                    total[k, p] += delta
                    T[k, p] -= eta_n * total[k, p]
        for q in range(indptr[i], indptr[i + 1]):
            last[indices[q]] = t + 1
    steps = order.shape[0]
    for j in range(p):  # every column up to the end of the epoch
        if last[j] < steps:
            _catch_up(T, total, j, steps - last[j], eta_n, tau, eta_l2)
        last[j] = 0


def stochastic_average(
    objective: PenalizedLogistic,
    theta0: np.ndarray,
    max_iter: int,
    tol: float,
    *,
    saga: bool,
    rng: np.random.RandomState,
) -> Fit:
    """SAG or SAGA epochs until max|Δθ| <= tol·max|θ| over an epoch (scikit-learn's stop)."""
    loss, penalty = objective.loss, objective.penalty
    X = sparse.csr_matrix(loss.X, dtype=np.float64)
    if not X.has_canonical_format:  # a repeated (i, j) entry is summed, on a copy
        X = X.copy()
        X.sum_duplicates()
    n = X.shape[0]
    T = np.array(theta0, dtype=np.float64).reshape(loss.n_rows, loss.n_columns)
    scale = n * loss.weights
    row_sq = np.asarray(X.multiply(X).sum(axis=1)).ravel() + float(loss.fit_intercept)
    L = float((scale * row_sq).max(initial=0.0)) * (0.25 if loss.n_rows == 1 else 0.5) + penalty.l2
    step = 1.0 / (2.0 * L + min(2.0 * penalty.l2, L)) if saga else 1.0 / L
    if not np.isfinite(step) or L <= 0:
        return T.ravel(), 0, True
    memory = np.zeros((n, loss.n_rows))
    total = np.zeros_like(T)
    last = np.zeros(loss.n_features, dtype=np.int64)
    labels = loss.labels.astype(np.int64)
    for epoch in range(1, max_iter + 1):
        before = T.copy()
        order = rng.randint(0, n, size=n)
        _sag_epoch(
            X.indptr, X.indices, X.data, labels, scale, order, T, memory, total, last,
            step, penalty.l1, penalty.l2, saga, loss.n_rows == 1, loss.fit_intercept,
        )  # fmt: skip
        change = float(np.abs(T - before).max(initial=0.0))
        if change <= tol * max(float(np.abs(T).max(initial=0.0)), np.finfo(float).tiny):
            return T.ravel(), epoch, True
    return T.ravel(), max_iter, False
