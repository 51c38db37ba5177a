"""A sparse primal-dual interior-point method for large problems: ``lk.solve(method="sparse_ipm")``.

The problem is :class:`~lagrangekit.sparse_form.SparseForm`'s: minimize f s.t. h = 0, g <= 0,
lo <= x <= hi. With slacks s > 0 (g + s = 0) and the bounds kept as bounds, it solves for a
falling barrier μ the barrier problem

    minimize f(x) − μ (Σ log s_i + Σ log(x_j − lo_j) + Σ log(hi_j − x_j))   s.t.   h(x) = 0,  g(x) + s = 0,

whose KKT conditions are ∇f + J_hᵀλ + J_gᵀz − z_L + z_U = 0, h = 0, g + s = 0, z∘s = μ,
z_L∘(x − lo) = μ, z_U∘(hi − x) = μ. z is the library's μ for g, and z_L, z_U those of the bound
rows ``lower:x`` and ``upper:x``, so no sign needs translating. Each Newton step solves the
reduced sparse KKT system

    [[∇²L + Σ_x + J_gᵀ Σ_g J_g + δ_w I,  J_hᵀ], [J_h,  −δ_c I]] (dx, dλ) = −(r_x, h)

by a sparse LDLᵀ factorization (QDLDL, :mod:`lagrangekit.sparse_ldl`) whose pivots give the
inertia: δ_w grows until it is (n, m_eq, 0) (IPOPT's inertia correction; Wächter and Biegler,
Math. Program. 106, 2006). Fiacco–McCormick barrier updates (μ ← min(0.2 μ, μ^1.5) once the
barrier problem is solved to 10 μ), fraction-to-the-boundary steps (τ = max(0.99, 1 − μ)),
and IPOPT's backtracking filter line search on (θ, φ_μ) = (‖(h, g + s)‖₁, the barrier objective)
with its switching condition; the multipliers λ, z, z_L, z_U take the dual fraction-to-the-boundary
step. No dense n × n matrix is ever formed, so the cost per iteration is that of the sparse
factorization (with −δ_c·I always in the constraint block, see :class:`_Newton`).

The answer is certified by :func:`~lagrangekit.sparse_kkt.sparse_kkt_report` (the library's
residuals; LICQ and the second-order condition by inertia): ``status="optimal"`` only when that
report is ok within ``tol``. There is no feasibility restoration phase and no check for
unboundedness or infeasibility beyond the iterates: such a problem ends ``"failed"`` or
``"max_iter"`` with its residuals in the message, never ``"optimal"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sps

from ..errors import UndefinedPointError
from ..problem import BaseProblem
from ..result import Result
from ..sparse_form import SparseForm
from ..sparse_kkt import sparse_kkt_report
from ..sparse_ldl import SparseLDL, saddle_matrix

__all__ = ["solve_sparse"]

DENSE_HESSIAN_LIMIT = 2000  # without hess=, the dense finite-difference Hessian is allowed up to this n
_MU_INIT = 0.1
_KAPPA_EPS = 10.0
_KAPPA_MU, _THETA_MU = 0.2, 1.5
_TAU_MIN = 0.99
_PUSH = 1e-2
_KAPPA_SIGMA = 1e10
_ETA = 1e-4  # Armijo constant
_GAMMA_THETA, _GAMMA_PHI = 1e-5, 1e-8  # filter margins
_S_THETA, _S_PHI, _DELTA = 1.1, 2.3, 1.0  # switching condition
_DELTA_W_FIRST, _DELTA_W_MAX = 1e-4, 1e40
_MAX_ITER = 300
_RUNAWAY = 1e20  # |x| or |f| beyond this: the iterates diverge


@dataclass
class _State:
    """Primal-dual iterate: x, slacks s of g, multipliers λ, z (of g), z_L, z_U (per variable)."""

    x: np.ndarray
    s: np.ndarray
    lam: np.ndarray
    z: np.ndarray
    zl: np.ndarray
    zu: np.ndarray


class _Problem:
    """The form's values at one point, with the bound masks and distances."""

    def __init__(self, form: SparseForm) -> None:
        self.form = form
        self.has_lo = np.isfinite(form.cp.lower)
        self.has_hi = np.isfinite(form.cp.upper)
        self.lo = np.where(self.has_lo, form.cp.lower, 0.0)
        self.hi = np.where(self.has_hi, form.cp.upper, 0.0)

    def distances(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(x − lo, hi − x), 1 where the bound is absent."""
        return np.where(self.has_lo, x - self.lo, 1.0), np.where(self.has_hi, self.hi - x, 1.0)

    def values(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray] | None:
        """(f, h, g) at x, or None where one is not finite or a callable raises (its domain)."""
        form = self.form
        try:
            f, h, g = form.f(x), form.h(x), form.g(x)
        except (ValueError, ArithmeticError):
            return None
        if not (np.isfinite(f) and np.all(np.isfinite(h)) and np.all(np.isfinite(g))):
            return None
        return f, h, g

    def measures(self, x: np.ndarray, s: np.ndarray, mu: float) -> tuple[float, float]:
        """(θ, φ): the violation ‖(h, g + s)‖₁ and the barrier objective; (inf, inf) outside the domain."""
        values = self.values(x)
        if values is None:
            return np.inf, np.inf
        f, h, g = values
        dl, du = self.distances(x)
        barrier = np.log(s).sum() + np.log(dl[self.has_lo]).sum() + np.log(du[self.has_hi]).sum()
        phi = float(f - mu * barrier)
        return float(np.abs(h).sum() + np.abs(g + s).sum()), phi if np.isfinite(phi) else np.inf


class _Filter:
    """IPOPT's filter: (θ, φ) pairs a trial point must beat in one of the two, and the step test."""

    def __init__(self, theta0: float) -> None:
        self.theta_max = 1e4 * max(1.0, theta0)
        self.theta_min = 1e-4 * max(1.0, theta0)
        self.entries: list[tuple[float, float]] = []

    def reset(self) -> None:
        self.entries = []

    def accepts(self, theta: float, phi: float) -> bool:
        return theta <= self.theta_max and all(theta < t or phi < f for t, f in self.entries)

    def step(self, theta: float, phi: float, slope: float, alpha: float, trial: tuple[float, float]) -> bool:
        """Whether the trial (θ_t, φ_t) at step α is accepted from (θ, φ) with barrier slope
        ``slope``: Armijo on φ when the switching condition holds at a nearly feasible point
        (an f-step), else sufficient decrease of θ or φ (an h-step, which enters the filter)."""
        t_theta, t_phi = trial
        if not (np.isfinite(t_phi) and self.accepts(t_theta, t_phi)):
            return False
        switching = slope < 0 and alpha * (-slope) ** _S_PHI > _DELTA * theta**_S_THETA
        rounding = 10 * np.finfo(float).eps * abs(phi)  # a step of size 0 must pass
        if theta <= self.theta_min and switching:
            return t_phi <= phi + _ETA * alpha * slope + rounding
        if t_theta <= (1 - _GAMMA_THETA) * theta or t_phi <= phi - _GAMMA_PHI * theta + rounding:
            self.entries.append(((1 - _GAMMA_THETA) * theta, phi - _GAMMA_PHI * theta))
            return True
        return False

    def smallest_step(self, theta: float, slope: float) -> float:
        if slope < 0:
            step = min(
                _GAMMA_THETA, _GAMMA_PHI * theta / -slope, _DELTA * theta**_S_THETA / (-slope) ** _S_PHI
            )
        else:
            step = _GAMMA_THETA
        return max(0.05 * step, 1e-14)


def _boundary_step(v: np.ndarray, dv: np.ndarray, tau: float) -> float:
    """The largest α in (0, 1] with v + α·dv >= (1 − τ)·v."""
    falling = dv < 0
    if not falling.any():
        return 1.0
    return float(min(1.0, np.min(-tau * v[falling] / dv[falling])))


def _pushed_inside(p: _Problem, x0: np.ndarray) -> np.ndarray:
    """x0 moved strictly inside its bounds, by min(1e-2·max(1, |bound|), 1e-2·(hi − lo))."""
    width = np.where(p.has_lo & p.has_hi, p.hi - p.lo, np.inf)
    x = np.array(x0, dtype=float)
    push_lo = np.minimum(_PUSH * np.maximum(1.0, np.abs(p.lo)), _PUSH * width)
    push_hi = np.minimum(_PUSH * np.maximum(1.0, np.abs(p.hi)), _PUSH * width)
    x = np.where(p.has_lo, np.maximum(x, p.lo + push_lo), x)
    return np.where(p.has_hi, np.minimum(x, p.hi - push_hi), x)


class _Newton:
    """The reduced KKT matrix, factored with IPOPT's inertia correction.

    The constraint block always carries −δ_c·I with δ_c = 1e-8·μ^¼ (IPOPT's value for a
    singular matrix), which makes the matrix quasi-definite once the Hessian block is positive
    definite on the null space, as QDLDL (no pivoting) needs; two steps of iterative refinement
    against the matrix without δ_c remove its effect on the step.
    """

    def __init__(self, n: int, me: int) -> None:
        self.n, self.me = n, me
        self.ldl = SparseLDL()
        self.last_delta = 0.0
        self.matrix: sps.csc_matrix | None = None  # the upper triangle without δ_c

    def factor(self, W: sps.spmatrix, Jh: sps.spmatrix, diagonal: np.ndarray, mu: float) -> bool:
        """Factor [[W + diag + δ_w I, J_hᵀ], [J_h, −δ_c I]] with the right inertia; False if none found."""
        n = self.n
        K = saddle_matrix(W, Jh, diagonal, 0.0)
        where = K.indptr[1:] - 1  # the diagonal closes each column of the sorted upper triangle
        base = K.data[where[:n]].copy()
        K.data[where[n:]] = -1e-8 * mu**0.25
        for delta_w in self._deltas():
            K.data[where[:n]] = base + delta_w
            if not self.ldl.factor(K):
                continue  # a zero pivot: more δ_w
            inertia = self.ldl.inertia()
            if inertia.positive == n and inertia.negative == self.me:
                if delta_w:
                    self.last_delta = delta_w
                K.data[where[n:]] = 0.0
                self.matrix = K
                return True
        return False

    def _deltas(self):
        yield 0.0
        delta = _DELTA_W_FIRST if self.last_delta == 0.0 else max(1e-20, self.last_delta / 3)
        growth = 100.0 if self.last_delta == 0.0 else 8.0
        while delta <= _DELTA_W_MAX:
            yield delta
            delta *= growth

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """The solution of the factored system, refined twice against the matrix without δ_c."""
        K = self.matrix
        d = self.ldl.solve(rhs)
        for _ in range(2):
            residual = rhs - (K @ d + K.T @ d - K.diagonal() * d)  # K holds the upper triangle
            d = d + self.ldl.solve(residual)
        return d


def _scaled_error(p: _Problem, st: _State, grad: np.ndarray, r_d: np.ndarray, h, g, Jh, Jg) -> float:
    """The largest residual as :func:`~lagrangekit.numeric_form.scaled_residuals` scales it (the
    bounds hold strictly at interior iterates)."""
    scale_f = max(1.0, float(np.abs(grad).max(initial=0.0)))
    dl, du = p.distances(st.x)
    primal = 0.0
    for values, J, kind in ((h, Jh, "eq"), (g, Jg, "in")):
        if values.size:
            violation = np.abs(values) if kind == "eq" else np.maximum(values, 0.0)
            rows = abs(J).max(axis=1).toarray().ravel() if J.shape[1] else np.zeros(J.shape[0])
            primal = max(primal, float((violation / np.maximum(1.0, rows)).max()))
    comp = max(
        float(np.abs(st.z * g).max(initial=0.0)),
        float((st.zl * dl)[p.has_lo].max(initial=0.0)),
        float((st.zu * du)[p.has_hi].max(initial=0.0)),
    )
    return max(float(np.abs(r_d).max(initial=0.0)) / scale_f, primal, comp / scale_f)


@dataclass
class _Step:
    """The Newton direction of every part of the iterate."""

    dx: np.ndarray
    ds: np.ndarray
    dlam: np.ndarray
    dz: np.ndarray
    dzl: np.ndarray
    dzu: np.ndarray


def _direction(
    form: SparseForm, p: _Problem, st: _State, newton: _Newton, mu: float, point: tuple
) -> _Step | str:
    """The primal-dual Newton step of the barrier problem for μ, from the reduced system
    factored with the right inertia, or why there is none."""
    grad, r_d, h, g, Jh, Jg = point
    n = form.cp.n
    dl, du = p.distances(st.x)
    r_g = g + st.s
    sigma_g = st.z / st.s
    sigma_x = np.where(p.has_lo, st.zl / dl, 0.0) + np.where(p.has_hi, st.zu / du, 0.0)
    H = form.lagrangian_hessian(st.x, st.lam, st.z)
    W = H + Jg.T @ sps.diags(sigma_g) @ Jg if form.m_in else H
    if not newton.factor(W, Jh, sigma_x, mu):
        return "sparse_ipm: no regularization gave the Newton matrix the right inertia"
    bound_push = np.where(p.has_lo, mu / dl, 0.0) - np.where(p.has_hi, mu / du, 0.0)
    r_x = r_d + Jg.T @ (sigma_g * r_g - st.z + mu / st.s) - bound_push + st.zl - st.zu
    d = newton.solve(-np.concatenate([r_x, h]))
    dx = d[:n]
    ds = -r_g - Jg @ dx
    step = _Step(
        dx=dx,
        ds=ds,
        dlam=d[n:],
        dz=mu / st.s - st.z - sigma_g * ds,
        dzl=np.where(p.has_lo, mu / dl - st.zl - st.zl / dl * dx, 0.0),
        dzu=np.where(p.has_hi, mu / du - st.zu + st.zu / du * dx, 0.0),
    )
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(step.dz))):
        return "sparse_ipm: the Newton step is not finite"
    return step


