"""scipy SLSQP and trust-constr backends, with their multipliers translated to our convention.

Our convention: L = f + λᵀh + μᵀG with G <= 0 and μ >= 0 (G stacks g and the bounds).

- SLSQP takes ``c(x) >= 0``; we pass c = −g, and its Lagrangian is f − yᵀc, so μ = y for
  inequalities and λ = −y for equalities. It returns no bound multipliers (scipy #22769):
  they are recovered from the stationarity residual.
- trust-constr takes ``lb <= c(x) <= ub`` with L = f + vᵀc; we pass g with ub = 0 and h with
  lb = ub = 0, so μ = v and λ = v. Its last multiplier vector belongs to the bounds, with
  v_i < 0 at a lower bound (lower:x = −v_i) and v_i > 0 at an upper bound (upper:x = v_i).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import Bounds, NonlinearConstraint
from scipy.optimize import minimize as _scipy_minimize

from ..numeric_form import Multipliers, NumericForm
from .attempt import Attempt
from .auglag import runaway
from .slsqp_core import run_slsqp

__all__ = ["slsqp", "trust_constr"]

#: scipy's own default for trust-constr; each iteration is a projected-CG solve in Python, so
#: 3000 took 10 s on a two-variable problem that never converges
_TRUST_CONSTR_MAX_ITER = 1000


def slsqp(
    form: NumericForm,
    x0: np.ndarray,
    *,
    tol: float = 1e-8,
    max_iter: int | None = None,
    ftol: float | None = None,
) -> Attempt:
    """Run scipy's SLSQP with exact first derivatives; bound multipliers recovered. Affine
    equalities that are combinations of others are left out
    (:meth:`~lagrangekit.numeric_form.NumericForm.independent_equalities`), with multiplier 0.

    ``ftol`` is SLSQP's precision goal for f, ``tol * 1e-4`` by default."""
    rows = form.independent_equalities(x0) if form.m_eq else None
    eq = None
    if rows is not None:  # redundant affine equalities make SLSQP's multipliers run away or stall it
        eq = (lambda z: form.h(z)[rows], lambda z: form.h_jac(z)[rows], len(rows))
    elif form.m_eq:
        eq = (form.h, form.h_jac, form.m_eq)
    k = len(form.cp.ineq_names)
    ineq = (form.cp.ineq, form.cp.ineq_jac, k) if k else None
    # unscaled and compiled from expressions (a new array per call, never a user's buffer):
    # the compiled callables themselves, without a wrapper call and a product per evaluation
    unscaled = form.objective_scale == 1.0 and form.problem.is_symbolic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = run_slsqp(
            form.cp.fun if unscaled else form.f,
            form.cp.grad if unscaled else form.grad,
            x0,
            lower=form.cp.lower,
            upper=form.cp.upper,
            eq=eq,
            ineq=ineq,
            maxiter=500 if max_iter is None else int(max_iter),
            ftol=tol * 1e-4 if ftol is None else ftol,
        )
    x = res.x
    m_eq = 0 if eq is None else eq[2]
    y = res.multipliers
    lam, mu_g = -y[:m_eq], np.maximum(y[m_eq:], 0.0)
    if rows is not None:  # the dropped rows are combinations of the kept ones: 0 for them is exact
        lam = np.zeros(form.m_eq)
        lam[rows] = -y[:m_eq]
    m = form.recover_bound_multipliers(x, lam, mu_g) if np.isfinite(x).all() else form.zeros()
    return Attempt(
        x=x,
        multipliers=m,
        method="slsqp",
        nit=res.nit,
        converged=res.success,
        message=f"SLSQP: {res.message}",
        diverged=runaway(form, x, form.f(form.clip(x0)), x0, f=res.fun),
    )


def trust_constr(
    form: NumericForm, x0: np.ndarray, *, tol: float = 1e-8, max_iter: int | None = None
) -> Attempt:
    """Run scipy's trust-constr with exact first and second derivatives."""
    constraints = []
    k = len(form.cp.ineq_names)
    if form.m_eq:
        constraints.append(
            NonlinearConstraint(
                form.h,
                0.0,
                0.0,
                jac=form.h_jac,
                hess=lambda z, v: np.tensordot(v, form.cp.eq_hess(z), axes=1),
            )
        )
    if k:
        constraints.append(
            NonlinearConstraint(
                form.g,
                -np.inf,
                0.0,
                jac=form.g_jac,
                hess=lambda z, v: np.tensordot(v, form.cp.ineq_hess(z), axes=1),
            )
        )
    has_bounds = bool(form.bound_rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = _trust_constr_minimize(form, x0, constraints, has_bounds, tol, max_iter)
        except ValueError as exc:  # "Negative curvature not allowed for unrestricted problems" and kin
            x = np.asarray(x0, dtype=float)
            return Attempt(
                x=x,
                multipliers=form.zeros(),
                method="trust-constr",
                nit=0,
                converged=False,
                message=f"trust-constr stopped without an answer ({exc})",
            )
    x = np.asarray(res.x, dtype=float)
    v = list(res.v)
    lam = np.asarray(v.pop(0), float) if form.m_eq else np.zeros(0)
    mu_g = np.maximum(np.asarray(v.pop(0), float), 0.0) if k else np.zeros(0)
    z = np.zeros(len(form.bound_rows))
    if has_bounds and v:
        vb = np.asarray(v.pop(0), float)
        for r, (i, sign, _) in enumerate(form.bound_rows):
            z[r] = max(sign * vb[i], 0.0)
    return Attempt(
        x=x,
        multipliers=Multipliers(lam, np.concatenate([mu_g, z])),
        method="trust-constr",
        nit=int(res.nit),
        converged=bool(res.success),
        message=f"trust-constr: {res.message}",
        diverged=runaway(form, x, form.f(form.clip(x0)), x0),
    )


def _stop_on_runaway(form: NumericForm, x0: np.ndarray):
    """A trust-constr callback that ends the run once the iterate runs away (:func:`runaway`):
    on an unbounded problem the interior-point iterations otherwise grow x to 1e78 over
    thousands of iterations. The ray probe then looks at the point it stopped at."""
    f_start = form.f(form.clip(x0))

    def callback(intermediate_result) -> None:
        if runaway(form, intermediate_result.x, f_start, x0):
            raise StopIteration

    return callback


def _trust_constr_minimize(
    form: NumericForm, x0: np.ndarray, constraints: list, has_bounds: bool, tol: float, max_iter: int | None
):
    return _scipy_minimize(
        form.f,
        x0,
        jac=form.grad,
        hess=form.hess,
        method="trust-constr",
        bounds=Bounds(form.cp.lower, form.cp.upper) if has_bounds else None,
        constraints=constraints,
        callback=_stop_on_runaway(form, x0),
        options={
            "maxiter": _TRUST_CONSTR_MAX_ITER if max_iter is None else int(max_iter),
            "gtol": tol,
            "xtol": tol * 1e-2,
            "barrier_tol": tol * 1e-2,
            "verbose": 0,
        },
    )
