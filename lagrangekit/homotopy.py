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
from scipy import sparse

__all__ = ["Endpoints", "PolynomialSystem", "bezout_number", "polish", "track_total_degree"]

_CHECKPOINTS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)  # values of 1 − t at which endpoints are recorded
_FIRST_STEP = 0.05  # steps are in τ = −log(1 − t)
_MAX_STEP = 2.0
_MIN_STEP = 1e-12
_MAX_ITERATIONS = 20000  # batched steps, a guard against a path that never settles
_NEWTON_STEPS = 2
_CORRECTOR_TOL = 1e-6  # relative size of the last Newton update of an accepted step
_JUMP_GUARD = 1e-2  # a first Newton update larger than this (relative) means the step was too long
_POLISH_STEPS = 6
_NONSINGULAR = 1e-11  # relative size of the last polishing update at a nonsingular end


@dataclass(frozen=True)
class PolynomialSystem:
    """Polynomials homogenized and compiled to arrays for batched evaluation.

    The monomials of the homogenized polynomials and of their partial derivatives (x_0 first),
    with every divisor needed to reach them, are numbered with 1 first; monomial k is monomial
    ``parents[k]`` times the variable ``variables[k]``, and ``levels`` lists the monomials of each
    total degree 1, 2, … (each computed from the level below in one vectorized product).
    ``values`` and ``jacobian`` map the monomials' values to the polynomials' values and to
    their Jacobian (row-major, n × (n+1)).
    """

    degrees: np.ndarray
    parents: np.ndarray
    variables: np.ndarray
    levels: tuple[np.ndarray, ...]
    values: sparse.csr_matrix
    jacobian: sparse.csr_matrix

    @classmethod
    def compile(cls, terms: Sequence[Sequence[tuple[tuple[int, ...], complex]]]) -> PolynomialSystem:
        """From each polynomial's terms ``(exponent tuple, coefficient)``."""
        n = len(terms)
        degrees = np.array([max(sum(e) for e, _ in poly) for poly in terms], dtype=int)
        index: dict[tuple[int, ...], int] = {(0,) * (n + 1): 0}
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
        parents, variables, levels = _monomial_tree(index)
        shape = len(index)
        return cls(
            degrees,
            parents,
            variables,
            levels,
            _sparse(value_entries, (n, shape)),
            _sparse(jac_entries, (n * (n + 1), shape)),
        )

    def evaluate(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values (P, n) and Jacobians (P, n, n+1) of the homogenized system at the rows of X."""
        n = len(self.degrees)
        columns = X.T
        monomials = np.empty((len(self.parents), X.shape[0]), dtype=complex)
        monomials[0] = 1
        for rows in self.levels:
            monomials[rows] = monomials[self.parents[rows]] * columns[self.variables[rows]]
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
        return X / (X * self.patch).sum(axis=1)[:, None]

    def residual(self, X: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H(X, t) with the patch row, ∂H/∂X (square) and ∂H/∂t, for each row of X."""
        paths, n, d = X.shape[0], self.n, self.system.degrees
        f, fj = self.system.evaluate(X)
        # the start system x_i^d_i − x_0^d_i, from x^(d_i − 1)
        below = np.take_along_axis(_powers(X[:, 1:], int(d.max()) - 1), (d - 1)[None, None, :], 0)[0]
        below0 = _powers(X[:, 0], int(d.max()) - 1)[d - 1].T
        g = below * X[:, 1:] - below0 * X[:, :1]
        weight = ((1 - t) * self.gamma)[:, None]
        h = np.empty((paths, n + 1), dtype=complex)
        h[:, :n] = weight * g + t[:, None] * f
        h[:, n] = (X * self.patch).sum(axis=1) - 1  # not X @ patch: BLAS threads cost ms here
        hx = np.empty((paths, n + 1, n + 1), dtype=complex)
        hx[:, :n] = t[:, None, None] * fj
        hx[:, :n, 0] -= weight * d * below0
        rows = np.arange(n)
        hx[:, rows, rows + 1] += weight * d * below
        hx[:, n] = self.patch
        ht = np.zeros((paths, n + 1), dtype=complex)
        ht[:, :n] = f - self.gamma * g
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


def _monomial_tree(
    index: dict[tuple[int, ...], int],
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Adds to ``index`` every divisor of its monomials, and returns each monomial's parent
    (itself divided by one variable), that variable, and the monomials of each degree >= 1."""
    pending = list(index)
    while pending:
        exps = pending.pop()
        j = next((j for j, e in enumerate(exps) if e), None)
        if j is None:
            continue
        lower = exps[:j] + (exps[j] - 1,) + exps[j + 1 :]
        if lower not in index:
            index[lower] = len(index)
            pending.append(lower)
    parents = np.zeros(len(index), dtype=int)
    variables = np.zeros(len(index), dtype=int)
    by_degree: dict[int, list[int]] = {}
    for exps, k in index.items():
        j = next((j for j, e in enumerate(exps) if e), None)
        if j is None:
            continue
        parents[k] = index[exps[:j] + (exps[j] - 1,) + exps[j + 1 :]]
        variables[k] = j
        by_degree.setdefault(sum(exps), []).append(k)
    levels = tuple(np.array(by_degree[d]) for d in sorted(by_degree))
    return parents, variables, levels


def _sparse(entries: list[tuple[int, int, complex]], shape: tuple[int, int]) -> sparse.csr_matrix:
    rows, cols, data = zip(*entries)
    return sparse.csr_matrix((np.array(data, dtype=complex), (rows, cols)), shape=shape)


def _powers(X: np.ndarray, degree: int) -> np.ndarray:
    """X**k for k = 0, …, degree, by repeated products (complex ** is much slower): (degree+1, *X.shape)."""
    out = np.empty((degree + 1, *X.shape), dtype=complex)
    out[0] = 1
    for k in range(1, degree + 1):
        out[k] = out[k - 1] * X
    return out


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
    """Track every path of the total-degree homotopy of ``system`` from t = 0 to t = 1 − 1e-10.

    Steps are chosen in τ = −log(1 − t), so near t = 1 they shrink with 1 − t in proportion:
    a path to a singular end moves like a fractional power of 1 − t, smooth in τ."""
    homotopy = _Homotopy(system, np.random.default_rng(seed))
    X = homotopy.start()
    paths = X.shape[0]
    tau = np.zeros(paths)
    step = np.full(paths, _FIRST_STEP)
    streak = np.zeros(paths, dtype=int)
    failed = np.zeros(paths, dtype=bool)
    x0_ratio = np.full((paths, len(_CHECKPOINTS)), np.nan)
    stops = -np.log(_CHECKPOINTS)
    next_stop = np.zeros(paths, dtype=int)
    with np.errstate(all="ignore"):
        for _ in range(_MAX_ITERATIONS):
            live = np.flatnonzero(~failed & (next_stop < len(stops)))
            if live.size == 0:
                break
            target = stops[next_stop[live]]
            dtau = np.minimum(step[live], target - tau[live])
            t = -np.expm1(-tau[live])
            h = np.exp(-tau[live]) * -np.expm1(-dtau)
            corrected, ok = homotopy.correct(_rk4(homotopy, X[live], t, h), t + h)
            good, bad = live[ok], live[~ok]
            X[good] = corrected[ok]
            tau[good] = np.where(dtau[ok] >= target[ok] - tau[good], target[ok], tau[good] + dtau[ok])
            streak[good] += 1
            grow = good[streak[good] >= 2]
            step[grow], streak[grow] = np.minimum(2 * step[grow], _MAX_STEP), 0
            step[bad], streak[bad] = step[bad] / 2, 0
            failed[bad[step[bad] < _MIN_STEP]] = True
            reached = good[tau[good] >= stops[next_stop[good]]]
            x0_ratio[reached, next_stop[reached]] = np.abs(X[reached, 0]) / np.linalg.norm(X[reached], axis=1)
            next_stop[reached] += 1
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
