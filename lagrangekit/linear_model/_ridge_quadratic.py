"""Ridge's quadratic datafit on its two shapes, with the closed forms of the L2 penalty as methods.

The datafit is f(W, b) = Σᵢ sᵢ‖yᵢ − b − Wxᵢ‖² (the weights as given), the penalty α‖W‖²
(L2, b unpenalized). On either shape the closed forms are methods of the datafit:

* :class:`RowsRidgeQuadratic`: float64 rows (X, Y, weights). On dense X ``cholesky`` solves the
  normal equations of the rows' one-pass Gram statistics (:func:`._ridge_stats.gram_form`, the
  arithmetic of :class:`GramStats`), ``dual`` the kernel form (p > n), ``svd`` the SVD of the
  explicit centred design; ``spectrum`` is the one eigendecomposition of paths, CV and the
  constrained form (on sparse X, of the implicit centred design's Gram or kernel matrix).
* :class:`GramRidgeQuadratic`: a :class:`GramStats`. ``cholesky`` solves the same normal
  equations, ``spectrum`` decomposes them; there is no ``dual`` or ``svd`` (they need the rows).

``closed_form(alpha, solver)`` picks among them as Ridge does: Cholesky (or the dual) when its
estimated error is within :data:`._ridge_solvers.MAX_ERROR`, else the SVD (or the
eigendecomposition of the statistics). So ``fit(X)`` and ``fit(GramStats)`` take the same
arithmetic up to that fallback. Sparse X goes to the iterative solvers on the design
(:mod:`._ridge_iterative`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sparse

from ._design import Design, centred_design
from ._ridge_solvers import MAX_ERROR, min_norm_warning, solve_cholesky, solve_dual, solve_svd
from ._ridge_spectrum import RidgeSpectrum, design_spectrum, gram_spectrum, ridge_spectrum, svd_spectrum
from ._ridge_stats import gram_form, kernel_form, stats_gram_form, weighted_design
from .gram_stats import GramStats

__all__ = ["GramRidgeQuadratic", "RowsRidgeQuadratic"]

Solution = tuple[np.ndarray, np.ndarray]  # W (k, p), b (k,)


@dataclass(frozen=True)
class RowsRidgeQuadratic:
    """Σᵢ sᵢ‖yᵢ − b − Wxᵢ‖² on float64 rows ``X`` (n, p), ``Y`` (n, k); inputs never changed.

    ``X`` is dense for the closed forms, dense or scipy.sparse CSR/CSC for :meth:`spectrum` and
    :attr:`design` (read by the iterative solvers with an :class:`._roles.L2Penalty`).
    """

    X: Any
    Y: np.ndarray
    sample_weight: np.ndarray | None
    fit_intercept: bool

    def cholesky(self, alpha: float) -> Solution | None:
        """Cholesky on the centred Gram form, or None when its estimated error passes MAX_ERROR."""
        form = gram_form(self.X, self.Y, self.sample_weight, self.fit_intercept)
        solved = solve_cholesky(form.XtX, form.Xty, alpha)
        if solved is None:
            return None
        return solved.W, form.y_offset - solved.W @ form.X_offset

    def dual(self, alpha: float) -> Solution | None:
        """Cholesky on the centred kernel form (α > 0), or None when it is too ill-conditioned."""
        if not alpha > 0:
            return None
        return solve_dual(kernel_form(self.X, self.Y, self.sample_weight, self.fit_intercept), alpha)

    def svd(self, alpha: float) -> Solution:
        """The SVD of the explicit centred design (error eps·κ(X)); at α = 0 on a rank-deficient
        design the minimum-norm solution, with a :class:`SingularWarning`."""
        Xs, ys, x_off, y_off = weighted_design(self.X, self.Y, self.sample_weight, self.fit_intercept)
        W, rank = solve_svd(Xs, ys, alpha)
        p = self.X.shape[1]
        if alpha == 0 and rank < p:
            min_norm_warning(f"alpha=0 and the centred design has rank {rank} < {p} features")
        return W, y_off - W @ x_off

    @cached_property
    def design(self) -> Design:
        """The implicit centred design (X not copied): what the iterative solvers read."""
        return centred_design(self.X, self.Y, self.sample_weight, self.fit_intercept)

    def intercepts(self, W: np.ndarray) -> np.ndarray:
        """b = ȳ − W x̄ for coefficients W (k, p) (zeros without an intercept)."""
        return self.design.y_offset - W @ self.design.X_offset

    def spectrum(self, *, svd: bool = False) -> RidgeSpectrum:
        """One eigendecomposition for many α (paths, CV, the constrained form); with ``svd`` the
        SVD of the explicit centred design (dense X only)."""
        if sparse.issparse(self.X):
            return design_spectrum(self.design)
        decompose = svd_spectrum if svd else ridge_spectrum
        return decompose(self.X, self.Y, self.sample_weight, self.fit_intercept)

    def closed_form(self, alpha: float, solver: str) -> tuple[np.ndarray, np.ndarray, str]:
        """(W, b, the solver used): ``solver`` ("cholesky", "dual" or "svd"), or the SVD when
        Cholesky declines."""
        solved = {"cholesky": self.cholesky, "dual": self.dual}.get(solver, lambda a: None)(alpha)
        if solved is not None:
            return solved[0], solved[1], solver
        return (*self.svd(alpha), "svd")

    def closed_forms(self, alphas: np.ndarray, solver: str) -> tuple[np.ndarray, np.ndarray, str]:
        """:meth:`closed_form` for one α per target: shared when all are equal, else target by target
        (the solver used is "svd" when the targets' differ)."""
        if np.ptp(alphas) == 0:
            return self.closed_form(float(alphas[0]), solver)
        parts = [
            RowsRidgeQuadratic(self.X, self.Y[:, [j]], self.sample_weight, self.fit_intercept).closed_form(
                float(a), solver
            )
            for j, a in enumerate(alphas)
        ]
        used = {part[2] for part in parts}
        return (
            np.vstack([part[0] for part in parts]),
            np.concatenate([part[1] for part in parts]),
            used.pop() if len(used) == 1 else "svd",
        )


@dataclass(frozen=True)
class GramRidgeQuadratic:
    """Σᵢ sᵢ‖yᵢ − b − Wxᵢ‖² read from a :class:`GramStats` (targets as columns)."""

    stats: GramStats
    fit_intercept: bool

    def spectrum(self) -> RidgeSpectrum:
        """The eigendecomposition of the centred XᵀSX (the SVD of the design, from its statistics)."""
        form = stats_gram_form(self.stats, self.fit_intercept)
        return gram_spectrum(form, max(self.stats.n_samples, self.stats.n_features))

    def closed_form(self, alpha: float, solver: str) -> tuple[np.ndarray, np.ndarray, str]:
        """(W (k, p), b (k,), the solver used): Cholesky of C + αI, or the eigendecomposition of C.

        The solvers that need the rows ("dual" and the first-order methods) are refused. The
        solver used is "cholesky", or "eigh" for ``solver="svd"`` and for the minimum-norm
        fallback at α = 0 with a singular C. An ill-conditioned C + αI is solved anyway, with a
        LinAlgWarning giving the estimated error (the rows' SVD is not available here).
        """
        if solver not in ("auto", "cholesky", "svd"):
            raise ValueError(
                f"solver={solver!r} needs the rows of X; fitting from GramStats supports "
                "'auto', 'cholesky' and 'svd'"
            )
        form = stats_gram_form(self.stats, self.fit_intercept)
        solved = solve_cholesky(form.XtX, form.Xty, alpha, max_error=np.inf) if solver != "svd" else None
        if solved is not None and solved.error_estimate > MAX_ERROR:
            warnings.warn(
                f"the Gram matrix + alpha*I is ill-conditioned: the coefficients from GramStats carry an "
                f"estimated relative error of {solved.error_estimate:.1e}. Fit from the rows (X, y) to use "
                "the SVD of the design, whose error grows with κ(X) instead of κ(X)².",
                scipy.linalg.LinAlgWarning,
                stacklevel=3,
            )
        if solved is not None:
            return solved.W, form.y_offset - solved.W @ form.X_offset, "cholesky"
        if solver != "svd" and alpha == 0:
            min_norm_warning("alpha=0 and the Gram matrix is singular")
        W = self.spectrum().coefs(np.array([alpha]))[0]
        return W, form.y_offset - W @ form.X_offset, "eigh"
