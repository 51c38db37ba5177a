"""The sparse numeric view of a problem: f, h = 0, g <= 0 with CSR derivatives, and bounds apart.

:class:`~lagrangekit.numeric_form.NumericForm` is dense and writes bounds as rows; at n = 10⁴ that
is a 10⁴ × 10⁴ array. This view keeps the bounds as the vectors ``lower`` and ``upper`` and every
derivative as a scipy.sparse matrix: a :class:`~lagrangekit.function_problem.FunctionProblem`
hands over its callables' sparse Jacobians and ``hess`` as they are; any other problem's dense
compiled derivatives are converted (fine for small n, and for testing against the dense route).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sps

from .function_problem import FunctionProblem
from .problem import BaseProblem, CompiledProblem

__all__ = ["SPARSE_MIN_VARIABLES", "SparseForm", "is_large_sparse"]

SPARSE_MIN_VARIABLES = 500  # smaller problems stay on the dense route, sparse or not


@dataclass(frozen=True, eq=False)
class SparseForm:
    """minimize f(x) (the minimize form: −f for a maximize problem) s.t. h(x) = 0, g(x) <= 0,
    lower <= x <= upper, with sparse derivatives.

    Multipliers follow the library (L = f + λᵀh + μᵀg, μ >= 0); a bound's multiplier is that
    of its row ``lower:x`` (lo − x <= 0) or ``upper:x`` (x − hi <= 0), so it is >= 0 too.
    """

    problem: BaseProblem

    @cached_property  # n, lower and upper (−inf/inf where absent) are read from here
    def cp(self) -> CompiledProblem:
        return self.problem.compile()

    @property
    def eq_names(self) -> tuple[str, ...]:
        return self.cp.eq_names

    @property
    def ineq_names(self) -> tuple[str, ...]:
        """The general inequalities (bounds are not rows here)."""
        return self.cp.ineq_names

    @property
    def m_eq(self) -> int:
        return len(self.cp.eq_names)

    @property
    def m_in(self) -> int:
        return len(self.cp.ineq_names)

    @property
    def has_hessian(self) -> bool:
        """Whether the Lagrangian Hessian is exact and cheap: symbolic, or a user's ``hess``."""
        return not isinstance(self.problem, FunctionProblem) or self.problem.hessian is not None

    def f(self, x: np.ndarray) -> float:
        return float(self.cp.fun(x))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.cp.grad(x), dtype=float).reshape(self.cp.n)

    def h(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.cp.eq(x), dtype=float).reshape(self.m_eq)

    def g(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.cp.ineq(x), dtype=float).reshape(self.m_in)

    def jacobians(self, x: np.ndarray) -> tuple[sps.csr_matrix, sps.csr_matrix]:
        """(J_h (m_eq, n), J_g (m_in, n)) at ``x``, as CSR."""
        if isinstance(self.problem, FunctionProblem):
            return self.problem.sparse_jacobians(x)
        Jh = np.asarray(self.cp.eq_jac(x), dtype=float).reshape(self.m_eq, self.cp.n)
        Jg = np.asarray(self.cp.ineq_jac(x), dtype=float).reshape(self.m_in, self.cp.n)
        return sps.csr_matrix(Jh), sps.csr_matrix(Jg)

    def lagrangian_hessian(self, x: np.ndarray, lam: np.ndarray, mu: np.ndarray) -> sps.csr_matrix:
        """∇²f + Σ λ_j ∇²h_j + Σ μ_i ∇²g_i at ``x`` (bounds are linear), as CSR: the user's
        ``hess`` when given, else the dense compiled one (central differences for callables)."""
        if isinstance(self.problem, FunctionProblem) and self.problem.hessian is not None:
            return sps.csr_matrix(self.problem.hessian(x, 1.0, np.concatenate([lam, mu])))
        return sps.csr_matrix(np.asarray(self.cp.lagrangian_hessian(x, lam, mu), dtype=float))

    def user_fun(self, x: np.ndarray) -> float:
        """f at ``x`` in the user's sense (f, not −f, for maximize)."""
        f = self.f(x)
        return -f if self.problem.is_maximize else f

    def multiplier_dict(
        self, lam: np.ndarray, mu: np.ndarray, z_lower: np.ndarray, z_upper: np.ndarray
    ) -> dict[str, float]:
        """Every multiplier by name, bounds as ``lower:x``/``upper:x`` (from the per-variable
        ``z_lower``/``z_upper``), in the order of the problem's names."""
        out = dict(zip(self.eq_names, map(float, lam)))
        out.update(zip(self.ineq_names, map(float, mu)))
        for name, (i, sign, _) in zip(self.problem.bound_names, self.problem.bound_rows):
            out[name] = float(z_lower[i] if sign < 0 else z_upper[i])
        return out


def is_large_sparse(problem: BaseProblem) -> bool:
    """Whether ``problem`` is read sparsely (by ``method="auto"``, which sends it to the sparse
    interior-point method, and by :func:`lagrangekit.check_kkt`): a
    :class:`~lagrangekit.FunctionProblem` of at least :data:`SPARSE_MIN_VARIABLES` variables
    with ``hess``, whose ``hess`` or constraint Jacobians come back as scipy.sparse matrices at
    the default start (zeros projected onto the bounds). A smaller problem, or one undefined
    there, stays on the dense route (which also explores, restarts and detects unboundedness)."""
    if (
        not isinstance(problem, FunctionProblem)
        or problem.hessian is None
        or problem.n < SPARSE_MIN_VARIABLES
    ):
        return False
    cp = problem.compile()
    x = np.clip(np.zeros(problem.n), cp.lower, cp.upper)
    user = problem.hessian
    try:
        with np.errstate(all="ignore"):
            outputs = [user.fun(x, 1.0, np.zeros(user.m))]
            outputs += [b.block.jac(x) for b in problem.equalities + problem.inequalities if _has_jac(b)]
    except Exception:  # noqa: BLE001  (a callable undefined at that point says nothing about sparsity)
        return False
    return any(sps.issparse(out) for out in outputs)


def _has_jac(block: Any) -> bool:
    return getattr(getattr(block, "block", None), "jac", None) is not None
