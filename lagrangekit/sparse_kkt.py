"""The KKT report of a point of a large sparse problem, without a dense matrix anywhere.

The residuals are those of :func:`lagrangekit.numeric_form.kkt_residuals`, the library's one
measure, on sparse first-order data (bounds as sparse unit rows of G, in the order of
``bound_rows``). LICQ and the second-order condition are read from the inertia of sparse
saddle-point matrices (:mod:`lagrangekit.sparse_ldl`) instead of null-space SVDs:

- LICQ: the active gradients A (rows scaled to unit length) have full row rank when every
  pivot of [[I, Aᵀ], [A, −δI]] belonging to its Schur complement −(δI + AAᵀ) is below
  −1e-11 (δ = 1e-14), i.e. AAᵀ has no eigenvalue below about 1e-11.
- Second order: with T the gradients of the equalities and the strongly active inequalities
  (μ_i > tol·max(1, ‖μ‖∞)), Zᵀ(∇²L − ε I)Z is positive definite on Z = null(T) exactly when
  [[∇²L − εI, Tᵀ], [T, −δI]] has n positive and rows(T) negative pivots (for small δ): then
  the sufficient condition holds (True). When [[∇²L + εI, Sᵀ], [S, −δI]], S = T plus the weakly
  active rows, has more than rows(S) negative pivots, ∇²L has curvature below −ε on null(S),
  inside the critical cone, and the necessary condition fails (False). Otherwise None. ε is
  tol·max(1, max |∇²L|) as on the dense path.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sps
from scipy.optimize import lsq_linear
from scipy.sparse.linalg import MatrixRankWarning, lsmr, spsolve

from .numeric_form import FirstOrder, constraint_scales, kkt_residuals
from .problem import BaseProblem
from .result import KKTReport
from .sparse_form import SparseForm
from .sparse_ldl import SparseLDL, saddle_matrix

__all__ = ["sparse_check", "sparse_kkt_report"]

_DELTA = 1e-14  # the −δI of the constraint block: keeps a rank-deficient A factorable
_RANK_PIVOT = 1e-11  # Schur pivots of AAᵀ (unit rows) above this count toward the rank
_SECOND_ORDER_DELTA = 1e-9


def _bound_rows(form: SparseForm, x: np.ndarray) -> tuple[sps.csr_matrix, np.ndarray]:
    rows = form.problem.bound_rows
    index = np.array([i for i, _, _ in rows], dtype=int)
    sign = np.array([s for _, s, _ in rows], dtype=float)
    bound = np.array([b for _, _, b in rows], dtype=float)
    B = sps.csr_matrix((sign, (np.arange(len(rows)), index)), shape=(len(rows), form.cp.n))
    return B, sign * (x[index] - bound)


def _inequality_rows(form: SparseForm, x: np.ndarray) -> tuple[sps.csr_matrix, sps.csr_matrix, np.ndarray]:
    """(J_h, J_G, G) at ``x``: G the inequalities followed by the bound rows, J_G their Jacobian."""
    Jh, Jg = form.jacobians(x)
    B, bound_values = _bound_rows(form, x)
    return Jh, sps.vstack([Jg, B], format="csr"), np.concatenate([form.g(x), bound_values])


def _unit_rows(A: sps.csr_matrix) -> sps.csr_matrix:
    norms = np.sqrt(np.asarray(A.multiply(A).sum(axis=1)).ravel())
    return sps.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ A


def _full_row_rank(A: sps.csr_matrix) -> bool:
    if A.shape[0] == 0:
        return True
    ldl = SparseLDL()
    if not ldl.factor(saddle_matrix(sps.csr_matrix(A.shape[1:] * 2), _unit_rows(A), 1.0, _DELTA)):
        return False
    return ldl.inertia(_RANK_PIVOT).negative == A.shape[0]


def _second_order(
    H: sps.csr_matrix, tangent: sps.csr_matrix, weak: sps.csr_matrix, zero: float
) -> bool | None:
    n = H.shape[0]
    ldl = SparseLDL()
    T = _unit_rows(tangent)
    if ldl.factor(saddle_matrix(H, T, -zero, _SECOND_ORDER_DELTA)):
        inertia = ldl.inertia()
        if inertia.positive == n and inertia.negative == T.shape[0]:
            return True
    S = _unit_rows(sps.vstack([tangent, weak], format="csr"))
    if ldl.factor(saddle_matrix(H, S, zero, _SECOND_ORDER_DELTA)) and ldl.inertia().negative > S.shape[0]:
        return False
    return None


def sparse_kkt_report(
    form: SparseForm,
    x: np.ndarray,
    lam: np.ndarray,
    mu: np.ndarray,
    z_lower: np.ndarray,
    z_upper: np.ndarray,
    *,
    tol: float,
    second_order: bool = True,
) -> KKTReport:
    """The :class:`~lagrangekit.KKTReport` of (x, λ, μ, bound multipliers) for ``form.problem``.

    Parameters
    ----------
    form : SparseForm
        The problem, read as minimize f s.t. h = 0, g <= 0 and its bounds.
    x : numpy.ndarray
        The point (n,).
    lam, mu : numpy.ndarray
        Multipliers of h (m_eq,) and g (m_in,) in the library's convention.
    z_lower, z_upper : numpy.ndarray
        Per variable, the multipliers of ``lower:x`` and ``upper:x`` (>= 0; ignored where
        the bound is infinite).
    tol : float
        Compared with the scaled residuals, as by :func:`lagrangekit.check_kkt`.
    second_order : bool, default True
        Also test the second-order conditions (when stationarity and dual feasibility hold);
        otherwise ``second_order`` is None (not checked).

    Returns
    -------
    KKTReport
        Residuals as :func:`lagrangekit.check_kkt` defines them; ``active`` the inequalities
        and bounds with G_i >= −tol·max(1, ‖∇G_i‖∞); ``licq`` and ``second_order`` from
        inertia (module docstring).
    """
    Jh, JG, G = _inequality_rows(form, x)
    z_bound = np.array(
        [z_lower[i] if s < 0 else z_upper[i] for i, s, _ in form.problem.bound_rows], dtype=float
    )
    all_mu = np.concatenate([mu, z_bound])
    point = FirstOrder(form.grad(x), form.h(x), Jh, G, JG)
    absolute, scaled = kkt_residuals(point, lam, all_mu)
    absolute = tuple(v if np.isfinite(v) else np.inf for v in absolute)  # NaN: overflowed, say inf
    scaled = {k: v if np.isfinite(v) else np.inf for k, v in scaled.items()}
    names = form.ineq_names + form.problem.bound_names
    active = np.flatnonzero(G >= -tol * constraint_scales(JG))
    licq = _full_row_rank(sps.vstack([Jh, JG[active]], format="csr"))
    second = None
    first_ok = scaled["stationarity"] <= tol and scaled["dual_feasibility"] <= tol
    if first_ok and second_order:
        H = form.lagrangian_hessian(x, lam, mu)
        if np.all(np.isfinite(H.data)):
            strong = active[all_mu[active] > tol * max(1.0, float(np.abs(all_mu).max(initial=0.0)))]
            weak = np.setdiff1d(active, strong)
            zero = tol * max(1.0, float(np.abs(H.data).max(initial=0.0)))
            second = _second_order(H, sps.vstack([Jh, JG[strong]], format="csr"), JG[weak], zero)
    failed = [name for name, value in scaled.items() if value > tol]
    message = "KKT conditions hold" if not failed else "fails: " + ", ".join(failed)
    if second is None and first_ok and second_order:
        message += "; second order undecided (inertia test inconclusive)"
    elif second is False:
        message += "; the second-order necessary condition fails"
    return KKTReport(
        *absolute,
        multipliers=form.multiplier_dict(lam, mu, z_lower, z_upper),
        active=tuple(names[i] for i in active),
        licq=licq,
        second_order=second,
        tol=tol,
        scaled=scaled,
        message=message,
    )


def sparse_check(
    problem: BaseProblem,
    x: np.ndarray,
    multipliers: tuple[Sequence[Any], Sequence[Any]] | None,
    *,
    tol: float,
    second_order: bool,
) -> KKTReport:
    """:func:`lagrangekit.check_kkt` of a large sparse problem at ``x``, with no dense matrix.

    ``multipliers`` are (λ by equality row, μ by inequality row then bound row in the order of
    ``problem.bound_rows``), or None: then they are estimated over the inequalities and bounds
    active within ``tol`` (g_i >= −tol·max(1, ‖∇g_i‖∞)) by least squares,
    min ‖∇f + J_hᵀλ + J_Aᵀμ‖ with μ >= 0, as the dense check does by NNLS: by the sparse
    normal equations (LSMR when the active rows are dependent), and by scipy's bounded
    ``lsq_linear`` only when that fit has a negative μ.
    """
    form = SparseForm(problem)
    bound_rows = problem.bound_rows
    if multipliers is None:
        lam, mu_all = _estimate(form, x, tol)
    else:
        lam = np.array([float(v) for v in multipliers[0]], dtype=float)
        mu_all = np.array([float(v) for v in multipliers[1]], dtype=float)
    mu, z_bound = mu_all[: form.m_in], mu_all[form.m_in :]
    z_lower, z_upper = np.zeros(form.cp.n), np.zeros(form.cp.n)
    for value, (i, sign, _) in zip(z_bound, bound_rows):
        (z_lower if sign < 0 else z_upper)[i] = value
    return sparse_kkt_report(form, x, lam, mu, z_lower, z_upper, tol=tol, second_order=second_order)


def _estimate(form: SparseForm, x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """(λ, μ over the inequality and bound rows) minimizing the stationarity residual, μ >= 0,
    zero on the rows inactive within ``tol``."""
    Jh, JG, G = _inequality_rows(form, x)
    active = np.flatnonzero(G >= -tol * constraint_scales(JG))
    A = sps.vstack([Jh, JG[active]], format="csr")
    mu = np.zeros(JG.shape[0])
    if A.shape[0] == 0:
        return np.zeros(0), mu
    m_eq = Jh.shape[0]
    nu = _least_squares(A, -form.grad(x))
    if np.any(nu[m_eq:] < 0):  # the unconstrained fit has a negative μ: bounded least squares
        lower = np.concatenate([np.full(m_eq, -np.inf), np.zeros(active.size)])
        nu = lsq_linear(A.T.tocsr(), -form.grad(x), bounds=(lower, np.inf), tol=1e-15).x
    mu[active] = np.maximum(nu[m_eq:], 0.0)
    return nu[:m_eq], mu


def _least_squares(A: sps.csr_matrix, b: np.ndarray) -> np.ndarray:
    """argmin ‖Aᵀν − b‖: by the normal equations AAᵀν = Ab (sparse LU) when the rows of A are
    independent, else the minimum-norm solution by LSMR."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", MatrixRankWarning)
        try:
            nu = spsolve((A @ A.T).tocsc(), A @ b)
        except (MatrixRankWarning, RuntimeError):
            nu = None
    if nu is not None and np.all(np.isfinite(nu)):
        return np.atleast_1d(nu)
    return lsmr(A.T.tocsr(), b, atol=1e-15, btol=1e-15, maxiter=10 * sum(A.shape))[0]
