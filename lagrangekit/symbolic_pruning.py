"""Active sets that cannot hold a KKT point, found by a linear program before sympy solves anything.

For an active set A, every KKT point satisfies h = 0, g_A = 0 and g_i <= 0 for the other i.
Keeping only the affine constraints among these (bounds included) gives a polyhedron that
contains every such point: when it is empty, so is the set of KKT points of A and of every
superset of A (a superset only adds equalities). Emptiness is decided by the linear program
min t s.t. |a_j·x − b_j| <= t (affine equalities and active affine inequalities) and
a_i·x − b_i <= t (the others), rows scaled to unit norm: A is pruned only when t* exceeds
1e-7, far above the solver's tolerance, so a rounding error cannot prune a feasible set. The
check only prunes; every KKT point that survives is still verified exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.optimize import linprog

__all__ = ["AffineRows"]

_MARGIN = 1e-7


@dataclass(frozen=True)
class AffineRows:
    """The affine constraints of a problem as unit-norm rows a·x <= b (or = b)."""

    eq_rows: np.ndarray  # affine equalities h = 0, as [a | b]
    ineq_rows: dict[int, np.ndarray]  # inequality index -> [a | b], affine ones only

    @classmethod
    def build(
        cls, equalities: Sequence[sp.Expr], inequalities: Sequence[sp.Expr], variables: Sequence[sp.Symbol]
    ) -> AffineRows:
        n = len(variables)
        eq = [r for r in (_row(e, variables) for e in equalities) if r is not None]
        rows = ((k, _row(e, variables)) for k, e in enumerate(inequalities))
        ineq = {k: r for k, r in rows if r is not None}
        return cls(np.array(eq).reshape(-1, n + 1), ineq)

    def infeasible(self, active: Sequence[int]) -> bool:
        """True when no point satisfies the affine equalities, the affine active inequalities
        as equalities and the other affine inequalities, by a margin (see the module doc)."""
        active_rows = [self.ineq_rows[i] for i in active if i in self.ineq_rows]
        others = [r for i, r in self.ineq_rows.items() if i not in set(active)]
        if not active_rows and not len(self.eq_rows) and not others:
            return False  # no affine constraint
        equal = np.vstack([self.eq_rows, *active_rows]) if active_rows else self.eq_rows
        n = self.eq_rows.shape[1] - 1
        # variables (x, t): minimize t
        minus_t = -np.ones((len(equal), 1))
        blocks = [np.hstack([equal[:, :n], minus_t]), np.hstack([-equal[:, :n], minus_t])]
        rhs = [equal[:, n], -equal[:, n]]
        if others:
            other = np.array(others)
            blocks.append(np.hstack([other[:, :n], -np.ones((len(other), 1))]))
            rhs.append(other[:, n])
        cost = np.zeros(n + 1)
        cost[n] = 1.0
        res = linprog(
            cost,
            A_ub=np.vstack(blocks),
            b_ub=np.concatenate(rhs),
            bounds=[(None, None)] * n + [(0, None)],
            method="highs",
        )
        return bool(res.status == 0 and res.fun > _MARGIN)


def _row(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> np.ndarray | None:
    """[a | b] with a·x − b = expr / ‖a‖, for an affine expr with numeric coefficients; else None."""
    if not expr.is_polynomial(*variables):
        return None
    poly = sp.Poly(expr, *variables)
    if poly.total_degree() > 1 or any(not c.is_number for c in poly.coeffs()):
        return None
    coeffs = np.array([float(poly.coeff_monomial(v)) for v in variables])
    const = float(poly.coeff_monomial(1))
    norm = float(np.linalg.norm(coeffs))
    if not np.isfinite(norm) or norm == 0 or not np.isfinite(const):
        return None
    return np.append(coeffs, -const) / norm
