"""SLSQP's iterations driven without scipy.optimize.minimize's per-call wrappers (slsqp_core).

scipy 1.17 runs SLSQP as a C routine that asks for f and c (mode 1) or ∇f and the
constraint normals (mode −1) and is driven by a Python loop in ``_minimize_slsqp``. That loop
goes through ``ScalarFunction`` (a copy of x, an ``array_equal`` test and an ``atleast_1d`` per
call) and re-validates the constraints on every call of ``minimize``: on a small problem that
costs more than the C iterations. :func:`run_slsqp` drives the same routine with the same
inputs in the same order (f and ∇f at a copy of x, the constraints at x, the workspace sizes
and state of scipy's loop), so its iterates are scipy's bit for bit; the scipy versions whose
loop it follows are pinned in :data:`_DRIVEN`, and any other version goes through the public
:func:`scipy.optimize.minimize`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy
from scipy.optimize import minimize as _scipy_minimize

__all__ = ["SlsqpRun", "run_slsqp"]

#: scipy releases (major, minor) whose ``_minimize_slsqp`` loop :func:`_drive` was checked to
#: reproduce (bit-identical iterates, ``tests/test_slsqp_core.py``); a release is added here only
#: after its loop is read and those tests pass on it
_DRIVEN = ((1, 17),)

#: scipy's exit modes of SLSQP, by mode
_EXIT_MODES = {
    -1: "Gradient evaluation required (g & a)",
    0: "Optimization terminated successfully",
    1: "Function evaluation required (f & c)",
    2: "More equality constraints than independent variables",
    3: "More than 3*n iterations in LSQ subproblem",
    4: "Inequality constraints incompatible",
    5: "Singular matrix E in LSQ subproblem",
    6: "Singular matrix C in LSQ subproblem",
    7: "Rank-deficient equality constraint subproblem HFTI",
    8: "Positive directional derivative for linesearch",
    9: "Iteration limit reached",
}

Vector = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SlsqpRun:
    """What one SLSQP run returns, as scipy's ``OptimizeResult`` fields of the same names.

    ``multipliers`` are SLSQP's, for h = 0 then −g >= 0 (its Lagrangian is f − yᵀc with
    c = (h, −g)), so y is λ's negative on h and μ on g;
    ``status`` is SLSQP's exit mode (0: converged, 8: positive directional derivative in the
    line search, 9: iteration limit, ...).
    """

    x: np.ndarray
    fun: float
    nit: int
    status: int
    success: bool
    message: str
    multipliers: np.ndarray


def _core() -> Callable | None:
    """scipy's C SLSQP routine when this scipy is one whose driving loop :func:`_drive` follows."""
    found = re.match(r"(\d+)\.(\d+)", scipy.__version__)
    if found is None or (int(found[1]), int(found[2])) not in _DRIVEN:
        return None
    try:
        from scipy.optimize._slsqplib import slsqp
    except ImportError:
        return None
    return slsqp


_CORE = _core()


def run_slsqp(
    fun: Callable[[np.ndarray], float],
    grad: Vector,
    x0: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    eq: tuple[Vector, Vector, int] | None,
    ineq: tuple[Vector, Vector, int] | None,
    maxiter: int,
    ftol: float,
) -> SlsqpRun:
    """Minimize ``fun`` s.t. eq(x) = 0, ineq(x) <= 0, lower <= x <= upper by scipy's SLSQP
    (which takes −ineq(x) >= 0).

    ``eq`` and ``ineq`` are (values, Jacobian, number of rows) or None; ``lower`` and
    ``upper`` hold ±inf where a variable has no bound. The answer is that of
    ``scipy.optimize.minimize(method="SLSQP", options={"maxiter": maxiter, "ftol": ftol})``
    on the same problem: identical iterates on the scipy versions :func:`_drive` follows,
    scipy's own call on the others.
    """
    x0 = np.asarray(x0, dtype=float).reshape(-1)
    if _CORE is None:
        return _through_minimize(fun, grad, x0, lower, upper, eq, ineq, maxiter, ftol)
    return _drive(_CORE, fun, grad, x0, lower, upper, eq, ineq, maxiter, ftol)


