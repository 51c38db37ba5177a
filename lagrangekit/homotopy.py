"""Isolated complex solutions of square polynomial systems by total-degree homotopy continuation.

For n polynomials F = (F_1, …, F_n) in n unknowns, with degrees d_i, the homotopy

    H(x, t) = (1 − t)·γ·G(x) + t·F(x),   G_i(x) = x_i^(d_i) − 1,

joins the ∏ d_i known solutions of G (products of roots of unity) at t = 0 to the solutions of
F at t = 1. For all but finitely many complex γ (drawn at random: the "gamma trick") no path
meets a singular point for t < 1, and every isolated solution of F is the end of at least one
path (Bézout's theorem with the homotopy's regularity; Sommese & Wampler, *The Numerical Solution
of Systems of Polynomials*, 2005, ch. 8). The paths are tracked in projective coordinates
X = (x_0, x) on a random affine patch a·X = 1, so paths whose solution escapes to infinity stay
bounded and end where x_0 = 0. All paths are tracked together in numpy: a fourth-order
Runge–Kutta predictor and a Newton corrector, with a step size per path that doubles after
three accepted steps and halves after a rejected one.

The result is numerical (double precision) and says nothing is proven:
:mod:`lagrangekit.krawczyk` certifies each root and :mod:`lagrangekit.homotopy_solve` is the
solver that returns only certified ones. That all solutions are found holds with probability
one over γ; it is not proven.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Endpoints", "PolynomialSystem", "bezout_number", "polish", "track_total_degree"]

_CHECKPOINTS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)  # values of 1 − t at which endpoints are recorded
_MAX_STEP = 0.05
_MIN_STEP = 1e-12  # relative to 1 − t
_MAX_ITERATIONS = 20000  # batched steps, a guard against a path that never settles
_NEWTON_STEPS = 3
_CORRECTOR_TOL = 1e-9  # relative size of the last Newton update of an accepted step
_JUMP_GUARD = 1e-2  # a first Newton update larger than this (relative) means the step was too long
_POLISH_STEPS = 6
_NONSINGULAR = 1e-11  # relative size of the last polishing update at a nonsingular end


@dataclass(frozen=True)
class PolynomialSystem:
    """Polynomials homogenized and compiled to arrays for batched evaluation.

    ``exponents`` holds every monomial of the homogenized polynomials and of their partial
    derivatives (one row per monomial, column 0 for x_0); ``values`` and ``jacobian`` map
    the monomials' values to the polynomials' values and to their Jacobian (row-major, n × (n+1)).
    """

    degrees: np.ndarray
    exponents: np.ndarray
    values: np.ndarray
    jacobian: np.ndarray

    @classmethod
    def compile(cls, terms: Sequence[Sequence[tuple[tuple[int, ...], complex]]]) -> PolynomialSystem:
        """From each polynomial's terms ``(exponent tuple, coefficient)``."""
        n = len(terms)
        degrees = np.array([max(sum(e) for e, _ in poly) for poly in terms], dtype=int)
        index: dict[tuple[int, ...], int] = {}
        value_entries: list[tuple[int, int, complex]] = []
        jac_entries: list[tuple[int, int, complex]] = []
        for i, poly in enumerate(terms):
            for exps, coeff in poly:
                full = (int(degrees[i]) - sum(exps), *exps)
                value_entries.append((i, index.setdefault(full, len(index)), coeff))
                for j, e in enumerate(full):
                    if e:
                        lower = full[:j] + (e - 1,) + full[j + 1 :]
                        jac_entries.append((i * (n + 1) + j, index.setdefault(lower, len(index)), e * coeff))
        exponents = np.array(list(index), dtype=int).reshape(len(index), n + 1)
        values = np.zeros((n, len(index)), dtype=complex)
        jacobian = np.zeros((n * (n + 1), len(index)), dtype=complex)
        for row, col, c in value_entries:
            values[row, col] += c
        for row, col, c in jac_entries:
            jacobian[row, col] += c
        return cls(degrees, exponents, values, jacobian)

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values (P, n) and Jacobians (P, n, n+1) of the homogenized system at the rows of X."""
        n = len(self.degrees)
        powers = X[None, :, :] ** np.arange(int(self.exponents.max()) + 1)[:, None, None]
        monomials = np.ones((len(self.exponents), X.shape[0]), dtype=complex)
        for j in range(n + 1):
            monomials *= powers[self.exponents[:, j], :, j]
        values = (self.values @ monomials).T
        jacobian = (self.jacobian @ monomials).T.reshape(X.shape[0], n, n + 1)
        return values, jacobian


@dataclass(frozen=True)
class Endpoints:
    """Where the paths end: projective points (P, n+1) at t = 1 − 1e-10 (NaN rows for paths that
    failed), and each path's |x_0|/‖X‖ at the checkpoints 1 − t = 1e-2, 1e-4, …, 1e-10."""

    points: np.ndarray
    x0_ratio: np.ndarray
    failed: np.ndarray


