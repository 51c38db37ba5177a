"""Partial derivatives of sympy expressions, each term differentiated only by its own variables."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce

import sympy as sp

__all__ = ["partial_derivatives", "second_partial_derivatives"]


def partial_derivatives(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr]:
    """``[∂expr/∂v for v in variables]``, equal to ``sp.diff(expr, v)`` for each ``v``.

    ``sp.diff`` of a sum visits every term for every variable, so n derivatives of an m-term sum
    cost n·m derivative calls even when each term holds one variable (``sum((x_i - i)**2)``),
    and sympy differentiates ``b**2`` by way of ``log(b)``, whose assumptions cost more than
    the rest. Here each term is differentiated only by the variables among its free symbols,
    and sums, products and powers with a constant numeric exponent by sympy's rules without
    that detour.
    """
    position = {v: i for i, v in enumerate(variables)}
    parts: list[list[sp.Expr]] = [[] for _ in variables]
    for term in sp.Add.make_args(expr):
        for symbol in term.free_symbols:
            i = position.get(symbol)
            if i is not None:
                parts[i].append(_derivative(term, symbol))
    return [sp.Add(*part) for part in parts]


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


def second_partial_derivatives(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> list[sp.Expr]:
    """The Hessian of ``expr`` flattened row by row: ``∂²expr/∂v_i∂v_j`` at ``i·n + j``."""
    firsts = partial_derivatives(expr, variables)
    return [d for first in firsts for d in partial_derivatives(first, variables)]
