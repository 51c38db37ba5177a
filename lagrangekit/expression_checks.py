"""Checks on the sympy expressions of a problem before they become numeric callables.

Four questions, each answered by one walk over the expression tree:

- :func:`nonreal_constant`: is there a constant that is not a real finite number (``I``,
  ``zoo``, ``nan``, ``oo``, ``sqrt(cos(E))``, ``asin(2)``)? Problem construction refuses it.
- :func:`float_overflow`: is there a constant that float64 cannot hold (``exp(1000)``,
  ``Float("1e600")``, ``exp(exp(exp(exp(10))))``)? Compiling refuses it.
- :func:`nonsmooth_term`: is there a term without derivatives (``Abs``, ``Max``, ``Min``,
  ``sign``, ``floor``, ...) that depends on a variable? Derivatives refuse it.
- :func:`undefined_function`: is there a function without a definition (``f(x)``)? Compiling
  refuses it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["NONSMOOTH", "float_overflow", "nonreal_constant", "nonsmooth_term", "short", "undefined_function"]

NONSMOOTH: tuple[type, ...] = (
    sp.Abs,
    sp.Max,
    sp.Min,
    sp.sign,
    sp.Heaviside,
    sp.DiracDelta,
    sp.floor,
    sp.ceiling,
    sp.frac,
    sp.Piecewise,
    sp.Mod,
    sp.re,
    sp.im,
    sp.arg,
)
"""sympy classes whose derivative is not a function (sign, Heaviside, DiracDelta) or not defined."""

_FLOAT_MAX = sys.float_info.max
_NOT_REAL = (sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo)


def short(expr: sp.Basic, limit: int = 80) -> str:
    """``expr`` printed, cut to ``limit`` characters (and safe for numbers too long to print)."""
    try:
        text = sp.sstr(expr)
    except ValueError:  # an integer beyond Python's int-to-string limit
        return f"<a {type(expr).__name__} too long to print>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _constants(expr: sp.Basic) -> Iterator[sp.Basic]:
    """The maximal subexpressions of ``expr`` without free symbols, each once."""
    seen: set[sp.Basic] = set()
    has_symbols: dict[sp.Basic, bool] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:  # iterative post-order, so deep towers do not hit the recursion limit
        node, visited = stack.pop()
        if node in has_symbols:
            continue
        if node.is_Symbol or not node.args:
            has_symbols[node] = bool(node.is_Symbol)
        elif not visited:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in has_symbols)
        else:
            flags = [has_symbols[a] for a in node.args]
            has_symbols[node] = any(flags)
            if has_symbols[node]:
                for arg, flag in zip(node.args, flags):
                    if not flag and arg not in seen:
                        seen.add(arg)
                        yield arg
    if not has_symbols[expr] and expr not in seen:
        yield expr


def _value(constant: sp.Expr) -> sp.Expr | None:
    """``constant`` to 15 digits, or None when that overflows or fails."""
    try:
        return constant.evalf(15, chop=True)
    except (OverflowError, ValueError, TypeError, ZeroDivisionError, RecursionError):
        return None


def nonreal_constant(expr: sp.Basic) -> tuple[sp.Basic, str] | None:
    """The first constant of ``expr`` that is not a real finite number, with the reason, or None."""
    for c in _constants(expr):
        if not isinstance(c, sp.Expr) or c.is_Rational:
            continue
        bad = next((a for a in _NOT_REAL if c.has(a)), None)
        if bad is not None:
            return c, _reason(bad)
        if c.is_Atom:
            continue  # a finite Float or a real number symbol such as pi
        value = _value(c)
        if value is not None and value.is_real is False:
            return c, f"it evaluates to {short(value)}, which is not a real number"
    return None


def _reason(atom: sp.Basic) -> str:
    if atom == sp.I:
        return "it contains the imaginary unit I; objectives and constraints must be real"
    if atom == sp.nan:
        return "it is undefined (nan)"
    if atom == sp.zoo:
        return "it is undefined (complex infinity, as 1/0 or log(0))"
    return "it is infinite"


def float_overflow(expr: sp.Basic) -> sp.Basic | None:
    """The first constant of ``expr`` whose magnitude float64 cannot hold, or None."""
    for c in _constants(expr):
        if not isinstance(c, sp.Expr) or c.is_NumberSymbol:
            continue
        if c.is_Integer and c.p.bit_length() <= 1000:
            continue
        value = _value(c)
        if value is None or (value.is_extended_real and abs(value) > _FLOAT_MAX):
            return c
    return None


def nonsmooth_term(expr: sp.Basic, variables: frozenset[sp.Symbol]) -> sp.Basic | None:
    """The first term of ``expr`` without derivatives (:data:`NONSMOOTH`) that depends on a
    variable, or None."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, NONSMOOTH) and node.free_symbols & variables:
            return node
    return None


def undefined_function(expr: sp.Basic) -> sp.Basic | None:
    """The first applied undefined function of ``expr`` (such as ``f(x)``), or None."""
    return next(iter(sorted(expr.atoms(AppliedUndef), key=sp.default_sort_key)), None)
