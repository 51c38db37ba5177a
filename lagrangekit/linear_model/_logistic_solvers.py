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
* :func:`coordinate_descent` — ``solver="liblinear"``: proximal Newton whose quadratic models are
  minimized by cyclic coordinate descent with soft-thresholding over the columns of X (the
  newGLMNET algorithm liblinear uses for L1, here for any elastic-net mix; a compiled kernel on
  CSC columns), Armijo backtracking on F; binary only, as liblinear; stops when the ∞-norm of
  the minimum-norm subgradient is <= tol.
* :func:`stochastic_average` — ``"sag"`` (Schmidt, Le Roux & Bach) and ``"saga"`` (Defazio, Bach
  & Lacoste-Julien, with the proximal step of the L1 part): one stored gradient per sample,
  samples drawn uniformly with replacement from ``random_state``; stops, as scikit-learn's, when
  an epoch changes no coefficient by more than tol times the largest.

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
def lbfgs(objective: PenalizedLogistic, theta0: np.ndarray, max_iter: int, tol: float) -> Fit:
    """scipy L-BFGS-B on the smooth objective (gtol = tol, ftol = 64·eps, maxls = 50)."""
    res = sopt.minimize(
        objective.smooth,
        theta0,
        method="L-BFGS-B",
        jac=True,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps},
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


# ---------------------------------------------------------------------- coordinate descent
@njit(cache=True)
def _cd_quadratic(indptr, indices, data, n, D, grad, theta, l1, l2, fit_intercept, max_sweeps, stop, order):
    """Minimize gᵀ(u − θ) + ½(u − θ)ᵀAᵀDA(u − θ) + l1‖u_w‖₁ + (l2/2)‖u_w‖² by coordinate descent
    over the CSC columns of X (the column of ones, unpenalized, is column p with an intercept),
    sweeping the coordinates in ``order``."""
    p = indptr.shape[0] - 1
    c = p + (1 if fit_intercept else 0)
    u = theta.copy()
    r = np.zeros(n)  # A(u − θ)
    h = np.zeros(c)
    for j in range(p):
        for k in range(indptr[j], indptr[j + 1]):
            h[j] += D[indices[k]] * data[k] * data[k]
        h[j] += l2
    if fit_intercept:
        h[p] = D.sum()
    for _ in range(max_sweeps):
        biggest = 0.0
        for j in order:
            if h[j] <= 0.0:
                continue
            if j < p:
                g = grad[j] + l2 * (u[j] - theta[j])
                for k in range(indptr[j], indptr[j + 1]):
                    g += D[indices[k]] * data[k] * r[indices[k]]
                v = u[j] - g / h[j]
                t = l1 / h[j]
                new = v - t if v > t else (v + t if v < -t else 0.0)
            else:
                g = grad[j] + (D * r).sum()
                new = u[j] - g / h[j]
            delta = new - u[j]
            if delta != 0.0:
                if j < p:
                    for k in range(indptr[j], indptr[j + 1]):
                        r[indices[k]] += delta * data[k]
                else:
                    r += delta
                u[j] = new
                biggest = max(biggest, abs(delta) * h[j])
        if biggest <= stop:
            break
    return u


def coordinate_descent(
    objective: PenalizedLogistic, theta0: np.ndarray, max_iter: int, tol: float, *, rng: np.random.RandomState
) -> Fit:
    """Proximal Newton (newGLMNET) with coordinate-descent inner solves, in an order drawn from
    ``rng`` at each Newton step; binary model only."""
    loss, penalty = objective.loss, objective.penalty
    X = sparse.csc_matrix(loss.X, dtype=np.float64)
    X.sort_indices()
    theta = np.array(theta0, dtype=np.float64)
    # the inner quadratic includes the L2 part of g at θ: its gradient is ∇f + l2·w
    for it in range(max_iter + 1):
        z = loss.logits(theta)[:, 0]
        grad = loss.parameter_gradient(loss.logit_gradient(z[:, None]))
        residual = objective.residual(theta, grad)
        worst = float(residual.max(initial=0.0))
        if worst <= tol:
            return theta, it, True
        if it == max_iter:
            break
        prob = loss.probabilities(z)
        D = loss.weights * prob * (1 - prob)
        smooth_grad = grad.copy()
        smooth_grad[objective.mask] += penalty.l2 * theta[objective.mask]
        u = _cd_quadratic(
            X.indptr, X.indices, X.data, X.shape[0], D, smooth_grad, theta,
            penalty.l1, penalty.l2, loss.fit_intercept, 100, 0.1 * worst, rng.permutation(loss.n_columns),
        )  # fmt: skip
        d = u - theta
        F = loss.loss(z[:, None]) + penalty.value(theta[objective.mask])
        mask = objective.mask  # the L1 change summed term by term: the totals would cancel
        decrease = float(smooth_grad @ d) + penalty.l1 * float((np.abs(u[mask]) - np.abs(theta[mask])).sum())
        if decrease >= 0:
            return theta, it, False
        theta = theta + _armijo(objective, theta, d, F, decrease) * d
    return theta, max_iter, False


