"""Transforms that keep the KKT points of a problem and make them easier for sympy to find.

Each transform maps a :class:`~lagrangekit.problem.Problem` to an equivalent one and maps the
KKT points of the transformed problem back, with exact multipliers of the ORIGINAL problem in
DESIGN.md's convention (minimize f, or −f for a maximize problem; L = f + Σ μ_i g_i + Σ λ_j h_j):

- **objective** (:func:`objective_transform`): f = φ(t) with φ strictly increasing where the
  points live. The log of a positive product of powers, f = c·Π bₖ^eₖ → t = log c + Σ eₖ log bₖ
  (φ = exp), and a positive power of a nonnegative or any quantity,
  f = c·q^a → t = q (φ(t) = c·t^a; the square of a norm, and scaling when a = 1), and an
  exponential, f = c·exp(t) → t (φ = c·exp). The feasible
  set is unchanged and ∇f = φ′(t)∇t, so x* is a KKT point of the one exactly when it is of the
  other, with multipliers μ = φ′(t(x*))·μₜ; local minima and maxima correspond because φ keeps
  the order of objective values.
- **substitution** (:func:`linear_elimination`): a variable v without bounds or sign assumption
  that an equality a·v + r(x) = 0 fixes (a a nonzero number, r a polynomial without v, so a
  polynomial problem stays polynomial) is replaced by −r(x)/a. The feasible sets correspond one
  to one (the graph of a polynomial map), and so do the KKT points and their classification;
  the eliminated equalities' multipliers are recovered exactly from the stationarity rows of
  the eliminated variables, which are linear in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from .kkt import tidy_exact
from .problem import Constraint, Problem

__all__ = ["Elimination", "ObjectiveTransform", "linear_elimination", "objective_transform"]


@dataclass(frozen=True)
class ObjectiveTransform:
    """f = φ(t): ``problem`` has objective t (same sense); ``factor`` is φ′(t) as an expression in
    the variables (positive where f is defined), so μ_original = factor(x*)·μ_transformed."""

    problem: Problem
    factor: sp.Expr
    description: str

    def multipliers_back(self, point: Mapping[sp.Symbol, sp.Expr], multipliers: Mapping[str, sp.Expr]):
        """The original problem's multipliers at ``point``, or None when φ′ is not a positive
        finite number there (the original f is not differentiable or φ is not increasing)."""
        scale = self.factor.xreplace(dict(point))
        if scale.has(sp.zoo, sp.nan, sp.oo) or scale.is_positive is False or scale.is_zero:
            return None
        if scale.is_number and not (scale.is_extended_real and scale.evalf(30) > 0):
            return None
        return {k: scale * v for k, v in multipliers.items()}  # the caller tidies them


@dataclass(frozen=True)
class Elimination:
    """Variables fixed by equalities linear in them, substituted: ``values`` gives each eliminated variable
    as an expression in the kept ones, ``equalities`` the names of the equalities used."""

    original: Problem
    problem: Problem
    values: Mapping[sp.Symbol, sp.Expr]
    equalities: tuple[str, ...]
    description: str

    def point_back(self, point: Mapping[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
        full = dict(point)
        for v, expr in self.values.items():
            full[v] = _tidy(expr.xreplace(dict(point)))
        return {v: full[v] for v in self.original.variables}

    def multipliers_back(
        self, full_point: Mapping[sp.Symbol, sp.Expr], multipliers: Mapping[str, sp.Expr]
    ) -> dict[str, sp.Expr] | None:
        """All multipliers of the original problem: the kept ones unchanged, the eliminated
        equalities' from ∂L/∂v = 0 for every eliminated v (a nonsingular linear system)."""
        problem = self.original
        names = {c.name: c for c in problem.constraints + problem.bound_constraints()}
        known = dict(multipliers)
        for name in self.equalities:
            known.pop(name, None)
        for name in names:
            if name not in self.equalities:
                known.setdefault(name, sp.Integer(0))
        subs = dict(full_point)
        unknown = [sp.Dummy(name) for name in self.equalities]
        lagr = problem.minimize_objective + sum(
            (known[n] * c.expr for n, c in names.items() if n not in self.equalities), sp.Integer(0)
        )
        lagr += sum((u * names[n].expr for u, n in zip(unknown, self.equalities)), sp.Integer(0))
        rows = [sp.diff(lagr, v).xreplace(subs) for v in self.values]
        if any(r.free_symbols - set(unknown) for r in rows):  # parameters: sympy's solve
            solution = sp.solve(rows, unknown, dict=True)
            if len(solution) != 1 or set(solution[0]) != set(unknown):
                return None
            values = [solution[0][u] for u in unknown]
        else:  # numbers (radicals, CRootOf): an exact linear solve on canonical entries
            matrix, rhs = sp.linear_eq_to_matrix(rows, unknown)
            try:
                values = list(matrix.applyfunc(tidy_exact).LUsolve(rhs.applyfunc(tidy_exact)))
            except (ValueError, ZeroDivisionError, NotImplementedError):
                return None
        out = {n: _tidy(value) for value, n in zip(values, self.equalities)}
        return {name: out.get(name, known.get(name)) for name in names}


