"""Problems built from Python callables, with finite-difference derivatives where none are given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from . import finite_differences
from .errors import CallableOutputError
from .problem import CompiledProblem, Constraint, Problem

__all__ = ["FunctionProblem", "from_functions"]

def _real_array(value: Any, what: str, expected: str) -> np.ndarray:
    """``value`` as a real float array, or :class:`CallableOutputError` saying what ``what`` returned."""
    arr = np.asarray(value) if not isinstance(value, str) else np.asarray(value, dtype=object)
    if arr.dtype.kind == "c":
        raise CallableOutputError(
            f"{what} returned a complex value ({_describe(value)}); "
            f"it must return {expected}, with real values"
        )
    if arr.dtype.kind not in "biuf":
        raise CallableOutputError(f"{what} returned {_describe(value)}; it must return {expected}")
    return arr.astype(float, copy=False)


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


@dataclass(frozen=True)
class _Scalar:
    """One user function with its optional gradient; ``label`` names it in error messages."""

    fun: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray] | None
    label: str
    grad_label: str
    n: int

    def value(self, x: np.ndarray) -> float:
        out = _real_array(self.fun(np.array(x, dtype=float)), self.label, "one real number")
        if out.size != 1:
            raise CallableOutputError(
                f"{self.label} returned {_describe(out)}; it must return one real number (a scalar)"
            )
        return float(out.reshape(()))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        if self.grad is None:
            return finite_differences.gradient(self.value, x)
        expected = f"an array of shape ({self.n},)"
        out = _real_array(self.grad(np.array(x, dtype=float)), self.grad_label, expected)
        if out.size != self.n:
            raise CallableOutputError(
                f"{self.grad_label} returned {_describe(out)}; it must return {expected}"
            )
        return out.reshape(-1)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        grad = None if self.grad is None else self.gradient
        return finite_differences.hessian(self.value, x, grad)


def _stack(parts: Sequence[_Scalar], n: int):
    m = len(parts)

    def values(x: np.ndarray) -> np.ndarray:
        return np.array([p.value(x) for p in parts], dtype=float).reshape(m)

    def jac(x: np.ndarray) -> np.ndarray:
        return np.array([p.gradient(x) for p in parts], dtype=float).reshape(m, n)

    def hess(x: np.ndarray) -> np.ndarray:
        return np.array([p.hessian(x) for p in parts], dtype=float).reshape(m, n, n)

    return values, jac, hess


@dataclass(frozen=True, eq=False)
class FunctionProblem(Problem):
    """A :class:`~lagrangekit.Problem` whose objective and constraints are Python callables.

    Build one with :meth:`Problem.from_functions`. ``objective`` and the constraint
    expressions are placeholders (undefined sympy functions such as ``f(x1, x2)``) that
    only serve printing; numeric routes (:func:`lagrangekit.solve`,
    :func:`lagrangekit.check_kkt`) use :meth:`compile`, while symbolic features raise
    a :class:`ValueError` saying they need sympy expressions.
    """

    callables: Mapping[str, _Scalar] = field(default_factory=dict)

    @property
    def is_symbolic(self) -> bool:
        return False

    @property
    def minimize_objective(self) -> sp.Expr:
        self.require_symbolic("minimize_objective")
        raise AssertionError  # pragma: no cover  (require_symbolic always raises here)

    def lagrangian(self, *, include_bounds: bool = False) -> sp.Expr:
        self.require_symbolic("lagrangian()")
        raise AssertionError  # pragma: no cover

    def subs(self, values: Mapping[Any, Any]) -> Problem:
        self.require_symbolic("subs()")
        raise AssertionError  # pragma: no cover

    def to_text(self) -> str:
        self.require_symbolic("to_text()")
        raise AssertionError  # pragma: no cover

    def equals(self, other: Problem) -> bool:
        return other is self

    @cached_property
    def _compiled(self) -> CompiledProblem:
        n = self.n
        objective = self.callables["__objective__"]
        eqs = [self.callables[c.name] for c in self.equalities]
        ineqs = [self.callables[c.name] for c in self.inequalities]
        return self._assemble_compiled(
            n=n,
            fun=objective.value,
            grad=objective.gradient,
            hess=objective.hessian,
            eq=_stack(eqs, n),
            ineq=_stack(ineqs, n),
        )


def _as_named(kind: str, funcs: Any) -> list[tuple[str | None, Callable]]:
    if funcs is None:
        return []
    if callable(funcs):
        funcs = [funcs]
    if isinstance(funcs, Mapping):
        items = list(funcs.items())
    else:
        try:
            items = [(None, f) for f in funcs]
        except TypeError:
            raise ValueError(
                f"{kind} must be a callable, a sequence of callables or a dict {{name: callable}}, "
                f"got {type(funcs).__name__}"
            ) from None
    for _, f in items:
        if not callable(f):
            raise ValueError(f"every entry of {kind} must be callable, got {f!r}")
    return items


def _derivative(derivs: Any, name: str, index: int, what: str) -> Callable | None:
    if derivs is None:
        return None
    if isinstance(derivs, Mapping):
        d = derivs.get(name)
    else:
        derivs = list(derivs)
        d = derivs[index] if index < len(derivs) else None
    if d is not None and not callable(d):
        raise ValueError(f"{what} for constraint {name!r} must be callable or None, got {d!r}")
    return d


def from_functions(
    fun: Callable[[np.ndarray], float],
    n: int,
    *,
    eq: Any = (),
    ineq: Any = (),
    bounds: Sequence[tuple[float | None, float | None]] | None = None,
    grad: Callable[[np.ndarray], np.ndarray] | None = None,
    jac: Any = None,
    names: Sequence[str] | None = None,
) -> FunctionProblem:
    """See :meth:`lagrangekit.Problem.from_functions`."""
    if not callable(fun):
        raise ValueError(f"fun must be a callable f(x) -> float, got {type(fun).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (the number of variables), got {n!r}")
    if grad is not None and not callable(grad):
        raise ValueError(f"grad must be a callable grad(x) -> array of shape (n,), got {grad!r}")
    n = int(n)
    eq_items = _as_named("eq", eq)
    ineq_items = _as_named("ineq", ineq)
    m = len(eq_items) + len(ineq_items)
    if names is not None:
        names = list(names)
        if len(names) != m:
            raise ValueError(
                f"names has {len(names)} entries but there are {m} constraints (eq first, then ineq)"
            )
    default = [f"eq{i}" for i in range(1, len(eq_items) + 1)]
    default += [f"ineq{i}" for i in range(1, len(ineq_items) + 1)]
    variables = tuple(sp.Symbol(f"x{i}", real=True) for i in range(1, n + 1))
    callables: dict[str, _Scalar] = {"__objective__": _Scalar(fun, grad, "fun", "grad", n)}
    constraints = []
    for index, ((given, f), kind) in enumerate(
        zip(eq_items + ineq_items, ["eq"] * len(eq_items) + ["ineq"] * len(ineq_items))
    ):
        name = names[index] if names is not None else (given if given is not None else default[index])
        if not isinstance(name, str):
            raise ValueError(f"constraint names must be strings, got {name!r}")
        callables[name] = _Scalar(
            f, _derivative(jac, name, index, "jac"), f"{kind} callable {name!r}", f"jac of {name!r}", n
        )
        constraints.append(Constraint(name, kind, sp.Function(name)(*variables)))
    if bounds is None:
        bound_tuple: tuple = ()
    else:
        bounds = list(bounds)
        if len(bounds) != n:
            raise ValueError(f"bounds must have n = {n} pairs (lo, hi), got {len(bounds)}")
        bound_tuple = tuple(bounds)  # Problem checks each pair
    return FunctionProblem(
        objective=sp.Function("f")(*variables),
        sense="min",
        constraints=tuple(constraints),
        variables=variables,
        bounds=bound_tuple,
        callables=callables,
    )