# ---------------------------------------------------------------------- SAG / SAGA
@njit(cache=True)
def _sag_epoch(
    indptr, indices, data, labels, scale, order, T, memory, total, seen, n_seen,
    step, l1, l2, saga, binary, fit_intercept,
):  # fmt: skip
    """One epoch of SAG/SAGA on Σᵢ ωᵢℓᵢ + penalty, written as (1/n)Σᵢ fᵢ, fᵢ = nωᵢℓᵢ (scale = nω).

    T (m, c) are the parameters, memory (n, m) the stored ∂fᵢ/∂zᵢ, total (m, c) Σᵢ memoryᵢ ⊗ aᵢ.
    """
    m, c = T.shape
    p = c - (1 if fit_intercept else 0)
    z = np.zeros(m)
    g = np.zeros(m)
    for i in order:
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
        if not seen[i]:
            seen[i] = True
            n_seen[0] += 1
        for k in range(m):
            g[k], memory[i, k] = g[k] - memory[i, k], g[k]  # g becomes δ, the change of ∂fᵢ/∂zᵢ
        if saga:  # SAGA steps along δ⊗aᵢ + the average before this sample's update
            _add_outer(T, g, -step, indptr, indices, data, i, fit_intercept)
        else:  # SAG steps along the updated average
            _add_outer(total, g, 1.0, indptr, indices, data, i, fit_intercept)
        for k in range(m):
            for j in range(c):
                penalized = j < p
                v = T[k, j] - step * (total[k, j] / n_seen[0] + (l2 * T[k, j] if penalized else 0.0))
                if penalized and l1 > 0.0:
                    t = step * l1
                    v = v - t if v > t else (v + t if v < -t else 0.0)
                T[k, j] = v
        if saga:
            _add_outer(total, g, 1.0, indptr, indices, data, i, fit_intercept)


@njit(cache=True)
def _add_outer(M, delta, factor, indptr, indices, data, i, fit_intercept):
    """M += factor·δ⊗aᵢ with aᵢ = [xᵢ | 1] (row i of CSR X)."""
    m, c = M.shape
    for k in range(m):
        for q in range(indptr[i], indptr[i + 1]):
            M[k, indices[q]] += factor * delta[k] * data[q]
        if fit_intercept:
            M[k, c - 1] += factor * delta[k]


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
    X.sort_indices()
    n = X.shape[0]
    T = np.array(theta0, dtype=np.float64).reshape(loss.n_rows, loss.n_columns)
    scale = n * loss.weights
    row_sq = np.asarray(X.multiply(X).sum(axis=1)).ravel() + float(loss.fit_intercept)
    L = float((scale * row_sq).max(initial=0.0)) * (0.25 if loss.n_rows == 1 else 0.5) + penalty.l2
    step = 1.0 / (3.0 * L) if saga else 1.0 / L
    if not np.isfinite(step) or L <= 0:
        return T.ravel(), 0, True
    memory = np.zeros((n, loss.n_rows))
    total = np.zeros_like(T)
    seen = np.zeros(n, dtype=np.bool_)
    n_seen = np.zeros(1, dtype=np.int64)
    labels = loss.labels.astype(np.int64)
    for epoch in range(1, max_iter + 1):
        before = T.copy()
        order = rng.randint(0, n, size=n)
        _sag_epoch(
            X.indptr, X.indices, X.data, labels, scale, order, T, memory, total, seen, n_seen,
            step, penalty.l1, penalty.l2, saga, loss.n_rows == 1, loss.fit_intercept,
        )  # fmt: skip
        change = float(np.abs(T - before).max(initial=0.0))
        if change <= tol * max(float(np.abs(T).max(initial=0.0)), np.finfo(float).tiny):
            return T.ravel(), epoch, True
    return T.ravel(), max_iter, False
