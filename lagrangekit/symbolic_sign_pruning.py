"""Active sets that cannot hold a KKT point, found by the signs of ∂f/∂x on a face of the box.

For an active set A of the enumeration, every KKT point x* lies in the face of the box where
the bounds in A hold with equality and every other variable stays within its bounds. When the
stationarity row of a variable x_j holds no multiplier but its bound's (no active general
inequality and no equality involves x_j), that row says:

- x_j not fixed by A: ∂f/∂x_j(x*) = 0;
- x_j at its lower bound: μ = ∂f/∂x_j(x*) >= 0; at its upper bound: μ = −∂f/∂x_j(x*) >= 0.

Exact interval arithmetic (sympy's ``AccumBounds`` over rational bounds, on polynomial rows
with rational coefficients) encloses ∂f/∂x_j on the face; an enclosure that excludes 0 (or
lies strictly on the wrong side) proves that A holds no KKT point. The enclosure is never
smaller than the true range, so the test only prunes sets without KKT points; it does not
carry over to supersets (they change the face and the rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

__all__ = ["FaceSigns"]


@dataclass(frozen=True)
class FaceSigns:
    """The rows ∂f/∂x_j that hold no multiplier other than x_j's bounds, for some active sets."""

    variables: tuple[sp.Symbol, ...]
    box: Mapping[sp.Symbol, tuple[sp.Rational, sp.Rational]]  # finite rational bounds
    objective_rows: Mapping[int, sp.Expr]  # variable index -> ∂f/∂x_j (polynomial rows only)
    involved: Mapping[int, frozenset[int]]  # general inequality index -> variables it involves
    equality_vars: frozenset[int]  # variables that some equality involves

    @classmethod
    def build(
        cls,
        f: sp.Expr,
        equalities: Sequence[sp.Expr],
        general: Sequence[sp.Expr],
        variables: Sequence[sp.Symbol],
        bounds: Sequence[tuple],
    ) -> FaceSigns:
        """``general``: the inequalities other than the bounds, in the enumeration's order."""
        xs = tuple(variables)
        box = {
            v: (sp.nsimplify(lo), sp.nsimplify(hi))
            for v, (lo, hi) in zip(xs, bounds)
            if lo is not None and hi is not None
        }
        rows = {}
        for j, v in enumerate(xs):
            row = sp.diff(f, v)
            if row.is_polynomial(*xs) and all(c.is_Rational for c in sp.Poly(row, *xs).coeffs()):
                rows[j] = row
        index = {v: j for j, v in enumerate(xs)}
        def indices(exprs: Sequence[sp.Expr]) -> frozenset[int]:
            return frozenset(index[s] for e in exprs for s in e.free_symbols if s in index)

        involved = {k: indices([g]) for k, g in enumerate(general)}
        on_eqs = indices(equalities)
        return cls(xs, box, rows, involved, on_eqs)

    def excludes(self, fixed: Mapping[int, tuple[str, sp.Expr]], active_general: Sequence[int]) -> bool:
        """True when no KKT point has these bounds active (``fixed``: variable index -> (``"lower"``
        or ``"upper"``, value)) and only the general inequalities ``active_general`` active."""
        taken = self.equality_vars.union(*(self.involved[k] for k in active_general))
        face = {
            v: sp.AccumBounds(*self.box[v]) if self.box[v][0] != self.box[v][1] else self.box[v][0]
            for v in self.box
        }
        face |= {self.variables[j]: value for j, (_, value) in fixed.items()}
        for j, row in self.objective_rows.items():
            if j in taken or not row.free_symbols <= set(face):
                continue
            low, high = _enclosure(row.xreplace(face))
            if low is None:
                continue
            side = fixed.get(j, ("free", None))[0]
            if side == "free" and (low > 0 or high < 0):
                return True
            if side == "lower" and high < 0:  # μ = ∂f/∂x_j < 0
                return True
            if side == "upper" and low > 0:  # μ = −∂f/∂x_j < 0
                return True
        return False


def _enclosure(value: sp.Expr) -> tuple[sp.Expr, sp.Expr] | tuple[None, None]:
    """(min, max) of an ``AccumBounds`` or rational value, or (None, None) for anything else."""
    if isinstance(value, sp.AccumBounds) and value.min.is_Rational and value.max.is_Rational:
        return value.min, value.max
    if value.is_Rational:
        return value, value
    return None, None
