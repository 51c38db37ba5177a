"""The cvxpy backend: solve the exported problem with Clarabel and read its duals as our multipliers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cvxpy_export import imposed_domain, to_cvxpy
from ..kkt import check_kkt
from ..problem import Problem
from ..result import Result

__all__ = ["CLARABEL_OPTIONS", "solve_cvxpy", "solve_exported"]

# Tight interior-point tolerances so that cvxpy can referee answers to 1e-8.
CLARABEL_OPTIONS: dict[str, float] = {
    "tol_gap_abs": 1e-11,
    "tol_gap_rel": 1e-11,
    "tol_feas": 1e-11,
    "tol_ktratio": 1e-9,
}

_STATUS = {
    "optimal": "optimal",
    "optimal_inaccurate": "optimal",
    "infeasible": "infeasible",
    "infeasible_inaccurate": "infeasible",
    "unbounded": "unbounded",
    "unbounded_inaccurate": "unbounded",
}


def solve_exported(problem: Problem) -> tuple[str, np.ndarray | None, dict[str, float], Any]:
    """Export with :func:`~lagrangekit.cvxpy_export.to_cvxpy`, solve with Clarabel (falling back to cvxpy's
    default choice), and return (cvxpy status, x or None, multipliers by name, cvxpy problem).

    Multipliers are ``dual_value`` unchanged: for ``<=`` and ``==`` constraints cvxpy's sign
    is ours (see :mod:`lagrangekit.cvxpy_export`).
    """
    import cvxpy as cp

    prob, variables, constraints = to_cvxpy(problem)
    try:
        prob.solve(solver=cp.CLARABEL, **CLARABEL_OPTIONS)
    except (cp.error.SolverError, TypeError, ValueError):
        prob.solve()
    if prob.status not in ("optimal", "optimal_inaccurate"):
        return prob.status, None, {}, prob
    # a matrix-form problem's variables are its vectors (their entries stacked in order)
    vectors = getattr(problem, "matrix_variables", problem.variables)
    x = np.concatenate([np.ravel(variables[v].value) for v in vectors] or [np.zeros(0)]).astype(float)
    multipliers = {name: _dual(c.dual_value) for name, c in constraints.items()}
    return prob.status, x, multipliers, prob


def _dual(value: Any) -> Any:
    """A constraint's dual value: a float for one row, a read-only array for a vector constraint."""
    if value is None:
        return 0.0
    values = np.array(np.ravel(value), dtype=float)
    values.setflags(write=False)
    return float(values[0]) if values.size == 1 else values


def solve_cvxpy(problem: Problem, *, tol: float) -> Result:
    """``lk.solve(problem, method="cvxpy")``: the cvxpy answer as a Result with a KKT report."""
    prob, _, _ = to_cvxpy(problem)
    imposed = imposed_domain(problem, prob)
    if imposed:
        x = np.zeros(problem.n)
        return Result(
            x=x,
            fun=float("nan"),
            status="failed",
            success=False,
            method="cvxpy",
            point=dict(zip(problem.variables, x)),
            message=(
                f"not solved: cvxpy would restrict the problem to its atoms' domain "
                f"({', '.join(imposed)}), but the problem is also defined outside it, so cvxpy's answer "
                "would be for a different problem; add the restriction as a constraint or bound if it is "
                "meant, or use another method"
            ),
        )
    status, x, multipliers, prob = solve_exported(problem)
    mapped = _STATUS.get(status, "failed")
    if x is None:
        x = np.zeros(problem.n)
        message = f"cvxpy status {status!r}"
        if mapped == "infeasible":
            message = "infeasible: cvxpy (Clarabel) proved the problem infeasible"
        elif mapped == "unbounded":
            message = "unbounded: cvxpy (Clarabel) proved the objective unbounded below"
        return Result(
            x=x,
            fun=float("nan") if prob.value is None else float(prob.value),
            status=mapped,
            success=False,
            method="cvxpy",
            point=dict(zip(problem.variables, x)),
            message=message,
            kkt=check_kkt(problem, x, None, tol=tol),
        )
    report = check_kkt(problem, x, multipliers, tol=tol)
    return Result(
        x=x,
        fun=float(prob.value),
        status="optimal" if report.ok else "failed",
        success=report.ok,
        method="cvxpy",
        point=dict(zip(problem.variables, map(float, x))),
        multipliers=multipliers,
        message=f"cvxpy status {status!r}; KKT conditions {'hold' if report.ok else 'fail'} "
        f"within tol={tol:g}",
        kkt=report,
    )
