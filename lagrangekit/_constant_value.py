"""A cheap complex-float value of a constant sympy expression, for the parser's checks.

The parser must tell, in time linear in the text, whether a constant such as ``log(1 - 2)``,
``sqrt(cos(E))`` or ``(1/3)**999`` is a real float64 number. sympy's own comparisons
evaluate with adaptive precision and can take minutes on towers of powers; this evaluates
once per node in complex double precision (overflow gives inf, an undefined value nan),
and a value that is only ambiguously non-real is settled by sympy's exact assumptions.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable

import sympy as sp

__all__ = ["ConstantValues", "sympy_assumption"]

_UNDEFINED = complex(math.nan, math.nan)


def _erf(z: complex) -> complex:
    return complex(math.erf(z.real)) if z.imag == 0 else _UNDEFINED


def _erfc(z: complex) -> complex:
    return complex(math.erfc(z.real)) if z.imag == 0 else _UNDEFINED


_UNARY: dict[type, Callable[[complex], complex]] = {
    sp.exp: cmath.exp,
    sp.log: cmath.log,
    sp.sin: cmath.sin,
    sp.cos: cmath.cos,
    sp.tan: cmath.tan,
    sp.cot: lambda z: 1 / cmath.tan(z),
    sp.sec: lambda z: 1 / cmath.cos(z),
    sp.csc: lambda z: 1 / cmath.sin(z),
    sp.asin: cmath.asin,
    sp.acos: cmath.acos,
    sp.atan: cmath.atan,
    sp.sinh: cmath.sinh,
    sp.cosh: cmath.cosh,
    sp.tanh: cmath.tanh,
    sp.asinh: cmath.asinh,
    sp.acosh: cmath.acosh,
    sp.atanh: cmath.atanh,
    sp.erf: _erf,
    sp.erfc: _erfc,
    sp.Abs: lambda z: complex(abs(z)),
}

_ATOMS: dict[sp.Basic, complex] = {
    sp.pi: complex(math.pi),
    sp.E: complex(math.e),
    sp.I: 1j,
    sp.oo: complex(math.inf),
    -sp.oo: complex(-math.inf),
    sp.zoo: _UNDEFINED,
    sp.nan: _UNDEFINED,
}


def _rational(value: sp.Rational) -> complex:
    try:
        return complex(value.p / value.q)
    except OverflowError:
        return complex(math.inf if value.p > 0 else -math.inf)


def _power(base: complex, exponent: complex) -> complex:
    if base.imag == 0 and exponent.imag == 0 and (base.real >= 0 or exponent.real.is_integer()):
        try:
            return complex(math.pow(base.real, exponent.real))
        except OverflowError:
            return complex(math.inf)
        except ValueError:  # 0 to a negative power
            return _UNDEFINED
    try:
        return base**exponent
    except OverflowError:
        return complex(math.inf, math.inf)
    except ZeroDivisionError:
        return _UNDEFINED


def _guarded(function: Callable[[complex], complex], z: complex) -> complex:
    try:
        return function(z)
    except OverflowError:
        return complex(math.inf)
    except (ValueError, ZeroDivisionError):
        return _UNDEFINED


def _by_sympy(expr: sp.Basic) -> complex:
    """Fallback for a node this module does not know: sympy's 15-digit evaluation."""
    try:
        return complex(sp.N(expr, 15))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        return _UNDEFINED


def sympy_assumption(expr: sp.Basic, name: str) -> bool | None:
    """sympy's ``expr.<name>`` (True, False or None), None when deciding raises inside mpmath."""
    try:
        return getattr(expr, name)
    except (OverflowError, TypeError, ValueError, ZeroDivisionError):
        return None


class ConstantValues:
    """Complex-double values of constant sympy expressions, each node evaluated once."""

    def __init__(self) -> None:
        self._memo: dict[sp.Basic, complex] = {}

    def value(self, expr: sp.Basic) -> complex:
        """The value of ``expr`` (no free symbols); inf on overflow, nan where undefined."""
        known = self._memo.get(expr)
        if known is None:
            known = self._evaluate(expr)
            self._memo[expr] = known
        return known

    def is_real(self, expr: sp.Basic) -> bool:
        """Whether the constant ``expr`` is real, exactly where double precision is in doubt."""
        z = self.value(expr)
        if z.imag == 0:
            return True
        if abs(z.imag) > 1e-9 * max(1.0, abs(z.real)):
            return False
        return sympy_assumption(expr, "is_extended_real") is True

    def _evaluate(self, expr: sp.Basic) -> complex:
        if expr in _ATOMS:
            return _ATOMS[expr]
        if isinstance(expr, sp.Rational):
            return _rational(expr)
        if isinstance(expr, sp.Float):
            return complex(float(expr))
        if isinstance(expr, (sp.Add, sp.Mul)):
            values = [self.value(a) for a in expr.args]
            combine = math.fsum if isinstance(expr, sp.Add) else math.prod
            if all(v.imag == 0 for v in values):
                return _guarded(lambda _: complex(combine(v.real for v in values)), 0j)
            if isinstance(expr, sp.Add):
                return _guarded(lambda _: sum(values, 0j), 0j)
            return _guarded(lambda _: math.prod(values, start=1 + 0j), 0j)
        if isinstance(expr, sp.Pow):
            return _power(self.value(expr.base), self.value(expr.exp))
        if isinstance(expr, (sp.Max, sp.Min)):
            values = [self.value(a) for a in expr.args]
            if any(v.imag != 0 or math.isnan(v.real) for v in values):
                return _UNDEFINED
            pick = max if isinstance(expr, sp.Max) else min
            return complex(pick(v.real for v in values))
        function = _UNARY.get(type(expr))
        if function is not None and len(expr.args) == 1:
            return _guarded(function, self.value(expr.args[0]))
        return _by_sympy(expr)
