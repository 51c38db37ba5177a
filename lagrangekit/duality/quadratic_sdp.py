"""The dual of a quadratically constrained quadratic program, solved as a semidefinite program.

When the objective and every constraint are polynomials of degree <= 2, the Lagrangian is

    L(x, ν) = ½ xᵀQ(ν)x + q(ν)ᵀx + c(ν),  with Q, q, c affine in ν = (λ, μ),

and inf_x L = c − ½ qᵀQ⁺q when Q(ν) ⪰ 0 and q(ν) lies in its range, −inf otherwise. By the
Schur complement, g(ν) >= t exactly when

    M(ν, t) = [[Q(ν), q(ν)], [q(ν)ᵀ, 2(c(ν) − t)]] ⪰ 0,

so the dual is the SDP  maximize t  s.t.  M(ν, t) ⪰ 0, μ >= 0  (Boyd & Vandenberghe §5.2.4 and
§5.7: the two-way partitioning bound). Its domain, an LMI, is where a numerical ascent on g
cannot go: g is −inf a hair outside it, and its optimum is usually on the boundary (Q(ν*)
singular). Convex QCQPs with positive semidefinite constraint curvatures have the closed form
of :mod:`.structure`; this covers the rest (indefinite objectives, equalities x² = 1).

The SDP is solved by cvxpy (Clarabel). The answer is checked here, not trusted: (ν*, t*) must
satisfy the LMI to rounding (so g(ν*) >= t*, a valid lower bound), and the conic dual Z ⪰ 0 of
the LMI, scaled to Z_ll = ½, gives the upper bound ⟨Z, M(0, 0)⟩ on g* when ⟨Z, M_k⟩ = 0 for
the λ and <= 0 for the μ (the SDP's own weak duality). ``optimal`` needs both to meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..problem import Constraint, Problem
from ..quadratic_structure import QuadraticRows, quadratic_coefficients
from ..solvers.cvxpy_backend import CLARABEL_OPTIONS

__all__ = ["QuadraticLagrangian", "SdpDual", "quadratic_lagrangian", "solve_sdp_dual"]

_FEASIBILITY = 1e-9  # LMI and conic-dual residuals, relative to the data's size
_GAP = 1e-8  # the two bounds on g* must meet to this, relative to max(1, |g*|)
_UNBOUNDED_CAP = 1e8  # an unbounded SDP is re-solved with t capped at this times the data's size
_OPTIMAL = ("optimal", "optimal_inaccurate")


@dataclass(frozen=True, eq=False)
class QuadraticLagrangian:
    """L(x, ν) = ½ xᵀQ(ν)x + q(ν)ᵀx + c(ν) with Q(ν) = Q[0] + Σ ν_k Q[k + 1] (so for q, c).

    Index 0 is the objective (minimize form); index k + 1 the k-th constraint expression.
    """

    Q: np.ndarray  # (m + 1, n, n)
    q: np.ndarray  # (m + 1, n)
    c: np.ndarray  # (m + 1,)

    def blocks(self) -> np.ndarray:
        """(m + 1, n + 1, n + 1): M_k = [[Q_k, q_k], [q_kᵀ, 2 c_k]], so that
        M(ν, t) = M_0 + Σ ν_k M_k − 2t e eᵀ."""
        m1, n = self.q.shape
        M = np.zeros((m1, n + 1, n + 1))
        M[:, :n, :n] = self.Q
        M[:, :n, n] = self.q
        M[:, n, :n] = self.q
        M[:, n, n] = 2.0 * self.c
        return M


@dataclass(frozen=True)
class SdpDual:
    """The SDP dual's answer, checked.

    Attributes
    ----------
    nu : numpy.ndarray
        The multipliers ν* (names order).
    lower, upper : float
        g(ν*) >= ``lower`` (the LMI holds at (ν*, t*) to rounding) and g* <= ``upper`` (the
        scaled conic dual Z); NaN when that side did not check.
    certified : bool
        Both sides checked and meet to 1e-8·max(1, |g*|) (or, when ``unbounded``, g reaches
        the cap at ``nu``).
    message : str
        What was checked, with the residuals.
    unbounded : bool
        The solver found the SDP unbounded, and g >= ``lower`` (1e8 times the data's size)
        was checked at ``nu``: the dual grows without bound, so the primal is infeasible.
    """

    nu: np.ndarray
    lower: float
    upper: float
    certified: bool
    message: str
    unbounded: bool = False


def quadratic_lagrangian(problem: Problem, constraints: tuple[Constraint, ...]) -> QuadraticLagrangian | None:
    """The Lagrangian of ``problem`` (minimize form) with ``constraints`` as a quadratic in x;
    None when some piece is not a polynomial of degree <= 2 with finite float64 coefficients."""
    index = {v: i for i, v in enumerate(problem.variables)}
    rows = []
    for expr in [problem.minimize_objective] + [c.expr for c in constraints]:
        read = quadratic_coefficients(expr, index)
        if read is None:
            return None
        rows.append(read[0])
    pieces = QuadraticRows.from_coefficients(rows, len(index))
    Q, q, c = pieces.hessian_stack(), pieces.dense_linear, pieces.constant
    if not (np.all(np.isfinite(Q)) and np.all(np.isfinite(q)) and np.all(np.isfinite(c))):
        return None  # coefficients whose double overflows float64
    return QuadraticLagrangian(Q, q, c)


def solve_sdp_dual(lagrangian: QuadraticLagrangian, is_mu: np.ndarray) -> SdpDual | None:
    """Maximize g over its LMI domain with cvxpy (Clarabel), and check the answer (see the
    module docstring; an inaccurate optimum is taken, since the checks decide). When the
    solver finds the SDP unbounded, t is capped at 1e8 times the data's size and the LMI is
    checked at the capped optimum: g reaches the cap there (``unbounded``). None when the
    solver reports anything else (the caller then takes the numeric route)."""
    M = lagrangian.blocks()
    solved = _solve_lmi(M, is_mu, cap=None)
    if solved is None:
        return None
    status, nu, t, Z = solved
    if status in _OPTIMAL:
        return _checked(M, is_mu, nu, t, Z)
    cap = _UNBOUNDED_CAP * max(1.0, float(np.abs(M).max()))
    capped = _solve_lmi(M, is_mu, cap=cap)
    if capped is None or capped[0] not in _OPTIMAL:
        return None
    _, nu, t, _ = capped
    residual = _lmi_residual(M, nu, t)
    if t < cap * (1 - 1e-9) or residual > _FEASIBILITY:
        return None
    return SdpDual(
        nu,
        t,
        float("inf"),
        True,
        f"the dual as a semidefinite program is unbounded (cvxpy/Clarabel); checked here: with t "
        f"capped at {cap:.3g}, the LMI holds at the cap to {residual:.2g}, so g reaches {cap:.3g}",
        unbounded=True,
    )


def _solve_lmi(M: np.ndarray, is_mu: np.ndarray, cap: float | None):
    """(cvxpy status, ν, t, Z) of maximize t s.t. M(ν, t) ⪰ 0, μ >= 0 (and t <= ``cap``)."""
    import cvxpy as cp

    m, size = M.shape[0] - 1, M.shape[1]
    nu = cp.Variable(m)
    t = cp.Variable()
    corner = np.zeros((size, size))
    corner[-1, -1] = 2.0
    lmi_expr = M[0] - t * corner
    for k in range(m):
        lmi_expr = lmi_expr + nu[k] * M[k + 1]
    lmi = (lmi_expr + lmi_expr.T) / 2 >> 0
    constraints = [lmi] + ([nu[is_mu] >= 0] if np.any(is_mu) else []) + ([t <= cap] if cap else [])
    problem = cp.Problem(cp.Maximize(t), constraints)
    try:
        problem.solve(solver=cp.CLARABEL, **CLARABEL_OPTIONS)
    except cp.error.SolverError:
        return None
    if problem.status in _OPTIMAL and (t.value is None or m and nu.value is None):
        return None
    values = np.zeros(m) if m == 0 or nu.value is None else nu.value
    values = np.where(is_mu, np.maximum(values, 0.0), values)
    return problem.status, values, float(t.value) if t.value is not None else np.nan, lmi.dual_value


def _lmi_residual(M: np.ndarray, nu: np.ndarray, t: float) -> float:
    """How far M(ν, t) is from ⪰ 0: −λ_min relative to the size of M(ν, t) (and the data)."""
    at = M[0] + np.tensordot(nu, M[1:], axes=1)
    at[-1, -1] -= 2.0 * t
    scale = max(1.0, float(np.abs(M).max()), float(np.abs(at).max()))
    return max(0.0, -float(np.linalg.eigvalsh(at).min())) / scale


def _checked(M: np.ndarray, is_mu: np.ndarray, nu: np.ndarray, t: float, Z_raw: np.ndarray | None) -> SdpDual:
    scale = max(1.0, float(np.abs(M).max()))
    lmi_residual = _lmi_residual(M, nu, t)
    lower = t if lmi_residual <= _FEASIBILITY else float("nan")
    upper, dual_residual = float("nan"), float("inf")
    if Z_raw is not None:
        Z = (np.asarray(Z_raw, float) + np.asarray(Z_raw, float).T) / 2
        if Z[-1, -1] < 0:
            Z = -Z
        w, V = np.linalg.eigh(Z)
        Z = (V * np.maximum(w, 0.0)) @ V.T  # the nearest Z ⪰ 0
        if Z[-1, -1] > 0:
            Z = Z / (2.0 * Z[-1, -1])  # Z_ll = ½ makes the coefficient of t zero
            products = np.einsum("ij,kij->k", Z, M[1:])
            dual_residual = (
                float(np.abs(np.where(is_mu, np.maximum(products, 0.0), products)).max(initial=0.0)) / scale
            )
            if dual_residual <= _FEASIBILITY:
                upper = float(np.einsum("ij,ij->", Z, M[0]))
    certified = bool(np.isfinite(lower) and np.isfinite(upper) and upper - lower <= _GAP * max(1.0, abs(t)))
    message = (
        f"the dual as a semidefinite program (maximize t s.t. [[Q(ν), q(ν)], [q(ν)ᵀ, 2(c(ν) − t)]] ⪰ 0), "
        f"cvxpy/Clarabel; checked here: LMI residual {lmi_residual:.2g} at (ν*, t*), conic dual residual "
        f"{dual_residual:.2g}, bounds {lower:.10g} <= g* <= {upper:.10g}"
        + ("" if certified else ": not certified, the bounds do not meet")
    )
    return SdpDual(nu, lower, upper, certified, message)
