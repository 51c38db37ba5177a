"""Variables the Lagrangian is linear in: inf_x L is −inf unless their coefficients vanish.

When a variable x_j enters the objective and every constraint only linearly, with constant
coefficients, L(x, ν) = ℓ_j(ν)·x_j + (terms free of x_j) with ℓ_j affine in the multipliers ν,
so inf over x_j is −inf unless ℓ_j(ν) = 0. Those conditions are part of the dual's domain
{A ν + a = 0}; on it, inf_x L is an infimum over the other variables only. Slack-like
variables (``beta >= 0`` with beta nowhere else) are the common case: their multiplier is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..problem import Constraint, Problem

__all__ = ["LinearVariables", "linear_variables"]

#: derivatives at most (candidates × expressions); past that the analysis is skipped
_MAX_DERIVATIVES = 20_000


def _nonlinear_symbols(expr: sp.Expr, symbols: set[sp.Symbol]) -> set[sp.Symbol]:
    """The ``symbols`` that ``expr`` contains other than as c·x terms of a sum (one walk over
    the tree, iterative: a product of two of them, a power, a function of them, ...)."""
    out: set[sp.Symbol] = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e in symbols or not (e.free_symbols & symbols):
            continue
        if e.is_Add:
            stack.extend(e.args)
        elif e.is_Mul and sum(1 for a in e.args if a.free_symbols & symbols) == 1:
            stack.extend(a for a in e.args if a.free_symbols & symbols)
        else:
            out |= e.free_symbols & symbols
    return out


@dataclass(frozen=True, eq=False)
class LinearVariables:
    """The variables L is linear in, and the conditions ℓ(ν) = A ν + a = 0 that keep inf_x L finite.

    Attributes
    ----------
    free : ndarray of bool, shape (n,)
        The variables L is *not* linear in (the inner minimization runs over these).
    A : ndarray of shape (r, m)
        One row per linear variable with a nonzero coefficient somewhere, multipliers in the
        dual's ``names`` order.
    a : ndarray of shape (r,)
        The constant part of each coefficient (from the objective in minimize form).
    conditions : tuple of sympy.Equality
        ℓ_j(ν) = 0 in exact arithmetic, for the dual's domain.
    names : tuple of str
        The variable of each row.
    """

    free: np.ndarray
    A: np.ndarray
    a: np.ndarray
    conditions: tuple[sp.Equality, ...]
    names: tuple[str, ...]

    def residual(self, nu: np.ndarray) -> float:
        """max |A ν + a|, relative to max(1, |a|, |A||ν|)."""
        if not self.a.size:
            return 0.0
        scale = max(1.0, float(np.abs(self.a).max()), float((np.abs(self.A) @ np.abs(nu)).max()))
        return float(np.abs(self.A @ nu + self.a).max()) / scale

    @property
    def fixed(self) -> np.ndarray:
        """For rows with a single nonzero entry, (multiplier index, value it must take); else -1."""
        out = np.full(self.A.shape[0], -1)
        for row, coefficients in enumerate(self.A):
            nonzero = np.flatnonzero(coefficients)
            if nonzero.size == 1:
                out[row] = nonzero[0]
        return out


def linear_variables(
    problem: Problem, constraints: tuple[Constraint, ...], nu: tuple[sp.Symbol, ...]
) -> LinearVariables | None:
    """The variables of ``problem`` that its objective (minimize form) and ``constraints`` (their
    multipliers ``nu``, in order) contain only linearly; None when there are none."""
    variables = problem.variables
    objective = -problem.objective if problem.is_maximize else problem.objective
    expressions = [objective] + [c.expr for c in constraints]
    symbols = set(variables)
    nonlinear: set[sp.Symbol] = set()
    for e in expressions:
        nonlinear |= _nonlinear_symbols(e, symbols)
    candidates = [j for j, x in enumerate(variables) if x not in nonlinear]
    if len(candidates) * len(expressions) > _MAX_DERIVATIVES:
        return None
    free = np.ones(len(variables), dtype=bool)
    rows, constants, conditions, names = [], [], [], []
    for j in candidates:
        x = variables[j]
        derivatives = [sp.diff(e, x) if x in e.free_symbols else sp.Integer(0) for e in expressions]
        if any(not d.is_number or d.free_symbols & symbols for d in derivatives):
            continue
        free[j] = False
        if all(d == 0 for d in derivatives):
            continue  # x_j appears nowhere: nothing to keep finite
        rows.append([float(d) for d in derivatives[1:]])
        constants.append(float(derivatives[0]))
        conditions.append(sp.Eq(derivatives[0] + sum(d * v for d, v in zip(derivatives[1:], nu)), 0))
        names.append(x.name)
    if free.all():
        return None
    return LinearVariables(
        free,
        np.array(rows, dtype=float).reshape(len(rows), len(constraints)),
        np.array(constants, dtype=float),
        tuple(conditions),
        tuple(names),
    )