def _tidy(value: sp.Expr) -> sp.Expr:
    """An exact number in canonical form (:func:`~lagrangekit.kkt.tidy_exact`), or an expression
    in parameters simplified."""
    return sp.simplify(value) if value.free_symbols else tidy_exact(value)


# ----------------------------------------------------------------------- objective
def _positive_base(base: sp.Expr, exponent: sp.Expr, problem: Problem) -> bool:
    """Whether base**exponent is positive wherever it is real: a positive symbol or constant
    (any real exponent), or a variable under a non-integer power (real only for base >= 0;
    the points with base = 0 are dropped, see :func:`objective_transform`)."""
    if base.is_positive:
        return bool(exponent.is_real)
    return base in problem.variables and exponent.is_integer is False and bool(exponent.is_positive)


def _product_of_powers(f: sp.Expr, problem: Problem) -> tuple[sp.Expr, list[tuple[sp.Expr, sp.Expr]]] | None:
    """f as c·Π bₖ^eₖ with c a positive constant (in the parameters) and every bₖ^eₖ positive."""
    coeff = sp.Integer(1)
    powers: list[tuple[sp.Expr, sp.Expr]] = []
    for factor in sp.Mul.make_args(f):
        if not factor.free_symbols & set(problem.variables):
            coeff *= factor
            continue
        base, exponent = factor.as_base_exp()
        if exponent.free_symbols & set(problem.variables) or not _positive_base(base, exponent, problem):
            return None
        powers.append((base, exponent))
    if not coeff.is_positive or len(powers) < 2 and not any(e != 1 for _, e in powers):
        return None
    return coeff, powers


def _nonnegative_quadratic(q: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    """q a polynomial of degree 2 whose homogenized matrix is positive semidefinite (q >= 0)."""
    if not q.is_polynomial(*variables) or sp.Poly(q, *variables).total_degree() != 2:
        return False
    t = sp.Dummy("t")
    homog = sp.expand(q.xreplace({v: v / t for v in variables}) * t**2)
    gens = [*variables, t]
    matrix = sp.hessian(homog, gens) / 2
    if matrix.free_symbols:
        return False
    return bool(matrix.is_positive_semidefinite)


def objective_transform(problem: Problem) -> ObjectiveTransform | None:
    """The objective transform that applies to ``problem``, or None.

    - log: f = c·Π bₖ^eₖ, positive where real (:func:`_positive_base`), is replaced by
      log c + Σ eₖ log bₖ for a maximize problem, or a minimize problem whose bases are all
      positive symbols (a minimum of a product over variables >= 0 sits at f = 0, where log is
      undefined). Points where some bₖ = 0 are not KKT points of log f; for a maximize problem
      they have f = 0, the least value, and are never maximizers unless f = 0 everywhere.
    - exponential: f = c·exp(t) (c > 0) is replaced by t.
    - power: f = c·q^a (c > 0, a > 0 a number, not 1 when c = 1) with q a nonnegative quadratic
      (the square of a norm), or a = 1 (scaling), is replaced by q.
    """
    f = problem.objective
    variables = problem.variables
    if not f.free_symbols & set(variables):
        return None
    product = _product_of_powers(f, problem)
    if product is not None:
        coeff, powers = product
        all_positive = all(b.is_positive for b, _ in powers)
        if problem.is_maximize or all_positive:
            t = sp.log(coeff) + sum((e * sp.log(b) for b, e in powers), sp.Integer(0))
            where = (
                "every base is a positive symbol"
                if all_positive
                else "f > 0 where every base is positive, and f = 0, its least value, elsewhere"
            )
            return ObjectiveTransform(
                problem=_with_objective(problem, t),
                factor=f,
                description=(
                    f"log of the objective: f = {sp.sstr(f)} is a positive product of powers ({where}), "
                    f"so log f = {sp.sstr(t)} is strictly increasing in f and has the same KKT points "
                    "where f > 0; ∇log f = ∇f/f, so the multipliers are f(x*) times those of log f"
                ),
            )
    coeff, rest = f.as_independent(*variables, as_Add=False)
    if isinstance(rest, sp.exp) and coeff.is_positive:
        t = rest.args[0]
        return ObjectiveTransform(
            problem=_with_objective(problem, t),
            factor=f,
            description=(
                f"exponential of the objective: f = {sp.sstr(f)} = c·exp(t) with c > 0 is strictly "
                f"increasing in t = {sp.sstr(t)}, which has the same KKT points; ∇f = f·∇t, so the "
                "multipliers are f(x*) times those of t"
            ),
        )
    base, exponent = rest.as_base_exp()
    if not (coeff.is_positive and exponent.is_number and exponent.is_positive and exponent.is_rational):
        return None
    if exponent == 1:
        if coeff == 1:
            return None
        why, name = f"the positive factor {sp.sstr(coeff)} does not change the minimizers", "scaling"
    elif _nonnegative_quadratic(base, variables):
        why = f"q = {sp.sstr(base)} >= 0 and q^{sp.sstr(exponent)} is strictly increasing on q >= 0"
        name = "square of a norm" if exponent == sp.Rational(1, 2) else "power of a nonnegative quadratic"
    else:
        return None
    return ObjectiveTransform(
        problem=_with_objective(problem, base),
        factor=coeff * exponent * base ** (exponent - 1),
        description=(
            f"{name}: f = {sp.sstr(f)} is replaced by {sp.sstr(base)}, since {why}; "
            f"the multipliers are f'(q) = {sp.sstr(coeff * exponent * base ** (exponent - 1))} times "
            "those of the transformed problem (where f'(q) > 0)"
        ),
    )


def _with_objective(problem: Problem, objective: sp.Expr) -> Problem:
    return Problem(
        objective=objective,
        sense=problem.sense,
        constraints=problem.constraints,
        variables=problem.variables,
        bounds=problem.bounds,
    )


# ----------------------------------------------------------------------- substitution
def _pivot(expr: sp.Expr, candidates: list[sp.Symbol], variables: tuple[sp.Symbol, ...]) -> sp.Symbol | None:
    """A variable v with ``expr`` = a·v + r, a a nonzero number and r a polynomial free of v,
    so that v = −r/a keeps a polynomial problem polynomial (r affine: a linear equality)."""
    if not expr.is_polynomial(*variables) or sp.Poly(expr, *variables).total_degree() < 1:
        return None
    for v in candidates:
        slope = sp.diff(expr, v)
        if slope.is_number and slope != 0:
            return v
    return None


def _domain_restricted(v: sp.Symbol, exprs: list[sp.Expr]) -> bool:
    """Whether ``v`` stands in a log or under a non-integer power, whose domain (v > 0 or
    v >= 0) substitution would hide inside a longer expression."""
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.log) and node.args[0].has(v):
                return True
            if isinstance(node, sp.Pow) and node.base.has(v) and node.exp.is_integer is not True:
                return True
    return False


