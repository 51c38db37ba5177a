"""Exact KKT points by active-set enumeration with sympy: kkt_points() and solve_symbolic().

Standard form (DESIGN.md): minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0, bounds as ``lower:x`` /
``upper:x`` inequalities; L = f + Σ μ_i g_i + Σ λ_j h_j with μ >= 0; a maximize problem is solved
as minimize −f and its multipliers are those of the −f form.
"""

from __future__ import annotations

import functools
import itertools
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import sympy as sp
import sympy.physics.units  # noqa: F401  simplify() imports it lazily; load it before forking workers

from .cvxpy_export import recognized_convex
from .errors import SymbolicSolveError
from .exact_sign import exact_sign
from .homotopy_solve import HOMOTOPY_METHOD, certified_real_solutions
from .kkt import check_kkt, second_order_exact, tidy_exact
from .phase_one import FEASIBLE
from .polynomial_systems import real_solutions
from .problem import Constraint, Problem, symbolic_problem
from .result import KKTReport, Result, format_value, to_jsonable
from .symbolic_conditions import convex_in_variables, kkt_conditions
from .symbolic_feasibility import FeasibilityWitness, breaks_sign, feasibility_witness
from .symbolic_pruning import AffineRows
from .symbolic_radicals import radical_system
from .symbolic_rays import feasible_start, unbounded_message
from .symbolic_second_order import second_order_by_margin
from .symbolic_sign_pruning import FaceSigns
from .symbolic_transforms import Elimination, ObjectiveTransform, linear_elimination, objective_transform
from .symbolic_zero_minima import ZERO_MINIMA_METHOD, zero_minima

__all__ = ["KKTCandidate", "kkt_points", "solve_symbolic"]

Classification = Literal["local min", "local max", "saddle", "undetermined"]

_HINT = "try lk.solve(problem) for a numerical solution"


@dataclass(frozen=True)
class KKTCandidate:
    """One exact KKT point of the minimize-form problem.

    Attributes
    ----------
    point : Mapping[sympy.Symbol, sympy.Expr]
        Exact values of the variables (expressions in the parameters for parametric problems).
    multipliers : Mapping[str, sympy.Expr]
        Exact multipliers by constraint name, for the minimize form (μ >= 0); bounds use
        ``"lower:x"`` and ``"upper:x"``.
    fun : sympy.Expr
        The user's objective f at the point (f, not −f, for a maximize problem).
    classification : {"local min", "local max", "saddle", "undetermined"}
        In the user's sense, from the second-order test on the critical cone. A strict local
        maximizer of a maximize problem is ``"local max"``.
    active : tuple of str
        Inequality constraints and bounds that hold with equality.
    optimal : bool
        True for the candidates with the best objective among all KKT points.
    family : Mapping[sympy.Symbol, sympy.Expr] or None
        For a continuum of KKT points (for example min (x + y)², stationary on x = −y), the
        family's expressions in its free variables; ``point`` is then one exact member (the
        objective is constant along such a family). None for isolated points.
    conditions : sympy.Boolean
        For a parametric problem with inequalities, the parameter values for which this is a
        KKT point (μ_A >= 0, the other inequalities hold, positive variables > 0); ``true``
        otherwise.
    method : str
        How the KKT system of this point's active set was solved: ``"Gröbner basis (grevlex,
        FGLM to lex ...)"`` (exact real roots of a polynomial system, every one enumerated; see
        :func:`lagrangekit.polynomial_systems.real_solutions`), ``"homotopy continuation
        (...)"`` when that basis exceeded its CPU budget (every real root proved by Krawczyk's
        test and exactly recognised, but completeness only with probability one; see
        :func:`lagrangekit.homotopy_solve.certified_real_solutions`), ``"sympy.solve"``, or
        ``"substitution (no system left to solve)"`` when active bounds fixed every unknown.
    """

    point: Mapping[sp.Symbol, sp.Expr]
    multipliers: Mapping[str, sp.Expr]
    fun: sp.Expr
    classification: Classification
    active: tuple[str, ...] = ()
    optimal: bool = False
    family: Mapping[sp.Symbol, sp.Expr] | None = None
    conditions: Any = sp.true
    method: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", MappingProxyType(dict(self.point)))
        if self.family is not None:
            object.__setattr__(self, "family", MappingProxyType(dict(self.family)))
        object.__setattr__(self, "multipliers", MappingProxyType(dict(self.multipliers)))
        object.__setattr__(self, "active", tuple(self.active))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of every field."""
        return {
            "point": to_jsonable({str(k): v for k, v in self.point.items()}),
            "multipliers": to_jsonable(self.multipliers),
            "fun": to_jsonable(self.fun),
            "classification": self.classification,
            "active": list(self.active),
            "optimal": self.optimal,
            "family": None
            if self.family is None
            else to_jsonable({str(k): v for k, v in self.family.items()}),
            "conditions": str(self.conditions),
            "method": self.method,
        }

    def __str__(self) -> str:
        values = ", ".join(f"{k} = {format_value(v)}" for k, v in self.point.items())
        mults = ", ".join(f"{k} = {format_value(v)}" for k, v in self.multipliers.items())
        best = ", optimal" if self.optimal else ""
        text = f"{self.classification}{best}: {values}; f = {format_value(self.fun)}" + (
            f"; {mults}" if mults else ""
        )
        if self.conditions is not sp.true:
            text += f"; when {self.conditions}"
        if self.family is not None:
            text += "; a point of the continuum " + ", ".join(f"{k} = {v}" for k, v in self.family.items())
        return text


# ------------------------------------------------------------------------ time limit
def _pack(value: Any) -> Any:
    """Frozen dataclasses hold read-only mappings that do not pickle: send plain fields."""
    if is_dataclass(value) and not isinstance(value, type):
        return (_PACKED, type(value), {f.name: _pack(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, Mapping):
        return {k: _pack(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_pack(v) for v in value)
    return value


def _unpack(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == _PACKED:
        return value[1](**{k: _unpack(v) for k, v in value[2].items()})
    if isinstance(value, dict):
        return {k: _unpack(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_unpack(v) for v in value)
    return value


_PACKED = "__lagrangekit_dataclass__"


_BUDGET_EXIT = 3  # exit status of a worker stopped at its CPU budget


def _watchdog(parent: int, cpu_budget: float | None) -> None:
    """In a worker: exit when the parent process is gone (a worker killed at its own limit
    would otherwise leave its workers running) or the worker's CPU time passes ``cpu_budget``."""
    while True:
        if os.getppid() != parent:
            os._exit(0)
        if cpu_budget is not None and time.process_time() > cpu_budget:
            os._exit(_BUDGET_EXIT)
        time.sleep(0.05)


def _child(conn: Any, func: Callable[..., Any], args: tuple, parent: int, cpu_budget: float | None) -> None:
    threading.Thread(target=_watchdog, args=(parent, cpu_budget), daemon=True).start()
    try:
        conn.send(("ok", _pack(func(*args))))
    except SymbolicSolveError as exc:
        conn.send(("symbolic", str(exc)))
    except Exception as exc:  # reported to the parent, which raises SymbolicSolveError
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)


def run_with_timeout(
    func: Callable[..., Any],
    args: tuple,
    timeout: float | None,
    what: str,
    *,
    cpu_budget: float | None = None,
) -> Any:
    """``func(*args)``, stopped after ``timeout`` seconds with :class:`SymbolicSolveError`.

    On platforms with ``fork`` the work runs in a child process that is killed at the limit,
    so sympy can never hang the caller; elsewhere it runs in a daemon thread that is abandoned.
    With ``cpu_budget``, the child also stops when its own CPU time passes that many seconds
    (the same error, saying "did not finish within its budget"); without fork, the budget is
    applied as wall-clock time. A child exits when its parent does.
    """
    if timeout is None:
        return func(*args)
    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        receiver, sender = ctx.Pipe(duplex=False)
        # not daemonic, so that it may start workers of its own (a Gröbner basis under a budget);
        # it is killed in the finally below, and its watchdog ends it if this process dies
        proc = ctx.Process(target=_child, args=(sender, func, args, os.getpid(), cpu_budget), daemon=False)
        proc.start()
        sender.close()
        try:
            if not receiver.poll(timeout):
                raise SymbolicSolveError(f"{what}: sympy did not finish within {timeout:g} s; {_HINT}")
            try:
                kind, payload = receiver.recv()
            except EOFError:
                proc.join()
                if proc.exitcode == _BUDGET_EXIT:
                    raise SymbolicSolveError(
                        f"{what}: sympy did not finish within its budget of {cpu_budget:g} CPU seconds"
                    ) from None
                raise SymbolicSolveError(f"{what}: the sympy worker died unexpectedly; {_HINT}") from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            receiver.close()
    else:  # pragma: no cover - platforms without fork
        box: list[tuple[str, Any]] = []

        def target() -> None:
            try:
                box.append(("ok", _pack(func(*args))))
            except SymbolicSolveError as exc:
                box.append(("symbolic", str(exc)))
            except Exception as exc:
                box.append(("error", f"{type(exc).__name__}: {exc}"))

        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(timeout if cpu_budget is None else min(timeout, cpu_budget))
        if not box:
            raise SymbolicSolveError(f"{what}: sympy did not finish within {timeout:g} s; {_HINT}")
        kind, payload = box[0]
    if kind == "symbolic":
        raise SymbolicSolveError(payload)
    if kind == "error":
        raise SymbolicSolveError(f"{what}: sympy failed ({payload}); {_HINT}")
    return _unpack(payload)


