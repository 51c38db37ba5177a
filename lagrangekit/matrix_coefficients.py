"""Coefficient matrices of a quadratic matrix expression, read from its tree with numpy data.

A matrix expression such as ``(y - X*w).T*(y - X*w) + alpha*w.T*w`` (sympy ``MatrixExpr``)
is read node by node with the data substituted as numpy arrays, never expanded into scalar
sympy terms: every node is either *affine* in the stacked variable vector x (a constant
matrix, plus, for a vector-shaped node, a linear map (len, N)) or a 1×1 *quadratic*
½xᵀPx + qᵀx + c. Products of two affine vectors (a row times a column) make the quadratics;
anything of higher degree, a variable inside a non-vector matrix, or a node type without a
rule raises :class:`NotQuadraticError` naming the term. The cost is that of the matrix
products the expression itself states (for wᵀΣw, one pass over Σ).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from .errors import LagrangekitError

__all__ = ["AffineRows", "MatrixCoefficients", "NotQuadraticError", "ScalarQuadratic"]

Linear = np.ndarray | sps.spmatrix | None  # (entries, N), or None for a constant


class NotQuadraticError(LagrangekitError, ValueError):
    """A matrix expression that is not quadratic (objective) or affine (constraint) in the
    variables, or uses a matrix operation this reader has no rule for."""


@dataclass(frozen=True)
class AffineRows:
    """``J x + c`` of a vector (or 1×1) node: ``J`` (k, N) dense or sparse, ``c`` (k,)."""

    J: np.ndarray | sps.spmatrix
    c: np.ndarray


@dataclass(frozen=True)
class ScalarQuadratic:
    """½xᵀPx + qᵀx + c; ``P`` (N, N) symmetric, dense or sparse."""

    P: np.ndarray | sps.spmatrix | None
    q: np.ndarray
    c: float


@dataclass(frozen=True)
class _Affine:
    """const (r, c) + a linear map ``lin`` (r·c, N) of x (only for vectors, r or c == 1)."""

    const: np.ndarray
    lin: Linear

    @property
    def shape(self) -> tuple[int, int]:
        return self.const.shape

    @property
    def is_vector(self) -> bool:
        return 1 in self.shape


def _add_linear(a: Linear, b: Linear) -> Linear:
    if a is None:
        return b
    if b is None:
        return a
    out = a + b
    return np.asarray(out) if isinstance(out, np.matrix) else out


def _left(M: np.ndarray, L: Linear) -> Linear:
    """M @ L, dense when either is."""
    if L is None:
        return None
    out = M @ L
    return np.asarray(out) if isinstance(out, np.matrix) else out


def _gram(A: Linear, B: Linear) -> np.ndarray | sps.spmatrix:
    """AᵀB + BᵀA: the Hessian of (Ax)ᵀ(Bx)."""
    AtB = A.T @ B
    out = AtB + AtB.T
    return np.asarray(out) if isinstance(out, np.matrix) else out


class MatrixCoefficients:
    """Reads matrix expressions in ``variables`` (column-vector MatrixSymbols, stacked in order
    into x) with ``values`` ({MatrixSymbol: 2-D array, Symbol: float}) and ``dims`` ({size
    Symbol: int}) substituted."""

    def __init__(
        self,
        variables: Sequence[sp.MatrixSymbol],
        sizes: Sequence[int],
        values: Mapping[sp.Basic, Any],
        dims: Mapping[sp.Symbol, int],
    ) -> None:
        self._values = values
        self._dims = dims
        self.N = int(sum(sizes))
        self._selectors: dict[sp.MatrixSymbol, sps.csr_matrix] = {}
        start = 0
        for v, k in zip(variables, sizes):
            rows = np.arange(k)
            self._selectors[v] = sps.csr_matrix((np.ones(k), (rows, start + rows)), shape=(k, self.N))
            start += k

    # ------------------------------------------------------------ public
    def quadratic(self, expr: sp.Basic, what: str) -> ScalarQuadratic:
        """The scalar (1×1) ``expr`` as ½xᵀPx + qᵀx + c."""
        node = self._read(expr, what)
        if isinstance(node, ScalarQuadratic):
            return node
        if node.shape != (1, 1):
            raise NotQuadraticError(f"{what} must be a scalar (1×1), got shape {node.shape}")
        q = np.zeros(self.N) if node.lin is None else _dense_row(node.lin)
        return ScalarQuadratic(None, q, float(node.const[0, 0]))

    def affine(self, expr: sp.Basic, what: str) -> AffineRows:
        """The vector (or 1×1) ``expr`` as J x + c, one row per entry."""
        node = self._read(expr, what)
        if isinstance(node, ScalarQuadratic):
            raise NotQuadraticError(
                f"{what} is quadratic in the variables; only affine constraints are supported in matrix "
                "form (write it with problem.to_scalar() for a nonlinear constraint on small problems)"
            )
        if not node.is_vector:
            raise NotQuadraticError(f"{what} must be a vector (k×1 or 1×k), got shape {node.shape}")
        c = node.const.reshape(-1)
        J = sps.csr_matrix((c.size, self.N)) if node.lin is None else node.lin
        return AffineRows(J, c)

    def constant(self, expr: sp.Basic, what: str) -> np.ndarray:
        """The value of an expression without variables, as a 2-D array."""
        node = self._read(expr, what)
        if isinstance(node, ScalarQuadratic) or node.lin is not None:
            raise NotQuadraticError(f"{what} must not depend on the variables")
        return node.const

    # ------------------------------------------------------------ reading
    def _read(self, expr: Any, what: str) -> _Affine | ScalarQuadratic:
        if not isinstance(expr, sp.MatrixExpr):
            return _Affine(np.array([[self._scalar(expr, what)]]), None)
        if isinstance(expr, sp.MatrixSymbol):
            return self._symbol(expr, what)
        if isinstance(expr, sp.Identity):
            return _Affine(np.eye(self._size(expr.shape[0], what)), None)
        if isinstance(expr, (sp.ZeroMatrix, sp.OneMatrix)):
            shape = (self._size(expr.shape[0], what), self._size(expr.shape[1], what))
            return _Affine(np.full(shape, 0.0 if isinstance(expr, sp.ZeroMatrix) else 1.0), None)
        if isinstance(expr, sp.MatAdd):
            return self._sum([self._read(a, what) for a in expr.args], what)
        if isinstance(expr, sp.MatMul):
            return self._product(expr, what)
        if isinstance(expr, sp.Transpose):
            return self._transpose(self._read(expr.arg, what))
        if isinstance(expr, (sp.Inverse, sp.MatPow)):
            return self._power(expr, what)
        raise NotQuadraticError(
            f"{what} contains {type(expr).__name__} ({_short(expr)}), which the matrix reader has no "
            "rule for; use MatMul, MatAdd, Transpose, Identity, OneMatrix, ZeroMatrix, and "
            "Inverse or powers of data"
        )

    def _size(self, dim: Any, what: str) -> int:
        value = sp.sympify(dim).xreplace(dict(self._dims))
        if not value.is_Integer:
            raise ValueError(f"{what}: the size {dim} is not known; give data whose shape fixes it")
        return int(value)

    def _scalar(self, expr: Any, what: str) -> float:
        expr = sp.sympify(expr)
        missing = [s for s in expr.free_symbols if s not in self._values]
        if missing or expr.atoms(MatrixElement):
            names = ", ".join(sorted(str(s) for s in missing)) or _short(expr)
            raise ValueError(
                f"{what}: the scalar {_short(expr)} needs a value for {names}; pass it in data={{...}} "
                "(matrix variables enter only through matrix products)"
            )
        try:
            value = float(expr.xreplace({s: sp.Float(self._values[s]) for s in expr.free_symbols}))
        except TypeError:
            raise ValueError(f"{what}: the scalar {_short(expr)} is not a real number") from None
        if not np.isfinite(value):
            raise ValueError(f"{what}: the scalar {_short(expr)} is {value}; it must be finite")
        return value

    def _symbol(self, symbol: sp.MatrixSymbol, what: str) -> _Affine:
        if symbol in self._selectors:
            selector = self._selectors[symbol]
            return _Affine(np.zeros((selector.shape[0], 1)), selector)
        if symbol not in self._values:
            raise ValueError(
                f"{what} contains the matrix {symbol.name}, which is neither a variable nor given in data; "
                f"pass data={{{symbol.name}: array}}"
            )
        return _Affine(self._values[symbol], None)

    def _sum(self, parts: list[_Affine | ScalarQuadratic], what: str) -> _Affine | ScalarQuadratic:
        quadratics = [p for p in parts if isinstance(p, ScalarQuadratic)]
        affine = [p for p in parts if isinstance(p, _Affine)]
        const = sum((p.const for p in affine), np.zeros(affine[0].shape if affine else (1, 1)))
        lin: Linear = None
        for p in affine:
            lin = _add_linear(lin, p.lin)
        if not quadratics:
            return _Affine(const, lin)
        P: Any = None
        for p in quadratics:
            P = _add_linear(P, p.P)
        q = sum((p.q for p in quadratics), np.zeros(self.N))
        if lin is not None:
            q = q + _dense_row(lin)
        return ScalarQuadratic(P, q, float(const[0, 0]) + sum(p.c for p in quadratics))

    def _product(self, expr: sp.MatMul, what: str) -> _Affine | ScalarQuadratic:
        scale = 1.0
        factors: list[sp.Basic] = []
        for a in expr.args:
            if isinstance(a, sp.MatrixExpr):
                if not isinstance(a, sp.Identity):  # multiplying by I changes nothing
                    factors.append(a)
            else:
                scale *= self._scalar(a, what)
        if not factors:
            return _Affine(np.eye(self._size(expr.shape[0], what)) * scale, None)
        out = self._read(factors[0], what)
        for f in factors[1:]:
            out = self._times(out, self._read(f, what), f, what)
        return _scaled(out, scale)

    def _times(
        self, A: _Affine | ScalarQuadratic, B: _Affine | ScalarQuadratic, factor: sp.Basic, what: str
    ) -> _Affine | ScalarQuadratic:
        for quad, other in ((A, B), (B, A)):
            if isinstance(quad, ScalarQuadratic):
                if isinstance(other, ScalarQuadratic) or other.lin is not None:
                    raise NotQuadraticError(
                        f"{what} has degree above 2 in the variables (at {_short(factor)})"
                    )
                if other.shape != (1, 1):
                    raise NotQuadraticError(
                        f"{what} multiplies a quadratic in the variables by a "
                        f"{other.shape[0]}×{other.shape[1]} matrix (at {_short(factor)}): only 1×1 "
                        "quadratics of degree at most 2 are read"
                    )
                return _scaled(quad, float(other.const[0, 0]))
        assert isinstance(A, _Affine) and isinstance(B, _Affine)
        const = A.const @ B.const
        if A.lin is None and B.lin is None:
            return _Affine(const, None)
        if A.lin is not None and B.lin is not None:
            if A.shape[0] != 1 or B.shape[1] != 1:
                raise NotQuadraticError(
                    f"{what}: the product at {_short(factor)} multiplies two matrices that both depend "
                    "on the variables and is not a scalar (only a row times a column, such as wᵀΣw, is "
                    "quadratic)"
                )
            q = _dense_row(_left(A.const.reshape(1, -1), B.lin)) + _dense_row(
                _left(B.const.reshape(1, -1), A.lin)
            )
            return ScalarQuadratic(_gram(A.lin, B.lin), q, float(const[0, 0]))
        if B.lin is not None:  # constant A (r, k) times a vector B
            if B.shape[1] == 1:
                return _Affine(const, _left(A.const, B.lin))
            if A.shape == (1, 1):
                return _Affine(const, B.lin * float(A.const[0, 0]))
        else:  # a vector A times constant B (k, c)
            if A.shape[0] == 1:
                return _Affine(const, _left(B.const.T, A.lin))
            if B.shape == (1, 1):
                return _Affine(const, A.lin * float(B.const[0, 0]))
        raise NotQuadraticError(
            f"{what}: the product at {_short(factor)} puts the variables into a matrix that is not a vector "
            "(an outer product); only vectors may depend on the variables"
        )

    def _transpose(self, node: _Affine | ScalarQuadratic) -> _Affine | ScalarQuadratic:
        if isinstance(node, ScalarQuadratic):
            return node
        if node.lin is not None and not node.is_vector:
            raise NotQuadraticError("a matrix that depends on the variables is not a vector")
        return _Affine(node.const.T, node.lin)

    def _power(self, expr: sp.Basic, what: str) -> _Affine:
        base, exponent = (expr.arg, -1) if isinstance(expr, sp.Inverse) else expr.args
        node = self._read(base, what)
        if isinstance(node, ScalarQuadratic) or node.lin is not None:
            raise NotQuadraticError(
                f"{what}: {_short(expr)} raises an expression in the variables to a power"
            )
        if not sp.sympify(exponent).is_Integer:
            raise NotQuadraticError(f"{what}: {_short(expr)} needs an integer power")
        try:
            return _Affine(np.linalg.matrix_power(node.const, int(exponent)), None)
        except np.linalg.LinAlgError:
            raise ValueError(
                f"{what}: {_short(base)} is singular, so {_short(expr)} does not exist"
            ) from None


def _scaled(node: _Affine | ScalarQuadratic, s: float) -> _Affine | ScalarQuadratic:
    if s == 1.0:
        return node
    if isinstance(node, ScalarQuadratic):
        return ScalarQuadratic(None if node.P is None else node.P * s, node.q * s, node.c * s)
    return _Affine(node.const * s, None if node.lin is None else node.lin * s)


def _dense_row(lin: Any) -> np.ndarray:
    """A (1, N) linear map as an (N,) array."""
    return np.asarray(lin.toarray() if sps.issparse(lin) else lin, dtype=float).reshape(-1)


def _short(expr: Any) -> str:
    text = str(expr)
    return text if len(text) <= 80 else text[:77] + "..."
