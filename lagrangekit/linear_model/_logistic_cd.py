"""``solver="liblinear"``: newGLMNET (Yuan, Ho & Lin 2012), the algorithm of liblinear's L1 solver.

The binary datafit f(θ) = Σᵢ ωᵢ[softplus(zᵢ) − tᵢzᵢ], z = Xθ, has no separate intercept here
(liblinear's is a penalized column of X, built by the estimator), and g = l1‖θ‖₁ + (l2/2)‖θ‖².
Each outer step:

1. one pass over the CSC columns gives f, ∇f and the curvature Dᵢ = ωᵢσᵢ(1 − σᵢ) (z from the
   nonzero coefficients only);
2. the stop: the minimum-norm subgradient has 1-norm <= tol·max(min(#pos, #neg), 1)/n times its
   1-norm at the start, liblinear's rule;
3. **shrinking**: a coefficient at zero whose gradient lies inside the subdifferential by more
   than the previous step's largest violation divided by n (liblinear's margin) stays out of
   this step's working set;
4. the quadratic model ∇fᵀd + ½dᵀXᵀDXd + g(θ + d) is minimized over the working set by cyclic
   coordinate descent with soft-thresholding (:func:`_cd_quadratic`, compiled), in an order
   drawn from ``rng``, maintaining r = Xd;
5. a backtracking line search on F with sufficient decrease σ = 0.01 evaluates f(θ + t·d)
   from z + t·r in O(n), without touching X.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sparse
from numba import njit

__all__ = ["coordinate_descent"]

_SUFFICIENT_DECREASE = 0.01  # liblinear's sigma
_MAX_BACKTRACKS = 20


@njit(cache=True)
def _softplus_loss(z, target, weights):  # pragma: no cover - compiled
    """Σᵢ ωᵢ(softplus(zᵢ) − tᵢzᵢ), softplus(z) = log(1 + eᶻ) without overflow."""
    total = 0.0
    for i in range(z.shape[0]):
        zi = z[i]
        soft = zi + np.log1p(np.exp(-zi)) if zi > 0.0 else np.log1p(np.exp(zi))
        total += weights[i] * (soft - target[i] * zi)
    return total


@njit(cache=True)
def _newton_state(indptr, indices, data, theta, target, weights, z, grad, D):  # pragma: no cover
    """z = Xθ (over the nonzero θⱼ), ∇f = Xᵀω(σ(z) − t) and D = ωσ(z)(1 − σ(z)); returns f."""
    n = z.shape[0]
    p = indptr.shape[0] - 1
    z[:] = 0.0
    for j in range(p):
        if theta[j] != 0.0:
            for k in range(indptr[j], indptr[j + 1]):
                z[indices[k]] += data[k] * theta[j]
    v = np.empty(n)
    for i in range(n):
        e = np.exp(-abs(z[i]))
        s = 1.0 / (1.0 + e) if z[i] >= 0.0 else e / (1.0 + e)
        v[i] = weights[i] * (s - target[i])
        D[i] = weights[i] * s * (1.0 - s)
    for j in range(p):
        g = 0.0
        for k in range(indptr[j], indptr[j + 1]):
            g += data[k] * v[indices[k]]
        grad[j] = g
    return _softplus_loss(z, target, weights)


@njit(cache=True)
def _cd_quadratic(
    indptr, indices, data, D, grad, theta, l1, l2, working, max_sweeps, stop, margin
):  # pragma: no cover - compiled
    """Minimize ∇fᵀ(u − θ) + ½(u − θ)ᵀXᵀDX(u − θ) + l1‖u‖₁ + (l2/2)‖u‖² over the coordinates in
    ``working`` (in that order; the others stay at θ) by coordinate descent; returns (u, X(u − θ)).

    A full sweep leaves out of the rest of the solve (shrinks, as liblinear's inner loop) a
    coordinate at zero whose model gradient is inside [−l1, l1] by more than the previous full
    sweep's largest violation divided by n. After a sweep over the working set, the next sweeps
    visit only its active coordinates
    (nonzero after their update) until none moves by more than ``stop`` (in |Δ|·Hⱼⱼ); a sweep over
    the working set then ends the solve if no other coordinate moved off zero (or none moved
    by more than ``stop``), and starts another round otherwise. ``max_sweeps`` bounds the rounds,
    and the active sweeps of each round.
    """
    n = D.shape[0]
    p = indptr.shape[0] - 1
    u = theta.copy()
    r = np.zeros(n)
    h = np.zeros(p)
    for j in working:
        for k in range(indptr[j], indptr[j + 1]):
            h[j] += D[indices[k]] * data[k] * data[k]
        h[j] += l2
    active = np.zeros(p, dtype=np.bool_)
    shrunk = np.zeros(p, dtype=np.bool_)
    for rounds in range(max_sweeps):
        for sweep in range(max_sweeps + 1):
            full = sweep == 0
            grew = False
            biggest = 0.0
            worst = 0.0
            for j in working:
                if h[j] <= 0.0 or shrunk[j] or not (full or active[j]):
                    continue
                g = grad[j] + l2 * (u[j] - theta[j])
                for k in range(indptr[j], indptr[j + 1]):
                    g += D[indices[k]] * data[k] * r[indices[k]]
                if full and u[j] == 0.0:
                    if abs(g) < l1 - margin:  # well inside the subdifferential: out of this solve
                        shrunk[j] = True
                        continue
                    worst = max(worst, abs(g) - l1)
                v = u[j] - g / h[j]
                t = l1 / h[j]
                new = v - t if v > t else (v + t if v < -t else 0.0)
                delta = new - u[j]
                if delta != 0.0:
                    for k in range(indptr[j], indptr[j + 1]):
                        r[indices[k]] += delta * data[k]
                    u[j] = new
                    biggest = max(biggest, abs(delta) * h[j])
                if full:
                    grew = grew or (new != 0.0 and not active[j])
                    active[j] = new != 0.0
            if full:
                margin = worst / n
            if full and rounds > 0 and not grew:
                return u, r  # the active coordinates had settled and no other one moved off zero
            if biggest <= stop:
                if full:
                    return u, r
                break
    return u, r


def coordinate_descent(
    objective: Any, theta0: np.ndarray, max_iter: int, tol: float, *, rng: np.random.RandomState
) -> tuple[np.ndarray, int, bool]:
    """newGLMNET on ``objective`` (a :class:`._logistic_solvers.PenalizedLogistic`: the binary
    datafit without a separate intercept and the elastic-net penalty; module docstring);
    returns (θ, iterations, converged)."""
    loss, penalty = objective.loss, objective.penalty
    if loss.n_rows != 1 or loss.fit_intercept:
        raise ValueError("liblinear's coordinate descent takes the binary model, its intercept a column of X")
    X = sparse.csc_matrix(loss.X, dtype=np.float64)
    X.sort_indices()
    n, p = X.shape
    indptr, indices, data = X.indptr, X.indices, X.data
    target = (loss.labels == 1).astype(np.float64)
    weights, l1, l2 = loss.weights, penalty.l1, penalty.l2
    theta = np.array(theta0, dtype=np.float64)
    z, grad, D = np.empty(n), np.empty(p), np.empty(n)
    positive = int(np.count_nonzero(target[weights > 0]))
    share = max(min(positive, int(np.count_nonzero(weights > 0)) - positive), 1) / n  # liblinear's
    first = None
    for it in range(max_iter + 1):
        f = _newton_state(indptr, indices, data, theta, target, weights, z, grad, D)
        violation = penalty.subdiff_distance(theta, grad)
        total = float(violation.sum())
        first = total if first is None else first
        loss.record(theta, f, grad)
        if total <= tol * share * first:
            return theta, it, True
        if it == max_iter:
            break
        g = grad + l2 * theta
        margin = float(violation.max(initial=0.0)) / n
        working = np.flatnonzero((theta != 0.0) | (np.abs(g) >= l1 - margin))  # the rest: shrunk
        working = working[rng.permutation(working.size)]
        stop = 0.3 * float(violation.max())
        u, r = _cd_quadratic(indptr, indices, data, D, g, theta, l1, l2, working, 100, stop, margin)
        d = u - theta
        F = f + penalty.value(theta)
        # the model's decrease, the L1 change summed term by term (the totals would cancel)
        decrease = float(g @ d) + l1 * float((np.abs(u) - np.abs(theta)).sum())
        if decrease >= 0:
            return theta, it, False
        slack = 16 * np.finfo(float).eps * abs(F)
        size = 1.0
        for _ in range(_MAX_BACKTRACKS):
            trial = theta + size * d
            F_trial = _softplus_loss(z + size * r, target, weights) + penalty.value(trial)
            if F_trial <= F + _SUFFICIENT_DECREASE * size * decrease + slack:
                break
            size /= 2
        else:
            return theta, it, False  # no decrease along d: rounding at the optimum
        theta = trial
    return theta, max_iter, False
