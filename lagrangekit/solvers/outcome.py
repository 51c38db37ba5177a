"""Turn a backend's Attempt into a Result: the KKT report, and the status when there is no optimum."""

from __future__ import annotations

import numpy as np

from ..kkt import check_kkt_at
from ..result import Result
from .attempt import Attempt
from .form import NumericForm
from .phase_one import phase_one
from .polish import onto_active

__all__ = ["finish", "unbounded_ray"]

_FEASIBLE = 1e-6  # phase-I violations above this mean "infeasible"


def unbounded_ray(
    form: NumericForm, x_far: np.ndarray, x_start: np.ndarray
) -> tuple[np.ndarray, list[tuple[float, float]]] | None:
    """A feasible ray from ``x_far`` along which f falls, or None.

    The direction is x_far − x_start normalized. It is accepted when, at steps
    t = 10^k·max(1, ‖x_far‖) for k = 0..6, every point is feasible (violation at most
    1e-6·(1 + t)) and f decreases strictly, by more than max(1, |f(x_far)|) overall.
    """
    d = np.asarray(x_far, float) - np.asarray(x_start, float)
    norm = float(np.linalg.norm(d))
    if not np.isfinite(norm) or norm == 0.0 or not np.all(np.isfinite(x_far)):
        return None
    d = d / norm
    base_f = form.f(x_far)
    scale = max(1.0, float(np.linalg.norm(x_far)))
    values, previous = [], base_f
    for k in range(7):
        t = 10.0**k * scale
        z = x_far + t * d
        fz = form.f(z)
        if form.violation(z) > 1e-6 * (1 + t) or not fz < previous:
            return None
        values.append((t, fz))
        previous = fz
    if not previous < base_f - max(1.0, abs(base_f)):
        return None
    return d, values


def _runaway_multipliers(form: NumericForm, x: np.ndarray, attempt: Attempt) -> bool:
    """Multipliers above 1e4·max(1, ‖∇f‖∞) at a feasible point: the backend chased a KKT point
    that does not exist (the constraint qualification fails there)."""
    m = attempt.multipliers
    largest = float(np.abs(np.concatenate([m.lam, m.mu])).max(initial=0.0))
    return largest > 1e4 * max(1.0, float(np.abs(form.grad(x)).max(initial=0.0)))


def _user_fun(form: NumericForm, x: np.ndarray) -> float:
    f = form.f(x)
    return -f if form.problem.is_maximize else f


def finish(form: NumericForm, attempt: Attempt, x0: np.ndarray, tol: float) -> Result:
    """Check KKT at the attempt's point and decide the status.

    ``success`` is True only when the KKT report is ok within ``tol``. Otherwise the
    status is ``"unbounded"`` (a feasible ray along which f falls), ``"infeasible"``
    (phase I cannot bring the violation below 1e-6), ``"no_kkt_point"`` (a feasible
    point that is not a KKT point, where LICQ fails or the backend's multipliers ran past
    1e4·max(1, ‖∇f‖∞); the point is first pulled exactly onto its active constraints by
    :func:`~lagrangekit.solvers.polish.onto_active`), ``"max_iter"`` (the
    backend did not converge) or ``"failed"``.
    """
    problem = form.problem
    x = np.asarray(attempt.x, dtype=float)
    if not np.all(np.isfinite(x)):
        x = np.asarray(x0, dtype=float)
    multipliers = form.to_dict(attempt.multipliers)
    message = attempt.message
    status = "optimal"
    if attempt.diverged:
        ray = unbounded_ray(form, x, x0)
        if ray is not None:
            direction, values = ray
            t, f_t = values[-1]
            pretty = ", ".join(f"{v:.6g}" for v in direction)
            return Result(
                x=x,
                fun=_user_fun(form, x),
                status="unbounded",
                success=False,
                method=attempt.method,
                point=dict(zip(problem.variables, map(float, x))),
                multipliers={},
                message=(
                    f"unbounded: along the direction d = ({pretty}) from x the problem stays feasible "
                    f"and the minimize-form objective falls without bound (f = {f_t:.6g} at step t = {t:.3g})"
                ),
                nit=attempt.nit,
                kkt=check_kkt_at(problem, x, (attempt.multipliers.lam, attempt.multipliers.mu), tol=tol),
            )
    report = check_kkt_at(problem, x, (attempt.multipliers.lam, attempt.multipliers.mu), tol=tol)
    if report.ok:
        message = f"{message}; KKT conditions hold within tol={tol:g}"
    elif form.violation(x) > max(tol, _FEASIBLE):
        p1 = phase_one(form, [x0, x])
        if p1.violation > _FEASIBLE:
            status = "infeasible"
            message = (
                f"infeasible: phase I found no point with constraint violation below {p1.violation:.6g} "
                f"(the smallest violation found, at x = {np.array2string(p1.x, precision=6)})"
            )
            x = p1.x
            multipliers = {}
            report = check_kkt_at(problem, x, None, tol=tol)
        else:
            status = "max_iter" if not attempt.converged else "failed"
            message = (
                f"{message}; the returned point violates the constraints by {form.violation(x):.3g}, "
                f"although phase I found a point with violation {p1.violation:.3g}"
            )
    elif report.licq is False or _runaway_multipliers(form, x, attempt):
        status = "no_kkt_point"
        x = onto_active(form, x)  # solvers stop short of degenerate constraints: land on them
        estimated = check_kkt_at(problem, x, None, tol=tol)
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
        message = f"{message}; KKT conditions fail within tol={tol:g}: {failed}"
    return Result(
        x=x,
        fun=_user_fun(form, x),
        status=status,
        success=status == "optimal",
        method=attempt.method,
        point=dict(zip(problem.variables, map(float, x))),
        multipliers=multipliers,
        message=message,
        nit=attempt.nit,
        kkt=report,
    )
