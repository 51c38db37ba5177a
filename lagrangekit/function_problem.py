"""Problems built from Python callables, with finite-difference derivatives where none are given."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp

from . import finite_differences
from .errors import CallableOutputError
from .problem import BaseProblem, CompiledProblem, Sense, check_constraint_names, checked_bounds

__all__ = ["FunctionProblem", "VectorConstraint", "from_functions"]


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


@dataclass(frozen=True)
class VectorConstraint:
    """A block of constraints given as one vector function: ``fun(x) -> (size,)`` array.

    Put it in ``eq`` or ``ineq`` of :func:`from_functions`, alone or as a value of the dict
    ``{name: ...}``. Its rows are the constraints ``name_0 .. name_{size-1}`` (row i of the
    returned vector is ``name_i``), each ``== 0`` in ``eq`` and ``<= 0`` in ``ineq``, and their
    multipliers are reported under those names.

    Attributes
    ----------
    fun : callable
        ``fun(x) -> array of shape (size,)`` of real numbers.
    size : int
        Number of rows, at least 1.
    jac : callable, optional
        ``jac(x) ->`` the (size, n) Jacobian, a numpy array or a scipy.sparse matrix (sparse
        is kept sparse by ``method="sparse_ipm"``). Central differences of ``fun`` when absent.
    """

    fun: Callable[[np.ndarray], np.ndarray]
    size: int
    jac: Callable[[np.ndarray], Any] | None = None

    def __post_init__(self) -> None:
        if not callable(self.fun):
            raise ValueError(f"VectorConstraint fun must be callable, got {_describe(self.fun)}")
        if isinstance(self.size, bool) or not isinstance(self.size, (int, np.integer)) or self.size < 1:
            raise ValueError(f"VectorConstraint size must be a positive integer, got {self.size!r}")
        if self.jac is not None and not callable(self.jac):
            raise ValueError(f"VectorConstraint jac must be callable or None, got {_describe(self.jac)}")


def checked_matrix(value: Any, what: str, shape: tuple[int, int]) -> np.ndarray | sps.csr_matrix:
    """``value`` as a real float (dense or CSR) matrix of ``shape``, or
    :class:`CallableOutputError` naming ``what``, what it returned and the shape expected."""
    expected = f"a real array or scipy.sparse matrix of shape {shape}"
    if sps.issparse(value):
        if value.dtype.kind not in "biuf":
            raise CallableOutputError(
                f"{what} returned a sparse matrix of dtype {value.dtype}; it must return {expected}"
            )
        if value.shape != shape:
            raise CallableOutputError(
                f"{what} returned a sparse matrix of shape {value.shape}; it must return {expected}"
            )
        return sps.csr_matrix(value, dtype=float)
    out = _real_array(value, what, expected)
    if out.size != shape[0] * shape[1] or (out.ndim == 2 and out.shape != shape) or out.ndim > 2:
        raise CallableOutputError(f"{what} returned {_describe(out)}; it must return {expected}")
    return out.reshape(shape)


def _dense(matrix: np.ndarray | sps.spmatrix) -> np.ndarray:
    """A new dense array (never the user's own, which the dense solvers may write into)."""
    return matrix.toarray() if sps.issparse(matrix) else np.array(matrix, dtype=float)


@dataclass(frozen=True)
class _ScalarRow:
    """A scalar constraint as a block of one row named ``name``."""

    scalar: _Scalar
    name: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def values(self, x: np.ndarray) -> np.ndarray:
        return np.array([self.scalar.value(x)])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return self.scalar.gradient(x).reshape(1, -1)

    def hessians(self, x: np.ndarray) -> np.ndarray:
        return self.scalar.hessian(x)[None]


@dataclass(frozen=True)
class _VectorRows:
    """A :class:`VectorConstraint` named ``name``, with labels for its error messages."""

    block: VectorConstraint
    name: str
    label: str
    n: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}_{i}" for i in range(self.block.size))

    def values(self, x: np.ndarray) -> np.ndarray:
        size = self.block.size
        out = _real_array(
            self.block.fun(np.array(x, dtype=float)), self.label, f"an array of shape ({size},)"
        )
        if out.size != size or out.ndim > 1:
            raise CallableOutputError(
                f"{self.label} returned {_describe(out)}; it must return an array of shape ({size},)"
            )
        return out.reshape(size)

    def jacobian(self, x: np.ndarray) -> np.ndarray | sps.csr_matrix:
        """The (size, n) Jacobian as the user's jac returns it (dense or CSR), or central differences."""
        if self.block.jac is None:
            return finite_differences.jacobian(self.values, x, self.block.size)
        shape = (self.block.size, self.n)
        return checked_matrix(self.block.jac(np.array(x, dtype=float)), f"the jac of {self.label}", shape)

    def hessians(self, x: np.ndarray) -> np.ndarray:
        size, n = self.block.size, self.n
        if self.block.jac is None:
            rows = [finite_differences.hessian(lambda z, i=i: self.values(z)[i], x) for i in range(size)]
            return np.array(rows).reshape(size, n, n)
        flat = finite_differences.jacobian(lambda z: _dense(self.jacobian(z)).ravel(), x, size * n)
        H = flat.reshape(size, n, n)
        return (H + H.transpose(0, 2, 1)) / 2


