"""One eigendecomposition of the centred design, after which Ridge costs O(p·r) per α.

For n >= p the Gram form G = XsᵀXs = VΛVᵀ is decomposed; for p > n the kernel form
K = XsXsᵀ = QΛQᵀ, with V = XsᵀQΛ^{-1/2}. Either way w(α) = V diag(1/(λ + α)) z with
z = VᵀXsᵀys, and eigenvalues below max(n, p)·eps·λ_max are treated as zero, so α = 0
gives the minimum-norm least-squares solution.

An eigendecomposition of G or K knows its small eigenvalues only to eps·λ_max, as the
normal equations do. When that would cost more than :data:`MAX_ERROR` of relative accuracy
(λ_max/λ_min too large), or an eigenvalue had to be dropped, the SVD of the explicit
design Xs = UΣVᵀ is taken instead: λ = σ², z = ΣUᵀys and Q = U, each σ accurate to eps·σ₁.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from ._design import Design
from ._ridge_solvers import MAX_ERROR
from ._ridge_stats import GramForm, gram_form, kernel_form, weighted_design

__all__ = ["RidgeSpectrum", "design_spectrum", "gram_spectrum", "ridge_spectrum", "svd_spectrum"]


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


def gram_spectrum(form: GramForm, size: int) -> RidgeSpectrum:
    """Decompose the Gram form G = VΛVᵀ; eigenvalues below size·eps·λ_max count as zero."""
    lam, V = scipy.linalg.eigh(form.G, overwrite_a=False, check_finite=False)
    keep = _keep(lam, size)
    lam, V = lam[keep], V[:, keep]
    return RidgeSpectrum(lam, V, V.T @ form.B, form.x_offset @ V, form.y_offset, form.yy, None)


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
        lam, V = scipy.linalg.eigh(form.G, check_finite=False)
        keep = _keep(lam, max(n, p))
        if not keep.all() or not _accurate(lam, 1.0):  # a dropped λ may be small, not 0
            return svd_spectrum(X, Y, sample_weight, fit_intercept)
        return RidgeSpectrum(lam, V, V.T @ form.B, form.x_offset @ V, form.y_offset, form.yy, None)
    form = kernel_form(X, Y, sample_weight, fit_intercept)
    lam, Q = scipy.linalg.eigh(form.K, check_finite=False)
    keep = _keep(lam, max(n, p))
    # centring makes one eigenvalue of K exactly 0 (eigenvector 1/√n), which w does not see
    if np.count_nonzero(~keep) > int(fit_intercept) or not _accurate(lam[keep], form.rounding):
        return svd_spectrum(X, Y, sample_weight, fit_intercept)
    lam, Q = lam[keep], Q[:, keep]
    root = np.sqrt(lam)
    XsQ = (Q.T @ form.Xs).T
    if form.raw:  # (X − x̄)ᵀQ = XᵀQ − x̄·1ᵀQ, without copying X
        XsQ -= np.outer(form.x_offset, Q.sum(axis=0))
    V = XsQ / root
    x_offset_V = form.x_offset @ V
    yy = np.einsum("ij,ij->j", form.ys, form.ys)
    return RidgeSpectrum(lam, V, root[:, None] * (Q.T @ form.ys), x_offset_V, form.y_offset, yy, Q)
