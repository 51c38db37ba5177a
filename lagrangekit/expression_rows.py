"""Values and exact derivatives of a list of sympy expressions (rows), as numpy callables.

Each row of degree at most 2 in the variables has its coefficients read term by term
(:mod:`lagrangekit.quadratic_structure`): its gradient is Qx + a and its Hessian the constant Q,
computed with (sparse) matrix products, with no symbolic differentiation. Every other row is
differentiated by sympy, only with respect to the variables it contains (and its Hessian only
on and above the diagonal), and lambdified (:func:`~lagrangekit._lambdify.lambdify_vector`),
unless it is large (nodes times variables above ``_LARGE``: sympy's expanded derivatives and
its common-subexpression search would cost seconds): then its value, gradient and Hessian are
computed by forward mode on its DAG (:mod:`lagrangekit.dag_derivatives`), and so are the
values of all the rows computed from their expressions.
Derivatives are built on first use, so a caller that never asks for Hessians never pays for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property, partial

import numpy as np
import sympy as sp

from ._lambdify import _LARGE, _is_large, at_point, lambdify_vector
from ._sympy_derivatives import nonzero_partial_derivatives
from .dag_derivatives import DerivativeProgram, HessianTooLarge
from .finite_differences import steps
from .quadratic_structure import QuadraticRows, quadratic_coefficients
from .repeated_terms import RepeatedTerms, split_repeated

__all__ = ["ExpressionRows"]


_DENSE_CODE = 1024  # arrays of at most this many entries are built whole by the generated code
_MANY_FACTORS = 10  # a product with this many factors that vary is differentiated on its DAG
_COMPLEX_STEP = 1e-20  # the imaginary step, times max(1, |x_j|)


class _Entries:
    """Entries computed together by one generated function, forming an array of ``shape``
    that is zero except at ``where`` (and, with ``mirror``, also at ``where`` with its last
    two indices swapped).

    ``outputs`` are what ``compile_outputs`` turns into that function (sympy expressions for
    :func:`~lagrangekit._lambdify.lambdify_vector`, codes of a
    :class:`~lagrangekit.dag_derivatives.DerivativeProgram`), ``zero`` the output of a zero.
    A small array is computed whole, zeros included, so that one call of the generated code and
    one ``np.array`` build it (scattering into a new array costs more than the arithmetic of a
    small problem); a large one is scattered into zeros."""

    def __init__(
        self,
        shape: tuple[int, ...],
        where: tuple[np.ndarray, ...],
        outputs: list,
        compile_outputs: Callable[[list], Callable],
        zero: object,
        mirror: bool = False,
        lambdified: bool = False,
    ) -> None:
        self.shape = shape
        self.lambdified = lambdified  # by lambdify_vector: a point is passed as Python floats
        self.where = where
        self.mirrored = (*where[:-2], where[-1], where[-2]) if mirror else None
        self.whole = bool(outputs) and math.prod(shape) <= _DENSE_CODE
        if self.whole:
            entries = [zero] * math.prod(shape)
            for places in (where, self.mirrored) if mirror else (where,):
                for flat, output in zip(np.ravel_multi_index(places, shape), outputs):
                    entries[flat] = output
            outputs = entries
        self.func = compile_outputs(outputs) if outputs else None

    def array(self, x: np.ndarray) -> np.ndarray:
        """The array at the point ``x`` (a new array)."""
        if self.whole:
            return self._whole(x)
        out = np.zeros(self.shape)
        self.scatter(x, out)
        return out

    def _whole(self, x: np.ndarray) -> np.ndarray:
        if self.lambdified:
            return at_point(self.func, x).reshape(self.shape)
        return np.array(self.func(x), dtype=float).reshape(self.shape)

    def scatter(self, x: np.ndarray, out: np.ndarray) -> None:
        """Write the entries at ``x`` into ``out`` (whose other entries are left alone)."""
        if self.func is None:
            return
        if self.whole:
            values = self._whole(x)
            for places in (self.where, self.mirrored) if self.mirrored is not None else (self.where,):
                out[places] = values[places]
            return
        values = self.func(x)
        out[self.where] = values
        if self.mirrored is not None:
            out[self.mirrored] = values


class _SteppedHessians:
    """The Hessians of rows whose Hessian code would be too large
    (:class:`~lagrangekit.dag_derivatives.HessianTooLarge`), from their gradient code: column j
    is Im ∇r(x + i·h_j·e_j) / h_j, a complex step (no difference is taken, so it is exact to
    rounding for code made of analytic operations, which is all a smooth row prints to), the
    n points evaluated in one call of the gradient code. Where that code does not take complex
    input, or gives a non-finite entry, central differences of the gradient (steps of
    :mod:`lagrangekit.finite_differences`). The result is symmetrized.

    ``gradient`` holds the gradient entries of the rows ``rows`` (an :class:`_Entries` of
    shape (m, n)); the interface is that of :class:`_Entries` of shape (m, n, n)."""

    def __init__(self, gradient: _Entries, rows: list[int]) -> None:
        self._gradient = gradient
        self._rows = np.array(rows, dtype=int)
        m, n = gradient.shape
        self.shape = (m, n, n)
        # (row, column) of each output of the gradient code: all m·n entries when built whole
        self._places = np.indices((m, n)).reshape(2, -1) if gradient.whole else gradient.where

    def _gradients(self, X: np.ndarray) -> np.ndarray:
        """(m, n, k) the gradient entries at the k columns of ``X`` (n, k)."""
        out = np.zeros((*self._gradient.shape, X.shape[1]), dtype=X.dtype)
        for r, c, value in zip(*self._places, self._gradient.func(X)):
            out[r, c] = value  # a constant entry comes back as one number
        return out

    def array(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape)
        self.scatter(x, out)
        return out

    def scatter(self, x: np.ndarray, out: np.ndarray) -> None:
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            h = _COMPLEX_STEP * np.maximum(1.0, np.abs(x))
            try:
                H = self._gradients(x[:, None] + 1j * np.diag(h)).imag / h
            except (TypeError, ValueError, ArithmeticError):
                H = np.full(self.shape, np.nan)
            if not np.isfinite(H[self._rows]).all():
                h = steps(x, np.finfo(float).eps ** (1 / 3))
                step = np.diag(h)
                H = (self._gradients(x[:, None] + step) - self._gradients(x[:, None] - step)) / (2 * h)
        H = H[self._rows]
        out[self._rows] = (H + H.transpose(0, 2, 1)) / 2


def _sympy_entries(
    variables: Sequence[sp.Symbol],
    shape: tuple[int, ...],
    where: tuple[np.ndarray, ...],
    exprs: list[sp.Expr],
    mirror: bool = False,
) -> _Entries:
    """_Entries of sympy expressions, lambdified."""
    return _Entries(shape, where, exprs, partial(lambdify_vector, variables), sp.Integer(0), mirror, True)


def _is_large_row(expr: sp.Expr) -> bool:
    """Whether the derivatives of ``expr`` would be too large for sympy: nodes times variables
    above ``_LARGE``, the size past which common subexpressions are not eliminated, or a
    product of at least ``_MANY_FACTORS`` factors that depend on variables (sympy's Hessian of
    a product of k factors has k² terms of k factors each: for 60 variables, minutes)."""
    variables = len(expr.free_symbols)
    if not variables:
        return False
    if _is_large([expr], _LARGE // variables):
        return True
    products = expr.atoms(sp.Mul)
    return any(sum(1 for f in product.args if f.free_symbols) >= _MANY_FACTORS for product in products)


class ExpressionRows:
    """The rows ``exprs`` as functions of ``variables`` (passed by position, as one array).

    Parameters
    ----------
    variables : sequence of sympy.Symbol
        The n variables, in the order of the entries of ``x``.
    exprs : sequence of sympy.Expr
        The m rows; only the variables may be free in them.
    before_derivatives : callable
        Called once before the first derivative is computed (for a refusal such as
        :class:`~lagrangekit.NotSmoothError`); values never call it.
    """

    def __init__(
        self,
        variables: Sequence[sp.Symbol],
        exprs: Sequence[sp.Expr],
        before_derivatives: Callable[[], None],
    ) -> None:
        self._variables = list(variables)
        self._exprs = list(exprs)
        self._before_derivatives = before_derivatives
        self._checked = False
        self.n, self.m = len(self._variables), len(self._exprs)
        self._repeated: dict[int, list[RepeatedTerms]] = {}  # filled by _split
        self._direct_jacobian: Callable[[np.ndarray], np.ndarray] | None = None  # see _direct

    # --------------------------------------------------------------- structure
    @cached_property
    def _split(self) -> tuple[np.ndarray, QuadraticRows | None, np.ndarray, np.ndarray]:
        """(indices of the quadratic rows, their QuadraticRows, indices of the other rows,
        indices of the rows whose values are computed from the expression).

        A general row that sums many terms of one shape keeps only its other terms as its
        expression; the groups (:func:`~lagrangekit.repeated_terms.split_repeated`) are added
        to its value and derivatives."""
        index = {v: i for i, v in enumerate(self._variables)}
        quadratic, coefficients, general, by_expression = [], [], [], []
        for k, expr in enumerate(self._exprs):
            read = quadratic_coefficients(expr, index)
            if read is None:
                general.append(k)
                by_expression.append(k)
                split = split_repeated(self._variables, expr) if _is_large_row(expr) else None
                if split is not None:
                    self._exprs[k], self._repeated[k] = split
                continue
            quadratic.append(k)
            coefficients.append(read[0])
            if not read[1]:
                by_expression.append(k)  # factored, as (x - 1)**2: expanding it would cancel
        rows = QuadraticRows.from_coefficients(coefficients, self.n) if quadratic else None
        as_index = [np.array(ks, dtype=int) for ks in (quadratic, general, by_expression)]
        return as_index[0], rows, as_index[1], as_index[2]

    @property
    def quadratic_exprs(self) -> list[sp.Expr]:
        """The rows read as polynomials of degree <= 2: each constant in them is a finite
        float64, and they contain no undefined function."""
        return [self._exprs[k] for k in self._split[0]]

    @cached_property
    def _value_entries(self) -> _Entries:
        rows = self._split[3]
        exprs = [self._exprs[k] for k in rows]
        shape, where = (len(rows),), (np.arange(len(rows)),)
        if not self._large_rows[1]:
            return _sympy_entries(self._variables, shape, where, exprs)
        # sympy's common-subexpression search on a large row costs seconds: its DAG, instead
        program = DerivativeProgram(self._variables, exprs, 0)
        return _Entries(shape, where, program.values, program.function, "0")

    @cached_property
    def _expanded(self) -> tuple[np.ndarray, np.ndarray]:
        """(the quadratic rows whose values come from their coefficients, their positions among
        the quadratic rows)."""
        quadratic, _, _, by_expression = self._split
        keep = ~np.isin(quadratic, by_expression)
        return quadratic[keep], np.flatnonzero(keep)

    @cached_property
    def _large_rows(self) -> tuple[list[int], list[int]]:
        """(the general rows differentiated by sympy, those differentiated on their DAG)."""
        small, large = [], []
        for k in self._split[2]:
            (large if _is_large_row(self._exprs[k]) else small).append(int(k))
        return small, large

    @cached_property
    def _gradients(self) -> list[tuple[int, int, sp.Expr]]:
        """(row, column, ∂row/∂x_column) for every general row differentiated by sympy and
        every variable in it."""
        self._require_derivatives()
        position = {v: i for i, v in enumerate(self._variables)}
        return [
            (k, i, derivative)
            for k in self._large_rows[0]
            for i, derivative in nonzero_partial_derivatives(self._exprs[k], position)
        ]

    def _program_entries(self, order: int) -> _Entries | _SteppedHessians | None:
        """The Jacobian (order 1) or Hessian (order 2) entries of the large rows, by
        :class:`~lagrangekit.dag_derivatives.DerivativeProgram`; Hessians too large for its
        code by :class:`_SteppedHessians`."""
        rows = self._large_rows[1]
        if not rows:
            return None
        try:
            program = DerivativeProgram(self._variables, [self._exprs[k] for k in rows], order)
        except HessianTooLarge:
            return _SteppedHessians(self._jacobian_entries[1], rows)
        per_row = program.gradient if order == 1 else program.hessian
        where = [(k, *key) if order == 2 else (k, key) for k, part in zip(rows, per_row) for key in part]
        codes = [code for part in per_row for code in part.values()]
        columns = tuple(np.array([w[c] for w in where], dtype=int) for c in range(order + 1))
        shape = (self.m, self.n) if order == 1 else (self.m, self.n, self.n)
        return _Entries(shape, columns, codes, program.function, "0", mirror=order == 2)

    @cached_property
    def _jacobian_entries(self) -> tuple[_Entries, _Entries | None]:
        entries = self._gradients
        where = tuple(np.array([entry[c] for entry in entries], dtype=int) for c in (0, 1))
        by_sympy = _sympy_entries(self._variables, (self.m, self.n), where, [e for _, _, e in entries])
        program = self._program_entries(1)
        assert not isinstance(program, _SteppedHessians)  # only Hessians are stepped
        return by_sympy, program

    @cached_property
    def _hessian_entries(self) -> tuple[_Entries, _Entries | _SteppedHessians | None]:
        """Second derivatives on and above the diagonal, scattered to both triangles."""
        position = {v: i for i, v in enumerate(self._variables)}
        where: list[tuple[int, int, int]] = []
        exprs = []
        for k, i, gradient in self._gradients:
            for j, second_derivative in nonzero_partial_derivatives(gradient, position, first=i):
                where.append((k, i, j))
                exprs.append(second_derivative)
        columns = tuple(np.array([w[c] for w in where], dtype=int) for c in range(3))
        shape = (self.m, self.n, self.n)
        by_sympy = _sympy_entries(self._variables, shape, columns, exprs, mirror=True)
        return by_sympy, self._program_entries(2)

    @staticmethod
    def _array(entries: tuple[_Entries, _Entries | _SteppedHessians | None], x: np.ndarray) -> np.ndarray:
        by_sympy, by_program = entries
        if by_program is not None and by_sympy.func is None:
            return by_program.array(x)
        out = by_sympy.array(x)
        if by_program is not None:
            by_program.scatter(x, out)
        return out

    def _require_derivatives(self) -> None:
        if not self._checked:
            self._before_derivatives()
            self._checked = True

    # -------------------------------------------------------------- evaluation
    def values(self, x: np.ndarray) -> np.ndarray:
        """(m,) the rows at ``x``."""
        x = np.asarray(x, dtype=float)
        direct = self._direct_values
        if direct is not None:
            return direct(x)
        _, rows, _, by_expression = self._split
        if len(by_expression) == self.m:
            out = self._value_entries.array(x)
        elif not len(by_expression):
            return rows.values(x)
        else:
            out = np.empty(self.m)
            expanded, position = self._expanded
            out[expanded] = rows.values(x)[position]
            out[by_expression] = self._value_entries.array(x)
        for k, groups in self._repeated.items():
            out[k] += sum(group.value(x) for group in groups)
        return out

    @cached_property
    def _direct_values(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """The values as one call when one source gives every row and no row has repeated
        terms: the generated code of the expressions, or the coefficients; else None."""
        _, rows, _, by_expression = self._split
        if self._repeated or not self.m:
            return None
        if len(by_expression) == self.m:
            return self._value_entries.array
        return rows.values if not len(by_expression) else None

    def values_many(self, X: np.ndarray) -> np.ndarray:
        """(k, m) the rows at each row of ``X`` (k, n), vectorised."""
        X = np.asarray(X, dtype=float)
        out = np.zeros((X.shape[0], self.m))
        quadratic, rows, _, by_expression = self._split
        if rows is not None:
            out[:, quadratic] = rows.values_many(X)
        entries = self._value_entries
        if entries.func is not None:
            for k, column in zip(by_expression, entries.func(X.T)):
                out[:, k] = column  # a constant expression comes back as one number
        for k, groups in self._repeated.items():
            for group in groups:
                out[:, k] += group.values_many(X)
        return out

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """(m, n) the gradients of the rows at ``x``."""
        direct = self._direct_jacobian
        if direct is not None:
            return direct(np.asarray(x, dtype=float))
        out = self._derivative("_jacobian_entries", lambda rows, point: rows.jacobian(point), x)
        self._direct_jacobian = self._direct()
        return out

    def _direct(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """The Jacobian as one call, once the derivatives are checked, when one source gives
        every row: all rows quadratic (their coefficients), or all general, differentiated by
        sympy and built whole by the generated code, with no repeated terms; else None. The
        solvers ask for Jacobians dozens of times per solve: this skips the dispatch."""
        quadratic, rows, _, _ = self._split
        if rows is not None and len(quadratic) == self.m:
            return rows.jacobian
        by_sympy, by_program = self._jacobian_entries
        if rows is None and by_program is None and not self._repeated and by_sympy.whole:
            func, shape = by_sympy.func, by_sympy.shape
            return lambda x: at_point(func, x).reshape(shape)
        return None

    def hessians(self, x: np.ndarray) -> np.ndarray:
        """(m, n, n) the Hessians of the rows at ``x``."""
        return self._derivative("_hessian_entries", lambda rows, point: rows.hessian_stack(), x)

    def _derivative(
        self, entries: str, quadratic_part: Callable[[QuadraticRows, np.ndarray], np.ndarray], x: np.ndarray
    ) -> np.ndarray:
        """The derivative array whose general rows come from the cached property ``entries``
        (read only after the derivative check) and whose quadratic rows from ``quadratic_part``."""
        x = np.asarray(x, dtype=float)
        self._require_derivatives()
        quadratic, rows, _, _ = self._split
        if rows is not None and len(quadratic) == self.m:
            return quadratic_part(rows, x)
        out = self._array(getattr(self, entries), x)
        if rows is not None:
            out[quadratic] = quadratic_part(rows, x)
        for k, groups in self._repeated.items():
            for group in groups:
                (group.add_gradient if entries == "_jacobian_entries" else group.add_hessian)(x, out[k])
        return out

    # ----------------------------------------------- the objective: one row
    def scalar(self, x: np.ndarray) -> float:
        """The only row's value (for m = 1)."""
        if len(self._split[3]) and not self._repeated:  # from the expression: no array to build
            entries = self._value_entries
            x = np.asarray(x, dtype=float)
            return float(at_point(entries.func, x)[0] if entries.lambdified else entries.func(x)[0])
        return float(self.values(x)[0])

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """(n,) the only row's gradient."""
        return self.jacobian(x)[0]

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """(n, n) the only row's Hessian."""
        return self.hessians(x)[0]
