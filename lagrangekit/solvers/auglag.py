"""Our augmented Lagrangian method: bound-constrained L-BFGS-B inner solves, first-order
multiplier updates, adaptive penalty, then an active-set Newton polish of the KKT system."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize as _scipy_minimize

from ..numeric_form import Multipliers, NumericForm
from .attempt import Attempt
from .polish import newton_polish

__all__ = ["auglag", "runaway"]

_RHO_MAX = 1e12


def runaway(
    form: NumericForm, x: np.ndarray, f_start: float, x_start: np.ndarray, f: float | None = None
) -> bool:
    """True when x or f(x) ran far away from the start: ‖x‖ > 1e10·max(1, ‖x0‖) or
    f < f(x0) − 1e12·max(1, |f(x0)|). ``f`` is f(x) when the caller has it."""
    if not np.all(np.isfinite(x)):
        return True
    if f is None:
        f = form.f(x)
    scale_x = max(1.0, float(np.abs(x_start).max(initial=0.0)))
    return bool(
        float(np.abs(x).max(initial=0.0)) > 1e10 * scale_x
        or not np.isfinite(f)
        or f < f_start - 1e12 * max(1.0, abs(f_start))
    )


def auglag(form: NumericForm, x0: np.ndarray, *, tol: float = 1e-8, max_iter: int | None = None) -> Attempt:
    """Powell–Hestenes–Rockafellar augmented Lagrangian for minimize f s.t. h = 0, g <= 0, lo <= x <= hi.

    L_ρ(x; λ, μ) = f + λᵀh + (ρ/2)‖h‖² + (1/2ρ) Σ (max(0, μ_i + ρ g_i)² − μ_i²), minimized
    over the box by L-BFGS-B with exact gradients; then λ ← λ + ρh, μ ← max(0, μ + ρg), and
    ρ grows tenfold whenever the constraint violation did not halve. ρ starts at
    10·max(1, |f(x0)|)/max(1, ½‖c(x0)⁺‖²), capped at 10: a stiffer start makes the L-BFGS-B
    line search fail on the kink of max(0, ·). Bound multipliers come
    from the reduced gradient, and :func:`newton_polish` makes every multiplier accurate.
    """
    outer = 60 if max_iter is None else int(max_iter)
    x = form.clip(np.asarray(x0, dtype=float))
    lam, mu = np.zeros(form.m_eq), np.zeros(len(form.cp.ineq_names))
    f_start = form.f(x)
    h, g = form.h(x), form.g(x)
    sq = 0.5 * (h @ h + np.maximum(g, 0.0) @ np.maximum(g, 0.0))
    rho = float(np.clip(10 * max(1.0, abs(f_start)) / max(1.0, sq), 1e-6, 10.0))
    bounds = [
        (None if not np.isfinite(lo) else lo, None if not np.isfinite(hi) else hi)
        for lo, hi in zip(form.cp.lower, form.cp.upper)
    ]
    grad_scale = max(1.0, float(np.abs(form.grad(x)).max(initial=0.0)))
    inner_tol = 1e-2
    target = max(tol, 1e-9)
    previous = np.inf
    converged, diverged, nit = False, False, 0
    message = "augmented Lagrangian stopped at the outer iteration limit"

    def phi(z: np.ndarray) -> tuple[float, np.ndarray]:
        f, gr = form.f(z), form.grad(z)
        hz, gz = form.h(z), form.g(z)
        s = lam + rho * hz
        t = np.maximum(0.0, mu + rho * gz)
        value = f + lam @ hz + 0.5 * rho * (hz @ hz) + (t @ t - mu @ mu) / (2 * rho)
        grad = gr + form.h_jac(z).T @ s + form.g_jac(z).T @ t
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(z)
        return float(value), grad

    for k in range(outer):
        res = _scipy_minimize(
            phi,
            x,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 500, "gtol": inner_tol * grad_scale, "ftol": 1e-15, "maxcor": 20},
        )
        nit += int(res.get("nit", 0))  # L-BFGS-B reports none when every variable is fixed
        if np.all(np.isfinite(res.x)):
            x = res.x
        if runaway(form, x, f_start, np.asarray(x0, dtype=float)):
            diverged = True
            message = "the iterates ran away: the objective decreases without bound along them"
            break
        h, g = form.h(x), form.g(x)
        feas = float(max(np.abs(h).max(initial=0.0), np.abs(np.minimum(-g, mu / rho)).max(initial=0.0)))
        lam = lam + rho * h
        mu = np.maximum(0.0, mu + rho * g)
        if feas <= target and inner_tol <= 1e-7 and res.success:
            converged = True
            message = f"augmented Lagrangian converged in {k + 1} outer iterations"
            break
        if feas > 0.5 * previous:
            if rho >= _RHO_MAX and feas > 0.9 * previous:
                message = "augmented Lagrangian stalled: the violation stopped falling at the largest penalty"
                break
            rho = min(10 * rho, _RHO_MAX)
        previous = feas
        inner_tol = max(inner_tol * 0.1, 1e-9)
    m = form.recover_bound_multipliers(x, lam, mu)
    error = None
    if not diverged:
        x, m, error = newton_polish(form, x, m)
    return Attempt(
        x=x,
        multipliers=Multipliers(m.lam, m.mu),
        method="auglag",
        nit=nit,
        converged=converged,
        message=message,
        diverged=diverged,
        error=error,
    )
