"""The second-order test at an exact KKT point decided at 50 digits when the answer is clear.

The exact test (:func:`lagrangekit.kkt.second_order_symbolic`) computes a null space and reduced
Hessian with exact zero tests, which is slow on ``CRootOf`` points. When every active
constraint has a nonzero multiplier, the critical cone is the null space of the active
Jacobian J, and the test is the sign of the eigenvalues of Zᵀ∇²L Z for an orthonormal basis Z
of that null space. The entries are evaluated once from 40- and 60-digit coordinates and
multipliers and kept only when both agree to 1e-25 (:class:`lagrangekit.exact_sign.NumericPoint`),
so the computed Z is off by about 1e-25/σ_min(J) and the eigenvalues by as much times ‖∇²L‖
(Weyl's inequality). A verdict is given only when σ_min(J) and every eigenvalue clear a margin of
1e-15 (relative to ‖J‖ and ‖∇²L‖, at least 1), ten orders of magnitude above that error;
otherwise None, and the exact test decides. :func:`lagrangekit.kkt.second_order_exact` (used by
``check_kkt``) and the classification of the exact route both try this verdict first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mpmath
import sympy as sp

from .exact_sign import NumericPoint, exact_sign
from .problem import Problem

__all__ = ["second_order_by_margin"]

_DIGITS = 50
_MARGIN = mpmath.mpf("1e-15")
_VERTEX = "vertex"


def second_order_by_margin(
    problem: Problem,
    values: Sequence[Any],
    lam: Sequence[sp.Expr],
    mu: Sequence[sp.Expr],
    active: Sequence[int],
) -> str | None:
    """"local min", "local max" or "saddle" of the minimize form at an exact KKT point, or None.

    ``mu`` covers the inequalities followed by the bounds and ``active`` indexes into it, as
    for :func:`lagrangekit.kkt.second_order_exact`. None when an active multiplier is zero, a
    value is not a real number, or a singular value or eigenvalue is within the margin of the
    module doc. "saddle" is returned only with the active gradients independent (LICQ).
    """
    if any(exact_sign(mu[i]) == 0 for i in active):
        return None
    xs = list(problem.variables)
    inequalities = problem.all_inequalities()
    m_in = len(problem.inequalities)
    lam_s = [sp.Dummy(f"lam{k}") for k in range(len(lam))]
    mu_s = [sp.Dummy(f"mu{k}") for k in range(m_in)]
    lagr = problem.minimize_objective
    lagr += sum((lj * c.expr for lj, c in zip(lam_s, problem.equalities)), sp.Integer(0))
    lagr += sum((mi * c.expr for mi, c in zip(mu_s, problem.inequalities)), sp.Integer(0))
    exact = zip([*xs, *lam_s, *mu_s], (sp.sympify(v) for v in [*values, *lam, *mu[:m_in]]))
    point = NumericPoint(dict(exact))
    cons = [c.expr for c in problem.equalities] + [inequalities[i].expr for i in active]
    with mpmath.workdps(_DIGITS):
        if cons:
            jac = _numeric(sp.Matrix([[sp.diff(c, v) for v in xs] for c in cons]), point)
            basis = None if jac is None else _null_basis(jac, len(xs))
        else:
            basis = mpmath.eye(len(xs))
        if basis is None or isinstance(basis, str):
            return None if basis is None else "local min"  # a vertex: the cone is {0}
        hess = _numeric(sp.hessian(lagr, xs), point)
        if hess is None:
            return None
        reduced = basis.T * hess * basis
        reduced = (reduced + reduced.T) / 2
        eigenvalues = mpmath.eigsy(reduced, eigvals_only=True)
        margin = _MARGIN * max(1, mpmath.mnorm(hess, 1))
        if any(abs(e) <= margin for e in eigenvalues):
            return None
        lowest, highest = min(eigenvalues), max(eigenvalues)
    if lowest > 0:
        return "local min"
    if highest < 0 and not active:  # with active inequalities, −L fails on their multipliers' sign
        return "local max"
    return "saddle"


def _numeric(matrix: sp.Matrix, point: NumericPoint) -> mpmath.matrix | None:
    """The matrix at ``point`` at the working precision, or None when an entry is not a real
    number or its value is not reliable (:meth:`NumericPoint.value`)."""
    rows = []
    for row in matrix.tolist():
        out = []
        for v in row:
            value = point.value(v)
            if value is None:
                return None
            out.append(mpmath.mpf(str(value)))
        rows.append(out)
    return mpmath.matrix(rows)


def _null_basis(jac: mpmath.matrix, n: int) -> mpmath.matrix | str | None:
    """Orthonormal basis (columns) of the null space of a full-row-rank ``jac``; ``_VERTEX``
    when that null space is {0} (the point is a vertex: the cone holds only d = 0); None when
    the rank is not clearly full (a singular value within the margin)."""
    k = jac.rows
    if k > n:
        return None
    _, singular, v_h = mpmath.svd_r(jac, full_matrices=True)
    if min(singular[i] for i in range(k)) <= _MARGIN * max(1, mpmath.mnorm(jac, 1)):
        return None
    if k == n:
        return _VERTEX
    basis = mpmath.matrix(n, n - k)
    for j in range(n - k):
        for r in range(n):
            basis[r, j] = v_h[k + j, r]
    return basis
