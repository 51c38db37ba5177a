"""Evidence of unboundedness: a feasible ray along which the objective falls without bound.

A local method reports the first KKT point it reaches, and a KKT point says nothing about the
rest of the feasible set: ``maximize x**3 - 3*x s.t. x >= -2`` has one at x = −1 and no
maximum. :func:`feasible_ray` walks out from a point along a fixed set of directions (the
coordinate axes both ways, fixed pseudo-random directions, and any direction the caller has
seen the iterates take), moved into the null space of affine equalities, and evaluates the
problem at seven distances, a decade apart, at once. A direction on which every point is
feasible and f falls at every step, by at least half as much in the last decade as in the
one before, is a ray of unboundedness: f is not approaching a floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ..numeric_form import NumericForm

__all__ = ["Ray", "feasible_ray"]

# distances along a ray in units of max(1, ‖base‖∞); 1.37 keeps the points off round poles (1/x at 0)
_STEPS = 1.37 * 10.0 ** np.arange(7)
_RANDOM_DIRECTIONS = 8  # each used both ways
_FEASIBLE = 1e-6  # violation allowed along a ray, plus rounding proportional to the distance


@dataclass(frozen=True)
class Ray:
    """A feasible ray ``base + t·direction`` on which the minimize-form objective falls.

    Attributes
    ----------
    base : numpy.ndarray
        Where the ray starts (a feasible point).
    direction : numpy.ndarray
        Unit direction in the infinity norm.
    steps : numpy.ndarray
        The distances t that were evaluated.
    values : numpy.ndarray
        The minimize-form objective at ``base + t·direction`` for each t (strictly falling).
    """

    base: np.ndarray
    direction: np.ndarray
    steps: np.ndarray
    values: np.ndarray

    def message(self, maximize: bool) -> str:
        """The ray and the objective along it in the user's sense, for a Result's message."""
        sign = -1.0 if maximize else 1.0
        shown = [0, len(self.steps) // 2, len(self.steps) - 1]
        values = ", ".join(f"f = {sign * self.values[i]:.6g} at t = {self.steps[i]:.3g}" for i in shown)
        trend = "rises" if maximize else "falls"
        return (
            f"unbounded: from x = ({_vector(self.base)}) along the direction "
            f"d = ({_vector(self.direction)}), every evaluated point x + t·d is feasible and the "
            f"objective {trend} without levelling off ({values})"
        )


def _vector(v: np.ndarray) -> str:
    return ", ".join(f"{float(c):.6g}" for c in v)


@cache
def _random_directions(n: int) -> np.ndarray:
    table = np.random.default_rng(1).standard_normal((_RANDOM_DIRECTIONS, n))
    table.setflags(write=False)
    return table


def _directions(form: NumericForm, base: np.ndarray, toward: np.ndarray | None) -> np.ndarray | None:
    """Candidate directions (rows, ‖d‖∞ = 1) that keep affine equalities and two-sided boxes;
    None when the equalities are not affine (a straight line leaves a curved surface)."""
    n = form.n
    rows = [_random_directions(n)]
    if form.cp.values_many is not None:  # vectorised: the axes are cheap too
        rows.insert(0, np.eye(n))
    if toward is not None and np.all(np.isfinite(toward)):
        rows.insert(0, np.asarray(toward, dtype=float)[None, :])
    D = np.vstack(rows)
    D = np.vstack([D, -D])
    lo, hi = form.box
    D[:, np.isfinite(lo) & np.isfinite(hi)] = 0.0
    if form.m_eq:
        J = form.affine_equality_jacobian(base)
        if J is None:
            return None
        D = D - (D @ J.T) @ np.linalg.pinv(J).T
    size = np.abs(D).max(axis=1, initial=0.0)
    keep = size > 1e-8
    return D[keep] / size[keep, None]


def feasible_ray(form: NumericForm, base: np.ndarray, *, toward: np.ndarray | None = None) -> Ray | None:
    """A ray from the feasible point ``base`` along which the problem stays feasible and the
    minimize-form objective falls without levelling off, or None.

    Directions: ``toward`` (for example where diverging iterates went) if given, the
    coordinate axes (when f, h and g are vectorised), and 8 fixed pseudo-random directions,
    each both ways; components along variables boxed on both sides are dropped, and with
    equalities the directions are projected onto the null space of their Jacobian (only when
    the equalities are affine; otherwise there is no straight feasible ray to find). Each is
    evaluated at t = 1.37·10^k·max(1, ‖base‖∞), k = 0..6. A direction is accepted when every
    point has violation at most 1e-6 + 1e-12·t, f is finite and strictly falls from each t to
    the next, the fall over the last decade is at least half the fall over the one before (a
    bounded monotone f levels off), and the total fall exceeds 1e-6·max(1, |f|). Of the
    accepted directions the one reaching the lowest f is returned.
    """
    base = np.asarray(base, dtype=float)
    if not np.all(np.isfinite(base)) or form.n == 0:
        return None
    D = _directions(form, base, toward)
    if D is None or not len(D):
        return None
    steps = _STEPS * max(1.0, float(np.abs(base).max(initial=0.0)))
    k = len(steps)
    Z = (base[None, None, :] + steps[None, :, None] * D[:, None, :]).reshape(-1, form.n)
    with np.errstate(all="ignore"):
        try:
            f, h, g = form.evaluate_many(Z)
        except (ArithmeticError, TypeError, ValueError):
            return None
        F = np.asarray(f, dtype=float).reshape(-1, k)
        drops = F[:, :-1] - F[:, 1:]  # NaN (and inf − inf) compare False: such rays drop out
        falls = (
            np.all(drops > 0, axis=1)
            & (drops[:, -1] >= 0.5 * drops[:, -2])
            & (F[:, 0] - F[:, -1] > 1e-6 * np.maximum(1.0, np.abs(F[:, 0])))
        )
        if not falls.any():  # the common case: no direction even falls, feasible or not
            return None
        rows = np.repeat(falls, k)
        Zf = Z[rows]
        violation = np.maximum.reduce(
            [
                np.abs(h[rows]).max(axis=1, initial=0.0),
                g[rows].max(axis=1, initial=0.0),
                np.maximum(form.cp.lower - Zf, Zf - form.cp.upper).max(axis=1, initial=0.0),
            ]
        )
        feasible = np.all(
            (violation <= _FEASIBLE + 1e-12 * np.tile(steps, int(falls.sum()))).reshape(-1, k), axis=1
        )
        falls[falls] = feasible
    if not falls.any():
        return None
    best = np.flatnonzero(falls)[np.argmin(F[falls, -1])]
    return Ray(base=base.copy(), direction=D[best].copy(), steps=steps, values=F[best].copy())
