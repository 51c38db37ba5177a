"""The constrained problem model: Constraint, Problem, minimize() and maximize().

Standard form (DESIGN.md): minimize f(x) s.t. g_i(x) <= 0 and h_j(x) = 0. A maximize
problem is solved as minimize −f; ``a >= b`` is stored as ``b - a <= 0``.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from .errors import NotSmoothError, UndefinedPointError
from .expression_checks import float_overflow, nonreal_constant, nonsmooth_term, short, undefined_function
from .expression_rows import ExpressionRows
from .text_printer import problem_text

__all__ = ["BaseProblem", "CompiledProblem", "Constraint", "Problem", "maximize", "minimize"]

ConstraintKind = Literal["eq", "ineq"]
Sense = Literal["min", "max"]

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def natural_key(symbol: sp.Symbol) -> tuple:
    """Sort key that orders ``x2`` before ``x10`` (name order, numbers compared as numbers)."""
    parts = re.split(r"(\d+)", symbol.name)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != "")


@dataclass(frozen=True)
class Constraint:
    """One named constraint in standard form.

    Attributes
    ----------
    name : str
        The constraint's name; its multiplier is reported under this key.
    kind : {"eq", "ineq"}
        ``"eq"`` means ``expr == 0``; ``"ineq"`` means ``expr <= 0``.
    expr : sympy.Expr
        The standard-form left-hand side.
    """

    name: str
    kind: ConstraintKind
    expr: sp.Expr

    def __post_init__(self) -> None:
        if self.kind not in ("eq", "ineq"):
            raise ValueError(f"kind must be 'eq' or 'ineq', got {self.kind!r}")
        require_real(self.expr, f"constraint {self.name!r}")

    @classmethod
    def from_relational(cls, name: str, relation: Any) -> Constraint:
        """Convert ``Eq(a, b)``, ``a <= b`` or ``a >= b`` to standard form.

        Raises
        ------
        ValueError
            For strict inequalities, relationals sympy already evaluated to True or
            False, and anything that is not a relational.
        """
        if isinstance(relation, bool):  # Python's ==, not an equation: x + y == 1 is False
            raise ValueError(
                f"constraint {name!r} is the Python bool {relation}, not an equation: Python's == "
                "compares sympy expressions as objects; write sp.Eq(lhs, rhs) for lhs = rhs"
            )
        if relation is sp.true:
            raise ValueError(
                f"constraint {name!r} is trivially satisfied (sympy evaluated it to True); "
                "remove it or check that its variables are symbols"
            )
        if relation is sp.false:
            raise ValueError(
                f"constraint {name!r} is infeasible: sympy evaluated it to False, so no point satisfies it"
            )
        if not isinstance(relation, Relational):
            raise ValueError(
                f"constraint {name!r} must be a relational such as sp.Eq(a, b), a <= b or a >= b, "
                f"got {type(relation).__name__}: {relation!r}"
            )
        lhs, rhs = relation.lhs, relation.rhs
        if isinstance(relation, sp.Eq):
            return cls(name, "eq", lhs - rhs)
        if isinstance(relation, sp.LessThan):
            return cls(name, "ineq", lhs - rhs)
        if isinstance(relation, sp.GreaterThan):
            return cls(name, "ineq", rhs - lhs)
        if isinstance(relation, (sp.StrictLessThan, sp.StrictGreaterThan)):
            raise ValueError(
                f"constraint {name!r} is a strict inequality ({relation}); optimization needs "
                "closed sets, so write it with <= or >="
            )
        raise ValueError(f"constraint {name!r}: unsupported relation {relation!r}; use ==, <= or >=")

    def __str__(self) -> str:
        op = "==" if self.kind == "eq" else "<="
        return f"{self.name}: {sp.sstr(self.expr)} {op} 0"


@dataclass(frozen=True, eq=False)
class CompiledProblem:
    """Numeric callables for a problem, with exact derivatives: coefficient matrices for the
    parts of degree <= 2, lambdified sympy derivatives for the rest (:mod:`lagrangekit.expression_rows`).

    Every callable takes a 1-D float array ``x`` ordered like ``variables``. The objective
    is the *minimize form*: ``fun`` is f for a minimize problem and −f for a maximize one.

    Attributes
    ----------
    fun, grad, hess : callable
        Minimize-form objective, its gradient (n,) and Hessian (n, n).
    eq, eq_jac, eq_hess : callable
        Equality values h(x) (m_eq,), Jacobian (m_eq, n), Hessians (m_eq, n, n).
    ineq, ineq_jac, ineq_hess : callable
        Inequality values g(x) (m_in,), Jacobian (m_in, n), Hessians (m_in, n, n).
    lower, upper : numpy.ndarray
        Bounds per variable, −inf/inf where absent.
    eq_names, ineq_names : tuple of str
        Constraint names in the order of the rows above.
    values_many : callable, optional
        ``values_many(X) -> (f (k,), h (k, m_eq), g (k, m_in))`` for the k rows of ``X``
        at once (vectorised); without it :meth:`evaluate_many` loops over the rows.
    """

    n: int
    fun: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray]
    eq: Callable[[np.ndarray], np.ndarray]
    eq_jac: Callable[[np.ndarray], np.ndarray]
    eq_hess: Callable[[np.ndarray], np.ndarray]
    ineq: Callable[[np.ndarray], np.ndarray]
    ineq_jac: Callable[[np.ndarray], np.ndarray]
    ineq_hess: Callable[[np.ndarray], np.ndarray]
    lower: np.ndarray
    upper: np.ndarray
    eq_names: tuple[str, ...]
    ineq_names: tuple[str, ...]
    values_many: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    def evaluate_many(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Objective (k,), equalities (k, m_eq) and inequalities (k, m_in) at the rows of ``X`` (k, n)."""
        X = np.asarray(X, dtype=float)
        if self.values_many is not None:
            return self.values_many(X)
        f = np.array([self.fun(x) for x in X], dtype=float)
        h = np.array([self.eq(x) for x in X], dtype=float).reshape(len(X), len(self.eq_names))
        g = np.array([self.ineq(x) for x in X], dtype=float).reshape(len(X), len(self.ineq_names))
        return f, h, g

    def validate_point(self, x: Any, name: str = "x0") -> np.ndarray:
        """``x`` as a float array of shape (n,), checked to be a point where the problem is defined.

        For the solvers to call on a start point before iterating: every entry of ``x`` must be
        finite, and the objective, the constraint values and their first derivatives must all be
        finite there.

        Parameters
        ----------
        x : array_like
            The point, in variable order.
        name : str, default "x0"
            What the point is called in error messages.

        Returns
        -------
        numpy.ndarray
            A new float array of shape (n,).

        Raises
        ------
        ValueError
            If ``x`` is not n real numbers, or has a NaN or infinite entry.
        lagrangekit.UndefinedPointError
            Naming the function (objective, its gradient, a constraint or its gradient) that is
            NaN or infinite at ``x``, as log(x) at x = -1 or 1/x at x = 0.
        """
        try:
            arr = np.array(x, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of {self.n} real numbers, got {short(x)!r}") from None
        if arr.size != self.n or np.ndim(x) > 1:
            raise ValueError(f"{name} must have {self.n} entries (one per variable), got shape {np.shape(x)}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(
                f"{name} must be finite, got {arr}: entries {np.flatnonzero(~np.isfinite(arr)).tolist()}"
            )
        with np.errstate(all="ignore"):
            arrays = [np.asarray(value, dtype=float) for value in self._first_order_values(arr)]
            # a finite sum of all entries: all finite (an overflowing sum goes to the check below)
            if math.isfinite(sum(float(a.sum()) for a in arrays)):
                return arr
        for what, value in self._first_order_pieces(arrays):
            if not np.all(np.isfinite(value)):
                raise UndefinedPointError(
                    f"{what} is {_nonfinite_word(value)} at {name} = {np.array2string(arr, threshold=20)}: "
                    f"{name} lies outside the domain of the problem's functions (as log of a negative "
                    f"number or division by zero). Choose {name} where every function is defined"
                )
        return arr

    def _first_order_values(self, x: np.ndarray) -> list[Any]:
        """f, ∇f, h, ∇h, g and ∇g at ``x`` (the constraint pieces only when there are such constraints)."""
        values = [self.fun(x), self.grad(x)]
        for names, rows, jac in (
            (self.eq_names, self.eq, self.eq_jac),
            (self.ineq_names, self.ineq, self.ineq_jac),
        ):
            values += [rows(x), jac(x)] if names else [np.zeros(0), np.zeros((0, self.n))]
        return values

    def _first_order_pieces(self, arrays: list[np.ndarray]) -> Iterable[tuple[str, np.ndarray]]:
        """(description, value) of f, ∇f and each constraint with its gradient, from
        :meth:`_first_order_values`."""
        f, grad, h, h_jac, g, g_jac = arrays
        yield "the objective", f
        yield "the gradient of the objective", grad
        for names, values, jac in ((self.eq_names, h, h_jac), (self.ineq_names, g, g_jac)):
            for i, cname in enumerate(names):
                yield f"constraint {cname!r}", values[i]
                yield f"the gradient of constraint {cname!r}", jac[i]

    def lagrangian_hessian(self, x: np.ndarray, eq_mult: np.ndarray, ineq_mult: np.ndarray) -> np.ndarray:
        """∇²ₓL = ∇²f + Σ μ_i ∇²g_i + Σ λ_j ∇²h_j at ``x`` (bounds are linear and drop out)."""
        H = self.hess(x)
        n = self.n
        if len(self.eq_names):
            H = H + (np.asarray(eq_mult, float) @ self.eq_hess(x).reshape(-1, n * n)).reshape(n, n)
        if len(self.ineq_names):
            H = H + (np.asarray(ineq_mult, float) @ self.ineq_hess(x).reshape(-1, n * n)).reshape(n, n)
        return H


def _nonfinite_word(value: np.ndarray) -> str:
    return "NaN (undefined)" if np.any(np.isnan(value)) else "infinite"


def require_real(expr: Any, what: str) -> None:
    """``ValueError`` naming ``what`` if ``expr`` has a constant that is not a real finite number."""
    if not isinstance(expr, sp.Basic):
        return
    found = nonreal_constant(expr)
    if found is not None:
        constant, reason = found
        raise ValueError(
            f"{what} must be real and finite, but it contains {short(constant)}: {reason}. "
            "Check the constants (sqrt or log of a negative number, 1/0, I, nan, oo)"
        )


class _ManyValues:
    """f, h and g at many points at once, each vectorised over the rows of the sample matrix."""

    def __init__(self, objective: ExpressionRows, eqs: ExpressionRows, ineqs: ExpressionRows) -> None:
        self._rows = (objective, eqs, ineqs)

    def __call__(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        objective, eqs, ineqs = self._rows
        with np.errstate(all="ignore"):
            return objective.values_many(X)[:, 0], eqs.values_many(X), ineqs.values_many(X)


def _bound_value(value: Any, which: str, var: sp.Symbol) -> float | None:
    """One side of a bound as a float, or None for no bound (None, or −inf below, +inf above)."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            f"{which} bound of {var} must be a real number or None, got {short(value)!r}"
        ) from None
    if math.isnan(v):
        raise ValueError(f"{which} bound of {var} is NaN; use None for no bound")
    if which == "lower" and v == math.inf:
        raise ValueError(
            f"lower bound of {var} is +inf, so no point satisfies it; use None (or -inf) for no lower bound"
        )
    if which == "upper" and v == -math.inf:
        raise ValueError(
            f"upper bound of {var} is -inf, so no point satisfies it; use None (or inf) for no upper bound"
        )
    if math.isinf(v):
        return None
    return v


def bound_pair(var: sp.Symbol, pair: Any) -> tuple[float | None, float | None]:
    """``(lo, hi)`` checked: floats or None, neither side infinite the wrong way, lo <= hi.

    Raises
    ------
    ValueError
        Naming ``var``, for anything but a pair, NaN, +inf below, −inf above, or lo > hi.
    """
    try:
        lo, hi = pair
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds of {var} must be a pair (lo, hi) with None for no bound, got {pair!r}"
        ) from None
    lo, hi = _bound_value(lo, "lower", var), _bound_value(hi, "upper", var)
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"bounds of {var} have lower {lo} > upper {hi}: no point satisfies them")
    return lo, hi


def checked_bounds(variables: Sequence[sp.Symbol], bounds: Sequence[Any]) -> tuple:
    """One checked ``(lo, hi)`` per variable (:func:`bound_pair`); empty ``bounds`` means none.

    Raises
    ------
    ValueError
        When the number of pairs is not the number of variables, or a pair is bad.
    """
    if not bounds:
        bounds = tuple((None, None) for _ in variables)
    if len(bounds) != len(variables):
        raise ValueError(f"bounds has {len(bounds)} entries but there are {len(variables)} variables")
    return tuple(bound_pair(v, pair) for v, pair in zip(variables, bounds))


def check_constraint_names(names: Sequence[str]) -> None:
    """``ValueError`` unless the constraint ``names`` are distinct identifiers (``lower:x`` and
    ``upper:x`` are the bounds')."""
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"constraint names must be unique; repeated: {', '.join(duplicated)}")
    for name in names:
        if not _NAME_RE.match(name):
            raise ValueError(
                f"constraint name {name!r} must be an identifier (letters, digits, underscore); "
                "'lower:x' and 'upper:x' are reserved for bounds"
            )


class BaseProblem(ABC):
    """What the numeric routes need of a problem: variables, bounds, constraint names, sense, compile().

    :class:`Problem` (sympy expressions) and
    :class:`~lagrangekit.function_problem.FunctionProblem` (Python callables) are the two kinds.
    :class:`~lagrangekit.numeric_form.NumericForm`, :func:`lagrangekit.solve` and
    :func:`lagrangekit.check_kkt` work with either; symbolic features need a :class:`Problem`.
    Subclasses are frozen dataclasses with the fields ``variables`` (sympy Symbols, the order of
    every numeric array), ``bounds`` (one checked ``(lo, hi)`` per variable, None where absent)
    and ``sense`` ("min" or "max").
    """

    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float | None, float | None], ...]
    sense: Sense

    @property
    @abstractmethod
    def eq_names(self) -> tuple[str, ...]:
        """Names of the equality constraints h_j(x) = 0, in the order of their rows."""

    @property
    @abstractmethod
    def ineq_names(self) -> tuple[str, ...]:
        """Names of the inequality constraints g_i(x) <= 0 (without bounds), in row order."""

    @property
    @abstractmethod
    def is_symbolic(self) -> bool:
        """True when the objective and constraints are sympy expressions."""

    @abstractmethod
    def compile(self) -> CompiledProblem:
        """The numeric callables of the minimize form (built once and cached)."""

    @property
    def is_maximize(self) -> bool:
        """True for a maximize problem."""
        return self.sense == "max"

    @property
    def n(self) -> int:
        """Number of variables."""
        return len(self.variables)

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """Free symbols that are not variables (none unless the problem is symbolic)."""
        return ()

    @cached_property
    def bound_rows(self) -> tuple[tuple[int, float, float], ...]:
        """(variable index, sign, bound) of each finite bound, per variable lower then upper:
        the row sign·(x_i − bound) <= 0, so −1 for ``lower:x`` (lo − x <= 0) and +1 for
        ``upper:x`` (x − hi <= 0). The one definition of bounds as rows of G."""
        rows = []
        for i, (lo, hi) in enumerate(self.bounds):
            if lo is not None:
                rows.append((i, -1.0, float(lo)))
            if hi is not None:
                rows.append((i, 1.0, float(hi)))
        return tuple(rows)

    @cached_property
    def bound_names(self) -> tuple[str, ...]:
        """``lower:x`` / ``upper:x`` for each row of :attr:`bound_rows`."""
        return tuple(
            f"{'lower' if sign < 0 else 'upper'}:{self.variables[i].name}" for i, sign, _ in self.bound_rows
        )

    def require_symbolic(self, feature: str) -> None:
        """Raise a clear ValueError if ``feature`` cannot run because this problem has no sympy
        expressions (it was built by :func:`lagrangekit.from_functions`)."""
        if not self.is_symbolic:
            raise ValueError(
                f"{feature} needs sympy expressions, but this problem was built by "
                "lk.from_functions from Python callables. Build it with lk.minimize / "
                "lk.maximize from sympy expressions, or use the numeric routes lk.solve and "
                "lk.check_kkt, which work with callables."
            )

    def _assemble_compiled(
        self,
        *,
        n: int,
        fun: Callable[[np.ndarray], float],
        grad: Callable[[np.ndarray], np.ndarray],
        hess: Callable[[np.ndarray], np.ndarray],
        eq: tuple[Callable, Callable, Callable],
        ineq: tuple[Callable, Callable, Callable],
        values_many: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
    ) -> CompiledProblem:
        """The :class:`CompiledProblem` from the objective's callables and the (value, jacobian,
        hessian) triples of the equalities and inequalities; bounds and names come from ``self``."""
        eq_fun, eq_jac, eq_hess = eq
        ineq_fun, ineq_jac, ineq_hess = ineq
        lower = np.array([-np.inf if lo is None else lo for lo, _ in self.bounds], dtype=float)
        upper = np.array([np.inf if hi is None else hi for _, hi in self.bounds], dtype=float)
        lower.setflags(write=False)
        upper.setflags(write=False)
        return CompiledProblem(
            n=n,
            fun=fun,
            grad=grad,
            hess=hess,
            eq=eq_fun,
            eq_jac=eq_jac,
            eq_hess=eq_hess,
            ineq=ineq_fun,
            ineq_jac=ineq_jac,
            ineq_hess=ineq_hess,
            lower=lower,
            upper=upper,
            eq_names=self.eq_names,
            ineq_names=self.ineq_names,
            values_many=values_many,
        )


