"""The map between a matrix-form problem's flat rows and its groups.

The numeric form of a :class:`~lagrangekit.matrix_problem.MatrixProblem` has one row per entry
of each vector constraint (``c_0 … c_{k-1}``) and one per finite bound (``lower:w_3``); a user
thinks in groups: a constraint ``c`` with a vector multiplier, the bounds ``lower:w`` and
``upper:w`` of a variable as arrays. :class:`RowGroups` translates values both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["RowGroups"]


@dataclass(frozen=True, eq=False)
class RowGroups:
    """Flat rows and their groups.

    Attributes
    ----------
    constraints : tuple of (name, is_scalar)
        Each constraint's name, and whether it is 1×1 (its value is then a number, not an array).
    variables : tuple of (MatrixSymbol, int)
        Each variable and its length, in the order of the stacked x.
    rows : tuple of (row name, constraint name, index)
        Every constraint row of the numeric form.
    bounds : tuple of (row name, entry index in x, sign)
        Every bound row: sign −1 for a lower bound, +1 for an upper one.
    """

    constraints: tuple[tuple[str, bool], ...]
    variables: tuple[tuple[sp.MatrixSymbol, int], ...]
    rows: tuple[tuple[str, str, int], ...]
    bounds: tuple[tuple[str, int, float], ...]

    @cached_property
    def groups(self) -> dict[str, tuple[str, int]]:
        """Flat row name -> (constraint or ``lower:w``/``upper:w``, index within it)."""
        out = {row: (name, i) for row, name, i in self.rows}
        owners = [(v, i) for v, k in self.variables for i in range(k)]
        for flat, j, sign in self.bounds:
            v, i = owners[j]
            out[flat] = (f"{'lower' if sign < 0 else 'upper'}:{v.name}", i)
        return out

    @cached_property
    def members(self) -> dict[str, tuple[int, dict[int, str]]]:
        """Group (constraint, ``lower:w``, ``upper:w``) -> (its length, {index: row name})."""
        out: dict[str, tuple[int, dict[int, str]]] = {}
        for row, (group, i) in self.groups.items():
            out.setdefault(group, (0, {}))[1][i] = row
        lengths = {f"{side}:{v.name}": k for v, k in self.variables for side in ("lower", "upper")}
        return {g: (lengths.get(g, len(rows)), rows) for g, (_, rows) in out.items()}

    def grouped(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values by row name (or already by group) as values by group: a number for a 1×1
        constraint, a read-only array otherwise (a bound's array is 0 at entries without one)."""
        grouped: dict[str, dict[int, float]] = {}
        for name, value in self.flat(values).items():
            group, i = self.groups.get(name, (name, 0))
            grouped.setdefault(group, {})[i] = value
        out: dict[str, Any] = {}
        for name, scalar in self.constraints:
            if name in grouped:
                out[name] = _vector(grouped.pop(name), scalar)
        for v, k in self.variables:
            for side in ("lower", "upper"):
                key = f"{side}:{v.name}"
                if key in grouped:
                    full = dict.fromkeys(range(k), 0.0) | grouped.pop(key)
                    out[key] = _vector(full, False)
        return out | {k: _vector(v, True) for k, v in grouped.items()}

    def point(self, x: np.ndarray) -> dict[sp.MatrixSymbol, np.ndarray]:
        """{w: its entries} from the stacked x."""
        out, start = {}, 0
        for v, k in self.variables:
            part = np.array(x[start : start + k], dtype=float)
            part.setflags(write=False)
            out[v] = part
            start += k
        return out

    def stacked(self, point: Mapping[sp.MatrixSymbol, Any]) -> np.ndarray:
        """The stacked x of a point ``{w: array}``."""
        missing = [v.name for v, _ in self.variables if v not in point]
        if missing:
            raise ValueError(f"point is missing values for {missing}; give every variable an array")
        parts = []
        for v, k in self.variables:
            arr = np.asarray(point[v], dtype=float).reshape(-1)
            if arr.size != k:
                raise ValueError(f"point[{v.name}] must have {k} entries, got {arr.size}")
            parts.append(arr)
        return np.concatenate(parts)

    def flat(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values by group (a number, or an array by index or by row) as values by row name."""
        flat: dict[str, Any] = {}
        for name, value in values.items():
            length, rows = self.members.get(name, (0, {}))
            if not rows or list(rows.values()) == [name]:
                flat[name] = value
                continue
            arr = np.asarray(value, dtype=float).reshape(-1)
            if arr.size == length:
                pairs = [(rows.get(i), v) for i, v in enumerate(arr.tolist())]
            elif arr.size == len(rows):
                pairs = list(zip(rows.values(), arr.tolist()))  # by row, in index order
            else:
                raise ValueError(f"multipliers[{name!r}] must have {length} entries, got {arr.size}")
            unbound = [i for i, (row, v) in enumerate(pairs) if row is None and v != 0.0]
            if unbound:
                raise ValueError(
                    f"multipliers[{name!r}] is nonzero at entries {unbound[:5]}, which have no such bound"
                )
            flat.update((row, v) for row, v in pairs if row is not None)
        return flat


def _vector(values: Mapping[int, Any], scalar: bool) -> Any:
    """{index: value} as a number (``scalar`` and one value) or a read-only array, 0 where missing."""
    if scalar and len(values) == 1:
        return values[0]
    arr = np.array([float(values.get(i, 0.0)) for i in range(max(values) + 1)], dtype=float)
    arr.setflags(write=False)
    return arr
