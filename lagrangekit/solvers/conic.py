"""Linear and convex quadratic programs solved by HiGHS (linear) or Clarabel (quadratic), and
certified by lagrangekit (conic).

:func:`solve_structured` is the first step of ``lk.solve(method="auto")``. When
:func:`~lagrangekit.quadratic_program.convex_quadratic_program` recognizes the problem, the
program goes to scipy's HiGHS (``linprog``) when P = 0, else to Clarabel, as sparse matrices.
Their duals are already in our convention, in the rows of
:class:`~lagrangekit.numeric_form.NumericForm` (equalities; inequalities then bounds):

- HiGHS reports marginals ∂f*/∂b of ``A_ub x <= b_ub`` and ``A_eq x = b_eq``; raising b by δ
  changes f* by −μδ (resp. −λδ), so μ = −marginal and λ = −marginal.
- Clarabel solves min ½xᵀPx + qᵀx s.t. Ax + s = b, s in K, with Lagrangian
  ½xᵀPx + qᵀx + zᵀ(Ax − b), z in K*: z is λ on the zero cone and μ >= 0 on the nonnegative cone.

The answer goes through :func:`~lagrangekit.solvers.outcome.finish`, which computes the KKT
certificate and the status as for every other backend. Only an ``"optimal"`` answer, or an
``"infeasible"``/``"unbounded"`` one that both the solver's certificate and ``finish`` support,
is returned; anything else returns None and ``auto`` runs its usual chain.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sps
from scipy.optimize import linprog

from ..numeric_form import Multipliers, NumericForm
from ..quadratic_program import QuadraticProgram, convex_quadratic_program
from ..result import Result
from .attempt import Attempt
from .cvxpy_backend import CLARABEL_OPTIONS
from .outcome import finish
from .polish import newton_polish

__all__ = ["solve_structured"]

_CERTIFICATE = 1e-7  # residuals of a certificate, relative to its size
_FARKAS_RADIUS = 1e6  # an infeasibility certificate must rule out every point this close to 0


@dataclasses.dataclass(frozen=True)
class _Outcome:
    """What the conic solver said: ``"optimal"`` with x, λ, μ; ``"infeasible"`` with the
    weights y (equalities, then inequalities) of a Farkas certificate; ``"unbounded"`` with a
    direction d; or ``"failed"``."""

    status: str
    x: np.ndarray | None = None
    lam: np.ndarray | None = None
    mu: np.ndarray | None = None
    weights: np.ndarray | None = None
    direction: np.ndarray | None = None
    nit: int = 0
    message: str = ""


def _highs(qp: QuadraticProgram, scale: float) -> _Outcome:
    """An LP by scipy's HiGHS; bounds are rows of G (HiGHS's presolve makes them bounds)."""
    res = linprog(
        scale * qp.q,
        A_ub=qp.G if qp.G.shape[0] else None,
        b_ub=qp.h if qp.G.shape[0] else None,
        A_eq=qp.A if qp.A.shape[0] else None,
        b_eq=qp.b if qp.A.shape[0] else None,
        bounds=(None, None),
        method="highs",
    )
    if res.status != 0:
        return _Outcome("failed", message=f"HiGHS: {res.message}")
    lam = -res.eqlin.marginals if qp.A.shape[0] else np.zeros(0)
    mu = -res.ineqlin.marginals if qp.G.shape[0] else np.zeros(0)
    return _Outcome("optimal", x=res.x, lam=lam, mu=mu, nit=int(res.nit), message=f"HiGHS: {res.message}")


def _clarabel(qp: QuadraticProgram, scale: float, max_iter: int | None, objective: bool = True) -> _Outcome:
    """The program (or, with ``objective=False``, its feasibility problem) by Clarabel."""
    import clarabel

    n, m_eq, m_in = qp.n, qp.A.shape[0], qp.G.shape[0]
    P = (qp.upper_P if scale == 1.0 else scale * qp.upper_P) if objective else sps.csc_matrix((n, n))
    q = scale * qp.q if objective else np.zeros(n)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    for key, value in CLARABEL_OPTIONS.items():
        setattr(settings, key, value)
    if max_iter is not None:
        settings.max_iter = int(max_iter)
    cones = [
        cone(size) for cone, size in ((clarabel.ZeroConeT, m_eq), (clarabel.NonnegativeConeT, m_in)) if size
    ]
    solution = clarabel.DefaultSolver(P, q, *qp.stacked, cones, settings).solve()
    status = str(solution.status)
    x, z = np.asarray(solution.x, dtype=float), np.asarray(solution.z, dtype=float)
    message = f"Clarabel: {status} in {solution.iterations} iterations"
    if status in ("Solved", "AlmostSolved"):
        return _Outcome("optimal", x=x, lam=z[:m_eq], mu=z[m_eq:], nit=solution.iterations, message=message)
    if status == "PrimalInfeasible":
        return _Outcome("infeasible", weights=z, nit=solution.iterations, message=message)
    if status == "DualInfeasible":
        return _Outcome("unbounded", direction=x, nit=solution.iterations, message=message)
    return _Outcome("failed", nit=solution.iterations, message=message)


def _farkas(qp: QuadraticProgram, y: np.ndarray) -> tuple[float, float] | None:
    """(c, R) when ``y`` = (λ-weights, μ-weights), μ-weights >= 0, proves that no point with
    ‖x‖∞ < R is feasible: the combination yᵀ(Ax − b, Gx − h), which is <= 0 at a feasible
    point, equals rᵀx + c with r = [A; G]ᵀy and c = −[b; h]ᵀy > 0, so it is positive wherever
    ‖r‖₁‖x‖∞ < c; R = c/‖r‖₁ (inf when r = 0) must exceed _FARKAS_RADIUS. None otherwise."""
    m_eq = qp.A.shape[0]
    size = float(np.abs(y).max(initial=0.0))
    if not size > 0 or np.any(y[m_eq:] < -_CERTIFICATE * size):
        return None
    y = np.concatenate([y[:m_eq], np.maximum(y[m_eq:], 0.0)]) / size
    matrix, rows = qp.stacked
    c = -float(rows @ y)
    r = float(np.abs(matrix.T @ y).sum())
    radius = c / r if r > 0 else np.inf
    return (c, radius) if c > 0 and radius > _FARKAS_RADIUS else None


def _recession(qp: QuadraticProgram, d: np.ndarray, scale: float) -> bool:
    """Whether ``d`` is a direction of unboundedness: P d = 0, A d = 0, G d <= 0 and qᵀd < 0,
    up to _CERTIFICATE relative to the data and |d|."""
    size = float(np.abs(d).max(initial=0.0))
    if not size > 0:
        return False
    d = d / size
    data = max(1.0, float(np.abs(qp.q).max(initial=0.0)), float(np.abs(qp.P.data).max(initial=0.0)))
    zero = _CERTIFICATE * data
    flat = np.abs(qp.P @ d).max(initial=0.0) <= zero and np.abs(qp.A @ d).max(initial=0.0) <= zero
    return bool(flat and (qp.G @ d).max(initial=0.0) <= zero and scale * qp.q @ d < -zero)


def _weights(form: NumericForm, y: np.ndarray) -> str:
    names = form.eq_names + form.ineq_names
    top = np.argsort(-np.abs(y))[: min(6, len(y))]
    return ", ".join(f"{names[k]}: {y[k]:.6g}" for k in top if y[k] != 0.0)


def _optimal(form: NumericForm, out: _Outcome, x0: np.ndarray, tol: float, method: str) -> Result | None:
    m = Multipliers(np.asarray(out.lam, dtype=float), np.asarray(out.mu, dtype=float))
    attempt = Attempt(
        x=np.asarray(out.x, dtype=float),
        multipliers=m,
        method=method,
        nit=out.nit,
        converged=True,
        message=out.message,
    )
    if form.kkt_error(attempt.x, m) > tol:  # an interior-point answer short of tol: Newton on its active set
        x, m, error = newton_polish(form, attempt.x, m)
        attempt = dataclasses.replace(attempt, x=x, multipliers=m, method=f"{method}+newton", error=error)
    result = finish(form, attempt, x0, tol)
    return result if result.status == "optimal" else None


def _infeasible(
    form: NumericForm, qp: QuadraticProgram, out: _Outcome, x0: np.ndarray, tol: float
) -> Result | None:
    farkas = _farkas(qp, out.weights)
    if farkas is None:
        return None
    c, radius = farkas
    attempt = Attempt(
        x=np.asarray(x0, dtype=float),
        multipliers=form.zeros(),
        method="auto:clarabel",
        nit=out.nit,
        converged=True,
        message=out.message,
    )
    result = finish(form, attempt, x0, tol)
    if result.status != "infeasible":
        return None
    where = "no point" if np.isinf(radius) else f"no point with ‖x‖∞ < {radius:.3g}"
    message = (
        f"infeasible: Clarabel's Farkas certificate, checked here, weights the constraints "
        f"({_weights(form, out.weights)}; inequalities with weights >= 0) so that their gradients cancel "
        f"and the weighted sum of the constraint rows is the constant {c:.6g} > 0, which {where} "
        f"satisfies (it would have to be <= 0); lagrangekit's own check agrees: {result.message}"
    )
    return dataclasses.replace(result, message=message)


def _unbounded(
    form: NumericForm, qp: QuadraticProgram, out: _Outcome, x0: np.ndarray, tol: float, max_iter: int | None
) -> Result | None:
    d = out.direction / float(np.abs(out.direction).max(initial=1.0))
    if not _recession(qp, d, form.objective_scale):
        return None
    feasible = _clarabel(qp, 1.0, max_iter, objective=False)
    if feasible.status != "optimal":
        return None
    base = feasible.x
    far = base + d * max(1.0, float(np.abs(base).max(initial=0.0)))
    attempt = Attempt(
        x=far,
        multipliers=form.zeros(),
        method="auto:clarabel",
        nit=out.nit,
        converged=False,
        message=out.message,
        diverged=True,
    )
    result = finish(form, attempt, base, tol)
    if result.status != "unbounded":
        return None
    shown = ", ".join(f"{v:.6g}" for v in d[:6]) + (", ..." if len(d) > 6 else "")
    message = (
        f"{result.message}; Clarabel's certificate agrees ({out.message}): d = ({shown}) is a direction "
        "of recession, checked here (P d = 0, A d = 0, G d <= 0 and qᵀd < 0)"
    )
    return dataclasses.replace(result, message=message)


def solve_structured(form: NumericForm, x0: np.ndarray, *, tol: float, max_iter: int | None) -> Result | None:
    """The Result of a linear or convex quadratic program solved by HiGHS or Clarabel, or None
    when the problem is not one, or when the answer is not certified by ``finish`` (then
    ``auto`` runs its usual chain: never an uncertified answer from here).

    A linear program goes to HiGHS (a vertex, with exact complementarity); a quadratic one, and
    a linear one HiGHS does not solve, to Clarabel. An optimum short of ``tol`` gets the
    active-set Newton polish. ``"infeasible"`` needs Clarabel's Farkas certificate, checked
    here, and phase I in ``finish`` agreeing; ``"unbounded"`` needs Clarabel's direction of
    recession, checked here, and the feasible ray ``finish`` finds from a feasible point.
    """
    qp = convex_quadratic_program(form.problem)
    if qp is None:
        return None
    scale = form.objective_scale
    if qp.is_linear:
        out = _highs(qp, scale)
        if out.status == "optimal":
            result = _optimal(form, out, x0, tol, "auto:highs")
            if result is not None:
                return result
    out = _clarabel(qp, scale, max_iter)
    if out.status == "optimal":
        return _optimal(form, out, x0, tol, "auto:clarabel")
    if out.status == "infeasible":
        return _infeasible(form, qp, out, x0, tol)
    if out.status == "unbounded":
        return _unbounded(form, qp, out, x0, tol, max_iter)
    return None
