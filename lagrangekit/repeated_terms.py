"""Sums of many terms of one shape (data fitting), evaluated as one vectorised template.

An objective such as Σᵢ (yᵢ − m(x; tᵢ))² is a sum whose terms differ only in their numbers.
Written out term by term, its value, gradient and Hessian cost Python operations in proportion
to the number of terms (and sympy differentiates every term). Here the terms of a sum are
grouped by their shape with their numbers taken out: each group of at least ``_MIN_TERMS``
terms becomes one template T(x; c) in which the numbers that differ between the terms are
symbols c_k. sympy differentiates the template once, and its value and derivatives are
computed with each c_k an array (one entry per term) and summed. The math is the terms'
own; only the order of the floating-point additions differs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np
import sympy as sp

from ._lambdify import lambdify_vector

__all__ = ["RepeatedTerms", "split_repeated"]

_MIN_TERMS = 8  # a group of fewer terms costs more as arrays than written out
_TERM_NODES = 40  # larger terms are left as they are: their template's derivatives grow too large
# functions a template may contain: numpy evaluates each elementwise on the data arrays
_FUNCTIONS = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.asin, sp.acos, sp.atan)
_SLOTS: list[sp.Dummy] = []


def _slot(k: int) -> sp.Dummy:
    """The k-th placeholder of a number (the same object in every template)."""
    while len(_SLOTS) <= k:
        _SLOTS.append(sp.Dummy(f"c{len(_SLOTS)}", real=True))
    return _SLOTS[k]


def _template(
    term: sp.Expr, variables: frozenset, numbers: list[sp.Expr], budget: list[int]
) -> sp.Expr | None:
    """``term`` with each subtree free of ``variables`` replaced by the next slot (its value
    appended to ``numbers``); None for a term with anything but sums, products, powers and
    the functions of ``_FUNCTIONS``, or larger than ``_TERM_NODES``."""
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if not (term.free_symbols & variables):
        try:
            value = float(term)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(value):
            return None
        numbers.append(term)
        return _slot(len(numbers) - 1)
    if term.is_Symbol:
        return term
    if not (isinstance(term, (sp.Add, sp.Mul, sp.Pow)) or term.func in _FUNCTIONS):
        return None
    args = []
    for arg in term.args:
        out = _template(arg, variables, numbers, budget)
        if out is None:
            return None
        args.append(out)
    return term.func(*args)


class RepeatedTerms:
    """One group: Σ over its terms of ``template`` (a function of ``variables`` and of the
    ``slots``, each slot taking one number per term from ``data``).

    Parameters
    ----------
    variables : sequence of sympy.Symbol
        The problem's n variables, in the order of the entries of ``x``.
    template : sympy.Expr
        The shape of the terms.
    slots : sequence of sympy.Dummy
        The symbols of ``template`` that stand for numbers differing between the terms.
    data : numpy.ndarray
        (len(slots), size) their values per term.
    """

    def __init__(
        self, variables: Sequence[sp.Symbol], template: sp.Expr, slots: Sequence[sp.Dummy], data: np.ndarray
    ) -> None:
        self.size = data.shape[1]
        self._template = template
        self._slots = list(slots)
        self._data = data
        position = {v: i for i, v in enumerate(variables)}
        self._columns = sorted(position[v] for v in template.free_symbols if v in position)
        self._variables = [variables[i] for i in self._columns]
        self.n = len(variables)

    def _function(self, exprs: list[sp.Expr]) -> Callable[[np.ndarray], np.ndarray]:
        """``func(x)``: the sums over the terms of ``exprs`` at the point ``x``."""
        func = lambdify_vector([*self._variables, *self._slots], exprs)
        slots = set(self._slots)
        by_term = np.array([bool(e.free_symbols & slots) for e in exprs])  # arrays over the terms
        summed, once = np.flatnonzero(by_term), np.flatnonzero(~by_term)
        size, columns, data = self.size, self._columns, list(self._data)

        def sums(x: np.ndarray) -> np.ndarray:
            outputs = func([x[i] for i in columns] + data)
            out = np.empty(len(outputs))
            if summed.size:
                out[summed] = np.array([outputs[i] for i in summed]).sum(axis=1)
            for i in once:  # the same number for every term
                out[i] = size * outputs[i]
            return out

        return sums

    @cached_property
    def _value_function(self):
        return self._function([self._template])

    @cached_property
    def _gradient_exprs(self) -> list[sp.Expr]:
        return [sp.diff(self._template, v) for v in self._variables]

    @cached_property
    def _gradient_function(self):
        return self._function(self._gradient_exprs)

    @cached_property
    def _upper(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, columns) in the problem's variables of the template's Hessian entries on and
        above the diagonal, in the order of :attr:`_hessian_function`'s outputs."""
        k = len(self._columns)
        a, b = np.triu_indices(k)
        columns = np.array(self._columns, dtype=int)
        return columns[a], columns[b]

    @cached_property
    def _hessian_function(self):
        k = len(self._variables)
        return self._function(
            [sp.diff(self._gradient_exprs[i], self._variables[j]) for i in range(k) for j in range(i, k)]
        )

    def value(self, x: np.ndarray) -> float:
        """The group's sum at ``x``."""
        return float(self._value_function(x)[0])

    @cached_property
    def _terms_function(self) -> Callable[[list], list]:
        return lambdify_vector([*self._variables, *self._slots], [self._template])

    def values_many(self, X: np.ndarray) -> np.ndarray:
        """(k,) the group's sum at each row of ``X`` (k, n)."""
        columns = X.T[:, None, :]  # each variable as a (1, k) row against the (size, 1) data
        out = self._terms_function([columns[i] for i in self._columns] + [r[:, None] for r in self._data])
        return np.broadcast_to(out[0], (self.size, X.shape[0])).sum(axis=0)

    def add_gradient(self, x: np.ndarray, out: np.ndarray) -> None:
        """Add the group's gradient at ``x`` to the (n,) array ``out``."""
        out[self._columns] += self._gradient_function(x)

    def add_hessian(self, x: np.ndarray, out: np.ndarray) -> None:
        """Add the group's Hessian at ``x`` to the (n, n) array ``out``."""
        rows, columns = self._upper
        upper = self._hessian_function(x)
        out[rows, columns] += upper
        off = rows != columns
        out[columns[off], rows[off]] += upper[off]