@dataclass(frozen=True, eq=False)
class Problem(BaseProblem):
    """A constrained optimization problem, the single source of truth of lagrangekit.

    Build one with :func:`minimize`, :func:`maximize` or :func:`lagrangekit.parse_problem`
    (problems from Python callables are :class:`~lagrangekit.FunctionProblem`, by
    :func:`lagrangekit.from_functions`). The problem is read in standard form:
    minimize f(x) s.t. g_i(x) <= 0, h_j(x) = 0, lo <= x <= hi, with a maximize problem
    read as minimize −f.

    Attributes
    ----------
    objective : sympy.Expr
        The user's objective f, in the user's sense.
    sense : {"min", "max"}
        Whether f is minimized or maximized.
    constraints : tuple of Constraint
        Named constraints in standard form.
    variables : tuple of sympy.Symbol
        Decision variables; numeric arrays follow this order.
    bounds : tuple of (float or None, float or None)
        Lower and upper bound of each variable, None where absent.
    """

    objective: sp.Expr
    sense: Sense
    constraints: tuple[Constraint, ...]
    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float | None, float | None], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.sense not in ("min", "max"):
            raise ValueError(f"sense must be 'min' or 'max', got {self.sense!r}")
        object.__setattr__(self, "constraints", tuple(self.constraints))
        object.__setattr__(self, "variables", tuple(self.variables))
        object.__setattr__(self, "bounds", checked_bounds(self.variables, self.bounds))
        require_real(self.objective, "the objective")
        check_constraint_names([c.name for c in self.constraints])

    # ------------------------------------------------------------------ views
    @property
    def is_symbolic(self) -> bool:
        return True

    @property
    def minimize_objective(self) -> sp.Expr:
        """The objective in minimize form: f, or −f for a maximize problem."""
        return -self.objective if self.is_maximize else self.objective

    @property
    def equalities(self) -> tuple[Constraint, ...]:
        """The equality constraints h_j(x) = 0."""
        return tuple(c for c in self.constraints if c.kind == "eq")

    @property
    def inequalities(self) -> tuple[Constraint, ...]:
        """The inequality constraints g_i(x) <= 0 (without bounds)."""
        return tuple(c for c in self.constraints if c.kind == "ineq")

    @property
    def eq_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.equalities)

    @property
    def ineq_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.inequalities)

    def bound_constraints(self) -> tuple[Constraint, ...]:
        """The rows of :attr:`bound_rows` as exact inequalities: ``lower:x`` is lo − x <= 0,
        ``upper:x`` is x − hi <= 0."""
        out = []
        for name, (i, sign, bound) in zip(self.bound_names, self.bound_rows):
            var, exact = self.variables[i], sp.nsimplify(bound)
            out.append(Constraint(name, "ineq", exact - var if sign < 0 else var - exact))
        return tuple(out)

    def all_inequalities(self) -> tuple[Constraint, ...]:
        """Inequality constraints followed by the bounds written as inequalities."""
        return self.inequalities + self.bound_constraints()

    @cached_property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """Free symbols that are not variables, in name order."""
        symbols = set(self.objective.free_symbols)
        for c in self.constraints:
            symbols |= c.expr.free_symbols
        return tuple(sorted(symbols - set(self.variables), key=natural_key))

    @cached_property
    def multipliers(self) -> dict[str, sp.Symbol]:
        """Multiplier symbol of each constraint and finite bound, by name.

        Equalities get ``lambda_<name>`` and inequalities ``mu_<name>``; the bound
        ``lower:x`` gets ``mu_lower_x``.
        """
        out: dict[str, sp.Symbol] = {}
        for c in self.constraints + self.bound_constraints():
            prefix = "lambda" if c.kind == "eq" else "mu"
            out[c.name] = sp.Symbol(f"{prefix}_{c.name.replace(':', '_')}", real=True)
        return out

    def lagrangian(self, *, include_bounds: bool = False) -> sp.Expr:
        """L(x, λ, μ) = f + Σ μ_i g_i + Σ λ_j h_j, with f in minimize form (−f for maximize).

        Parameters
        ----------
        include_bounds : bool, default False
            Also add μ terms for the finite bounds (``lower:x``, ``upper:x``).
        """
        mult = self.multipliers
        constraints = self.constraints + (self.bound_constraints() if include_bounds else ())
        return self.minimize_objective + sum((mult[c.name] * c.expr for c in constraints), sp.Integer(0))

    # --------------------------------------------------------------- changes
    def subs(self, values: Mapping[Any, Any]) -> Problem:
        """A new problem with parameters replaced by ``values`` ({Symbol or name: value})."""
        by_name = {p.name: p for p in self.parameters}
        mapping = {}
        for key, value in values.items():
            symbol = by_name.get(key) if isinstance(key, str) else key
            if symbol is None or symbol not in self.parameters:
                raise ValueError(
                    f"{key!r} is not a parameter of this problem; parameters are "
                    f"{[p.name for p in self.parameters] or 'none'}"
                )
            mapping[symbol] = sp.sympify(value) if not isinstance(value, sp.Basic) else value
        return Problem(
            objective=self.objective.subs(mapping),
            sense=self.sense,
            constraints=tuple(Constraint(c.name, c.kind, c.expr.subs(mapping)) for c in self.constraints),
            variables=self.variables,
            bounds=self.bounds,
        )

    # --------------------------------------------------------------- numeric
    def compile(self) -> CompiledProblem:
        """Numeric callables with exact derivatives, built once and cached.

        The objective and each constraint of degree <= 2 in the variables are read into
        coefficient matrices (gradient Qx + a, constant Hessian Q) in time linear in their
        terms; the others are differentiated by sympy, only with respect to the variables they
        contain, and lambdified on first use. Variables are passed by position, so their names
        never reach the generated code.

        Raises
        ------
        ValueError
            If the problem still has parameters (substitute them with :meth:`subs`), has no
            variables, has a constant float64 cannot hold, or a function sympy does not define.
        lagrangekit.NotSmoothError
            Not here but from the derivative callables (``grad``, ``hess``, ``eq_jac``, ...), on
            first use, when a term such as ``Abs``, ``Max``, ``Min`` or ``floor`` depends on a
            variable; the values (``fun``, ``eq``, ``ineq``) still work.
        """
        return self._compiled

    @cached_property
    def _compiled(self) -> CompiledProblem:
        if self.parameters:
            raise ValueError(
                f"problem has parameters {[p.name for p in self.parameters]}; give them values with "
                "problem.subs({...}) before compiling or solving numerically"
            )
        self.require_variables("compiling to numeric callables")
        objective, eqs, ineqs = (
            ExpressionRows(self.variables, exprs, self._require_smooth)
            for exprs in (
                [self.minimize_objective],
                [c.expr for c in self.equalities],
                [c.expr for c in self.inequalities],
            )
        )
        read = {id(e) for rows in (eqs, ineqs) for e in rows.quadratic_exprs}
        if objective.quadratic_exprs:  # −f of a maximize problem is read for f
            read.add(id(self.objective))
        self._require_float64(read)
        return self._assemble_compiled(
            n=self.n,
            fun=objective.scalar,
            grad=objective.gradient,
            hess=objective.hessian,
            eq=(eqs.values, eqs.jacobian, eqs.hessians),
            ineq=(ineqs.values, ineqs.jacobian, ineqs.hessians),
            values_many=_ManyValues(objective, eqs, ineqs),
        )

    def _labelled_expressions(self) -> Iterable[tuple[str, sp.Expr]]:
        yield "the objective", self.objective
        for c in self.constraints:
            yield f"constraint {c.name!r}", c.expr

    def require_variables(self, feature: str) -> None:
        """Raise a clear ValueError if the problem has no variables (``feature`` needs some)."""
        if not self.variables:
            raise ValueError(
                f"{feature} needs at least one variable, but this problem has none: its objective is "
                f"the constant {short(self.objective)}, so there is nothing to optimize. Add the "
                "decision variables (variables=[...]), or evaluate the constant directly"
            )

    def _require_float64(self, read: set[int]) -> None:
        """Refuse constants float64 cannot hold and functions without a definition, in the
        expressions whose ``id`` is not in ``read`` (those already read into coefficients)."""
        for what, expr in self._labelled_expressions():
            if id(expr) in read:
                continue
            big = float_overflow(expr)
            if big is not None:
                raise ValueError(
                    f"{what} contains the constant {short(big)}, which float64 cannot hold or compute "
                    "(it, or a value on the way to it, exceeds about 1.8e308), so numeric routes "
                    "would compute inf or nan. Rescale the problem, or drop an additive constant "
                    "(it does not move the optimum)"
                )
            undefined = undefined_function(expr)
            if undefined is not None:
                raise ValueError(
                    f"{what} contains {short(undefined)}, a function sympy does not define, so it has "
                    "no numeric value. Write it out, or give it as a Python callable with "
                    "lk.from_functions"
                )

    def _require_smooth(self) -> None:
        """:class:`NotSmoothError` naming the first non-differentiable term and how to remove it."""
        if self._nonsmooth is not None:
            raise _not_smooth_error(*self._nonsmooth)

    @cached_property
    def _nonsmooth(self) -> tuple[str, sp.Basic, Constraint | None] | None:
        """(where, term, its constraint or None) of the first non-differentiable term, or None:
        one walk over the expressions, however many derivative callables ask."""
        variables = frozenset(self.variables)
        for what, expr in self._labelled_expressions():
            term = nonsmooth_term(expr, variables)
            if term is not None:
                return what, term, next((c for c in self.constraints if c.expr is expr), None)
        return None

    # ------------------------------------------------------------- text I/O
    def to_text(self) -> str:
        """Problem text that :func:`lagrangekit.parse_problem` reads back into an equal problem
        (bounds excluded).

        Every constraint is written with its label; the variables read back are the free
        symbols in name order (pass ``variables=`` to ``parse_problem`` to keep another order).

        Raises
        ------
        ValueError
            For what text cannot express: parameters, functions outside the parser's
            grammar, numbers outside float64's range, reserved names, and symbols with
            assumptions other than ``real=True``.
        """
        return problem_text(self)

    def equals(self, other: Problem) -> bool:
        """Structural equality: same sense, variables, bounds, and constraints equal after expansion."""
        if not isinstance(other, Problem):
            return False
        if (self.sense, self.variables, self.bounds) != (other.sense, other.variables, other.bounds):
            return False
        if [(c.name, c.kind) for c in self.constraints] != [(c.name, c.kind) for c in other.constraints]:
            return False
        pairs = [(self.objective, other.objective)] + [
            (a.expr, b.expr) for a, b in zip(self.constraints, other.constraints)
        ]
        return all(sp.simplify(a - b) == 0 for a, b in pairs)

    def __str__(self) -> str:
        lines = [f"{'maximize' if self.is_maximize else 'minimize'}  {sp.sstr(self.objective)}"]
        if self.constraints or any(b != (None, None) for b in self.bounds):
            lines.append("subject to")
            lines.extend(f"  {c}" for c in self.constraints)
            for var, (lo, hi) in zip(self.variables, self.bounds):
                if (lo, hi) != (None, None):
                    lo_s = "-inf" if lo is None else f"{lo:g}"
                    hi_s = "inf" if hi is None else f"{hi:g}"
                    lines.append(f"  {lo_s} <= {var} <= {hi_s}")
        lines.append(f"variables: {', '.join(v.name for v in self.variables)}")
        if self.parameters:
            lines.append(f"parameters: {', '.join(p.name for p in self.parameters)}")
        return "\n".join(lines)


