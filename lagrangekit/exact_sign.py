"""The sign of an exact number in canonical form (zero only when it is the integer 0).

Below :mod:`lagrangekit.kkt` and :mod:`lagrangekit.symbolic_second_order`, which both need it.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["EXACT_DIGITS", "NumericPoint", "exact_sign"]

EXACT_DIGITS = 50


def exact_sign(value: sp.Expr) -> int:
    """-1, 0 or 1: 0 only for a value equal to 0 (pass values tidied by
    :func:`lagrangekit.kkt.tidy_exact`, which returns exactly 0 for a zero), otherwise the sign
    of its 50-digit value."""
    if value == 0:
        return 0
    return 1 if value.evalf(EXACT_DIGITS) > 0 else -1


_CLEAR = 1e-12  # far above the error of a 30-digit evaluation
_AGREE = 1e-25  # agreement of the 40- and 60-digit evaluations


class NumericPoint:
    """An exact point evaluated once at 40 and at 60 digits, for cheap values and signs of many
    expressions at it (``CRootOf`` coordinates are not refined again for every expression).

    :meth:`value` trusts an expression's value only when the evaluations from the 40-digit and
    the 60-digit coordinates agree to 1e-25 (relative to max(1, |value|)) and are real: a
    cancellation that the 40-digit inputs cannot resolve shows up as a disagreement. An exact 0
    evaluates to about 1e-38 and is never given a sign by :meth:`clear_sign`, which needs
    |value| > 1e-12; None leaves the decision to an exact test.
    """

    def __init__(self, point: dict[sp.Symbol, sp.Expr]) -> None:
        self.low: dict[sp.Symbol, sp.Expr] | None = None
        self.high: dict[sp.Symbol, sp.Expr] | None = None
        try:  # a point with symbols (a parametric problem) or complex entries: no numeric values
            self.low = {k: sp.Float(sp.N(v, 40), 40) for k, v in point.items()}
            self.high = {k: sp.Float(sp.N(v, 60), 60) for k, v in point.items()}
        except (TypeError, ValueError):
            self.low = self.high = None

    def value(self, expr: sp.Expr) -> sp.Float | None:
        """The real value of ``expr`` at the point to 50 digits (accurate to about 1e-25
        relative, see the class doc), or None when it is not a real number or not reliable."""
        if self.low is None or self.high is None:
            return None
        try:
            low = complex(sp.N(expr.xreplace(self.low), 30))
            high_value = sp.N(expr.xreplace(self.high), 50)
            high = complex(high_value)
        except (TypeError, ValueError):
            return None
        scale = max(1.0, abs(high))
        if max(abs(low.imag), abs(high.imag)) > _AGREE * scale or abs(low - high) > _AGREE * scale:
            return None
        return sp.re(high_value) if high.imag else high_value

    def clear_sign(self, expr: sp.Expr) -> int | None:
        """-1 or 1 when the value of ``expr`` at the point is reliable and |value| > 1e-12."""
        value = self.value(expr)
        if value is None or abs(value) <= _CLEAR:
            return None
        return 1 if value > 0 else -1
