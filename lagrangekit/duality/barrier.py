"""Maximize a smooth concave function on {A ν = a, G ν + h > 0, second-order cones} by a log barrier.

The method is that of Boyd & Vandenberghe §11.3: a phase I finds a strictly feasible point
(maximize τ with every slack >= τ, τ <= 1), then centering steps maximize t·g(ν) + Σ log(slack)
for t = t0, 10 t0, ... by damped Newton steps. Every line search backs off until the trial
point is strictly inside the domain and g is finite there, so the iterates never leave it.
The suboptimality of the final point is at most θ/t, θ = rows + 2·cones (the barrier's
parameter), which is the certificate reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import null_space

__all__ = ["BarrierOutcome", "Cone", "Domain", "maximize_on_domain"]

Derivatives = Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]

_HUGE = 1e12


@dataclass(frozen=True, eq=False)
class Cone:
    """The second-order cone u(ν) >= ‖v(ν)‖ with u = u0 + U·ν and v = v0 + V ν."""

    u0: float
    U: np.ndarray
    v0: np.ndarray
    V: np.ndarray

    def margin(self, nu: np.ndarray) -> float:
        return float(self.u0 + self.U @ nu - np.linalg.norm(self.v0 + self.V @ nu))


@dataclass(frozen=True, eq=False)
class Domain:
    """{ν : A ν = a, G ν + h > 0, every cone strictly}: the interior of a dual domain."""

    A: np.ndarray
    a: np.ndarray
    G: np.ndarray
    h: np.ndarray
    cones: tuple[Cone, ...] = ()

    @property
    def theta(self) -> int:
        """The barrier parameter: one per row, two per cone."""
        return len(self.h) + 2 * len(self.cones)

    def satisfies_equalities(self, nu: np.ndarray) -> bool:
        if not self.a.size:
            return True
        residual = np.abs(self.A @ nu - self.a).max()
        return bool(residual <= 1e-9 * max(1.0, np.abs(nu).max(initial=0.0), np.abs(self.a).max()))

    def margins(self, nu: np.ndarray) -> np.ndarray:
        """The slack of every row and cone (positive strictly inside)."""
        return np.concatenate([self.G @ nu + self.h, [c.margin(nu) for c in self.cones]])

    def barrier(self, nu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(−Σ log slack − Σ log(u² − ‖v‖²), gradient, Hessian); value inf outside."""
        m = nu.size
        r = self.G @ nu + self.h
        if np.any(r <= 0):
            return np.inf, np.zeros(m), np.zeros((m, m))
        value = -float(np.log(r).sum())
        grad = -self.G.T @ (1.0 / r)
        hess = self.G.T @ (self.G / r[:, None] ** 2)
        for c in self.cones:
            u = c.u0 + c.U @ nu
            v = c.v0 + c.V @ nu
            norm = float(np.linalg.norm(v))
            F = (u - norm) * (u + norm)  # u² − ‖v‖² without the cancellation near the boundary
            if u <= norm:
                return np.inf, np.zeros(m), np.zeros((m, m))
            dF = 2 * u * c.U - 2 * c.V.T @ v
            value -= float(np.log(F))
            grad -= dF / F
            hess += np.outer(dF, dF) / F**2 - (2 * np.outer(c.U, c.U) - 2 * c.V.T @ c.V) / F
        return value, grad, hess

    def with_margin(self, radius: float) -> Domain:
        """The phase-I domain over (ν, τ): every slack >= τ, τ < 1, and |ν_k| < ``radius``
        (so that the phase-I centering has a minimizer)."""
        m = self.A.shape[1]
        box = np.vstack([np.eye(m), -np.eye(m)])
        G = np.vstack(
            [
                np.hstack([self.G, -np.ones((len(self.h), 1))]),
                np.append(np.zeros(m), -1.0),
                np.hstack([box, np.zeros((2 * m, 1))]),
            ]
        )
        h = np.concatenate([self.h, [1.0], np.full(2 * m, radius)])
        cones = tuple(
            Cone(c.u0, np.append(c.U, -1.0), c.v0, np.hstack([c.V, np.zeros((c.V.shape[0], 1))]))
            for c in self.cones
        )
        return Domain(np.hstack([self.A, np.zeros((len(self.a), 1))]), self.a, G, h, cones)


