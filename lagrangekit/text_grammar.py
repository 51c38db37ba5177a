"""The vocabulary of problem text, shared by the parser and :meth:`Problem.to_text`.

Both directions read these tables, so every function the printer emits is one the
parser reads back, and every name the parser refuses is one the printer will not write.
This module sits at the bottom with :mod:`lagrangekit.problem`; it imports only sympy.
"""

from __future__ import annotations

import keyword
import re
import sys
from typing import Any

import sympy as sp

__all__ = [
    "ARITY",
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_NAME_LENGTH",
    "NOT_REAL_NAMES",
    "RESERVED_WORDS",
    "TINY",
    "HUGE",
    "label_problem",
    "name_problem",
]

#: Function names of problem text and the sympy function each one builds.
FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "cot": sp.cot,
    "sec": sp.sec,
    "csc": sp.csc,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "coth": sp.coth,
    "sech": sp.sech,
    "csch": sp.csch,
    "acot": sp.acot,
    "asec": sp.asec,
    "acsc": sp.acsc,
    "asinh": sp.asinh,
    "acosh": sp.acosh,
    "atanh": sp.atanh,
    "acoth": sp.acoth,
    "erf": sp.erf,
    "erfc": sp.erfc,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "Max": sp.Max,
    "max": sp.Max,
    "Min": sp.Min,
    "min": sp.Min,
}

#: (fewest, most) arguments of the functions that do not take exactly one.
ARITY: dict[str, tuple[int, int]] = {
    "log": (1, 2),
    "Max": (1, 99),
    "max": (1, 99),
    "Min": (1, 99),
    "min": (1, 99),
}

#: The named constants of problem text.
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}

#: Names that would read as a real variable but that a user means as a non-real or
#: undefined value (sympy's spellings and the usual ones); problem text refuses them.
NOT_REAL_NAMES = frozenset({"I", "zoo", "oo", "nan", "NaN", "inf", "Inf", "infinity", "Infinity"})

#: Keywords of the grammar (compared in lower case); not usable as names.
RESERVED_WORDS = frozenset(
    {"subject", "to", "st", "such", "that", "and", "minimize", "minimise", "maximize", "maximise"}
)

#: Longest variable or label name (digits of a name are compared as numbers when sorting).
MAX_NAME_LENGTH = 100

#: Range of a nonzero number's magnitude: float64's largest value and smallest normal one.
HUGE = sys.float_info.max
TINY = sys.float_info.min

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def label_problem(name: str) -> str | None:
    """Why ``name`` cannot be a constraint label of problem text, or None if it can."""
    if not _NAME_RE.match(name):
        return "a name is a letter or underscore followed by letters, digits and underscores"
    if len(name) > MAX_NAME_LENGTH:
        return f"a name is at most {MAX_NAME_LENGTH} characters long"
    if "__" in name:
        return "dunder names (with '__') are not allowed"
    if keyword.iskeyword(name) or name in ("lambda", "import", "exec", "eval"):
        return "Python keywords are not allowed"
    if name.lower() in RESERVED_WORDS:
        return "it is a keyword of problem text"
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable of problem text, or None if it can."""
    reason = label_problem(name)
    if reason:
        return reason
    if name in FUNCTIONS:
        return "it is a function of problem text"
    if name in CONSTANTS:
        return "it is a constant of problem text"
    if name in NOT_REAL_NAMES:
        return "it names a non-real or undefined value"
    return None
