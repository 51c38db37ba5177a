"""Pieces shared by the run loops: the stationarity report and the honest finish."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..errors import ConvergenceWarning
from ..result import KKTReport, Result


def check_loop_options(max_iter: int, tol: float) -> tuple[int, float]:
    """Validate ``max_iter`` (an int >= 0) and ``tol`` (a number >= 0)."""
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 0:
        raise ValueError(f"max_iter must be an integer >= 0, got {max_iter!r}")
    tol = float(tol)
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    return int(max_iter), tol


def finish(
    *,
    x: np.ndarray,
    fun: float,
    converged: bool,
    diverged: bool,
    measure: float,
    measure_name: str,
    tol: float,
    nit: int,
    method: str,
    history: dict[str, Any],
    stopped_by_callback: bool = False,
) -> Result:
    """Build the Result of a run loop, warning ``ConvergenceWarning`` unless it converged."""
    if converged:
        status, message = "optimal", f"{measure_name} {measure:.3g} <= tol {tol:g} after {nit} iterations"
    elif diverged:
        status = "failed"
        message = (
            f"diverged after {nit} iterations (objective or gradient became non-finite); "
            "returning the last finite iterate; try a smaller step size"
        )
    elif stopped_by_callback:
        status = "failed"
        message = (
            f"stopped by the callback after {nit} iterations ({measure_name} {measure:.3g} > tol {tol:g})"
        )
    else:
        status = "max_iter"
        message = (
            f"did not converge in {nit} iterations: {measure_name} {measure:.3g} > tol {tol:g}; "
            "increase max_iter or tune the step size"
        )
    if not converged:
        warnings.warn(f"{method}: {message}", ConvergenceWarning, stacklevel=3)
    kkt = KKTReport(
        stationarity=measure if np.isfinite(measure) else np.inf,
        primal_feasibility=0.0,
        dual_feasibility=0.0,
        complementary_slackness=0.0,
        tol=max(tol, np.finfo(float).tiny),
        message=f"stationarity measured as the {measure_name}",
    )
    return Result(
        x=x,
        fun=float(fun),
        status=status,
        success=converged,
        method=method,
        message=message,
        nit=nit,
        kkt=kkt,
        history={k: np.asarray(v) for k, v in history.items()},
    )
