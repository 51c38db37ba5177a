"""Is a problem infeasible when min ‖x‖² over its constraints has no KKT point?

The exact route looks for a feasible point among the KKT points of min ‖x‖² over the
constraints. That minimum is always attained on a nonempty closed set, so finding no KKT point
proves infeasibility only where a constraint qualification holds at every feasible point: for
affine constraints (and bounds) it always does. Otherwise the feasible set may be a point where
the constraints' gradients are dependent, as for two tangent disks, and min ‖x‖² is attained
there without multipliers. :func:`feasibility_witness` settles that case: phase I looks for a
point with violation below 1e-6, and nearby rationals are tested for exact feasibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .errors import LagrangekitError
from .exact_sign import exact_sign
from .kkt import tidy_exact
from .numeric_form import NumericForm
from .phase_one import FEASIBLE, phase_one
from .problem import Problem

__all__ = ["FeasibilityWitness", "breaks_sign", "feasibility_witness"]

_DIGITS = (12, 9, 6, 3, 0)  # the rationals tried near phase I's point: its values rounded to these


@dataclass(frozen=True)
class FeasibilityWitness:
    """What is known about feasibility beyond the KKT points of min ‖x‖².

    Attributes
    ----------
    point : list of sympy numbers or None
        An exactly feasible point, when one was found.
    violation : float or None
        Phase I's smallest violation (None for affine constraints, where no search is needed,
        or when phase I cannot evaluate the constraints).
    proven : bool
        True when the constraints are affine, so that the absence of a KKT point of min ‖x‖²
        proves the problem infeasible.
    """

    point: list | None
    violation: float | None
    proven: bool


def feasibility_witness(problem: Problem) -> FeasibilityWitness:
    """See the module docstring; ``problem`` has no parameters and exact coefficients."""
    if all(_affine(c.expr, problem.variables) for c in problem.constraints):
        return FeasibilityWitness(None, None, True)
    try:
        with np.errstate(all="ignore"):
            form = NumericForm(problem)
            found = phase_one(form, [form.start(None)])
    except (LagrangekitError, ArithmeticError, TypeError, ValueError):
        return FeasibilityWitness(None, None, False)
    if not np.isfinite(found.violation):
        return FeasibilityWitness(None, None, False)
    if not found.violation <= FEASIBLE:
        return FeasibilityWitness(None, float(found.violation), False)
    for digits in _DIGITS:
        point = [sp.Rational(round(float(v), digits)) for v in found.x]
        if _exactly_feasible(problem, point):
            return FeasibilityWitness(point, float(found.violation), False)
    return FeasibilityWitness(None, float(found.violation), False)


def _affine(expr: sp.Expr, xs: tuple[sp.Symbol, ...]) -> bool:
    return expr.is_polynomial(*xs) and sp.Poly(expr, *xs).total_degree() <= 1


def breaks_sign(v: sp.Symbol, value: sp.Expr) -> bool:
    """Whether the exact number ``value`` violates the sign assumption of the variable ``v``
    (0 for a positive one); False for a value that is not a number."""
    sign = exact_sign(tidy_exact(value)) if value.is_number else None
    if sign is None:
        return False
    return bool(
        v.is_positive and sign <= 0
        or v.is_nonnegative and sign < 0
        or v.is_negative and sign >= 0
        or v.is_nonpositive and sign > 0
    )


def _exactly_feasible(problem: Problem, point: list) -> bool:
    """Every constraint and bound holds exactly at ``point``, inside the variables' sign assumptions."""
    subs = dict(zip(problem.variables, point))
    if any(breaks_sign(v, value) for v, value in subs.items()):
        return False
    for c in problem.equalities + problem.all_inequalities():
        value = tidy_exact(c.expr.xreplace(subs))
        if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return False
        sign = exact_sign(value)
        if sign > 0 or (c.kind == "eq" and sign != 0):
            return False
    return True
