"""sympy expressions to numpy functions of one vector argument, immune to variable names.

``sympy.lambdify`` prints variables by their names into Python source that also refers to
numpy's functions and constants by name. A variable called ``e``, ``pi``, ``maximum``,
``select``, ``exp`` or ``lambda`` then shadows (or breaks) what the printed code means: with a
variable ``e``, the constant E is read as that variable. Here every variable is printed by its
position (``_lk_x0``, ``_lk_x1``, ...: names no namespace uses), and the function takes the
variables as one positional array. The expressions are not rebuilt (that costs as much as
printing them): the renaming happens in the printer.

A sum of many terms is printed in nested groups of at most ``_GROUP`` terms, in the order sympy
stores them: printed flat, ``a + b + c + ...`` is a chain as deep as it is long, which Python's
compiler refuses past about a thousand terms ("maximum recursion depth exceeded during
compilation"), and sorting the terms for printing costs more than printing them. Common
subexpressions are eliminated unless the expressions have more than ``_LARGE`` nodes in all
(sympy's ``cse`` takes 10 s on a sum of 2,000 terms, minutes on one of 40,000).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter, SciPyPrinter
from sympy.printing.precedence import PRECEDENCE

__all__ = ["at_point", "lambdify_vector"]

# the settings lambdify gives its own printer for modules="numpy"
_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True}
# expressions with more nodes than this in all are printed with their terms in stored order
# (sorting them costs more than printing: 12 s for a 2000-term sum) and without
# common-subexpression elimination (its search for shared sums grows faster than linearly: 10 s)
_LARGE = 4000
_GROUP = 64  # terms per group of a long sum


class _Renaming:
    """Printer mixin that prints the given symbols under the given names."""

    def __init__(self, names: Mapping[sp.Symbol, str], order: str | None) -> None:
        super().__init__({**_SETTINGS, "user_functions": {}, "order": order})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = self._names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_Dummy(self, expr: sp.Dummy) -> str:
        name = self._names.get(expr)
        return name if name is not None else super()._print_Dummy(expr)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        if len(expr.args) <= _GROUP:
            return super()._print_Add(expr, order=order)
        return _grouped_sum([self.parenthesize(term, PRECEDENCE["Add"]) for term in expr.args])


def _grouped_sum(terms: list[str]) -> str:
    """``(t1 + ... + t64) + (...) + ...``, grouped again until at most _GROUP remain: the
    printed sum is about _GROUP·log(len(terms)) deep instead of len(terms)."""
    while len(terms) > _GROUP:
        terms = [f"({' + '.join(terms[i : i + _GROUP])})" for i in range(0, len(terms), _GROUP)]
    return f"({' + '.join(terms)})"


class _RenamingNumPyPrinter(_Renaming, NumPyPrinter):
    """NumPyPrinter with renamed symbols."""


class _RenamingSciPyPrinter(_Renaming, SciPyPrinter):
    """SciPyPrinter (scipy.special functions such as gammaln) with renamed symbols."""


def lambdify_vector(
    variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr], *, scipy: bool = False
) -> Callable[[Any], list]:
    """``func(x)`` returning the list of the values of ``exprs`` computed with numpy, where
    ``x[i]`` is the value of ``variables[i]``; ``x`` may also be an (n, k) array of k points,
    or a list whose entries are arrays (broadcast together).

    No variable name reaches the generated code or its namespace, so none can collide with a
    name of numpy's namespace, a Python keyword or builtin, or a common-subexpression temporary.
    (``sympy.lambdify`` also puts the symbols of a single expression into the namespace under
    their names, where a variable ``e`` would replace numpy's ``e``: given a list, it does not.)
    Common subexpressions are computed once, unless the expressions have more than 4000 nodes
    in all (then finding them, and sorting the terms of sums for printing, costs more than it
    saves) or contain ``Max`` or ``Min`` (sympy's search is superlinear in their arguments: 6 s
    for one ``Max`` of 60 variables). ``scipy=True`` prints special functions (loggamma, erf,
    ...) as scipy.special's.
    """
    arguments = [sp.Symbol(f"_lk_x{i}") for i in range(len(variables))]
    names = {v: a.name for v, a in zip(variables, arguments)}
    large = _is_large(exprs)
    printer = (_RenamingSciPyPrinter if scipy else _RenamingNumPyPrinter)(names, "none" if large else None)
    modules = ["scipy", "numpy"] if scipy else "numpy"
    cse = not large and not any(e.has(sp.Max, sp.Min) for e in exprs)
    return sp.lambdify([arguments], list(exprs), modules=modules, cse=cse, printer=printer)


def _is_large(exprs: Sequence[sp.Expr], limit: int = _LARGE) -> bool:
    """Whether ``exprs`` have more than ``limit`` nodes in all (counting stops there)."""
    nodes = 0
    for expr in exprs:
        for _ in sp.preorder_traversal(expr):
            nodes += 1
            if nodes > limit:
                return True
    return False


def at_point(func: Callable[[Any], list], x: np.ndarray) -> np.ndarray:
    """``np.array(func(x), dtype=float)`` for a function from :func:`lambdify_vector` and one
    point ``x`` (a 1-D float array), computed on the entries of x as Python floats: for a few
    variables ten times faster than on numpy scalars, with the same IEEE arithmetic. Where
    Python's float arithmetic departs from numpy's, by raising (1/0, an overflowing power) or
    by giving a complex number (a negative number to a fractional power, never cast to its
    real part), it is computed on ``x`` itself, with numpy's inf and NaN."""
    try:
        out = np.array(func(x.tolist()))
    except (ArithmeticError, ValueError, TypeError):
        out = None
    if out is None or out.dtype.kind not in "fiub":  # complex: never cast to its real part
        return np.array(func(x), dtype=float)
    return out.astype(float, copy=False)
