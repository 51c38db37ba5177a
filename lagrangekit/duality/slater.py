"""Slater's condition: a point strictly inside every inequality, or the refined condition.

Two levels are checked, and the report says which holds:

- **strict**: h(x) = 0 and every inequality *and bound* holds strictly, G(x) < 0. A point
  where any inequality is active is not strictly feasible.
- **refined** (Boyd & Vandenberghe §5.2.3): h(x) = 0, the affine inequalities and bounds hold
  (they may be active), the non-affine inequalities hold strictly. For a convex problem
  this is enough for strong duality and dual attainment; ``holds`` reports it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from scipy.optimize import minimize as _scipy_minimize

from .._lambdify import lambdify_vector
from ..blas_threads import single_blas_thread
from ..cvxpy_export import recognized_convex
from ..numeric_form import NumericForm
from ..phase_one import phase_one
from ..problem import Problem

__all__ = ["SlaterReport", "is_affine", "is_convex", "slater_point"]

_FEASIBLE = 1e-8
_STRICT = 1e-9


@dataclass(frozen=True)
class SlaterReport:
    """Whether Slater's condition holds, with a point that shows it.

    Attributes
    ----------
    holds : bool
        True when the refined Slater condition holds: h = 0, the affine inequalities and
        bounds hold (active allowed), every non-affine inequality holds strictly.
    x : numpy.ndarray or None
        That point, in variable order; None when none was found.
    point : Mapping or None
        The same point keyed by variable.
    margin : float
        The smallest slack −G_i(x) of the inequalities that had to hold strictly (of all
        inequalities and bounds when ``strict``); negative or zero when none was found.
    convex : bool or None
        Whether the problem was shown convex (cvxpy export succeeded); Slater's theorem
        implies strong duality only for convex problems.
    message : str
        The reason, in words, naming active inequalities.
    strict : bool
        True when the point satisfies every inequality and bound strictly (G(x) < 0).
    """

    holds: bool
    x: np.ndarray | None
    point: Mapping[Any, float] | None
    margin: float
    convex: bool | None
    message: str
    strict: bool = False

    def __bool__(self) -> bool:
        return self.holds


def is_affine(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    """Whether expr has a zero Hessian in ``variables``."""
    return all(sp.simplify(sp.diff(expr, a, b)) == 0 for i, a in enumerate(variables) for b in variables[i:])


def is_convex(problem: Problem) -> bool | None:
    """True when cvxpy accepts the problem as convex (DCP) without cutting its domain (as
    ``power(x, 3)`` would, by imposing x >= 0 on 4x³ + e^-x, which is not convex on the
    reals: :func:`lagrangekit.cvxpy_export.recognized_convex`), False otherwise, None for
    problems built from callables."""
    if not problem.is_symbolic:
        return None
    return recognized_convex(problem)


def _log_arguments(problem: Problem):
    """(a, ∇a): the arguments of every log in the problem, which its domain needs positive,
    as one vector function and its Jacobian; None when there is no log (or no sympy form)."""
    if not problem.is_symbolic:
        return None
    x = problem.variables
    exprs = [problem.objective] + [c.expr for c in problem.constraints]
    args = {a.args[0] for e in exprs for a in e.atoms(sp.log) if a.args[0].free_symbols & set(x)}
    if not args:
        return None
    ordered = sorted(args, key=sp.default_sort_key)
    values = lambdify_vector(x, ordered)
    jacobian = lambdify_vector(x, list(sp.Matrix(ordered).jacobian(x)))
    return (
        lambda z: np.asarray(values(z), dtype=float).reshape(-1),
        lambda z: np.asarray(jacobian(z), dtype=float).reshape(len(ordered), len(x)),
    )


def _largest_margin(form: NumericForm, starts: list[np.ndarray], logs) -> tuple[np.ndarray, float]:
    """Maximize τ <= 1 s.t. G(x) + τ <= 0, h(x) = 0, and every log argument >= τ (``logs``,
    the implicit domain) by SLSQP over (x, τ), bounds as rows of G. Returns the best
    (x, min slack of G) with |h| <= 1e-8 inside the domain (−inf when no start gave one)."""
    n = form.n
    best_x, best = starts[0], -np.inf
    constraints = [
        {
            "type": "ineq",
            "fun": lambda z: -form.G(z[:n]) - z[-1],
            "jac": lambda z: np.hstack([-form.G_jac(z[:n]).reshape(-1, n), -np.ones((form.m_in, 1))]),
        }
    ]
    if logs is not None:
        values, jacobian = logs
        constraints.append(
            {
                "type": "ineq",
                "fun": lambda z: values(z[:n]) - z[-1],
                "jac": lambda z: np.hstack([jacobian(z[:n]), -np.ones((values(z[:n]).size, 1))]),
            }
        )
    if form.m_eq:
        constraints.append(
            {
                "type": "eq",
                "fun": lambda z: form.h(z[:n]),
                "jac": lambda z: np.hstack([form.h_jac(z[:n]).reshape(-1, n), np.zeros((form.m_eq, 1))]),
            }
        )
    for start in starts:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                G0 = form.G(start)
                tau0 = float(-G0.max(initial=0.0)) - 1.0 if np.all(np.isfinite(G0)) else -1.0
                res = _scipy_minimize(
                    lambda z: -z[-1],
                    np.append(start, tau0),
                    jac=lambda z: np.append(np.zeros(n), -1.0),
                    method="SLSQP",
                    bounds=[(None, None)] * n + [(None, 1.0)],
                    constraints=constraints,
                    options={"maxiter": 300, "ftol": 1e-12},
                )
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                continue
            x = res.x[:n]
            if not np.all(np.isfinite(x)):
                continue
            G, h, f = form.G(x), form.h(x), form.f(x)
        if not (np.all(np.isfinite(G)) and np.all(np.isfinite(h)) and np.isfinite(f)):
            continue  # outside the domain of f, g or h (a log at 0): not a Slater point
        if logs is not None and np.any(logs[0](x) <= 0):
            continue
        if np.abs(h).max(initial=0.0) > _FEASIBLE:
            continue
        margin = float(-G.max()) if G.size else 1.0  # no inequality: feasibility is enough
        if margin > best:
            best_x, best = x, margin
    return best_x, best


def _starts(form: NumericForm, x0: Any) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    base = form.start(x0)
    return [base, form.clip(np.ones(form.n)), form.clip(base + rng.uniform(0.1, 0.5, form.n))]


def slater_point(problem: Problem, *, x0: Any = None) -> SlaterReport:
    """Look for a Slater point: first a strictly feasible one, then a refined one.

    The first search maximizes the smallest slack of every inequality and bound (capped at
    1), s.t. h(x) = 0; a positive optimum gives a strictly feasible point (``strict``).
    Otherwise the phase-I solve min s s.t. g_i(x) <= s (non-affine i), the affine g_i <= 0,
    h(x) = 0, bounds, checks the refined condition; the message names the inequalities that
    are active at the point found.

    Parameters
    ----------
    problem : Problem
    x0 : array-like, optional
        Start of the searches (by default :func:`lagrangekit.solve`'s: the first of zeros,
        ones, halves, the simplex centre and four seeded draws where the problem's functions
        are finite).

    Returns
    -------
    SlaterReport
    """
    form = NumericForm(problem)
    convex = is_convex(problem)
    variables = problem.variables
    with single_blas_thread():
        starts = _starts(form, x0)
        logs = _log_arguments(problem)
        x, margin = _largest_margin(form, starts, logs)
        strict = margin > _STRICT
        if strict:
            holds, note = True, "strictly feasible: every inequality and bound holds strictly"
        else:
            nonaffine = [i for i, c in enumerate(problem.inequalities) if not is_affine(c.expr, variables)]
            p1 = (
                phase_one(form, starts, strict=nonaffine, s_floor=-1.0)
                if nonaffine
                else phase_one(form, starts)
            )
            x = p1.x
            with np.errstate(all="ignore"):
                inside = np.isfinite(form.f(x)) and (logs is None or bool(np.all(logs[0](x) > 0)))
            holds = p1.violation <= _FEASIBLE and (not nonaffine or p1.s < -_STRICT) and inside
            margin = -float(p1.s) if nonaffine else -float(p1.violation)
            G = form.G(x)
            active = [name for name, value in zip(form.ineq_names, G) if value > -_STRICT]
            if holds:
                note = (
                    "feasible with every non-affine inequality strict (refined Slater condition); "
                    f"active affine inequalities or bounds: {', '.join(active) or 'none'}"
                )
            elif not inside and p1.violation <= _FEASIBLE:
                note = "the feasible point found is outside the domain of the objective (a log argument <= 0)"
            elif p1.violation > _FEASIBLE:
                note = f"no feasible point found (smallest violation {p1.violation:.3g})"
            else:
                names = ", ".join(problem.inequalities[i].name for i in nonaffine)
                note = (
                    f"no point makes the non-affine inequalities ({names}) strictly negative; "
                    f"the best margin found is {margin + 0.0:.3g}"
                )
    where = np.array2string(np.asarray(x), precision=6)
    message = (
        f"Slater's condition holds: x = {where} is {note}" if holds else f"Slater's condition fails: {note}"
    )
    if convex is False:
        message += (
            "; the problem is not convex as far as cvxpy's DCP rules show (they reject it, or "
            "accept it only on a smaller domain), so Slater's condition does not imply strong duality"
        )
    point = dict(zip(variables, map(float, x))) if holds else None
    return SlaterReport(
        holds=bool(holds),
        x=np.asarray(x, float) if holds else None,
        point=point,
        margin=float(margin),
        convex=convex,
        message=message,
        strict=bool(strict),
    )
