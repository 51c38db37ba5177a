"""Problems built from Python callables, with finite-difference derivatives where none are given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from . import finite_differences
from .errors import CallableOutputError
from .problem import BaseProblem, CompiledProblem, Sense, check_constraint_names, checked_bounds

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
class FunctionProblem(BaseProblem):
    """minimize f(x) s.t. h_j(x) = 0, g_i(x) <= 0, lo <= x <= hi, with f, h and g Python callables.

    Build one with :func:`from_functions`. It compiles straight to the numeric callables
    (:meth:`compile`), so the numeric routes (:func:`lagrangekit.solve`,
    :func:`lagrangekit.check_kkt`, :func:`lagrangekit.fit_mle`) work with it; it has no sympy
    expressions, so the symbolic features (``lagrangian``, ``to_text``, ``lk.dual``,
    ``lk.to_cvxpy``) raise a :class:`ValueError` naming the feature and the fix.

    Attributes
    ----------
    objective : _Scalar
        f with its optional gradient.
    equalities, inequalities : tuple of (str, _Scalar)
        The named constraint functions h_j and g_i with their optional gradients.
    variables : tuple of sympy.Symbol
        ``x1 .. xn``: the names under which points and bounds are reported.
    bounds : tuple of (float or None, float or None)
        One checked pair per variable.
    """

    objective: _Scalar
    equalities: tuple[tuple[str, _Scalar], ...]
    inequalities: tuple[tuple[str, _Scalar], ...]
    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float | None, float | None], ...] = ()
    sense: Sense = "min"

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", checked_bounds(self.variables, self.bounds))
        check_constraint_names([*self.eq_names, *self.ineq_names])

    @property
    def eq_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.equalities)

    @property
    def ineq_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.inequalities)

    @property
    def is_symbolic(self) -> bool:
        return False

    def compile(self) -> CompiledProblem:
        """The numeric callables: the user's, with central differences for missing derivatives."""
        return self._compiled

    @cached_property
    def _compiled(self) -> CompiledProblem:
        n = self.n
        return self._assemble_compiled(
            n=n,
            fun=self.objective.value,
            grad=self.objective.gradient,
            hess=self.objective.hessian,
            eq=_stack([f for _, f in self.equalities], n),
            ineq=_stack([f for _, f in self.inequalities], n),
        )

    def lagrangian(self, *, include_bounds: bool = False) -> sp.Expr:
        """Not available: raises the ValueError of :meth:`require_symbolic`."""
        self.require_symbolic("lagrangian()")
        raise AssertionError  # pragma: no cover  (require_symbolic always raises here)

    def to_text(self) -> str:
        """Not available: raises the ValueError of :meth:`require_symbolic`."""
        self.require_symbolic("to_text()")
        raise AssertionError  # pragma: no cover

    def __str__(self) -> str:
        lines = [f"minimize  fun({', '.join(v.name for v in self.variables)})  (a Python callable)"]
        names = [f"{name} == 0" for name in self.eq_names] + [f"{name} <= 0" for name in self.ineq_names]
        if names:
            lines.append("subject to  " + ", ".join(names))
        return "\n".join(lines)


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
    """A problem from Python callables: minimize fun(x) s.t. eq_j(x) = 0, ineq_i(x) <= 0.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` for a 1-D array ``x`` of length ``n``.
    n : int
        Number of variables; they are named ``x1 .. xn``.
    eq, ineq : callable, sequence of callables, or dict {name: callable}
        Scalar constraint functions, ``h(x) == 0`` and ``g(x) <= 0``. Unnamed ones
        are called ``eq1, eq2, ...`` and ``ineq1, ineq2, ...``.
    bounds : sequence of (lo, hi), optional
        One pair per variable, None for a missing side.
    grad : callable, optional
        ``grad(x) -> (n,)`` gradient of ``fun``.
    jac : sequence or dict of callables, optional
        Gradients of the constraints, aligned with ``eq`` then ``ineq``, or by name.
    names : sequence of str, optional
        Constraint names, ``eq`` first then ``ineq``; overrides the default names.

    Returns
    -------
    FunctionProblem
        Works with :func:`lagrangekit.solve` and :func:`lagrangekit.check_kkt`.
        Missing first derivatives come from central differences, O(h²) with
        h = eps^(1/3)·max(1, |x_i|); Hessians from central differences of the gradient
        (or the four-point formula with h = eps^(1/4)·max(1, |x_i|)). Symbolic features
        (``lagrangian``, ``to_text``, ``lk.to_cvxpy``, ``lk.dual``) raise a ValueError
        saying they need sympy. A callable that returns anything but a real number (or,
        for ``grad`` and ``jac``, an array of ``n`` real numbers) raises
        :class:`~lagrangekit.CallableOutputError` naming it, what it returned and the
        shape expected.

    Examples
    --------
    >>> import lagrangekit as lk
    >>> p = lk.from_functions(lambda x: (x[0] - 2) ** 2, 1, ineq={"cap": lambda x: x[0] - 1})
    >>> round(float(lk.solve(p).x[0]), 6)
    1.0
    """
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
    equalities: list[tuple[str, _Scalar]] = []
    inequalities: list[tuple[str, _Scalar]] = []
    for index, ((given, f), kind) in enumerate(
        zip(eq_items + ineq_items, ["eq"] * len(eq_items) + ["ineq"] * len(ineq_items))
    ):
        name = names[index] if names is not None else (given if given is not None else default[index])
        if not isinstance(name, str):
            raise ValueError(f"constraint names must be strings, got {name!r}")
        scalar = _Scalar(
            f, _derivative(jac, name, index, "jac"), f"{kind} callable {name!r}", f"jac of {name!r}", n
        )
        (equalities if kind == "eq" else inequalities).append((name, scalar))
    if bounds is None:
        bound_tuple: tuple = ()
    else:
        bounds = list(bounds)
        if len(bounds) != n:
            raise ValueError(f"bounds must have n = {n} pairs (lo, hi), got {len(bounds)}")
        bound_tuple = tuple(bounds)  # FunctionProblem checks each pair
    return FunctionProblem(
        objective=_Scalar(fun, grad, "fun", "grad", n),
        equalities=tuple(equalities),
        inequalities=tuple(inequalities),
        variables=variables,
        bounds=bound_tuple,
    )
