"""check_kkt(): the KKT conditions of any candidate point, with residuals, multipliers and LICQ.

Standard form (DESIGN.md): minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0, bounds written as
``lower:x`` (lo − x <= 0) and ``upper:x`` (x − hi <= 0); L = f + Σ μ_i g_i + Σ λ_j h_j with
μ >= 0, and a maximize problem read as minimize −f.

Two paths share one report: a numeric path (float64, compiled callables, NNLS multiplier
estimates) and an exact path (sympy arithmetic, exact zero tests, exact multipliers) taken
when the point and the problem contain no floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from scipy.optimize import nnls

from ._linalg import eigh, null_space, rank_and_null_space
from ._sympy_derivatives import partial_derivatives
from .errors import NotSmoothError
from .exact_sign import EXACT_DIGITS as _EXACT_DIGITS
from .exact_sign import exact_sign
from .numeric_form import FirstOrder, NumericForm, kkt_residuals, scaled_residuals
from .polynomial_systems import reduce_algebraic
from .problem import BaseProblem, Constraint, Problem
from .result import RESIDUAL_NAMES, KKTReport
from .sparse_form import is_large_sparse
from .sparse_kkt import sparse_check
from .symbolic_second_order import second_order_by_margin

__all__ = ["check_kkt", "check_kkt_at"]

_EXACT_ZERO = 1e-30


# ----------------------------------------------------------------------------- inputs
def _is_exact_number(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, sp.Basic) and value.is_number and not value.has(sp.Float)


def _point_values(problem: BaseProblem, point: Any) -> list[Any]:
    """The point's values in variable order, from a dict ``{Symbol or name: value}`` or an array."""
    variables = problem.variables
    if isinstance(point, Mapping):
        by_name = {v.name: v for v in variables}
        values: dict[sp.Symbol, Any] = {}
        for key, value in point.items():
            var = by_name.get(key) if isinstance(key, str) else key
            if var not in variables:
                raise ValueError(
                    f"point has a value for {key!r}, which is not a variable; variables are "
                    f"{[v.name for v in variables]}"
                )
            values[var] = value
        missing = [v.name for v in variables if v not in values]
        if missing:
            raise ValueError(f"point is missing values for {missing}; give every variable a value")
        out = [values[v] for v in variables]
    else:
        if point is None or isinstance(point, str):
            raise ValueError(f"point must be a dict {{variable: value}} or an array, got {point!r}")
        arr = point.ravel().tolist() if isinstance(point, np.ndarray) else list(np.atleast_1d(point))
        if len(arr) != len(variables):
            raise ValueError(
                f"point has {len(arr)} values but the problem has {len(variables)} variables "
                f"{[v.name for v in variables]}"
            )
        out = arr
    for var, value in zip(variables, out):
        if isinstance(value, sp.Basic):
            if not value.is_number:
                raise ValueError(f"point value of {var} must be a number, got {value}")
            if value.has(sp.I) or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                raise ValueError(f"point value of {var} must be real and finite, got {value}")
        else:
            _check_finite_float(value, f"point value of {var.name}")
    return out


def _check_finite_float(value: Any, what: str) -> None:
    """``ValueError`` naming ``what`` unless ``float(value)`` works and is finite."""
    try:
        fv = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(fv):
        raise ValueError(f"{what} must be finite, got {value!r}")


