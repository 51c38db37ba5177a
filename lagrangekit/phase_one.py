"""Phase I: the smallest constraint violation, or the largest strict margin, a solver can find."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize as _scipy_minimize

from .numeric_form import NumericForm

__all__ = ["FEASIBLE", "PhaseOne", "phase_one"]

FEASIBLE = 1e-6  # the violation below which phase I has found a feasible point


@dataclass(frozen=True)
class PhaseOne:
    """The phase-I optimum.

    Attributes
    ----------
    x : numpy.ndarray
        Best point found (bounds always hold).
    s : float
        Optimal s of the phase-I problem.
    violation : float
        max(|h|, g⁺) at ``x``.
    """

    x: np.ndarray
    s: float
    violation: float


def _key(p: PhaseOne, minimize_violation: bool) -> tuple[float, float]:
    if minimize_violation:
        return (p.violation, 0.0)
    return (float(p.violation > 1e-8), p.s)


def phase_one(
    form: NumericForm,
    starts: Sequence[np.ndarray],
    *,
    strict: Sequence[int] | None = None,
    s_floor: float = 0.0,
) -> PhaseOne:
    """Solve a phase-I problem by SLSQP over (x, s), keeping the bounds on x hard.

    Without ``strict``: minimize s s.t. g(x) <= s, −s <= h(x) <= s, s >= ``s_floor``, so
    s* is the smallest largest violation (0 when feasible).

    With ``strict`` (indices into g): minimize s s.t. g_i(x) <= s for i in ``strict``,
    the other g_i(x) <= 0, h(x) = 0, s >= ``s_floor``; s* < 0 means a point strictly
    feasible for the ``strict`` rows (Slater's condition).
    """
    n, k = form.n, len(form.cp.ineq_names)
    rows = np.zeros(k, dtype=bool)
    if strict is None:
        rows[:] = True
    else:
        rows[list(strict)] = True

    def fun(z):
        return z[-1]

    def fun_grad(z):
        out = np.zeros(n + 1)
        out[-1] = 1.0
        return out

    def ineq(z):
        x, s = z[:n], z[-1]
        g = form.g(x)
        parts = [np.where(rows, s - g, -g)]
        if strict is None and form.m_eq:
            h = form.h(x)
            parts += [s - h, s + h]
        return np.concatenate(parts) if parts else np.zeros(0)

    def ineq_jac(z):
        x = z[:n]
        Jg = form.g_jac(x).reshape(k, n)
        blocks = [np.hstack([-Jg, rows.astype(float)[:, None]])]
        if strict is None and form.m_eq:
            Jh = form.h_jac(x)
            one = np.ones((form.m_eq, 1))
            blocks += [np.hstack([-Jh, one]), np.hstack([Jh, one])]
        return np.vstack(blocks)

    constraints = [{"type": "ineq", "fun": ineq, "jac": ineq_jac}]
    if strict is not None and form.m_eq:
        constraints.append(
            {
                "type": "eq",
                "fun": lambda z: form.h(z[:n]),
                "jac": lambda z: np.hstack([form.h_jac(z[:n]), np.zeros((form.m_eq, 1))]),
            }
        )
    bounds = [
        (None if not np.isfinite(lo) else lo, None if not np.isfinite(hi) else hi)
        for lo, hi in zip(form.cp.lower, form.cp.upper)
    ] + [(s_floor, None)]
    best: PhaseOne | None = None
    for start in starts:
        x = form.clip(np.asarray(start, dtype=float))
        g = form.g(x)
        s0 = max(float(np.max(g, initial=0.0)), float(np.abs(form.h(x)).max(initial=0.0)), s_floor) + 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = _scipy_minimize(
                fun,
                np.append(x, s0),
                jac=fun_grad,
                method="SLSQP",
                bounds=bounds,
                constraints=constraints,
                options={"maxiter": 500, "ftol": 1e-14},
            )
        z = res.x if np.all(np.isfinite(res.x)) else np.append(x, s0)
        xz = form.clip(z[:n])
        if strict is None:
            s = form.violation(xz)
        else:
            g = form.g(xz)
            s = float(np.max(g[rows], initial=-np.inf)) if rows.any() else float(z[-1])
        candidate = PhaseOne(x=xz, s=s, violation=form.violation(xz))
        if best is None or _key(candidate, strict is None) < _key(best, strict is None):
            best = candidate
    assert best is not None
    return best