class _Homotopy:
    def __init__(self, system: PolynomialSystem, rng: np.random.Generator) -> None:
        self.system = system
        n = len(system.degrees)
        self.gamma = np.exp(2j * np.pi * rng.random())
        self.patch = rng.normal(size=n + 1) + 1j * rng.normal(size=n + 1)
        self.n = n

    def start(self) -> np.ndarray:
        """The ∏ d_i solutions of G, on the patch."""
        roots = [np.exp(2j * np.pi * np.arange(d) / d) for d in self.system.degrees]
        grid = np.array(np.meshgrid(*roots, indexing="ij")).reshape(self.n, -1).T
        X = np.hstack([np.ones((grid.shape[0], 1)), grid])
        return X / (X @ self.patch)[:, None]

    def _start_system(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = self.system.degrees
        x0, x = X[:, :1], X[:, 1:]
        values = x**d - x0**d
        jac = np.zeros((X.shape[0], self.n, self.n + 1), dtype=complex)
        jac[:, :, 0] = -d * x0 ** (d - 1)
        rows = np.arange(self.n)
        jac[:, rows, rows + 1] = d * x ** (d - 1)
        return values, jac

    def residual(self, X: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H(X, t) with the patch row, ∂H/∂X (square) and ∂H/∂t, for each row of X."""
        f, fj = self.system.evaluate(X)
        g, gj = self._start_system(X)
        s = (1 - t)[:, None]
        h = np.hstack([s * self.gamma * g + t[:, None] * f, (X @ self.patch - 1)[:, None]])
        hx = s[:, :, None] * self.gamma * gj + t[:, None, None] * fj
        hx = np.concatenate([hx, np.broadcast_to(self.patch, (X.shape[0], 1, self.n + 1))], axis=1)
        ht = np.hstack([f - self.gamma * g, np.zeros((X.shape[0], 1))])
        return h, hx, ht

    def tangent(self, X: np.ndarray, t: np.ndarray) -> np.ndarray:
        _, hx, ht = self.residual(X, t)
        return -_solve(hx, ht)

    def correct(self, X: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Newton's corrector at fixed t: the corrected points and whether each converged."""
        scale = np.linalg.norm(X, axis=1)
        ok = np.ones(X.shape[0], dtype=bool)
        for k in range(_NEWTON_STEPS):
            h, hx, _ = self.residual(X, t)
            delta = _solve(hx, h)
            size = np.linalg.norm(delta, axis=1) / scale
            if k == 0:
                ok &= size < _JUMP_GUARD
            X = X - delta
        ok &= size < _CORRECTOR_TOL
        return X, ok & np.isfinite(X).all(axis=1)


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched a⁻¹b; rows with a singular matrix give NaN."""
    with np.errstate(all="ignore"):
        try:
            return np.linalg.solve(a, b[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            out = np.full(b.shape, np.nan, dtype=complex)
            for k in range(a.shape[0]):
                try:
                    out[k] = np.linalg.solve(a[k], b[k])
                except np.linalg.LinAlgError:
                    pass
            return out


def track_total_degree(system: PolynomialSystem, *, seed: int = 0) -> Endpoints:
    """Track every path of the total-degree homotopy of ``system`` from t = 0 to t = 1 − 1e-10."""
    homotopy = _Homotopy(system, np.random.default_rng(seed))
    X = homotopy.start()
    paths = X.shape[0]
    t = np.zeros(paths)
    step = np.full(paths, 0.01)
    streak = np.zeros(paths, dtype=int)
    failed = np.zeros(paths, dtype=bool)
    x0_ratio = np.full((paths, len(_CHECKPOINTS)), np.nan)
    stops = 1 - np.array(_CHECKPOINTS)
    next_stop = np.zeros(paths, dtype=int)
    with np.errstate(all="ignore"):
        for _ in range(_MAX_ITERATIONS):
            live = np.flatnonzero(~failed & (next_stop < len(stops)))
            if live.size == 0:
                break
            x, tl, target = X[live], t[live], stops[next_stop[live]]
            h = np.minimum(step[live], target - tl)
            predicted = _rk4(homotopy, x, tl, h)
            corrected, ok = homotopy.correct(predicted, tl + h)
            good, bad = live[ok], live[~ok]
            X[good], t[good] = corrected[ok], np.where(h[ok] >= target[ok] - tl[ok], target[ok], tl[ok] + h[ok])
            streak[good] += 1
            grow = good[streak[good] >= 3]
            step[grow], streak[grow] = np.minimum(2 * step[grow], _MAX_STEP), 0
            step[bad], streak[bad] = step[bad] / 2, 0
            failed[bad[step[bad] < _MIN_STEP * (1 - t[bad])]] = True
            reached = good[t[good] >= stops[next_stop[good]]]
            x0_ratio[reached, next_stop[reached]] = np.abs(X[reached, 0]) / np.linalg.norm(X[reached], axis=1)
            next_stop[reached] += 1
            step[reached] = np.minimum(step[reached], (1 - t[reached]) / 4)
        failed |= next_stop < len(stops)
    points = np.where(failed[:, None], np.nan, X)
    return Endpoints(points=points, x0_ratio=x0_ratio, failed=failed)


def polish(system: PolynomialSystem, points: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on F = 0 (homogenized, with the patch of the homotopy built from ``seed``)
    from each end of :func:`track_total_degree`: the points, and whether each settled on a
    nonsingular point (the last of six updates below 1e-11 relative). At a singular end the
    updates shrink only linearly, so they stay above that."""
    homotopy = _Homotopy(system, np.random.default_rng(seed))
    X, t = points.copy(), np.ones(points.shape[0])
    size = np.full(points.shape[0], np.inf)
    with np.errstate(all="ignore"):
        for _ in range(_POLISH_STEPS):
            h, hx, _ = homotopy.residual(X, t)
            delta = _solve(hx, h)
            size = np.linalg.norm(delta, axis=1) / np.linalg.norm(X, axis=1)
            X = np.where(np.isfinite(delta).all(axis=1)[:, None], X - delta, X)
    return X, np.isfinite(size) & (size < _NONSINGULAR)


def _rk4(homotopy: _Homotopy, X: np.ndarray, t: np.ndarray, h: np.ndarray) -> np.ndarray:
    hh = h[:, None]
    k1 = homotopy.tangent(X, t)
    k2 = homotopy.tangent(X + hh / 2 * k1, t + h / 2)
    k3 = homotopy.tangent(X + hh / 2 * k2, t + h / 2)
    k4 = homotopy.tangent(X + hh * k3, t + h)
    return X + hh / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def bezout_number(degrees: Sequence[int]) -> int:
    """∏ d_i, the number of paths."""
    return math.prod(int(d) for d in degrees)