def _constraint_names(problem: BaseProblem) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(equality names, inequality names followed by bound names) in report order."""
    return problem.eq_names, problem.ineq_names + problem.bound_names


def _multiplier_values(
    problem: BaseProblem, multipliers: Mapping[str, Any] | None
) -> tuple[list[Any], list[Any]] | None:
    if multipliers is None:
        return None
    if not isinstance(multipliers, Mapping):
        raise ValueError(
            "multipliers must be a dict {constraint name: value} (bounds as 'lower:x'/'upper:x'), "
            f"got {type(multipliers).__name__}"
        )
    eq_names, in_names = _constraint_names(problem)
    known = set(eq_names) | set(in_names)
    unknown = [k for k in multipliers if k not in known]
    if unknown:
        valid = sorted(known)
        listed = valid if len(valid) <= 12 else [*valid[:12], f"… ({len(valid)} names in all)"]
        raise ValueError(f"multipliers has unknown names {unknown[:12]}; valid names are {listed}")
    for key, value in multipliers.items():
        if not isinstance(value, sp.Basic):
            _check_finite_float(value, f"multiplier {key!r}")
    return [multipliers.get(n, 0) for n in eq_names], [multipliers.get(n, 0) for n in in_names]


def _uses_floats(problem: Problem) -> bool:
    """Float literals in the objective or constraints (bounds are read exactly, 0.5 as 1/2)."""
    return any(e.has(sp.Float) for e in [problem.objective, *(c.expr for c in problem.constraints)])


# --------------------------------------------------------------- second-order decision
def _cone_verdict(
    hz: Any, weak: np.ndarray, hz_all: Any, zero: float, eig: Callable[[Any], tuple[np.ndarray, np.ndarray]]
) -> bool | None:
    """Sign of dᵀHd on the critical cone C = {Z c : W c <= 0}.

    ``hz`` is ZᵀHZ for a basis Z of the tangent space of the equalities and strongly active
    inequalities, ``weak`` the gradients W of the weakly active inequalities in Z-coordinates
    (rows), and ``hz_all`` the reduced Hessian on the subspace where also W c = 0. By Sylvester's
    law of inertia the signs do not depend on the choice of bases. ``eig`` returns ascending
    eigenvalues and eigenvectors. Returns True if dᵀHd > 0 on C∖{0} (sufficient condition),
    False if some d ∈ C has dᵀHd < 0 (necessary condition fails), None if undecided.
    """
    if hz.shape[0] == 0:
        return True
    evals, evecs = eig(hz)
    if evals[0] > zero:
        return True
    if hz_all.shape[0] and eig(hz_all)[0][0] < -zero:
        return False
    for k in np.flatnonzero(evals < -zero):
        slopes = weak @ evecs[:, k]
        if np.all(slopes <= zero) or np.all(slopes >= -zero):
            return False
    return None


# ------------------------------------------------------------------------ numeric path
def _estimate_numeric(ev: FirstOrder, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers minimizing ‖∇f + J_hᵀλ + J_Aᵀμ‖₂ with μ_A >= 0, λ free, μ = 0 off A."""
    n = ev.grad.size
    a = ev.grad
    eht = ev.jh.T
    mu = np.zeros(ev.g.size)
    if eht.shape[1]:
        u, s, _ = np.linalg.svd(eht, full_matrices=False)
        q = u[:, s > 1e-12 * max(1.0, s[0] if s.size else 0.0)]
    else:
        q = np.zeros((n, 0))

    def project(v: np.ndarray) -> np.ndarray:
        return v - q @ (q.T @ v)

    if active.size:
        gat = project(ev.jg[active].T)
        norms = np.linalg.norm(gat, axis=0)
        use = norms > 1e-14 * max(1.0, float(np.max(norms, initial=0.0)))
        if np.any(use):
            coef, _ = nnls(gat[:, use] / norms[use], -project(a), maxiter=50 * (int(use.sum()) + 1))
            mu[active[use]] = coef / norms[use]
    if eht.shape[1]:
        rhs = -(a + ev.jg.T @ mu)
        lam = np.linalg.lstsq(eht, rhs, rcond=None)[0]
    else:
        lam = np.zeros(0)
    return lam, mu