def linear_elimination(problem: Problem) -> Elimination | None:
    """Substitute the variables fixed by equalities linear in them (see the module docstring), or None.

    Only variables without finite bounds and without sign assumptions are eliminated (a bound
    or ``positive=True`` would become a new inequality), and none that stands in a log or under
    a non-integer power (its implied domain); at least one variable is kept.
    """
    exprs = [problem.objective, *(c.expr for c in problem.constraints)]
    free = [
        v
        for v, (lo, hi) in zip(problem.variables, problem.bounds)
        if lo is None
        and hi is None
        and v.is_positive is None
        and v.is_nonnegative is None
        and not _domain_restricted(v, exprs)
    ]
    values: dict[sp.Symbol, sp.Expr] = {}
    used: list[str] = []
    constraints = list(problem.constraints)
    objective = problem.objective
    for c in problem.equalities:
        current = next(k for k in constraints if k.name == c.name)
        kept = tuple(v for v in problem.variables if v not in values)
        pivot = _pivot(current.expr, [v for v in free if v not in values], kept)
        if pivot is None or len(kept) == 1:
            continue
        value = sp.solve(current.expr, pivot)[0]
        values = {v: sp.expand(e.xreplace({pivot: value})) for v, e in values.items()}
        values[pivot] = value
        used.append(c.name)
        constraints = [
            Constraint(k.name, k.kind, sp.expand(k.expr.xreplace({pivot: value})))
            for k in constraints
            if k.name != c.name
        ]
        objective = objective.xreplace({pivot: value})
    if not values:
        return None
    if any(k.expr.is_number for k in constraints):
        return None  # redundant or inconsistent equalities: left to the direct route
    kept = tuple(v for v in problem.variables if v not in values)
    reduced = Problem(
        objective=objective,
        sense=problem.sense,
        constraints=tuple(constraints),
        variables=kept,
        bounds=tuple(b for v, b in zip(problem.variables, problem.bounds) if v not in values),
    )
    subs = ", ".join(f"{v} = {sp.sstr(e)}" for v, e in values.items())
    return Elimination(
        original=problem,
        problem=reduced,
        values=values,
        equalities=tuple(used),
        description=(
            f"substitution: the equalities {', '.join(used)}, linear in the substituted variables, fix "
            f"{subs}; the feasible sets "
            "correspond one to one, and the multipliers of those equalities follow from ∂L/∂v = 0 "
            "for the substituted variables"
        ),
    )
