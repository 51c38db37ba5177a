"""Newton refinement of a real root of a polynomial system over Q in mpmath, and Krawczyk's test.

Krawczyk's operator for F: Rⁿ → Rⁿ on a box X with centre y and a matrix Y ≈ J(y)⁻¹ is

    K(X) = y − Y·F(y) + (I − Y·J(X))·(X − y),

evaluated in interval arithmetic (``mpmath.iv``: outward rounding, so every interval encloses
the exact value). If K(X) lies in the interior of X, then F has exactly one zero in X, and the
Jacobian is nonsingular there (Krawczyk 1969; R. E. Moore, *A test for existence of solutions to
nonlinear systems*, SIAM J. Numer. Anal. 14, 1977; Neumaier, *Interval Methods for Systems of
Equations*, 1990, Thm. 5.1.8). A root where the Jacobian is singular (a multiple root, or a point
of a positive-dimensional component) never passes the test.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
import sympy as sp

__all__ = ["RationalSystem"]

_NEWTON_LIMIT = 60


class RationalSystem:
    """Square polynomial system over Q, with its Jacobian, for mpmath and interval evaluation."""

    def __init__(self, polys: Sequence[sp.Poly]) -> None:
        self.n = len(polys)
        self.terms = [_terms(p) for p in polys]
        gens = polys[0].gens
        self.jac_terms = [[_terms(p.diff(g)) for g in gens] for p in polys]

    def values(self, x: Sequence[mpmath.mpf]) -> list[mpmath.mpf]:
        return [_value(t, x, mpmath.mp) for t in self.terms]

    def jacobian(self, x: Sequence[mpmath.mpf]) -> mpmath.matrix:
        return mpmath.matrix([[_value(t, x, mpmath.mp) for t in row] for row in self.jac_terms])

    def refine(self, start: Sequence[float], digits: int) -> list[mpmath.mpf] | None:
        """Real Newton iterates from ``start`` at ``digits`` digits until the update is below
        10^-(digits − 5) relative; None when they do not get there (a complex or singular root)."""
        with mpmath.workdps(digits):
            x = [mpmath.mpf(v) for v in start]
            for _ in range(_NEWTON_LIMIT):
                try:
                    delta = mpmath.lu_solve(self.jacobian(x), mpmath.matrix(self.values(x)))
                except ZeroDivisionError:
                    return None
                x = [a - d for a, d in zip(x, delta)]
                size = max(abs(d) for d in delta) / max(1, max(abs(a) for a in x))
                if size < mpmath.mpf(10) ** (5 - digits):
                    return x
        return None

    def krawczyk(
        self, centre: Sequence[mpmath.mpf], radius: Sequence[mpmath.mpf], digits: int
    ) -> list[tuple[mpmath.mpf, mpmath.mpf]] | None:
        """The box centre ± radius as (lower, upper) pairs when Krawczyk's test proves it holds
        exactly one zero of the system, else None."""
        iv = mpmath.iv
        saved = iv.prec
        try:
            iv.dps = digits
            with mpmath.workdps(digits):
                return self._krawczyk(centre, radius)
        finally:
            iv.prec = saved

    def _krawczyk(self, centre, radius):
        iv = mpmath.iv
        try:
            inverse = mpmath.inverse(self.jacobian(centre))
        except ZeroDivisionError:
            return None
        y = [iv.mpf(c) for c in centre]
        box = [iv.mpf([c - r, c + r]) for c, r in zip(centre, radius)]
        at_centre = [_value(t, y, iv) for t in self.terms]
        on_box = [[_value(t, box, iv) for t in row] for row in self.jac_terms]
        n = self.n
        Y = [[iv.mpf(inverse[i, j]) for j in range(n)] for i in range(n)]
        for i in range(n):
            k = y[i] - sum((Y[i][j] * at_centre[j] for j in range(n)), iv.mpf(0))
            for j in range(n):
                entry = (1 if i == j else 0) - sum((Y[i][m] * on_box[m][j] for m in range(n)), iv.mpf(0))
                k += entry * (box[j] - y[j])
            if not (k.a > box[i].a and k.b < box[i].b):
                return None
        return [(b.a, b.b) for b in box]


def _terms(poly: sp.Poly) -> list[tuple[tuple[int, ...], Fraction]]:
    return [(m, Fraction(int(c.p), int(c.q))) for m, c in poly.terms() if c != 0]


def _value(terms, x, ctx):
    """Σ c·∏ x_j^e_j in the context ``ctx`` (mpmath.mp or mpmath.iv); coefficients enclosed."""
    total = ctx.mpf(0)
    for exps, c in terms:
        coeff = ctx.mpf(c.numerator) / c.denominator if c.denominator != 1 else ctx.mpf(c.numerator)
        term = coeff
        for xj, e in zip(x, exps):
            if e:
                term = term * xj**e
        total += term
    return total