@np.errstate(all="ignore")  # undefined values and overflowing residuals are reported in words
def _check_numeric(
    form: NumericForm,
    x: np.ndarray,
    mults: tuple[Sequence[Any], Sequence[Any]] | None,
    tol: float,
    second_order: bool,
) -> KKTReport:
    """The numeric check of the problem of ``form`` (of f itself: ``form`` has objective scale 1)."""
    eq_names, in_names = form.eq_names, form.ineq_names
    try:
        ev = form.first_order(x)
    except NotSmoothError as exc:
        return _unchecked_report(str(exc), mults, eq_names, in_names, tol)
    f = form.f(x)
    # one sum is NaN or inf when any entry is (or, rarely, when finite entries overflow)
    if not math.isfinite(f + ev.grad.sum() + ev.h.sum() + ev.jh.sum() + ev.g.sum() + ev.jg.sum()):
        undefined = _undefined_piece(f, ev, eq_names, in_names, lambda v: not math.isfinite(v))
        if undefined is not None:
            return _unchecked_report(_undefined_message(undefined), mults, eq_names, in_names, tol)
    active = np.flatnonzero(ev.g >= -tol * ev.g_scales)
    estimated = mults is None
    if estimated:
        lam, mu = _estimate_numeric(ev, active)
    else:
        lam = np.array([float(v) for v in mults[0]], dtype=float)
        mu = np.array([float(v) for v in mults[1]], dtype=float)
    residuals, scaled = kkt_residuals(ev, lam, mu)
    rows = np.vstack([ev.jh, ev.jg[active]])
    rank, tangent = rank_and_null_space(rows, x.size)  # tangent: of all the active rows
    licq = rank == rows.shape[0]
    so = (
        _second_order_numeric(form, x, ev, lam, mu, active, tol, tangent)
        if _wants_second_order(second_order, scaled, tol)
        else None
    )
    return _report(
        residuals,
        scaled,
        dict(zip(eq_names, lam.tolist())) | dict(zip(in_names, mu.tolist())),
        tuple(in_names[i] for i in active),
        licq,
        so,
        tol,
        estimated,
    )


def check_kkt_at(
    form: NumericForm,
    x: np.ndarray,
    multipliers: tuple[np.ndarray, np.ndarray] | None,
    *,
    tol: float,
    second_order: bool = False,
) -> KKTReport:
    """:func:`check_kkt` for the solvers, on their already compiled form and checked numbers.

    The report is on ``form.problem`` itself (its f, whatever ``form.objective_scale`` is):
    ``x`` a finite float array in variable order, ``multipliers`` those of f as (λ in equality
    order, μ for the inequalities then the bounds, per variable lower then upper), or None to
    estimate them. Always the numeric check; the input validation of :func:`check_kkt` is
    skipped, and ``second_order`` is as there.
    """
    if form.objective_scale != 1.0:
        form = NumericForm(form.problem)
    return _check_numeric(form, np.asarray(x, dtype=float), multipliers, tol, second_order)


def _wants_second_order(requested: bool, scaled: Mapping[str, float], tol: float) -> bool:
    """The second-order test needs multipliers that make ∇L vanish with μ >= 0."""
    return requested and scaled["stationarity"] <= tol and scaled["dual_feasibility"] <= tol


def _second_order_numeric(
    form: NumericForm,
    x: np.ndarray,
    ev: FirstOrder,
    lam: np.ndarray,
    mu: np.ndarray,
    active: np.ndarray,
    tol: float,
    active_null_space: np.ndarray,
) -> bool | None:
    """The second-order verdict; ``active_null_space`` is the null space of the equality and
    active inequality gradients (the tangent space when every active multiplier is strong)."""
    cp = form.cp
    m_in = len(cp.ineq_names)
    hess = cp.lagrangian_hessian(x, lam, mu[:m_in])
    if not np.isfinite(hess).all():
        return None  # the Hessian is undefined here: the second-order test cannot decide
    mu_scale = max(1.0, float(np.max(np.abs(mu), initial=0.0)))
    strong = active[mu[active] > tol * mu_scale]
    weak = active[mu[active] <= tol * mu_scale]
    z = null_space(np.vstack([ev.jh, ev.jg[strong]]), x.size) if weak.size else active_null_space
    return _reduced_verdict(
        np.asarray(hess, float), z, ev.jg[weak], tol * max(1.0, float(np.max(np.abs(hess), initial=0.0)))
    )


