"""Whether a certified optimum is proven global: recognized convexity, or every critical point
of a one-variable polynomial on an interval (scope)."""

from __future__ import annotations

import weakref

import numpy as np
import sympy as sp

from ..cvxpy_export import recognized_convex
from ..numeric_form import NumericForm
from ..quadratic_program import convex_quadratic_program
from ..result import Scope

__all__ = ["known_convex", "optimum_scope"]

_CURVATURE = 1e-10  # eigenvalues below −_CURVATURE·max(1, ‖∇²‖) rule convexity out
_CONVEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # problem -> convex?


def _curved_somewhere(form: NumericForm, x: np.ndarray) -> bool:
    """True when a Hessian at ``x`` already rules out a convex problem: ∇²f (minimize form) or
    some ∇²g_i is not positive semidefinite, or some ∇²h_j is not zero. Cheap, and it spares
    the cvxpy export for most nonconvex problems."""
    n, k = form.n, len(form.cp.ineq_names)
    if form.m_eq and np.abs(np.asarray(form.cp.eq_hess(x), dtype=float)).max(initial=0.0) > 0:
        return True
    H = np.asarray(form.hess(x), dtype=float).reshape(1, n, n)
    if k:
        H = np.concatenate([H, np.asarray(form.cp.ineq_hess(x), dtype=float).reshape(k, n, n)])
    if not np.isfinite(H).all():
        return True
    scale = np.maximum(1.0, np.abs(H).max(axis=(1, 2)))
    return bool(np.any(np.linalg.eigvalsh(H)[:, 0] < -_CURVATURE * scale))


def _interval_minimum(form: NumericForm, x: np.ndarray) -> bool:
    """True when the problem has one variable, a polynomial objective, no equalities, only
    constraints affine in it, and a bounded interval (:attr:`NumericForm.box`), and f(x) is
    within 1e-9·max(1, |f|) of the least of f at the interval's ends and at the real roots of
    f′ inside it: every candidate for the minimum was enumerated."""
    problem = form.problem
    if form.n != 1 or form.m_eq or not problem.is_symbolic:
        return False
    (v,) = problem.variables
    lo, hi = (float(b[0]) for b in form.box)
    exprs = [problem.minimize_objective, *(c.expr for c in problem.constraints)]
    if not (np.isfinite(lo) and np.isfinite(hi)) or not all(e.is_polynomial(v) for e in exprs):
        return False
    if any(sp.Poly(c.expr, v).degree() > 1 for c in problem.constraints):
        return False
    coefficients = np.array([float(c) for c in sp.Poly(problem.minimize_objective, v).all_coeffs()])
    if coefficients.size < 2:
        return True  # constant
    roots = np.roots(np.polyder(coefficients))
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))].real
    candidates = np.concatenate([[lo, hi], real[(real >= lo) & (real <= hi)]])
    least = float(np.polyval(coefficients, candidates).min())
    return bool(form.cp.fun(x) <= least + 1e-9 * max(1.0, abs(least)))


def known_convex(form: NumericForm) -> bool:
    """True when an earlier :func:`optimum_scope` found the problem convex, or it is a linear or
    convex quadratic program (:func:`convex_quadratic_program`): a KKT point is then a global
    minimizer, and the second-order test has nothing to add."""
    return bool(_CONVEX.get(form.problem, False)) or convex_quadratic_program(form.problem) is not None


def optimum_scope(form: NumericForm, x: np.ndarray) -> Scope:
    """``"global"`` for a KKT point of a recognized convex problem (every local minimizer of a
    convex problem is global), or of a one-variable polynomial on an interval whose every
    critical point is no lower (:func:`_interval_minimum`); else ``"local"``. The verdict on
    convexity is remembered per problem, so repeated solves skip the check."""
    problem = form.problem
    with np.errstate(all="ignore"):
        if form.n == 1 and _interval_minimum(form, x):
            return "global"
        convex = _CONVEX.get(problem)
        if convex is None:
            convex = convex_quadratic_program(problem) is not None or (
                not _curved_somewhere(form, x) and recognized_convex(problem)
            )
            _CONVEX[problem] = convex
    return "global" if convex else "local"
