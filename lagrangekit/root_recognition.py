"""Exact values of a certified real root of a polynomial system over Q, found and then proved.

A root known to many digits and enclosed in a box that holds no other root (Krawczyk's test,
:mod:`lagrangekit.krawczyk`) is given exact coordinates in two ways:

- rationals: each coordinate's best rational approximation with a small denominator;
- one algebraic number: θ = ``CRootOf(Q, k)`` for the coordinate of highest degree, Q found by
  an integer relation (``mpmath.findpoly``), and every coordinate a polynomial in θ with
  rational coefficients (``mpmath.pslq`` on 1, θ, …, θ^(d−1)).

Integer relations are only guesses. A guess is kept when it is proved: every equation is exactly
0 at the exact point (rational arithmetic, or :func:`~lagrangekit.polynomial_systems.reduce_algebraic`
in Q(θ)), and the point lies in the box, so it is the box's unique root.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
import sympy as sp

from .polynomial_systems import reduce_algebraic

__all__ = ["RECOGNITION_DIGITS", "recognise"]

RECOGNITION_DIGITS = 120  # digits of the root given to the integer relation searches
_MAX_DENOMINATOR = 10**15
_DEGREE_LIMIT = 6
_FINDPOLY_COEFF = 10**8
_PSLQ_COEFF = 10**12


def recognise(
    equations: Sequence[sp.Poly],
    unknowns: Sequence[sp.Symbol],
    root: Sequence[mpmath.mpf],
    box: Sequence[tuple[mpmath.mpf, mpmath.mpf]],
) -> dict[sp.Symbol, sp.Expr] | None:
    """Exact coordinates of the root in ``box`` (``root`` to :data:`RECOGNITION_DIGITS` digits),
    proved as described in the module doc, or None when neither guess is proved."""
    with mpmath.workdps(RECOGNITION_DIGITS):
        guess = _rational_guess(root) or _algebraic_guess(root)
    if guess is None:
        return None
    point = dict(zip(unknowns, guess))
    for poly in equations:  # θ of degree 2 is a square root (sympy's CRootOf), and expand is exact there
        value = poly.as_expr().xreplace(point)
        if (reduce_algebraic(value) if value.has(sp.CRootOf) else sp.expand(value)) != 0:
            return None
    with mpmath.workdps(RECOGNITION_DIGITS):
        inside = all(low < mpmath.mpf(str(sp.N(v, 80))) < high for v, (low, high) in zip(guess, box))
    if not inside:
        return None
    out = {u: reduce_algebraic(v) if v.has(sp.CRootOf) else sp.expand(v) for u, v in point.items()}
    return None if any(v is None for v in out.values()) else out


def _rational_guess(root: Sequence[mpmath.mpf]) -> list[sp.Rational] | None:
    out = []
    tol = mpmath.mpf(10) ** (20 - RECOGNITION_DIGITS)
    for v in root:
        exact = _fraction(v).limit_denominator(_MAX_DENOMINATOR)
        if abs(mpmath.mpf(exact.numerator) / exact.denominator - v) > tol * max(1, abs(v)):
            return None
        out.append(sp.Rational(exact.numerator, exact.denominator))
    return out


def _fraction(value: mpmath.mpf) -> Fraction:
    """The binary number ``value`` as an exact fraction."""
    sign, mantissa, exponent, _ = mpmath.mpf(value)._mpf_
    out = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    return -out if sign else out


def _algebraic_guess(root: Sequence[mpmath.mpf]) -> list[sp.Expr] | None:
    """Every coordinate as a polynomial in one real algebraic θ: the coordinate of highest
    degree, or when the coordinates do not all lie in its field, the linear form Σ (k+1)·x_k
    (a primitive element of the field they generate for all but finitely many forms)."""
    best = None
    for v in root:
        poly = mpmath.findpoly(v, _DEGREE_LIMIT, maxcoeff=_FINDPOLY_COEFF)
        if poly is None:
            return None
        if best is None or len(poly) > len(best[1]):
            best = (v, poly)
    if best is None or len(best[1]) <= 2:
        return None
    found = _in_one_field(root, *best)
    if found is not None:
        return found
    form = sum((k + 1) * v for k, v in enumerate(root))
    poly = mpmath.findpoly(form, _DEGREE_LIMIT, maxcoeff=_FINDPOLY_COEFF)
    return None if poly is None else _in_one_field(root, form, poly)


def _in_one_field(root: Sequence[mpmath.mpf], value: mpmath.mpf, coeffs: list[int]) -> list[sp.Expr] | None:
    """The coordinates as polynomials in θ, the real root near ``value`` of the factor of the
    polynomial ``coeffs`` that vanishes there, found by PSLQ; None when one is not found."""
    t = sp.Dummy("t")
    factors = sp.Poly([int(c) for c in coeffs], t).factor_list()[1]
    minimal = min((f for f, _ in factors), key=lambda f: abs(f.eval(sp.Float(str(value), 60))))
    roots = minimal.real_roots()
    if not roots:
        return None
    theta = min(roots, key=lambda r: abs(sp.N(r, 60) - sp.Float(str(value), 60)))
    d = minimal.degree()
    powers = [mpmath.mpf(str(sp.N(theta, RECOGNITION_DIGITS)))]
    powers = [powers[0] ** j for j in range(d)]
    out: list[sp.Expr] = []
    for v in root:
        relation = mpmath.pslq([v, *powers], maxcoeff=_PSLQ_COEFF, maxsteps=20000)
        if relation is None or relation[0] == 0:
            return None
        out.append(
            sum((sp.Rational(-c, relation[0]) * theta**j for j, c in enumerate(relation[1:])), sp.Integer(0))
        )
    return out