def _reduced_verdict(hess: np.ndarray, z: np.ndarray, weak: np.ndarray, zero: float) -> bool | None:
    """The verdict of :func:`_cone_verdict` with ``z`` a basis of the tangent space of the
    equalities and strongly active inequalities and ``weak`` the weakly active gradients."""
    hz = z.T @ hess @ z
    wz = weak @ z
    z_all = null_space(wz, z.shape[1])
    return _cone_verdict(hz, wz, z_all.T @ hz @ z_all, zero, eigh)


# -------------------------------------------------------------------------- exact path
def tidy_exact(value: sp.Expr) -> sp.Expr:
    """An exact number in a canonical form, exactly 0 when it is zero."""
    value = sp.sympify(value)
    if value.has(sp.CRootOf):  # exact and fast for polynomials in one algebraic number
        reduced = reduce_algebraic(value)
        if reduced is not None:
            return reduced
    value = sp.expand(sp.radsimp(value))
    if value == 0:
        return sp.Integer(0)
    approx = value.evalf(_EXACT_DIGITS)
    if abs(approx) > _EXACT_ZERO:
        return value
    simple = sp.simplify(value)
    if simple == 0 or simple.equals(0):
        return sp.Integer(0)
    return simple


def _exact_max(values: Sequence[sp.Expr]) -> sp.Expr:
    """max of non-negative exact numbers, exactly (0 for an empty list)."""
    best: sp.Expr = sp.Integer(0)
    best_val = 0.0
    for v in values:
        v = tidy_exact(v)
        fv = float(v.evalf(_EXACT_DIGITS))
        if fv > best_val:
            best, best_val = v, fv
    return best


def _evaluate_exact(problem: Problem, values: Sequence[Any]) -> FirstOrder:
    """First-order data of the minimize-form problem at an exact point, as sympy matrices."""
    subs = dict(zip(problem.variables, (sp.sympify(v) for v in values)))
    xs = problem.variables

    def at(expr: sp.Expr) -> sp.Expr:
        return tidy_exact(expr.xreplace(subs))

    ineqs: tuple[Constraint, ...] = problem.all_inequalities()
    f = problem.minimize_objective
    return FirstOrder(
        grad=sp.Matrix([at(d) for d in partial_derivatives(f, xs)]),
        h=[at(c.expr) for c in problem.equalities],
        jh=sp.Matrix(
            len(problem.equalities),
            len(xs),
            [at(d) for c in problem.equalities for d in partial_derivatives(c.expr, xs)],
        ),
        g=[at(c.expr) for c in ineqs],
        jg=sp.Matrix(len(ineqs), len(xs), [at(d) for c in ineqs for d in partial_derivatives(c.expr, xs)]),
    )


def _column(values: Sequence[Any]) -> sp.Matrix:
    return sp.Matrix(len(values), 1, list(values))


def _rows(matrix: sp.Matrix, rows: Sequence[int]) -> sp.Matrix:
    return matrix.extract(list(rows), list(range(matrix.shape[1])))


def _estimate_exact(ev: FirstOrder, active: list[int]) -> tuple[list[sp.Expr], list[sp.Expr]] | None:
    """Exact multipliers with stationarity exactly 0 and μ_A >= 0, or None if none is found.

    When the multipliers are not unique, the free ones are set to 0.
    """
    m_e, m_i = len(ev.h), len(ev.g)
    unknowns = list(sp.symbols(f"_lam0:{m_e}")) + list(sp.symbols(f"_mu0:{len(active)}"))
    columns = ev.jh.T.row_join(_rows(ev.jg, active).T)
    residual = ev.grad + columns * _column(unknowns)
    if not unknowns:
        return ([], [sp.Integer(0)] * m_i) if all(tidy_exact(c) == 0 for c in residual) else None
    solutions = sp.linsolve(list(residual), unknowns)
    if not solutions:
        return None
    (sol,) = solutions
    sol = [tidy_exact(s.xreplace(dict.fromkeys(unknowns, 0))) for s in sol]
    mu_vals = [sp.Integer(0)] * m_i
    for i, v in zip(active, sol[m_e:]):
        if exact_sign(v) < 0:
            return None
        mu_vals[i] = v
    return sol[:m_e], mu_vals