def symbolic_problem(problem: Any, feature: str) -> Problem:
    """``problem`` itself when it is a :class:`Problem` of sympy expressions; otherwise a
    ValueError that names ``feature`` and the fix (callables from :func:`lagrangekit.from_functions`,
    or something that is not a problem at all)."""
    if isinstance(problem, BaseProblem):
        problem.require_symbolic(feature)
    if not isinstance(problem, Problem):
        raise ValueError(
            f"{feature} needs a lagrangekit Problem (lk.minimize, lk.maximize or lk.parse_problem), "
            f"got {type(problem).__name__}"
        )
    return problem


def _not_smooth_error(what: str, term: sp.Basic, constraint: Constraint | None) -> NotSmoothError:
    """The :class:`NotSmoothError` for ``term`` in ``what`` (``constraint`` None: the objective),
    with the exact smooth rewrite where one exists."""
    return NotSmoothError(
        f"{what} contains {short(term)}, which is not differentiable everywhere, so its derivative "
        "(sign, Heaviside, DiracDelta) cannot drive a gradient-based solver or a KKT check. "
        + _smooth_hint(term, constraint)
    )


def _smooth_hint(term: sp.Basic, constraint: Constraint | None) -> str:
    """How to write ``term`` smoothly where it occurs."""
    if isinstance(term, (sp.Abs, sp.Max, sp.Min)) and (constraint is None or constraint.kind == "ineq"):
        split = (
            " lk.split_nonsmooth(problem) does this for you where the split is exact (a sum of "
            "Abs and Max terms with positive signs, of Min terms with negative ones, in the "
            "minimize form or the <= 0 form)"
        )
        if constraint is not None:
            return (
                "An inequality with it splits exactly into smooth ones: |t| <= s is t <= s and "
                "-t <= s; Max(a, b) <= c is a <= c and b <= c; Min(a, b) >= c is a >= c and b >= c." + split
            )
        return (
            "Minimize an epigraph variable instead: for |t| add a variable s, use s in place of |t| "
            "and the constraints t <= s and -t <= s; for Max(a, b) use s with a <= s and b <= s." + split
        )
    return "Replace it by a smooth expression, or solve each piece where it is smooth separately"


