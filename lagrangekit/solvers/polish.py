"""Active-set Newton polish: Newton's method on the KKT equations of a guessed active set."""

from __future__ import annotations

import numpy as np

from .._linalg import solve
from ..numeric_form import Multipliers, NumericForm

__all__ = ["newton_polish"]

ACTIVE = 1e-6  # a row of G is guessed active when G_i > -ACTIVE or μ_i > ACTIVE
_NEG = 1e-9  # multipliers above -_NEG are rounded to 0 rather than dropping their row
_ROUNDING = 1e-13  # a polished KKT error this small wins without comparing to the start


def _newton(
    form: NumericForm, x: np.ndarray, m: Multipliers, active: np.ndarray, steps: int, enough: float
):
    """Newton iterations on ∇L = 0, h = 0, G_A = 0 with μ fixed to 0 off A; None if it diverges.

    They stop at a residual of max(_ROUNDING, ``enough``) relative to max(1, ‖∇f‖∞): rounding
    level, or the caller's goal (which also ends the linear convergence at degenerate KKT
    points early)."""
    n, me = form.n, form.m_eq
    lam, mu = m.lam.copy(), np.where(active, m.mu, 0.0)
    A = np.flatnonzero(active)
    radius = 0.1 * max(1.0, float(np.abs(x).max(initial=0.0)))

    def residual(x, lam, mu):
        point = form.first_order(x)  # kept by the form: the merit at the answer reuses it
        JA, Jh = point.jg[A], point.jh
        r = point.grad + Jh.T @ lam + JA.T @ mu[A]
        return np.concatenate([r, point.h, point.g[A]]), JA, Jh, point.grad

    F, JA, Jh, grad = residual(x, lam, mu)
    norm = float(np.abs(F).max(initial=0.0))
    scale = max(1.0, float(np.abs(grad).max(initial=0.0)))
    goal = max(_ROUNDING, enough) * scale
    moved = 0.0
    for _ in range(steps):
        if norm <= goal:
            break
        H = form.lagrangian_hessian(x, Multipliers(lam, mu))
        k = len(A)
        K = np.zeros((n + me + k, n + me + k))
        K[:n, :n] = H
        K[:n, n : n + me] = Jh.T
        K[:n, n + me :] = JA.T
        K[n : n + me, :n] = Jh
        K[n + me :, :n] = JA
        if not (np.isfinite(K).all() and np.isfinite(F).all()):
            return None  # a derivative is infinite here (sqrt at 0): no Newton step exists
        try:
            d = solve(K, -F)
        except np.linalg.LinAlgError:
            d = np.linalg.lstsq(K, -F, rcond=None)[0]
        if not np.isfinite(d).all():
            return None
        t = 1.0
        for _ in range(8):
            x_new = x + t * d[:n]
            lam_new = lam + t * d[n : n + me]
            mu_new = mu.copy()
            mu_new[A] += t * d[n + me :]
            F_new, JA_new, Jh_new, grad_new = residual(x_new, lam_new, mu_new)
            norm_new = float(np.abs(F_new).max())
            if np.isfinite(norm_new) and norm_new < norm:
                break
            if norm <= 1e-12 * scale:
                return x, Multipliers(lam, mu)  # at rounding level: shorter steps cannot help
            t /= 2
        else:
            break
        moved += t * float(np.abs(d[:n]).max(initial=0.0))
        if moved > radius:
            return None
        x, lam, mu, F, JA, Jh, grad, norm = x_new, lam_new, mu_new, F_new, JA_new, Jh_new, grad_new, norm_new
    return x, Multipliers(lam, mu)


def newton_polish(
    form: NumericForm,
    x: np.ndarray,
    m: Multipliers,
    *,
    steps: int = 12,
    rounds: int = 6,
    enough: float = 0.0,
) -> tuple[np.ndarray, Multipliers, float]:
    """Refine (x, multipliers) by Newton on the KKT system; keep whichever has the smaller
    :meth:`NumericForm.kkt_error` (a polished error at rounding level, 1e-13, or below
    ``enough``, wins without the comparison), and return it with that error. Newton stops
    once the residual is below ``enough`` (relative to max(1, ‖∇f‖∞); 0: rounding level).

    The active set is guessed from G and μ, then corrected: a row whose multiplier comes
    out negative is dropped, and a violated inactive row is added, for a few rounds.
    """
    if not np.isfinite(x).all():
        return x, m, form.kkt_error(x, m)
    best: tuple[np.ndarray, Multipliers, float] | None = None
    G = form.first_order(x).g  # kept by the form from the backend's multiplier recovery
    active = (G > -ACTIVE) | (m.mu > ACTIVE)
    for _ in range(rounds):
        out = _newton(form, x, m, active, steps, enough)
        if out is None:
            break
        xn, mn = out
        mu = mn.mu
        negative = active & (mu < -_NEG)
        if negative.any():
            active[np.argmin(np.where(active, mu, np.inf))] = False
            continue
        mu = np.where(active, np.maximum(mu, 0.0), 0.0)
        candidate = Multipliers(mn.lam, mu)
        Gn = form.first_order(xn).g
        violated = ~active & (Gn > 0)
        error = form.kkt_error(xn, candidate)
        if best is None or error < best[2]:
            best = (xn, candidate, error)
        if violated.any():
            active[np.argmax(np.where(violated, Gn, -np.inf))] = True
            continue
        break
    if best is not None and best[2] <= max(_ROUNDING, enough):
        return best  # nothing can beat it: skip evaluating the starting point
    start = (x, m, form.kkt_error(x, m))
    return start if best is None or start[2] <= best[2] else best


def onto_active(form: NumericForm, x: np.ndarray, *, steps: int = 200) -> np.ndarray:
    """Pull a nearly feasible point exactly onto its active constraints: minimum-norm
    Gauss–Newton steps on h = 0 and G_A = 0 (A: rows with G > −1e-6).

    Meant for points where LICQ fails, where the active rows are degenerate and a solver
    stops with a small violation (at the cusp the violation is cubic in the distance, so a
    violation of 1e-8 leaves x 2e-3 away). Convergence there is linear, hence the many
    cheap steps; they stop when a step no longer moves x. The result is returned only if it
    is no more violated than ``x`` and within 1e-2·max(1, ‖x‖∞) of it; otherwise ``x``.
    """
    x = np.asarray(x, dtype=float)
    active = form.G(x) > -ACTIVE
    scale = max(1.0, float(np.abs(x).max(initial=0.0)))
    z = x.copy()
    for _ in range(steps):
        F = np.concatenate([form.h(z), form.G(z)[active]])
        J = np.vstack([form.h_jac(z).reshape(-1, form.n), form.G_jac(z)[active]])
        if not (np.isfinite(J).all() and np.isfinite(F).all()):
            return x  # a derivative is infinite here (sqrt at 0): no Gauss–Newton step exists
        d = np.linalg.lstsq(J, -F, rcond=None)[0] if F.size else np.zeros(form.n)
        if not np.isfinite(d).all():
            return x
        z = z + d
        if float(np.abs(d).max(initial=0.0)) <= 1e-15 * scale:
            break
    moved = float(np.abs(z - x).max(initial=0.0))
    if moved <= 1e-2 * scale and form.violation(z) <= form.violation(x):
        return z
    return x