def _check_exact(
    problem: Problem,
    values: list[Any],
    mults: tuple[list[Any], list[Any]] | None,
    tol: float,
    second_order: bool,
) -> KKTReport:
    ev = _evaluate_exact(problem, values)
    eq_names, in_names = _constraint_names(problem)
    f = problem.minimize_objective.xreplace(dict(zip(problem.variables, map(sp.sympify, values))))
    undefined = _undefined_piece(f, ev, eq_names, in_names, _exact_undefined)
    if undefined is not None:
        return _unchecked_report(_undefined_message(undefined), mults, eq_names, in_names, tol)
    fl = _to_float(ev)
    active = [i for i, gi in enumerate(ev.g) if exact_sign(gi) >= 0]
    estimated = mults is None
    if mults is not None:
        lam, mu = [sp.sympify(v) for v in mults[0]], [sp.sympify(v) for v in mults[1]]
    elif (found := _estimate_exact(ev, active)) is not None:
        lam, mu = found
    else:
        # no exact multipliers exist: the NNLS estimate shows by how much stationarity fails
        lam_f, mu_f = _estimate_numeric(fl, np.array(active, dtype=int))
        lam, mu = [sp.Float(v) for v in lam_f], [sp.Float(v) for v in mu_f]
    r = ev.grad + ev.jh.T * _column(lam) + ev.jg.T * _column(mu)
    stat = _exact_max([abs(tidy_exact(c)) for c in r])
    primal = _exact_max([sp.Max(gi, 0) for gi in ev.g] + [abs(hj) for hj in ev.h])
    dual = _exact_max([sp.Max(-m, 0) for m in mu])
    comp = _exact_max([abs(tidy_exact(m * gi)) for m, gi in zip(mu, ev.g)])
    scaled = scaled_residuals(fl, (float(stat), float(primal), float(dual), float(comp)))
    rows = ev.jh.col_join(_rows(ev.jg, active))
    licq = _rank(rows) == rows.shape[0]
    so = (
        second_order_exact(problem, values, lam, mu, active)
        if _wants_second_order(second_order, scaled, tol)
        else None
    )
    return _report(
        (stat, primal, dual, comp),
        scaled,
        dict(zip(eq_names, lam)) | dict(zip(in_names, mu)),
        tuple(in_names[i] for i in active),
        licq,
        so,
        tol,
        estimated,
    )


def _to_float(ev: FirstOrder) -> FirstOrder:
    def arr(m: Any, rows: int, cols: int | None = None) -> np.ndarray:
        flat = np.array([float(v) for v in m], dtype=float)
        return flat.reshape(rows) if cols is None else flat.reshape(rows, cols)

    n = ev.grad.shape[0]
    return FirstOrder(
        grad=arr(ev.grad, n),
        h=arr(ev.h, len(ev.h)),
        jh=arr(ev.jh, len(ev.h), n),
        g=arr(ev.g, len(ev.g)),
        jg=arr(ev.jg, len(ev.g), n),
    )


def _eig_exact(matrix: sp.Matrix) -> tuple[np.ndarray, np.ndarray]:
    """Ascending eigenvalues and eigenvectors of a symmetric exact matrix, at 50 digits."""
    with mpmath.workdps(_EXACT_DIGITS):
        m = mpmath.matrix([[mpmath.mpf(str(sp.N(v, _EXACT_DIGITS))) for v in row] for row in matrix.tolist()])
        evals, evecs = mpmath.eigsy(m)
        k = matrix.shape[0]
        order = sorted(range(k), key=lambda i: evals[i])
        vals = np.array([float(evals[i]) for i in order])
        vecs = np.array([[float(evecs[r, i]) for i in order] for r in range(k)])
    return vals, vecs


def _is_exact_zero(value: sp.Expr) -> bool:
    return tidy_exact(value) == 0


