"""Evidence that a local answer is not the best one, for ``method="auto"`` (explore).

A local method stops at the first KKT point it reaches. After it does, "auto" draws a fixed
set of points, evaluates f, h and g at all of them at once, and keeps the feasible ones whose
objective is lower than the local answer's: each is proof that a better basin exists, and a
start for another local solve. Nothing runs when no sample beats the answer, which is the
common case, so the price is one vectorised evaluation. A KKT point where ∇²L has negative
curvature on the tangent space of its active constraints is a saddle, not a minimizer:
:func:`saddle_escape` gives a start past it.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .._linalg import eigh, null_space
from ..numeric_form import Multipliers, NumericForm
from .polish import ACTIVE

__all__ = ["MAX_VARIABLES", "better_starts", "sample", "saddle_escape"]

MAX_VARIABLES = 64  # above this, a thousand samples say nothing about the landscape
_SAMPLES = 256  # points per exploration when f, h and g are vectorised (symbolic problems)
_SAMPLES_ONE_BY_ONE = 64  # when they are Python callables called point by point
_SEED = 0  # the samples are the same on every call: solve() stays deterministic
_ZERO_MULTIPLIER = 1e-8  # an active row (G > −ACTIVE) is weakly active when μ is below this, relative
_CURVATURE = 1e-8  # reduced-Hessian eigenvalues below −_CURVATURE·max(1, ‖∇²L‖) are negative


@cache
def _unit_samples(count: int, n: int) -> np.ndarray:
    """A fixed (count, n) table of uniform [0, 1) numbers: the same samples on every call keep
    solve() deterministic, and drawing them once keeps exploration cheap."""
    table = np.random.default_rng(_SEED).random((count, n))
    table.setflags(write=False)
    return table


def _draw(form: NumericForm, centers: list[np.ndarray], count: int) -> np.ndarray:
    """``count`` uniform points, split evenly between ``centers``, not yet projected onto the
    bounds. A coordinate boxed on both sides (by bounds, or by constraints affine in it alone:
    :attr:`NumericForm.box`) is uniform on its box widened by 1/6 of the
    width at each end, so that after projection it sits exactly at each bound with chance
    1/8 (minimizers sit on bounds often); any other is uniform on c_i ± 2·max(1, |c_i|)."""
    lo, hi = form.box
    boxed = np.isfinite(lo) & np.isfinite(hi)
    centers = np.asarray(centers, dtype=float)
    spread = 2.0 * np.maximum(1.0, np.abs(centers))
    width = np.where(boxed, (4 / 3) * (hi - lo), 2.0 * spread)
    start = np.where(boxed, lo - (hi - lo) / 6, centers - spread)
    per_center = -(-count // len(centers))
    start = np.repeat(start, per_center, axis=0)[:count]
    width = np.repeat(width, per_center, axis=0)[:count]
    return start + width * _unit_samples(count, form.n)


def _faces(form: NumericForm, x: np.ndarray) -> np.ndarray:
    """``x`` with one coordinate boxed on both sides moved to the end of its box where it is not:
    the neighbouring faces of the answer's active bounds."""
    lo, hi = form.box
    boxed = np.flatnonzero(np.isfinite(lo) & np.isfinite(hi))
    columns = np.concatenate([boxed, boxed])
    ends = np.concatenate([lo[boxed], hi[boxed]])
    Z = np.repeat(x[None, :], columns.size, axis=0)
    Z[np.arange(columns.size), columns] = ends
    return Z[x[columns] != ends]


def _onto_equalities(form: NumericForm, X: np.ndarray, anchor: np.ndarray) -> np.ndarray | None:
    """X moved onto h = 0 by one least-squares step, exact when h is affine; None when h is
    not: sampled points then never satisfy h = 0."""
    if not form.m_eq:
        return X
    J = form.affine_equality_jacobian(anchor)
    if J is None:
        return None
    residual = X @ J.T - (J @ anchor - form.h(anchor))
    return X - residual @ form.affine_equality_pinv(anchor).T


