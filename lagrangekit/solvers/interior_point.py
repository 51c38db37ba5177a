"""A dense primal-dual interior-point method after IPOPT: slacks, a monotone barrier, inertia-
corrected Newton steps on the exact Lagrangian Hessian, and a filter line search.

The problem is :class:`~lagrangekit.numeric_form.NumericForm`'s: minimize f s.t. h = 0,
G <= 0 (bounds are rows of G). With slacks s > 0 it solves, for a falling barrier μ,

    minimize f(x) − μ Σ log s_i   s.t.   h(x) = 0,   G(x) + s = 0,

whose KKT conditions are ∇f + J_hᵀλ + J_Gᵀz = 0, h = 0, G + s = 0, z∘s = μ: z is the
library's μ for G (L = f + λᵀh + zᵀG, z >= 0), so the multipliers need no translation. The
design is Wächter and Biegler's (Math. Program. 106, 2006), in compact form: Fiacco–McCormick
barrier updates, the reduced Newton system solved densely with δ·I added to the Hessian until
its inertia is right, fraction-to-boundary on s and z, and the filter with its switching
condition. There is no feasibility restoration phase: when the line search fails the method
stops and says so (``lk.solve`` then falls back to its other backends). Once the barrier is
small the active-set Newton polish (:func:`~lagrangekit.solvers.polish.newton_polish`) is
tried, which finishes far faster than driving μ to the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numeric_form import Multipliers, NumericForm
from .attempt import Attempt
from .auglag import runaway
from .polish import newton_polish

__all__ = ["interior_point"]

_MU_INIT = 0.1
_KAPPA_EPS = 10.0  # the barrier problem counts as solved when its error is below κ_ε·μ
_KAPPA_MU, _THETA_MU = 0.2, 1.5  # μ ← min(κ_μ·μ, μ^θ_μ)
_TAU_MIN = 0.99  # fraction to the boundary: τ = max(τ_min, 1 − μ)
_PUSH = 1e-2  # start this far (relative) inside the bounds and away from s = 0
_KAPPA_SIGMA = 1e10  # z·s is kept within [μ/κ_Σ, κ_Σ·μ]
_GAMMA_THETA, _GAMMA_PHI = 1e-5, 1e-8  # filter margins
_ETA = 1e-4  # Armijo constant
_S_THETA, _S_PHI, _DELTA = 1.1, 2.3, 1.0  # switching condition
_DELTA_W_FIRST, _DELTA_W_MAX = 1e-4, 1e40
_MAX_ITER = 200
_STALL = 20  # Newton iterations allowed on one barrier μ <= 10·tol before giving up
_POLISH_MU = 1e-3  # the polish is tried at each barrier decrease once μ is this small
_POLISH_REACH = 1e-2  # and kept only when it moved x by at most this, relative to ‖x‖∞
_POLISH_STEPS = 4  # Newton steps per active set on those tries: from a good iterate 2-3 suffice


@dataclass
class _Iterate:
    """A primal point with its values: x, slacks s, f, h and G."""

    x: np.ndarray
    s: np.ndarray
    f: float
    h: np.ndarray
    G: np.ndarray

    def theta(self) -> float:
        """Constraint violation ‖(h, G + s)‖₁."""
        return float(np.abs(self.h).sum() + np.abs(self.G + self.s).sum())

    def phi(self, mu: float) -> float:
        """Barrier objective f − μ Σ log s."""
        return self.f - mu * float(np.log(self.s).sum())


def _values(form: NumericForm, x: np.ndarray, s: np.ndarray) -> _Iterate | None:
    """The iterate at (x, s), or None where f, h or G is not finite (or a callable of a
    :func:`~lagrangekit.from_functions` problem raises there, as ``math.log`` of a negative)."""
    try:
        f, h, G = form.f(x), np.asarray(form.h(x), float), form.G(x)
    except (ValueError, ArithmeticError):
        return None
    if not (np.isfinite(f) and np.isfinite(h).all() and np.isfinite(G).all()):
        return None
    return _Iterate(x, s, float(f), h, G)


def _pushed_inside(form: NumericForm, x0: np.ndarray) -> np.ndarray:
    """x0 moved strictly inside its bounds, by min(1e-2·max(1, |bound|), 1e-2·(hi − lo))."""
    lo, hi = form.cp.lower, form.cp.upper
    width = hi - lo  # inf unless both bounds are finite
    x = x0.copy()
    has_lo, has_hi = np.isfinite(lo), np.isfinite(hi)
    push_lo = np.minimum(_PUSH * np.maximum(1.0, np.abs(lo[has_lo])), _PUSH * width[has_lo])
    push_hi = np.minimum(_PUSH * np.maximum(1.0, np.abs(hi[has_hi])), _PUSH * width[has_hi])
    x[has_lo] = np.maximum(x[has_lo], lo[has_lo] + push_lo)
    x[has_hi] = np.minimum(x[has_hi], hi[has_hi] - push_hi)
    return x


def _wrong_inertia(K: np.ndarray, n: int, zero: float) -> tuple[bool, bool]:
    """(wrong, singular): whether K lacks n positive and len(K) − n negative eigenvalues,
    and whether it has eigenvalues of size at most ``zero``."""
    ev = np.linalg.eigvalsh(K)
    small = np.abs(ev) <= zero
    singular = bool(small.any())
    return singular or int(np.count_nonzero(ev > 0)) != n, singular


class _Regularizer:
    """IPOPT's inertia correction: δ_w·I added to the Hessian block (and −δ_c·I to the
    constraint block when K is singular) until K has n positive and m_eq negative
    eigenvalues; δ_w starts from a third of its last value."""

    def __init__(self) -> None:
        self.last = 0.0
        self.singular = False  # whether the last matrix needed −δ_c·I

    def matrix(self, H: np.ndarray, Jh: np.ndarray, mu: float) -> np.ndarray | None:
        n, me = H.shape[0], Jh.shape[0]
        K = np.zeros((n + me, n + me))
        K[:n, :n] = H
        K[:n, n:] = Jh.T
        K[n:, :n] = Jh
        if not np.isfinite(K).all():
            return None
        zero = 1e-14 * max(1.0, float(np.abs(K).max(initial=0.0)))  # fixed while δ grows
        wrong, singular = _wrong_inertia(K, n, zero)
        self.singular = bool(singular and me)
        if not wrong:
            return K
        if self.singular:
            delta_c = 1e-8 * mu**0.25
            K[n:, n:] = -delta_c * np.eye(me)
            zero = min(zero, 0.1 * delta_c)
            wrong, _ = _wrong_inertia(K, n, zero)
            if not wrong:
                return K
        delta = _DELTA_W_FIRST if self.last == 0.0 else max(1e-20, self.last / 3)
        growth = 100.0 if self.last == 0.0 else 8.0
        diagonal = np.diag_indices(n)
        H_diag = H.diagonal().copy()
        while delta <= _DELTA_W_MAX:
            K[diagonal] = H_diag + delta
            if not _wrong_inertia(K, n, zero)[0]:
                self.last = delta
                return K
            delta *= growth
        return None


class _Filter:
    """The filter of (θ, φ) pairs that a trial point must improve on, one of the two."""

    def __init__(self, theta_max: float) -> None:
        self.entries: list[tuple[float, float]] = [(theta_max, -np.inf)]
        self.theta_max = theta_max

    def reset(self) -> None:
        self.entries = [(self.theta_max, -np.inf)]

    def accepts(self, theta: float, phi: float) -> bool:
        return all(theta < t or phi < p for t, p in self.entries)

    def add(self, theta: float, phi: float) -> None:
        self.entries.append(((1 - _GAMMA_THETA) * theta, phi - _GAMMA_PHI * theta))


def _boundary_step(v: np.ndarray, dv: np.ndarray, tau: float) -> float:
    """The largest α in (0, 1] with v + α·dv >= (1 − τ)·v."""
    falling = dv < 0
    if not falling.any():
        return 1.0
    return float(min(1.0, np.min(-tau * v[falling] / dv[falling])))


def _attempt(
    x: np.ndarray, m: Multipliers, nit: int, converged: bool, message: str, **kw: object
) -> Attempt:
    return Attempt(x=x, multipliers=m, method="ipm", nit=nit, converged=converged, message=message, **kw)


def interior_point(
    form: NumericForm, x0: np.ndarray, *, tol: float = 1e-8, max_iter: int | None = None
) -> Attempt:
    """Solve the form from ``x0`` by the primal-dual interior-point method of this module.

    Parameters
    ----------
    form : NumericForm
        The problem: minimize f s.t. h = 0, G <= 0.
    x0 : numpy.ndarray
        Start point; moved strictly inside the bounds first.
    tol : float, default 1e-8
        Stop when :meth:`NumericForm.kkt_error` of the (polished) iterate is at most ``tol``.
    max_iter : int, optional
        Newton iterations (200 by default).

    Returns
    -------
    Attempt
        ``method="ipm"``; multipliers in the library's convention (z of G + s = 0 is μ >= 0
        of G <= 0), the KKT error of the returned pair in ``error``; ``diverged`` when the
        iterates or f ran away (:func:`~lagrangekit.solvers.auglag.runaway`).
    """
    limit = _MAX_ITER if max_iter is None else int(max_iter)
    x0 = np.asarray(x0, dtype=float)
    n, me, mi = form.n, form.m_eq, form.m_in
    x = _pushed_inside(form, x0)
    with np.errstate(all="ignore"):
        G0 = form.G(x)
        s = np.maximum(-G0, _PUSH * np.maximum(1.0, np.abs(G0)))
        point = _values(form, x, s)
        first = (form.grad(x), form.h_jac(x), form.G_jac(x)) if point is not None else ()
    if point is None or not all(np.all(np.isfinite(a)) for a in first):
        return _attempt(x0, form.zeros(), 0, False, "ipm: the problem is not defined at its start point")
    f_start = point.f
    z = np.ones(mi)
    mu = _MU_INIT
    grad, Jh, JG = first
    lam = _least_squares_lam(np.asarray(grad, float), np.asarray(Jh, float).reshape(me, n), JG, z)
    theta_max = 1e4 * max(1.0, point.theta())
    theta_min = 1e-4 * max(1.0, point.theta())
    filt = _Filter(theta_max)
    regularizer = _Regularizer()
    best: tuple[np.ndarray, Multipliers, float] | None = None
    message = f"ipm stopped at the iteration limit ({limit})"
    converged = False
    nit = same_mu = 0
    last_mu = mu
    for nit in range(1, limit + 1):
        x, s = point.x, point.s
        grad = np.asarray(form.grad(x), float)
        Jh = np.asarray(form.h_jac(x), float).reshape(me, n)
        JG = form.G_jac(x)
        if regularizer.singular and np.abs(lam).max() > 1e3 * max(1.0, float(np.abs(grad).max())):
            lam = _least_squares_lam(grad, Jh, JG, z)  # its step was divided by δ_c: start λ afresh
        r_d = grad + Jh.T @ lam + JG.T @ z
        r_p = point.G + s
        s_d = max(100.0, (np.abs(lam).sum() + z.sum()) / max(1, me + mi)) / 100.0
        primal = max(float(np.abs(point.h).max(initial=0.0)), float(np.abs(r_p).max(initial=0.0)))
        floor = max(primal, float(np.abs(r_d).max(initial=0.0)) / s_d)  # the error without complementarity

        def barrier_error(
            mu: float, floor: float = floor, z: np.ndarray = z, s: np.ndarray = s, s_d: float = s_d
        ) -> float:
            return max(floor, float(np.abs(z * s - mu).max(initial=0.0)) / s_d)

        if not np.isfinite(r_d).all():
            message = "ipm: a derivative is not finite at an iterate"
            break
        while mu > tol / 10 and barrier_error(mu) <= _KAPPA_EPS * mu:
            mu = max(tol / 10, min(_KAPPA_MU * mu, mu**_THETA_MU))
            filt.reset()
            if mu <= _POLISH_MU:
                best = _polish(form, x, lam, z, s, best, steps=_POLISH_STEPS)
                if best is not None and best[2] <= tol:
                    converged = True
                    break
        if converged:
            message = f"ipm converged in {nit} iterations (barrier {mu:.1e}, then active-set Newton)"
            break
        if barrier_error(0.0) <= tol / 10:
            best = _polish(form, x, lam, z, s, best)
            converged = best is not None and best[2] <= tol
            verdict = "converged" if converged else "met its own tolerance, uncertified,"
            message = f"ipm {verdict} in {nit} iterations"
            break
        same_mu = same_mu + 1 if mu == last_mu and mu <= 10 * tol else 0
        last_mu = mu
        if mu <= 10 * tol and primal <= tol and _runaway(lam, z, grad):
            message = "ipm: the multipliers ran away at a feasible point (no KKT point: LICQ fails there)"
            break
        if same_mu > _STALL:  # a cusp: convergence without multipliers is sublinear
            message = f"ipm stalled: {_STALL} Newton steps did not solve the barrier problem at μ = {mu:.1e}"
            break
        tau = max(_TAU_MIN, 1.0 - mu)
        H = form.lagrangian_hessian(x, Multipliers(lam, z))
        sigma = z / s
        W = H + JG.T @ (sigma[:, None] * JG)
        K = regularizer.matrix(W, Jh, mu)
        rhs = -np.concatenate([r_d + JG.T @ (sigma * r_p - (z - mu / s)), point.h])
        try:
            d = np.linalg.solve(K, rhs) if K is not None else None
        except np.linalg.LinAlgError:
            d = None
        if d is None:
            message = "ipm: the Newton matrix is not finite, or no regularization made it nonsingular"
            break
        dx, dlam = d[:n], d[n:]
        ds = -r_p - JG @ dx
        dz = -(z - mu / s) - sigma * ds
        if not (np.isfinite(dx).all() and np.isfinite(dz).all()):
            message = "ipm: the Newton step is not finite"
            break
        alpha = _boundary_step(s, ds, tau)
        alpha_z = _boundary_step(z, dz, tau)
        trial = _line_search(form, point, dx, ds, alpha, mu, filt, grad, theta_min)
        if trial is None:
            message = "ipm: the filter line search failed (no restoration phase)"
            break
        point, step = trial
        lam = lam + step * dlam
        z = z + alpha_z * dz
        z = np.clip(z, mu / (_KAPPA_SIGMA * point.s), _KAPPA_SIGMA * mu / point.s)
        if runaway(form, point.x, f_start, x0, point.f):
            return _attempt(
                point.x,
                Multipliers(lam, z),
                nit,
                False,
                "ipm: the iterates ran away: the objective decreases without bound along them",
                diverged=True,
            )
    if best is None or not converged:
        best = _polish(form, point.x, lam, z, point.s, best, steps=_POLISH_STEPS)
    if best is None:
        m = Multipliers(lam, z)
        best = (point.x, m, form.kkt_error(point.x, m))
    x, m, error = best
    return _attempt(x, m, nit, converged, message, error=error)


def _runaway(lam: np.ndarray, z: np.ndarray, grad: np.ndarray) -> bool:
    """Multipliers above 1e4·max(1, ‖∇f‖∞), the sign of a point without KKT multipliers."""
    largest = max(float(np.abs(lam).max(initial=0.0)), float(z.max(initial=0.0)))
    return largest > 1e4 * max(1.0, float(np.abs(grad).max(initial=0.0)))


def _least_squares_lam(grad: np.ndarray, Jh: np.ndarray, JG: np.ndarray, z: np.ndarray) -> np.ndarray:
    """λ minimizing ‖∇f + J_hᵀλ + J_Gᵀz‖₂, or 0 when that is above 1e3 (IPOPT's start)."""
    if not len(Jh) or not np.all(np.isfinite(Jh)):
        return np.zeros(len(Jh))
    lam = np.linalg.lstsq(Jh.T, -(grad + JG.T @ z), rcond=None)[0]
    return lam if np.abs(lam).max() <= 1e3 else np.zeros(len(Jh))


def _polish(
    form: NumericForm,
    x: np.ndarray,
    lam: np.ndarray,
    z: np.ndarray,
    s: np.ndarray,
    best: tuple[np.ndarray, Multipliers, float] | None,
    steps: int = 12,
) -> tuple[np.ndarray, Multipliers, float] | None:
    """The active-set Newton polish from an iterate (``steps`` Newton steps per active set),
    with the multipliers of rows whose slack exceeds their multiplier (inactive ones) set to
    0; the better of it and ``best``."""
    m = Multipliers(lam.copy(), np.where(z > s, z, 0.0))
    polished = newton_polish(form, x, m, steps=steps, rounds=max(2, steps // 2))
    if np.abs(polished[0] - x).max(initial=0.0) > _POLISH_REACH * max(1.0, float(np.abs(x).max(initial=0.0))):
        return best  # not a refinement of this iterate (a far stationary point, a plateau)
    return polished if best is None or polished[2] < best[2] else best


def _line_search(
    form: NumericForm,
    point: _Iterate,
    dx: np.ndarray,
    ds: np.ndarray,
    alpha: float,
    mu: float,
    filt: _Filter,
    grad: np.ndarray,
    theta_min: float,
) -> tuple[_Iterate, float] | None:
    """Backtracking filter line search from ``point`` along (dx, ds), starting at ``alpha``:
    the accepted iterate and step, or None when the step fell below its minimum."""
    theta, phi = point.theta(), point.phi(mu)
    slope = float(grad @ dx - mu * np.sum(ds / point.s))
    if slope < 0:
        alpha_min = 0.05 * min(
            _GAMMA_THETA, _GAMMA_PHI * theta / -slope, _DELTA * theta**_S_THETA / (-slope) ** _S_PHI
        )
    else:
        alpha_min = 0.05 * _GAMMA_THETA
    alpha_min = max(alpha_min, 1e-14)  # at θ = 0 the formula gives 0
    while alpha >= alpha_min:
        with np.errstate(all="ignore"):
            trial = _values(form, point.x + alpha * dx, point.s + alpha * ds)
        if trial is not None:
            t_theta, t_phi = trial.theta(), trial.phi(mu)
            if np.isfinite(t_phi) and filt.accepts(t_theta, t_phi):
                switching = slope < 0 and alpha * (-slope) ** _S_PHI > _DELTA * theta**_S_THETA
                if theta <= theta_min and switching:
                    if t_phi <= phi + _ETA * alpha * slope:
                        return trial, alpha  # an f-type step: the filter stays as it is
                elif t_theta <= (1 - _GAMMA_THETA) * theta or t_phi <= phi - _GAMMA_PHI * theta:
                    filt.add(theta, phi)
                    return trial, alpha
        alpha /= 2
    return None