def _rank(rows: sp.Matrix) -> int:
    """The exact rank (zero tests by :func:`tidy_exact` for ``CRootOf`` entries)."""
    if rows.has(sp.CRootOf):
        return rows.rank(iszerofunc=_is_exact_zero)
    return rows.rank(simplify=True)


def _basis(rows: sp.Matrix, n: int) -> sp.Matrix:
    """Exact basis (columns) of {d : rows·d = 0}."""
    if rows.shape[0] == 0:
        return sp.eye(n)
    if rows.has(sp.CRootOf):  # exact zero tests in Q[θ]/(Q) instead of simplify
        null = rows.nullspace(iszerofunc=_is_exact_zero)
    else:
        null = rows.nullspace(simplify=True)
    return sp.Matrix.hstack(*null) if null else sp.zeros(n, 0)


def second_order_exact(
    problem: Problem,
    values: Sequence[Any],
    lam: Sequence[sp.Expr],
    mu: Sequence[sp.Expr],
    active: Sequence[int],
    *,
    negate: bool = False,
    by_margin: bool = True,
) -> bool | None:
    """Second-order test of L (of −L when ``negate``) on the critical cone at an exact point.

    ``mu`` covers the inequalities followed by the bounds, ``active`` indexes into it. True:
    dᵀ∇²L d > 0 on the cone minus 0; False: negative for some d of the cone; None: undecided.
    With ``by_margin`` the 50-digit verdict of
    :func:`lagrangekit.symbolic_second_order.second_order_by_margin` is taken first when it
    clears its margin (for −L only without active inequalities, where its "local max" is the
    test of −L); otherwise, or with ``by_margin=False`` (the reference), exact null spaces and
    reduced Hessians with exact zero tests decide, which is slow on ``CRootOf`` points.
    """
    if by_margin and (not negate or not active):
        verdict = second_order_by_margin(problem, values, lam, mu, active)
        if verdict is not None:
            return verdict == ("local max" if negate else "local min")
    subs = dict(zip(problem.variables, (sp.sympify(v) for v in values)))
    xs = list(problem.variables)
    m_in = len(problem.inequalities)
    lagr = problem.minimize_objective
    lagr += sum((lj * c.expr for lj, c in zip(lam, problem.equalities)), sp.Integer(0))
    lagr += sum((mi * c.expr for mi, c in zip(mu[:m_in], problem.inequalities)), sp.Integer(0))
    hess = sp.hessian(lagr, xs).xreplace(subs).applyfunc(tidy_exact)
    if negate:
        hess = -hess
    ev = _evaluate_exact(problem, values)
    strong = [i for i in active if exact_sign(mu[i]) != 0]
    weak = [i for i in active if exact_sign(mu[i]) == 0]
    z = _basis(ev.jh.col_join(_rows(ev.jg, strong)), len(xs))
    if z.shape[1] == 0:
        return True
    hz = (z.T * hess * z).applyfunc(tidy_exact)
    wz = (_rows(ev.jg, weak) * z).applyfunc(tidy_exact)
    n_all = _basis(wz, z.shape[1])
    hz_all = (n_all.T * hz * n_all).applyfunc(tidy_exact)
    weak_np = np.array([[float(v) for v in row] for row in wz.tolist()]).reshape(len(weak), z.shape[1])
    return _cone_verdict(hz, weak_np, hz_all, _EXACT_ZERO, _eig_exact)


# ------------------------------------------------------------- points outside the domain
def _exact_undefined(value: sp.Expr) -> bool:
    return bool(value.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I)) or value.is_real is False


def _undefined_piece(
    f: Any, ev: FirstOrder, eq_names: Sequence[str], in_names: Sequence[str], bad: Callable[[Any], bool]
) -> tuple[str, Any] | None:
    """(description, value) of the first value or gradient entry (objective ``f``, then ``ev``)
    that ``bad`` calls undefined."""
    n = len(ev.grad)
    pieces: list[tuple[str, Any]] = [("the objective", f)]
    pieces.extend(("the gradient of the objective", v) for v in ev.grad)
    for names, values, jac in ((eq_names, ev.h, ev.jh), (in_names, ev.g, ev.jg)):
        for i, name in enumerate(names):
            pieces.append((f"constraint {name!r}", values[i]))
            pieces.extend((f"the gradient of constraint {name!r}", jac[i, j]) for j in range(n))
    return next(((what, v) for what, v in pieces if bad(v)), None)


