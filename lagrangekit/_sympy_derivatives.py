"""Partial derivatives of sympy expressions, each term differentiated only by its own variables."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from functools import reduce

import sympy as sp

__all__ = ["nonzero_partial_derivatives", "partial_derivatives"]


def partial_derivatives(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr]:
    """``[∂expr/∂v for v in variables]``, equal to ``sp.diff(expr, v)`` for each ``v``.

    ``sp.diff`` of a sum visits every term for every variable, so n derivatives of an m-term sum
    cost n·m derivative calls even when each term holds one variable (``sum((x_i - i)**2)``),
    and sympy differentiates ``b**2`` by way of ``log(b)``, whose assumptions cost more than
    the rest. Here each term is differentiated only by the variables among its free symbols
    (:func:`nonzero_partial_derivatives`).
    """
    out = [sp.Integer(0)] * len(variables)
    for i, derivative in nonzero_partial_derivatives(expr, {v: i for i, v in enumerate(variables)}):
        out[i] = derivative
    return out


def nonzero_partial_derivatives(
    expr: sp.Expr, position: Mapping[sp.Symbol, int], first: int = 0
) -> list[tuple[int, sp.Expr]]:
    """(i, ∂expr/∂x_i) for each variable x_i (``position[x_i] = i``) with i >= ``first`` that
    ``expr`` contains, in variable order. The cost is the number of (term, variable in it)
    pairs, not terms × variables: each term of a sum is differentiated only by its own
    variables, and sums, products and powers with a constant numeric exponent by sympy's
    rules without the ``log(b)`` detour."""
    parts: dict[int, list[sp.Expr]] = {}
    for term in sp.Add.make_args(expr):
        for symbol in term.free_symbols:
            i = position.get(symbol)
            if i is not None and i >= first:
                parts.setdefault(i, []).append(_derivative(term, symbol))
    return [(i, sp.Add(*parts[i])) for i in sorted(parts)]


def _derivative(expr: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """∂expr/∂symbol by sympy's own sum, product and power rules, built in sympy's order so the
    result is the same expression (the same rounding when evaluated), minus the ``log(b)`` that
    sympy builds and multiplies by 0 for a constant exponent; other nodes by sympy."""
    if expr == symbol:
        return sp.Integer(1)
    if isinstance(expr, sp.Add):
        return sp.Add(*[_derivative(a, symbol) for a in expr.args if symbol in a.free_symbols])
    if isinstance(expr, sp.Mul):
        args = list(expr.args)
        terms = []
        for i, a in enumerate(args):
            if symbol in a.free_symbols:
                d = _derivative(a, symbol)
                if d != 0:
                    terms.append(reduce(operator.mul, [*args[:i], d, *args[i + 1 :]], sp.Integer(1)))
        return sp.Add(*terms)
    if isinstance(expr, sp.Pow) and expr.exp.is_Number:
        return expr * (_derivative(expr.base, symbol) * expr.exp / expr.base)
    return expr.diff(symbol)
