"""solve(): one entry point for the numeric backends, "auto" selection and multistart (dispatch)."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import errors
from ..blas_threads import single_blas_thread
from ..kkt import check_kkt_at
from ..matrix_problem import MatrixProblem
from ..numeric_form import NumericForm, objective_scale
from ..phase_one import FEASIBLE, phase_one
from ..problem import BaseProblem
from ..result import Result
from ..sparse_form import is_large_sparse
from .attempt import Attempt
from .auglag import auglag
from .conic import solve_structured
from .descent import feasible_descent
from .explore import MAX_VARIABLES, better_starts, saddle_escape
from .interior_point import interior_point
from .matrix_route import solve_matrix
from .outcome import finish, is_better, not_optimal, runaway_multipliers
from .polish import newton_polish, onto_active
from .sampled_phase_one import find_feasible, sampled_phase_one
from .scipy_backends import slsqp, trust_constr
from .sparse_interior_point import solve_sparse

__all__ = ["METHODS", "solve"]

METHODS: tuple[str, ...] = ("auto", "auglag", "ipm", "slsqp", "trust-constr", "cvxpy", "sparse_ipm")

_INFEASIBLE = FEASIBLE  # the violation above which a phase-I answer means "infeasible"
_REPAIRS = 2  # restarts an explicit method gets from past a saddle, a feasible point or a lower point
_AUTO_FTOL = 1e-6  # scipy's default SLSQP precision: the Newton polish does the rest
_RESTARTS = 3  # local solves "auto" spends on sampled points that beat its first answer
_ENOUGH = 1e-2  # the Newton polish stops at this fraction of tol (a quadratic step more is time)
_GO_ON = 100  # SLSQP iterations of the chain's second, more precise run from a non-KKT point
_NUDGE = 1e-2  # the step, relative to max(1, ‖x0‖∞), of SLSQP's second start when it cannot leave x0

Backend = Callable[..., Attempt]
_BACKENDS: dict[str, Backend] = {
    "auglag": auglag,
    "ipm": interior_point,
    "slsqp": slsqp,
    "trust-constr": trust_constr,
}


def _polished(form: NumericForm, attempt: Attempt, tol: float) -> Attempt:
    """The attempt after :func:`newton_polish`, stopped at a hundredth of ``tol``. Runaway
    multipliers (SLSQP's 1e9 on dependent equalities, whose cancellation leaves rounding in
    ∇L) are replaced by least-squares estimates at the point first."""
    if attempt.diverged or not np.isfinite(attempt.x).all():
        return attempt
    m = attempt.multipliers
    if runaway_multipliers(form, attempt.x, m):
        m = form.from_dict(check_kkt_at(form, attempt.x, None, tol=tol).multipliers)
    x, m, error = newton_polish(form, attempt.x, m, enough=_ENOUGH * tol)
    return dataclasses.replace(attempt, x=x, multipliers=m, method=f"{attempt.method}+newton", error=error)


def _error(form: NumericForm, attempt: Attempt) -> float:
    if attempt.error is not None:
        return attempt.error
    return form.kkt_error(attempt.x, attempt.multipliers)


def _local(
    form: NumericForm,
    x0: np.ndarray,
    *,
    tol: float,
    max_iter: int | None,
    plateau: list[Attempt] | None = None,
) -> Attempt:
    """The local chain of "auto": SLSQP (scipy's default precision) then Newton polish; when SLSQP
    failed without leaving x0, SLSQP again from a small step down the objective (:func:`_nudged`),
    whose answer ends the chain only if it is certified; when SLSQP moved and converged to a
    feasible point that is not a KKT point, SLSQP again at precision tol·1e-4 from there or from a
    lower feasible point next to it (:func:`feasible_descent`); then our interior-point method; if
    SLSQP ended infeasible, phase I and SLSQP again from its point; then our augmented Lagrangian;
    if phase I and it both ended infeasible, phase I from sampled points and SLSQP from there; then
    trust-constr, until one is a KKT point within tol. When SLSQP does not move from x0 and the
    point is not shown a strict local minimizer, the interior-point method runs too (and
    trust-constr if it does not certify), unless ``plateau`` is given: then the answer is appended
    to it and returned, and the caller runs :func:`_off_plateau` if exploring finds nothing lower.
    The best answer wins (KKT error, then objective)."""
    attempts: list[Attempt] = []

    def accept(attempt: Attempt) -> bool:
        attempts.append(attempt)
        return attempt.diverged or _error(form, attempt) <= tol

    first = slsqp(form, x0, tol=tol, max_iter=max_iter, ftol=_AUTO_FTOL)
    if accept(_polished(form, first, tol)):
        if not _stayed_put(first.x, x0):
            return _chosen(form, attempts, tol)
        # x0 itself looked stationary to SLSQP: a plateau or saddle as often as a minimum,
        # so unless it is a strict local minimizer (the second-order sufficient condition
        # holds), let an interior-point method look too and keep the better certified answer
        if _strict_minimizer(form, attempts[0], tol):
            return _chosen(form, attempts, tol)
        if plateau is not None:
            plateau.append(attempts[0])
            return _chosen(form, attempts, tol)
        return _off_plateau(form, x0, attempts, tol=tol, max_iter=max_iter)
    if _without_multipliers(form, attempts[0], tol):
        return _chosen(form, attempts, tol)  # every other method of the chain stops there too
    if not first.converged and _stayed_put(first.x, x0):
        # SLSQP could not take a first step (its linearization at x0 is singular, as HS61's
        # constraints' at 0): once more from a small step down the objective, kept only when
        # that answer is certified; otherwise the chain goes on as if it had not run
        nudged = _nudged(form, x0)
        if nudged is not None:
            retry = _polished(form, slsqp(form, nudged, tol=tol, max_iter=max_iter, ftol=_AUTO_FTOL), tol)
            if not retry.diverged and _error(form, retry) <= tol:
                return _chosen(form, [*attempts, retry], tol)
    if first.converged and not _stayed_put(first.x, x0) and form.violation(first.x) <= _INFEASIBLE:
        # SLSQP moved and says it converged at a feasible point that is not a KKT point
        # (scipy's precision goal for f stops it early on a plateau): on from there, or from
        # a lower feasible point next to it, with the goal tol·1e-4, for a fraction of the
        # cost of the methods below
        lower = feasible_descent(form, onto_active(form, first.x))
        start = first.x if lower is None else lower
        goes_on = slsqp(form, start, tol=tol, max_iter=_GO_ON if max_iter is None else max_iter)
        if accept(_polished(form, goes_on, tol)):
            return _chosen(form, attempts, tol)
    interior = interior_point(form, x0, tol=tol, max_iter=max_iter)
    if accept(interior) and not _flat(form, interior):
        return _chosen(form, attempts, tol)
    phase_one_infeasible = False
    if form.violation(attempts[0].x) > _INFEASIBLE:
        p1 = phase_one(form, [x0, attempts[0].x])
        phase_one_infeasible = p1.violation > _INFEASIBLE
        if not phase_one_infeasible and accept(
            _polished(form, slsqp(form, p1.x, tol=tol, max_iter=max_iter, ftol=_AUTO_FTOL), tol)
        ):
            return _chosen(form, attempts, tol)
    if accept(auglag(form, x0, tol=tol, max_iter=max_iter)):
        return _chosen(form, attempts, tol)
    if phase_one_infeasible and form.violation(attempts[-1].x) > _INFEASIBLE:
        # phase I stalled near x0 and so did auglag: phase I again from sampled points
        p1 = sampled_phase_one(form, [x0, attempts[0].x])
        if p1 is None or p1.violation > _INFEASIBLE:
            return _chosen(form, attempts, tol)  # no feasible point found: finish() says "infeasible"
        if accept(_polished(form, slsqp(form, p1.x, tol=tol, max_iter=max_iter, ftol=_AUTO_FTOL), tol)):
            return _chosen(form, attempts, tol)
    accept(_polished(form, trust_constr(form, x0, tol=tol, max_iter=max_iter), tol))
    return _chosen(form, attempts, tol)


def _off_plateau(
    form: NumericForm, x0: np.ndarray, attempts: list[Attempt], *, tol: float, max_iter: int | None
) -> Attempt:
    """The best of ``attempts`` and of the interior-point method from x0 (then trust-constr,
    when that does not certify): SLSQP stayed at x0, a KKT point that is not shown a strict
    local minimizer, where a method that moves through the interior may find lower ground."""
    attempts = list(attempts)
    interior = interior_point(form, x0, tol=tol, max_iter=max_iter)
    attempts.append(interior)
    if not (interior.diverged or _error(form, interior) <= tol):
        attempts.append(_polished(form, trust_constr(form, x0, tol=tol, max_iter=max_iter), tol))
    return _chosen(form, attempts, tol)


def _strict_minimizer(form: NumericForm, attempt: Attempt, tol: float) -> bool:
    """Whether the attempt's KKT point satisfies the second-order sufficient condition (∇²L
    positive definite on the critical cone, :func:`check_kkt_at`): a strict local minimizer,
    neither a saddle nor a point of a plateau."""
    m = attempt.multipliers
    c = form.objective_scale
    report = check_kkt_at(form, attempt.x, (m.lam / c, m.mu / c), tol=tol, second_order=True)
    return report.ok and report.second_order is True


def _without_multipliers(form: NumericForm, attempt: Attempt, tol: float) -> bool:
    """Whether a converged attempt stopped at a feasible point where LICQ fails, no multipliers
    make the Lagrangian stationary (those estimated by :func:`check_kkt_at` leave a residual
    above ``tol``) and no feasible descent turns up next to it: the evidence on which
    :func:`finish` reports ``no_kkt_point`` (a cusp, as HS13's). The other local methods of
    the chain end at such a point too, after many more iterations, so the chain stops."""
    x = attempt.x
    if not attempt.converged or attempt.diverged or not np.isfinite(x).all():
        return False
    if form.violation(x) > max(tol, _INFEASIBLE):
        return False
    report = check_kkt_at(form, x, None, tol=tol)
    if report.first_order_ok or report.licq is not False:
        return False
    return feasible_descent(form, onto_active(form, x)) is None


def _auto(form: NumericForm, x0: np.ndarray, *, tol: float, max_iter: int | None) -> Attempt:
    """The local chain from x0, then exploration: a start past the answer when it is a saddle
    (:func:`saddle_escape`), then sampled feasible points that beat it (:func:`better_starts`).
    The chain runs again from them, up to _RESTARTS times, and the best answer by
    :func:`_rank` wins (a certified lower objective beats a certified higher one).
    When SLSQP stayed at x0 and x0 is not shown a strict local minimizer, the chain's
    interior-point fallback (:func:`_off_plateau`) runs only if exploring found no lower point."""
    if form.n > MAX_VARIABLES:
        return _local(form, x0, tol=tol, max_iter=max_iter)
    plateau: list[Attempt] = []
    best = _local(form, x0, tol=tol, max_iter=max_iter, plateau=plateau)
    if best.diverged or not np.isfinite(best.x).all():
        return best
    first_f = _feasible_f(form, best, tol)
    starts, start_f = better_starts(form, best.x, x0, first_f, tol)
    certified = _error(form, best) <= tol
    escape = saddle_escape(form, best.x, best.multipliers, degenerate_only=True) if certified else None
    if escape is not None:
        starts, start_f = np.vstack([escape, starts]), np.concatenate([[-np.inf], start_f])
    restarts = 0
    while len(starts) and restarts < _RESTARTS:
        restarts += 1
        attempt = _local(form, starts[0], tol=tol, max_iter=max_iter)
        if _rank(form, attempt, tol) < _rank(form, best, tol):
            best = attempt
        lower = start_f[1:] < _feasible_f(form, best, tol)  # the rest that still beat the best
        starts, start_f = starts[1:][lower], start_f[1:][lower]
    if plateau and not _feasible_f(form, best, tol) < first_f:
        off = _off_plateau(form, x0, plateau, tol=tol, max_iter=max_iter)
        best = off if _rank(form, off, tol) < _rank(form, best, tol) else best
    if len(starts) and is_better(form, starts[0], best.x):
        best = dataclasses.replace(best, better_point=starts[0])  # found, but not solved from
    if restarts and _feasible_f(form, best, tol) < first_f:
        user_f = first_f / form.objective_scale * (-1.0 if form.problem.is_maximize else 1.0)
        return dataclasses.replace(
            best,
            message=f"{best.message}; found by exploring past the answer from x0 (f = {user_f:.10g})",
        )
    return best


def _explicit(
    form: NumericForm, backend: Backend, x0: np.ndarray, *, tol: float, max_iter: int | None
) -> Attempt:
    """One explicit backend from x0, restarted up to _REPAIRS times from where
    :func:`_repair_start` points, while that ranks better (:func:`_rank`)."""
    attempt = backend(form, x0, tol=tol, max_iter=max_iter)
    for _ in range(_REPAIRS):
        start = _repair_start(form, attempt, x0, tol)
        if start is None:
            break
        retry = backend(form, start, tol=tol, max_iter=max_iter)
        if _rank(form, retry, tol) >= _rank(form, attempt, tol):
            break
        attempt = retry
    return attempt


def _repair_start(form: NumericForm, attempt: Attempt, x0: np.ndarray, tol: float) -> np.ndarray | None:
    """Where a local method should start again, or None: the phase-I point when it stopped
    infeasible (:func:`find_feasible`), past the saddle when it stopped at a KKT point with
    negative curvature (:func:`saddle_escape`), or a lower feasible point next to a feasible
    point that is not a KKT point (:func:`feasible_descent`)."""
    x = attempt.x
    if attempt.diverged or not np.isfinite(x).all():
        return None
    if form.violation(x) > _INFEASIBLE:
        p1, _ = find_feasible(form, [x0, x])
        return p1.x if p1.violation <= _INFEASIBLE else None
    if _error(form, attempt) <= tol:
        return saddle_escape(form, x, attempt.multipliers)
    return feasible_descent(form, onto_active(form, x))


def _feasible_f(form: NumericForm, attempt: Attempt, tol: float) -> float:
    """The minimize-form objective at the attempt's point, +inf if that point is not feasible."""
    return form.f(attempt.x) if form.violation(attempt.x) <= max(tol, 1e-6) else np.inf


def _flat(form: NumericForm, attempt: Attempt) -> bool:
    """Whether f stopped varying with some variable at the attempt's point: its gradient entry
    and Hessian column vanish to rounding and no active constraint involves it (an asymptote
    of f, along which a barrier method drifts). The chain then goes on."""
    if attempt.diverged:
        return False
    x = attempt.x
    size = 1e-10 * max(1.0, abs(form.f(x)))
    point = form.first_order(x)
    H = form.lagrangian_hessian(x, attempt.multipliers)
    active = np.vstack([point.jh, point.jg[point.g > -1e-6]])
    idle = (np.abs(point.grad) <= size) & (np.abs(H).max(axis=0) <= size) & ~np.any(active != 0, axis=0)
    return bool(idle.any())


def _nudged(form: NumericForm, x0: np.ndarray) -> np.ndarray | None:
    """x0 moved by _NUDGE·max(1, ‖x0‖∞) along −∇f/‖∇f‖∞ and projected onto the bounds, or None
    when ∇f is zero or not finite there or the projection leaves x0 where it was."""
    g = np.asarray(form.grad(x0), dtype=float)
    size = float(np.abs(g).max(initial=0.0))
    if not (np.isfinite(size) and size > 0.0):
        return None
    x = form.clip(x0 - _NUDGE * max(1.0, float(np.abs(x0).max(initial=0.0))) * g / size)
    return None if _stayed_put(x, x0) else x


def _stayed_put(x: np.ndarray, x0: np.ndarray) -> bool:
    return bool(np.abs(x - x0).max(initial=0.0) <= 1e-10 * max(1.0, float(np.abs(x0).max(initial=0.0))))


def _chosen(form: NumericForm, attempts: list[Attempt], tol: float) -> Attempt:
    best = min(attempts, key=lambda a: _rank(form, a, tol))
    return dataclasses.replace(best, method=f"auto:{best.method}")


def _rank(form: NumericForm, a: Attempt, tol: float) -> tuple:
    if a.diverged:
        return (0, 0.0, 0.0)
    if not np.isfinite(a.x).all():
        return (4, np.inf, np.inf)
    error = _error(form, a)
    if error <= tol:
        return (1, form.f(a.x), error)
    violation = form.violation(a.x)
    if violation <= max(tol, 1e-6):
        return (2, form.f(a.x), error)
    return (3, violation, error)


def _starts(form: NumericForm, x0: np.ndarray, n_starts: int, seed: Any) -> list[np.ndarray]:
    """x0, then n_starts − 1 reproducible random points: uniform in finite boxes, otherwise
    normal around x0 with spread max(1, |x0_i|), projected onto the bounds."""
    if n_starts == 1:
        return [x0]
    rng = np.random.default_rng(seed)
    lo, hi = form.cp.lower, form.cp.upper
    spread = np.maximum(1.0, np.abs(x0))
    starts = [x0]
    for _ in range(n_starts - 1):
        boxed = np.isfinite(lo) & np.isfinite(hi)
        z = x0 + spread * rng.standard_normal(form.n)
        z[boxed] = rng.uniform(lo[boxed], hi[boxed])
        starts.append(form.clip(z))
    return starts


def _better(a: Result, b: Result, maximize: bool) -> bool:
    """Whether Result a beats b: success first, then the lower minimize-form objective."""
    if a.success != b.success:
        return a.success
    sign = -1.0 if maximize else 1.0
    return sign * float(a.fun) < sign * float(b.fun)


def solve(
    problem: BaseProblem,
    *,
    method: str = "auto",
    x0: Any = None,
    tol: float = 1e-8,
    max_iter: int | None = None,
    n_starts: int = 1,
    seed: Any = None,
) -> Result:
    """Solve a constrained problem numerically, with every multiplier and a KKT report.

    The problem is read in standard form: minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0,
    lo <= x <= hi (a maximize problem is solved as minimize −f). Multipliers follow
    L = f + Σ μ_i g_i + Σ λ_j h_j with μ >= 0, for the minimize form; bounds are
    reported under ``"lower:x"`` and ``"upper:x"``.

    Parameters
    ----------
    problem : Problem or FunctionProblem
        Without free parameters (use ``problem.subs``).
    method : {"auto", "auglag", "ipm", "slsqp", "trust-constr", "cvxpy", "sparse_ipm"}
        ``"auglag"``: our augmented Lagrangian (L-BFGS-B inner solves with exact
        gradients, first-order multiplier updates, adaptive penalty) with an active-set
        Newton polish. ``"ipm"``: our dense primal-dual interior-point method after IPOPT
        (slacks for the inequalities and bounds, a monotone barrier, Newton steps with the
        exact Hessian of the Lagrangian and inertia correction, a filter line search, no
        restoration phase; :func:`~lagrangekit.solvers.interior_point.interior_point`),
        finished by the active-set Newton polish once the barrier is small.
        ``"slsqp"`` / ``"trust-constr"``: scipy, with multipliers translated to our
        convention and bound multipliers recovered. ``"cvxpy"``: the problem exported
        by :func:`lagrangekit.to_cvxpy` (convex problems only; Clarabel;
        ``x0``, ``max_iter`` and ``n_starts`` do not apply; a problem on which cvxpy would
        impose an implicit domain, such as x >= 0 for ``1/x``, where the problem is also
        defined outside it, is refused with status ``"failed"``). ``"auto"``: a linear or
        convex quadratic program (objective of degree <= 2 with a positive semidefinite
        Hessian, affine constraints) goes to HiGHS (LP) or Clarabel (QP), with their duals
        mapped to ours and the certificate and status from lagrangekit
        (:func:`~lagrangekit.solvers.conic.solve_structured`; an answer that does not
        certify is dropped); anything else to SLSQP with Newton polish (when SLSQP fails
        without leaving x0, once more from x0 moved 1e-2·max(1, ‖x0‖∞) along −∇f/‖∇f‖∞,
        an answer kept only if certified), falling back to our interior-point method,
        auglag and trust-constr until the KKT conditions hold; then it explores (for up to
        64 variables): 256 fixed pseudo-random points (moved onto affine equalities,
        projected onto the bounds and onto constraints affine in one variable, covering a
        whole interval) and the box faces next to the answer are evaluated at once, and the
        chain runs again, up to 3 times, from feasible ones with a lower f, or from past the
        answer when it is a saddle. The lowest certified answer wins, and its message says
        when exploring found it; a sampled feasible point that still beats it makes it
        ``"failed"``. The explicit methods do not sample, but restart (at most twice) past a
        saddle, from a phase-I point when they stop infeasible, and from a lower feasible
        point next to a feasible non-KKT point. Every method: a badly scaled objective (|f|
        and ‖∇f‖ below 1e-4 near x0) is solved divided by its size, so that stationarity is
        relative to it. ``"sparse_ipm"``: our sparse primal-dual interior-point method for
        large sparse problems (:func:`~lagrangekit.solvers.sparse_interior_point.solve_sparse`:
        QDLDL, the ``sparse`` extra; no restart, ``n_starts`` does not apply), which ``"auto"``
        uses for a ``from_functions`` problem of at least 500 variables whose ``hess`` or
        Jacobians are scipy.sparse.
        ``Result.method`` says what ran.
    x0 : array-like or dict, optional
        Start point in variable order, or ``{Symbol or name: value}``. By default the first
        of zeros, ones, halves, every entry 1/(n + 1) and four seeded draws from
        U(0.05, 0.95)ⁿ, projected onto the bounds, at which the problem's functions and ∇f are
        finite (zeros when none is).
    tol : float, default 1e-8
        KKT tolerance: ``success`` is True only if :func:`lagrangekit.check_kkt` at the
        returned point is ok within ``tol``.
    max_iter : int, optional
        Iteration limit of the backend (outer iterations for auglag, Newton iterations
        for ipm, 200 by default).
    n_starts : int, default 1
        With more than 1, a multistart: x0 plus ``n_starts − 1`` random points drawn from
        ``seed``; the best successful result wins. A convex program that
        ``"auto"`` sends to HiGHS or Clarabel is solved once.
    seed : int or numpy.random.Generator, optional
        Makes the multistart reproducible.

    Returns
    -------
    Result
        ``status`` is ``"optimal"`` (first- and second-order KKT conditions hold within
        ``tol``, and no feasible point with a lower objective is known; ``scope`` says
        ``"global"`` when the problem is recognized convex, else ``"local"``),
        ``"unbounded"`` (a feasible ray from the answer, or from where diverging iterates
        went, along which f keeps falling; the ray is in the message; with ``n_starts > 1``
        any start that finds one decides), ``"infeasible"`` (phase I from several starts
        found no point with violation below 1e-6: local evidence, and the message says so;
        for a linear or quadratic program ``"auto"`` also names Clarabel's checked Farkas
        certificate, a proof), ``"no_kkt_point"`` (a feasible point where no multipliers exist and no feasible
        descent is found), ``"max_iter"`` or ``"failed"`` (including a KKT point that fails
        the second-order condition, or one beaten by a known feasible point). ``x`` never
        contains NaN.

    Warns
    -----
    ConvergenceWarning
        When the status is ``"max_iter"`` or ``"failed"``.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y", real=True)
    >>> r = lk.solve(lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1}))
    >>> round(r.multipliers["disk"], 6)
    0.707107
    """
    if not isinstance(problem, BaseProblem):
        raise ValueError(f"problem must be a lagrangekit Problem, got {type(problem).__name__}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not (isinstance(tol, (int, float)) and np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if max_iter is not None and (not isinstance(max_iter, (int, np.integer)) or max_iter < 1):
        raise ValueError(f"max_iter must be a positive integer or None, got {max_iter!r}")
    if not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive integer, got {n_starts!r}")
    with single_blas_thread(), np.errstate(all="ignore"):  # overflow on the way to a status is not news
        if isinstance(problem, MatrixProblem):
            chain = lambda x: _solve(problem, method, x, tol, max_iter, int(n_starts), seed)  # noqa: E731
            result = solve_matrix(problem, method, x0, tol, max_iter, chain)
        else:
            result = _solve(problem, method, x0, tol, max_iter, int(n_starts), seed)
    if result.status in ("max_iter", "failed"):
        warnings.warn(f"lk.solve: {result.message}", errors.ConvergenceWarning, stacklevel=2)
    return result


def _solve(
    problem: BaseProblem, method: str, x0: Any, tol: float, max_iter: int | None, n_starts: int, seed: Any
) -> Result:
    if method == "sparse_ipm" or (method == "auto" and is_large_sparse(problem)):
        return solve_sparse(problem, x0=x0, tol=tol, max_iter=max_iter)
    if method == "cvxpy":
        from .cvxpy_backend import solve_cvxpy

        result = solve_cvxpy(problem, tol=tol)
    else:
        form = NumericForm(problem)
        start = form.start(x0)
        scale = objective_scale(form, start)
        if scale != 1.0:
            form = NumericForm(problem, scale)
        structured = solve_structured(form, start, tol=tol, max_iter=max_iter) if method == "auto" else None
        if structured is not None:
            return structured
        results = []
        for x_start in _starts(form, start, n_starts, seed):
            if method == "auto":
                attempt = _auto(form, x_start, tol=tol, max_iter=max_iter)
            else:
                attempt = _explicit(form, _BACKENDS[method], x_start, tol=tol, max_iter=max_iter)
            results.append(finish(form, attempt, x_start, tol))
        result = _best_of(form, results)
    if result.scope == "local" and n_starts == 1:
        result = dataclasses.replace(result, message=result.message + _LOCAL_HINT)
    return result


# the note on an optimum not proven global from one start (the two-way partitioning problem
# min 2xy + 6xz − 2yz s.t. x², y², z² = 1 ends at 6 from the default start; 10 starts find −10)
_LOCAL_HINT = (
    "; a local optimum: the problem is not shown convex, so a better one may exist (n_starts > 1 "
    "restarts from random points; solve_symbolic enumerates every KKT point of a small polynomial problem)"
)


def _best_of(form: NumericForm, results: list[Result]) -> Result:
    """The answer of a multistart: an unbounded one if any start found a ray (that is proof),
    else the best by :func:`_better`, demoted from optimal when another start ended at a
    feasible point with a lower objective."""
    if len(results) == 1:
        return results[0]
    n = len(results)
    unbounded = [r for r in results if r.status == "unbounded"]
    if unbounded:
        return dataclasses.replace(
            unbounded[0], message=f"{unbounded[0].message} (found by {len(unbounded)} of {n} starts)"
        )
    result = results[0]
    for other in results[1:]:
        if _better(other, result, form.problem.is_maximize):
            result = other
    wins = sum(r.success for r in results)
    result = dataclasses.replace(result, message=f"{result.message} (best of {n} starts, {wins} succeeded)")
    if result.success:
        lower = [r.x for r in results if is_better(form, r.x, result.x)]
        if lower:
            best = min(lower, key=form.f)
            result = not_optimal(result, form, best)
    return result
