"""Radical equations as polynomial systems: one new unknown per radical, with its defining equation.

Stationarity systems of distances and travel times (Heron, Snell, the Fermat point) contain
powers b^(a/q) of polynomials b. sympy's ``solve`` handles them by eliminating radicals one at a
time, which is slow and can lose solutions (the Fermat point of a right triangle came back as no
solution at all). :func:`radical_system` instead gives each base b its own unknown s with

    s^q = b,  s >= 0,

where q is the least common denominator of b's exponents, and writes b^(a/q) as s^a. For real
values the two systems have the same solutions: sympy's b^(a/q) is the nonnegative real q-th
root of b >= 0 raised to the a, and s >= 0 with s^q = b is exactly that root (for an odd q, a
negative b would give sympy a complex principal root, and s >= 0 excludes it). The new system
is rational in the unknowns and the s, so it goes to the exact polynomial solver; solutions with
a negative s are dropped, and the s are removed from what is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import lcm

import sympy as sp

__all__ = ["RadicalSystem", "radical_system"]


@dataclass(frozen=True)
class RadicalSystem:
    """Equations rational in ``unknowns + roots``, and the new unknowns ``roots`` (each >= 0)."""

    equations: list[sp.Expr]
    roots: list[sp.Symbol]


def radical_system(equations: Sequence[sp.Expr], unknowns: Sequence[sp.Symbol]) -> RadicalSystem | None:
    """The equations with every b^(a/q) (b a polynomial in ``unknowns`` with rational
    coefficients, a/q not an integer) replaced by s^a, plus s^q − b = 0 for each base b; None
    when the equations have no such radical or are not rational in the unknowns and the roots
    afterwards (nested radicals, transcendental functions, symbolic coefficients)."""
    exponents: dict[sp.Expr, list[sp.Rational]] = {}
    for power in set().union(*(e.atoms(sp.Pow) for e in equations)):
        base, exponent = power.as_base_exp()
        if not (exponent.is_Rational and not exponent.is_Integer and base.free_symbols & set(unknowns)):
            continue
        if not base.is_polynomial(*unknowns) or sp.Poly(base, *unknowns).domain not in (sp.ZZ, sp.QQ):
            return None
        exponents.setdefault(base, []).append(exponent)
    if not exponents:
        return None
    replaced = list(equations)
    roots, defining = [], []
    ordered = sorted(exponents.items(), key=lambda item: sp.default_sort_key(item[0]))
    for k, (base, powers) in enumerate(ordered):
        q = lcm(*(int(r.q) for r in powers))
        root = sp.Dummy(f"r{k}", real=True)
        swap = {sp.Pow(base, r): root ** int(r * q) for r in powers}
        replaced = [e.xreplace(swap) for e in replaced]
        roots.append(root)
        defining.append(sp.expand(root**q - base))
    everything = [*unknowns, *roots]
    if not all(e.is_rational_function(*everything) for e in replaced):
        return None
    return RadicalSystem([*replaced, *defining], roots)
