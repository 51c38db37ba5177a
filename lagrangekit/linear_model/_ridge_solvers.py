"""Closed-form Ridge solutions: Cholesky on the Gram form, the dual (kernel) form, and the SVD.

The normal equations are fast but square the design's condition number; each Cholesky
solve estimates its own error from the factor and declines (returns None) when that error
would pass :data:`MAX_ERROR`, so that the caller can use the SVD of the design instead.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from ._ridge_stats import KernelForm
from ._row_sums import max_abs_row_sums

__all__ = [
    "MAX_ERROR",
    "CholeskySolution",
    "SingularWarning",
    "min_norm_warning",
    "solve_cholesky",
    "solve_dual",
    "solve_svd",
]


class SingularWarning(scipy.linalg.LinAlgWarning):
    """alpha = 0 with a singular XᵀX: the minimum-norm least-squares solution was returned."""


def min_norm_warning(reason: str) -> None:
    """Say that the minimum-norm least-squares solution is being returned, and why."""
    warnings.warn(
        f"{reason}; returning the minimum-norm least-squares solution (solver_='svd'). "
        "Use alpha > 0 for a unique, stable solution.",
        SingularWarning,
        stacklevel=4,
    )


MAX_ERROR = 1e-10
"""Largest estimated relative error of the coefficients that the normal equations may give.

