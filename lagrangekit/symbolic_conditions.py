"""Parametric KKT points with inequalities: when each holds, as conditions on the parameters.

For a problem whose minimize-form objective is convex in the variables and whose constraints
are affine in them (:func:`convex_in_variables`), every KKT point is a global minimizer, so
the KKT point of an active set A is THE optimum for exactly the parameter values where it is
a KKT point: μ_A >= 0, g_i <= 0 off A, and every positive variable > 0
(:func:`kkt_conditions`). Together the candidates give a piecewise answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .problem import Problem

__all__ = ["convex_in_variables", "kkt_conditions"]


def _affine(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> bool:
    return bool(expr.is_polynomial(*variables)) and sp.Poly(expr, *variables).total_degree() <= 1


def _convex_term(term: sp.Expr, variables: Sequence[sp.Symbol]) -> bool:
    """An affine term, or c·log(v) with c <= 0 and v a variable (−log is convex)."""
    if _affine(term, variables):
        return True
    coeff, rest = term.as_independent(*variables, as_Add=False)
    return isinstance(rest, sp.log) and rest.args[0] in variables and bool(coeff.is_nonpositive)


def convex_in_variables(problem: Problem) -> bool:
    """True when the minimize-form objective is a sum of affine terms and c·log(v) with c <= 0
    (for all parameter values) and every constraint is affine in the variables."""
    v = problem.variables
    objective = sp.expand(problem.minimize_objective)
    return all(_convex_term(t, v) for t in sp.Add.make_args(objective)) and all(
        _affine(c.expr, v) for c in problem.constraints
    )


def _sign_reduced(expr: sp.Expr, known: list[sp.Expr]) -> tuple[sp.Expr, int]:
    """``expr`` with the factors of known sign divided out, and the sign they carry."""
    num, den = sp.fraction(sp.together(expr))
    kept, sign = [], 1
    for part in (num, den):
        constant, factors = sp.factor_list(part)
        sign *= -1 if constant.is_negative else 1
        for base, multiplicity in factors:
            if base.is_positive or sp.expand(base) in known:
                continue
            if base.is_negative or sp.expand(-base) in known:
                sign *= (-1) ** multiplicity
                continue
            kept.append(base**multiplicity)
    return sp.Mul(*kept), sign


def _readable(lhs: sp.Expr, strict: bool) -> sp.Basic:
    """lhs > 0 (or >= 0) solved for a symbol with a positive numeric coefficient when linear."""
    relation = sp.StrictGreaterThan if strict else sp.GreaterThan
    for s in sorted(lhs.free_symbols, key=str):
        if lhs.is_polynomial(s) and sp.degree(lhs, s) == 1:
            coeff = lhs.coeff(s)
            if coeff.is_number and coeff.is_positive:
                return relation(s, sp.expand(-(lhs - coeff * s) / coeff))
    return relation(sp.expand(lhs), 0)


def kkt_conditions(nonnegative: Sequence[sp.Expr], positive: Sequence[sp.Expr]) -> sp.Basic:
    """The conjunction of e >= 0 for ``nonnegative`` and e > 0 for ``positive``, simplified:
    factors of known sign (from the parameters' assumptions, and from the strict conditions
    read before, simplest first) are divided out. ``sympy.false`` when one cannot hold."""
    items = sorted(
        [(sp.sympify(e), False) for e in nonnegative] + [(sp.sympify(e), True) for e in positive],
        key=lambda item: (not item[1], sp.count_ops(item[0])),  # strict ones first: they give signs
    )
    known: list[sp.Expr] = []
    out: list[sp.Basic] = []
    for expr, strict in items:
        lhs, sign = _sign_reduced(expr, known)
        lhs = sign * lhs
        if lhs.is_number:
            holds = lhs > 0 if strict else lhs >= 0
            if holds is sp.false or holds is False:
                return sp.false
            continue
        if strict and [k for _, k in sp.factor_list(lhs)[1]] == [1]:
            known.append(sp.expand(lhs))  # one irreducible factor, known positive from here on
        out.append(_readable(lhs, strict))
    return sp.And(*out)