def _undefined_message(piece: tuple[str, Any]) -> str:
    what, value = piece
    return (
        f"not checked: {what} is {value} at this point, which lies outside the domain of the "
        "problem's functions (as log of a negative number or division by zero); the KKT residuals "
        "are undefined here and reported as inf"
    )


def _unchecked_report(
    reason: str,
    mults: tuple[list[Any], list[Any]] | None,
    eq_names: Sequence[str],
    in_names: Sequence[str],
    tol: float,
) -> KKTReport:
    """A failing report for a point where the KKT conditions cannot be evaluated, saying why."""
    given = {} if mults is None else dict(zip(eq_names, mults[0])) | dict(zip(in_names, mults[1]))
    inf = math.inf
    return KKTReport(
        stationarity=inf,
        primal_feasibility=inf,
        dual_feasibility=inf,
        complementary_slackness=inf,
        multipliers=given,
        tol=tol,
        scaled=dict.fromkeys(RESIDUAL_NAMES, inf),
        message=reason,
    )


# ------------------------------------------------------------------------------ report
def _report(
    residuals: tuple[Any, Any, Any, Any],
    scaled: Mapping[str, float],
    multipliers: Mapping[str, Any],
    active: tuple[str, ...],
    licq: bool,
    second_order: bool | None,
    tol: float,
    estimated: bool,
) -> KKTReport:
    """Assemble the report and explain every failure in its message."""
    notes = []
    # the point and the function values are finite here (undefined points are reported before),
    # so a non-finite residual overflowed: NaN from inf − inf, or inf where a fused multiply-add
    # kept one product exact (which one depends on the CPU's BLAS kernel)
    if any(isinstance(v, float) and not math.isfinite(v) for v in (*residuals, *scaled.values())):
        notes.append("a residual overflowed float64; it is reported as inf")
        residuals = tuple(math.inf if isinstance(v, float) and math.isnan(v) else v for v in residuals)
        scaled = {k: math.inf if math.isnan(v) else v for k, v in scaled.items()}
    stat, primal, dual, comp = residuals
    residual = dict(zip(RESIDUAL_NAMES, residuals))
    for name in RESIDUAL_NAMES:
        value = float(scaled.get(name, residual[name]))
        if value > tol:
            notes.append(f"{name.replace('_', ' ')} fails (scaled residual {value:.3g} > tol {tol:g})")
    stationary = float(scaled["stationarity"]) <= tol
    if not stationary and estimated:
        notes.append(
            "no multipliers with μ >= 0 on the active constraints "
            f"({', '.join(active) or 'none'}) make ∇L vanish"
        )
    if not licq:
        if stationary:
            notes.append(
                "LICQ fails (active gradients are linearly dependent), so the multipliers are not unique"
            )
        else:
            notes.append(
                "LICQ fails (active gradients are linearly dependent): a minimizer need not be a KKT "
                "point here (as at a cusp), and multipliers may not exist"
            )
    if second_order is False:
        notes.append("second-order necessary condition fails: L has negative curvature on the critical cone")
    if not notes:
        notes.append("KKT conditions hold" + (" with estimated multipliers" if estimated else ""))
        if second_order is True:
            notes.append(
                "second-order sufficient condition holds (a strict local minimizer of the minimize form)"
            )
    return KKTReport(
        stationarity=stat,
        primal_feasibility=primal,
        dual_feasibility=dual,
        complementary_slackness=comp,
        multipliers=multipliers,
        active=active,
        licq=licq,
        second_order=second_order,
        tol=tol,
        scaled=scaled,
        message="; ".join(notes),
    )


