"""Closed-form Ridge solutions: Cholesky on the Gram form, the dual (kernel) form, and the SVD."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg

from ._ridge_stats import GramForm, KernelForm

__all__ = ["SingularWarning", "min_norm_warning", "solve_cholesky", "solve_dual", "solve_svd"]


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


def _cho_factor_or_none(A: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """Upper Cholesky factor of the square matrix ``A`` (overwritten), or None when ``A`` is
    numerically singular: not positive definite, or min dᵢ² <= size·eps·max dᵢ² for the
    factor's diagonal d."""
    size = A.shape[0]
    try:
        factor = scipy.linalg.cho_factor(A, lower=False, overwrite_a=True, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    d = np.abs(np.diag(factor[0]))
    if d.min() ** 2 <= size * np.finfo(float).eps * d.max() ** 2:
        return None
    return factor


def solve_cholesky(form: GramForm, alpha: float) -> np.ndarray | None:
    """W (k, p) solving (G + αI)w = b, or None when G + αI is numerically singular."""
    p = form.G.shape[0]
    factor = _cho_factor_or_none(form.G + alpha * np.eye(p))
    if factor is None:
        return None
    return scipy.linalg.cho_solve(factor, form.B, check_finite=False).T


def solve_dual(form: KernelForm, alpha: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(W (k, p), intercepts (k,)) from c = (K + αI)⁻¹ys, w = Xsᵀc; None when singular.

    Overwrites ``form.K`` (the kernel is n×n and used once).
    """
    n = form.K.shape[0]
    A = form.K
    A.flat[:: n + 1] += alpha
    factor = _cho_factor_or_none(A)
    if factor is None:
        return None
    c = scipy.linalg.cho_solve(factor, form.ys, check_finite=False)
    return form.coef_and_intercept(c)


def solve_svd(Xs: np.ndarray, ys: np.ndarray, alpha: float) -> np.ndarray:
    """W (k, p) = V diag(σ/(σ² + α)) Uᵀys; with α = 0, singular values below max(n, p)·eps·σ₁ are dropped."""
    U, sv, Vt = scipy.linalg.svd(Xs, full_matrices=False, check_finite=False)
    keep = sv > max(Xs.shape) * np.finfo(float).eps * (sv[0] if sv.size else 0.0)
    U, sv, Vt = U[:, keep], sv[keep], Vt[keep]
    return ((U.T @ ys) * (sv / (sv**2 + alpha))[:, None]).T @ Vt
