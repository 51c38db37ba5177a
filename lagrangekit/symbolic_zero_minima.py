"""Global minima of an objective that is a sum of even powers, found as its feasible zeros.

When the minimize-form objective is f = c + Σ aₖ·bₖ^(2mₖ) with numbers aₖ > 0 and integers
mₖ >= 1, then f >= c everywhere, so every feasible point where all bₖ vanish is a global
minimizer with f = c. Such a point is a KKT point with every multiplier zero: each term's
gradient 2mₖ·aₖ·bₖ^(2mₖ−1)·∇bₖ vanishes there, so ∇f = 0, and μ = 0 makes complementary
slackness hold. The zeros solve the smaller system bₖ = 0, h = 0 (no multipliers, no active
sets), which is how the 5-variable HS46 is solved in a fraction of a second.

:func:`zero_minima` only proposes points: each is checked exactly (real, feasible, ∇f = 0),
and the caller says that the other KKT points were not enumerated.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .exact_sign import exact_sign
from .kkt import tidy_exact
from .polynomial_systems import real_solutions
from .problem import Problem
from .symbolic_feasibility import breaks_sign

__all__ = ["ZERO_MINIMA_METHOD", "zero_minima"]

ZERO_MINIMA_METHOD = "zeros of a sum of even powers (f >= its constant term, reached there)"


def _even_power_bases(f: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr] | None:
    """The bases bₖ of f = c + Σ aₖ·bₖ^(2mₖ) (aₖ > 0 numbers, bₖ real wherever the variables
    are, by sympy's assumptions), or None when f is not of that form."""
    real = {v: sp.Dummy(v.name, real=True) for v in variables if v.is_real is None}  # variables are real
    bases = []
    for term in sp.Add.make_args(f):
        if not term.free_symbols & set(variables):
            if not term.is_number:
                return None
            continue
        coeff, rest = term.as_independent(*variables, as_Add=False)
        base, exponent = rest.as_base_exp()
        if not (coeff.is_number and coeff.is_positive and exponent.is_Integer and exponent.is_even):
            return None
        if exponent <= 0 or base.xreplace(real).is_real is not True:  # an imaginary base: term < 0
            return None
        bases.append(base)
    return bases or None


def zero_minima(problem: Problem) -> tuple[list[dict[sp.Symbol, sp.Expr]], str] | None:
    """The feasible points where the even powers of the minimize-form objective all vanish
    (global minimizers, see the module doc) and the method that found them; None when the
    objective is not such a sum, the problem has parameters, the zeros are not isolated
    (a continuum) or no solver finds them, or none of them is feasible.

    Every point returned is exact, real, feasible (h = 0 and g <= 0 exactly, sign assumptions
    of the variables kept) and has ∇f = 0 exactly. Polynomial systems are solved by
    :func:`lagrangekit.polynomial_systems.real_solutions`, which enumerates every real zero;
    others by ``sympy.solve``, which may miss some (the points found are still global minima).
    """
    if problem.parameters or not problem.variables:
        return None
    xs = list(problem.variables)
    f = problem.minimize_objective
    bases = _even_power_bases(f, xs)
    if bases is None:
        return None
    equations = [sp.expand(e) for e in bases + [c.expr for c in problem.equalities]]
    found = _solve(equations, xs)
    if found is None:
        return None
    solutions, method = found
    gradient = [sp.diff(f, v) for v in xs]
    kept = [s for s in solutions if _feasible_zero(problem, s, equations, gradient)]
    return (kept, f"{ZERO_MINIMA_METHOD}, solved by {method}") if kept else None


def _solve(equations: list[sp.Expr], xs: list[sp.Symbol]) -> tuple[list[dict], str] | None:
    if all(e.is_polynomial(*xs) for e in equations):
        found = real_solutions(equations, xs)
        if found is not None:
            return found
    try:
        solutions = sp.solve(equations, xs, dict=True, simplify=False)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if not solutions or any(set(s) != set(xs) or any(v.free_symbols for v in s.values()) for s in solutions):
        return None  # a continuum of zeros, or none found
    return solutions, "sympy.solve"


def _feasible_zero(
    problem: Problem, point: dict[sp.Symbol, sp.Expr], equations: list[sp.Expr], gradient: list[sp.Expr]
) -> bool:
    values = [point[v] for v in problem.variables]
    if any(not v.is_number or v.is_real is False or _imaginary(v) for v in values):
        return False
    if any(breaks_sign(v, value) for v, value in zip(problem.variables, values)):
        return False
    checks = [*equations, *gradient]
    if any(tidy_exact(e.xreplace(point)) != 0 for e in checks):
        return False
    return all(exact_sign(tidy_exact(c.expr.xreplace(point))) <= 0 for c in problem.all_inequalities())


def _imaginary(value: sp.Expr) -> bool:
    """Whether a number has a nonzero imaginary part (exactly: radicals may look complex)."""
    if value.is_real:
        return False
    return tidy_exact(sp.im(value)) != 0
