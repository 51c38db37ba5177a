"""``fit_cvxpy``: solve an estimator's own objective with cvxpy (Clarabel), as the independent referee."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import LagrangekitError

__all__ = ["CvxpyFit", "fit_cvxpy"]

_CLARABEL_OPTIONS = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12, "max_iter": 500}


@dataclass(frozen=True)
class CvxpyFit:
    """What cvxpy found for an estimator's objective.

    Attributes
    ----------
    coef : ndarray
        Shaped like the estimator's ``coef_``.
    intercept : float, ndarray or None
        Shaped like ``intercept_``; None when the estimator fits no intercept.
    multiplier : float or None
        For a constrained form, cvxpy's dual value of the norm constraint, which is the
        estimator's ``multiplier_`` and the α of the penalized twin; None for penalized forms.
    objective : float
        Optimal objective value, in the estimator's own scaling.
    status : str
        cvxpy's status (``"optimal"`` or ``"optimal_inaccurate"``).
    """

    coef: np.ndarray
    intercept: float | np.ndarray | None
    multiplier: float | None
    objective: float
    status: str


def _value(variable: Any) -> Any:
    value = np.asarray(variable.value, dtype=float)
    return float(value) if value.ndim == 0 else value


def fit_cvxpy(
    estimator: Any, X: Any, y: Any, sample_weight: Any = None, *, solver: str = "CLARABEL"
) -> CvxpyFit:
    """Solve the estimator's objective (or constrained problem) with cvxpy.

    Protocol: the estimator implements ``_cvxpy_problem(X, y, sample_weight)`` returning
    ``(problem, coef, intercept, constraint)``:

    - ``problem``: a ``cvxpy.Problem`` whose objective is the estimator's objective
      exactly as its docstring states it (same scaling, same ``alpha``), built from the
      estimator's hyperparameters (for a CV estimator, its fitted ``alpha_``);
    - ``coef``: the ``cvxpy.Variable`` whose value has the shape of ``coef_``;
    - ``intercept``: the intercept variable shaped like ``intercept_``, or None;
    - ``constraint``: for a constrained form, the norm constraint written as
      ``norm_expression <= bound`` in the same scaling as the penalized twin's datafit,
      so that its ``dual_value`` (cvxpy's sign: L = f + μ·(g − bound), μ >= 0) *is* the
      penalized α; None for penalized forms.

    ``_cvxpy_problem`` validates X and y itself and must not modify the estimator or
    the data. Ridge, RidgeCV and ConstrainedRidge implement it here; other estimators
    (Lasso, ElasticNet, logistic regression) plug in by implementing the same method.

    Parameters
    ----------
    estimator : estimator with ``_cvxpy_problem``
    X, y, sample_weight : the data, as for ``estimator.fit``
    solver : str, default "CLARABEL"
        Clarabel runs with gap and feasibility tolerances of 1e-12; it may then end as
        ``"optimal_inaccurate"`` (typically still ~1e-8 relative on Ridge-type problems).

    Returns
    -------
    CvxpyFit

    Raises
    ------
    TypeError
        If the estimator does not implement the protocol.
    LagrangekitError
        If cvxpy does not report an optimal solution.
    """
    build = getattr(estimator, "_cvxpy_problem", None)
    if build is None:
        raise TypeError(
            f"{type(estimator).__name__} does not implement _cvxpy_problem(X, y, sample_weight), "
            "so fit_cvxpy cannot build its objective"
        )
    problem, coef, intercept, constraint = build(X, y, sample_weight)
    import cvxpy as cp

    options = _CLARABEL_OPTIONS if solver.upper() == "CLARABEL" else {}
    with warnings.catch_warnings():
        # tight tolerances often end as "optimal_inaccurate"; the status field says so
        warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
        try:
            problem.solve(solver=solver, **options)
        except cp.error.SolverError:
            problem.solve(solver=solver)
    if problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise LagrangekitError(
            f"cvxpy ({solver}) did not solve {type(estimator).__name__}'s problem: {problem.status}"
        )
    multiplier = None if constraint is None else float(np.asarray(constraint.dual_value).reshape(-1)[0])
    return CvxpyFit(
        coef=np.asarray(coef.value, dtype=float),
        intercept=None if intercept is None else _value(intercept),
        multiplier=multiplier,
        objective=float(problem.value),
        status=str(problem.status),
    )
