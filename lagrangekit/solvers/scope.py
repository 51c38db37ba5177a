"""Whether a certified optimum is proven global: recognized convexity (scope)."""

from __future__ import annotations

import numpy as np

from ..cvxpy_export import recognized_convex
from ..result import Scope
from .form import NumericForm

__all__ = ["optimum_scope"]

_CURVATURE = 1e-10  # eigenvalues below −_CURVATURE·max(1, ‖∇²‖) rule convexity out


def _curved_somewhere(form: NumericForm, x: np.ndarray) -> bool:
    """True when a Hessian at ``x`` already rules out a convex problem: ∇²f (minimize form) or
    some ∇²g_i is not positive semidefinite, or some ∇²h_j is not zero. Cheap, and it spares
    the cvxpy export for most nonconvex problems."""
    n = form.n

    def indefinite(H: np.ndarray) -> bool:
        H = np.asarray(H, dtype=float).reshape(n, n)
        if not np.all(np.isfinite(H)):
            return True
        return bool(np.linalg.eigvalsh(H)[0] < -_CURVATURE * max(1.0, float(np.abs(H).max(initial=0.0))))

    if indefinite(form.hess(x)):
        return True
    if form.m_eq and np.abs(np.asarray(form.cp.eq_hess(x), dtype=float)).max(initial=0.0) > 0:
        return True
    k = len(form.cp.ineq_names)
    return bool(k) and any(
        indefinite(H) for H in np.asarray(form.cp.ineq_hess(x), dtype=float).reshape(k, n, n)
    )


def optimum_scope(form: NumericForm, x: np.ndarray) -> Scope:
    """``"global"`` for a KKT point of a recognized convex problem (every local minimizer of a
    convex problem is global), else ``"local"``."""
    with np.errstate(all="ignore"):
        if _curved_somewhere(form, x):
            return "local"
    return "global" if recognized_convex(form.problem) else "local"
