"""The user's inputs to a matrix-form problem, checked and put in standard form: constraints given
as ``(lhs, op, rhs)`` tuples, data ``{MatrixSymbol: array, Symbol: number}`` and the sizes it
fixes, and entry-wise bounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .matrix_printing import matrix_text
from .problem import bound_pair

__all__ = ["OPERATORS", "MatrixConstraint", "checked_data", "entry_bounds", "named_constraints"]

OPERATORS = ("<=", ">=", "==")


@dataclass(frozen=True)
class MatrixConstraint:
    """One named constraint in standard form, row-wise: ``expr == 0`` (``"eq"``) or
    ``expr <= 0`` (``"ineq"``), with ``expr`` a k×1 column (1×1 for a scalar constraint)."""

    name: str
    kind: str
    expr: sp.MatrixExpr

    def __str__(self) -> str:
        return f"{self.name}: {matrix_text(self.expr)} {'==' if self.kind == 'eq' else '<='} 0"


def _as_matrix(value: Any, what: str) -> sp.MatrixExpr:
    if isinstance(value, sp.MatrixExpr):
        return value
    if isinstance(value, (sp.Expr, int, float)) and not isinstance(value, bool):
        return sp.sympify(value)
    raise TypeError(f"{what} must be a sympy matrix expression or a number, got {type(value).__name__}")


def _standard(name: str, relation: Any) -> MatrixConstraint:
    """A ``(lhs, op, rhs)`` tuple as a row-wise constraint in standard form."""
    if not (isinstance(relation, tuple) and len(relation) == 3 and relation[1] in OPERATORS):
        raise ValueError(
            f"constraint {name!r} must be a tuple (lhs, op, rhs) with op one of {OPERATORS}, such as "
            f"(w, '>=', 0) or (ones.T*w, '==', 1); got {relation!r} (sympy cannot compare matrices, "
            "and sp.Eq of matrix expressions evaluates to False)"
        )
    lhs, op, rhs = relation
    lhs, rhs = _as_matrix(lhs, f"left side of {name!r}"), _as_matrix(rhs, f"right side of {name!r}")
    if not isinstance(lhs, sp.MatrixExpr):
        lhs, rhs, op = rhs, lhs, {"<=": ">=", ">=": "<=", "==": "=="}[op]
    if not isinstance(lhs, sp.MatrixExpr):
        raise ValueError(f"constraint {name!r} has no matrix side; use lk.minimize for scalar problems")
    if not isinstance(rhs, sp.MatrixExpr):
        rhs = sp.ZeroMatrix(*lhs.shape) if rhs == 0 else rhs * sp.OneMatrix(*lhs.shape)
    if lhs.shape != rhs.shape:
        raise ValueError(f"constraint {name!r}: sides have shapes {lhs.shape} and {rhs.shape}")
    expr = lhs - rhs if op != ">=" else rhs - lhs
    if expr.shape[0] == 1 and expr.shape[1] != 1:
        expr = expr.T
    if expr.shape[1] != 1:
        raise ValueError(f"constraint {name!r} must be a vector or a scalar, got shape {expr.shape}")
    return MatrixConstraint(name, "eq" if op == "==" else "ineq", expr)


def checked_data(data: Mapping[sp.Basic, Any]) -> tuple[dict[sp.Basic, Any], dict[sp.Symbol, sp.Integer]]:
    """Checked read-only copies of the data, and the sizes their shapes fix."""
    values: dict[sp.Basic, Any] = {}
    dims: dict[sp.Symbol, sp.Integer] = {}
    for key, value in data.items():
        if isinstance(key, sp.MatrixSymbol):
            try:
                arr = np.array(value, dtype=float)
            except (TypeError, ValueError):
                raise ValueError(
                    f"data[{key.name}] must be a numeric array, got {type(value).__name__}"
                ) from None
            if arr.ndim == 1:
                arr = arr.reshape(-1, 1) if key.shape[1] == 1 else arr.reshape(1, -1)
            if arr.ndim != 2:
                raise ValueError(f"data[{key.name}] must be 2-D (or 1-D for a vector), got shape {arr.shape}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"data[{key.name}] contains NaN or inf; data must be finite")
            for dim, size in zip(key.shape, arr.shape):
                dim = sp.sympify(dim)
                expected = (
                    dims.get(dim) if isinstance(dim, sp.Symbol) else (int(dim) if dim.is_Integer else None)
                )
                if expected is None and isinstance(dim, sp.Symbol):
                    dims[dim] = sp.Integer(size)
                elif expected is not None and int(expected) != size:
                    raise ValueError(
                        f"data[{key.name}] has shape {arr.shape}, but {key.name} is {key.shape}"
                        + (
                            f" with {dim} = {int(expected)} from other data"
                            if isinstance(dim, sp.Symbol)
                            else ""
                        )
                    )
            arr.setflags(write=False)
            values[key] = arr
        elif isinstance(key, sp.Symbol):
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"data[{key.name}] must be a real number, got {value!r}") from None
            if not np.isfinite(number):
                raise ValueError(f"data[{key.name}] must be finite, got {number}")
            values[key] = number
        else:
            raise TypeError(f"data keys must be sympy MatrixSymbols or Symbols, got {key!r}")
    return values, dims


def named_constraints(constraints: Any) -> tuple[MatrixConstraint, ...]:
    """``constraints`` (None, a dict {name: relation}, one relation, or a list of them, unnamed
    ones called ``c1, c2, …``) as named constraints in standard form."""
    if constraints is None:
        items: list[tuple[str, Any]] = []
    elif isinstance(constraints, Mapping):
        items = list(constraints.items())
    elif isinstance(constraints, tuple) and len(constraints) == 3 and constraints[1] in OPERATORS:
        items = [("c1", constraints)]
    else:
        items = [(f"c{i}", c) for i, c in enumerate(constraints, start=1)]
    cons = tuple(_standard(str(name), relation) for name, relation in items)
    names = [c.name for c in cons]
    if len(set(names)) != len(names) or not all(n.isidentifier() for n in names):
        raise ValueError(f"constraint names must be distinct identifiers, got {names}")
    return cons


def entry_bounds(
    variables: Sequence[sp.MatrixSymbol],
    sizes: Sequence[int] | None,
    bounds: Mapping[sp.MatrixSymbol, Any] | None,
) -> tuple[tuple[float | None, float | None], ...]:
    """One (lo, hi) pair per entry of the variables (``sizes`` their lengths, None when the data
    does not fix them), from ``{w: (lo, hi)}`` with numbers or arrays and None for a missing side."""
    unknown = [k for k in (bounds or {}) if k not in variables]
    if unknown:
        raise ValueError(f"bounds given for {unknown}, which are not variables")
    if sizes is None:
        if bounds:
            raise ValueError("bounds need the variables' sizes: pass data that fixes them")
        return ()
    per_entry: list[tuple[Any, Any]] = []
    for v, k in zip(variables, sizes):
        pair = (bounds or {}).get(v, (None, None))
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(
                f"bounds of {v.name} must be a pair (lo, hi) with None for no bound, got {pair!r}"
            )
        lo, hi = pair
        if (lo is None or np.ndim(lo) == 0) and (hi is None or np.ndim(hi) == 0):
            per_entry += [bound_pair(v, (lo, hi))] * k
            continue
        try:  # -inf / inf (or None) for a missing side, entry by entry
            los = np.broadcast_to(np.asarray(-np.inf if lo is None else lo, dtype=float), (k,))
            his = np.broadcast_to(np.asarray(np.inf if hi is None else hi, dtype=float), (k,))
        except (TypeError, ValueError):
            raise ValueError(f"bounds of {v.name} must be numbers or arrays of {k} numbers") from None
        per_entry += [bound_pair(v, pair) for pair in zip(los.tolist(), his.tolist())]
    return tuple(per_entry)
