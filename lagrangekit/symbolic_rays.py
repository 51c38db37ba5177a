"""Evidence that a problem is unbounded, for the exact route (:func:`~lagrangekit.solve_symbolic`).

Two probes, from given feasible points (the KKT points, or a feasible point when there are
none). The exact one tries the directions in {−1, 0, 1}ⁿ on polynomial problems and proves a ray
by leading coefficients. The general one is the numeric probe of
:func:`lagrangekit.solvers.rays.feasible_ray` in its thorough form (64 random directions on the
sphere, the axes, the tangents of active inequalities; f at geometrically growing steps, and
sequences running into a face of the box where f is not finite), and each ray it finds is put
to sympy: along the exact ray b + t·d (d rounded to a rational direction, projected exactly
onto affine equalities), sympy's limit of f as t → ∞ (or t → 0⁺ for a face) either proves
f → −∞, refutes the ray (a finite limit, or +∞), or cannot decide, and every constraint is
checked to hold for all large t (or all small t) where sympy can tell.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

import numpy as np
import sympy as sp
from sympy.polys.polyerrors import PolynomialError

from .errors import LagrangekitError
from .exact_sign import NumericPoint, exact_sign
from .kkt import tidy_exact
from .numeric_form import NumericForm
from .problem import Constraint, Problem
from .result import format_value
from .solvers.rays import Ray, feasible_ray

__all__ = ["feasible_start", "unbounded_message"]

Verdict = Literal["proved", "numeric"]
_T = sp.Symbol("_t", positive=True)
_DENOMINATOR = 1000  # a numeric direction is read as the nearest rational with this denominator bound
_RAYS_TRIED = 4  # bases whose numeric ray is put to sympy before giving up


def unbounded_message(problem: Problem, bases: Sequence[Sequence[sp.Expr]]) -> str | None:
    """``"unbounded: …"`` naming a feasible ray (or sequence) from one of ``bases`` along which
    the minimize-form objective improves without bound, or None when neither probe finds one.

    The message says how it is known: by exact leading coefficients, by sympy's limit, or (when
    sympy cannot decide a limit and refutes nothing) by the numeric probe alone.
    """
    exact = _polynomial_ray(problem, bases)
    if exact is not None:
        return _message(problem, *exact, toward_zero=False, evidence="")
    if problem.parameters:
        return None  # no numbers to probe with
    form = NumericForm(problem)
    tried = 0
    for base in bases:
        try:
            x = np.array([float(v) for v in base], dtype=float)
            with np.errstate(all="ignore"):
                ray = feasible_ray(form, x, thorough=True)
        except (LagrangekitError, TypeError, ValueError, ArithmeticError):
            continue  # a point or a problem the numeric form cannot evaluate: no evidence
        if ray is None:
            continue
        try:
            found = _exact_ray(problem, base, ray)
        except (ValueError, TypeError, ArithmeticError, NotImplementedError, PolynomialError):
            found = None  # sympy failed on the exact ray: no claim from it
        if found is not None:
            start, d, verdict = found
            evidence = "; sympy's limit of the objective along it is −∞"
            if verdict == "numeric":
                evidence = f"; sympy cannot decide the limit: {ray.message(problem.is_maximize)}"
            return _message(problem, start, d, toward_zero=ray.approaches_base, evidence=evidence)
        tried += 1
        if tried >= _RAYS_TRIED:
            break
    return _pole(problem)


def _pole(problem: Problem) -> str | None:
    """For one variable: a real singularity s of f (sympy's ``singularities``, a finite set)
    approached from a side where every constraint holds near s and f → −∞, proved by limits."""
    if problem.n != 1:
        return None
    (x,) = problem.variables
    f = problem.minimize_objective
    try:
        poles = sp.singularities(f, x, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        return None
    if not isinstance(poles, sp.FiniteSet) or len(poles) > 8:
        return None
    for s in sorted(poles, key=float):
        for side in (1, -1):
            along = {x: s + side * _T}
            if _objective_verdict(f.xreplace(along), toward_zero=True) is not True:
                continue
            feasible = (_holds_eventually(c, c.expr.xreplace(along), True) for c in _all_constraints(problem))
            if all(v is True for v in feasible):
                return _message(problem, [s], [side], toward_zero=True, evidence="; sympy's limit is −∞")
    return None


def feasible_start(problem: Problem) -> list[list[sp.Expr]]:
    """``[x]`` with x the default start of the numeric route (:meth:`NumericForm.start`) when
    it is feasible, else ``[]``."""
    with np.errstate(all="ignore"):
        try:
            form = NumericForm(problem)
            x = form.start(None)
            feasible = form.violation(x) <= 0.0
        except (LagrangekitError, ArithmeticError, TypeError, ValueError):
            return []
    return [[sp.Rational(float(v)) for v in x]] if feasible else []


def _message(problem: Problem, start: Sequence, d: Sequence, *, toward_zero: bool, evidence: str) -> str:
    base = ", ".join(format_value(v) for v in start)
    step = ", ".join(str(v) for v in d)
    word = "increases" if problem.is_maximize else "decreases"
    if toward_zero:
        return (
            f"unbounded: along the feasible points ({base}) + t·({step}), t → 0⁺, running into a point "
            f"where the objective is not defined, the objective {word} without bound{evidence}"
        )
    return (
        f"unbounded: along the feasible ray ({base}) + t·({step}), t → ∞, the objective {word} without "
        f"bound{evidence}"
    )


def _all_constraints(problem: Problem) -> tuple[Constraint, ...]:
    """The constraints, the bounds, and the sign assumptions of the variables (a ray leaving
    the domain of a ``positive=True`` variable is not feasible)."""
    signs = []
    for v in problem.variables:
        if v.is_nonnegative:
            signs.append(Constraint(f"sign:{v.name}", "ineq", -v))
        elif v.is_nonpositive:
            signs.append(Constraint(f"sign:{v.name}", "ineq", v))
    return problem.constraints + problem.bound_constraints() + tuple(signs)


def _polynomial_ray(problem: Problem, bases: Sequence[Sequence[sp.Expr]]) -> tuple[list, tuple] | None:
    """A feasible ray x0 + t·d along which the minimize-form objective → −∞, proved exactly.

    Only polynomial problems, along the directions in {−1, 0, 1}^n (n <= 4) or the coordinate
    axes; a ray is accepted only when every constraint holds for all large t. Each expression
    along a direction is expanded in t once with x0 symbolic; a base's coefficients are then
    exact numbers (``tidy_exact``), read from the highest power of t down to the first nonzero.
    """
    xs = problem.variables
    constraints = _all_constraints(problem)
    exprs = [problem.minimize_objective, *(c.expr for c in constraints)]
    if not all(e.is_polynomial(*xs) for e in exprs):
        return None
    n = len(xs)
    if n <= 4:
        dirs = [d for d in itertools.product((-1, 0, 1), repeat=n) if any(d)]
    else:
        dirs = [tuple(s * (k == i) for k in range(n)) for i in range(n) for s in (1, -1)]
    tops = [(c.kind, _top_form(c.expr, xs)) for c in constraints]
    f_top = _top_form(problem.minimize_objective, xs)
    dirs = [d for d in dirs if not _fails_at_infinity(d, xs, f_top, tops)]
    numeric_bases = [NumericPoint(dict(zip(xs, x0))) for x0 in bases]
    for d in dirs:
        shift = {v: v + d[i] * _T for i, v in enumerate(xs)}
        f_t = sp.Poly(sp.expand(problem.minimize_objective.xreplace(shift)), _T).all_coeffs()
        along = [sp.Poly(sp.expand(c.expr.xreplace(shift)), _T).all_coeffs() for c in constraints]
        for x0, numeric in zip(bases, numeric_bases):
            at = dict(zip(xs, x0))
            if len(f_t) < 2 or _leading_sign(f_t[:-1], at, numeric) >= 0:  # f falls only through a power of t
                continue
            if all(_eventually_holds(c.kind, coeffs, at, numeric) for c, coeffs in zip(constraints, along)):
                return list(x0), d
    return None


def _top_form(expr: sp.Expr, xs: Sequence[sp.Symbol]) -> sp.Expr:
    """The homogeneous part of highest total degree of a polynomial (0 for a constant): along
    x0 + t·d, its value at d is the coefficient of the highest power of t, whatever x0 is."""
    poly = sp.Poly(expr, *xs)
    degree = poly.total_degree()
    if degree == 0:
        return sp.Integer(0)
    return sum(
        (c * sp.Mul(*(v**k for v, k in zip(xs, m))) for m, c in poly.terms() if sum(m) == degree),
        sp.Integer(0),
    )


def _fails_at_infinity(d: Sequence[int], xs: Sequence[sp.Symbol], f_top: sp.Expr, tops: Sequence) -> bool:
    """Whether no ray along ``d`` can serve, from any base, by leading coefficients alone: the
    objective's is positive (f → +∞), an equality's is nonzero, or an inequality's positive
    (as a bound's when d leaves the box). Coefficients that are not rational decide nothing."""
    at = dict(zip(xs, (sp.Integer(k) for k in d)))

    def sign(top: sp.Expr) -> int | None:
        value = top.xreplace(at)
        if not value.is_Rational:
            return None
        return 0 if value == 0 else (1 if value > 0 else -1)

    if sign(f_top) == 1:
        return True
    for kind, top in tops:
        leading = sign(top)
        if leading == 1 or (kind == "eq" and leading == -1):
            return True
    return False


def _sign_at(coefficient: sp.Expr, at: dict, numeric: NumericPoint) -> int:
    """The exact sign of ``coefficient`` at ``at``: from its numeric value when that is clear
    (most coefficients), else by an exact zero test."""
    value = coefficient.xreplace(at)
    if value.is_Rational:
        return 0 if value == 0 else (1 if value > 0 else -1)
    sign = numeric.clear_sign(coefficient)
    return exact_sign(tidy_exact(value)) if sign is None else sign


def _leading_sign(coefficients: Sequence[sp.Expr], at: dict, numeric: NumericPoint) -> int:
    """The sign of the first coefficient that is not exactly 0 at ``at`` (0 when all are)."""
    for k in coefficients:
        sign = _sign_at(k, at, numeric)
        if sign != 0:
            return sign
    return 0


def _eventually_holds(kind: str, coefficients: Sequence[sp.Expr], at: dict, numeric: NumericPoint) -> bool:
    """Whether a polynomial constraint in t holds for all large t: an equality vanishes
    identically, an inequality's first nonzero coefficient is negative (or all are 0)."""
    if kind == "eq":
        if any(numeric.clear_sign(k) for k in coefficients):  # clearly nonzero: no exact test
            return False
        return all(tidy_exact(k.xreplace(at)) == 0 for k in coefficients)
    return _leading_sign(coefficients, at, numeric) <= 0


def _exact_direction(problem: Problem, direction: np.ndarray) -> list[sp.Expr] | None:
    """``direction`` as rationals, projected exactly onto the null space of the equalities'
    Jacobian (which must be constant: affine equalities); None when it is not, or d vanishes."""
    d = sp.Matrix([sp.Rational(float(c)).limit_denominator(_DENOMINATOR) for c in direction])
    if problem.equalities:
        J = sp.Matrix([c.expr for c in problem.equalities]).jacobian(problem.variables)
        if J.free_symbols:
            return None
        d = d - J.pinv() * (J * d)
    if all(c == 0 for c in d):
        return None
    return [sp.nsimplify(c) for c in d]


def _exact_ray(problem: Problem, base: Sequence[sp.Expr], ray: Ray) -> tuple[list, list, Verdict] | None:
    """The numeric ``ray`` as an exact one, with sympy's verdict: ``"proved"`` (the limit of f is
    −∞, or its lower limit is, and every constraint holds for all large t, or all small t into
    a face), ``"numeric"`` (sympy decides neither way); None when sympy refutes it."""
    toward_zero = ray.approaches_base
    d = _exact_direction(problem, ray.direction)
    if d is None:
        return None
    if toward_zero:  # the face point: the base with the coordinates on the face set onto it
        start = [
            b if float(b) == p else sp.Rational(float(p)).limit_denominator(10**9)
            for b, p in zip(base, ray.base)
        ]
    else:
        start = list(base)
    along = {v: start[i] + d[i] * _T for i, v in enumerate(problem.variables)}
    objective = _objective_verdict(problem.minimize_objective.xreplace(along), toward_zero)
    if objective is False:
        return None
    constraints = [
        _holds_eventually(c, c.expr.xreplace(along), toward_zero) for c in _all_constraints(problem)
    ]
    if any(c is False for c in constraints):
        return None
    proved = objective is True and all(c is True for c in constraints)
    return start, d, "proved" if proved else "numeric"


def _limit(expr: sp.Expr, toward_zero: bool) -> sp.Expr | None:
    try:
        return sp.limit(expr, _T, 0, "+") if toward_zero else sp.limit(expr, _T, sp.oo)
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None


def _undefined_along(expr: sp.Expr, toward_zero: bool) -> bool:
    """True when ``expr`` is not a real number (NaN in floating point: log or sqrt of a negative
    number) at t = 10², 10⁴, 10⁸, or t = 10⁻², 10⁻⁴, 10⁻⁸ toward 0; overflow to ±inf is a value."""
    ts = np.array([1e-2, 1e-4, 1e-8] if toward_zero else [1e2, 1e4, 1e8])
    try:
        with np.errstate(all="ignore"):
            values = np.array([complex(sp.lambdify([_T], expr, modules="numpy")(t)) for t in ts])
    except (TypeError, ValueError, ArithmeticError, NameError):
        return False  # cannot evaluate it this way: the limits decide
    return bool(np.any(np.isnan(values.real) | (values.imag != 0)))


def _objective_verdict(f_t: sp.Expr, toward_zero: bool) -> bool | None:
    """True when f along the ray has limit −∞ (or lower limit −∞: an AccumBounds reaching −∞),
    False when it has a limit that is a real number or +∞, or is not real along the ray (sympy
    would read log(−t) as log t + iπ), None when sympy cannot tell."""
    if _undefined_along(f_t, toward_zero):
        return False
    value = _limit(f_t, toward_zero)
    if value is None:
        return None
    if isinstance(value, sp.AccumBounds):
        return True if value.min == -sp.oo else False if value.min.is_finite else None
    if value == -sp.oo:
        return True
    if value == sp.oo or (value.is_real and value.is_finite):
        return False
    return None


def _holds_eventually(c: Constraint, along: sp.Expr, toward_zero: bool) -> bool | None:
    """Whether constraint ``c`` holds for all large t (all small t > 0 when ``toward_zero``):
    exactly for polynomials in t (the sign of the leading, or lowest, coefficient), else by the
    sign of sympy's limit; None when that cannot be decided."""
    expr = sp.expand(along)
    if expr == 0:
        return True
    polynomial = expr.is_polynomial(_T)
    if c.kind == "eq":  # it must vanish identically in t
        if polynomial:
            return False
        return True if sp.simplify(expr) == 0 else None
    if polynomial:
        coefficients = [k for k in sp.Poly(expr, _T).all_coeffs() if k != 0]
        sign = sp.sign(coefficients[-1] if toward_zero else coefficients[0])
        return True if sign == -1 else False if sign == 1 else None
    if _undefined_along(expr, toward_zero):
        return False
    value = _limit(expr, toward_zero)
    if value is None or isinstance(value, sp.AccumBounds):
        return None
    if value == -sp.oo or value.is_negative:
        return True
    if value == sp.oo or value.is_positive:
        return False
    return None
