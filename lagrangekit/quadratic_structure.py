"""Coefficients of expressions that are polynomials of degree at most 2 in the variables, read
term by term from the sympy tree (linear time in the number of terms, no differentiation).

A row q(x) = c₀ + aᵀx + ½ xᵀQx has gradient Qx + a and the constant Hessian Q (symmetric,
scipy.sparse). :func:`quadratic_coefficients` reads one expression, or says it is not such a
polynomial (a higher degree, a function of a variable, a negative or fractional power of one),
which then needs a general differentiation engine; :class:`QuadraticRows` evaluates rows of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sps
import sympy as sp

from .expression_checks import real_float64

__all__ = ["Coefficients", "QuadraticRows", "quadratic_coefficients"]

Monomial = tuple[int, ...]  # sorted variable indices: () constant, (i,) linear, (i, j) with i <= j
Coefficients = dict[Monomial, float]


class _NotQuadratic(Exception):
    """The expression is not a polynomial of degree <= 2 with float64 coefficients."""


def _constant(expr: sp.Expr) -> float:
    """A factor without variables as a finite float64, computed as compiled code would."""
    value = real_float64(expr)
    if value is None:
        raise _NotQuadratic
    return value


def _add_into(total: Coefficients, part: Coefficients, scale: float = 1.0) -> None:
    for monomial, c in part.items():
        total[monomial] = total.get(monomial, 0.0) + scale * c


def _product(a: Coefficients, b: Coefficients) -> Coefficients:
    out: Coefficients = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            if len(ma) + len(mb) > 2:
                raise _NotQuadratic
            key = tuple(sorted(ma + mb))
            out[key] = out.get(key, 0.0) + ca * cb
    return out


class _Reader:
    """One walk over an expression; ``expanded`` stays True when it was a plain sum of
    monomials (no product or power of a sum had to be multiplied out)."""

    def __init__(self, index: Mapping[sp.Symbol, int]) -> None:
        self.index = index
        self.expanded = True

    def read(self, expr: sp.Expr) -> Coefficients:
        if expr.is_Add:
            total: Coefficients = {}
            for term in expr.args:
                self._term_into(total, term)
            return total
        total = {}
        self._term_into(total, expr)
        return total

    def _term_into(self, total: Coefficients, term: sp.Expr) -> None:
        """Add one term of a sum; a monomial such as 0.3*x*y or 2*x**2 costs no dictionary."""
        factors = term.args if term.is_Mul else (term,)
        coefficient, monomial, compound = 1.0, (), []
        for factor in factors:
            i = self.index.get(factor) if factor.is_Symbol else None
            if i is not None:
                monomial += (i,)
            elif factor.is_Pow and factor.base.is_Symbol and factor.base in self.index:
                monomial += (self.index[factor.base],) * self._small_power(factor.exp)
            elif factor.is_Number or factor.is_NumberSymbol or not self._has_variable(factor):
                coefficient *= _constant(factor)
            else:
                compound.append(factor)
            if len(monomial) > 2:
                raise _NotQuadratic
        if len(monomial) == 2 and monomial[0] > monomial[1]:
            monomial = (monomial[1], monomial[0])
        if not compound:
            total[monomial] = total.get(monomial, 0.0) + coefficient
            return
        part: Coefficients = {monomial: coefficient}
        for factor in compound:
            self.expanded = False
            part = _product(part, self._compound(factor))
        _add_into(total, part)

    def _compound(self, factor: sp.Expr) -> Coefficients:
        if isinstance(factor, sp.Add):
            return self.read(factor)
        if isinstance(factor, sp.Pow):
            base = self.read(factor.base)
            out: Coefficients = {(): 1.0}
            for _ in range(self._small_power(factor.exp)):
                out = _product(out, base)
            return out
        raise _NotQuadratic  # a function of a variable: exp(x), sin(x*y), ...

    @staticmethod
    def _small_power(exponent: sp.Expr) -> int:
        if not (isinstance(exponent, sp.Integer) and 0 <= exponent <= 2):
            raise _NotQuadratic
        return int(exponent)

    def _has_variable(self, expr: sp.Expr) -> bool:
        return any(s in self.index for s in expr.free_symbols)


def quadratic_coefficients(
    expr: sp.Expr, index: Mapping[sp.Symbol, int]
) -> tuple[Coefficients, bool] | None:
    """The monomial coefficients of ``expr`` (keys: sorted tuples of variable indices, of length
    0, 1 or 2) and whether ``expr`` was already a plain sum of monomials; None when ``expr`` is
    not a polynomial of degree <= 2 in the variables of ``index`` with finite float64
    coefficients (so a row read here has no constant float64 cannot hold and no undefined
    function). Zero coefficients are kept (they are harmless)."""
    reader = _Reader(index)
    try:
        coefficients = reader.read(expr)
    except _NotQuadratic:
        return None
    if not all(np.isfinite(c) for c in coefficients.values()):
        return None  # terms that overflow float64 when collected
    return coefficients, reader.expanded


_STACKED_UP_TO = 64  # variables up to which the curved rows' Qₖ are also kept as one (k, n, n) stack
_STACKED_ROWS = 4  # ... when there are at least this many curved rows
_DENSE_UP_TO = 300  # variables up to which the matrices are stored dense (sparse products cost more there)

Matrix = np.ndarray | sps.csr_matrix


@dataclass(frozen=True, eq=False)
class QuadraticRows:
    """m functions qₖ(x) = cₖ + aₖᵀx + ½ xᵀQₖx of n variables.

    The matrices are scipy.sparse (CSR) for more than 300 variables, dense arrays below, where
    numpy's products cost less than sparse ones.

    Attributes
    ----------
    n : int
        Number of variables.
    constant : numpy.ndarray
        (m,) the cₖ.
    linear : numpy.ndarray or scipy.sparse.csr_matrix
        (m, n) the rows aₖᵀ: the Jacobian of the affine part.
    hessians : tuple of (numpy.ndarray or scipy.sparse.csr_matrix or None)
        Qₖ (symmetric, n × n) per row, None for an affine row.
    """

    n: int
    constant: np.ndarray
    linear: Matrix
    hessians: tuple[Matrix | None, ...]

    @classmethod
    def from_coefficients(cls, rows: Sequence[Coefficients], n: int) -> QuadraticRows:
        """The rows whose monomial coefficients :func:`quadratic_coefficients` read."""
        m = len(rows)
        constant = np.zeros(m)
        lin_rows: list[int] = []
        lin_cols: list[int] = []
        lin_data: list[float] = []
        hessians = []
        for k, coefficients in enumerate(rows):
            quadratic = []
            for monomial, c in coefficients.items():
                if len(monomial) == 0:
                    constant[k] += c
                elif len(monomial) == 1:
                    lin_rows.append(k)
                    lin_cols.append(monomial[0])
                    lin_data.append(c)
                else:
                    quadratic.append((monomial[0], monomial[1], c))
            hessians.append(_hessian(quadratic, n))
        linear = sps.csr_matrix((lin_data, (lin_rows, lin_cols)), shape=(m, n), dtype=float)
        if n <= _DENSE_UP_TO:
            dense = tuple(None if Q is None else Q.toarray() for Q in hessians)
            return cls(n, constant, linear.toarray(), dense)
        return cls(n, constant, linear, tuple(hessians))

    @property
    def m(self) -> int:
        return len(self.constant)

    @cached_property
    def _curved(self) -> tuple[tuple[int, Matrix], ...]:
        return tuple((k, Q) for k, Q in enumerate(self.hessians) if Q is not None)

    @cached_property
    def _stacked(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(rows, their Qₖ stacked (k, n, n)) of the curved rows of a small problem with
        several, whose products then cost one call for all rows instead of one per row; None
        otherwise (for one to three rows, the indexing costs more than the calls it saves)."""
        if len(self._curved) < _STACKED_ROWS or self.n > _STACKED_UP_TO:
            return None
        rows = np.array([k for k, _ in self._curved], dtype=int)
        return rows, np.stack([_dense(Q) for _, Q in self._curved])

    def values(self, x: np.ndarray) -> np.ndarray:
        """(m,) qₖ(x)."""
        out = self.constant + self.linear.dot(x)  # .dot: a third of @'s overhead on small arrays
        if self._stacked is not None:
            rows, Q = self._stacked
            out[rows] += 0.5 * Q.dot(x).dot(x)
            return out
        for k, Q in self._curved:
            out[k] += 0.5 * float(x.dot(Q.dot(x)))
        return out

    def values_many(self, X: np.ndarray) -> np.ndarray:
        """(k, m) qₖ at each row of ``X`` (k, n)."""
        out = self.constant + np.asarray((self.linear @ X.T).T)
        for k, Q in self._curved:
            out[:, k] += 0.5 * np.einsum("ij,ij->i", np.asarray((Q @ X.T).T), X)
        return out

    @cached_property
    def dense_linear(self) -> np.ndarray:
        """(m, n) dense: the rows aₖᵀ (``linear`` as an array, cached; not to be written)."""
        return _dense(self.linear)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """(m, n) dense: row k is aₖ + Qₖx."""
        J = self.dense_linear.copy()
        if self._stacked is not None:
            rows, Q = self._stacked
            J[rows] += Q.dot(x)
            return J
        for k, Q in self._curved:
            J[k] += Q.dot(x)
        return J

    @cached_property
    def _hessian_stack(self) -> np.ndarray:
        H = np.zeros((self.m, self.n, self.n))
        for k, Q in self._curved:
            H[k] = _dense(Q)
        return H

    def hessian_stack(self) -> np.ndarray:
        """(m, n, n) dense, a new array: the constant Qₖ (zeros for an affine row)."""
        return self._hessian_stack.copy()


def _dense(M: Matrix) -> np.ndarray:
    return M.toarray() if sps.issparse(M) else np.asarray(M)


def _hessian(quadratic: list[tuple[int, int, float]], n: int) -> sps.csr_matrix | None:
    """Q with ½xᵀQx = Σ c·xᵢxⱼ over (i, j, c), i <= j: Qᵢⱼ = Qⱼᵢ = c off the diagonal, Qᵢᵢ = 2c."""
    if not quadratic:
        return None
    i, j, c = (np.array(column) for column in zip(*quadratic))
    off = i != j
    rows = np.concatenate([i, j[off]])
    cols = np.concatenate([j, i[off]])
    data = np.concatenate([np.where(off, c, 2.0 * c), c[off]]).astype(float)
    return sps.csr_matrix((data, (rows, cols)), shape=(n, n))
