"""The numeric standard form every backend works on: f, h = 0, and g <= 0 with bounds as rows of g."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..problem import CompiledProblem, Problem

__all__ = ["NumericForm", "Multipliers"]


@dataclass(frozen=True)
class Multipliers:
    """Multipliers in the order of :class:`NumericForm`: ``lam`` for h, ``mu`` for g then bounds."""

    lam: np.ndarray
    mu: np.ndarray


@dataclass(frozen=True, eq=False)
class NumericForm:
    """minimize f(x) s.t. h(x) = 0, G(x) <= 0, where G stacks g, then ``lo - x`` and ``x - hi``
    for each finite bound (the order of :meth:`Problem.bound_constraints`)."""

    problem: Problem

    @cached_property
    def cp(self) -> CompiledProblem:
        return self.problem.compile()

    @property
    def n(self) -> int:
        return self.cp.n

    @cached_property
    def bound_rows(self) -> tuple[tuple[int, float, float], ...]:
        """(variable index, sign, bound) per bound row: the row is sign·(x_i − bound) <= 0."""
        rows = []
        for i, (lo, hi) in enumerate(zip(self.cp.lower, self.cp.upper)):
            if np.isfinite(lo):
                rows.append((i, -1.0, float(lo)))
            if np.isfinite(hi):
                rows.append((i, 1.0, float(hi)))
        return tuple(rows)

    @cached_property
    def bound_names(self) -> tuple[str, ...]:
        names = []
        for i, sign, _ in self.bound_rows:
            var = self.problem.variables[i].name
            names.append(f"{'lower' if sign < 0 else 'upper'}:{var}")
        return tuple(names)

    @cached_property
    def _bound_matrix(self) -> np.ndarray:
        B = np.zeros((len(self.bound_rows), self.n))
        for r, (i, sign, _) in enumerate(self.bound_rows):
            B[r, i] = sign
        B.setflags(write=False)
        return B

    @cached_property
    def _bound_offset(self) -> np.ndarray:
        return np.array([sign * b for _, sign, b in self.bound_rows], dtype=float)

    @property
    def eq_names(self) -> tuple[str, ...]:
        return self.cp.eq_names

    @property
    def ineq_names(self) -> tuple[str, ...]:
        """General inequalities followed by bounds."""
        return self.cp.ineq_names + self.bound_names

    @property
    def m_eq(self) -> int:
        return len(self.cp.eq_names)

    @property
    def m_in(self) -> int:
        return len(self.cp.ineq_names) + len(self.bound_rows)

    # ------------------------------------------------------------ evaluation
    def f(self, x: np.ndarray) -> float:
        return self.cp.fun(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.cp.grad(x)

    def h(self, x: np.ndarray) -> np.ndarray:
        return self.cp.eq(x)

    def h_jac(self, x: np.ndarray) -> np.ndarray:
        return self.cp.eq_jac(x)

    def g(self, x: np.ndarray) -> np.ndarray:
        """General inequalities only (no bounds)."""
        return self.cp.ineq(x)

    def g_jac(self, x: np.ndarray) -> np.ndarray:
        return self.cp.ineq_jac(x)

    def G(self, x: np.ndarray) -> np.ndarray:
        """Inequalities and bounds, all as ``<= 0``."""
        return np.concatenate([self.cp.ineq(x), self._bound_matrix @ x - self._bound_offset])

    def G_jac(self, x: np.ndarray) -> np.ndarray:
        return np.vstack([self.cp.ineq_jac(x).reshape(-1, self.n), self._bound_matrix])

    def lagrangian_hessian(self, x: np.ndarray, m: Multipliers) -> np.ndarray:
        k = len(self.cp.ineq_names)
        return self.cp.lagrangian_hessian(x, m.lam, m.mu[:k])

    def clip(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.cp.lower, self.cp.upper)

    def violation(self, x: np.ndarray) -> float:
        """max(|h|, G⁺), 0 when feasible."""
        h = self.h(x)
        G = self.G(x)
        return float(max(np.abs(h).max(initial=0.0), np.maximum(G, 0.0).max(initial=0.0)))

    def kkt_error(self, x: np.ndarray, m: Multipliers) -> float:
        """The solver's own merit: largest of stationarity (scaled by max(1, ‖∇f‖∞)),
        violation, sign violation of μ and complementarity. Used to compare candidates."""
        if not np.all(np.isfinite(x)):
            return np.inf
        grad = self.grad(x)
        h = self.h(x)
        G = self.G(x)
        stationarity = grad + self.h_jac(x).T @ m.lam + self.G_jac(x).T @ m.mu
        violation = max(np.abs(h).max(initial=0.0), np.maximum(G, 0.0).max(initial=0.0))
        value = max(
            float(np.abs(stationarity).max(initial=0.0)) / max(1.0, float(np.abs(grad).max(initial=0.0))),
            float(violation),
            float(np.maximum(-m.mu, 0.0).max(initial=0.0)),
            float(np.abs(m.mu * G).max(initial=0.0)),
        )
        return value if np.isfinite(value) else np.inf

    # ------------------------------------------------------------ multipliers
    def zeros(self) -> Multipliers:
        return Multipliers(np.zeros(self.m_eq), np.zeros(self.m_in))

    def to_dict(self, m: Multipliers) -> dict[str, float]:
        out = {name: float(v) for name, v in zip(self.eq_names, m.lam)}
        out.update({name: float(v) for name, v in zip(self.ineq_names, m.mu)})
        return out

    def from_dict(self, values: Mapping[str, Any]) -> Multipliers:
        lam = np.array([float(values.get(name, 0.0)) for name in self.eq_names], dtype=float)
        mu = np.array([float(values.get(name, 0.0)) for name in self.ineq_names], dtype=float)
        return Multipliers(lam, mu)

    def recover_bound_multipliers(self, x: np.ndarray, lam: np.ndarray, mu_g: np.ndarray) -> Multipliers:
        """Bound multipliers where a backend gives none: from the stationarity residual
        r = ∇f + Jhᵀλ + Jgᵀμ, a lower bound at which x sits gets max(r_i, 0) and an upper
        one max(−r_i, 0); bounds that are not active get 0."""
        r = self.grad(x) + self.h_jac(x).T @ lam + self.g_jac(x).T @ mu_g
        z = np.zeros(len(self.bound_rows))
        for k, (i, sign, b) in enumerate(self.bound_rows):
            if abs(x[i] - b) <= 1e-8 * max(1.0, abs(b)):
                z[k] = max(-sign * r[i], 0.0)
        return Multipliers(np.asarray(lam, float), np.concatenate([np.asarray(mu_g, float), z]))

    def _finite_at(self, x: np.ndarray) -> bool:
        with np.errstate(all="ignore"):
            try:
                values = [self.f(x), *self.h(x), *self.g(x), *self.grad(x)]
            except (ValueError, ZeroDivisionError, OverflowError):
                return False
        return bool(np.all(np.isfinite(values)))

    def start(self, x0: Any) -> np.ndarray:
        """x0 as a float array in variable order, projected onto the bounds. By default the
        first of zeros, ones and halves at which f, g, h and ∇f are finite."""
        if x0 is None:
            for value in (0.0, 1.0, 0.5):
                x = self.clip(np.full(self.n, value))
                if self._finite_at(x):
                    return x
            return self.clip(np.zeros(self.n))
        if isinstance(x0, Mapping):
            by_name = {v.name: i for i, v in enumerate(self.problem.variables)}
            x = np.zeros(self.n)
            for key, value in x0.items():
                name = key if isinstance(key, str) else getattr(key, "name", None)
                if name not in by_name:
                    raise ValueError(f"x0 has {key!r}, which is not a variable of the problem")
                x[by_name[name]] = float(value)
        else:
            x = np.array(x0, dtype=float).reshape(-1)
            if x.size != self.n:
                raise ValueError(f"x0 must have {self.n} entries (one per variable), got {x.size}")
        if not np.all(np.isfinite(x)):
            raise ValueError("x0 must be finite; it contains NaN or inf")
        return self.clip(x)