def _normalize_constraints(constraints: Any) -> tuple[Constraint, ...]:
    if constraints is None:
        return ()
    if isinstance(constraints, (Relational, sp.logic.boolalg.BooleanAtom, bool)):
        constraints = [constraints]
    if isinstance(constraints, Mapping):
        items = list(constraints.items())
        for name, _ in items:
            if not isinstance(name, str):
                raise ValueError(f"constraint names must be strings, got {name!r}")
    elif isinstance(constraints, Iterable):
        items = [(f"c{i}", rel) for i, rel in enumerate(constraints, start=1)]
    else:
        raise ValueError(
            "constraints must be a dict {name: relational}, a list of relationals, or None; "
            f"got {type(constraints).__name__}"
        )
    return tuple(Constraint.from_relational(name, rel) for name, rel in items)


def _build(
    sense: Sense,
    objective: Any,
    constraints: Any,
    bounds: Mapping[Any, tuple[Any, Any]] | None,
    variables: Sequence[sp.Symbol] | None,
) -> Problem:
    if isinstance(
        objective, (Relational, sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction, bool)
    ):
        raise ValueError(f"objective must be an expression, not a relation or boolean: {objective!r}")
    objective = sp.sympify(objective) if isinstance(objective, (int, float)) else objective
    if not isinstance(objective, sp.Expr):
        raise ValueError(
            f"objective must be a sympy expression; got {type(objective).__name__}. "
            "Build it from sp.symbols(...), or parse text with lk.parse_problem"
        )
    cons = _normalize_constraints(constraints)
    if variables is None:
        symbols = set(objective.free_symbols)
        for c in cons:
            symbols |= c.expr.free_symbols
        if bounds:
            symbols |= {k for k in bounds if isinstance(k, sp.Symbol)}
        variables = tuple(sorted(symbols, key=natural_key))
    else:
        variables = tuple(variables)
        for v in variables:
            if not isinstance(v, sp.Symbol):
                raise ValueError(f"variables must be sympy Symbols, got {v!r}")
        if len(set(variables)) != len(variables):
            raise ValueError("variables must not repeat")
    bounds = dict(bounds or {})
    by_name = {v.name: v for v in variables}
    resolved: dict[sp.Symbol, tuple[Any, Any]] = {}
    for key, pair in bounds.items():
        var = by_name.get(key) if isinstance(key, str) else key
        if var not in variables:
            raise ValueError(f"bounds given for {key!r}, which is not a variable")
        resolved[var] = bound_pair(var, pair)
    bound_tuple = tuple(resolved.get(v, (None, None)) for v in variables)
    return Problem(
        objective=objective, sense=sense, constraints=cons, variables=variables, bounds=bound_tuple
    )


