"""Evidence of unboundedness: a feasible ray, or a feasible sequence running into a face, along
which the objective falls without bound.

A local method reports the first KKT point it reaches, and a KKT point says nothing about the
rest of the feasible set: ``maximize x**3 - 3*x s.t. x >= -2`` has one at x = −1 and no
maximum. :func:`feasible_ray` walks out from a point along a set of directions (the coordinate
axes both ways, fixed pseudo-random directions, any direction the caller has seen the iterates
take and, in the thorough probe, the tangent directions of the active inequalities), moved into
the null space of affine equalities, and evaluates the problem at seven distances, a decade
apart, at once. A direction on which every point is feasible and f falls at every step, by at
least half as much in the last decade as in the one before, is a ray of unboundedness: f is not
approaching a floor. When no ray is found and the point sits on a face of its box where f is not
finite (``-log(t)`` at t = 0, a Gaussian's σ = 0), the same test runs on points approaching the
face a decade at a time: the iterates that stopped there were a diverging feasible sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from .._linalg import null_space, pinv
from ..numeric_form import NumericForm

__all__ = ["Ray", "feasible_ray", "keeps_falling"]

# distances along a ray in units of max(1, ‖base‖∞); 1.37 keeps the points off round poles (1/x at 0)
_STEPS = 1.37 * 10.0 ** np.arange(7)
# distances to a face, in units of min(1, half the box's width): 1.37 down to 1.37e-12
_APPROACH = 1.37 * 10.0 ** -np.arange(13)
_RANDOM_DIRECTIONS = 8  # each used both ways
_THOROUGH_DIRECTIONS = 64  # the thorough probe's random directions on the sphere, each both ways
_FEASIBLE = 1e-6  # violation allowed along a ray, plus rounding proportional to the distance
_ON_FACE = 1e-6  # a coordinate this close to a bound, relative to max(1, |bound|), is on the face
_ACTIVE = 1e-8  # an inequality with g > −_ACTIVE·max(1, ‖∇g‖) is active for the tangent directions
_MIN_FINITE = 3  # points of strict fall a ray needs before f overflows to −inf
_REFINED = 33  # points of a walk again up to its first overflow (see _refined)
# distances of the walk past an answer, in units of max(1, ‖x‖∞): a millionth of x out to 100 x
_PAST = 1.37 * 10.0 ** np.arange(-6, 3)
_FIRST_FALL = 1e3 * np.finfo(float).eps  # the first step's fall, relative to |f|, beats rounding


@dataclass(frozen=True)
class Ray:
    """Feasible points ``base + t·direction`` on which the minimize-form objective falls.

    Either a ray to infinity (``steps`` grow) or a sequence approaching ``base``, a point of a
    face of the box where the objective is not finite (``steps`` shrink toward 0).

    Attributes
    ----------
    base : numpy.ndarray
        Where the ray starts (a feasible point), or the point on a face that the sequence
        approaches.
    direction : numpy.ndarray
        Unit direction in the infinity norm.
    steps : numpy.ndarray
        The distances t that were evaluated, in the order of the fall.
    values : numpy.ndarray
        The minimize-form objective at ``base + t·direction`` for each t (strictly falling; a
        ray's last values may be −inf where f overflowed).
    """

    base: np.ndarray
    direction: np.ndarray
    steps: np.ndarray
    values: np.ndarray

    @property
    def approaches_base(self) -> bool:
        """True for a sequence running into the face point ``base`` (t → 0), False for a ray (t → ∞)."""
        return bool(self.steps[-1] < self.steps[0])

    def message(self, maximize: bool) -> str:
        """The ray and the objective along it in the user's sense, for a Result's message."""
        sign = -1.0 if maximize else 1.0
        shown = [0, len(self.steps) // 2, len(self.steps) - 1]
        values = ", ".join(f"f = {sign * self.values[i]:.6g} at t = {self.steps[i]:.3g}" for i in shown)
        trend = "rises" if maximize else "falls"
        if self.approaches_base:
            return (
                f"unbounded: the feasible points x + t·d with x = ({_vector(self.base)}) on the boundary "
                f"of the feasible set, where the objective is not finite, and d = "
                f"({_vector(self.direction)}) pointing inside, form a diverging sequence as t → 0: the "
                f"objective {trend} without levelling off ({values})"
            )
        return (
            f"unbounded: from x = ({_vector(self.base)}) along the direction "
            f"d = ({_vector(self.direction)}), every evaluated point x + t·d is feasible and the "
            f"objective {trend} without levelling off ({values})"
        )


def _vector(v: np.ndarray) -> str:
    return ", ".join(f"{float(c):.6g}" for c in v)


@cache
def _random_directions(count: int, n: int) -> np.ndarray:
    table = np.random.default_rng(1).standard_normal((count, n))
    table.setflags(write=False)
    return table


def _active_gradients(form: NumericForm, base: np.ndarray) -> np.ndarray:
    """Rows ∇g_i of the general inequalities active at ``base`` (g_i > −_ACTIVE·max(1, ‖∇g_i‖)),
    shape (k, n); none when they cannot be evaluated there."""
    k = len(form.cp.ineq_names)
    if not k:
        return np.zeros((0, form.n))
    with np.errstate(all="ignore"):
        try:
            point = form.first_order(base)  # kept by the form: the certificate asked at this point
        except (ArithmeticError, TypeError, ValueError):
            return np.zeros((0, form.n))
    g, J = point.g[:k], point.jg[:k]
    size = np.abs(J).max(axis=1, initial=0.0)
    active = np.isfinite(g) & np.all(np.isfinite(J), axis=1) & (g > -_ACTIVE * np.maximum(1.0, size))
    return J[active]


def _tangent_directions(form: NumericForm, base: np.ndarray) -> list[np.ndarray]:
    """Rows: for every general inequality active at ``base``, its inward normal −∇g_i and an
    orthonormal basis of the null space of ∇g_i; and a basis of the null space of all of them."""
    J = _active_gradients(form, base)
    if not len(J):
        return []
    rows = [-J, null_space(J, form.n).T]
    rows += [null_space(J[i : i + 1], form.n).T for i in range(len(J))]
    return rows


def _directions(
    form: NumericForm, base: np.ndarray, toward: np.ndarray | None, thorough: bool
) -> np.ndarray | None:
    """Candidate directions (rows, ‖d‖∞ = 1) that keep affine equalities and two-sided boxes;
    None when the equalities are not affine (a straight line leaves a curved surface)."""
    n = form.n
    lo, hi = form.box
    boxed = np.isfinite(lo) & np.isfinite(hi)
    if boxed.all():
        return np.empty((0, n))  # every direction's components are dropped below
    rows = [_random_directions(_THOROUGH_DIRECTIONS if thorough else _RANDOM_DIRECTIONS, n)]
    if thorough or form.cp.values_many is not None:  # vectorised: the axes are cheap too
        rows.insert(0, np.eye(n))
    if thorough:
        rows += _tangent_directions(form, base)
    if toward is not None and np.isfinite(toward).all():
        rows.insert(0, np.asarray(toward, dtype=float)[None, :])
    D = np.vstack(rows)
    D = np.vstack([D, -D])
    D[:, boxed] = 0.0
    if form.m_eq:
        J = form.affine_equality_jacobian(base)
        if J is None:
            return None
        D = D - (D @ J.T) @ form.affine_equality_pinv(base).T
    size = np.abs(D).max(axis=1, initial=0.0)
    keep = size > 1e-8
    return D[keep] / size[keep, None]


def _evaluate(form: NumericForm, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f, h and g at the rows of ``Z``, all at once; when that raises (a Python callable that
    overflows or is undefined somewhere), point by point, with NaN where a point raises."""
    try:
        return form.evaluate_many(Z)
    except (ArithmeticError, TypeError, ValueError):
        pass
    f = np.full(len(Z), np.nan)
    h = np.full((len(Z), form.m_eq), np.nan)
    g = np.full((len(Z), len(form.cp.ineq_names)), np.nan)
    for r, z in enumerate(Z):
        try:
            fr, hr, gr = form.evaluate_many(z[None, :])
            f[r], h[r], g[r] = np.asarray(fr, float)[0], np.asarray(hr, float)[0], np.asarray(gr, float)[0]
        except (ArithmeticError, TypeError, ValueError):
            continue
    return f, h, g


def _finite_falls(F: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``F``: (m, the number of leading finite values; whether only −inf follows
    them; whether they fall strictly; the falls from each value to the next)."""
    k = F.shape[1]
    finite = np.isfinite(F)
    m = np.where(finite.all(axis=1), k, np.argmin(finite, axis=1))
    position = np.arange(k)
    tail = np.all((position < m[:, None]) | (F == -np.inf), axis=1)
    with np.errstate(invalid="ignore"):
        drops = F[:, :-1] - F[:, 1:]  # drops[:, j] is the fall from point j to j + 1
    falling = np.all((position[:-1] >= (m - 1)[:, None]) | (drops > 0), axis=1)
    return m, tail, falling, drops


def _falls_without_bound(F: np.ndarray) -> np.ndarray:
    """Per row of ``F`` (values in the order of the walk): True when the values are finite,
    strictly falling, fall at least half as much over the last step as over the one before, and
    fall by more than 1e-6·max(1, |first|) in all; or when at least _MIN_FINITE such values are
    followed only by −inf (f overflowed on the way down)."""
    k = F.shape[1]
    m, tail, falling, drops = _finite_falls(F)
    ok = (m == k) | ((m >= _MIN_FINITE) & tail)
    last = np.maximum(m - 2, 0)[:, None]  # the last fall within the finite values, and the one before
    last_drop = np.take_along_axis(drops, last, axis=1)[:, 0]
    before = np.take_along_axis(drops, np.maximum(last - 1, 0), axis=1)[:, 0]
    first, final = F[:, 0], np.take_along_axis(F, np.maximum(m - 1, 0)[:, None], axis=1)[:, 0]
    with np.errstate(invalid="ignore"):
        total = (first - final) > 1e-6 * np.maximum(1.0, np.abs(first))
    return ok & falling & (last_drop >= 0.5 * before) & total


def _feasible_rows(
    form: NumericForm, Z: np.ndarray, h: np.ndarray, g: np.ndarray, slack: np.ndarray
) -> np.ndarray:
    """Per row of ``Z``: violation (|h|, g⁺, bounds) at most 1e-6 plus ``slack``."""
    violation = np.maximum.reduce(
        [
            np.abs(h).max(axis=1, initial=0.0),
            g.max(axis=1, initial=0.0),
            np.maximum(form.cp.lower - Z, Z - form.cp.upper).max(axis=1, initial=0.0),
        ]
    )
    return violation <= _FEASIBLE + slack  # NaN compares False: undefined points are not feasible


def _walk(
    form: NumericForm, starts: np.ndarray, D: np.ndarray, steps: np.ndarray, *, refine: bool = True
) -> Ray | None:
    """Of the walks ``starts[i] + t·D[i]`` over ``steps``, the feasible one on which f falls
    without bound (:func:`_falls_without_bound`) reaching the lowest f, or None.

    A walk on which f falls but overflows to −inf before it has _MIN_FINITE finite points (a
    polynomial of high degree: a product of 900 variables grows 10⁹⁰⁰-fold per decade of t) is
    walked again, with ``refine``, over finer steps up to its first overflowing one
    (:func:`_refined`)."""
    k = len(steps)
    Z = (starts[:, None, :] + steps[None, :, None] * D[:, None, :]).reshape(-1, form.n)
    with np.errstate(all="ignore"):
        f, h, g = _evaluate(form, Z)
        F = np.asarray(f, dtype=float).reshape(-1, k)
        falls = _falls_without_bound(F)
        rays = [] if not refine else [_refined(form, starts[i], D[i], steps, F[i]) for i in _overflowed(F)]
        if falls.any():
            rows = np.repeat(falls, k)
            slack = 1e-12 * np.tile(steps, int(falls.sum()))
            feasible = _feasible_rows(form, Z[rows], h[rows], g[rows], slack)
            falls[falls] = np.all(feasible.reshape(-1, k), axis=1)
    rays += [
        Ray(base=starts[i].copy(), direction=D[i].copy(), steps=steps, values=F[i].copy())
        for i in np.flatnonzero(falls)
    ]
    rays = [ray for ray in rays if ray is not None]
    return min(rays, key=lambda ray: ray.values[-1], default=None)


def _overflowed(F: np.ndarray) -> np.ndarray:
    """The rows of ``F`` whose values fall strictly while finite, then are −inf, with fewer than
    _MIN_FINITE finite ones."""
    m, tail, falling, _ = _finite_falls(F)
    return np.flatnonzero(tail & falling & (m < _MIN_FINITE))


def _refined(
    form: NumericForm, start: np.ndarray, d: np.ndarray, steps: np.ndarray, values: np.ndarray
) -> Ray | None:
    """The walk from ``start`` along ``d`` again, over :data:`_REFINED` points from two steps
    before the first where ``values`` overflowed (a hundredth of the first step when there are
    fewer) to that one, from the first where f is not zero (values that underflowed are)."""
    m = int(np.argmin(np.isfinite(values)))
    low = steps[m - 2] if m >= 2 else steps[0] / 100
    fine = np.geomspace(low, steps[m], _REFINED)
    with np.errstate(all="ignore"):
        f = np.asarray(_evaluate(form, start[None, :] + fine[:, None] * d[None, :])[0], dtype=float)
    moved = np.flatnonzero(f != 0)
    if not moved.size:
        return None
    return _walk(form, start[None, :], d[None, :], fine[moved[0] :], refine=False)


def _toward_faces(form: NumericForm, base: np.ndarray) -> Ray | None:
    """A feasible sequence from inside the box into a face point near ``base`` where f is not
    finite, along which f falls without bound; or None.

    The coordinates of ``base`` within 1e-6·max(1, |b|) of a finite bound b (of the box of
    :attr:`NumericForm.box`) are set onto it, giving the face point p; if f at p is not finite
    (or cannot be evaluated), each such coordinate alone, and all of them together, give a
    direction d pointing inside, and p + t·d is evaluated at t = 1.37·10^−k·w, k = 0..12, with
    w = min(1, half the box's width along d)."""
    lo, hi = form.box
    on_lo = np.isfinite(lo) & (np.abs(base - lo) <= _ON_FACE * np.maximum(1.0, np.abs(lo)))
    on_hi = np.isfinite(hi) & (np.abs(base - hi) <= _ON_FACE * np.maximum(1.0, np.abs(hi))) & ~on_lo
    faces = np.flatnonzero(on_lo | on_hi)
    if not faces.size:
        return None
    p = np.where(on_lo, lo, np.where(on_hi, hi, base))
    with np.errstate(all="ignore"):
        try:
            f_p = float(form.f(p))  # one point: the scalar path costs a tenth of a vectorised call
        except (ArithmeticError, TypeError, ValueError):
            f_p = np.nan
    if np.isfinite(f_p):
        return None  # f is defined on the face: running into it is no divergence
    inward = np.where(on_lo, 1.0, -1.0)
    D = np.zeros((faces.size, form.n))
    D[np.arange(faces.size), faces] = inward[faces]
    if faces.size > 1:
        D = np.vstack([D, np.where(on_lo | on_hi, inward, 0.0)])
    half = np.where(np.isfinite(hi - lo), 0.5 * (hi - lo), np.inf)
    width = float(min(1.0, half[faces].min()))
    if not width > 0:
        return None
    return _walk(form, np.repeat(p[None, :], len(D), axis=0), D, _APPROACH * width)


def feasible_ray(
    form: NumericForm, base: np.ndarray, *, toward: np.ndarray | None = None, thorough: bool = False
) -> Ray | None:
    """A ray from the feasible point ``base`` along which the problem stays feasible and the
    minimize-form objective falls without levelling off, or a feasible sequence into a face of
    the box next to ``base`` along which it does; or None.

    Directions: ``toward`` (for example where diverging iterates went) if given, the
    coordinate axes (when f, h and g are vectorised, or ``thorough``), and 8 fixed
    pseudo-random directions (64 when ``thorough``, which also adds, for every general
    inequality active at ``base``, its inward normal and the null space of its gradient), each
    both ways; components along variables boxed on both sides are dropped, and with equalities
    the directions are projected onto the null space of their Jacobian (only when the
    equalities are affine; otherwise there is no straight feasible ray to find). Each is
    evaluated at t = 1.37·10^k·max(1, ‖base‖∞), k = 0..6. A direction is accepted when every
    point has violation at most 1e-6 + 1e-12·t, f is finite and strictly falls from each t to
    the next, the fall over the last decade is at least half the fall over the one before (a
    bounded monotone f levels off), and the total fall exceeds 1e-6·max(1, |f|); or when at
    least three such points are followed only by points where f overflowed to −inf (a walk
    that overflows before three is walked again with finer steps, :func:`_refined`). Of the
    accepted directions the one reaching the lowest f is returned.

    When no ray is accepted and ``base`` is on a face of the box where f is not finite, the
    points approaching that face a decade at a time get the same test
    (:func:`_toward_faces`): a Ray whose ``steps`` shrink.
    """
    base = np.asarray(base, dtype=float)
    if not np.isfinite(base).all() or form.n == 0:
        return None
    D = _directions(form, base, toward, thorough)
    ray = None
    if D is not None and len(D):
        steps = _STEPS * max(1.0, float(np.abs(base).max(initial=0.0)))
        ray = _walk(form, np.repeat(base[None, :], len(D), axis=0), D, steps)
    return ray if ray is not None else _toward_faces(form, base)


def _descent_direction(form: NumericForm, x: np.ndarray) -> np.ndarray | None:
    """−∇f at x with the components that would leave an active bound dropped, projected onto
    the null space of the active inequality gradients and of the (affine) equalities; scaled
    to ‖d‖∞ = 1. None when that leaves nothing, or the equalities are not affine."""
    with np.errstate(all="ignore"):
        try:
            d = -form.first_order(x).grad
        except (ArithmeticError, TypeError, ValueError):
            return None
    if not np.isfinite(d).all():
        return None
    lo, hi = form.cp.lower, form.cp.upper
    scale = np.maximum(1.0, np.abs(x))
    d[((x - lo) <= _ON_FACE * scale) & (d < 0)] = 0.0
    d[((hi - x) <= _ON_FACE * scale) & (d > 0)] = 0.0
    rows = [_active_gradients(form, x)]
    if form.m_eq:
        J = form.affine_equality_jacobian(x)
        if J is None:
            return None
        rows.append(J)
    if rows:
        A = np.vstack(rows)
        d = d - A.T @ (pinv(A.T) @ d)
    size = float(np.abs(d).max(initial=0.0))
    return d / size if size > 0 else None


def _falls_past_rounding(f: np.ndarray, drops: np.ndarray) -> bool:
    """Whether walk values whose first steps are lost in rounding still show a fall: the last
    three steps fall, the whole walk falls by a thousand times rounding (1e3·eps·|f|), and no
    step rises by more than a thousandth of that fall. √(x² + 1) + x far out is computed with
    cancellation, so its first steps change f by ±rounding of its terms; a minimizer's f
    rises with its curvature instead, by more than it fell."""
    fall = f[0] - f[-1]
    return bool(
        np.all(drops[-3:] > 0)
        and fall > 1e3 * _FIRST_FALL * abs(f[0])
        and np.all(drops >= -1e-3 * fall)
    )


def keeps_falling(form: NumericForm, x: np.ndarray) -> Ray | None:
    """Evidence that the feasible point x is not a minimizer although its KKT residuals are
    small: f strictly falls at every one of the points x + t·d, with d the feasible descent
    direction (:func:`_descent_direction`) and t from 1.37e-6 to 137 times max(1, ‖x‖∞), the
    first fall exceeding rounding (1e3·eps·|f(x)|), and every point feasible; or, where
    rounding hides the first falls, f falls over the walk and at its end, never rising by more
    than a thousandth of its fall (:func:`_falls_past_rounding`). This is
    the shape of ``atan`` far out, where ∇f is below any tolerance and the supremum is
    approached but never attained. A minimizer whose residuals are small, but not zero, fails
    the test: its curvature turns f up within the first decades. Returns the walk as a Ray
    (steps growing), or None."""
    lo, hi = form.box
    far = _PAST[-1] * max(1.0, float(np.abs(x).max(initial=0.0)))
    if np.all(np.isfinite(lo) & np.isfinite(hi)) and float(np.max(hi - lo)) < far:
        return None  # the walk's last step (‖d‖∞ = 1) leaves a box this small: it cannot pass
    d = _descent_direction(form, x)
    if d is None:
        return None
    steps = _PAST * max(1.0, float(np.abs(x).max(initial=0.0)))
    with np.errstate(all="ignore"):
        try:  # the far end alone first: a minimizer's curvature makes f higher there, so no walk
            if not form.f(x + steps[-1] * d) < form.f(x):
                return None
        except (ArithmeticError, TypeError, ValueError):
            return None
    Z = np.vstack([x[None, :], x[None, :] + steps[:, None] * d[None, :]])
    with np.errstate(all="ignore"):
        f, h, g = _evaluate(form, Z)
        f = np.asarray(f, dtype=float)
        if not np.isfinite(f).all():
            return None
        drops = f[:-1] - f[1:]
        strict = np.all(drops > 0) and drops[0] > _FIRST_FALL * abs(f[0])
        if not (strict or _falls_past_rounding(f, drops)):
            return None
        if not np.all(_feasible_rows(form, Z, np.asarray(h), np.asarray(g), 1e-12 * np.r_[0.0, steps])):
            return None
    return Ray(base=np.asarray(x, dtype=float).copy(), direction=d, steps=steps, values=f[1:].copy())