@dataclass(frozen=True)
class BarrierOutcome:
    """What the barrier method reached.

    Attributes
    ----------
    nu : numpy.ndarray
        The last iterate (strictly inside the domain when status is not "infeasible").
    value : float
        g at ``nu``.
    bound : float
        θ/t: g* − g(ν) <= bound when the last centering converged.
    status : {"optimal", "unbounded", "infeasible", "boundary", "stalled", "diverged"}
        ``"boundary"``: the domain is not empty but has no interior point.
    message : str
    nit : int
        Newton steps in all.
    """

    nu: np.ndarray
    value: float
    bound: float
    status: str
    message: str
    nit: int


def _inside(domain: Domain, nu: np.ndarray) -> bool:
    return bool(np.all(domain.margins(nu) > 0))


def _center(
    fun: Derivatives, domain: Domain, N: np.ndarray, nu: np.ndarray, t: float, budget: int, stop=None
):
    """Damped Newton on φ = −t·g − barrier over ν + N z: (ν, steps, converged); it returns
    early (converged) once ``stop(ν)`` holds."""

    def phi(point):
        b, gb, Hb = domain.barrier(point)
        if not np.isfinite(b):
            return np.inf, None, None
        with np.errstate(all="ignore"):
            g, gg, Hg = fun(point)
        if not np.isfinite(g):
            return np.inf, None, None
        return -t * g + b, N.T @ (-t * gg + gb), N.T @ (-t * Hg + Hb) @ N

    value, grad, hess = phi(nu)
    for step in range(budget):
        if stop is not None and stop(nu):
            return nu, step, True
        if not np.all(np.isfinite(hess)) or not np.all(np.isfinite(grad)):
            return nu, step, False
        ridge = 1e-14 * float(np.abs(np.diag(hess)).max(initial=0.0))
        try:
            direction = np.linalg.solve(hess + ridge * np.eye(len(grad)), -grad)
        except np.linalg.LinAlgError:
            direction = np.linalg.lstsq(hess, -grad, rcond=None)[0]
        decrement = -float(grad @ direction)
        if not np.isfinite(decrement) or decrement < 0:
            direction, decrement = -grad, float(grad @ grad)
        scale = max(1.0, abs(value))
        if decrement / 2 <= 1e-13 * scale:
            return _polish(phi, N, nu, direction), step, True
        alpha = 1.0
        while alpha > 1e-14:
            trial = nu + alpha * (N @ direction)
            new_value, new_grad, new_hess = phi(trial)
            if new_value <= value - 0.25 * alpha * decrement:
                break
            alpha /= 2
        else:  # no decrease left within rounding: centred if the decrement is tiny
            return nu, step, decrement / 2 <= 1e-9 * scale
        nu, value, grad, hess = trial, new_value, new_grad, new_hess
        if np.abs(nu).max(initial=0.0) > _HUGE:
            return nu, step + 1, False
    return nu, budget, False


