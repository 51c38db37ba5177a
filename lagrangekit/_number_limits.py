"""The parser's limits on numbers: real float64 constants, and powers of bounded size.

Every check here costs time linear in the node it looks at (constant values are memoised
by :class:`~lagrangekit._constant_value.ConstantValues`), so that parsing stays linear in
the text. Each check returns the reason a node is refused, or None; the parser turns the
reason into a :class:`~lagrangekit.errors.ParseError` with the position.
"""

from __future__ import annotations

import math

import sympy as sp

from ._constant_value import ConstantValues, sympy_assumption
from .text_grammar import HUGE, TINY

__all__ = ["MAX_CONSTANT_DEPTH", "MAX_EXPONENT", "MAX_POWER_BITS", "NumberLimits", "rational_problem"]

#: Largest absolute value of a numeric exponent.
MAX_EXPONENT = 1_000
#: Largest estimated size, in bits, of a power of numbers that sympy would compute exactly.
MAX_POWER_BITS = 50_000
#: Deepest nesting of functions and irrational powers inside a constant, as in exp(exp(1)).
#: sympy's assumption queries on such constants cost time exponential in their depth.
MAX_CONSTANT_DEPTH = 4


_NOT_REAL = (sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)


def rational_problem(value: sp.Rational) -> str | None:
    """Why the exact number ``value`` is outside float64's range, or None."""
    if value == 0:
        return None
    try:
        magnitude = abs(value.p / value.q)
    except OverflowError:
        magnitude = math.inf
    if magnitude > HUGE:
        return "the number overflows float64 (its magnitude is over 1.8e308)"
    if magnitude < TINY:
        return "the number underflows float64 (its magnitude is under 2.2e-308)"
    return None


def _bits(value: sp.Rational) -> int:
    return value.p.bit_length() + value.q.bit_length()


class NumberLimits:
    """Checks of the sympy nodes the parser builds (see the module docstring)."""

    def __init__(self) -> None:
        self.values = ConstantValues()
        self._depths: dict[sp.Basic, int] = {}

    def depth(self, expr: sp.Expr) -> int:
        """Nesting depth of functions and irrational powers in the constant ``expr``."""
        known = self._depths.get(expr)
        if known is None:
            inner = max((self.depth(a) for a in expr.args), default=0)
            plain = isinstance(expr, (sp.Add, sp.Mul)) or (
                isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Rational)
            )
            known = inner if plain else inner + 1
            self._depths[expr] = known
        return known

    def nesting_problem(self, args: tuple[sp.Expr, ...]) -> str | None:
        """Why a function or irrational power of the constants ``args`` would nest too deeply."""
        if not all(a.is_number for a in args):
            return None
        if len(args) == 2 and isinstance(args[1], sp.Rational):  # base**rational
            return None
        if 1 + max(self.depth(a) for a in args) > MAX_CONSTANT_DEPTH:
            return (
                f"a constant nests functions or irrational powers more than {MAX_CONSTANT_DEPTH} "
                "deep; write its value as a number"
            )
        return None

    def check(self, expr: sp.Expr, shown: str | None = None) -> str | None:
        """Why ``expr`` is refused: a constant that is not a real float64, or an oversized part.

        A non-constant node is refused when sympy made an undefined or non-real value one of
        its parts, as in ``0**(-y)`` (``zoo**y``) or ``log(0, y)`` (``zoo/log(y)``). Each node
        is checked as it is built, so looking at its own arguments is enough.
        """
        if expr.is_number:
            return self.constant_problem(expr, shown)
        if any(part in _NOT_REAL for part in (expr, *expr.args)):
            return f"{shown or _short(expr)} is undefined or not real: sympy made it {_short(expr)}"
        return self.size_problem(expr)

    def constant_problem(self, expr: sp.Expr, shown: str | None = None) -> str | None:
        """Why the constant ``expr`` (written ``shown`` in the text) is not a real float64, or None."""
        shown = shown or _short(expr)
        if isinstance(expr, sp.Rational):
            return rational_problem(expr)
        z = self.values.value(expr)
        if math.isnan(z.real) or math.isnan(z.imag):
            return f"the constant {shown} is undefined"
        if not self.values.is_real(expr):
            return f"the constant {shown} is not a real number (it is about {_short_complex(z)})"
        if math.isinf(z.real):
            return f"the constant {shown} is infinite or overflows float64"
        if 0 < abs(z.real) < TINY or (z.real == 0 and sympy_assumption(expr, "is_zero") is not True):
            return (
                f"the constant {shown} underflows float64 (its magnitude is under 2.2e-308, "
                "or it is zero only to double precision)"
            )
        return None

    def size_problem(self, expr: sp.Expr) -> str | None:
        """Why a coefficient or exponent of ``expr``'s terms and factors is too large, or None."""
        for term in sp.Add.make_args(expr):
            for factor in sp.Mul.make_args(term):
                if isinstance(factor, sp.Rational):
                    reason = rational_problem(factor)
                    if reason:
                        return f"a coefficient is out of range: {reason}"
                elif isinstance(factor, sp.Pow) and isinstance(factor.exp, sp.Rational):
                    if abs(factor.exp) > MAX_EXPONENT:
                        return f"an exponent is larger than {MAX_EXPONENT} in absolute value"
        return None

    def exponent_problem(self, exponent: sp.Expr) -> str | None:
        """Why the exponent of a power is refused: a constant that is not real or is too large."""
        if not exponent.is_number:
            return None
        reason = self.constant_problem(exponent)
        if reason:
            return reason
        if abs(self.values.value(exponent).real) > MAX_EXPONENT:
            return f"an exponent is larger than {MAX_EXPONENT} in absolute value"
        return None

    def power_problem(self, base: sp.Expr, exponent: sp.Expr) -> str | None:
        """Why ``base**exponent`` would be too costly to build exactly, or None.

        sympy raises the numbers among the factors of ``base`` exactly (``(2*x)**e`` holds
        ``2**e``), so their size in bits times the exponent bounds the work.
        """
        if not exponent.is_number:
            return None
        reason = self.nesting_problem((base, exponent))
        if reason:
            return reason
        if base.is_number and self.values.value(base) == 0 and self.values.value(exponent).real < 0:
            return "0 raised to a negative power is undefined"
        size = 0
        for factor in sp.Mul.make_args(base):
            if factor.is_number:
                size += sum(_bits(r) for r in factor.atoms(sp.Rational))
        if size * abs(self.values.value(exponent).real) > MAX_POWER_BITS:
            return f"this power of a number would have over {MAX_POWER_BITS * 3 // 10} digits"
        return None


def _short(expr: sp.Expr) -> str:
    try:
        text = sp.sstr(expr)
    except ValueError:  # an integer past Python's int-string limit
        return "(a number with thousands of digits)"
    return text if len(text) <= 40 else text[:37] + "..."


def _short_complex(z: complex) -> str:
    return f"{z.real:.3g}{z.imag:+.3g}i"