def _largest_steps(p: _Problem, st: _State, step: _Step, tau: float) -> tuple[float, float]:
    """The fraction-to-the-boundary steps: primal (s, x − lo, hi − x) and dual (z, z_L, z_U)."""
    dl, du = p.distances(st.x)
    primal = min(
        _boundary_step(st.s, step.ds, tau),
        _boundary_step(dl[p.has_lo], step.dx[p.has_lo], tau),
        _boundary_step(du[p.has_hi], -step.dx[p.has_hi], tau),
    )
    dual = min(
        _boundary_step(st.z, step.dz, tau),
        _boundary_step(st.zl[p.has_lo], step.dzl[p.has_lo], tau),
        _boundary_step(st.zu[p.has_hi], step.dzu[p.has_hi], tau),
    )
    return primal, dual


def _line_search(
    p: _Problem, st: _State, step: _Step, alpha: float, mu: float, filt: _Filter, grad: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Backtracking from ``alpha`` until the filter accepts (x, s) + α·(dx, ds): that point, or None."""
    dl, du = p.distances(st.x)
    dx, ds = step.dx, step.ds
    theta, phi = p.measures(st.x, st.s, mu)
    slope = float(
        grad @ dx - mu * (np.sum(ds / st.s) + np.sum((dx / dl)[p.has_lo]) - np.sum((dx / du)[p.has_hi]))
    )
    smallest = filt.smallest_step(theta, slope)
    while alpha >= smallest:
        x_t, s_t = st.x + alpha * dx, st.s + alpha * ds
        if filt.step(theta, phi, slope, alpha, p.measures(x_t, s_t, mu)):
            return x_t, s_t
        alpha /= 2
    return None


def _take(
    p: _Problem, st: _State, step: _Step, point: tuple[np.ndarray, np.ndarray], alpha_z: float, mu: float
) -> None:
    """Move ``st`` to the accepted primal ``point`` and the duals by α_z (λ too: a short primal
    step must not freeze it), then keep z·s within [μ/κ_Σ, κ_Σ·μ] (IPOPT's safeguard)."""
    st.x, st.s = point
    st.lam = st.lam + alpha_z * step.dlam
    dl, du = p.distances(st.x)
    st.z = np.clip(st.z + alpha_z * step.dz, mu / (_KAPPA_SIGMA * st.s), _KAPPA_SIGMA * mu / st.s)
    zl, zu = st.zl + alpha_z * step.dzl, st.zu + alpha_z * step.dzu
    st.zl = np.where(p.has_lo, np.clip(zl, mu / (_KAPPA_SIGMA * dl), _KAPPA_SIGMA * mu / dl), 0.0)
    st.zu = np.where(p.has_hi, np.clip(zu, mu / (_KAPPA_SIGMA * du), _KAPPA_SIGMA * mu / du), 0.0)


@dataclass
class _Outcome:
    state: _State
    nit: int
    converged: bool
    message: str


def _iterate(form: SparseForm, x0: np.ndarray, tol: float, limit: int) -> _Outcome:
    p = _Problem(form)
    n, me, mi = form.cp.n, form.m_eq, form.m_in
    x = _pushed_inside(p, x0)
    g0 = form.g(x)
    st = _State(
        x=x,
        s=np.maximum(-g0, _PUSH * np.maximum(1.0, np.abs(g0))),
        lam=np.zeros(me),
        z=np.ones(mi),
        zl=np.where(p.has_lo, 1.0, 0.0),
        zu=np.where(p.has_hi, 1.0, 0.0),
    )
    mu = _MU_INIT
    filt = _Filter(p.measures(st.x, st.s, mu)[0])
    newton = _Newton(n, me)
    message = f"sparse_ipm stopped at the iteration limit ({limit})"
    for nit in range(1, limit + 1):
        values = p.values(st.x)
        if values is None:
            return _Outcome(st, nit, False, "sparse_ipm: the problem is not defined at an iterate")
        f, h, g = values
        grad = form.grad(st.x)
        Jh, Jg = form.jacobians(st.x)
        dl, du = p.distances(st.x)
        r_d = grad + Jh.T @ st.lam + Jg.T @ st.z - st.zl + st.zu
        if not np.all(np.isfinite(r_d)):
            return _Outcome(st, nit, False, "sparse_ipm: a derivative is not finite at an iterate")
        if _scaled_error(p, st, grad, r_d, h, g, Jh, Jg) <= tol / 2:
            return _Outcome(st, nit, True, f"sparse_ipm converged in {nit - 1} iterations (barrier {mu:.1e})")
        if abs(f) > _RUNAWAY or np.abs(st.x).max(initial=0.0) > _RUNAWAY:
            return _Outcome(
                st, nit, False, "sparse_ipm: the iterates ran away (the problem may be unbounded)"
            )
        r_g = g + st.s
        s_d = (
            max(100.0, (np.abs(st.lam).sum() + st.z.sum() + st.zl.sum() + st.zu.sum()) / max(1, me + mi + n))
            / 100
        )

        def barrier_error(mu: float, r_d=r_d, h=h, r_g=r_g, dl=dl, du=du, s_d=s_d) -> float:
            comp = max(
                float(np.abs(st.z * st.s - mu).max(initial=0.0)),
                float(np.abs(st.zl * dl - mu)[p.has_lo].max(initial=0.0)),
                float(np.abs(st.zu * du - mu)[p.has_hi].max(initial=0.0)),
            )
            primal = max(float(np.abs(h).max(initial=0.0)), float(np.abs(r_g).max(initial=0.0)))
            return max(float(np.abs(r_d).max(initial=0.0)) / s_d, primal, comp / s_d)

        while mu > tol / 10 and barrier_error(mu) <= _KAPPA_EPS * mu:
            mu = max(tol / 10, min(_KAPPA_MU * mu, mu**_THETA_MU))
            filt.reset()
        step = _direction(form, p, st, newton, mu, (grad, r_d, h, g, Jh, Jg))
        if isinstance(step, str):
            return _Outcome(st, nit, False, step)
        alpha, alpha_z = _largest_steps(p, st, step, max(_TAU_MIN, 1.0 - mu))
        accepted = _line_search(p, st, step, alpha, mu, filt, grad)
        if accepted is None:
            return _Outcome(
                st, nit, False, "sparse_ipm: the filter line search failed (no restoration phase)"
            )
        _take(p, st, step, accepted, alpha_z, mu)
    return _Outcome(st, limit, False, message)


def _undefined_piece(form: SparseForm, x: np.ndarray) -> str | None:
    """The first of f, ∇f, a constraint or a constraint's gradient that is NaN or infinite at
    ``x`` (by name), or None when all are finite. A callable that raises ValueError or an
    ArithmeticError there counts as undefined."""
    with np.errstate(all="ignore"):
        try:
            pieces = [
                ("the objective", np.atleast_1d(form.f(x))),
                ("the gradient of the objective", form.grad(x)),
            ]
            Jh, Jg = form.jacobians(x)
            for names, values, J in ((form.eq_names, form.h(x), Jh), (form.ineq_names, form.g(x), Jg)):
                bad = ~np.isfinite(values)
                rows = np.unique(J.tocoo().row[~np.isfinite(J.tocoo().data)])
                if bad.any():
                    pieces.append((f"constraint {names[int(np.flatnonzero(bad)[0])]!r}", values))
                if rows.size:
                    pieces.append((f"the gradient of constraint {names[int(rows[0])]!r}", J.data))
        except (ValueError, ArithmeticError) as exc:
            return f"a callable (it raised {type(exc).__name__}: {exc})"
    for what, value in pieces:
        if not np.all(np.isfinite(value)):
            return what
    return None


def _start(form: SparseForm, x0: Any) -> np.ndarray:
    """x0 checked (n finite numbers, projected onto the bounds, where every function and first
    derivative is finite), or the first of zeros, ones and halves (projected) where they are."""
    n = form.cp.n
    if x0 is None:
        for value in (0.0, 1.0, 0.5):
            x = np.clip(np.full(n, value), form.cp.lower, form.cp.upper)
            if _undefined_piece(form, x) is None:
                return x
        raise UndefinedPointError(
            "the problem is undefined (NaN or infinite) at zeros, ones and halves projected onto the "
            "bounds: give x0, a point where every function and its gradient is finite"
        )
    try:
        x = np.array(x0, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be an array of {n} real numbers, got {type(x0).__name__}") from None
    if x.size != n:
        raise ValueError(f"x0 must have {n} entries (one per variable), got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite; it contains NaN or inf")
    x = np.clip(x, form.cp.lower, form.cp.upper)
    undefined = _undefined_piece(form, x)
    if undefined is not None:
        raise UndefinedPointError(
            f"{undefined} is NaN or infinite at x0: x0 lies outside the domain of the problem's "
            "functions. Choose x0 where every function is defined"
        )
    return x


def solve_sparse(
    problem: BaseProblem, *, x0: Any = None, tol: float = 1e-8, max_iter: int | None = None
) -> Result:
    """Solve ``problem`` by the sparse interior-point method of this module, and certify it.

    Parameters
    ----------
    problem : Problem or FunctionProblem
        A :class:`~lagrangekit.FunctionProblem` with ``hess`` keeps every matrix sparse; other
        problems are converted from their dense compiled derivatives.
    x0 : array-like, optional
        Start point (projected onto the bounds, then pushed 1e-2 inside them); zeros, ones or
        halves by default, the first at which the problem is defined.
    tol : float, default 1e-8
        ``success`` only when :func:`~lagrangekit.sparse_kkt.sparse_kkt_report` is ok within tol.
    max_iter : int, optional
        Newton iterations (300 by default).

    Returns
    -------
    Result
        ``method="sparse_ipm"``, multipliers for every constraint and bound by name (the
        library's convention), ``kkt`` the sparse report; ``status`` ``"optimal"`` (scope
        ``"local"``), ``"max_iter"`` or ``"failed"``.

    Raises
    ------
    ValueError
        For a :class:`~lagrangekit.FunctionProblem` without ``hess`` and more than
        :data:`DENSE_HESSIAN_LIMIT` variables (its Hessian would be dense finite differences).
    ImportError
        Without qdldl, naming the extra to install.
    """
    form = SparseForm(problem)
    if not form.has_hessian and form.cp.n > DENSE_HESSIAN_LIMIT:
        raise ValueError(
            f"method='sparse_ipm' needs the Hessian of the Lagrangian for n = {form.cp.n} > "
            f"{DENSE_HESSIAN_LIMIT}: "
            "give lk.from_functions(..., hess=lambda x, obj_factor, lambdas: ...) (dense or scipy.sparse)"
        )
    start = _start(form, x0)
    limit = _MAX_ITER if max_iter is None else int(max_iter)
    with np.errstate(all="ignore"):
        outcome = _iterate(form, start, tol, limit)
    st = outcome.state
    report = sparse_kkt_report(form, st.x, st.lam, st.z, st.zl, st.zu, tol=tol)
    if report.ok:
        status, message = "optimal", f"{outcome.message}; KKT conditions hold within tol={tol:g}"
    else:
        status = "max_iter" if outcome.nit >= limit and not outcome.converged else "failed"
        message = f"{outcome.message}; not certified: {report.message}"
    return Result(
        x=st.x,
        fun=form.user_fun(st.x),
        status=status,
        success=status == "optimal",
        method="sparse_ipm",
        point=dict(zip(problem.variables, map(float, st.x))),
        multipliers=report.multipliers,
        message=message,
        nit=outcome.nit,
        kkt=report,
        scope="local" if status == "optimal" else None,
    )
