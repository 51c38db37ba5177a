"""The dual function without a closed form: inf_x L by numerical minimization, and its maximization.

Used when the Lagrangian is outside the grammar of :mod:`.structure`. Values of L that are
NaN or +inf (x outside the domain of a log, a root or a division) count as +inf, so the
inner minimization backs off from them; L = −inf, or L past −1e12·max(1, |L(x_start)|), or a
run-away inner minimization means g = −inf; a stop where L still keeps falling along an axis
gives the level L settles at, or no value.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import OptimizeResult
from scipy.optimize import minimize as _scipy_minimize

from .. import finite_differences
from ..errors import NotSmoothError
from ..numeric_form import Multipliers, NumericForm

__all__ = ["inner_infimum", "maximize_numeric"]

#: what the lambdified functions of a problem can raise at a point (NameError: a sympy function
#: that numpy does not know, such as the DiracDelta in the second derivative of Abs)
_ERRORS = (ValueError, ArithmeticError, np.linalg.LinAlgError, TypeError, NameError)

#: decades of the walks that probe whether L keeps falling (t = 10 ... 10**_WALK)
_WALK = 9
#: a fall along a whole walk past _NOT_ATTAINED·max(1, |L|) means L's infimum is not attained
_NOT_ATTAINED = 1e-10

#: L below −_RUNS_AWAY·max(1, |L(x_start)|) at any point means inf_x L = −inf
_RUNS_AWAY = 1e12


class _FallsToMinusInf(Exception):
    """L evaluated to −inf at a point where it is defined (it overflowed on the way down, or
    a log of its argument's zero was reached): the inner infimum is −inf."""


def _lagrangian(form: NumericForm, lam: np.ndarray, mu: np.ndarray):
    def value_at(z):
        return form.f(z) + lam @ form.h(z) + mu @ form.G(z)

    def L(z):
        with np.errstate(all="ignore"):
            try:
                value = value_at(z)
                try:
                    grad = form.grad(z) + form.h_jac(z).T @ lam + form.G_jac(z).T @ mu
                except NotSmoothError:  # Abs, Max, Min: differences of values, a kink's slope
                    grad = finite_differences.gradient(value_at, z)
            except _ERRORS:
                return np.inf, np.zeros_like(z)
        if value == -np.inf:
            raise _FallsToMinusInf
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return np.inf, np.zeros_like(z)
        return float(value), grad

    return L


def _falling_values(L, z: np.ndarray, d: np.ndarray, value: float) -> list[float]:
    """L at z + t·d for t = 10, 100, ... 1e9 (times 1/‖d‖), up to the first that does not
    fall below the one before (``value`` at z)."""
    norm = float(np.linalg.norm(d))
    if norm == 0 or not np.isfinite(norm):
        return []
    values = [value]
    for k in range(1, _WALK + 1):
        current = L(z + (10.0**k / norm) * d)[0]
        if not current < values[-1]:
            break
        values.append(current)
    return values[1:]


def _falls_along(L, z: np.ndarray, d: np.ndarray, value: float, scale: float) -> bool:
    """True when L keeps falling along z + t·d for t = 10, 100, ... 1e9 (times 1/‖d‖),
    by more than 1e6·scale overall: the inner infimum is −inf."""
    values = _falling_values(L, z, d, value)
    return len(values) == _WALK and values[-1] < value - 1e6 * scale


def _run_off(L, z: np.ndarray, d: np.ndarray, value: float, scale: float) -> float:
    """The infimum when the minimization ran off to |x| > 1e9 along ``d``: −inf when L keeps
    falling (:func:`_falls_along`), ``value`` when L has levelled off (an infimum approached,
    not attained, as exp(x) as x → −inf), NaN (unknown) when it still falls, but slowly (as
    −log x, which has no lower bound)."""
    if _falls_along(L, z, d, value, scale):
        return -np.inf
    norm = float(np.linalg.norm(d))
    if norm == 0 or not np.isfinite(norm):
        return np.nan
    further = [L(z + (10.0**k / norm) * d)[0] for k in range(10, 13)]
    if all(np.isfinite(v) and v >= value - 1e-12 * scale for v in further):
        return value
    return np.nan


#: variables up to which the inner minimum is probed along every axis and the exact Hessian
_PROBED_SIZE = 50
#: saddles of L that one inner minimization leaves along negative curvature before giving up
_ESCAPES = 5


def _negative_curvature(form, full, free, z, lam, mu) -> np.ndarray | None:
    """The unit direction of most negative curvature of L's exact Hessian in the ``free``
    coordinates at ``z``; None when there is none, or no Hessian."""
    with np.errstate(all="ignore"):
        try:
            point = full.copy()
            point[free] = z
            H = np.asarray(form.lagrangian_hessian(point, Multipliers(lam, mu)), dtype=float)
            H = H[np.ix_(free, free)]
        except _ERRORS:
            return None  # no second derivatives here: nothing to follow
    if not (H.size and np.all(np.isfinite(H))):
        return None
    w, V = np.linalg.eigh(H)
    if not w[0] < -1e-10 * max(1.0, float(np.abs(w).max())):
        return None
    return V[:, 0]


def _downhill(L, z: np.ndarray, d: np.ndarray, value: float) -> np.ndarray | None:
    """The first of z + t·d, t = 1e-4, 1e-3, ... 1e8 (times max(1, ‖z‖)), where L is below
    ``value`` (a stationary point's value): a start past a saddle; None when there is none."""
    reach = max(1.0, float(np.linalg.norm(z)))
    for k in range(-4, 9):
        trial = z + (10.0**k * reach) * d
        if L(trial)[0] < value:
            return trial
    return None


def _restricted(L, full: np.ndarray, free: np.ndarray):
    """L as a function of the ``free`` coordinates only, the others held at ``full``'s values."""

    def L_free(z):
        point = full.copy()
        point[free] = z
        value, grad = L(point)
        return value, grad[free]

    return L_free


def inner_infimum(
    form: NumericForm,
    lam: np.ndarray,
    mu: np.ndarray,
    x_start: np.ndarray,
    free: np.ndarray | None = None,
) -> tuple[float, np.ndarray | None]:
    """inf_x L(x, λ, μ) by BFGS from ``x_start``: (value, minimizer); (−inf, None) when L runs
    away, (nan, None) when no finite value of L was found or the minimization stopped away
    from a stationary point without showing that L runs away.

    With a boolean mask ``free``, only those coordinates move; the others stay at their values
    in ``x_start`` (variables L does not depend on at these multipliers). The minimizer is
    returned with every coordinate. L = −inf at a point (:class:`_FallsToMinusInf`), or below
    −_RUNS_AWAY·max(1, |L(x_start)|) at a point of the minimization, means −inf at once.
    """
    try:
        return _minimized(form, lam, mu, x_start, free, escapes=_ESCAPES)
    except _FallsToMinusInf:
        return -np.inf, None


def _minimized(
    form: NumericForm,
    lam: np.ndarray,
    mu: np.ndarray,
    x_start: np.ndarray,
    free: np.ndarray | None,
    escapes: int,
) -> tuple[float, np.ndarray | None]:
    """The body of :func:`inner_infimum`, which see; a stationary point with negative
    curvature (a saddle or a maximum, such as x = 0 of x⁴ − 3x²) is left downhill along it and
    the minimization restarted, up to ``escapes`` times."""
    full = np.asarray(x_start, float)
    free = np.ones(full.size, dtype=bool) if free is None else np.asarray(free, dtype=bool)
    L = _restricted(_lagrangian(form, lam, mu), full, free)
    z0 = full[free]
    start_value = L(z0)[0]
    if not np.isfinite(start_value):
        return np.nan, None
    if not free.any():  # L does not depend on x here: its value is the infimum
        return float(start_value), full.copy()
    f_scale = max(1.0, abs(start_value))

    def bounded_L(z):  # a value past −_RUNS_AWAY·f_scale ends the minimization: g = −inf
        value, grad = L(z)
        if value < -_RUNS_AWAY * f_scale:
            raise _FallsToMinusInf
        return value, grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            options = {"gtol": 1e-10, "maxiter": 2000}
            res = _scipy_minimize(bounded_L, z0, jac=True, method="BFGS", options=options)
        except _ERRORS:
            return np.nan, None
    value = float(res.fun)
    if not np.isfinite(value) or not np.all(np.isfinite(res.x)):
        return np.nan, None
    if np.abs(res.x).max(initial=0.0) > 1e9:
        return _run_off(L, res.x, res.x - z0, value, f_scale), None
    if not res.success and _falls_along(L, res.x, res.x - z0, value, f_scale):
        return -np.inf, None
    grad = L(res.x)[1]
    if np.abs(grad).max(initial=0.0) > 1e-6 * max(1.0, abs(value)):
        # not a stationary point: L falls along −∇L (or one of its coordinates), or the
        # minimization stalled (a kink, the edge of the domain) and the value is unknown
        for d in [-grad] + [-grad[i] * np.eye(len(grad))[i] for i in np.flatnonzero(grad)]:
            if _falls_along(L, res.x, d, value, f_scale):
                return -np.inf, None
        return np.nan, None
    # a stationary point that is not a minimum (a kink of −|x|, a saddle): probe the axes, and
    # follow negative curvature of the exact Hessian; past _PROBED_SIZE variables (where the
    # Hessian is large to build) a few random directions instead
    if len(z0) <= _PROBED_SIZE:
        directions = list(np.vstack([np.eye(len(z0)), -np.eye(len(z0))]))
    else:
        rng = np.random.default_rng(0)
        directions = [sign * rng.standard_normal(len(z0)) for sign in (1, -1) for _ in range(4)]
    for d in directions:
        falling = _falling_values(L, res.x, d, value)
        if len(falling) == _WALK and falling[-1] < value - _NOT_ATTAINED * f_scale:
            # L keeps falling far from the "minimizer" (BFGS stopped on a tail whose slope is
            # below its tolerance, as 1/z at z = 1e5): the infimum is not attained there; it is
            # −inf, the level L settles at, or unknown (NaN)
            far = res.x + (10.0**_WALK / float(np.linalg.norm(d))) * d
            return _run_off(L, far, d, falling[-1], f_scale), None
    direction = _negative_curvature(form, full, free, res.x, lam, mu) if len(z0) <= _PROBED_SIZE else None
    if direction is not None:
        if any(_falls_along(L, res.x, d, value, f_scale) for d in (direction, -direction)):
            return -np.inf, None
        for d in (direction, -direction) if escapes else ():
            lower = _downhill(L, res.x, d, value)
            if lower is not None:
                restart = full.copy()
                restart[free] = lower
                return _minimized(form, lam, mu, restart, free, escapes - 1)
        return np.nan, None  # a saddle that could not be left: not the infimum
    minimizer = full.copy()
    minimizer[free] = res.x
    return value, minimizer


#: evaluations of g (each an inner minimization) that one numeric dual solve may spend
MAX_EVALUATIONS = 300
#: g past this multiple of max(1, |g(start)|) counts as growing without bound
_UNBOUNDED_FACTOR = 1e12


class _Stop(Exception):
    """Ends the maximization early: ``reason`` is "unbounded" or "budget"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def maximize_numeric(
    value_and_gradient,
    start: np.ndarray,
    bounds,
    tol: float,
    equalities: tuple[np.ndarray, np.ndarray] | None = None,
) -> OptimizeResult:
    """Maximize g by L-BFGS-B on −g within ``bounds`` (μ >= 0); ``value_and_gradient(ν)``
    gives g and ∇g (Danskin: the constraint values at the inner minimizer). With
    ``equalities`` (A, b), on A ν = b as well, by SLSQP.

    Returns scipy's result, with ``stopped`` set to ``"unbounded"`` when g passed
    1e12·max(1, |g(start)|) (the multipliers at that point in ``x``), to ``"budget"`` when
    :data:`MAX_EVALUATIONS` evaluations of g (inner minimizations) ran out (the best point in
    ``x``), and to ``""`` otherwise.
    """
    best = {"x": np.asarray(start, float), "g": -np.inf, "evaluations": 0, "limit": np.inf}

    def negative_g(values):
        if best["evaluations"] >= MAX_EVALUATIONS:
            raise _Stop("budget")
        best["evaluations"] += 1
        value, grad = value_and_gradient(values)
        if not np.isfinite(value):
            return 1e300, np.zeros_like(values)
        if best["evaluations"] == 1:
            best["limit"] = _UNBOUNDED_FACTOR * max(1.0, abs(value))
        if value > best["g"]:
            best["x"], best["g"] = np.array(values, float), float(value)
        if value > best["limit"]:
            raise _Stop("unbounded")
        return -value, -grad

    try:
        if equalities is None:
            res = _scipy_minimize(
                negative_g,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"gtol": tol, "maxiter": 1000},
            )
        else:
            A, b = equalities
            res = _scipy_minimize(
                negative_g,
                start,
                jac=True,
                method="SLSQP",
                bounds=bounds,
                constraints=[{"type": "eq", "fun": lambda v: A @ v - b, "jac": lambda v: A}],
                options={"ftol": tol**2, "maxiter": 1000},  # g is flat at its top: ν to about tol
            )
    except _Stop as stop:
        return OptimizeResult(
            x=best["x"],
            fun=-best["g"],
            success=False,
            nit=best["evaluations"],
            stopped=stop.reason,
            message=(
                f"g passed {best['limit']:.3g}"
                if stop.reason == "unbounded"
                else f"{MAX_EVALUATIONS} evaluations of g (inner minimizations) ran out"
            ),
        )
    res.stopped = ""
    res.setdefault("nit", 0)  # L-BFGS-B reports none when the bounds fix every multiplier
    return res
