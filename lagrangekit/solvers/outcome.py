"""Turn a backend's Attempt into a Result: the KKT report, and the status when there is no optimum."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..kkt import check_kkt_at
from ..numeric_form import Multipliers, NumericForm
from ..phase_one import FEASIBLE
from ..result import Result
from .attempt import Attempt
from .descent import feasible_descent
from .polish import onto_active
from .rays import Ray, feasible_ray, keeps_falling
from .sampled_phase_one import find_feasible
from .scope import known_convex, optimum_scope

__all__ = ["finish", "not_optimal", "runaway_multipliers"]

_BETTER = 1e-6  # a known point must beat the answer by 1e-6·max(1, |f|) to unseat it


def runaway_multipliers(form: NumericForm, x: np.ndarray, m: Multipliers) -> bool:
    """Multipliers above 1e4·max(1, ‖∇f‖∞) at x: the backend chased a KKT point that does not
    exist, or multipliers that are not unique (the constraint qualification fails there)."""
    largest = float(np.abs(np.concatenate([m.lam, m.mu])).max(initial=0.0))
    return largest > 1e4 * form.first_order(x).objective_size  # kept: the polish asks there next


def inexact_by_multipliers(form: NumericForm, x: np.ndarray, m: Multipliers, tol: float) -> bool:
    """Runaway multipliers (:func:`runaway_multipliers`) whose products with the constraint
    residuals, Σ|λⱼhⱼ| + Σμᵢ|gᵢ|, exceed tol·max(1, |f|). To first order that is how far f may
    lie from the optimum of the constraints as written (min x + y s.t. x² + y² = 0 ends at
    x = y = −4.7e-5 with λ = 1.1e4 and f off by 9.4e-5): the point is a KKT point of perturbed
    constraints only, and the constraint qualification fails at the optimum."""
    if not runaway_multipliers(form, x, m):
        return False
    point = form.first_order(x)
    slack = float(np.abs(m.lam) @ np.abs(point.h) + np.abs(m.mu) @ np.abs(point.g))
    return slack > tol * max(1.0, abs(form.f(x)))


def _ill_determined(form: NumericForm, x: np.ndarray, m: Multipliers) -> str:
    """The note for runaway multipliers at an accepted point (min x s.t. x² <= 0 ends at
    x = −1.2e-12 with μ = 4e11, where the optimum x = 0 has no multiplier at all)."""
    largest = float(np.abs(np.concatenate([m.lam, m.mu])).max(initial=0.0))
    return (
        f"; but the multipliers are ill-determined: the largest is {largest:.3g} against "
        f"max(1, ‖∇f‖∞) = {form.first_order(x).objective_size:.3g}, so the active constraints' gradients "
        "nearly vanish or are nearly dependent here, and at an optimum where the constraint "
        "qualification fails no multipliers need exist"
    )


def _point(v: np.ndarray) -> str:
    return "(" + ", ".join(f"{float(c):.6g}" for c in v) + ")"


def _unbounded(form: NumericForm, ray: Ray, attempt: Attempt, tol: float) -> Result:
    """The unbounded Result at the farthest point of the ray (its message names the ray)."""
    problem = form.problem
    x = ray.base + ray.steps[-1] * ray.direction
    return Result(
        x=x,
        fun=form.user_fun(x),
        status="unbounded",
        success=False,
        method=attempt.method,
        point=dict(zip(problem.variables, map(float, x))),
        message=ray.message(problem.is_maximize),
        nit=attempt.nit,
        kkt=check_kkt_at(form, x, None, tol=tol),
    )


def _ray(form: NumericForm, attempt: Attempt, x: np.ndarray, x0: np.ndarray, tol: float) -> Ray | None:
    """A feasible ray from the answer when it is feasible; for diverged iterates also from x0
    along the way they went, from where they ended when that is feasible relative to its size,
    or from where they ended pulled back into the box (``maximize z·b`` with 0 <= z <= 5 runs
    off in z and b; the ray is b → ∞ at z = 5)."""
    ray = None
    if form.violation(x) <= max(tol, FEASIBLE):
        ray = feasible_ray(form, x, toward=x - x0 if attempt.diverged else None)
    if ray is None and attempt.diverged:
        if form.violation(x0) <= max(tol, FEASIBLE):
            ray = feasible_ray(form, x0, toward=x - x0)
        if ray is None and form.violation(x) <= FEASIBLE * max(1.0, float(np.abs(x).max(initial=0.0))):
            ray = feasible_ray(form, x, toward=x - x0)
        lo, hi = form.box  # bounds and one-variable affine inequalities
        clipped = np.clip(x, lo, hi)  # iterates that ran out of the box: from its nearest point
        if ray is None and form.violation(clipped) <= max(tol, FEASIBLE):
            ray = feasible_ray(form, clipped, toward=clipped - np.clip(x0, lo, hi))
    return ray


def _feasible_only_by_scale(form: NumericForm, x: np.ndarray, tol: float) -> str | None:
    """Why ``x`` is not near the feasible set although its scaled primal residual is small, or None.

    The scaled residual divides each violation by the size of its constraint's gradient: to
    first order, the distance to the constraint's zero set. That estimate is checked here for
    every constraint violated by more than ``tol``: one Newton step toward its zero set must
    remove at least 90% of the violation (a step below rounding of x passes). It fails at a
    pole: ``1/x <= 4`` at x = 1e-29 is violated by 1e29 with a gradient of 1e58, and the step
    halves the violation at best."""
    point = form.first_order(x)
    if not ((np.abs(point.h) > tol).any() or (point.g > tol).any()):
        return None  # no constraint is violated by more than tol: nothing to check
    values = np.concatenate([point.h, point.g])
    violation = np.concatenate([np.abs(point.h), np.maximum(point.g, 0.0)])
    rows = np.concatenate([point.jh, point.jg])
    names = form.eq_names + form.ineq_names
    for i in np.flatnonzero(violation > tol):
        a = rows[i]
        size = float(a.dot(a))
        if not (np.isfinite(size) and size > 0.0):
            continue  # no gradient to scale by: the scaled residual is the violation itself
        step = values[i] / size * a
        if np.all(np.abs(step) <= 4 * np.finfo(float).eps * np.abs(x)):
            continue  # the zero set is closer than x can move
        with np.errstate(all="ignore"):
            try:
                after = float(np.concatenate([form.h(x - step), form.G(x - step)])[i])
            except (ArithmeticError, TypeError, ValueError):
                after = np.nan
        left = abs(after) if i < form.m_eq else max(after, 0.0)
        if not left <= 0.1 * violation[i]:
            return (
                f"constraint {names[i]!r} is violated by {violation[i]:.3g} at x = {_point(x)}; divided by "
                f"its gradient's size ({np.sqrt(size):.3g}) that is within tol, but one Newton step toward "
                f"its zero set leaves a violation of {left:.3g}: the linear model does not hold there, so "
                "x is not near the feasible set"
            )
    return None


def is_better(form: NumericForm, point: np.ndarray | None, x: np.ndarray) -> bool:
    """Whether ``point`` is no more violated than ``x`` (or than 1e-12) and has a
    minimize-form objective below that at ``x`` by more than 1e-6·max(1, |f(x)|): then ``x``
    is not the optimum, whatever its KKT report says."""
    if point is None or not np.isfinite(point).all():
        return False
    f_x = form.f(x)
    feasible = form.violation(point) <= max(form.violation(x), 1e-12)
    return bool(feasible and form.f(point) < f_x - _BETTER * max(1.0, abs(f_x)))


def _beaten(form: NumericForm, better: np.ndarray, fun: float, message: str) -> str:
    return (
        f"not the optimum: the feasible point x = {_point(better)} has f = {form.user_fun(better):.10g}, "
        f"better than f = {fun:.10g} at this KKT point; {message}"
    )


def _not_attained(form: NumericForm, fall: Ray, message: str) -> str:
    sign = -1.0 if form.problem.is_maximize else 1.0  # values are of the scaled minimize form
    first, last = form.user_fun(fall.base), sign * fall.values[-1] / form.objective_scale
    return (
        f"not a {'maximizer' if form.problem.is_maximize else 'minimizer'}: the KKT residuals are small, "
        f"but from x = {_point(fall.base)} along d = {_point(fall.direction)} the objective keeps "
        f"improving out to t = {fall.steps[-1]:.3g} (from {first:.10g} to {last:.10g}), so its "
        f"{'supremum' if form.problem.is_maximize else 'infimum'} is approached but not attained "
        f"here; {message}"
    )


def not_optimal(result: Result, form: NumericForm, better: np.ndarray) -> Result:
    """``result`` demoted from optimal to failed: a feasible ``better`` point with a lower
    objective is known."""
    message = _beaten(form, better, float(result.fun), result.message)
    return dataclasses.replace(result, status="failed", success=False, scope=None, message=message)


def finish(form: NumericForm, attempt: Attempt, x0: np.ndarray, tol: float) -> Result:
    """Check KKT at the attempt's point and decide the status.

    ``"unbounded"`` comes first: when the point is feasible and :func:`feasible_ray` finds a
    feasible ray from it along which f falls without levelling off (for diverged iterates,
    the direction they took is tried too), whatever the KKT report says, unless that report
    and :func:`optimum_scope` prove the point a global optimum. Then ``success`` is
    True only when the KKT report, second order included (a convex problem needs none), is ok
    within ``tol`` (relative to
    the objective's scale, see :class:`NumericForm`) and no better feasible point is known.
    Otherwise the status is ``"failed"`` for a KKT point that fails the second-order
    necessary condition (a saddle or a maximum) or is beaten by a known point,
    ``"infeasible"`` (phase I, from several starts, cannot bring the violation below 1e-6:
    local evidence, which the message says), ``"no_kkt_point"`` (a feasible point that is
    not a KKT point, where LICQ fails or the backend's multipliers ran past 1e4·max(1, ‖∇f‖∞),
    and from which no feasible descent is found; the point is first pulled exactly onto its
    active constraints by :func:`~lagrangekit.solvers.polish.onto_active`), ``"max_iter"``
    (the backend did not converge) or ``"failed"``.
    """
    problem = form.problem
    x = np.asarray(attempt.x, dtype=float)
    if not np.isfinite(x).all():
        x = np.asarray(x0, dtype=float)
    multipliers = form.to_dict(attempt.multipliers)
    c = form.objective_scale  # the report is on f itself, so are its multipliers
    own = (attempt.multipliers.lam / c, attempt.multipliers.mu / c)
    report = check_kkt_at(form, x, own, tol=tol, second_order=not known_convex(form))
    far = _feasible_only_by_scale(form, x, tol) if report.first_order_ok else None
    trusted = far is None  # the report's primal residual means what it says
    scope = optimum_scope(form, x) if report.ok and trusted else None
    if scope != "global":  # a proven global optimum is proof of boundedness
        ray = _ray(form, attempt, x, np.asarray(x0, dtype=float), tol)
        if ray is not None:
            return _unbounded(form, ray, attempt, tol)
    message = attempt.message
    status = "optimal"
    # a KKT point of perturbed constraints only goes to the LICQ branch below, like a cusp
    degenerate = trusted and report.first_order_ok
    degenerate = degenerate and inexact_by_multipliers(form, x, attempt.multipliers, tol)
    kkt_ok = trusted and report.ok and not degenerate
    if kkt_ok and form.objective_scale != 1.0 and form.kkt_error(x, attempt.multipliers) > tol:
        status = "max_iter" if not attempt.converged else "failed"
        message = (
            f"{message}; the KKT residuals are within tol={tol:g} only in absolute terms: relative to the "
            f"objective's scale (f is multiplied by {form.objective_scale:.3g} to solve it) they are not"
        )
    elif kkt_ok:
        message = f"{message}; KKT conditions hold within tol={tol:g}"
        if runaway_multipliers(form, x, attempt.multipliers):
            message += _ill_determined(form, x, attempt.multipliers)
        fall = keeps_falling(form, x)  # a convex f too: exp(-x) has tiny gradients and no minimizer
        if is_better(form, attempt.better_point, x):
            status = "failed"
            message = _beaten(form, attempt.better_point, form.user_fun(x), message)
        elif fall is not None:
            status = "failed"
            message = _not_attained(form, fall, message)
    elif trusted and report.first_order_ok and not degenerate:
        status = "failed"
        message = (
            f"{message}; a KKT point, but not a "
            f"{'maximizer' if problem.is_maximize else 'minimizer'}: the second-order necessary condition "
            "fails (∇²L has negative curvature on the critical cone), so it is a saddle point or a "
            f"{'minimum' if problem.is_maximize else 'maximum'}"
        )
    elif form.violation(x) > max(tol, FEASIBLE):
        p1, starts = find_feasible(form, [x0, x])
        if p1.violation > FEASIBLE:
            status = "infeasible"
            message = (
                f"infeasible (locally): phase I from {starts} starts found no point with constraint "
                f"violation below {p1.violation:.6g} (the smallest, at x = {_point(p1.x)}); "
                "phase I is a local search, so this is evidence, not a proof, that no feasible point exists"
                + ("" if trusted else f"; the backend's answer was not feasible either: {far}")
            )
            x = p1.x
            multipliers = {}
            report = check_kkt_at(form, x, None, tol=tol)
        else:
            status = "max_iter" if not attempt.converged else "failed"
            message = (
                f"{message}; the returned point violates the constraints by {form.violation(x):.3g}, "
                f"although phase I found a point with violation {p1.violation:.3g} at x = {_point(p1.x)}"
            )
    elif report.licq is False or runaway_multipliers(form, x, attempt.multipliers):
        x_on = onto_active(form, x)  # solvers stop short of degenerate constraints: land on them
        lower = feasible_descent(form, x_on)
        if lower is not None:
            status = "max_iter" if not attempt.converged else "failed"
            message = (
                f"{message}; a feasible point that is not a KKT point (LICQ fails there), and not a "
                f"minimizer either: f is lower at the feasible point x = {_point(lower)} next to it "
                f"(f = {form.user_fun(lower):.10g})"
            )
        else:
            status = "no_kkt_point"
            x = x_on
            estimated = check_kkt_at(form, x, None, tol=tol)
            message = (
                f"no_kkt_point: the point is feasible but the active constraint gradients are linearly "
                f"dependent (LICQ fails) and no multipliers satisfy stationarity (residual "
                f"{estimated.stationarity:.3g}); a minimizer without KKT multipliers, like the cusp"
            )
            report = estimated
            multipliers = {}
    else:
        status = "max_iter" if not attempt.converged else "failed"
        failed = ", ".join(report.failed_conditions()) or "second order"
        message = f"{message}; KKT conditions fail within tol={tol:g}: {failed if trusted else far}"
    return Result(
        x=x,
        fun=form.user_fun(x),
        status=status,
        success=status == "optimal",
        method=attempt.method,
        point=dict(zip(problem.variables, map(float, x))),
        multipliers=multipliers,
        message=message,
        nit=attempt.nit,
        kkt=report,
        scope=scope if status == "optimal" else None,
    )