# ------------------------------------------------------------------- active sets
def _exact_problem(problem: Problem) -> Problem:
    """The problem with float literals read as the exact decimals they print as."""

    def exact(e: sp.Expr) -> sp.Expr:
        return sp.nsimplify(e, rational=True) if e.has(sp.Float) else e

    return Problem(
        objective=exact(problem.objective),
        sense=problem.sense,
        constraints=tuple(Constraint(c.name, c.kind, exact(c.expr)) for c in problem.constraints),
        variables=problem.variables,
        bounds=problem.bounds,
    )


@dataclass
class _System:
    """The pieces of the KKT system, built once per problem."""

    problem: Problem
    variables: tuple[sp.Symbol, ...]
    f: sp.Expr
    eqs: tuple[Constraint, ...]
    ineqs: tuple[Constraint, ...]
    lam: list[sp.Symbol]
    mu: list[sp.Symbol]
    bound_of: dict[int, tuple[int, sp.Expr]] = field(default_factory=dict)  # ineq index -> (var index, value)

    @classmethod
    def build(cls, problem: Problem) -> _System:
        ineqs = problem.all_inequalities()
        mult = problem.multipliers
        system = cls(
            problem=problem,
            variables=problem.variables,
            f=problem.minimize_objective,
            eqs=problem.equalities,
            ineqs=ineqs,
            lam=[mult[c.name] for c in problem.equalities],
            mu=[mult[c.name] for c in ineqs],
        )
        index = {v.name: i for i, v in enumerate(problem.variables)}
        offset = len(problem.inequalities)
        for k, c in enumerate(ineqs[offset:], start=offset):
            side, name = c.name.split(":", 1)
            var = problem.variables[index[name]]
            value = c.expr + var if side == "lower" else var - c.expr
            system.bound_of[k] = (index[name], sp.nsimplify(value))
        return system