_Block = _ScalarRow | _VectorRows


def _stack(blocks: Sequence[_Block], n: int):
    m = sum(len(b.names) for b in blocks)

    def values(x: np.ndarray) -> np.ndarray:
        return np.concatenate([b.values(x) for b in blocks] or [np.zeros(0)])

    def jac(x: np.ndarray) -> np.ndarray:
        return np.vstack([_dense(b.jacobian(x)) for b in blocks] or [np.zeros((0, n))]).reshape(m, n)

    def hess(x: np.ndarray) -> np.ndarray:
        return np.concatenate([b.hessians(x) for b in blocks] or [np.zeros((0, n, n))]).reshape(m, n, n)

    return values, jac, hess


def sparse_jacobian(blocks: Sequence[_Block], x: np.ndarray, n: int) -> sps.csr_matrix:
    """The stacked Jacobian of ``blocks`` at ``x`` as one CSR matrix (m, n)."""
    parts = [sps.csr_matrix(b.jacobian(x)) for b in blocks]
    return sps.vstack(parts, format="csr") if parts else sps.csr_matrix((0, n))


@dataclass(frozen=True)
class _UserHessian:
    """The user's ``hess(x, obj_factor, lambdas)`` of the Lagrangian, checked."""

    fun: Callable[..., Any]
    n: int
    m: int
    _checked_symmetry: list = dataclasses.field(default_factory=list, repr=False, compare=False)

    def __call__(self, x: np.ndarray, obj_factor: float, lambdas: np.ndarray) -> np.ndarray | sps.csr_matrix:
        out = self.fun(
            np.array(x, dtype=float), float(obj_factor), np.array(lambdas, dtype=float).reshape(self.m)
        )
        H = checked_matrix(out, "hess", (self.n, self.n))
        if self._checked_symmetry:
            return H
        asymmetry = abs(H - H.T).max() if sps.issparse(H) else np.abs(H - H.T).max(initial=0.0)
        size = abs(H).max() if sps.issparse(H) else np.abs(H).max(initial=0.0)
        if not asymmetry <= 1e-10 * max(1.0, size) and np.isfinite(asymmetry):
            raise CallableOutputError(
                f"hess returned a matrix that is not symmetric (largest |H - Hᵀ| = {asymmetry:.3g}); it must "
                "return the full symmetric Hessian of the Lagrangian, not one triangle"
            )
        if np.isfinite(asymmetry):
            self._checked_symmetry.append(True)  # symmetry is checked at the first finite output only
        return H


@dataclass(frozen=True, eq=False)
class _LagrangianHessianCompiled(CompiledProblem):
    """A :class:`CompiledProblem` whose Lagrangian Hessian is the user's ``hess``."""

    user_hessian: _UserHessian | None = None

    def lagrangian_hessian(self, x: np.ndarray, eq_mult: np.ndarray, ineq_mult: np.ndarray) -> np.ndarray:
        lambdas = np.concatenate([np.asarray(eq_mult, float), np.asarray(ineq_mult, float)])
        return _dense(self.user_hessian(x, 1.0, lambdas))


