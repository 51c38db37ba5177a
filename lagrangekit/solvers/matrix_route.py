"""``lk.solve`` for a matrix-form problem: a convex quadratic program by Clarabel on its
coefficient matrices, certified by lagrangekit with sparse residuals; everything else through
the usual chain; results grouped back by variable and constraint.

A convex QP (P positive semidefinite, checked) whose KKT residuals (:func:`kkt_residuals`,
the one measure of the library) are within ``tol`` at Clarabel's (x, λ, μ) is globally solved:
KKT conditions are sufficient for a convex problem, whatever LICQ says, so the certificate
needs no factorization of the active constraints and costs a few sparse products.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..matrix_problem import MatrixProblem
from ..numeric_form import FirstOrder, constraint_scales, kkt_residuals
from ..quadratic_program import QuadraticProgram, convex_quadratic_program
from ..result import KKTReport, Result
from .conic import _clarabel

__all__ = ["solve_matrix"]

_BADLY_SCALED = 1e-4  # as numeric_form.objective_scale: such an objective takes the usual chain


def _badly_scaled(problem: MatrixProblem, qp: QuadraticProgram) -> bool:
    """Whether |f| and ‖∇f‖∞ stay below 1e-4 at the default start and half a step each way."""
    lo = np.array([-np.inf if a is None else a for a, _ in problem.bounds])
    hi = np.array([np.inf if b is None else b for _, b in problem.bounds])
    x0 = np.clip(np.zeros(qp.n), lo, hi)
    step = 0.5 * np.maximum(1.0, np.abs(x0))
    size = abs(0.5 * x0 @ (qp.P @ x0) + qp.q @ x0 + qp.constant)
    for x in (x0, np.clip(x0 + step, lo, hi), np.clip(x0 - step, lo, hi)):
        size = max(size, float(np.abs(qp.P @ x + qp.q).max(initial=0.0)))
    return not size >= _BADLY_SCALED


def _certificate(
    problem: MatrixProblem, qp: QuadraticProgram, x: np.ndarray, lam: np.ndarray, mu: np.ndarray, tol: float
) -> KKTReport:
    point = FirstOrder(grad=qp.P @ x + qp.q, h=qp.A @ x - qp.b, jh=qp.A, g=qp.G @ x - qp.h, jg=qp.G)
    absolute, scaled = kkt_residuals(point, lam, mu)
    in_names = problem.ineq_names + problem.bound_names
    active = tuple(in_names[i] for i in np.flatnonzero(point.g >= -tol * constraint_scales(qp.G)))
    ok = max(scaled.values()) <= tol
    return KKTReport(
        *absolute,
        multipliers=dict(zip(problem.eq_names, lam.tolist())) | dict(zip(in_names, mu.tolist())),
        active=active,
        tol=tol,
        scaled=scaled,
        message=(
            "KKT conditions hold; the problem is a convex quadratic program (P positive semidefinite, "
            "checked), so they prove x a global minimizer; LICQ is not checked (sufficiency does not need it)"
            if ok
            else "KKT conditions fail within tol: " + ", ".join(k for k, v in scaled.items() if v > tol)
        ),
    )


def _convex_qp(problem: MatrixProblem, tol: float, max_iter: int | None) -> Result | None:
    """The certified optimum of a convex QP by Clarabel, or None (not one, badly scaled, not
    solved, or not certified: the usual chain then decides)."""
    qp = convex_quadratic_program(problem)
    if qp is None or _badly_scaled(problem, qp):
        return None
    out = _clarabel(qp, 1.0, max_iter)
    if out.status != "optimal":
        return None
    x, lam, mu = (np.asarray(v, dtype=float) for v in (out.x, out.lam, out.mu))
    report = _certificate(problem, qp, x, lam, mu, tol)
    if not report.first_order_ok:
        return None
    f = 0.5 * x @ (qp.P @ x) + qp.q @ x + qp.constant
    return Result(
        x=x,
        fun=-f if problem.is_maximize else f,
        status="optimal",
        success=True,
        method="auto:clarabel",
        point=dict(zip(problem.variables, x.tolist())),
        multipliers=dict(report.multipliers),
        message=f"{out.message}; {report.message}",
        nit=out.nit,
        kkt=report,
        scope="global",
    )


def solve_matrix(
    problem: MatrixProblem,
    method: str,
    x0: Any,
    tol: float,
    max_iter: int | None,
    chain: Callable[[Any], Result],
) -> Result:
    """``lk.solve`` of a :class:`~lagrangekit.matrix_problem.MatrixProblem`: with ``"auto"``, a
    convex QP goes to :func:`_convex_qp`; otherwise (or when that returns None) ``chain`` runs on
    the stacked problem from ``x0`` (``{w: array}`` or the stacked array). The Result is grouped
    (:meth:`~lagrangekit.matrix_problem.MatrixProblem.group_result`)."""
    problem.require_data("lk.solve")
    result = _convex_qp(problem, tol, max_iter) if method == "auto" else None
    if result is None:
        result = chain(problem.scalar_inputs(x0, None)[0] if x0 is not None else None)
    return problem.group_result(result)
