"""Lagrange duality: the dual function g(λ, μ) = inf_x L, its maximization, the gap, and Slater points.

Conventions (DESIGN.md): the primal is read in minimize form, minimize f s.t. g_i <= 0,
h_j = 0, with the finite bounds as inequalities ``lower:x`` (lo − x <= 0) and ``upper:x``
(x − hi <= 0). L = f + Σ μ_i g_i + Σ λ_j h_j, and the dual problem is
maximize g(λ, μ) = inf_x L(x, λ, μ) over μ >= 0. Weak duality g(λ, μ) <= p* always holds;
strong duality (g* = p*) holds for convex problems that satisfy Slater's condition.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp
from scipy.optimize import minimize as _scipy_minimize

from .cvxpy_export import quadratic_parts
from .errors import NotConvexError
from .problem import Constraint, Problem
from .result import Result
from .solvers.form import Multipliers, NumericForm
from .solvers.phase_one import phase_one
from .solvers.threads import single_blas_thread

__all__ = ["DualProblem", "SlaterReport", "dual", "duality_gap", "slater_point"]

_PSD_TOL = 1e-10


@dataclass(frozen=True)
class SlaterReport:
    """Whether Slater's condition holds, with a strictly feasible point when it does.

    Attributes
    ----------
    holds : bool
        True when a point was found that satisfies h = 0, the affine inequalities and
        bounds, and every non-affine inequality strictly (refined Slater condition).
    x : numpy.ndarray or None
        That point, in variable order; None when none was found.
    point : Mapping or None
        The same point keyed by variable.
    margin : float
        The phase-I optimum s* = max over non-affine g_i at the best point (negative when
        strict; for problems without non-affine inequalities, the constraint violation).
    convex : bool or None
        Whether the problem was shown convex (cvxpy export succeeded); Slater's theorem
        implies strong duality only for convex problems.
    message : str
        The reason, in words.
    """

    holds: bool
    x: np.ndarray | None
    point: Mapping[Any, float] | None
    margin: float
    convex: bool | None
    message: str

    def __bool__(self) -> bool:
        return self.holds


def _is_affine(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    return all(sp.simplify(sp.diff(expr, a, b)) == 0 for i, a in enumerate(variables) for b in variables[i:])


def _convex(problem: Problem) -> bool | None:
    if not problem.is_symbolic:
        return None
    try:
        problem.to_cvxpy()
    except NotConvexError:
        return False
    return True


def slater_point(problem: Problem, *, x0: Any = None) -> SlaterReport:
    """Look for a Slater point by the phase-I solve min s s.t. g_i(x) <= s, h(x) = 0.

    Only the non-affine inequalities need to hold strictly (the refined Slater condition);
    affine inequalities, bounds and equalities only need to hold. The phase-I problem keeps
    s >= −1, so the margin reported is at least −1.

    Parameters
    ----------
    problem : Problem
    x0 : array-like, optional
        Start of the phase-I solve (zeros by default).

    Returns
    -------
    SlaterReport
        ``holds``, the point (or None) and the reason.
    """
    form = NumericForm(problem)
    start = form.start(x0)
    convex = _convex(problem)
    if problem.is_symbolic:
        nonaffine = [
            i for i, c in enumerate(problem.inequalities) if not _is_affine(c.expr, problem.variables)
        ]
        eq_affine = all(_is_affine(c.expr, problem.variables) for c in problem.equalities)
    else:
        nonaffine, eq_affine = list(range(len(problem.inequalities))), None
    starts = [start, form.clip(np.ones(form.n))]
    with single_blas_thread():
        if nonaffine:
            p1 = phase_one(form, starts, strict=nonaffine, s_floor=-1.0)
            margin = p1.s
            holds = p1.violation <= 1e-8 and margin < -1e-9
        else:
            p1 = phase_one(form, starts)
            margin = p1.violation
            holds = p1.violation <= 1e-8
    notes = []
    if convex is False:
        notes.append(
            "the problem is not convex (cvxpy export fails), so Slater's condition does not "
            "imply strong duality"
        )
    if eq_affine is False:
        notes.append("some equality constraints are not affine, so the problem is not convex")
    if holds:
        kind = (
            "strictly feasible for every non-affine inequality"
            if nonaffine
            else "feasible (all constraints are affine)"
        )
        where = np.array2string(p1.x, precision=6)
        message = f"Slater's condition holds: x = {where} is {kind}, margin {margin:.3g}"
    elif p1.violation > 1e-8:
        message = f"Slater's condition fails: no feasible point found (smallest violation {p1.violation:.3g})"
    else:
        names = ", ".join(problem.inequalities[i].name for i in nonaffine)
        message = (
            f"Slater's condition fails: no point makes the non-affine inequalities ({names}) strictly "
            f"negative; the best margin max g_i found is {margin:.3g} >= 0"
        )
    if notes:
        message += "; " + "; ".join(notes)
    point = dict(zip(problem.variables, map(float, p1.x))) if holds else None
    return SlaterReport(
        holds=bool(holds),
        x=p1.x if holds else None,
        point=point,
        margin=float(margin),
        convex=convex,
        message=message,
    )


@dataclass(frozen=True, eq=False)
class _QuadraticDual:
    """g(ν) = const + bᵀν − ½ νᵀHν on {Aν = a, μ >= 0}: the dual of a convex QP or LP whose
    constraints are affine, with x(ν) = −K(q₁ + C₁ν) for the variables that appear squared."""

    H: np.ndarray
    b: np.ndarray
    const: float
    A: np.ndarray
    a: np.ndarray


def _affine_dual(problem: Problem, mult: tuple[sp.Symbol, ...]):
    """The closed form for convex quadratic f and affine constraints, built numerically:
    (g, domain, minimizer, _QuadraticDual), or None when this route does not apply."""
    x = problem.variables
    n = len(x)
    constraints = problem.constraints + problem.bound_constraints()
    pieces = []
    for expr in [problem.minimize_objective] + [c.expr for c in constraints]:
        if not expr.free_symbols & set(x):
            try:
                pieces.append((np.zeros((n, n)), np.zeros(n), float(expr)))
            except TypeError:
                return None
            continue
        parts = quadratic_parts(expr, x)
        if parts is None:
            return None
        pieces.append(parts)
    (Qf, qf, rf), rest = pieces[0], pieces[1:]
    if any(np.any(Q) for Q, _, _ in rest):
        return None  # quadratic constraints: Q depends on μ, the symbolic route handles it
    if n and np.linalg.eigvalsh(Qf).min() < -_PSD_TOL * max(1.0, float(np.abs(Qf).max())):
        return None
    C = np.column_stack([q for _, q, _ in rest]) if rest else np.zeros((n, 0))
    r = np.array([c for _, _, c in rest], dtype=float)
    linear = [i for i in range(n) if not np.any(Qf[i])]
    quad = [i for i in range(n) if np.any(Qf[i])]
    Q11 = Qf[np.ix_(quad, quad)]
    if quad and np.linalg.cond(Q11) > 1e12:
        return None
    K = np.linalg.inv(Q11) if quad else np.zeros((0, 0))
    C1, q1 = C[quad], qf[quad]
    data = _QuadraticDual(
        H=C1.T @ K @ C1,
        b=r - C1.T @ K @ q1,
        const=float(rf - 0.5 * q1 @ K @ q1),
        A=C[linear],
        a=-qf[linear],
    )
    nu = list(mult)
    g = sp.Float(data.const) + sum(sp.Float(bi) * v for bi, v in zip(data.b, nu))
    g -= sum(
        sp.Float(data.H[i, j] / (2 if i == j else 1)) * nu[i] * nu[j]
        for i in range(len(nu))
        for j in range(i, len(nu))
        if data.H[i, j] != 0
    )
    domain = [sp.GreaterThan(m, 0) for m in mult if m.name.startswith("mu_")]
    domain += [
        sp.Eq(sum(sp.Float(ak) * v for ak, v in zip(row, nu) if ak != 0) - sp.Float(ai), 0)
        for row, ai in zip(data.A, data.a)
    ]
    minimizer = {}
    for k, i in enumerate(quad):
        coeff = -(K @ C1)[k]
        minimizer[x[i]] = sp.Float(-(K @ q1)[k]) + sum(
            sp.Float(cj) * v for cj, v in zip(coeff, nu) if cj != 0
        )
    return g, tuple(domain), minimizer, data


def _closed_form(problem: Problem, L: sp.Expr, mult: tuple[sp.Symbol, ...]):
    """(g, domain, x_of_multipliers) for L convex in x with ∇ₓL = 0 solvable, else None."""
    x = problem.variables
    n = len(x)
    try:
        poly = sp.Poly(sp.expand(L), *x)
        quadratic = poly.total_degree() <= 2
    except sp.PolynomialError:
        quadratic = False
    if quadratic:
        return _quadratic_dual(problem, L, mult)
    if n > 4 or _convex(problem) is not True:
        return None
    grad = [sp.diff(L, v) for v in x]
    try:
        solutions = sp.solve(grad, x, dict=True)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if len(solutions) != 1 or set(solutions[0]) != set(x):
        return None
    sol = solutions[0]
    g = sp.simplify(L.subs(sol))
    domain = tuple(sp.GreaterThan(m, 0) for m in mult if m.name.startswith("mu_"))
    return g, domain, sol


def _quadratic_dual(problem: Problem, L: sp.Expr, mult: tuple[sp.Symbol, ...]):
    """L = ½xᵀQ(μ)x + c(μ)ᵀx + d(μ): linear x-variables give domain conditions c_j = 0, the
    others x₁ = −Q₁₁⁻¹c₁ and g = d − ½c₁ᵀQ₁₁⁻¹c₁. Requires ∇²f, ∇²g_i PSD and h affine."""
    x = problem.variables
    zero = dict.fromkeys(x, 0)
    pieces = [problem.minimize_objective] + [c.expr for c in problem.inequalities]
    for expr in pieces:
        H = np.array(sp.hessian(expr, x).subs(zero), dtype=float) if x else np.zeros((0, 0))
        if H.size and np.linalg.eigvalsh(H).min() < -_PSD_TOL * max(1.0, float(np.abs(H).max())):
            return None
    for c in problem.equalities:
        if any(sp.diff(c.expr, a, b) != 0 for a in x for b in x):
            return None
    Q = sp.hessian(L, x)
    c = sp.Matrix([sp.diff(L, v) for v in x]).subs(zero)
    d = L.subs(zero)
    linear = [i for i in range(len(x)) if all(sp.expand(Q[i, j]) == 0 for j in range(len(x)))]
    quad = [i for i in range(len(x)) if i not in linear]
    domain = [sp.GreaterThan(m, 0) for m in mult if m.name.startswith("mu_")]
    domain += [sp.Eq(sp.expand(c[i]), 0) for i in linear]
    solution: dict[sp.Symbol, sp.Expr] = {}
    g = d
    if quad:
        Q11 = Q.extract(quad, quad)
        c1 = c.extract(quad, [0])
        z = Q11.LUsolve(c1)
        g = sp.simplify(d - (c1.T * z)[0, 0] / 2) if Q11.free_symbols else sp.expand(d - (c1.T * z)[0, 0] / 2)
        for k, i in enumerate(quad):
            solution[x[i]] = -z[k]
        if Q11.free_symbols and Q11.subs(dict.fromkeys(Q11.free_symbols, 0)).det() == 0:
            domain.append(sp.StrictGreaterThan(sp.factor(Q11.det()), 0))
    return g, tuple(domain), solution


@dataclass(frozen=True, eq=False)
class DualProblem:
    """The Lagrange dual of a problem: maximize g(λ, μ) = inf_x L(x, λ, μ) over μ >= 0.

    Attributes
    ----------
    primal : Problem
        The problem it is the dual of (read in minimize form, bounds as inequalities).
    variables : tuple of sympy.Symbol
        The multipliers, ``lambda_<name>`` for equalities and ``mu_<name>`` for
        inequalities and bounds, in the order of ``names``.
    names : tuple of str
        The constraint name of each multiplier.
    function : sympy.Expr or None
        g in closed form, when L is convex in x and ∇ₓL = 0 solvable (LP, QP, QCQP such
        as norm balls, entropy); None otherwise.
    domain : tuple of sympy relationals
        Where g is finite: μ >= 0, the linear conditions an LP dual needs (coefficients
        of x that must vanish), and positivity where g has a pole.
    minimizer : Mapping or None
        x(λ, μ), the minimizer of L, as expressions (closed form only).
    """

    primal: Problem
    variables: tuple[sp.Symbol, ...]
    names: tuple[str, ...]
    function: sp.Expr | None
    domain: tuple[Any, ...]
    minimizer: Mapping[sp.Symbol, sp.Expr] | None
    quadratic: _QuadraticDual | None = dataclasses.field(default=None, repr=False)

    @cached_property
    def _form(self) -> NumericForm:
        return NumericForm(self.primal)

    @cached_property
    def slater(self) -> SlaterReport:
        """Slater's condition for the primal (see :func:`slater_point`)."""
        return slater_point(self.primal)

    @property
    def strong_duality(self) -> bool | None:
        """True when Slater's theorem guarantees g* = p* with a dual optimum attained (the
        primal is convex and a Slater point exists); None when that is not guaranteed
        (the gap may still be zero, see :func:`duality_gap`). Reasons: :attr:`slater`."""
        return True if self.slater.holds and self.slater.convex else None

    def _vector(self, multipliers: Any) -> np.ndarray:
        if isinstance(multipliers, Mapping):
            by_key = {}
            for key, value in multipliers.items():
                name = key if isinstance(key, str) else None
                if isinstance(key, sp.Symbol):
                    name = self.names[self.variables.index(key)] if key in self.variables else None
                if name not in self.names:
                    raise ValueError(
                        f"multipliers has {key!r}, which is not a constraint name; names are {self.names}"
                    )
                by_key[name] = float(value)
            values = np.array([by_key.get(name, 0.0) for name in self.names], dtype=float)
        else:
            values = np.array(multipliers, dtype=float).reshape(-1)
            if values.size != len(self.names):
                raise ValueError(
                    f"multipliers must have {len(self.names)} entries ({self.names}), got {values.size}"
                )
        if not np.all(np.isfinite(values)):
            raise ValueError("multipliers must be finite")
        return values

    def _split(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(λ, μ) in NumericForm order from values in ``names`` order."""
        index = {name: k for k, name in enumerate(self.names)}
        lam = np.array([values[index[name]] for name in self._form.eq_names])
        mu = np.array([values[index[name]] for name in self._form.ineq_names])
        return lam, mu

    @cached_property
    def _function(self):
        if self.function is None:
            return None
        return sp.lambdify([list(self.variables)], self.function, modules="numpy")

    @cached_property
    def _domain_equalities(self):
        eqs = [rel.lhs - rel.rhs for rel in self.domain if isinstance(rel, sp.Eq)]
        return sp.lambdify([list(self.variables)], eqs, modules="numpy") if eqs else None

    def _inner(
        self, values: np.ndarray, x_start: np.ndarray | None = None
    ) -> tuple[float, np.ndarray | None]:
        """inf_x L numerically (BFGS from ``x_start``): (value, minimizer), (−inf, None) when it runs away."""
        form = self._form
        lam, mu = self._split(values)

        def L(z):
            value = form.f(z) + lam @ form.h(z) + mu @ form.G(z)
            grad = form.grad(z) + form.h_jac(z).T @ lam + form.G_jac(z).T @ mu
            return value, grad

        z0 = np.zeros(form.n) if x_start is None else np.asarray(x_start, float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = _scipy_minimize(L, z0, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 2000})
        value = float(res.fun)
        f_scale = max(1.0, abs(L(z0)[0]))
        if not np.isfinite(value) or value < -1e12 * f_scale or np.abs(res.x).max(initial=0.0) > 1e9:
            return -np.inf, None
        if not res.success and self._falls_along(L, res.x, res.x - z0, value, f_scale):
            return -np.inf, None
        # a saddle of L (BFGS stops at any stationary point): follow negative curvature
        H = form.lagrangian_hessian(res.x, Multipliers(lam, mu))
        w, V = np.linalg.eigh(H)
        if w.size and w[0] < -1e-10 * max(1.0, float(np.abs(w).max())):
            for d in (V[:, 0], -V[:, 0]):
                if self._falls_along(L, res.x, d, value, f_scale):
                    return -np.inf, None
        return value, res.x

    @staticmethod
    def _falls_along(L, z: np.ndarray, d: np.ndarray, value: float, scale: float) -> bool:
        """True when L keeps falling along z + t·d for t = 10, 100, ... 1e6 (times 1/‖d‖),
        by more than 1e6·scale overall: the inner infimum is −inf."""
        norm = float(np.linalg.norm(d))
        if norm == 0 or not np.isfinite(norm):
            return False
        previous = value
        with np.errstate(all="ignore"):
            for k in range(1, 7):
                current = L(z + (10.0**k / norm) * d)[0]
                if not current < previous:
                    return False
                previous = current
        return bool(previous < value - 1e6 * scale)

    def evaluate(self, multipliers: Any) -> float:
        """g(λ, μ) at the given multipliers (dict by constraint name or Symbol, or an array
        in ``names`` order); −inf where inf_x L is unbounded below.

        With a closed form, g is evaluated from it (−inf outside the domain's equalities);
        otherwise by numerical minimization of L over x (BFGS), which is exact for L convex
        in x and gives a local infimum otherwise.

        Raises
        ------
        ValueError
            If an inequality multiplier is negative (outside the dual domain).
        """
        values = self._vector(multipliers)
        mu_names = set(self._form.ineq_names)
        for name, value in zip(self.names, values):
            if name in mu_names and value < 0:
                raise ValueError(f"multiplier of inequality {name!r} must be >= 0, got {value}")
        if self._function is not None:
            if self._domain_equalities is not None:
                residual = np.abs(np.asarray(self._domain_equalities(values), float))
                if residual.max(initial=0.0) > 1e-9 * max(1.0, np.abs(values).max(initial=0.0)):
                    return -np.inf
            with np.errstate(divide="ignore", invalid="ignore"):
                value = float(self._function(values))
            if np.isfinite(value):
                return value
            if value == -np.inf or np.isnan(value) or value == np.inf:
                return -np.inf
        return self._inner(values)[0]

    def as_problem(self) -> Problem:
        """The dual as a Problem: maximize g over the multipliers, μ >= 0 as bounds, and the
        domain's equalities as constraints named ``stationary_<x>``. Needs the closed form."""
        if self.function is None:
            raise ValueError(
                "the dual function has no closed form here; use DualProblem.solve(), which "
                "maximizes it numerically"
            )
        constraints = {}
        equalities = [rel for rel in self.domain if isinstance(rel, sp.Eq)]
        linear_vars = [
            v for v in self.primal.variables if self.minimizer is not None and v not in self.minimizer
        ]
        for k, rel in enumerate(equalities):
            name = f"stationary_{linear_vars[k].name}" if k < len(linear_vars) else f"domain{k + 1}"
            constraints[name] = rel
        mu_names = set(self._form.ineq_names)
        bounds = {v: (0.0, None) for v, name in zip(self.variables, self.names) if name in mu_names}
        return Problem(
            objective=self.function,
            sense="max",
            constraints=tuple(Constraint.from_relational(n, r) for n, r in constraints.items()),
            variables=self.variables,
            bounds=tuple(bounds.get(v, (None, None)) for v in self.variables),
        )

    def solve(self, *, tol: float = 1e-8) -> Result:
        """Maximize g over the dual domain.

        Returns
        -------
        Result
            ``x`` holds the optimal multipliers in ``names`` order (``point`` keys them by
            symbol), ``fun`` is g*. When the multipliers grow without bound while g levels
            off (Slater's condition fails, as for min x1 + x2 s.t. x1² + x2² <= 0), the
            status is ``"failed"`` and the message says the supremum is not attained.
        """
        if self.quadratic is not None:
            with single_blas_thread():
                result = self._solve_quadratic(tol)
        elif self.function is not None:
            result = self._solve_closed_form(tol)
        else:
            with single_blas_thread():
                result = self._solve_numeric(tol)
        values = np.asarray(result.x, float)
        if np.isfinite(float(result.fun)) and self._still_rising(values, float(result.fun)):
            reason = self.slater.message
            result = dataclasses.replace(
                result,
                status="failed",
                success=False,
                message=(
                    f"the dual supremum (about {float(result.fun):.6g}) is not attained: the multipliers "
                    f"grow without bound (largest {np.abs(values).max():.3g}). {reason}"
                ),
            )
        return result

    def _still_rising(self, values: np.ndarray, g_star: float) -> bool:
        """True when g keeps rising along the ray from 0 through the inequality multipliers:
        g(10 μ*, λ*) > g* + 1e-9·max(1, |g*|). For concave g that means no maximizer exists
        (the supremum is approached as μ → ∞)."""
        mu_names = set(self._form.ineq_names)
        scaled = np.array(
            [max(v, 0.0) * 10 if name in mu_names else v for v, name in zip(values, self.names)]
        )
        if np.array_equal(scaled, values):
            return False
        far = self.evaluate(scaled)
        return bool(np.isfinite(far) and far > g_star + 1e-9 * max(1.0, abs(g_star)))

    def _start(self) -> np.ndarray:
        mu_names = set(self._form.ineq_names)
        return np.array([1.0 if name in mu_names else 0.0 for name in self.names])

    def _solve_quadratic(self, tol: float) -> Result:
        """Maximize the QP dual g(ν) = const + bᵀν − ½νᵀHν s.t. Aν = a, μ >= 0 with lk.solve on
        numeric callables (exact gradient; the Hessian H by differences of it, exact here)."""
        from .problem import Problem as _Problem
        from .solvers import solve

        q = self.quadratic
        mu_names = set(self._form.ineq_names)
        problem = _Problem.from_functions(
            lambda v: -(q.const + q.b @ v - 0.5 * v @ q.H @ v),
            len(self.names),
            grad=lambda v: q.H @ v - q.b,
            eq=[(lambda v, row=row, ai=ai: row @ v - ai) for row, ai in zip(q.A, q.a)],
            jac=[(lambda v, row=row: row) for row in q.A],
            bounds=[(0.0, None) if name in mu_names else (None, None) for name in self.names],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = solve(problem, x0=self._start(), tol=tol)
        linear = [v for v in self.primal.variables if self.minimizer is not None and v not in self.minimizer]
        stationary = {
            f"stationary_{v.name}": -result.multipliers.get(f"eq{k}", 0.0)
            for k, v in enumerate(linear, start=1)
        }
        return dataclasses.replace(
            result,
            fun=-float(result.fun),
            point=dict(zip(self.variables, map(float, result.x))),
            multipliers=stationary,
            method=f"dual QP closed form, {result.method}",
        )

    def _solve_closed_form(self, tol: float) -> Result:
        from .solvers import solve

        problem = self.as_problem()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = solve(problem, x0=self._start(), tol=tol)
        return dataclasses.replace(result, method=f"dual closed form, {result.method}")

    def _solve_numeric(self, tol: float) -> Result:
        """Maximize g by L-BFGS-B on −g over μ >= 0, with ∇g = (h, G) at x(λ, μ) (Danskin)."""
        form = self._form
        mu_names = set(form.ineq_names)
        index = {name: k for k, name in enumerate(self.names)}
        state = {"x": None}

        def negative_g(values):
            value, z = self._inner(values, state["x"])
            if z is None:
                return 1e300, np.zeros_like(values)
            state["x"] = z
            grad = np.zeros_like(values)
            for name, v in zip(form.eq_names, form.h(z)):
                grad[index[name]] = v
            for name, v in zip(form.ineq_names, form.G(z)):
                grad[index[name]] = v
            return -value, -grad

        start = self._start()
        rng = np.random.default_rng(0)
        trials = [start] + [
            np.where([n in mu_names for n in self.names], 1.0, 0.0) * rng.exponential(size=start.size)
            + np.where([n in mu_names for n in self.names], 0.0, 1.0) * rng.normal(size=start.size)
            for _ in range(4)
        ]
        finite = [t for t in trials if np.isfinite(self._inner(t)[0])]
        if not finite:
            return Result(
                x=start,
                fun=-np.inf,
                status="infeasible",
                success=False,
                method="dual numeric (BFGS inner)",
                point=dict(zip(self.variables, map(float, start))),
                message=(
                    "g = -inf at every multiplier tried: inf_x L is unbounded below, so the dual is "
                    "infeasible and weak duality gives only -inf <= p* (the primal is not convex)"
                ),
            )
        start = finite[0]
        bounds = [(0.0, None) if name in mu_names else (None, None) for name in self.names]
        res = _scipy_minimize(
            negative_g,
            self._start(),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"gtol": tol, "maxiter": 1000},
        )
        values = res.x
        g_star = -float(res.fun)
        return Result(
            x=values,
            fun=g_star,
            status="optimal" if res.success else "max_iter",
            success=bool(res.success),
            method="dual numeric (BFGS inner, L-BFGS-B outer)",
            point=dict(zip(self.variables, map(float, values))),
            message=f"maximized g numerically: {res.message}",
            nit=int(res.nit),
        )

    def __str__(self) -> str:
        head = "maximize  " + (
            sp.sstr(self.function) if self.function is not None else "g(λ, μ) = inf_x L (numeric)"
        )
        lines = [head, "subject to"] + [f"  {sp.sstr(rel)}" for rel in self.domain]
        lines.append(f"multipliers: {', '.join(f'{v} ({n})' for v, n in zip(self.variables, self.names))}")
        return "\n".join(lines)


def dual(problem: Problem) -> DualProblem:
    """The Lagrange dual of ``problem``: g(λ, μ) = inf_x L(x, λ, μ), with bounds dualized.

    Parameters
    ----------
    problem : Problem
        A symbolic problem without free parameters.

    Returns
    -------
    DualProblem
        With ``function`` in closed form for LPs, convex QPs and QCQPs (norm balls),
        entropy-type problems where ∇ₓL = 0 solves uniquely; numeric otherwise.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y", real=True)
    >>> d = lk.dual(lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1}))
    >>> d.function
    -mu_disk - 1/(2*mu_disk)
    """
    problem.require_symbolic("dual()")
    if problem.parameters:
        raise ValueError(
            f"problem has parameters {[p.name for p in problem.parameters]}; substitute them with "
            "problem.subs({...}) before building the dual"
        )
    constraints = problem.constraints + problem.bound_constraints()
    symbols = problem.multipliers
    variables = tuple(symbols[c.name] for c in constraints)
    names = tuple(c.name for c in constraints)
    affine = _affine_dual(problem, variables)
    if affine is not None:
        g, domain, minimizer, data = affine
        return DualProblem(problem, variables, names, g, domain, minimizer, data)
    L = problem.lagrangian(include_bounds=True)
    closed = _closed_form(problem, L, variables)
    if closed is None:
        domain = tuple(sp.GreaterThan(symbols[c.name], 0) for c in constraints if c.kind == "ineq")
        return DualProblem(problem, variables, names, None, domain, None)
    g, domain, minimizer = closed
    return DualProblem(problem, variables, names, g, domain, minimizer)


def duality_gap(problem: Problem, *, tol: float = 1e-8) -> float:
    """p* − g*: the primal optimum (minimize form: −f* for a maximize problem) minus the dual
    optimum. Zero under strong duality; positive for a duality gap.

    Raises
    ------
    ValueError
        If the primal solve finds no optimum (its status and message are included).
    """
    from .solvers import solve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        primal = solve(problem, tol=tol)
    if primal.status not in ("optimal", "no_kkt_point"):
        raise ValueError(f"the primal has no optimum to compare with: {primal.status}: {primal.message}")
    p_star = -float(primal.fun) if problem.is_maximize else float(primal.fun)
    return p_star - float(dual(problem).solve(tol=tol).fun)
