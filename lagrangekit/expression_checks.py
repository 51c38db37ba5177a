"""Checks on the sympy expressions of a problem before they become numeric callables.

Four questions, each answered by one walk over the expression tree. Constants are computed in
float64, as the compiled code would compute them, never by sympy's adaptive evalf, which can
take minutes on a constant such as ``sin(exp(10**6))``:

- :func:`nonreal_constant`: is there a constant that is not a real finite number (``I``,
  ``zoo``, ``nan``, ``oo``, ``sqrt(cos(E))``, ``asin(2)``)? Problem construction refuses it.
- :func:`float_overflow`: is there a constant that float64 cannot hold or compute
  (``exp(1000)``, ``Float("1e600")``, ``sin(exp(10**6))``)? Compiling refuses it.
- :func:`nonsmooth_term`: is there a term without derivatives (``Abs``, ``Max``, ``Min``,
  ``sign``, ``floor``, ...) that depends on a variable? Derivatives refuse it.
- :func:`undefined_function`: is there a function without a definition (``f(x)``)? Compiling
  refuses it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from mpmath.libmp import to_float
from sympy.core.function import AppliedUndef

__all__ = [
    "NONSMOOTH",
    "float_overflow",
    "real_float64",
    "nonreal_constant",
    "nonsmooth_term",
    "short",
    "undefined_function",
]

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

_NOT_REAL = (sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo)


def short(expr: sp.Basic, limit: int = 80) -> str:
    """``expr`` printed, cut to ``limit`` characters (and safe for numbers too long to print)."""
    try:
        text = sp.sstr(expr)
    except ValueError:  # an integer beyond Python's int-to-string limit
        return f"<a {type(expr).__name__} too long to print>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _constants(expr: sp.Basic) -> Iterator[sp.Basic]:
    """The maximal subexpressions of ``expr`` without free symbols, each once. Nodes are told
    apart by identity (sympy shares equal subtrees), since hashing every Float of a long sum
    costs more than the walk."""
    seen: set[int] = set()
    has_symbols: dict[int, bool] = {}

    def known(node: sp.Basic) -> bool:
        return node.is_Atom or id(node) in has_symbols

    def symbolic(node: sp.Basic) -> bool:
        return bool(node.is_Symbol) if node.is_Atom else has_symbols[id(node)]

    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:  # iterative post-order, so deep towers do not hit the recursion limit
        node, visited = stack.pop()
        if known(node):
            continue
        if not visited:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if not known(a))
            continue
        flags = [symbolic(a) for a in node.args]
        has_symbols[id(node)] = any(flags)
        if has_symbols[id(node)]:
            for arg, flag in zip(node.args, flags):
                if not flag and id(arg) not in seen:
                    seen.add(id(arg))
                    yield arg
    if not symbolic(expr) and id(expr) not in seen:
        yield expr


@lru_cache(maxsize=1024)
def _float64_value(constant: sp.Expr) -> tuple[str, Any]:
    """``constant`` computed as compiled code computes it, in float64 with numpy (scipy for
    special functions): ("value", v) with v a finite real or complex number, ("overflow", None),
    ("undefined", None) after an invalid operation or a division by zero, or ("unknown", None)
    when it cannot be computed that way. Never slow: no arbitrary precision."""
    try:
        func = sp.lambdify((), constant, modules=["scipy", "numpy"])
        with np.errstate(all="raise"):
            value = complex(func())
    except FloatingPointError as exc:
        return ("overflow", None) if "overflow" in str(exc) else ("undefined", None)
    except OverflowError:
        return "overflow", None
    except Exception:  # noqa: BLE001 - a printer or a ufunc that cannot take this constant
        return "unknown", None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return "overflow", None
    return "value", value


def real_float64(constant: sp.Expr) -> float | None:
    """``constant`` (an expression without symbols) as a finite real float64, computed as
    compiled code computes it (a Float read from its mantissa, a Rational divided exactly,
    anything else by numpy), or None when it is not one. Never slow."""
    if constant.is_Float:
        value = to_float(constant._mpf_)
        return value if math.isfinite(value) else None
    if constant.is_Rational:
        try:
            return constant.p / constant.q
        except OverflowError:
            return None
    kind, value = _float64_value(constant)
    if kind != "value" or _is_complex(value):
        return None
    return value.real


def _mpmath_value(constant: sp.Expr) -> complex | None:
    """``constant`` in mpmath at 53 bits, where sqrt and log of negative numbers are complex.
    Called only when float64 computed every operand finitely before an invalid operation, so
    no operand is huge and this is fast. None at a pole or for an unsupported function."""
    with mpmath.workprec(53):
        try:
            return complex(sp.lambdify((), constant, modules="mpmath")())
        except Exception:  # noqa: BLE001 - a pole (1/0) or a function mpmath does not have
            return None


def _is_complex(value: complex) -> bool:
    return abs(value.imag) > 1e-12 * max(1.0, abs(value.real))


def nonreal_constant(expr: sp.Basic) -> tuple[sp.Basic, str] | None:
    """The first constant of ``expr`` that is not a real finite number, with the reason, or None.

    Constants are computed in float64; one whose computation hits an invalid operation (sqrt
    or log of a negative number, asin(2)) is computed again in mpmath, which says whether it
    is complex. A constant too large for float64 is left to :func:`float_overflow`.
    """
    for c in _constants(expr):
        if not isinstance(c, sp.Expr) or c.is_Rational:
            continue
        bad = next((a for a in _NOT_REAL if c.has(a)), None)
        if bad is not None:
            return c, _reason(bad)
        if c.is_Atom:
            continue  # a finite Float or a real number symbol such as pi
        kind, value = _float64_value(c)
        if kind == "undefined":
            value = _mpmath_value(c)
            if value is None:
                return c, "it is undefined (a division by zero or a pole)"
        if value is not None and _is_complex(value):
            return c, f"it evaluates to {value:.6g}, which is not a real number"
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
    """The first constant of ``expr`` that float64 cannot hold or compute, or None."""
    for c in _constants(expr):
        if not isinstance(c, sp.Expr) or c.is_NumberSymbol:
            continue
        if c.is_Integer and c.p.bit_length() <= 1000:
            continue
        if c.is_Float and math.isfinite(to_float(c._mpf_)):
            continue  # read from its mantissa: lambdifying every coefficient costs milliseconds each
        if _float64_value(c)[0] != "value":
            return c
    return None


def nonsmooth_term(expr: sp.Basic, variables: frozenset[sp.Symbol]) -> sp.Basic | None:
    """The first term of ``expr`` (in preorder) without derivatives (:data:`NONSMOOTH`) that
    depends on a variable, or None."""
    stack = [expr]
    while stack:  # iterative, and atoms are never pushed: a long sum of monomials is one pass
        node = stack.pop()
        if isinstance(node, NONSMOOTH) and node.free_symbols & variables:
            return node
        stack.extend(a for a in reversed(node.args) if not a.is_Atom)
    return None


def undefined_function(expr: sp.Basic) -> sp.Basic | None:
    """The first applied undefined function of ``expr`` (such as ``f(x)``), or None."""
    return next(iter(sorted(expr.atoms(AppliedUndef), key=sp.default_sort_key)), None)
