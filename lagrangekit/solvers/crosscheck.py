"""crosscheck(): solve with lk.solve and with cvxpy, and report every difference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ..cvxpy_export import imposed_domain, to_cvxpy
from ..errors import NotConvexError
from ..problem import Problem
from ..result import Result
from .cvxpy_backend import solve_exported
from .dispatch import solve

__all__ = ["CrossCheck", "crosscheck"]


@dataclass(frozen=True)
class CrossCheck:
    """Differences between ``lk.solve`` and cvxpy on one convex problem.

    cvxpy's ``dual_value`` signs already match ours (μ >= 0 for ``<=``, λ for ``==`` with
    L = f + Σ μ g + Σ λ h, for the minimize form), so multipliers are compared directly.

    Attributes
    ----------
    x : float
        ‖x_lk − x_cvxpy‖∞.
    fun : float
        |f_lk − f_cvxpy| (user's sense).
    multipliers : Mapping[str, float]
        |multiplier_lk − multiplier_cvxpy| for every constraint and bound.
    result : Result
        The lagrangekit answer.
    cvxpy_x : numpy.ndarray
        cvxpy's solution.
    cvxpy_fun : float
        cvxpy's optimal value.
    cvxpy_multipliers : Mapping[str, float]
        cvxpy's duals by constraint name.
    """

    x: float
    fun: float
    multipliers: Mapping[str, float]
    result: Result
    cvxpy_x: np.ndarray
    cvxpy_fun: float
    cvxpy_multipliers: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "multipliers", MappingProxyType(dict(self.multipliers)))
        object.__setattr__(self, "cvxpy_multipliers", MappingProxyType(dict(self.cvxpy_multipliers)))

    @property
    def max_difference(self) -> float:
        """The largest of the x, f and multiplier differences."""
        return max([self.x, self.fun, *self.multipliers.values()])

    def __str__(self) -> str:
        lines = [
            f"CrossCheck lagrangekit ({self.result.method}) vs cvxpy: "
            f"max difference {self.max_difference:.3g}",
            f"  x  {self.x:.3g}",
            f"  f  {self.fun:.3g}",
        ]
        lines += [f"  {name}  {diff:.3g}" for name, diff in self.multipliers.items()]
        return "\n".join(lines)


def crosscheck(problem: Problem, *, method: str = "auto", tol: float = 1e-8) -> CrossCheck:
    """Solve ``problem`` with :func:`lagrangekit.solve` and with cvxpy; return the differences.

    Parameters
    ----------
    problem : Problem
        A problem :func:`lagrangekit.to_cvxpy` can export (convex).
    method : str, default "auto"
        The lagrangekit method to compare.
    tol : float, default 1e-8
        Passed to :func:`lagrangekit.solve`.

    Raises
    ------
    NotConvexError
        If the problem cannot be exported to cvxpy, or cvxpy would solve it only on its atoms'
        domain (``1/x`` as ``inv_pos``, x >= 0) where the problem is also defined outside it.
    ValueError
        If cvxpy does not find an optimum (its status is in the message).
    """
    imposed = imposed_domain(problem, to_cvxpy(problem)[0])
    if imposed:
        raise NotConvexError(
            f"cvxpy would solve this problem only on its atoms' domain ({', '.join(imposed)}), but the "
            "problem is also defined outside it, so there is no cvxpy answer to compare with; add the "
            "restriction as a constraint or bound if it is meant"
        )
    status, x_cvx, mult_cvx, prob = solve_exported(problem)
    if x_cvx is None:
        raise ValueError(f"cvxpy found no optimum to compare with: status {status!r}")
    result = solve(problem, method=method, tol=tol)
    names = sorted(set(mult_cvx) | set(result.multipliers))
    diffs = {  # the largest entry-wise difference (vector constraints of a matrix-form problem)
        name: float(np.abs(np.subtract(result.multipliers.get(name, 0.0), mult_cvx.get(name, 0.0))).max())
        for name in names
    }
    return CrossCheck(
        x=float(np.abs(result.x - x_cvx).max(initial=0.0)),
        fun=abs(float(result.fun) - float(prob.value)),
        multipliers=diffs,
        result=result,
        cvxpy_x=x_cvx,
        cvxpy_fun=float(prob.value),
        cvxpy_multipliers=mult_cvx,
    )