def check_kkt(
    problem: Problem,
    point: Any,
    multipliers: Mapping[str, Any] | None = None,
    *,
    tol: float = 1e-6,
    second_order: bool = False,
) -> KKTReport:
    """Check the KKT conditions of ``problem`` at ``point``.

    The problem is read in standard form: minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0, with
    finite bounds as the inequalities ``lower:x`` (lo − x <= 0) and ``upper:x`` (x − hi <= 0),
    and L = f + Σ μ_i g_i + Σ λ_j h_j, μ >= 0. A maximize problem is read as minimize −f, so
    its multipliers are those of the −f form.

    Parameters
    ----------
    problem : Problem or FunctionProblem
        A problem without parameters (or one built from callables by
        :func:`lagrangekit.from_functions`, always checked numerically).
    point : dict or array_like
        ``{Symbol or name: value}`` or values in ``problem.variables`` order. When every
        value is exact (ints, Rationals, ``sqrt(2)/2``) and the problem has no floats, the
        check is exact: residuals are sympy numbers, exactly 0 where they vanish.
    multipliers : dict, optional
        ``{constraint name: value}``, bounds as ``"lower:x"``/``"upper:x"``; missing names
        count as 0. Without them the multipliers are estimated over the constraints active
        within ``tol``: non-negative least squares for inequalities and bounds, free sign for
        equalities (exact solving on the exact path).
    tol : float, default 1e-6
        Tolerance of every condition. An inequality is active when
        g_i >= −tol·max(1, ‖∇g_i‖∞).
    second_order : bool, default False
        Also check the reduced Hessian of L on the critical cone (only when stationarity and
        dual feasibility hold: the test needs valid multipliers; otherwise it reports None).

    Returns
    -------
    KKTReport
        Absolute residuals and scaled ones (stationarity, dual feasibility and complementary
        slackness divided by max(1, ‖∇f‖∞); each constraint violation by max(1, ‖∇c‖∞): the
        one measure of :func:`lagrangekit.numeric_form.kkt_residuals`, which the solvers rank by);
        :attr:`KKTReport.ok` compares the scaled ones with ``tol``. Also the multipliers,
        the active set, LICQ, the second-order verdict (True: sufficient conditions hold;
        False: necessary conditions fail; None: undecided or not checked) and a message
        explaining any failure.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> y = sp.Symbol("y", real=True)
    >>> report = lk.check_kkt(lk.minimize((y - 1)**2, {"floor": y >= 3}), {y: 3})
    >>> report.ok, report.multipliers["floor"]
    (True, 4)
    """
    if not isinstance(problem, BaseProblem):
        raise ValueError(f"problem must be a lagrangekit Problem, got {type(problem).__name__}")
    if isinstance(problem, Problem):
        problem.require_variables("check_kkt")
    try:
        tol = float(tol)
    except (TypeError, ValueError):
        raise ValueError(f"tol must be a positive number, got {tol!r}") from None
    if not (tol > 0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a positive finite number, got {tol}")
    if problem.parameters:
        raise ValueError(
            f"problem has parameters {[p.name for p in problem.parameters]}; give them values with "
            "problem.subs({...}) before checking a point"
        )
    regroup = getattr(problem, "group_report", None)  # a matrix-form problem: {w: array}, arrays
    if regroup is not None:
        point, multipliers = problem.scalar_inputs(point, multipliers)
    values = _point_values(problem, point)
    mults = _multiplier_values(problem, multipliers)
    exact = problem.is_symbolic and all(_is_exact_number(v) for v in values) and not _uses_floats(problem)
    if exact and mults is not None:
        exact = all(_is_exact_number(v) for v in [*mults[0], *mults[1]])
    if exact:
        return _check_exact(problem, values, mults, tol, second_order)
    x = np.array([float(v) for v in values])
    if is_large_sparse(problem):  # n >= 500 with sparse derivatives: no dense n×n matrix
        return sparse_check(problem, x, mults, tol=tol, second_order=bool(second_order))
    report = _check_numeric(NumericForm(problem), x, mults, tol, bool(second_order))
    return report if regroup is None else regroup(report)