def split_repeated(
    variables: Sequence[sp.Symbol], expr: sp.Expr
) -> tuple[sp.Expr, list[RepeatedTerms]] | None:
    """(the rest, the groups) with ``expr`` = rest + Σ groups, when ``expr`` is a sum with a
    group of at least ``_MIN_TERMS`` terms of one template; else None."""
    if not isinstance(expr, sp.Add) or len(expr.args) < _MIN_TERMS:
        return None
    names = frozenset(variables)
    by_template: dict[sp.Expr, list[tuple[sp.Expr, list[sp.Expr]]]] = {}
    rest: list[sp.Expr] = []
    for term in expr.args:
        numbers: list[sp.Expr] = []
        template = _template(term, names, numbers, [_TERM_NODES])
        if template is None or not numbers:
            rest.append(term)
            continue
        by_template.setdefault(template, []).append((term, numbers))
    groups = []
    for template, members in by_template.items():
        if len(members) < _MIN_TERMS:
            rest.extend(term for term, _ in members)
            continue
        shared, varying, data = {}, [], []
        for k, column in enumerate(zip(*(numbers for _, numbers in members))):
            if all(c == column[0] for c in column[1:]):
                shared[_slot(k)] = column[0]
            else:
                varying.append(_slot(k))
                data.append([float(c) for c in column])
        if not varying:  # the same term repeated: sympy has already collected it, but be safe
            rest.extend(term for term, _ in members)
            continue
        groups.append(
            RepeatedTerms(variables, template.xreplace(shared), varying, np.array(data, dtype=float))
        )
    if not groups:
        return None
    return sp.Add(*rest), groups
