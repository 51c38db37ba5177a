"""Whether a certified optimum is proven global: recognized convexity (scope)."""

from __future__ import annotations

import weakref

import numpy as np

from ..cvxpy_export import recognized_convex
from ..result import Scope
from .form import NumericForm

__all__ = ["optimum_scope"]

_CURVATURE = 1e-10  # eigenvalues below −_CURVATURE·max(1, ‖∇²‖) rule convexity out
_CURVED: weakref.WeakSet = weakref.WeakSet()  # problems a Hessian has shown not convex


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
    if not np.all(np.isfinite(H)):
        return True
    scale = np.maximum(1.0, np.abs(H).max(axis=(1, 2)))
    return bool(np.any(np.linalg.eigvalsh(H)[:, 0] < -_CURVATURE * scale))


def optimum_scope(form: NumericForm, x: np.ndarray) -> Scope:
    """``"global"`` for a KKT point of a recognized convex problem (every local minimizer of a
    convex problem is global), else ``"local"``. A problem shown nonconvex by a Hessian is
    remembered, so repeated solves skip the check."""
    problem = form.problem
    if problem in _CURVED:
        return "local"
    with np.errstate(all="ignore"):
        if _curved_somewhere(form, x):
            _CURVED.add(problem)
            return "local"
    return "global" if recognized_convex(problem) else "local"