def _polish(phi, N: np.ndarray, nu: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Two pure Newton steps from a centred point (inside the region of quadratic
    convergence), kept only while they stay in the domain: ν to full precision, where the
    Armijo test can no longer see φ change in floating point."""
    for _ in range(2):
        trial = nu + N @ direction
        value, grad, hess = phi(trial)
        if not np.isfinite(value) or not np.all(np.isfinite(hess)):
            break
        nu = trial
        try:
            direction = np.linalg.solve(hess, -grad)
        except np.linalg.LinAlgError:
            break
    return nu


def _run(fun: Derivatives, domain: Domain, nu: np.ndarray, N: np.ndarray, tol: float, stop=None):
    """Outer loop: (ν, t, steps, status)."""
    theta = domain.theta
    g0 = fun(nu)[0]
    t = max(1.0, theta) / max(1.0, abs(g0)) if theta else 1.0
    steps = 0
    for _ in range(80):
        nu, k, converged = _center(fun, domain, N, nu, t, 200, stop)
        steps += k
        if np.abs(nu).max(initial=0.0) > _HUGE:
            rise = fun(nu)[0] - g0
            return nu, t, steps, "unbounded" if rise > 1e6 * max(1.0, abs(g0)) else "diverged"
        if stop is not None and stop(nu):
            return nu, t, steps, "stopped"
        g = fun(nu)[0]
        if g > _HUGE * max(1.0, abs(g0)):
            return nu, t, steps, "unbounded"
        if theta == 0 or theta / t <= tol * max(1.0, abs(g)):
            return nu, t, steps, "optimal" if converged else "stalled"
        if not converged and k == 0:
            return nu, t, steps, "stalled"
        t *= 10.0
    return nu, t, steps, "stalled"


def maximize_on_domain(
    fun: Derivatives, value: Callable[[np.ndarray], float], domain: Domain, *, tol: float = 1e-10
) -> BarrierOutcome:
    """Maximize the concave g given by ``fun(ν) -> (g, ∇g, ∇²g)`` over ``domain``.

    Parameters
    ----------
    fun : callable
        Value, gradient and Hessian of g, called only strictly inside the domain.
    value : callable
        g alone (−inf outside the domain), for the final report.
    domain : Domain
    tol : float
        Target for θ/t relative to max(1, |g|).
    """
    m = domain.A.shape[1]
    if domain.a.size:
        nu0, *_ = np.linalg.lstsq(domain.A, domain.a, rcond=None)
        if not domain.satisfies_equalities(nu0):
            return BarrierOutcome(
                nu0, -np.inf, np.inf, "infeasible", "the domain's linear equalities have no solution", 0
            )
        N = null_space(domain.A)
    else:
        nu0, N = np.zeros(m), np.eye(m)
    start, steps = nu0, 0
    if domain.theta and not _inside(domain, nu0):
        widened = domain.with_margin(1e6 * (1.0 + np.abs(nu0).max(initial=0.0)))
        tau0 = float(domain.margins(nu0).min()) - 1.0
        N1 = np.block([[N, np.zeros((m, 1))], [np.zeros((1, N.shape[1])), np.ones((1, 1))]])

        def margin_objective(z):
            grad = np.zeros(m + 1)
            grad[-1] = 1.0
            return float(z[-1]), grad, np.zeros((m + 1, m + 1))

        z, _, steps, status = _run(
            margin_objective, widened, np.append(nu0, tau0), N1, 1e-9, stop=lambda z: z[-1] > 0
        )
        start = z[:m]
        if not _inside(domain, start):
            if z[-1] < -1e-6 * (1.0 + np.abs(start).max(initial=0.0)):
                return BarrierOutcome(
                    start,
                    -np.inf,
                    np.inf,
                    "infeasible",
                    f"no multipliers satisfy the dual domain (largest margin {z[-1]:.3g})",
                    steps,
                )
            return BarrierOutcome(
                start,
                value(start),
                np.inf,
                "boundary",
                f"the dual domain has no interior point (largest margin {z[-1]:.3g}), so the barrier "
                "method cannot start; its supremum lies on the boundary, which this solver does not reach",
                steps,
            )
    nu, t, more, status = _run(fun, domain, start, N, tol)
    if domain.a.size:  # undo the rounding drift off A ν = a accumulated over the steps
        corrected = nu - np.linalg.lstsq(domain.A, domain.A @ nu - domain.a, rcond=None)[0]
        nu = corrected if _inside(domain, corrected) else nu
    g = value(nu)
    bound = domain.theta / t if domain.theta else 0.0
    messages = {
        "optimal": f"barrier method: g* − g <= {bound:.2g} (θ/t)",
        "stalled": f"barrier method stopped before the certified accuracy (θ/t = {bound:.2g})",
        "diverged": "the multipliers grow without bound",
        "unbounded": "g grows without bound: the dual is unbounded above, so the primal is infeasible",
    }
    return BarrierOutcome(nu, g, bound, status, messages[status], steps + more)
