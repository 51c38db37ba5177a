"""The Lagrange dual problem: g(λ, μ) = inf_x L with its domain, its maximization, and the gap.

Conventions (DESIGN.md): the primal is read in minimize form, minimize f s.t. g_i <= 0,
h_j = 0. Finite bounds are dualized like any other inequality: ``lower:x`` is lo − x <= 0
and ``upper:x`` is x − hi <= 0, each with its own multiplier μ >= 0 (the sign of cvxpy's
``dual_value`` for a ``<=`` constraint). L = f + Σ μ_i g_i + Σ λ_j h_j, and the dual is
maximize g(λ, μ) = inf_x L(x, λ, μ) over μ >= 0. Weak duality g <= p* always holds; strong
duality (g* = p*, attained) holds for convex problems under Slater's condition.
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
from scipy.optimize import linprog

from ..blas_threads import single_blas_thread
from ..errors import LocalOptimumWarning
from ..numeric_form import NumericForm
from ..problem import Constraint, Problem, symbolic_problem
from ..result import Result
from .barrier import maximize_on_domain
from .linear_variables import LinearVariables, linear_variables
from .numeric import inner_infimum, maximize_numeric
from .quadratic_sdp import quadratic_lagrangian, solve_sdp_dual
from .slater import SlaterReport, is_convex, slater_point
from .structure import ConjugateDual, build_conjugate_dual

__all__ = ["DualProblem", "dual", "duality_gap"]

_INTERNAL = (ArithmeticError, np.linalg.LinAlgError, ValueError, TypeError, IndexError, NameError)
_CLOSED = "dual closed form (conjugates), log-barrier"
_NUMERIC = "dual numeric (BFGS inner, L-BFGS-B or, with linear conditions, SLSQP outer)"
_SDP = "dual semidefinite program (cvxpy, Clarabel), checked"
_LINEAR_TOL = 1e-9  # relative residual of ℓ(ν) = 0 past which g = −inf
_ZEROED_TRIALS = 12  # multipliers zeroed one at a time when g(start) is not finite
_FAR_SCALES = (10.0, 1e2, 1e3, 1e4)  # and multipliers this far out


@dataclass(frozen=True, eq=False)
class DualProblem:
    """The Lagrange dual of a problem: maximize g(λ, μ) = inf_x L(x, λ, μ) over its domain.

    Attributes
    ----------
    primal : Problem
        The problem it is the dual of (read in minimize form, bounds dualized).
    variables : tuple of sympy.Symbol
        The multipliers, ``lambda_<name>`` for equalities and ``mu_<name>`` for
        inequalities and bounds, in the order of ``names``.
    names : tuple of str
        The constraint name of each multiplier.
    function : sympy.Expr or None
        g in closed form on its domain, when the Lagrangian splits into blocks with known
        conjugates (affine, convex quadratic, log, x·log x, exp, Euclidean norms); None
        otherwise (g is then evaluated by minimizing L numerically).
    domain : tuple of sympy relationals
        Where g is finite (up to its boundary): μ >= 0, the linear conditions that make
        L bounded below in the variables it is linear in, and the implicit conditions of the
        conjugates: s > 0 for a log, s <= 0 for an exp, ‖q‖ <= c for a norm. For the numeric
        route, μ >= 0 and the linear conditions (see ``linear``).
    minimizer : Mapping or None
        x(λ, μ), the minimizer of L, as expressions, for the variables it determines.
    closed_form : ConjugateDual or None
        The exact numeric dual behind ``function`` (values, derivatives, domain).
    linear : LinearVariables or None
        On the numeric route, the variables L is linear in: g is −inf off their conditions
        ℓ(ν) = 0, and on them inf_x L runs over the other variables.
    """

    primal: Problem
    variables: tuple[sp.Symbol, ...]
    names: tuple[str, ...]
    function: sp.Expr | None
    domain: tuple[Any, ...]
    minimizer: Mapping[sp.Symbol, sp.Expr] | None
    closed_form: ConjugateDual | None = dataclasses.field(default=None, repr=False)
    linear: LinearVariables | None = dataclasses.field(default=None, repr=False)

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
        primal is convex and the refined Slater condition holds); None when that is not
        guaranteed (the gap may still be zero, see :func:`duality_gap`)."""
        return True if self.slater.holds and self.slater.convex else None

    @cached_property
    def _is_mu(self) -> np.ndarray:
        inequalities = set(self._form.ineq_names)
        return np.array([name in inequalities for name in self.names], dtype=bool)

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
            raise ValueError("multipliers must be finite; they contain NaN or inf")
        for name, value, is_mu in zip(self.names, values, self._is_mu):
            if is_mu and value < 0:
                raise ValueError(f"multiplier of inequality {name!r} must be >= 0, got {value}")
        return values

    def _split(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(λ, μ) in NumericForm order from values in ``names`` order."""
        index = {name: k for k, name in enumerate(self.names)}
        lam = np.array([values[index[name]] for name in self._form.eq_names])
        mu = np.array([values[index[name]] for name in self._form.ineq_names])
        return lam, mu

    @cached_property
    def _inner_starts(self) -> tuple[np.ndarray, ...]:
        form = self._form
        return (form.start(None), form.clip(np.ones(form.n)), form.clip(np.full(form.n, 0.5)))

    def _inner(
        self, values: np.ndarray, x_start: np.ndarray | None = None
    ) -> tuple[float, np.ndarray | None]:
        try:
            _ = self._form.cp
        except Exception as exc:  # noqa: BLE001 - any failure to compile is reported, not raised
            raise ValueError(
                f"the primal's functions cannot be evaluated numerically ({type(exc).__name__}: {exc}), "
                "so inf_x L cannot be computed; rewrite the problem with smooth functions"
            ) from exc
        lam, mu = self._split(values)
        free = None if self.linear is None else self.linear.free
        starts = (x_start,) if x_start is not None else ()
        for start in starts + self._inner_starts:
            value, z = inner_infimum(self._form, lam, mu, start, free)
            if not np.isnan(value):
                return value, z
        return np.nan, None

    def evaluate(self, multipliers: Any) -> float:
        """g(λ, μ) at the given multipliers (dict by constraint name or Symbol, or an array
        in ``names`` order); −inf where inf_x L is unbounded below (outside the domain).

        With a closed form, g is exact. Otherwise L is minimized over x numerically (BFGS,
        backing off from points where L is not finite), which is exact for L convex in x and
        gives a local infimum otherwise; NaN when no finite value of L was found.

        Raises
        ------
        ValueError
            If a multiplier name is unknown, a value is not finite, or an inequality
            multiplier is negative (outside the dual domain).
        """
        values = self._vector(multipliers)
        if self.closed_form is not None:
            return self.closed_form.value(values)
        if self.linear is not None and self.linear.residual(values) > _LINEAR_TOL:
            return -np.inf
        return self._inner(values)[0]

    def in_domain(self, multipliers: Any) -> bool:
        """Whether g is finite at the multipliers (see :attr:`domain`)."""
        return bool(np.isfinite(self.evaluate(multipliers)))

    def as_problem(self) -> Problem:
        """The dual as a Problem: maximize g over the multipliers, μ >= 0 as bounds, and the
        other domain conditions (closed, strict ones as non-strict) as constraints named
        ``domain1``, ``domain2``, ... Needs the closed form."""
        if self.function is None:
            raise ValueError(
                "the dual function has no closed form here; use DualProblem.solve(), which "
                "maximizes it numerically"
            )
        closure = {sp.StrictGreaterThan: sp.GreaterThan, sp.StrictLessThan: sp.LessThan}
        mu_bounds = {
            rel
            for rel in self.domain
            if isinstance(rel, sp.GreaterThan) and rel.lhs in self.variables and rel.rhs == 0
        }
        constraints = []
        for rel in self.domain:
            if rel in mu_bounds:
                continue
            rel = closure.get(type(rel), type(rel))(rel.lhs, rel.rhs)
            constraints.append(Constraint.from_relational(f"domain{len(constraints) + 1}", rel))
        return Problem(
            objective=self.function,
            sense="max",
            constraints=tuple(constraints),
            variables=self.variables,
            bounds=tuple((0.0, None) if is_mu else (None, None) for is_mu in self._is_mu),
        )

    def solve(self, *, tol: float = 1e-10) -> Result:
        """Maximize g over the dual domain, staying inside it.

        With a closed form: a log-barrier method (phase I for a strictly feasible start,
        then damped Newton steps whose line search backs off until the trial multipliers are
        inside the domain); ``status`` is ``"optimal"`` when g* − g <= tol·max(1, |g|) is
        certified by the barrier bound θ/t. Without one, a Lagrangian quadratic in x is solved
        as a semidefinite program and checked by both of its bounds
        (:mod:`lagrangekit.duality.quadratic_sdp`); otherwise L-BFGS-B on −g over μ >= 0.

        Returns
        -------
        Result
            ``x`` holds the multipliers in ``names`` order (``point`` keys them by symbol),
            ``fun`` is g at them. Statuses: ``"optimal"``; ``"failed"`` when the supremum is
            not attained (the multipliers grow without bound while g levels off, as when
            Slater's condition fails) or when the computation broke down (the message says
            why); ``"unbounded"`` when g grows without bound (the primal is infeasible);
            ``"infeasible"`` when g = −inf everywhere (the dual domain is empty: the primal
            is unbounded or infeasible); ``"max_iter"`` when the iterations ran out.
        """
        try:
            with single_blas_thread(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if self.closed_form is not None:
                    result = self._solve_closed_form(tol)
                else:
                    result = self._solve_sdp() or self._solve_numeric(tol)
        except _INTERNAL as exc:
            return self._result(
                self._start(),
                np.nan,
                "failed",
                _NUMERIC if self.closed_form is None else _CLOSED,
                f"the dual could not be maximized: {type(exc).__name__}: {exc}",
            )
        values = np.asarray(result.x, float)
        if result.status in ("optimal", "max_iter") and np.isfinite(result.fun):
            if self._still_rising(values, float(result.fun)):
                result = self._not_attained(result)
        return result

    def _result(self, values, fun, status, method, message, nit=0) -> Result:
        return Result(
            x=np.asarray(values, float),
            fun=float(fun),
            status=status,
            success=status == "optimal",
            method=method,
            point=dict(zip(self.variables, map(float, values))),
            message=message,
            nit=nit,
        )

    def _not_attained(self, result: Result) -> Result:
        values = np.asarray(result.x, float)
        return dataclasses.replace(
            result,
            status="failed",
            success=False,
            message=(
                f"the dual supremum (about {float(result.fun):.6g}) is not attained: the multipliers "
                f"grow without bound (largest {np.abs(values).max():.3g}). {self.slater.message}"
            ),
        )

    def _still_rising(self, values: np.ndarray, g_star: float) -> bool:
        """True when g keeps rising along the ray from 0 through the inequality multipliers:
        g* < g(10 μ*, λ*) < g(100 μ*, λ*), each by more than 1e-12·max(1, |g*|). For concave g
        that means no maximizer exists (the supremum is approached as μ → ∞)."""
        if not np.any(values[self._is_mu] > 0):
            return False
        previous, margin = g_star, 1e-12 * max(1.0, abs(g_star))
        for factor in (10.0, 100.0):
            far = self.evaluate(np.where(self._is_mu, np.maximum(values, 0.0) * factor, values))
            if not (np.isfinite(far) and far > previous + margin):
                return False
            previous = far
        return True

    def _start(self) -> np.ndarray:
        return self._is_mu.astype(float)

    def _solve_closed_form(self, tol: float) -> Result:
        dual = self.closed_form
        outcome = maximize_on_domain(dual.derivatives, dual.value, dual.domain, tol=tol)
        status = {
            "optimal": "optimal",
            "stalled": "max_iter",
            "unbounded": "unbounded",
            "infeasible": "infeasible",
            "diverged": "failed",
            "boundary": "failed",
        }[outcome.status]
        result = self._result(outcome.nu, outcome.value, status, _CLOSED, outcome.message, outcome.nit)
        if outcome.status == "infeasible":
            return dataclasses.replace(
                result,
                fun=-np.inf,
                message=(
                    f"g = -inf for every multiplier ({outcome.message}): the dual is infeasible, so "
                    "the primal is unbounded below or infeasible"
                ),
            )
        if outcome.status == "diverged":
            return self._not_attained(result)
        return result

    def _solve_sdp(self) -> Result | None:
        """The dual of a quadratic Lagrangian as a semidefinite program (:mod:`.quadratic_sdp`);
        None when L is not quadratic in x or the conic solver finds no optimum."""
        constraints = self.primal.constraints + self.primal.bound_constraints()
        lagrangian = quadratic_lagrangian(self.primal, constraints)
        if lagrangian is None:
            return None
        answer = solve_sdp_dual(lagrangian, self._is_mu)
        if answer is None:
            return None
        if answer.unbounded:
            message = (
                f"{answer.message}: the dual is unbounded above, so by weak duality the primal is infeasible"
            )
            return self._result(answer.nu, np.inf, "unbounded", _SDP, message)
        value = answer.lower if np.isfinite(answer.lower) else self.evaluate(answer.nu)
        status = "optimal" if answer.certified else "failed"
        return self._result(answer.nu, value, status, _SDP, answer.message)

    def _solve_numeric(self, tol: float) -> Result:
        """Maximize g by L-BFGS-B on −g over μ >= 0, with ∇g = (h, G) at x(λ, μ) (Danskin)."""
        form = self._form
        index = {name: k for k, name in enumerate(self.names)}
        state = {"x": None}

        def value_and_gradient(values):
            value, z = self._inner(values, state["x"])
            if z is None:
                return value, np.zeros_like(values)
            state["x"] = z
            grad = np.zeros_like(values)
            for name, v in zip(form.eq_names, form.h(z)):
                grad[index[name]] = v
            for name, v in zip(form.ineq_names, form.G(z)):
                grad[index[name]] = v
            return value, grad

        start = self._start()
        bounds = [(0.0, None) if is_mu else (None, None) for is_mu in self._is_mu]
        equalities = None
        if self.linear is not None and self.linear.a.size:
            placed = self._on_linear_conditions(start, bounds)
            if placed is None:
                return self._result(
                    start,
                    -np.inf,
                    "infeasible",
                    _NUMERIC,
                    f"g = -inf for every multiplier: L is linear in {', '.join(self.linear.names)}, and "
                    "no multipliers (with μ >= 0) make the coefficients zero ("
                    + "; ".join(sp.sstr(c) for c in self.linear.conditions)
                    + "), so the dual is infeasible and the primal is unbounded below or infeasible",
                )
            start, bounds, equalities = placed
        if not self.names:
            value = self._inner(start)[0]
            status = "infeasible" if value == -np.inf else self._numeric_status(np.isfinite(value))
            return self._result(start, value, status, _NUMERIC, self._numeric_message("inf_x f", value))
        if not np.isfinite(self._inner(start)[0]):
            trials = self._domain_trials(start, bounds)
            values = [self._inner(t)[0] for t in [start, *trials]]
            finite = [t for t, value in zip(trials, values[1:]) if np.isfinite(value)]
            if not finite and all(value == -np.inf for value in values):
                return self._result(
                    start,
                    -np.inf,
                    "infeasible",
                    _NUMERIC,
                    f"g = -inf at every multiplier tried ({len(values)}: zero, random draws and "
                    f"their multiples up to {_FAR_SCALES[-1]:g}): inf_x L is unbounded below, so "
                    "the dual is infeasible and weak duality gives only -inf <= p*",
                )
            if not finite:
                return self._result(
                    start,
                    np.nan,
                    "failed",
                    _NUMERIC,
                    "inf_x L could not be computed at any multiplier tried (the inner minimization "
                    "stopped away from a stationary point, at a kink or the edge of the domain, or "
                    "L kept falling past it without settling)",
                )
            start = finite[0]
        res = maximize_numeric(value_and_gradient, start, bounds, tol, equalities)
        if res.stopped == "unbounded":
            return self._unbounded_numeric(res)
        certified, certificate = self._primal_certificate(res.x, state["x"])
        status = self._numeric_status(res.success and np.isfinite(res.fun) and certified)
        message = self._numeric_message(
            f"maximized g numerically ({res.message}); {certificate}", -float(res.fun)
        )
        return self._result(res.x, -float(res.fun), status, _NUMERIC, message, int(res.nit))

    def _domain_trials(self, start: np.ndarray, bounds: list) -> list[np.ndarray]:
        """Multipliers to try when g(start) = −inf, in order: random draws meet a wide domain;
        a thin one (some μ must be 0, as when inf_y e^-y − μy is finite only at μ = 0) is met by
        zeroing the multipliers, all and one at a time; one far out (large multipliers make
        the constraints' curvature outweigh the objective's, as in the two-way partitioning
        dual, where W + diag(λ) ⪰ 0 needs λ beyond W's most negative eigenvalue) by the draws'
        magnitudes scaled up, with both signs for the λ of equalities."""
        rng = np.random.default_rng(0)
        pinned = np.array([low is not None and low == high for low, high in bounds], dtype=bool)
        zeroed = [np.zeros(start.size)] + [
            np.where(np.arange(start.size) == k, 0.0, start)
            for k in np.flatnonzero(self._is_mu)[:_ZEROED_TRIALS]
        ]
        draws = [
            np.where(self._is_mu, rng.exponential(size=start.size), rng.normal(size=start.size))
            for _ in range(4)
        ]
        magnitude = np.abs(draws[0]) + 1.0
        far = [
            scale * np.where(self._is_mu, magnitude, sign * magnitude)
            for scale in _FAR_SCALES
            for sign in (1.0, -1.0)
        ]
        return [np.where(pinned, start, trial) for trial in draws + zeroed + far]

    def _on_linear_conditions(
        self, start: np.ndarray, bounds: list
    ) -> tuple[np.ndarray, list, tuple[np.ndarray, np.ndarray] | None] | None:
        """A start on ℓ(ν) = A ν + a = 0 with μ >= 0, the bounds, and the equalities left for the
        outer solver; None when no admissible ν satisfies them (an LP, HiGHS). A condition on one
        multiplier fixes it by its bounds (L-BFGS-B keeps it); others stay equalities (SLSQP)."""
        linear = self.linear
        lp = linprog(np.zeros(start.size), A_eq=linear.A, b_eq=-linear.a, bounds=bounds, method="highs")
        if lp.status == 2:
            return None
        if lp.status != 0:
            raise ValueError(f"the conditions of the linear variables could not be solved: {lp.message}")
        fixed = linear.fixed
        if np.any(fixed < 0):
            return np.asarray(lp.x, float), bounds, (linear.A, -linear.a)
        start, bounds = start.copy(), list(bounds)
        for row, k in enumerate(fixed):
            start[k] = -linear.a[row] / linear.A[row, k]
            bounds[k] = (start[k], start[k])
        return start, bounds, None

    def _unbounded_numeric(self, res) -> Result:
        """g passed 1e12·max(1, |g(start)|). On a convex problem each g value is a global
        inf_x L, so g grows without bound: "unbounded", and by weak duality the primal is
        infeasible. Otherwise the values are local and only "failed" is honest."""
        what = f"g grows without bound in the numeric maximization ({res.message})"
        if self._convex:
            return self._result(
                res.x,
                np.inf,
                "unbounded",
                _NUMERIC,
                f"{what}: the dual is unbounded above, so by weak duality the primal is infeasible",
                int(res.nit),
            )
        return self._result(
            res.x,
            -float(res.fun),
            "failed",
            _NUMERIC,
            f"{what}; the primal is not known to be convex, so the g values are local minima of L "
            "and do not show that the dual is unbounded",
            int(res.nit),
        )

    def _primal_certificate(self, values: np.ndarray, x_start: np.ndarray | None) -> tuple[bool, str]:
        """Whether x(ν), the inner minimizer, certifies ν: when x(ν) is primal feasible,
        g(ν) <= p* <= f(x(ν)), so f(x(ν)) − g(ν) bounds the error of both."""
        value, z = self._inner(values, x_start)
        if z is None or not np.isfinite(value):
            return False, "not certified: no minimizer of L at the final multipliers"
        form = self._form
        if self.linear is not None:
            z = self._place_linear_variables(z)
        violation, gap = form.violation(z), float(form.f(z)) - value
        scale = max(1.0, abs(value))
        certified = violation <= 1e-7 * max(1.0, float(np.abs(z).max())) and abs(gap) <= 1e-6 * scale
        verdict = "not certified by x(ν)"
        if certified:
            verdict = "certified by x(ν)" if self._convex else "x(ν) would certify it if g were global"
        return certified, f"{verdict}: violation {violation:.2g}, f(x(ν)) − g = {gap:.2g}"

    def _place_linear_variables(self, z: np.ndarray) -> np.ndarray:
        """x(ν) with the variables L is linear in chosen by two LPs (HiGHS): the least largest
        violation s*, then the least f among the choices within s*.

        On the linear conditions L does not depend on them, so any choice keeps x(ν) a
        minimizer of L; the constraints and f are affine in them. ``z`` unchanged when an LP
        has no solution."""
        form, fixed = self._form, ~self.linear.free
        try:
            G, G_jac = np.asarray(form.G(z), float), np.asarray(form.G_jac(z), float).reshape(-1, z.size)
            h, h_jac = np.asarray(form.h(z), float), np.asarray(form.h_jac(z), float).reshape(-1, z.size)
            cost = np.asarray(form.grad(z), float)[fixed]
        except (ValueError, ArithmeticError, TypeError):
            return z
        t0, k = z[fixed], int(fixed.sum())
        # rows of "violation <= s" in (t, s): G + J(t − t0) <= s and ±(h + J(t − t0)) <= s
        J = np.vstack([G_jac[:, fixed], h_jac[:, fixed], -h_jac[:, fixed]])
        rhs = np.concatenate([G_jac[:, fixed] @ t0 - G, h_jac[:, fixed] @ t0 - h, h - h_jac[:, fixed] @ t0])
        rows = np.hstack([J, -np.ones((J.shape[0], 1))])
        bounds = [(None, None)] * k + [(0.0, None)]
        least = linprog(np.r_[np.zeros(k), 1.0], A_ub=rows, b_ub=rhs, bounds=bounds, method="highs")
        if least.status != 0:
            return z
        within = float(least.x[-1]) * (1 + 1e-9) + 1e-15
        best = linprog(
            np.r_[cost, 0.0], A_ub=rows, b_ub=rhs, bounds=bounds[:k] + [(0.0, within)], method="highs"
        )
        placed = z.copy()
        placed[fixed] = (best if best.status == 0 else least).x[:k]
        return placed

    @cached_property
    def _convex(self) -> bool:
        return is_convex(self.primal) is True

    def _numeric_status(self, certified: bool) -> str:
        """ "optimal" only for a certified point of a problem shown convex (L convex in x, so
        the inner minimization is global)."""
        if not certified:
            return "max_iter"
        return "optimal" if self._convex else "failed"

    def _numeric_message(self, what: str, value: float) -> str:
        if self._convex or not np.isfinite(value):
            return what
        return (
            f"{what}; the primal is not known to be convex, so each g value comes from a local "
            "minimization of L and may exceed inf_x L: the value is not certified"
        )

    def __str__(self) -> str:
        head = "maximize  " + (
            sp.sstr(self.function) if self.function is not None else "g(λ, μ) = inf_x L (numeric)"
        )
        lines = [head, "subject to"] + [f"  {sp.sstr(rel)}" for rel in self.domain]
        lines.append(f"multipliers: {', '.join(f'{v} ({n})' for v, n in zip(self.variables, self.names))}")
        return "\n".join(lines)


def _check_finite(problem: Problem) -> None:
    pieces = [("objective", problem.objective)] + [
        (f"constraint {c.name!r}", c.expr) for c in problem.constraints
    ]
    for where, expr in pieces:
        if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.I):
            raise ValueError(
                f"the {where} of the problem contains NaN, inf or a complex number: {expr}; fix its data"
            )


def dual(problem: Problem) -> DualProblem:
    """The Lagrange dual of ``problem``: g(λ, μ) = inf_x L(x, λ, μ), with bounds dualized.

    Parameters
    ----------
    problem : Problem
        A symbolic problem without free parameters, with finite real data.

    Returns
    -------
    DualProblem
        With ``function`` and its ``domain`` in closed form when the Lagrangian splits into
        blocks with known conjugates (LPs, convex QPs and QCQPs, norm balls, entropy,
        log-barriers such as water-filling, exp); numeric otherwise (solved as a semidefinite
        program when the Lagrangian is quadratic in x).

    Raises
    ------
    ValueError
        If the problem has free parameters or NaN/inf/complex data.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y", real=True)
    >>> d = lk.dual(lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1}))
    >>> d.function
    -mu_disk - 1/(2*mu_disk)
    """
    problem = symbolic_problem(problem, "dual()")
    if problem.parameters:
        raise ValueError(
            f"problem has parameters {[p.name for p in problem.parameters]}; substitute them with "
            "problem.subs({...}) before building the dual"
        )
    _check_finite(problem)
    problem.compile()  # float64 constants, defined functions: refused here, not in solve()
    constraints = problem.constraints + problem.bound_constraints()
    symbols = problem.multipliers
    variables = tuple(symbols[c.name] for c in constraints)
    names = tuple(c.name for c in constraints)
    closed = build_conjugate_dual(problem, variables, tuple(c.kind == "eq" for c in constraints))
    if closed is None:
        domain = tuple(sp.GreaterThan(symbols[c.name], 0) for c in constraints if c.kind == "ineq")
        linear = linear_variables(problem, constraints, variables)
        if linear is not None:
            domain += linear.conditions
        return DualProblem(problem, variables, names, None, domain, None, linear=linear)
    return DualProblem(
        problem, variables, names, closed.function, closed.domain, closed.minimizer, closed.dual
    )


def _primal_optimum(problem: Problem, solve, d: DualProblem) -> Result:
    """lk.solve from its default start, then from the Slater point (inside the domain of every
    function, where the default start may sit on a kink such as ‖x‖ at 0)."""
    failures = []
    for label in ("the default start", "the Slater point"):
        if label == "the Slater point" and not d.slater.holds:
            break
        x0 = None if label == "the default start" else d.slater.x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                primal = solve(problem, x0=x0)
            except _INTERNAL as exc:
                failures.append(f"from {label}: {type(exc).__name__}: {exc}")
                continue
        if primal.status in ("optimal", "no_kkt_point"):
            return primal
        failures.append(f"from {label}: {primal.status}: {primal.message}")
    raise ValueError("the primal has no optimum to compare with; lk.solve " + "; ".join(failures))


def duality_gap(problem: Problem, *, tol: float = 1e-10) -> float:
    """p* − g*: the primal optimum (minimize form: −f* for a maximize problem) minus the dual
    optimum. Zero under strong duality, positive for a duality gap, inf when the dual is
    infeasible (g = −inf) while the primal has an optimum.

    p* is ``lk.solve``'s answer. When that is not proven global (``Result.scope`` is not
    ``"global"``, as on a nonconvex problem), p* may be a local optimum above the global one,
    and the value returned is then only an upper bound on the gap: a
    :class:`~lagrangekit.errors.LocalOptimumWarning` says so.

    Raises
    ------
    ValueError
        If the primal solve finds no optimum, or the dual no value (statuses and messages
        are included).
    """
    from ..solvers import solve

    d = dual(problem)
    primal = _primal_optimum(problem, solve, d)
    p_star = -float(primal.fun) if problem.is_maximize else float(primal.fun)
    if primal.scope != "global":
        warnings.warn(
            f"p* = {p_star:.10g} comes from lk.solve ({primal.status}), which did not prove it the "
            "global optimum, so p* − g* is an upper bound on the duality gap, not the gap itself; "
            "solve_symbolic can enumerate every KKT point of a small polynomial problem",
            LocalOptimumWarning,
            stacklevel=2,
        )
    dual_result = d.solve(tol=tol)
    if np.isnan(dual_result.fun):
        raise ValueError(
            f"the dual has no value to compare with: {dual_result.status}: {dual_result.message}"
        )
    return p_star - float(dual_result.fun)
