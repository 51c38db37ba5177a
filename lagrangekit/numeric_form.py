"""The numeric standard form below every solver and check: f, h = 0, and G <= 0 with bounds as rows of G.

One module builds it and one function, :func:`kkt_residuals`, measures how far a point and its
multipliers are from the KKT conditions: :func:`lagrangekit.check_kkt` reports that measure,
and the solvers rank their attempts by its largest entry (:meth:`NumericForm.kkt_error`).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sps

from ._linalg import independent_rows
from .problem import BaseProblem, CompiledProblem

__all__ = [
    "FirstOrder",
    "Multipliers",
    "NumericForm",
    "constraint_scales",
    "kkt_residuals",
    "objective_scale",
    "scaled_residuals",
]

_KEPT_POINTS = 3  # points whose first-order data NumericForm.first_order keeps
_BADLY_SCALED = 1e-4  # an objective whose size and slope stay below this near x0 gets rescaled
_BOXES: weakref.WeakKeyDictionary[BaseProblem, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()
_AFFINE_JACOBIANS: weakref.WeakKeyDictionary[BaseProblem, tuple[np.ndarray, np.ndarray] | None] = (
    weakref.WeakKeyDictionary()
)
_REDUNDANT_EQUALITIES: weakref.WeakKeyDictionary[BaseProblem, np.ndarray | None] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Multipliers:
    """Multipliers in the order of :class:`NumericForm`: ``lam`` for h, ``mu`` for g then bounds."""

    lam: np.ndarray
    mu: np.ndarray


@dataclass(frozen=True)
class FirstOrder:
    """First-order data of the minimize-form problem at one point, in the order of
    :class:`NumericForm` (numpy arrays, or sympy matrices on the exact path of ``check_kkt``)."""

    grad: Any  # (n,)
    h: Any  # (m_eq,)
    jh: Any  # (m_eq, n)
    g: Any  # (m_in,)  inequalities, then bounds
    jg: Any  # (m_in, n)

    @cached_property
    def g_scales(self) -> np.ndarray:
        """:func:`constraint_scales` of ``jg`` (float data only), computed once per point."""
        return constraint_scales(self.jg)

    @cached_property
    def h_scales(self) -> np.ndarray:
        """:func:`constraint_scales` of ``jh`` (float data only), computed once per point."""
        return constraint_scales(self.jh)

    @cached_property
    def objective_size(self) -> float:
        """max(1, ‖∇f‖∞): what stationarity, dual feasibility and complementarity are divided by."""
        return max(1.0, float(np.abs(self.grad).max(initial=0.0)))

    @cached_property
    def primal(self) -> tuple[float, float]:
        """The absolute primal residual max(G⁺, |h|, 0) and the scaled one of
        :func:`scaled_residuals`: they depend on the point only, so they are computed once."""
        absolute = max(float(self.g.max(initial=0.0)), float(np.abs(self.h).max(initial=0.0)), 0.0)
        g = np.maximum(self.g, 0.0) / self.g_scales
        h = np.abs(self.h) / self.h_scales
        return absolute, max(float(g.max(initial=0.0)), float(h.max(initial=0.0)))


def constraint_scales(jac: np.ndarray) -> np.ndarray:
    """max(1, ‖∇c‖∞) of each row of a constraint Jacobian (dense or scipy.sparse): what a
    violation is divided by."""
    if sps.issparse(jac):
        largest = abs(jac).max(axis=1).toarray().ravel() if jac.shape[1] else np.zeros(jac.shape[0])
        return np.maximum(1.0, largest)
    return np.maximum(1.0, np.abs(jac).max(axis=1, initial=0.0))


def scaled_residuals(point: FirstOrder, absolute: tuple[float, float, float, float]) -> dict[str, float]:
    """The scaled KKT residuals from the absolute ones (stationarity, primal feasibility, dual
    feasibility, complementary slackness) and the float first-order data ``point``.

    Stationarity ‖∇f + J_hᵀλ + J_Gᵀμ‖∞, dual feasibility max(−μ, 0) and complementary slackness
    max |μ_i G_i| are divided by max(1, ‖∇f‖∞); primal feasibility is the largest violation of
    one constraint divided by max(1, ‖∇c‖∞) of that constraint, so that it measures (to first
    order) the distance to the constraint's zero set and does not change when the constraint
    is multiplied by a constant (which divides its multiplier by that constant and leaves μ·G
    unchanged). ``check_kkt`` compares these with ``tol``.
    """
    stat, _, dual, comp = absolute
    scale_f = point.objective_size
    return {
        "stationarity": float(stat) / scale_f,
        "primal_feasibility": point.primal[1],
        "dual_feasibility": float(dual) / scale_f,
        "complementary_slackness": float(comp) / scale_f,
    }


def kkt_residuals(
    point: FirstOrder, lam: np.ndarray, mu: np.ndarray
) -> tuple[tuple[float, float, float, float], dict[str, float]]:
    """The KKT residuals of (x, λ, μ) from the first-order data ``point`` at x: the absolute
    ones (stationarity ‖∇f + J_hᵀλ + J_Gᵀμ‖∞, primal feasibility max(|h|, G⁺), dual
    feasibility max(−μ, 0), complementary slackness max |μ_i G_i|) and the scaled ones of
    :func:`scaled_residuals`. The one measure of the library: ``check_kkt`` reports it and the
    solvers rank attempts by the largest scaled entry."""
    r = point.grad + point.jh.T.dot(lam) + point.jg.T.dot(mu)  # .dot: @ costs more on small arrays
    absolute = (
        float(np.abs(r).max(initial=0.0)),
        point.primal[0],
        float(np.maximum(-mu, 0.0).max(initial=0.0)),
        float(np.abs(mu * point.g).max(initial=0.0)),
    )
    return absolute, scaled_residuals(point, absolute)


@dataclass(frozen=True, eq=False)
class NumericForm:
    """minimize c·f(x) s.t. h(x) = 0, G(x) <= 0, where G stacks g, then ``lo - x`` and ``x - hi``
    for each finite bound (the order of :attr:`BaseProblem.bound_rows`).

    c is ``objective_scale`` (1 unless :func:`objective_scale` finds f badly scaled): the
    backends, the merit :meth:`kkt_error` and the multipliers in :class:`Multipliers` see c·f,
    so a tolerance on stationarity is relative to the objective's own size. :meth:`user_fun`
    and :meth:`to_dict` give the problem's own f and multipliers.
    """

    problem: BaseProblem
    objective_scale: float = 1.0

    @cached_property
    def cp(self) -> CompiledProblem:
        return self.problem.compile()

    @property
    def n(self) -> int:
        return self.cp.n

    @property
    def bound_rows(self) -> tuple[tuple[int, float, float], ...]:
        """(variable index, sign, bound) per bound row: the row is sign·(x_i − bound) <= 0."""
        return self.problem.bound_rows

    @property
    def bound_names(self) -> tuple[str, ...]:
        return self.problem.bound_names

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
        return self.objective_scale * self.cp.fun(x)

    def user_fun(self, x: np.ndarray) -> float:
        """The objective at ``x`` in the user's sense (f, not −f, for maximize; unscaled)."""
        f = self.cp.fun(x)
        return -f if self.problem.is_maximize else f

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.objective_scale * self.cp.grad(x)

    def hess(self, x: np.ndarray) -> np.ndarray:
        return self.objective_scale * self.cp.hess(x)

    def evaluate_many(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """c·f (k,), h (k, m_eq) and g (k, m_in) at the rows of ``X``."""
        f, h, g = self.cp.evaluate_many(X)
        return self.objective_scale * np.asarray(f, dtype=float), h, g

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
        """Inequalities and bounds, all as ``<= 0`` (a new array)."""
        if not self.bound_rows:
            return np.array(self.cp.ineq(x), dtype=float).reshape(-1)
        return np.concatenate((self.cp.ineq(x), self._bound_matrix.dot(x) - self._bound_offset))

    def G_jac(self, x: np.ndarray) -> np.ndarray:
        """(m_in, n), a new array."""
        if not self.bound_rows:
            return np.array(self.cp.ineq_jac(x), dtype=float).reshape(-1, self.n)
        return np.concatenate((self.cp.ineq_jac(x).reshape(-1, self.n), self._bound_matrix))

    def lagrangian_hessian(self, x: np.ndarray, m: Multipliers) -> np.ndarray:
        k, c = len(self.cp.ineq_names), self.objective_scale
        if c == 1.0:  # the same numbers without three array operations
            return self.cp.lagrangian_hessian(x, m.lam, m.mu[:k])
        return c * self.cp.lagrangian_hessian(x, m.lam / c, m.mu[:k] / c)

    def affine_equality_jacobian(self, anchor: np.ndarray) -> np.ndarray | None:
        """The (m_eq, n) Jacobian of h when h is affine, judged by comparing it at ``anchor`` and
        at a second point; None when h is not affine (or cannot be evaluated there). The first
        verdict is kept for the problem."""
        kept = self._affine_equalities(anchor)
        return None if kept is None else kept[0]

    def affine_equality_pinv(self, anchor: np.ndarray) -> np.ndarray | None:
        """The pseudo-inverse (n, m_eq) of :meth:`affine_equality_jacobian`, kept with it."""
        kept = self._affine_equalities(anchor)
        return None if kept is None else kept[1]

    def _affine_equalities(self, anchor: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        if self.problem in _AFFINE_JACOBIANS:
            return _AFFINE_JACOBIANS[self.problem]
        with np.errstate(all="ignore"):
            try:  # a callable's Jacobian may raise at the second point: then h is not known affine
                J = np.asarray(self.h_jac(anchor), dtype=float).reshape(self.m_eq, self.n)
                elsewhere = anchor + 0.5 * np.maximum(1.0, np.abs(anchor))
                other = np.asarray(self.h_jac(elsewhere), dtype=float).reshape(J.shape)
            except (ArithmeticError, TypeError, ValueError):
                J = other = np.full((self.m_eq, self.n), np.nan)
            change = np.abs(other - J).max(initial=0.0)
        affine = np.isfinite(J).all() and change <= 1e-12 * max(1.0, float(np.abs(J).max(initial=0.0)))
        kept = None
        if affine:
            kept = (J, np.linalg.pinv(J))
            for a in kept:
                a.setflags(write=False)
        _AFFINE_JACOBIANS[self.problem] = kept
        return kept

    def independent_equalities(self, anchor: np.ndarray) -> np.ndarray | None:
        """Indices of equality rows whose zero set is that of all of them, when some are
        redundant: h affine (:meth:`affine_equality_jacobian`), the rows kept by
        :func:`~lagrangekit._linalg.independent_rows` of its Jacobian J, and h = 0 (to 1e-9
        relative to max(1, ‖h(anchor)‖∞, ‖J‖∞‖x‖∞)) at the point x of the kept rows' zero set
        nearest ``anchor``, so that the dropped rows are consistent with the kept ones. None when every row is
        needed, h is not affine, or the rows are inconsistent (the problem is then
        infeasible, and every row stays in to show it). The first verdict is kept for the problem."""
        if self.problem in _REDUNDANT_EQUALITIES:
            return _REDUNDANT_EQUALITIES[self.problem]
        J = self.affine_equality_jacobian(anchor)
        kept = None
        if J is not None:
            rows = independent_rows(J)
            if rows.size < self.m_eq:
                with np.errstate(all="ignore"):
                    h = np.asarray(self.h(anchor), dtype=float)
                    on = anchor - np.linalg.lstsq(J[rows], h[rows], rcond=None)[0]
                    try:
                        left = np.abs(np.asarray(self.h(on), dtype=float)).max(initial=0.0)
                    except (ArithmeticError, TypeError, ValueError):
                        left = np.inf
                size = max(1.0, float(np.abs(h).max(initial=0.0)), float(np.abs(J).max() * np.abs(on).max()))
                if left <= 1e-9 * size:
                    kept = rows
                    kept.setflags(write=False)
        _REDUNDANT_EQUALITIES[self.problem] = kept
        return kept

    @property
    def box(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper), read-only: the bounds, tightened by every inequality that is affine
        in a single variable (``x <= 3`` written as a constraint rather than a bound). Used to
        place samples, never to certify anything. Computed once per problem."""
        box = _BOXES.get(self.problem)
        if box is None:
            box = self._implied_box()
            for side in box:
                side.setflags(write=False)
            _BOXES[self.problem] = box
        return box

    def _implied_box(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.array(self.cp.lower, dtype=float), np.array(self.cp.upper, dtype=float)
        k = len(self.cp.ineq_names)
        if not k:
            return lo, hi
        points = [np.full(self.n, 0.37), np.full(self.n, -1.19), np.linspace(0.5, 2.3, self.n)]
        with np.errstate(all="ignore"):
            try:
                jacs = [np.asarray(self.g_jac(p), dtype=float).reshape(k, self.n) for p in points]
                values = [np.asarray(self.g(p), dtype=float) for p in points]
            except (ArithmeticError, TypeError, ValueError):
                return lo, hi
        J = jacs[0]
        for i in range(k):
            columns = np.flatnonzero(J[i])
            if columns.size != 1 or not all(np.array_equal(J[i], other[i]) for other in jacs[1:]):
                continue
            j, c = int(columns[0]), float(J[i, columns[0]])
            b = values[0][i] - c * points[0][j]
            if not all(
                abs(v[i] - (c * p[j] + b)) <= 1e-12 * max(1.0, abs(b)) for v, p in zip(values, points)
            ):
                continue
            if c > 0:
                hi[j] = min(hi[j], -b / c)
            else:
                lo[j] = max(lo[j], -b / c)
        return lo, hi

    def clip(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.cp.lower, self.cp.upper)

    def violation(self, x: np.ndarray) -> float:
        """max(|h|, G⁺), 0 when feasible (from the kept first-order data when x has some)."""
        point = self._kept_first_order(np.asarray(x, dtype=float).tobytes())
        h, G = (self.h(x), self.G(x)) if point is None else (point.h, point.g)
        return float(max(np.abs(h).max(initial=0.0), np.maximum(G, 0.0).max(initial=0.0)))

    @cached_property
    def _last_first_order(self) -> list[tuple[bytes, FirstOrder]]:
        return []

    def first_order(self, x: np.ndarray) -> FirstOrder:
        """∇(c·f), h, J_h, G (inequalities then bounds) and J_G at ``x``, as read-only arrays.

        The last ``_KEPT_POINTS`` points' are kept: the polish, the merit and the certificate
        of one answer ask at the same few points (the backend's answer and the polished one)."""
        x = np.asarray(x, dtype=float)
        key = x.tobytes()
        point = self._kept_first_order(key)
        if point is not None:
            return point
        arrays = (
            np.asarray(self.grad(x), dtype=float).reshape(self.n),
            np.asarray(self.h(x), dtype=float).reshape(self.m_eq),
            np.asarray(self.h_jac(x), dtype=float).reshape(self.m_eq, self.n),
            self.G(x),
            self.G_jac(x),
        )
        for a in arrays:
            a.setflags(write=False)
        point = FirstOrder(*arrays)
        last = self._last_first_order
        last.insert(0, (key, point))
        del last[_KEPT_POINTS:]
        return point

    def _kept_first_order(self, key: bytes) -> FirstOrder | None:
        """The kept first-order data of the point whose float64 bytes are ``key``, or None."""
        last = self._last_first_order
        for k, (kept, point) in enumerate(last):
            if kept == key:
                if k:
                    last.insert(0, last.pop(k))
                return point
        return None

    def kkt_error(self, x: np.ndarray, m: Multipliers) -> float:
        """The largest scaled KKT residual of (x, m) by :func:`kkt_residuals` (of c·f), inf
        where it is not finite: the merit by which the solvers compare candidates."""
        if not np.isfinite(x).all():
            return np.inf
        with np.errstate(all="ignore"):
            _, scaled = kkt_residuals(self.first_order(x), m.lam, m.mu)
        value = max(scaled.values())
        return value if np.isfinite(value) else np.inf

    # ------------------------------------------------------------ multipliers
    def zeros(self) -> Multipliers:
        return Multipliers(np.zeros(self.m_eq), np.zeros(self.m_in))

    def to_dict(self, m: Multipliers) -> dict[str, float]:
        """The multipliers of the problem itself (of f, not c·f) by constraint name."""
        c = self.objective_scale
        out = {name: float(v) / c for name, v in zip(self.eq_names, m.lam)}
        out.update({name: float(v) / c for name, v in zip(self.ineq_names, m.mu)})
        return out

    def from_dict(self, values: Mapping[str, Any]) -> Multipliers:
        c = self.objective_scale
        lam = np.array([c * float(values.get(name, 0.0)) for name in self.eq_names], dtype=float)
        mu = np.array([c * float(values.get(name, 0.0)) for name in self.ineq_names], dtype=float)
        return Multipliers(lam, mu)

    def recover_bound_multipliers(self, x: np.ndarray, lam: np.ndarray, mu_g: np.ndarray) -> Multipliers:
        """Bound multipliers where a backend gives none: from the stationarity residual
        r = ∇f + Jhᵀλ + Jgᵀμ, a lower bound at which x sits gets max(r_i, 0) and an upper
        one max(−r_i, 0); bounds that are not active get 0."""
        point = self.first_order(x)  # kept: the Newton polish starts from the same point
        k = len(self.cp.ineq_names)
        r = point.grad + point.jh.T @ lam + point.jg[:k].T @ mu_g
        column, sign, bound = self._bound_columns
        at_bound = np.abs(x[column] - bound) <= 1e-8 * np.maximum(1.0, np.abs(bound))
        z = np.where(at_bound, np.maximum(-sign * r[column], 0.0), 0.0)
        return Multipliers(np.asarray(lam, float), np.concatenate([np.asarray(mu_g, float), z]))

    @cached_property
    def _bound_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(variable index, sign, bound) of the bound rows as three arrays."""
        rows = self.bound_rows
        return (
            np.array([i for i, _, _ in rows], dtype=int),
            np.array([sign for _, sign, _ in rows], dtype=float),
            np.array([b for _, _, b in rows], dtype=float),
        )

    def _finite_at(self, x: np.ndarray) -> bool:
        with np.errstate(all="ignore"):
            try:
                values = [self.f(x), *self.h(x), *self.g(x), *self.grad(x)]
            except (ValueError, ZeroDivisionError, OverflowError):
                return False
        return bool(np.isfinite(values).all())

    def start(self, x0: Any) -> np.ndarray:
        """x0 as a float array in variable order, projected onto the bounds. By default the
        first point at which f, g, h and ∇f are finite of: zeros, ones, halves, every entry
        1/(n + 1) (the centre of the probability simplex, where entropies are defined), then
        four draws from U(0.05, 0.95)ⁿ with a fixed seed; zeros when none is. A given x0
        (after the projection) must be such a point, else
        :class:`~lagrangekit.UndefinedPointError`."""
        if x0 is None:
            draws = np.random.default_rng(0).uniform(0.05, 0.95, size=(4, self.n))
            constants = [np.full(self.n, value) for value in (0.0, 1.0, 0.5, 1.0 / (self.n + 1))]
            for point in [*constants, *draws]:
                x = self.clip(point)
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
        if not np.isfinite(x).all():
            raise ValueError("x0 must be finite; it contains NaN or inf")
        # a start where f, g, h or their gradients are undefined is an error naming the function
        return self.cp.validate_point(self.clip(x), name="x0")


def objective_scale(form: NumericForm, x0: np.ndarray) -> float:
    """1/s when the objective is badly scaled near ``x0``, else 1.

    s is the largest of |f(x0)| and ‖∇f‖∞ at x0 and at x0 ± ½·max(1, |x0|) (componentwise).
    A gradient tolerance is absolute for such an f: ``1e-12*((x-3)**2 + (y+1)**2)`` has
    ‖∇f‖ < 1e-8 at (0, 0), far from its minimizer. When 0 < s < 1e-4, the backends solve
    minimize f/s instead; an f that is 0 with a zero gradient at all three points keeps 1.
    """
    x0 = np.asarray(x0, dtype=float)
    step = 0.5 * np.maximum(1.0, np.abs(x0))
    with np.errstate(all="ignore"):
        s = max(abs(form.cp.fun(x0)), float(np.abs(form.cp.grad(x0)).max(initial=0.0)))
        if not s >= _BADLY_SCALED:  # the common case stops here
            for x in (form.clip(x0 + step), form.clip(x0 - step)):
                s = max(s, float(np.abs(form.cp.grad(x)).max(initial=0.0)))
    return 1.0 / s if np.isfinite(s) and 0.0 < s < _BADLY_SCALED else 1.0