Cholesky on XᵀX + αI has a forward error of about eps·κ(XᵀX + αI), the square of the
design's condition number. Past this bound the closed forms return None and Ridge uses
the SVD of the design, whose error is about eps·κ(X): the digits that matter are kept.
"""


@dataclass(frozen=True)
class CholeskySolution:
    """W (k, p) from the normal equations, and eps·rounding·κ₁ of the factored matrix."""

    W: np.ndarray
    error_estimate: float


def _cho_factor(
    A: np.ndarray, rounding: float, shift: float = 0.0
) -> tuple[tuple[np.ndarray, bool], float] | None:
    """Lower Cholesky factor L (Fortran order, for ``cho_solve`` as ``(L, True)``) of the symmetric
    matrix ``A`` (overwritten) with its error estimate.

    When the caller knows A = G + ``shift``·I with G a Gram matrix (positive semidefinite up
    to its rounding, about size·eps·rounding·‖A‖₁), λ_min(A) >= shift − that rounding, so
    κ₂(A) <= ‖A‖₁/(shift − rounding) with no more work; when eps·rounding times that bound is
    within :data:`MAX_ERROR` it is the estimate (a dual Ridge on 500 rows and α = 1 skips
    ``pocon``, 1.2 ms against its 35 ms Gram matrix). Otherwise the estimate bounds the
    relative error of a solve, ‖δw‖/‖w‖, by the smaller of two bounds (κ₁ from LAPACK's
    ``pocon``, O(size²) each):

    * eps·rounding·κ(A);
    * eps·rounding·κ(H)·√(max aᵢᵢ / min aᵢᵢ) for the diagonally scaled H = D^-½ A D^-½,
      D = diag(A), whose factor is D^-½ L. Cholesky's errors, and the rounding of a Gram
      matrix, are of size eps·√(aᵢᵢaⱼⱼ) entry by entry, so in the D^½-norm they are amplified
      by κ(H) (van der Sluis); going back to the plain norm costs at most √(max aᵢᵢ/min aᵢᵢ).
      This is the sharp bound when one direction's only curvature is small, as for a constant
      feature whose only curvature is α. It is computed only when the first exceeds
      :data:`MAX_ERROR`: below it, the decision it informs is already made (a dual Ridge on
      500 rows spent 6 ms, 0.13x its Gram matrix, on a second ``pocon`` it did not need).

    ``rounding`` is how many times eps·‖A‖ the rounding already in ``A`` is. None when ``A``
    is numerically singular: not positive definite, or min dᵢ² <= size·eps·max dᵢ² for the
    factor's diagonal d.
    """
    size = A.shape[0]  # >= 1: the estimators refuse X without columns or rows
    diag = np.diag(A).copy()
    if not diag.min() > 0:
        return None
    scale = 1.0 / np.sqrt(diag)
    norm_1, scaled_norm_1 = max_abs_row_sums(A, scale)  # A is symmetric: rows' sums are columns'
    # LAPACK directly: for C-ordered A, A.T is the same memory in Fortran order, so the lower
    # factor L of Aᵀ = A is written in place, in Fortran order, which is what the solves
    # (``potrs``) and ``pocon`` read without a copy (500×500: 1.4 ms, where
    # scipy.linalg.cho_factor of the same C-ordered A takes 5.5-8 ms, and a solve with the
    # upper factor R = Lᵀ in C order copied it first: 1.7 ms against 0.25 ms)
    lower, info = scipy.linalg.lapack.dpotrf(A.T, lower=1, clean=0, overwrite_a=1)
    if info != 0:
        return None  # not positive definite (info > 0)
    factor = (lower, True)
    d = np.abs(np.diag(lower))
    eps = np.finfo(float).eps
    if d.min() ** 2 <= size * eps * d.max() ** 2:
        return None
    smallest = shift - size * eps * rounding * norm_1  # a lower bound on λ_min(A)
    if smallest > 0 and eps * rounding * norm_1 / smallest <= MAX_ERROR:
        return factor, eps * rounding * norm_1 / smallest
    rcond, info = scipy.linalg.lapack.dpocon(lower, norm_1, uplo="L")
    amplification = 1.0 / rcond if info == 0 and rcond > 0 else np.inf
    if eps * rounding * amplification > MAX_ERROR:
        # pocon reads the lower triangle only: the factor's rows scaled by D^-½
        scaled = np.asfortranarray(lower * scale[:, None])
        scaled_rcond, scaled_info = scipy.linalg.lapack.dpocon(scaled, scaled_norm_1, uplo="L")
        if scaled_info == 0 and scaled_rcond > 0:
            amplification = min(amplification, np.sqrt(diag.max() / diag.min()) / scaled_rcond)
    if not np.isfinite(amplification):
        return None
    return factor, eps * rounding * amplification


def solve_cholesky(
    XtX: np.ndarray, Xty: np.ndarray, alpha: float, *, max_error: float = MAX_ERROR
) -> CholeskySolution | None:
    """Solve the normal equations (XᵀX + αI)W = Xᵀy (Xty of shape (p, k)) by Cholesky; None when
    XᵀX + αI is numerically singular or the estimated relative error of W exceeds ``max_error``."""
    p = XtX.shape[0]
    factored = _cho_factor(XtX + alpha * np.eye(p), 1.0, shift=alpha)
    if factored is None or factored[1] > max_error:
        return None
    factor, error = factored
    return CholeskySolution(scipy.linalg.cho_solve(factor, Xty, check_finite=False).T, error)


def solve_dual(form: KernelForm, alpha: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(W (k, p), intercepts (k,)) from c = (K + αI)⁻¹ys, w = Xsᵀc; None when K + αI is singular
    or so ill-conditioned that the estimated relative error exceeds :data:`MAX_ERROR`.

    Overwrites ``form.K`` (the kernel is n×n and used once).
    """
    n = form.K.shape[0]
    A = form.K
    A.flat[:: n + 1] += alpha
    factored = _cho_factor(A, form.rounding, shift=alpha)
    if factored is None or factored[1] > MAX_ERROR:
        return None
    c = scipy.linalg.cho_solve(factored[0], form.ys, check_finite=False)
    return form.coef_and_intercept(c)


def solve_svd(Xs: np.ndarray, ys: np.ndarray, alpha: float) -> tuple[np.ndarray, int]:
    """(W (k, p) = V diag(σ/(σ² + α)) Uᵀys, the numerical rank of ``Xs``).

    Singular values below max(n, p)·eps·σ₁ count as zero, so α = 0 gives the minimum-norm
    least-squares solution. The error is about eps·κ(Xs), not eps·κ(Xs)² as through XsᵀXs.
    """
    U, sv, Vt = scipy.linalg.svd(Xs, full_matrices=False, check_finite=False)
    keep = sv > max(Xs.shape) * np.finfo(float).eps * (sv[0] if sv.size else 0.0)
    U, sv, Vt = U[:, keep], sv[keep], Vt[keep]
    return ((U.T @ ys) * (sv / (sv**2 + alpha))[:, None]).T @ Vt, int(keep.sum())