def _drive(core, fun, grad, x0, lower, upper, eq, ineq, maxiter, ftol) -> SlsqpRun:
    """scipy 1.17's ``_minimize_slsqp`` loop, with exact derivatives and without its wrappers."""
    n = x0.size
    meq = eq[2] if eq is not None else 0
    m = meq + (ineq[2] if ineq is not None else 0)
    x = np.clip(x0, lower, upper)
    xl, xu = np.array(lower, dtype=float), np.array(upper, dtype=float)
    xl[~np.isfinite(xl)] = np.nan  # what the C routine reads as "no bound"
    xu[~np.isfinite(xu)] = np.nan
    state = {
        "acc": ftol,
        "alpha": 0.0,
        "f0": 0.0,
        "gs": 0.0,
        "h1": 0.0,
        "h2": 0.0,
        "h3": 0.0,
        "h4": 0.0,
        "t": 0.0,
        "t0": 0.0,
        "tol": 10.0 * ftol,
        "exact": 0,
        "inconsistent": 0,
        "reset": 0,
        "iter": 0,
        "itermax": int(maxiter),
        "line": 0,
        "m": m,
        "meq": meq,
        "mode": 0,
        "n": n,
    }
    indices = np.zeros(max(m + 2 * n + 2, 1), dtype=np.int32)
    size = n * (n + 1) // 2 + 3 * m * n - (m + 5 * n + 7) * meq + 9 * m + 8 * n * n + 35 * n + meq * meq + 28
    if m == meq:  # no inequality rows: scipy tops the workspace up for the missing terms
        size += 2 * n * (n + 1)
    buffer = np.zeros(max(size, 1), dtype=np.float64)
    mult = np.zeros(max(1, m + 2 * n + 2), dtype=np.float64)
    C = np.zeros((max(1, m), n), dtype=np.float64, order="F")
    d = np.zeros(max(1, m), dtype=np.float64)

    def values(x: np.ndarray) -> None:
        if eq is not None:
            d[:meq] = np.asarray(eq[0](x), dtype=float).reshape(-1)
        if ineq is not None:
            np.negative(np.asarray(ineq[0](x), dtype=float).reshape(-1), out=d[meq:m])

    def normals(x: np.ndarray) -> None:
        if eq is not None:
            C[:meq] = np.asarray(eq[1](x), dtype=float).reshape(meq, n)
        if ineq is not None:
            np.negative(np.asarray(ineq[1](x), dtype=float).reshape(m - meq, n), out=C[meq:m])

    fx = _scalar(fun(x.copy()))
    g = np.asarray(grad(x.copy()), dtype=float).reshape(n)
    normals(x)
    values(x)
    while True:
        core(state, fx, g, C, d, x, mult, xl, xu, buffer, indices)
        mode = state["mode"]
        if mode == 1:
            fx = _scalar(fun(x.copy()))
            values(x)
        elif mode == -1:
            g = np.asarray(grad(x.copy()), dtype=float).reshape(n)
            normals(x)
        else:
            break
    return SlsqpRun(
        x=x,
        fun=fx,
        nit=int(state["iter"]),
        status=int(mode),
        success=mode == 0,
        message=_EXIT_MODES.get(mode, f"exit mode {mode}"),
        multipliers=mult[:m].copy(),
    )


def _scalar(value) -> float:
    """f as a float, by scipy's rule: a one-element array is read as its element."""
    return float(value) if np.isscalar(value) else float(np.asarray(value).item())


def _through_minimize(fun, grad, x0, lower, upper, eq, ineq, maxiter, ftol) -> SlsqpRun:
    """The same run through the public :func:`scipy.optimize.minimize`."""
    constraints = []
    if eq is not None:
        constraints.append({"type": "eq", "fun": eq[0], "jac": eq[1]})
    if ineq is not None:
        g, g_jac = ineq[0], ineq[1]
        constraints.append({"type": "ineq", "fun": lambda z: -g(z), "jac": lambda z: -g_jac(z)})
    bounded = np.isfinite(lower) | np.isfinite(upper)
    bounds = None
    if bounded.any():  # without any, scipy skips converting them
        bounds = [
            (float(lo) if np.isfinite(lo) else None, float(hi) if np.isfinite(hi) else None)
            for lo, hi in zip(lower, upper)
        ]
    res = _scipy_minimize(
        fun,
        x0,
        jac=grad,
        method="SLSQP",
        bounds=bounds,
        constraints=constraints,
        options={"maxiter": int(maxiter), "ftol": ftol},
    )
    m = (eq[2] if eq is not None else 0) + (ineq[2] if ineq is not None else 0)
    y = np.asarray(getattr(res, "multipliers", np.zeros(m)), dtype=float)
    if y.size != m:  # scipy before 1.15 returns no multipliers
        y = np.zeros(m)
    return SlsqpRun(
        x=np.asarray(res.x, dtype=float),
        fun=float(res.fun),
        nit=int(getattr(res, "nit", 0)),
        status=int(res.status),
        success=bool(res.success),
        message=str(res.message),
        multipliers=y,
    )