def sample(form: NumericForm, centers: list[np.ndarray]) -> np.ndarray:
    """The exploration's fixed sample around ``centers`` (:data:`_SAMPLES` points, fewer when f,
    h and g are Python callables), projected onto :attr:`NumericForm.box`."""
    lo, hi = form.box
    return np.minimum(np.maximum(_draw(form, centers, _count(form)), lo), hi)


def _count(form: NumericForm) -> int:
    return _SAMPLES if form.cp.values_many is not None else _SAMPLES_ONE_BY_ONE


def better_starts(
    form: NumericForm, x_best: np.ndarray, x0: np.ndarray, f_best: float, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sampled points that are feasible within ``tol`` and have f below ``f_best`` by more than
    1e-6·max(1, |f_best|), lowest f first, with their f; shapes (0, n) and (0,) when none.

    The samples are :data:`_SAMPLES` points around ``x0`` and ``x_best`` (fewer for callables),
    moved onto affine equalities and projected onto the bounds, plus the faces of the box
    next to ``x_best``. With nonlinear equalities there are none: random points never satisfy
    them. An expression that cannot be evaluated at some sample makes that sample
    infeasible, never an error.
    """
    none = np.empty((0, form.n)), np.empty(0)
    with np.errstate(all="ignore"):
        X = _onto_equalities(form, _draw(form, [x0, x_best], _count(form)), x_best)
        if X is None:
            return none
        X = np.vstack([np.minimum(np.maximum(X, form.box[0]), form.box[1]), _faces(form, x_best)])
        try:
            f, h, g = form.evaluate_many(X)
        except (ArithmeticError, TypeError, ValueError):
            return none
        violation = np.maximum(np.abs(h).max(axis=1, initial=0.0), g.max(axis=1, initial=0.0))
        margin = 1e-6 * max(1.0, abs(f_best)) if np.isfinite(f_best) else 0.0
        keep = (violation <= tol) & (f < f_best - margin)
    order = np.flatnonzero(keep)[np.argsort(f[keep], kind="stable")]
    return X[order], f[order]


def saddle_escape(
    form: NumericForm, x: np.ndarray, m: Multipliers, *, degenerate_only: bool = False
) -> np.ndarray | None:
    """A start past a KKT point that fails the second-order necessary condition, or None.

    Local methods come to rest at saddles when started on a symmetry plane of f (HS33 from
    x0 = (0, 0, 3), or x² − y² from y = 0), most often at a degenerate active set (an active
    row of G with a zero multiplier); with ``degenerate_only`` (what "auto" asks, whose
    sampling finds the lower neighbours of the other saddles) only there. The direction is
    the eigenvector of the most negative eigenvalue of ∇²L reduced to the tangent space of h
    and the strongly active rows, signed so that it does not cross a weakly active row; the
    start is x plus a tenth of max(1, ‖x‖∞) along it.
    """
    G = form.G(x)
    mu_scale = max(1.0, float(np.abs(m.mu).max(initial=0.0)))
    active = G > -ACTIVE
    weak = active & (m.mu <= _ZERO_MULTIPLIER * mu_scale)
    if degenerate_only and not weak.any():
        return None
    jac = form.G_jac(x)
    Z = null_space(np.vstack([form.h_jac(x).reshape(form.m_eq, form.n), jac[active & ~weak]]), form.n)
    if not Z.shape[1]:
        return None
    H = form.lagrangian_hessian(x, m)
    values, vectors = eigh(Z.T @ H @ Z)
    if not values[0] < -_CURVATURE * max(1.0, float(np.abs(H).max(initial=0.0))):
        return None
    d = Z @ vectors[:, 0]
    for direction in (d, -d):
        if np.all(jac[weak] @ direction <= 1e-12):
            step = 0.1 * max(1.0, float(np.abs(x).max(initial=0.0))) / float(np.abs(direction).max())
            return form.clip(x + step * direction)
    return None