def _unit_hessians(user: _UserHessian, rows: range):
    def hess(x: np.ndarray) -> np.ndarray:
        out = np.zeros((len(rows), user.n, user.n))
        for k, row in enumerate(rows):
            e = np.zeros(user.m)
            e[row] = 1.0
            out[k] = _dense(user(x, 0.0, e))
        return out

    return hess


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
    equalities, inequalities : tuple of constraint blocks
        The named constraint functions h and g with their optional derivatives: one row for a
        scalar callable, ``size`` rows for a :class:`VectorConstraint`.
    variables : tuple of sympy.Symbol
        ``x1 .. xn``: the names under which points and bounds are reported.
    bounds : tuple of (float or None, float or None)
        One checked pair per variable.
    hessian : callable or None
        The user's Hessian of the Lagrangian, ``hess(x, obj_factor, lambdas)``, checked.
    """

    objective: _Scalar
    equalities: tuple[_Block, ...]
    inequalities: tuple[_Block, ...]
    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float | None, float | None], ...] = ()
    sense: Sense = "min"
    hessian: _UserHessian | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", checked_bounds(self.variables, self.bounds))
        check_constraint_names([block.name for block in self.equalities + self.inequalities])
        rows = [*self.eq_names, *self.ineq_names]  # name_i of a block can meet a scalar's name
        if len(set(rows)) != len(rows):
            seen: set[str] = set()
            repeated = sorted({name for name in rows if name in seen or seen.add(name)})
            raise ValueError(f"constraint names must be unique; repeated: {', '.join(repeated[:5])}")

    @cached_property
    def eq_names(self) -> tuple[str, ...]:
        return tuple(name for block in self.equalities for name in block.names)

    @cached_property
    def ineq_names(self) -> tuple[str, ...]:
        return tuple(name for block in self.inequalities for name in block.names)

    @property
    def is_symbolic(self) -> bool:
        return False

    def compile(self) -> CompiledProblem:
        """The numeric callables: the user's, with central differences for missing derivatives
        (dense: Jacobians given as scipy.sparse are densified here; ``method="sparse_ipm"``
        keeps them sparse through :meth:`sparse_jacobians`)."""
        return self._compiled

    def sparse_jacobians(self, x: np.ndarray) -> tuple[sps.csr_matrix, sps.csr_matrix]:
        """The Jacobians of the equalities (m_eq, n) and of the inequalities (m_in, n) at ``x``, as CSR."""
        return sparse_jacobian(self.equalities, x, self.n), sparse_jacobian(self.inequalities, x, self.n)

    @cached_property
    def _compiled(self) -> CompiledProblem:
        n, user = self.n, self.hessian
        objective_hessian = self.objective.hessian
        eq, ineq = _stack(self.equalities, n), _stack(self.inequalities, n)
        if user is not None:
            me = len(self.eq_names)
            objective_hessian = lambda x: _dense(user(x, 1.0, np.zeros(user.m)))  # noqa: E731
            eq = (eq[0], eq[1], _unit_hessians(user, range(me)))
            ineq = (ineq[0], ineq[1], _unit_hessians(user, range(me, user.m)))
        compiled = self._assemble_compiled(
            n=n,
            fun=self.objective.value,
            grad=self.objective.gradient,
            hess=objective_hessian,
            eq=eq,
            ineq=ineq,
        )
        if user is None:
            return compiled
        fields = {f.name: getattr(compiled, f.name) for f in dataclasses.fields(compiled)}
        return _LagrangianHessianCompiled(**fields, user_hessian=user)

    def lagrangian(self, *, include_bounds: bool = False) -> sp.Expr:
        """Not available: raises the ValueError of :meth:`require_symbolic`."""
        self.require_symbolic("lagrangian()")
        raise AssertionError  # pragma: no cover  (require_symbolic always raises here)

    def to_text(self) -> str:
        """Not available: raises the ValueError of :meth:`require_symbolic`."""
        self.require_symbolic("to_text()")
        raise AssertionError  # pragma: no cover

    def __str__(self) -> str:
        lines = [
            f"minimize  fun({', '.join(v.name for v in self.variables[:6])}"
            f"{', ...' if self.n > 6 else ''})  (a Python callable)"
        ]
        names = [f"{_block_text(b)} == 0" for b in self.equalities]
        names += [f"{_block_text(b)} <= 0" for b in self.inequalities]
        if names:
            lines.append("subject to  " + ", ".join(names))
        return "\n".join(lines)


def _block_text(block: _Block) -> str:
    return block.name if isinstance(block, _ScalarRow) else f"{block.name}[0:{block.block.size}]"


def _as_named(kind: str, funcs: Any) -> list[tuple[str | None, Any]]:
    if funcs is None:
        return []
    if callable(funcs) or isinstance(funcs, VectorConstraint):
        funcs = [funcs]
    if isinstance(funcs, Mapping):
        items = list(funcs.items())
    else:
        try:
            items = [(None, f) for f in funcs]
        except TypeError:
            raise ValueError(
                f"{kind} must be a callable, a VectorConstraint, a sequence of them or a dict "
                f"{{name: callable or VectorConstraint}}, got {type(funcs).__name__}"
            ) from None
    for _, f in items:
        if not (callable(f) or isinstance(f, VectorConstraint)):
            raise ValueError(
                f"every entry of {kind} must be callable or a VectorConstraint, got {_describe(f)}"
            )
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


def _block(kind: str, name: str, f: Any, jac: Any, index: int, n: int) -> _Block:
    label = f"{kind} callable {name!r}"
    if isinstance(f, VectorConstraint):
        if _derivative(jac, name, index, "jac") is not None:
            raise ValueError(
                f"jac has an entry for the VectorConstraint {name!r}; "
                "give its Jacobian as VectorConstraint(jac=...)"
            )
        return _VectorRows(f, name, label, n)
    return _ScalarRow(_Scalar(f, _derivative(jac, name, index, "jac"), label, f"jac of {name!r}", n), name)


@functools.lru_cache(maxsize=8)
def _variables(n: int) -> tuple[sp.Symbol, ...]:
    """The real symbols x1 .. xn, made once per n (at n = 10⁴ making them costs 0.2 s)."""
    return tuple(sp.Symbol(f"x{i}", real=True) for i in range(1, n + 1))


def from_functions(
    fun: Callable[[np.ndarray], float],
    n: int,
    *,
    eq: Any = (),
    ineq: Any = (),
    bounds: Sequence[tuple[float | None, float | None]] | None = None,
    grad: Callable[[np.ndarray], np.ndarray] | None = None,
    jac: Any = None,
    hess: Callable[[np.ndarray, float, np.ndarray], Any] | None = None,
    names: Sequence[str] | None = None,
) -> FunctionProblem:
    """A problem from Python callables: minimize fun(x) s.t. eq_j(x) = 0, ineq_i(x) <= 0.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` for a 1-D array ``x`` of length ``n``.
    n : int
        Number of variables; they are named ``x1 .. xn``.
    eq, ineq : callable, VectorConstraint, sequence of them, or dict {name: callable or VectorConstraint}
        Constraint functions, ``h(x) == 0`` and ``g(x) <= 0``. A callable is one scalar
        constraint; a :class:`VectorConstraint` ``(fun, size, jac)`` is ``size`` of them at once,
        named ``name_0 .. name_{size-1}`` after its row of ``fun(x)``, with a dense or
        scipy.sparse Jacobian. Unnamed entries are called ``eq1, eq2, ...`` and
        ``ineq1, ineq2, ...``.
    bounds : sequence of (lo, hi), optional
        One pair per variable, None for a missing side.
    grad : callable, optional
        ``grad(x) -> (n,)`` gradient of ``fun``.
    jac : sequence or dict of callables, optional
        Gradients of the scalar constraints, aligned with ``eq`` then ``ineq``, or by name
        (a VectorConstraint carries its own).
    hess : callable, optional
        ``hess(x, obj_factor, lambdas) -> (n, n)`` array or scipy.sparse matrix: the full
        symmetric Hessian of obj_factor·f + Σ_k lambdas_k c_k, where c stacks the equality
        rows then the inequality rows (bounds excluded, they are linear) in the order of
        ``eq_names + ineq_names``. The multipliers are in the library's convention
        (L = f + Σ λ_j h_j + Σ μ_i g_i, μ >= 0 for g <= 0; for ``maximize`` read f as −f).
        Without it, Hessians come from central differences of the gradients (dense, n² work).
    names : sequence of str, optional
        Constraint names (for a VectorConstraint, its base name), ``eq`` first then
        ``ineq``; overrides the default names.

    Returns
    -------
    FunctionProblem
        Works with :func:`lagrangekit.solve` and :func:`lagrangekit.check_kkt`.
        Missing first derivatives come from central differences, O(h²) with
        h = eps^(1/3)·max(1, |x_i|); Hessians from central differences of the gradient
        (or the four-point formula with h = eps^(1/4)·max(1, |x_i|)). Symbolic features
        (``lagrangian``, ``to_text``, ``lk.to_cvxpy``, ``lk.dual``) raise a ValueError
        saying they need sympy. A callable that returns anything but a real number (or,
        for ``grad`` and ``jac``, an array of ``n`` real numbers; for a VectorConstraint,
        ``size`` of them and a (size, n) Jacobian; for ``hess``, a symmetric (n, n) matrix)
        raises :class:`~lagrangekit.CallableOutputError` naming it, what it returned and
        the shape expected.

    Examples
    --------
    >>> import lagrangekit as lk
    >>> p = lk.from_functions(lambda x: (x[0] - 2) ** 2, 1, ineq={"cap": lambda x: x[0] - 1})
    >>> round(float(lk.solve(p).x[0]), 6)
    1.0
    >>> from lagrangekit.function_problem import VectorConstraint
    >>> q = lk.from_functions(lambda x: x @ x, 3,
    ...     eq={"sum": VectorConstraint(lambda x: [x.sum() - 3], 1, jac=lambda x: [[1.0, 1.0, 1.0]])})
    >>> round(lk.solve(q).multipliers["sum_0"], 6)
    -2.0
    """
    if not callable(fun):
        raise ValueError(f"fun must be a callable f(x) -> float, got {type(fun).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer (the number of variables), got {n!r}")
    if grad is not None and not callable(grad):
        raise ValueError(f"grad must be a callable grad(x) -> array of shape (n,), got {grad!r}")
    if hess is not None and not callable(hess):
        raise ValueError(
            f"hess must be a callable hess(x, obj_factor, lambdas) -> (n, n) matrix, got {hess!r}"
        )
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
    variables = _variables(n)
    equalities: list[_Block] = []
    inequalities: list[_Block] = []
    for index, ((given, f), kind) in enumerate(
        zip(eq_items + ineq_items, ["eq"] * len(eq_items) + ["ineq"] * len(ineq_items))
    ):
        name = names[index] if names is not None else (given if given is not None else default[index])
        if not isinstance(name, str):
            raise ValueError(f"constraint names must be strings, got {name!r}")
        (equalities if kind == "eq" else inequalities).append(_block(kind, name, f, jac, index, n))
    if bounds is None:
        bound_tuple: tuple = ()
    else:
        bounds = list(bounds)
        if len(bounds) != n:
            raise ValueError(f"bounds must have n = {n} pairs (lo, hi), got {len(bounds)}")
        bound_tuple = tuple(bounds)  # FunctionProblem checks each pair
    rows = sum(len(b.names) for b in equalities + inequalities)
    return FunctionProblem(
        objective=_Scalar(fun, grad, "fun", "grad", n),
        equalities=tuple(equalities),
        inequalities=tuple(inequalities),
        variables=variables,
        bounds=bound_tuple,
        hessian=None if hess is None else _UserHessian(hess, n, rows),
    )
