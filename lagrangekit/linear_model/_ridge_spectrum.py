"""One eigendecomposition of the centred design, after which Ridge costs O(p·r) per α.

For n >= p the Gram form G = XsᵀXs = VΛVᵀ is decomposed; for p > n the kernel form
K = XsXsᵀ = QΛQᵀ, with V = XsᵀQΛ^{-1/2}. Either way w(α) = V diag(1/(λ + α)) z with
z = VᵀXsᵀys, and eigenvalues below max(n, p)·eps·λ_max are treated as zero, so α = 0
gives the minimum-norm least-squares solution.

An eigendecomposition of G or K knows its small eigenvalues only to eps·λ_max, as the
normal equations do. When that would cost more than :data:`MAX_ERROR` of relative accuracy
(λ_max/λ_min too large), or an eigenvalue had to be dropped, the SVD of the explicit
design Xs = UΣVᵀ is taken instead: λ = σ², z = ΣUᵀys and Q = U, each σ accurate to eps·σ₁.
:func:`norm_multiplier` finds on it the α of the norm-constrained form ‖w‖² <= s, and
:func:`loo_residual_blocks` the leave-one-out residuals of every α (RidgeCV).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.optimize

from ._design import Design
from ._ridge_solvers import MAX_ERROR
from ._ridge_stats import gram_form, kernel_form, weighted_design
from .gram_stats import NormalEquations

_BLOCK_BYTES = 1 << 21  # rows of leave-one-out residuals are computed in blocks of about 2 MiB

__all__ = [
    "RidgeSpectrum",
    "design_spectrum",
    "gram_spectrum",
    "loo_residual_blocks",
    "norm_multiplier",
    "ridge_spectrum",
    "svd_spectrum",
]


@dataclass(frozen=True)
class RidgeSpectrum:
    """The decomposition: ``eigvals`` λ (r,), ``V`` (p, r), ``z`` (r, k) and ``yy`` = ‖ys‖² (k,).

    ``x_offset_V`` is x̄ᵀV (r,) and ``y_offset`` ȳ (k,), which give the intercepts.
    ``Q`` (n, r), the sample-space eigenvectors, is kept when the kernel form was used.
    """

    eigvals: np.ndarray
    V: np.ndarray
    z: np.ndarray
    x_offset_V: np.ndarray
    y_offset: np.ndarray
    yy: np.ndarray
    Q: np.ndarray | None

    def _inverse(self, alphas: np.ndarray) -> np.ndarray:
        return 1.0 / (self.eigvals[None, :] + np.asarray(alphas, dtype=float).reshape(-1)[:, None])

    def coefs(self, alphas: np.ndarray) -> np.ndarray:
        """Coefficients for each α: shape (n_alphas, k, p)."""
        D = self._inverse(alphas)
        return np.einsum("pr,rk,ar->akp", self.V, self.z, D, optimize=True)

    def intercepts(self, alphas: np.ndarray) -> np.ndarray:
        """Intercepts ȳ − x̄ᵀw(α) for each α: shape (n_alphas, k)."""
        return self.y_offset - (self._inverse(alphas) * self.x_offset_V) @ self.z

    def squared_norms(self, alphas: np.ndarray) -> np.ndarray:
        """‖w(α)‖² summed over targets, for each α, without forming w.

        Each coordinate zⱼ/(λⱼ + α) is formed before squaring, so that tiny λ and z
        (a design scaled by 1e-200) neither underflow to 0/0 nor overflow.
        """
        coords = self._inverse(alphas)[:, :, None] * self.z[None, :, :]
        return np.einsum("ark,ark->a", coords, coords)


def _keep(eigvals: np.ndarray, size: int) -> np.ndarray:
    top = eigvals[-1] if eigvals.size else 0.0
    return eigvals > size * np.finfo(float).eps * top


def gram_spectrum(form: NormalEquations, size: int) -> RidgeSpectrum:
    """Decompose the Gram matrix XᵀX = VΛVᵀ; eigenvalues below size·eps·λ_max count as zero."""
    lam, V = scipy.linalg.eigh(form.XtX, overwrite_a=False, check_finite=False)
    keep = _keep(lam, size)
    lam, V = lam[keep], V[:, keep]
    return RidgeSpectrum(lam, V, V.T @ form.Xty, form.X_offset @ V, form.y_offset, form.yty, None)


def _accurate(kept: np.ndarray, rounding: float) -> bool:
    """True when the kept eigenvalues (ascending) give w(α) to :data:`MAX_ERROR` for every α >= 0."""
    return kept.size == 0 or np.finfo(float).eps * rounding * kept[-1] <= MAX_ERROR * kept[0]


def svd_spectrum(
    X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> RidgeSpectrum:
    """The decomposition from the SVD of the explicit centred, weighted design (a copy of X)."""
    Xs, ys, x_offset, y_offset = weighted_design(X, Y, sample_weight, fit_intercept)
    U, sv, Vt = scipy.linalg.svd(Xs, full_matrices=False, check_finite=False)
    keep = sv > max(X.shape) * np.finfo(float).eps * (sv[0] if sv.size else 0.0)
    U, sv, V = U[:, keep], sv[keep], Vt[keep].T
    with np.errstate(under="ignore", over="ignore"):
        eigvals = sv**2
    if not np.all(np.isfinite(eigvals) & (eigvals > 0)):
        raise ValueError(
            f"the design's singular values (from {sv[-1]:.1e} to {sv[0]:.1e}) square outside float64's "
            "range; rescale X (e.g. StandardScaler) to solve by the eigendecomposition"
        )
    yy = np.einsum("ij,ij->j", ys, ys)
    return RidgeSpectrum(eigvals, V, sv[:, None] * (U.T @ ys), x_offset @ V, y_offset, yy, U)


def design_spectrum(design: Design) -> RidgeSpectrum:
    """Decompose the Gram (n >= p) or kernel form of an implicit centred design, dense or sparse.

    Centring is applied to XᵀSX or XXᵀ after the product, as for sparse X it must be (X is
    not copied); eigenvalues below max(n, p)·eps·λ_max count as zero.
    """
    n, p = design.shape
    ys = design.ys
    yy = np.einsum("ij,ij->j", ys, ys)
    if n >= p:
        lam, V = scipy.linalg.eigh(design.gram(), check_finite=False)
        keep = _keep(lam, max(n, p))
        lam, V = lam[keep], V[:, keep]
        z = V.T @ design.rmatmat(ys)
        return RidgeSpectrum(lam, V, z, design.X_offset @ V, design.y_offset, yy, None)
    lam, Q = scipy.linalg.eigh(design.kernel(), check_finite=False)
    keep = _keep(lam, max(n, p))
    lam, Q = lam[keep], Q[:, keep]
    root = np.sqrt(lam)
    V = design.rmatmat(Q) / root
    return RidgeSpectrum(lam, V, root[:, None] * (Q.T @ ys), design.X_offset @ V, design.y_offset, yy, Q)


def ridge_spectrum(
    X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> RidgeSpectrum:
    """Decompose the centred, weighted design of float64 ``X`` (n, p) and ``Y`` (n, k)."""
    n, p = X.shape
    if n >= p:
        form = gram_form(X, Y, sample_weight, fit_intercept)
        lam, V = scipy.linalg.eigh(form.XtX, check_finite=False)
        keep = _keep(lam, max(n, p))
        if not keep.all() or not _accurate(lam, 1.0):  # a dropped λ may be small, not 0
            return svd_spectrum(X, Y, sample_weight, fit_intercept)
        return RidgeSpectrum(lam, V, V.T @ form.Xty, form.X_offset @ V, form.y_offset, form.yty, None)
    form = kernel_form(X, Y, sample_weight, fit_intercept)
    lam, Q = scipy.linalg.eigh(form.K, check_finite=False)
    keep = _keep(lam, max(n, p))
    # centring makes one eigenvalue of K exactly 0 (eigenvector 1/√n), which w does not see
    if np.count_nonzero(~keep) > int(fit_intercept) or not _accurate(lam[keep], form.rounding):
        return svd_spectrum(X, Y, sample_weight, fit_intercept)
    lam, Q = lam[keep], Q[:, keep]
    root = np.sqrt(lam)
    QXs, x_offset_QXs = form.coef_rows(Q)  # (centred Xs)ᵀQ as rows, without copying X
    V = QXs.T / root
    x_offset_V = x_offset_QXs / root
    yy = np.einsum("ij,ij->j", form.ys, form.ys)
    return RidgeSpectrum(lam, V, root[:, None] * (Q.T @ form.ys), x_offset_V, form.y_offset, yy, Q)


def norm_multiplier(spectrum: RidgeSpectrum, s: float) -> float:
    """The α >= 0 with ‖w(α)‖² = s, or 0 when the least-squares solution has ‖w‖² <= s.

    ‖w(α)‖² = Σⱼ zⱼ²/(λⱼ + α)² decreases strictly in α, so the root is unique; it is
    bracketed by [0, ‖z‖/√s] (where ‖w‖² <= ‖z‖²/α² <= s) and found by Brent's method on
    1/‖w(α)‖ − 1/√s, which is nearly linear in α.
    """
    if s == 0:
        return np.inf if np.any(spectrum.z) else 0.0
    # an exact power-of-2 change of units that puts the largest λ near 1: with X' = cX, λ' = c²λ,
    # z' = cz, ‖w'‖² = ‖w‖²/c² and α' = c²α, so that X·1e-152 (λ near 1e-303, whose squares
    # underflow) gives the multiplier of X scaled by 1e-304 exactly
    largest = float(np.max(spectrum.eigvals, initial=0.0))
    if largest > 0 and np.isfinite(largest):
        c2 = np.ldexp(1.0, -int(np.round(np.log2(largest))))
        if c2 != 1.0 and np.isfinite(c2) and c2 > 0:
            scaled = dataclasses.replace(spectrum, eigvals=spectrum.eigvals * c2, z=spectrum.z * np.sqrt(c2))
            return float(norm_multiplier(scaled, s / c2) / c2)
    if float(spectrum.squared_norms(np.zeros(1))[0]) <= s:
        return 0.0

    def gap(alpha: float) -> float:
        return 1.0 / np.sqrt(float(spectrum.squared_norms(np.array([alpha]))[0])) - 1.0 / np.sqrt(s)

    with np.errstate(over="ignore"):
        upper = float(np.linalg.norm(spectrum.z) / np.sqrt(s))
    if not np.isfinite(upper):
        raise ValueError(
            "the multiplier of ‖w‖² <= s overflows float64 (‖Xᵀy‖/√s is inf); "
            "rescale y or X, or use a larger s"
        )
    return float(
        scipy.optimize.brentq(gap, 0.0, upper, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
    )


def loo_residual_blocks(
    spectrum: RidgeSpectrum,
    X: Any,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    fit_intercept: bool,
    alphas: np.ndarray,
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield (rows, E) with E (m, n_alphas, k) the leave-one-out residuals yᵢ − ŷ₋ᵢ(xᵢ) of those rows.

    Ridge with an unpenalized intercept is a linear smoother ŷ = Hy with
    H = qqᵀ/‖q‖² + Z diag(1/(λ + α)) Zᵀ in the √s-scaled problem (Z = XsV, q = √s), and
    leaving sample i out changes its residual to rᵢ/(1 − Hᵢᵢ) exactly. Residuals are in
    the original scale of y (a zero-weight sample gets the full model's residual). Rows are
    processed in blocks; X (dense or sparse) is not copied.
    """
    n, p = X.shape
    k = Y.shape[1]
    D = 1.0 / (spectrum.eigvals[None, :] + alphas[:, None])  # (A, r)
    fit_coef = (spectrum.z[None, :, :] * D[:, :, None]).transpose(1, 0, 2).reshape(-1, alphas.size * k)
    s = np.ones(n) if sample_weight is None else sample_weight
    h0 = s / s.sum() if fit_intercept else np.zeros(n)
    use_Q = spectrum.Q is not None and np.all(s > 0)
    # Q spans all of the centred sample space: then 1 − Hᵢᵢ = α·Σᵣ Qᵢᵣ²/(λᵣ + α) and the residual is
    # α·(Q D Qᵀys)ᵢ, so the leave-one-out residual is their ratio, with no 1 − H cancellation
    spans = use_Q and spectrum.Q.shape[1] == n - int(fit_intercept)
    root = np.sqrt(s)
    rows = max(64, _BLOCK_BYTES // (8 * max(p, spectrum.eigvals.size, alphas.size * k)))
    for start in range(0, n, rows):
        block = slice(start, min(n, start + rows))
        if spans:
            Q = spectrum.Q[block]
            Qty = spectrum.z / np.sqrt(spectrum.eigvals)[:, None]  # (r, k)
            dual = np.einsum("mr,ar,rk->mak", Q, D, Qty)  # ((K + αI)⁻¹ys)ᵢ
            yield block, dual / ((Q * Q) @ D.T)[:, :, None] / root[block, None, None]
            continue
        if use_Q:  # Z = Q√λ is already scaled by √s
            Z = spectrum.Q[block] * np.sqrt(spectrum.eigvals)
            scale = root[block, None]
        else:
            Z = np.asarray(X[block] @ spectrum.V) - spectrum.x_offset_V
            scale = None
        lever = (Z * Z) @ D.T  # (m, A)
        H = h0[block, None] + (lever if use_Q else s[block, None] * lever)
        fitted = (Z @ fit_coef).reshape(-1, alphas.size, k)
        centred = Y[block] - spectrum.y_offset
        R = (centred * scale if use_Q else centred)[:, None, :] - fitted
        if use_Q:
            R = R / scale[:, :, None]
        yield block, R / (1.0 - H)[:, :, None]
