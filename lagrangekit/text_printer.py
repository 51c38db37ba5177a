"""Problem text from a problem: the inverse of :func:`lagrangekit.parse_problem`.

The printer writes only what the parser reads back (the same
:mod:`~lagrangekit.text_grammar` tables), and refuses with a ``ValueError`` what text
cannot say: other functions, non-real or non-finite numbers, numbers outside float64's
range, names the grammar reserves, and symbols with assumptions other than ``real=True``.
Long integers are written as sums of 60-digit pieces in ``De±k`` notation, which the
parser reads exactly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import sympy as sp
from sympy.printing.str import StrPrinter

from ._number_limits import MAX_CONSTANT_DEPTH, NumberLimits, rational_problem
from .text_grammar import FUNCTIONS, HUGE, label_problem, name_problem

if TYPE_CHECKING:
    from .problem import Problem

__all__ = ["expression_text", "problem_text"]

_DIGITS = 60
_FUNCTION_CLASSES = frozenset(f for f in FUNCTIONS.values() if isinstance(f, type))
_STRUCTURE = (sp.Add, sp.Mul, sp.Pow)


def _integer_text(n: int) -> str:
    """``n`` as number tokens the parser reads exactly (each at most 60 digits)."""
    sign, digits = ("-" if n < 0 else ""), str(abs(n))
    stripped = digits.rstrip("0") or "0"
    zeros = len(digits) - len(stripped)
    if len(digits) <= _DIGITS:
        return sign + digits
    if len(stripped) <= _DIGITS:
        return f"{sign}{stripped}e{zeros}"
    pieces = []
    for end in range(len(stripped), 0, -_DIGITS):
        start = max(0, end - _DIGITS)
        chunk = stripped[start:end].lstrip("0")
        if chunk:
            pieces.append(f"{chunk}e{zeros + len(stripped) - end}")
    return f"{sign}({' + '.join(reversed(pieces))})"


class _TextPrinter(StrPrinter):
    """sympy's str printer with numbers written the way the parser reads them exactly."""

    def _print_Integer(self, expr: sp.Integer) -> str:
        return _integer_text(int(expr))

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"{_integer_text(expr.p)}/{_integer_text(expr.q)}"

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))


def _refusal(node: sp.Basic, limits: NumberLimits) -> str | None:
    """Why ``node`` cannot be written as problem text (or read back by the parser), or None."""
    if isinstance(node, sp.Symbol):
        reason = name_problem(node.name)
        if reason:
            return f"the variable name {node.name!r} cannot be read back: {reason}"
        if node != sp.Symbol(node.name, real=True):
            return (
                f"the variable {node.name!r} has assumptions other than real=True, which text cannot "
                "carry; read it back with parse_problem(text, variables=[...]) giving the symbols"
            )
        return None
    if isinstance(node, sp.Rational):
        if max(abs(node.p), node.q) > HUGE:
            return "an exact fraction with a numerator or denominator over 1.8e308 (round it to a float)"
        return rational_problem(node)
    if isinstance(node, sp.Float):
        value = float(node)
        if not math.isfinite(value):
            return f"the number {node} is not finite"
        return rational_problem(sp.Rational(value))
    if node in (sp.pi, sp.E) or isinstance(node, _STRUCTURE) or type(node) in _FUNCTION_CLASSES:
        if node.is_number and limits.depth(node) > MAX_CONSTANT_DEPTH:
            return f"a constant nests functions more than {MAX_CONSTANT_DEPTH} deep"
        return limits.check(node)
    return f"{type(node).__name__} ({sp.sstr(node)[:40]}) is not part of problem text"


def expression_text(expr: sp.Expr) -> str:
    """``expr`` as text that :func:`lagrangekit.parse_expression` reads back to an equal expression.

    Raises
    ------
    ValueError
        For a part that problem text cannot express (see the module docstring).
    """
    limits = NumberLimits()
    for node in sp.preorder_traversal(expr):
        reason = _refusal(node, limits)
        if reason:
            raise ValueError(f"cannot write {sp.sstr(expr)[:60]} as problem text: {reason}")
    return _TextPrinter({"order": "none"}).doprint(expr)


def problem_text(problem: Problem) -> str:
    """Problem text that :func:`lagrangekit.parse_problem` reads back into an equal problem.

    Every constraint is written with its label, as ``name: g <= 0`` or ``name: h == 0``.
    Bounds are not written. The variables read back are the free symbols in name order;
    pass ``variables=[v.name for v in problem.variables]`` to the parser to keep another
    order or variables that appear nowhere.

    Raises
    ------
    ValueError
        If the problem has parameters (symbols that are not variables), a constraint name
        the grammar reserves, or an expression text cannot express.
    """
    if problem.parameters:
        names = ", ".join(p.name for p in problem.parameters)
        raise ValueError(
            f"cannot write the problem as text: it has parameters ({names}), which text would read "
            "back as variables; substitute values with problem.subs({...}) first"
        )
    head = f"{'maximize' if problem.is_maximize else 'minimize'} {expression_text(problem.objective)}"
    if not problem.constraints:
        return head
    lines = []
    for c in problem.constraints:
        reason = label_problem(c.name)
        if reason:
            raise ValueError(f"cannot write constraint {c.name!r} as text: {reason}; rename it")
        lines.append(f"{c.name}: {expression_text(c.expr)} {'==' if c.kind == 'eq' else '<='} 0")
    return f"{head} subject to " + ", ".join(lines)