def minimize(
    objective: Any,
    constraints: Any = None,
    *,
    bounds: Mapping[Any, tuple[Any, Any]] | None = None,
    variables: Sequence[sp.Symbol] | None = None,
) -> Problem:
    """Build the problem: minimize ``objective`` subject to ``constraints`` and ``bounds``.

    Parameters
    ----------
    objective : sympy.Expr
        The objective f(x).
    constraints : dict or list of relationals, optional
        ``{name: relation}`` or a list, auto-named ``c1, c2, ...``. A relation is
        ``sp.Eq(a, b)``, ``a <= b`` or ``a >= b``; ``a >= b`` is stored as ``b - a <= 0``.
    bounds : dict, optional
        ``{x: (lo, hi)}``, with None (or -inf below, inf above) for a missing side.
        Multipliers of bounds are reported under ``"lower:x"`` and ``"upper:x"``. NaN,
        +inf below, -inf above and lo > hi raise a ValueError naming the variable.
    variables : sequence of sympy.Symbol, optional
        Decision variables in order. By default, every free symbol, in name order
        (``x2`` before ``x10``). Other free symbols become :attr:`Problem.parameters`.

    Returns
    -------
    Problem

    Raises
    ------
    ValueError
        For bad bounds, and for an objective or constraint with a constant that is not a
        real finite number (``I``, ``zoo``, ``nan``, ``oo``, ``sqrt(cos(E))``), naming it.

    Examples
    --------
    >>> import sympy as sp, lagrangekit as lk
    >>> x, y = sp.symbols("x y")
    >>> p = lk.minimize((y - 1)**2, {"floor": y >= 3})
    >>> p.constraints[0].expr
    3 - y
    """
    return _build("min", objective, constraints, bounds, variables)


def maximize(
    objective: Any,
    constraints: Any = None,
    *,
    bounds: Mapping[Any, tuple[Any, Any]] | None = None,
    variables: Sequence[sp.Symbol] | None = None,
) -> Problem:
    """Build the problem: maximize ``objective``; solved as minimize −objective.

    ``Result.fun`` reports the user's f, and multipliers are those of the minimize −f form,
    so that μ >= 0. Arguments are as for :func:`minimize`.
    """
    return _build("max", objective, constraints, bounds, variables)