def _is_polynomial(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> bool:
    return all(e.is_polynomial(*symbols) for e in exprs)


def _solved_completely(problem: Problem) -> bool:
    """Whether every KKT system of ``problem`` goes to the exact polynomial solver, which finds
    all real solutions (rational functions, and radicals of polynomials given their own
    unknowns), rather than to ``sympy.solve``, which can miss solutions of other equations."""
    exact = _exact_problem(problem)
    exprs = [exact.minimize_objective, *(c.expr for c in exact.constraints)]
    xs = exact.variables
    return all(e.is_rational_function(*xs) for e in exprs) or radical_system(exprs, xs) is not None


def _primal_inconsistent(system: _System, active: tuple[int, ...]) -> bool:
    """True when g_A = 0, h = 0 has no complex solution (a Gröbner basis equal to [1]).
    Bounds of distinct variables alone (the caller has excluded two bounds of one variable)
    always have a solution."""
    if not system.eqs and all(i in system.bound_of for i in active):
        return False
    exprs = [c.expr for c in system.eqs] + [system.ineqs[i].expr for i in active]
    if not exprs or not _is_polynomial(exprs, system.variables):
        return False
    if system.problem.parameters:
        return False
    basis = sp.groebner(exprs, *system.variables, order="grevlex")
    return list(basis.exprs) == [1]


def _solve_active_set(
    system: _System, active: tuple[int, ...]
) -> tuple[list[tuple[dict[sp.Symbol, sp.Expr], dict[sp.Symbol, sp.Expr] | None]], str]:
    """Solutions (x, λ, μ_A) of ∇ₓL = 0, h = 0, g_A = 0 with μ_i = 0 off A; bounds substituted.

    Each comes with None, or for a continuum of solutions that contains KKT points, with the
    family's expressions for x (the solution itself is then one exact member of the family).
    The second item names the method that solved the system.
    """
    xs = list(system.variables)
    fixed: dict[sp.Symbol, sp.Expr] = {}
    bound_rows: dict[int, int] = {}
    general = []
    for i in active:
        if i in system.bound_of:
            var_index, value = system.bound_of[i]
            fixed[xs[var_index]] = value
            bound_rows[i] = var_index
        else:
            general.append(i)
    lagrangian = system.f
    lagrangian += sum((lj * c.expr for lj, c in zip(system.lam, system.eqs)), sp.Integer(0))
    lagrangian += sum((system.mu[i] * system.ineqs[i].expr for i in general), sp.Integer(0))
    grad = [sp.diff(lagrangian, v) for v in xs]
    free_vars = [v for v in xs if v not in fixed]
    equations = [grad[k] for k, v in enumerate(xs) if v not in fixed]
    equations += [c.expr for c in system.eqs] + [system.ineqs[i].expr for i in general]
    equations = [sp.expand(e.xreplace(fixed)) for e in equations]
    unknowns = free_vars + system.lam + [system.mu[i] for i in general]
    equations = [e for e in equations if e != 0]
    if any(e.is_number for e in equations):  # a nonzero constant: inconsistent
        return [], _NO_SYSTEM
    removed_rows = [grad[k].xreplace(fixed) for k in bound_rows.values()]
    if any(e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in equations + removed_rows):
        return [], _NO_SYSTEM  # ∇L is undefined on this face (for example log 0)
    if equations:
        solutions, method = _solve_equations(equations, unknowns, system.problem.parameters)
    else:
        solutions, method = [{}], _NO_SYSTEM
    out = []
    for sol in solutions:
        full = dict(fixed) | {k: v for k, v in sol.items()}
        params = set(system.problem.parameters)
        family = sorted(
            {u for u in unknowns if u not in full}
            | set().union(*(full[v].free_symbols for v in full)) - params,
            key=str,
        )
        family = [u for u in family if u in free_vars or u not in unknowns]
        if family:
            sample = _family_sample(system, active, full, grad, bound_rows, family)
            if sample is not None:  # a continuum of KKT points: keep one exact member
                out.append((sample, {v: full.get(v, v) for v in xs}))
            continue  # otherwise no KKT point inside: its end points appear in other active sets
        # free multipliers (LICQ failure) are set to 0
        frees = [u for u in unknowns if u not in full]
        full = {k: v.xreplace(dict.fromkeys(frees, 0)) for k, v in full.items()}
        for u in frees:
            full[u] = sp.Integer(0)
        # multipliers of active bounds from the rows that were removed
        grad_at = [g.xreplace(full) for g in grad]
        for i, var_index in bound_rows.items():
            sign = -1 if system.ineqs[i].name.startswith("lower:") else 1
            full[system.mu[i]] = -sign * grad_at[var_index]
        out.append((full, None))
    return out, method


_NO_SYSTEM = "substitution (no system left to solve)"
_SYMPY_SOLVE = "sympy.solve"


def _solve_equations(
    equations: list[sp.Expr], unknowns: list[sp.Symbol], parameters: Sequence[sp.Symbol]
) -> tuple[list[dict], str]:
    """Solutions of the stationarity system and the method's name: Gröbner bases for
    polynomial systems (:func:`lagrangekit.polynomial_systems.real_solutions`), ``sympy.solve``
    otherwise (and for parameters, families and bases it cannot put in shape position)."""
    polynomial = not parameters and _is_polynomial(equations, unknowns)
    if polynomial:
        found = _polynomial_solutions(equations, unknowns)
        if found is not None:
            return found
        solutions = sp.solve(equations, unknowns, dict=True, check=False, simplify=False)
        return [s for s in solutions if _satisfies(equations, s)], _SYMPY_SOLVE
    if not parameters and all(e.is_rational_function(*unknowns) for e in equations):
        found = _rational_solutions(equations, unknowns)
        if found is not None:
            return found
    radicals = None if parameters else radical_system(equations, unknowns)
    if radicals is not None:
        found = _rational_solutions(radicals.equations, [*unknowns, *radicals.roots])
        if found is not None:
            solutions, method = found
            kept = [s for s in solutions if all(exact_sign(tidy_exact(s[r])) >= 0 for r in radicals.roots)]
            hidden = set(radicals.roots)
            return [{k: v for k, v in s.items() if k not in hidden} for s in kept], (
                f"{method}, with a nonnegative unknown s for each radical b^(a/q) and s^q = b"
            )
    return sp.solve(equations, unknowns, dict=True, simplify=False), _SYMPY_SOLVE  # tidied later


_GROEBNER_BUDGET = 2.0  # CPU seconds for the Gröbner basis of a large system before the homotopy
_SMALL_SYSTEM = 64  # systems with at most this many total-degree paths get Gröbner bases without a budget

# The methods of the systems solved in the current search that do not prove they found every
# solution (homotopy continuation): a KKT point may then have been missed.
_UNPROVEN: ContextVar[list[str] | None] = ContextVar("_UNPROVEN", default=None)


def _polynomial_solutions(
    equations: list[sp.Expr], unknowns: list[sp.Symbol]
) -> tuple[list[dict], str] | None:
    """:func:`~lagrangekit.polynomial_systems.real_solutions` (Gröbner bases), for a system with
    more than :data:`_SMALL_SYSTEM` total-degree paths within :data:`_GROEBNER_BUDGET` CPU
    seconds; when it does not finish or gives None, the certified homotopy
    (:func:`~lagrangekit.homotopy_solve.certified_real_solutions`, every root exactly
    recognised; recorded in :data:`_UNPROVEN`); when that gives None too, Gröbner bases again
    without a budget (the overall time limit still holds). None when no route solves the system."""
    if _bezout(equations, unknowns) <= _SMALL_SYSTEM:
        return real_solutions(equations, unknowns) or _homotopy_solutions(equations, unknowns)
    try:
        found = run_with_timeout(
            real_solutions,
            (equations, unknowns),
            60 * _GROEBNER_BUDGET,
            "Gröbner basis",
            cpu_budget=_GROEBNER_BUDGET,
        )
    except SymbolicSolveError as exc:
        if "did not finish" not in str(exc):
            raise
        found, timed_out = None, True
    else:
        timed_out = False
    if found is not None:
        return found
    homotopy = _homotopy_solutions(equations, unknowns)
    if homotopy is not None:
        return homotopy
    return real_solutions(equations, unknowns) if timed_out else None


def _homotopy_solutions(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> tuple[list[dict], str] | None:
    """:func:`~lagrangekit.homotopy_solve.certified_real_solutions` with every root exact, its
    method recorded in :data:`_UNPROVEN` when it answers."""
    found = certified_real_solutions(equations, unknowns, exact=True)
    unproven = _UNPROVEN.get()
    if found is not None and unproven is not None:
        unproven.append(found[1])
    return found


def _bezout(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> int:
    """∏ total degrees: the number of paths of a total-degree homotopy."""
    return math.prod(max(1, sp.Poly(e, *unknowns).total_degree()) for e in equations)


def _rational_solutions(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> tuple[list[dict], str] | None:
    """Solutions of rational equations: those of their numerators (a polynomial system) at
    which no denominator vanishes; None when the numerators are not solved exactly."""
    fractions = [sp.fraction(sp.together(e)) for e in equations]
    numerators = [sp.expand(num) for num, _ in fractions]
    if not _is_polynomial(numerators, unknowns):
        return None
    found = _polynomial_solutions(numerators, unknowns)
    if found is None:
        return None
    solutions, method = found
    kept = [s for s in solutions if all(tidy_exact(den.xreplace(s)) != 0 for _, den in fractions)]
    return kept, f"{method} on the numerators of the rational equations"


def _satisfies(equations: list[sp.Expr], sol: dict) -> bool:
    """Whether an isolated solution satisfies every equation exactly (families are kept)."""
    values = [e.xreplace(sol) for e in equations]
    return all(v.free_symbols or _exact(v) == 0 for v in values)


def _family_sample(
    system: _System,
    active: tuple[int, ...],
    sol: dict[sp.Symbol, sp.Expr],
    grad: list[sp.Expr],
    bound_rows: dict[int, int],
    family: list[sp.Symbol],
) -> dict[sp.Symbol, sp.Expr] | None:
    """A KKT point inside a positive-dimensional solution family, or None.

    The family is probed at generic rational values of its free symbols, so a KKT point is
    found when μ_A >= 0 and g <= 0 hold on a set of positive measure of the family.
    """
    rng = np.random.default_rng(0)
    generic = [{u: sp.Rational(int(rng.integers(-400, 400)), 97) for u in family} for _ in range(24)]
    for values in generic:
        if _family_member(system, active, sol, grad, bound_rows, values) is not None:
            break
    else:
        return None
    # the family holds KKT points; report a simple member when there is one
    simple = [dict.fromkeys(family, sp.Integer(k)) for k in (0, 1, -1, 2, -2)]
    for values in [*simple, *generic]:
        member = _family_member(system, active, sol, grad, bound_rows, values)
        if member is not None:
            return member
    return None


def _family_member(
    system: _System,
    active: tuple[int, ...],
    sol: dict[sp.Symbol, sp.Expr],
    grad: list[sp.Expr],
    bound_rows: dict[int, int],
    values: dict[sp.Symbol, sp.Expr],
) -> dict[sp.Symbol, sp.Expr] | None:
    """The family member at ``values`` of its free symbols, if it is a real KKT point."""
    xs = list(system.variables)
    full = {k: _tidy_any(v.xreplace(values)) for k, v in sol.items()} | values
    for u in system.lam + [system.mu[i] for i in active]:
        full.setdefault(u, sp.Integer(0))
    grad_at = [g.xreplace(full) for g in grad]
    for i, var_index in bound_rows.items():
        sign = -1 if system.ineqs[i].name.startswith("lower:") else 1
        full[system.mu[i]] = _exact(-sign * grad_at[var_index])
    if any(not (v.is_number and _is_real(v)) for v in full.values()):
        return None
    point = {v: full[v] for v in xs}
    if any(exact_sign(full[system.mu[i]]) < 0 for i in active):
        return None
    if any(exact_sign(_exact(c.expr.xreplace(point))) > 0 for c in system.ineqs):
        return None
    return full


def _exact(value: sp.Expr) -> sp.Expr:
    """:func:`tidy_exact`, skipped for a rational (already canonical)."""
    return value if value.is_Rational else tidy_exact(value)


def _is_real(value: sp.Expr) -> bool:
    if value.is_Rational:
        return True
    if value.is_real is False:
        return False
    if value.free_symbols:
        return True  # parametric: kept unless provably complex
    imag = sp.im(sp.N(value, 30))
    return abs(imag) < 1e-25


def _enumerate(problem: Problem, *, first_only: bool = False) -> list[KKTCandidate]:
    """Every KKT point (see :func:`kkt_points`), or with ``first_only`` the first one found."""
    system = _System.build(problem)
    n, m_e, m_i = len(system.variables), len(system.eqs), len(system.ineqs)
    parametric = bool(problem.parameters)
    if parametric and m_i and not convex_in_variables(problem):
        raise SymbolicSolveError(
            f"parametric problems (parameters {[p.name for p in problem.parameters]}) are solved "
            "symbolically only with equality constraints, or with inequalities when the problem is "
            "convex in the variables with affine constraints (as Cobb–Douglas after its log "
            "transform); substitute values with problem.subs({...})"
        )
    affine = AffineRows.build([c.expr for c in system.eqs], [c.expr for c in system.ineqs], system.variables)
    signs = None
    if not parametric:
        signs = FaceSigns.build(
            system.f,
            [c.expr for c in system.eqs],
            [c.expr for c in problem.inequalities],
            system.variables,
            problem.bounds,
        )
    dead: list[frozenset[int]] = []
    seen: list[tuple[Any, ...]] = []
    found: list[KKTCandidate] = []
    for size in range(0, min(m_i, n) + 1):
        for active in itertools.combinations(range(m_i), size):
            aset = frozenset(active)
            if any(d <= aset for d in dead):
                continue
            vars_fixed = [system.bound_of[i][0] for i in active if i in system.bound_of]
            if len(vars_fixed) != len(set(vars_fixed)):  # lower and upper bound of one variable
                dead.append(aset)
                continue
            if affine.infeasible(active):  # and so is every superset
                dead.append(aset)
                continue
            if signs is not None and _sign_excluded(system, signs, active):
                continue
            overdetermined = size + m_e > n
            if (size >= 2 or overdetermined) and _primal_inconsistent(system, active):
                dead.append(aset)
                continue
            if overdetermined and not _is_polynomial(
                [c.expr for c in system.eqs] + [system.ineqs[i].expr for i in active], system.variables
            ):
                continue  # degenerate vertices are searched for polynomial constraints only
            solutions, method = _solve_active_set(system, active)
            for sol, family in solutions:
                candidate = _accept(system, sol, family, active, parametric and m_i > 0)
                if candidate is None:
                    continue
                candidate = replace(candidate, method=method)
                key = (
                    tuple(candidate.family[v] for v in system.variables)
                    if family
                    else tuple(candidate.point[v] for v in system.variables)
                )
                if any(len(key) == len(other) and _same(key, other) for other in seen):
                    continue
                seen.append(key)
                found.append(candidate)
                if first_only:
                    return found
    return found


def _sign_excluded(system: _System, signs: FaceSigns, active: tuple[int, ...]) -> bool:
    """:meth:`FaceSigns.excludes` for an active set of the enumeration."""
    fixed = {
        system.bound_of[i][0]: (system.ineqs[i].name.split(":", 1)[0], system.bound_of[i][1])
        for i in active
        if i in system.bound_of
    }
    return signs.excludes(fixed, [i for i in active if i not in system.bound_of])


def _accept(
    system: _System,
    sol: dict[sp.Symbol, sp.Expr],
    family: dict[sp.Symbol, sp.Expr] | None,
    active: tuple[int, ...],
    conditional: bool,
) -> KKTCandidate | None:
    """The candidate of one solution, or None when it is complex, infeasible or has μ_A < 0.

    ``conditional``: a parametric problem with inequalities (convex in the variables), whose
    candidates hold under conditions on the parameters (None when those cannot hold)."""
    m_i = len(system.ineqs)
    if not system.problem.parameters and family is None and _clearly_not_kkt(system, sol, active):
        return None
    values = [_tidy_any(sol[v]) for v in system.variables]
    lam = [_tidy_any(sol[s]) for s in system.lam]
    mu_a = {i: _tidy_any(sol[system.mu[i]]) for i in active}
    if not all(_is_real(v) for v in values + lam + list(mu_a.values())):
        return None
    mu = [mu_a.get(i, sp.Integer(0)) for i in range(m_i)]
    if conditional and family is not None:
        raise SymbolicSolveError(
            "a continuum of KKT points of a parametric problem with inequalities is not supported; "
            "substitute values with problem.subs({...})"
        )
    if conditional:
        subs = dict(zip(system.variables, values))
        slack = [-c.expr.xreplace(subs) for k, c in enumerate(system.ineqs) if k not in active]
        conditions = kkt_conditions(
            [mu_a[i] for i in active] + slack,
            [val for v, val in zip(system.variables, values) if v.is_positive],
        )
        if conditions is sp.false:
            return None
        return _conditional_candidate(system, values, lam, mu, active, conditions)
    if not system.problem.parameters:
        if any(exact_sign(mu_a[i]) < 0 for i in active):
            return None
        subs = dict(zip(system.variables, values))
        if any(exact_sign(_exact(c.expr.xreplace(subs))) > 0 for c in system.ineqs):
            return None
    if family is not None:
        family = {k: sp.simplify(v) for k, v in family.items()}
    return _candidate(system, values, lam, mu, family)


_CLEAR_MARGIN = 1e-9  # far above the error of 30-digit evaluation, far below any real violation


def _clearly_not_kkt(system: _System, sol: dict[sp.Symbol, sp.Expr], active: tuple[int, ...]) -> bool:
    """True when the solution, evaluated to 30 digits, is complex, has μ_i < 0 for an active i
    or violates an inequality, each by more than a relative margin of 1e-9 (so rounding cannot
    decide it). This only rejects: survivors are checked exactly by :func:`_accept`."""
    numeric = _numeric_values(sol)
    if numeric is None:  # not a number (a family, an unevaluated expression)
        return False

    def clear(value: complex) -> bool:
        return abs(value) > _CLEAR_MARGIN * (1 + max(abs(z) for z in numeric.values()))

    if any(clear(z.imag) for z in numeric.values()):
        return True
    if any(numeric[system.mu[i]].real < 0 and clear(numeric[system.mu[i]].real) for i in active):
        return True
    point = {v: sp.Float(numeric[v].real, 30) for v in system.variables}
    for c in system.ineqs:
        try:
            g = complex(c.expr.xreplace(point).evalf(30))
        except (TypeError, ValueError):
            continue
        if g.real > 0 and clear(g.real):
            return True
    return False


def _numeric_values(sol: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, complex] | None:
    """The values of ``sol`` as complex numbers accurate to about 1e-20 relative, or None.

    Each ``CRootOf`` is replaced by its 40-digit and its 60-digit value (one refinement per
    root, not one per power of it in every value), and the two evaluations must agree to 1e-20
    relative to max(1, |value|); a value where they do not (a cancellation the 40 digits cannot
    resolve) is evaluated by ``sp.N`` to 30 digits instead."""
    roots = set().union(*(v.atoms(sp.CRootOf) for v in sol.values()))
    try:
        low = {r: sp.Float(r.evalf(40), 40) for r in roots}
        high = {r: sp.Float(r.evalf(60), 60) for r in roots}
        out = {}
        for k, v in sol.items():
            a, b = complex(v.xreplace(low).evalf(30)), complex(v.xreplace(high).evalf(30))
            out[k] = b if abs(a - b) <= 1e-20 * max(1.0, abs(b)) else complex(sp.N(v, 30))
    except (TypeError, ValueError):
        return None
    return out


def _tidy_any(value: sp.Expr) -> sp.Expr:
    """A readable exact value: simplified when small, canonical (radsimp, expand) otherwise."""
    if value.is_Rational:
        return value
    if value.free_symbols:
        return sp.simplify(value)
    if value.has(sp.CRootOf) or sp.count_ops(value) > 60:
        return tidy_exact(value)
    return tidy_exact(sp.simplify(value) if value.has(sp.exp, sp.log, sp.Pow) else value)


def _same(a: tuple[sp.Expr, ...], b: tuple[sp.Expr, ...]) -> bool:
    """Whether two points are equal: first every coordinate by cheap tests that can only prove a
    difference (rationals, values at 30 digits), then the remaining ones exactly."""
    undecided = []
    for u, v in zip(a, b):
        if u == v:  # structurally equal
            continue
        if (u.is_Rational and v.is_Rational) or _differ_somewhere(u - v, u, v):
            return False
        undecided.append((u, v))
    for u, v in undecided:
        difference = tidy_exact(u - v) if u.is_number and v.is_number else sp.simplify(u - v)
        if difference != 0:
            return False
    return True


def _differ_somewhere(difference: sp.Expr, u: sp.Expr, v: sp.Expr) -> bool:
    """True when ``difference`` = u − v is clearly nonzero (by 1e-12, far above the error of
    30-digit evaluation): for numbers, u and v are evaluated apart (no cancellation to resolve);
    for family expressions, at one rational point of their free symbols. False decides nothing."""
    if not difference.free_symbols:
        left, right = u, v
    else:
        symbols = sorted(difference.free_symbols, key=str)
        point = {s: sp.Rational(97 + 13 * k, 89) for k, s in enumerate(symbols)}
        at_point = difference.xreplace(point)
        if at_point.is_Rational:
            return at_point != 0
        left, right = at_point, sp.Integer(0)
    try:
        value = complex(sp.N(left, 30)) - complex(sp.N(right, 30))
    except (TypeError, ValueError):
        return False
    return abs(value) > 1e-12 * max(1.0, abs(complex(sp.N(right, 30))))


def _candidate(
    system: _System, values: list, lam: list, mu: list, family: dict[sp.Symbol, sp.Expr] | None = None
) -> KKTCandidate:
    problem = system.problem
    subs = dict(zip(system.variables, values))
    active = [
        i
        for i, c in enumerate(system.ineqs)
        if not problem.parameters and _exact(c.expr.xreplace(subs)) == 0
    ]
    # points of a continuum are never strict optima: the second-order test cannot decide them
    kind = "undetermined" if family else _classify(problem, values, lam, mu, active)
    multipliers = dict(zip((c.name for c in system.eqs), lam)) | dict(zip((c.name for c in system.ineqs), mu))
    fun = problem.objective.xreplace(subs)
    fun = sp.simplify(fun) if fun.free_symbols else _exact(fun)
    return KKTCandidate(
        point=subs,
        multipliers=multipliers,
        fun=fun,
        classification=kind,
        active=tuple(system.ineqs[i].name for i in active),
        family=family,
    )


def _conditional_candidate(
    system: _System, values: list, lam: list, mu: list, active: tuple[int, ...], conditions: Any
) -> KKTCandidate:
    """A KKT point of a parametric problem convex in the variables: a global minimizer of the
    minimize form (so classified as its local optimum) wherever ``conditions`` hold."""
    problem = system.problem
    subs = dict(zip(system.variables, values))
    multipliers = dict(zip((c.name for c in system.eqs), lam)) | dict(zip((c.name for c in system.ineqs), mu))
    return KKTCandidate(
        point=subs,
        multipliers=multipliers,
        fun=sp.simplify(problem.objective.xreplace(subs)),
        classification="local max" if problem.is_maximize else "local min",
        active=tuple(system.ineqs[i].name for i in active),
        conditions=conditions,
    )


_FLIP: dict[str, Classification] = {"local min": "local max", "local max": "local min"}


def _classify(problem: Problem, values: list, lam: list, mu: list, active: list[int]) -> Classification:
    """Second-order classification in the user's sense (see KKTCandidate.classification)."""
    if problem.parameters:
        kind = _classify_parametric(problem, values, lam)
    elif (clear := second_order_by_margin(problem, values, lam, mu, active)) is not None:
        kind = clear  # decided at 50 digits by a wide margin
    else:
        minimum = second_order_exact(problem, values, lam, mu, active, by_margin=False)
        all_weak = all(exact_sign(mu[i]) == 0 for i in active)
        maximum = False
        if all_weak:
            maximum = second_order_exact(problem, values, lam, mu, active, negate=True, by_margin=False)
        if minimum is True:
            kind = "local min"
        elif maximum is True:
            kind = "local max"
        elif minimum is False and maximum is False:
            kind = "saddle"
        else:
            kind = "undetermined"
        if kind == "saddle" and not _licq(problem, values, active):
            kind = "undetermined"  # the necessary test assumes LICQ
    return _FLIP.get(kind, kind) if problem.is_maximize else kind


def _licq(problem: Problem, values: list, active: list[int]) -> bool:
    subs = dict(zip(problem.variables, values))
    cons = list(problem.equalities) + [problem.all_inequalities()[i] for i in active]
    if not cons:
        return True
    jac = sp.Matrix([[tidy_exact(sp.diff(c.expr, v).xreplace(subs)) for v in problem.variables]
                     for c in cons])
    return jac.rank(iszerofunc=lambda e: tidy_exact(e) == 0) == len(cons)


def _classify_parametric(problem: Problem, values: list, lam: list) -> Classification:
    """Equality-only parametric case: decide the reduced Hessian when sympy can sign it."""
    subs = dict(zip(problem.variables, values))
    xs = list(problem.variables)
    lagr = problem.minimize_objective + sum(
        (lj * c.expr for lj, c in zip(lam, problem.equalities)), sp.Integer(0)
    )
    hess = sp.hessian(lagr, xs).xreplace(subs)
    jac = sp.Matrix([[sp.diff(c.expr, v).xreplace(subs) for v in xs] for c in problem.equalities])
    null = jac.nullspace(simplify=True) if jac.shape[0] else [sp.eye(len(xs))[:, k] for k in range(len(xs))]
    if not null:
        return "local min"
    z = sp.Matrix.hstack(*null)
    hz = (z.T * hess * z).applyfunc(sp.simplify)
    minors = [sp.simplify(hz[:k, :k].det()) for k in range(1, hz.shape[0] + 1)]
    if all(m.is_positive for m in minors):
        return "local min"
    if all(((-1) ** (k + 1) * m).is_positive for k, m in enumerate(minors, start=1)):
        return "local max"
    return "undetermined"


# ------------------------------------------------------------------------ public API
def _check_timeout(timeout: Any) -> float | None:
    if timeout is None:
        return None
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}") from None
    if not value > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    return value


def _mark_optimal(problem: Problem, candidates: list[KKTCandidate]) -> list[KKTCandidate]:
    """Flag the candidates that can be optima and have the best objective (ties all flagged)."""
    target = "local max" if problem.is_maximize else "local min"
    eligible = [c for c in candidates if c.classification in (target, "undetermined")]
    chosen: list[KKTCandidate] = []
    if problem.parameters:
        conditional = any(c.conditions is not sp.true for c in eligible)
        chosen = eligible if len(eligible) == 1 or conditional else []
    elif eligible:
        sign = -1 if problem.is_maximize else 1
        best = min(eligible, key=lambda c: float(sign * c.fun))
        chosen = [c for c in eligible if tidy_exact(c.fun - best.fun) == 0]
    ids = {id(c) for c in chosen}
    return [replace(c, optimal=id(c) in ids) for c in candidates]


def kkt_points(problem: Problem, *, timeout: float | None = 30) -> tuple[KKTCandidate, ...]:
    """Every KKT point of ``problem``, exactly, by active-set enumeration.

    The problem is read in standard form (minimize f, or −f for a maximize problem, with
    g_i <= 0, h_j = 0 and bounds as ``lower:x``/``upper:x`` inequalities). For every subset A of
    the inequalities, sympy solves ∇ₓL = 0, h = 0, g_A = 0 with μ_i = 0 for i ∉ A; a solution
    is kept when it is real, g <= 0 and μ_A >= 0. Subsets larger than the number of variables
    are skipped, as are those holding both bounds of one variable and the supersets of a subset
    whose g_A = 0, h = 0 is inconsistent (a Gröbner basis of [1]) or whose affine constraints
    admit no point (a linear program, :mod:`lagrangekit.symbolic_pruning`); active bounds are
    substituted rather than solved for. Polynomial (and, through their numerators, rational)
    systems are solved by :func:`lagrangekit.polynomial_systems.real_solutions` (grevlex Gröbner
    basis, FGLM to lex, every real root exactly as a radical or ``CRootOf``), others with
    ``sympy.solve``; each candidate's ``method`` names which. A large polynomial system whose
    Gröbner basis exceeds its CPU budget goes to certified homotopy continuation
    (:mod:`lagrangekit.homotopy_solve`), which finds every isolated solution with probability
    one but does not prove it; its candidates' ``method`` says so. The work grows as 2^m in
    the number m of inequalities and bounds: up to about 8–10 stays practical (seconds); beyond
    that use :func:`lagrangekit.solve`. Float literals are read as the exact decimals they print
    as. A continuum of KKT points (such as the line x = −y for (x + y)²) is returned as one
    candidate with its ``family`` and an exact member as ``point``.

    When a transform of :mod:`lagrangekit.symbolic_transforms` applies (log of a positive
    product of powers, a power of a nonnegative quadratic, scaling, substitution of variables
    fixed by equalities linear in them), the transformed problem is solved first and its KKT points are
    mapped back, each verified exactly (∇ₓL = 0 for the original problem, with the original's
    multipliers); if that route fails, the problem is solved as given.

    Parameters
    ----------
    problem : Problem
        The problem. Free symbols that are not variables are parameters; the answers are
        expressions in the parameters. Inequalities are supported with parameters when the
        (transformed) problem is convex in the variables with affine constraints; each candidate
        then carries its ``conditions`` on the parameters.
    timeout : float or None, default 30
        Seconds before giving up with :class:`SymbolicSolveError`; None means no limit.

    Returns
    -------
    tuple of KKTCandidate
        Each with exact variables and multipliers, the user's objective, and its classification
        ("local min", "local max", "saddle" or "undetermined", in the user's sense) from the
        second-order test of L on the critical cone. ``optimal`` marks the best ones.

    Raises
    ------
    SymbolicSolveError
        If sympy cannot solve a system or the time limit passes. The message suggests
        ``lk.solve(problem)``.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y", real=True)
    >>> pts = lk.kkt_points(lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)}))
    >>> sorted(c.classification for c in pts)
    ['local max', 'local min']
    """
    problem = symbolic_problem(problem, "kkt_points()")
    limit = _check_timeout(timeout)
    return _run_explained(_kkt_points_work, problem, limit, "kkt_points")


def _run_explained(func: Callable[[Problem], Any], problem: Problem, limit: float | None, what: str) -> Any:
    """:func:`run_with_timeout`, with a time-limit message that says which routes were tried."""
    try:
        return run_with_timeout(func, (problem,), limit, what)
    except SymbolicSolveError as exc:
        if "did not finish" not in str(exc):
            raise
        objective = objective_transform(problem)
        elimination = linear_elimination(objective.problem if objective is not None else problem)
        names = [t.description.split(":", 1)[0] for t in (objective, elimination) if t is not None]
        tried = f"the transformed problem ({', '.join(names)}) first, then " if names else ""
        raise SymbolicSolveError(f"{exc} (the order tried: {tried}the problem as given)") from None


def _kkt_points_work(problem: Problem) -> tuple[KKTCandidate, ...]:
    return _kkt_search(problem)[0]


def _kkt_search(
    problem: Problem, *, first_only: bool = False
) -> tuple[tuple[KKTCandidate, ...], tuple[str, ...]]:
    """The KKT points, marked, and the transforms used to find them (see
    :mod:`lagrangekit.symbolic_transforms`): a transformed problem is solved first when one
    applies, and the problem itself when none does or the transformed route fails. With
    ``first_only``, the enumeration stops at the first KKT point (of a convex problem)."""
    exact = _exact_problem(problem)
    transformed = _transformed_search(exact, first_only)
    if transformed is not None:
        candidates, notes = transformed
    else:
        try:
            candidates, notes = _enumerate(exact, first_only=first_only), ()
        except (NotImplementedError, ValueError, TypeError) as exc:
            raise SymbolicSolveError(f"sympy cannot solve the KKT system: {exc}; {_HINT}") from exc
    return tuple(_mark_optimal(problem, candidates)), notes


def _transformed_search(
    problem: Problem, first_only: bool = False
) -> tuple[list[KKTCandidate], tuple[str, ...]] | None:
    """KKT points of ``problem`` found on its transformed form and mapped back, each verified
    exactly (∇ₓL = 0 for the original problem); None when no transform applies, the transformed
    problem has no KKT point or fails, or a point does not map back."""
    objective = objective_transform(problem)
    base = objective.problem if objective is not None else problem
    elimination = linear_elimination(base)
    if objective is None and elimination is None:
        return None
    target = elimination.problem if elimination is not None else base
    try:
        found = _enumerate(target, first_only=first_only)
    except (SymbolicSolveError, NotImplementedError, ValueError, TypeError):
        return None
    mapped = [_map_back(problem, c, objective, elimination) for c in found]
    if not mapped or any(c is None for c in mapped):
        return None
    notes = tuple(t.description for t in (objective, elimination) if t is not None)
    return [c for c in mapped if c is not None], notes


def _map_back(
    problem: Problem,
    cand: KKTCandidate,
    objective: ObjectiveTransform | None,
    elimination: Elimination | None,
) -> KKTCandidate | None:
    """The candidate of the transformed problem as one of ``problem``, or None when it does not
    map back to an exact KKT point of ``problem``."""
    point: dict[sp.Symbol, sp.Expr] = dict(cand.point)
    mults: dict[str, sp.Expr] | None = dict(cand.multipliers)
    family = None if cand.family is None else dict(cand.family)
    if elimination is not None:
        point = elimination.point_back(point)
        mults = elimination.multipliers_back(point, mults)
        family = None if family is None else elimination.point_back(family)
    if objective is not None and mults is not None:
        mults = objective.multipliers_back(point, mults)
    if mults is None:
        return None
    point = {v: _tidy_any(point[v]) for v in problem.variables}
    names = [c.name for c in problem.equalities + problem.all_inequalities()]
    mults = {k: _tidy_any(mults[k]) for k in names}
    if not _stationary(problem, point, mults):
        return None
    fun = problem.objective.xreplace(point)
    return replace(
        cand,
        point=point,
        multipliers=mults,
        fun=sp.simplify(fun) if fun.free_symbols else tidy_exact(fun),
        family=family,
    )


def _stationary(problem: Problem, point: Mapping[sp.Symbol, sp.Expr], mults: Mapping[str, sp.Expr]) -> bool:
    """Whether ∇ₓL of ``problem`` vanishes exactly at ``point`` with ``mults``."""
    symbols = problem.multipliers
    lagr = problem.lagrangian(include_bounds=True).xreplace({symbols[k]: v for k, v in mults.items()})
    for v in problem.variables:
        value = sp.diff(lagr, v).xreplace(dict(point))
        if not value.free_symbols:
            if tidy_exact(value) != 0:
                return False
        elif sp.cancel(sp.powsimp(sp.expand(value), force=False)) != 0 and sp.simplify(value) != 0:
            return False
    return True


_PHASE_ONE_EVIDENCE = (
    ", and phase I finds no point with violation below 1e-6, the least it finds being {:.3g}: "
    "local evidence for constraints that are not affine"
)


def _raise_unless_infeasible(witness: FeasibilityWitness) -> None:
    """Raise when phase I found a nearly feasible point that no nearby rational makes exact (the
    problem may be feasible with a constraint qualification failing at every such point), or
    could not run at all."""
    if witness.violation is None:
        raise SymbolicSolveError(
            "min ‖x‖² over the constraints has no KKT point, and phase I cannot evaluate the "
            "constraints from the default start: feasibility is not decided; " + _HINT
        )
    if witness.violation <= FEASIBLE:
        raise SymbolicSolveError(
            "min ‖x‖² over the constraints has no KKT point, so a feasible point would be one where a "
            f"constraint qualification fails, and phase I finds a point violating them by only "
            f"{witness.violation:.3g}: feasibility is not decided; " + _HINT
        )


def _feasible_point(problem: Problem) -> list | None:
    """A feasible point, from the KKT points of min ‖x‖² over the same constraints, or None."""
    aux = Problem(
        objective=sum((v**2 for v in problem.variables), sp.Integer(0)),
        sense="min",
        constraints=problem.constraints,
        variables=problem.variables,
        bounds=problem.bounds,
    )
    cands = _enumerate(_exact_problem(aux))
    return [cands[0].point[v] for v in problem.variables] if cands else None


def solve_symbolic(problem: Problem, *, timeout: float | None = 30) -> Result:
    """Solve ``problem`` exactly: the best KKT point, with exact multipliers and an exact report.

    Runs :func:`kkt_points` and returns the candidate with the best objective (minimize f, or
    −f for a maximize problem) among those that can be minimizers of the minimize form. Its
    exact values are in ``exact`` (variables by Symbol, multipliers by name), floats in ``x``,
    ``point`` and ``multipliers`` (minimize-form convention, μ >= 0), every candidate in
    ``candidates`` (ties in the objective are all flagged ``optimal``), and ``kkt`` is the exact
    :func:`check_kkt` report of the returned point. The best KKT point is the global optimum
    when an optimum exists and satisfies a constraint qualification (LICQ).

    The statuses:

    - ``"optimal"``: the best KKT point.
    - ``"infeasible"``: min ‖x‖² over the constraints has no KKT point either. For affine
      constraints that proves it; otherwise phase I's least violation (above 1e-6) is the
      evidence, which the message calls local (:mod:`lagrangekit.symbolic_feasibility`). When
      phase I finds a point whose nearby rationals are exactly feasible, the status is
      ``"no_kkt_point"`` instead (two tangent disks); when it finds a nearly feasible point
      that no rational makes exact, :class:`SymbolicSolveError`.
    - ``"no_kkt_point"``: the problem is feasible but has no KKT point: an optimum, if one
      exists, sits where a constraint qualification fails (as at a cusp), or the infimum is
      not attained.
    - ``"unbounded"``: a feasible ray, or a feasible sequence running into a point where the
      objective is not defined, along which the objective improves without bound was found
      (:func:`lagrangekit.symbolic_rays.unbounded_message`: exact rays of polynomial problems,
      and the numeric probe's rays checked by sympy's limits; the message says whether the
      limit proved it). A problem that is not polynomial is probed from the numeric start
      before sympy solves anything, and is then reported without candidates.

    ``scope`` is ``"global"`` only when the problem is recognized convex, or has finite bounds
    on every variable, affine constraints and an objective that interval arithmetic bounds on
    the box, or the optimum comes from the zeros of a sum of even powers (below); otherwise
    ``"local"``. When a KKT system was solved by the homotopy fallback (a large polynomial
    system whose Gröbner basis exceeds its CPU budget), which does not prove it found every
    solution, the scope is ``"local"``, the message says so, and ``"no_kkt_point"`` and
    ``"infeasible"`` are not claimed (:class:`SymbolicSolveError` instead).

    When the minimize-form objective is c + Σ aₖ·bₖ^(2mₖ) with numbers aₖ > 0 (least squares,
    Rosenbrock, HS46), the feasible points where every bₖ = 0 are found first
    (:mod:`lagrangekit.symbolic_zero_minima`): f >= c everywhere, so they are global minimizers,
    KKT points with zero multipliers, and are returned without enumerating the other KKT
    points (``candidates`` then holds only them; the message says so). Likewise, for a problem
    recognized convex (cvxpy's DCP rules) the enumeration stops at the first KKT point, which
    is then a global minimum of the minimize form (HS43).

    Parametric problems return expressions in the parameters; then ``x`` is NaN, the KKT report
    is verified symbolically, and the candidates are ranked only when a single one qualifies,
    or, for inequalities on a problem convex in the variables (Cobb–Douglas with a cap, after
    its log transform), each is the global optimum under its ``conditions`` and the exact
    values are ``Piecewise`` over them. ``transforms`` names the transforms used.

    Parameters
    ----------
    problem : Problem
        The problem.
    timeout : float or None, default 30
        Seconds for the whole symbolic work before :class:`SymbolicSolveError`; None: no limit.

    Raises
    ------
    SymbolicSolveError
        If sympy cannot solve the system, the ranking of parametric candidates cannot be
        decided, or the time limit passes; also when no KKT point is found but the equations
        are not polynomial (nor radicals of polynomials), since ``sympy.solve``'s empty answer
        is then no proof. The message suggests ``lk.solve(problem)``.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> y = sp.Symbol("y", real=True)
    >>> res = lk.solve_symbolic(lk.minimize((y - 1)**2, {"floor": y >= 3}))
    >>> res.exact[y], res.exact["floor"]
    (3, 4)
    """
    problem = symbolic_problem(problem, "solve_symbolic()")
    limit = _check_timeout(timeout)
    # in this process: the convexity test imports cvxpy once here, not in every sympy worker
    convex = bool(problem.variables) and recognized_convex(problem)
    result, unproven = _run_explained(
        functools.partial(_solve_work, convex=convex), problem, limit, "solve_symbolic"
    )
    if result.status != "optimal":
        return result
    by_zeros = any(c.method.startswith(ZERO_MINIMA_METHOD) for c in result.candidates)
    if by_zeros or convex:
        return replace(result, scope="global")
    return replace(result, scope="local" if unproven else _scope(problem))


def _empty_result(
    problem: Problem, status: str, message: str, candidates: Sequence[KKTCandidate] = ()
) -> Result:
    return Result(
        x=np.full(problem.n, np.nan),
        fun=np.nan,
        status=status,
        success=False,
        method="symbolic",
        message=message,
        candidates=tuple(candidates),
    )


def _solve_work(problem: Problem, convex: bool = False) -> tuple[Result, bool]:
    """The result, and whether a KKT system was solved by a method that does not prove it found
    every solution (then only the optimal status stands, with a note and a local scope)."""
    unproven: list[str] = []
    token = _UNPROVEN.set(unproven)
    try:
        result = _solve_claims(problem, convex)
    finally:
        _UNPROVEN.reset(token)
    if not unproven:
        return result, False
    note = (
        f"; {len(unproven)} KKT system(s) were solved by {HOMOTOPY_METHOD}, which finds every isolated "
        "solution with probability one but does not prove that none was missed"
    )
    if result.status in ("no_kkt_point", "infeasible"):
        raise SymbolicSolveError(f"the exact route would answer {result.status!r}, but{note[1:]}; {_HINT}")
    if result.status == "optimal":
        note += ", so the best KKT point found is not proven to be the best one"
    return replace(result, message=result.message + note), True


def _solve_claims(problem: Problem, convex: bool = False) -> Result:
    zeros = _zero_minima_candidates(problem)
    if zeros:  # global minima by f >= c: the other KKT points are not needed
        return _optimal_result(problem, zeros, zeros, ())
    exprs = [problem.minimize_objective, *(c.expr for c in problem.constraints)]
    if not problem.parameters and not _is_polynomial(exprs, problem.variables):
        # before sympy's solve, which can take long or fail on transcendental systems
        unbounded = unbounded_message(problem, feasible_start(problem))
        if unbounded is not None:
            return _empty_result(problem, "unbounded", f"{unbounded} (found before solving for KKT points)")
    candidates, transforms = _kkt_search(problem, first_only=convex)
    best = [c for c in candidates if c.optimal]
    if not candidates and problem.parameters and problem.all_inequalities():
        raise SymbolicSolveError(
            "no isolated KKT point was found for any values of the parameters (a continuum of KKT "
            "points is not searched for in parametric problems, and feasibility is not decided "
            "symbolically); substitute values with problem.subs({...})"
        )
    if not candidates:
        feasible = _feasible_point(problem)
        witness = None if feasible is not None or problem.parameters else feasibility_witness(problem)
        if witness is not None and witness.point is not None:
            feasible = witness.point
        if feasible is None:
            if witness is not None and not witness.proven:
                _raise_unless_infeasible(witness)
            return _empty_result(
                problem,
                "infeasible",
                "infeasible: no point satisfies the constraints (min ‖x‖² over them has no KKT point"
                + ("" if witness is None or witness.proven else _PHASE_ONE_EVIDENCE.format(witness.violation))
                + ")",
            )
        unbounded = unbounded_message(problem, [feasible])
        if unbounded is not None:
            return _empty_result(problem, "unbounded", unbounded + _parameter_hint(problem))
        if not problem.parameters and not _solved_completely(problem):
            raise SymbolicSolveError(
                "sympy.solve found no KKT point, but for equations that are not polynomial (after "
                "radicals are given their own unknowns) that does not prove there is none; "
                + _HINT
            )
        point = ", ".join(f"{v} = {format_value(val)}" for v, val in zip(problem.variables, feasible))
        outside = [v.name for v, val in zip(problem.variables, feasible) if breaks_sign(v, val)]
        where = f"the problem is feasible (for example {point})"
        if outside:  # a point of the closure only: the sign assumptions of these variables fail there
            where = (
                f"the constraints hold at {point}, on the boundary of the domain of {', '.join(outside)} "
                "(their sign assumptions), so feasibility inside that domain is not shown"
            )
        return _empty_result(
            problem,
            "no_kkt_point",
            f"no KKT point, though {where}: an optimum, if one exists, sits where a constraint "
            "qualification fails (as at a cusp), or the infimum is not attained" + _parameter_hint(problem),
        )
    if not problem.parameters and not convex:  # a KKT point of a convex problem is a global minimum
        unbounded = unbounded_message(problem, [[c.point[v] for v in problem.variables] for c in candidates])
        if unbounded is not None:
            return _empty_result(problem, "unbounded", unbounded, candidates)
    if not best:
        if problem.parameters:
            raise SymbolicSolveError(
                f"{len(candidates)} parametric KKT points cannot be ranked symbolically; use lk.kkt_points, "
                "or substitute values with problem.subs({...})"
            )
        return _empty_result(
            problem,
            "no_kkt_point",
            f"none of the {len(candidates)} KKT points can be a "
            f"{'maximizer' if problem.is_maximize else 'minimizer'} (all are "
            f"{', '.join(sorted({c.classification for c in candidates}))}); "
            "there is no optimum among KKT points",
            candidates,
        )
    result = _optimal_result(problem, candidates, best, transforms)
    if not convex:
        return result
    return replace(
        result,
        message=result.message + "; the problem is convex (cvxpy's DCP rules), so this KKT point is a "
        "global minimum of the minimize form and the enumeration stopped at it (lk.kkt_points lists all)",
    )


def _optimal_result(
    problem: Problem,
    candidates: Sequence[KKTCandidate],
    best: Sequence[KKTCandidate],
    transforms: tuple[str, ...],
) -> Result:
    """The ``"optimal"`` result of the best candidates (ties all in ``best``)."""
    first = best[0]
    exact: dict[Any, Any] = dict(first.point) | dict(first.multipliers)
    if problem.parameters:
        x = np.full(problem.n, np.nan)
        if len(best) > 1 and first.conditions is not sp.true:
            exact = {k: _piecewise(best, k) for k in exact}
        point = {v: exact[v] for v in problem.variables}
        multipliers = {k: exact[k] for k in first.multipliers}
        report = _parametric_report(problem, best)
        fun: Any = _piecewise(best, None) if len(best) > 1 and first.conditions is not sp.true else first.fun
    else:
        x = np.array([float(first.point[v]) for v in problem.variables])
        point = dict(zip(problem.variables, x.tolist()))
        multipliers = {k: float(v) for k, v in first.multipliers.items()}
        report = check_kkt(problem, dict(first.point), dict(first.multipliers), second_order=True)
        fun = float(first.fun)
    ties = f"; {len(best)} optimal points tie" if len(best) > 1 else ""
    if problem.parameters and first.conditions is not sp.true:
        ties = (
            f"; the problem is convex in the variables, so each of the {len(best)} KKT point(s) is the "
            "global optimum where its conditions on the parameters hold (exact values are Piecewise)"
        )
    if first.method.startswith(ZERO_MINIMA_METHOD):
        ties += (
            "; the objective is a sum of even powers with positive coefficients, so it is never below "
            "its value at these feasible zeros: they are global minimizers (KKT points with zero "
            "multipliers), and the other KKT points were not enumerated (lk.kkt_points lists them)"
        )
    if first.family is not None:
        family = ", ".join(f"{k} = {v}" for k, v in first.family.items())
        ties += f"; the optimum is not unique: every KKT point of the continuum {family} ties, x is one"
    return Result(
        x=x,
        fun=fun,
        status="optimal",
        success=report.first_order_ok,
        method="symbolic",
        point=point,
        multipliers=multipliers,
        message=f"{len(candidates)} KKT point(s); the best is classified {first.classification!r}"
        + (f", its system solved by {first.method}" if first.method else "")
        + ties,
        nit=len(candidates),
        exact=exact,
        candidates=candidates,
        kkt=report,
        scope="local",  # solve_symbolic decides the scope
        transforms=transforms,
    )


def _zero_minima_candidates(problem: Problem) -> list[KKTCandidate] | None:
    """The global minimizers of :func:`lagrangekit.symbolic_zero_minima.zero_minima` as optimal
    candidates with zero multipliers, or None when that route does not apply."""
    exact = _exact_problem(problem)
    found = zero_minima(exact)
    if found is None:
        return None
    points, method = found
    names = [c.name for c in exact.equalities + exact.all_inequalities()]
    out = []
    for point in points:
        values = [_tidy_any(point[v]) for v in exact.variables]
        subs = dict(zip(exact.variables, values))
        active = [c.name for c in exact.all_inequalities() if _exact(c.expr.xreplace(subs)) == 0]
        kind: Classification = "local max" if problem.is_maximize else "local min"
        if "Gröbner" not in method:  # sympy.solve may miss zeros: strictness is not shown
            kind = "undetermined"
        out.append(
            KKTCandidate(
                point=subs,
                multipliers=dict.fromkeys(names, sp.Integer(0)),
                fun=_exact(problem.objective.xreplace(subs)),
                classification=kind,
                active=tuple(active),
                optimal=True,
                method=method,
            )
        )
    return out


def _parameter_hint(problem: Problem) -> str:
    """A note naming the variables absent from the objective (a price or budget read as a
    variable because ``variables=`` was not given), or ""."""
    absent = [v for v in problem.variables if v not in problem.objective.free_symbols]
    kept = [v for v in problem.variables if v not in absent]
    if not absent or not kept:
        return ""
    names = ", ".join(v.name for v in absent)
    return (
        f"; note that {names} are variables of this problem, not in its objective (every free symbol "
        "is a variable unless variables=[...] is given); if they are parameters such as prices or a "
        f"budget, pass variables=[{', '.join(v.name for v in kept)}]"
    )


def _scope(problem: Problem) -> str:
    """``"global"`` when the best KKT point is provably the global optimum: the problem is
    recognized convex, or every variable has finite bounds, every constraint is affine and
    the objective is bounded on the box by interval arithmetic (:func:`_bounded_on_box`: a
    compact feasible set on which f has no pole, so an optimum exists, and affine constraints
    make every minimizer a KKT point, so the enumeration saw it); ``"local"`` otherwise (1/x
    on [−1, 1] has a KKT point at x = 1 and no minimum)."""
    if problem.parameters or not problem.variables:
        return "local"
    v = problem.variables
    boxed = all(lo is not None and hi is not None for lo, hi in problem.bounds)
    affine = all(
        c.expr.is_polynomial(*v) and sp.Poly(c.expr, *v).total_degree() <= 1 for c in problem.constraints
    )
    if boxed and affine and _bounded_on_box(problem):
        return "global"
    return "global" if recognized_convex(problem) else "local"


def _bounded_on_box(problem: Problem) -> bool:
    """True when sympy's interval arithmetic (``AccumBounds`` for every variable) bounds the
    objective on the box by two finite numbers: then it has no pole or undefined point there.
    False when it cannot (a pole, log of an interval reaching 0, an unevaluated function)."""
    box = {
        v: sp.AccumBounds(sp.nsimplify(lo), sp.nsimplify(hi)) if lo != hi else sp.nsimplify(lo)
        for v, (lo, hi) in zip(problem.variables, problem.bounds)
    }
    try:
        value = problem.objective.xreplace(box)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError):
        return False
    if isinstance(value, sp.AccumBounds):
        return bool(value.min.is_finite and value.max.is_finite)
    return bool(value.is_number and value.is_finite)


def _piecewise(candidates: Sequence[KKTCandidate], key: Any) -> sp.Expr:
    """``Piecewise`` of the candidates' value of ``key`` (a variable, a multiplier name, or None
    for the objective) under their conditions."""

    def value(c: KKTCandidate) -> sp.Expr:
        if key is None:
            return c.fun
        return c.point[key] if isinstance(key, sp.Symbol) else c.multipliers[key]

    return sp.Piecewise(*((value(c), c.conditions) for c in candidates))


def _parametric_report(problem: Problem, candidates: Sequence[KKTCandidate]) -> KKTReport:
    """Exact symbolic verification of parametric candidates: ∇ₓL = 0, h = 0 and μ_i g_i = 0
    simplify to 0 (μ >= 0 and g <= 0 are each candidate's conditions)."""
    for cand in candidates:
        subs = dict(cand.point)
        lagr = problem.lagrangian(include_bounds=True).xreplace(
            {problem.multipliers[k]: v for k, v in cand.multipliers.items()}
        )
        stationarity = [sp.simplify(sp.diff(lagr, v).xreplace(subs)) for v in problem.variables]
        primal = [sp.simplify(c.expr.xreplace(subs)) for c in problem.equalities]
        slack = [
            sp.simplify(cand.multipliers[c.name] * c.expr.xreplace(subs)) for c in problem.all_inequalities()
        ]
        if any(e != 0 for e in stationarity + primal + slack):
            raise SymbolicSolveError(
                "the parametric KKT point could not be verified symbolically; substitute values with "
                f"problem.subs({{...}}) or {_HINT}"
            )
    zero = sp.Integer(0)
    conditional = candidates[0].conditions is not sp.true
    return KKTReport(
        stationarity=zero,
        primal_feasibility=zero,
        dual_feasibility=zero,
        complementary_slackness=zero,
        multipliers={k: _piecewise(candidates, k) for k in candidates[0].multipliers}
        if conditional and len(candidates) > 1
        else dict(candidates[0].multipliers),
        licq=None,
        message="verified symbolically for all parameter values where the expressions are defined"
        + (" and each piece's conditions hold" if conditional else ""),
    )
