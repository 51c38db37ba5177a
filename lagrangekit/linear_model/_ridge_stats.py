"""Centred, weighted second moments of (X, y) for Ridge's closed forms: Gram (n >= p) or kernel (p > n).

The Gram form is that of the rows' :class:`GramStats` (:func:`.gram_stats.centred_moments`:
blocks centred on their means, merged exactly, no copy of X). The kernel
XXᵀ is centred as HKH when there are no weights; when that would cancel more than about six
digits (columns whose mean is large against their spread), X is centred explicitly instead.
Non-finite entries of X are detected from the diagonal of the products, so no separate
finiteness pass is needed.

With sample weights s, everything is computed for the transformed design
Xs = diag(√s)(X − x̄_s) and target ys = √s (y − ȳ_s), whose plain least squares is the
weighted problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.utils import assert_all_finite

from ._validation import SQUARES_OVERFLOW
from .gram_stats import GramStats, NormalEquations, rows_stats

__all__ = [
    "KernelForm",
    "gram_form",
    "kernel_form",
    "left_multiply",
    "row_stats",
    "stats_gram_form",
    "weighted_design",
]

_CANCELLATION = 1e-6  # fall back to explicit centring when centring removes > 6 digits


@dataclass(frozen=True)
class KernelForm:
    """K = XsXsᵀ (n×n) and the transformed target ys (n×k), with what maps dual coefficients back.

    ``Xs`` maps dual coefficients c to w = (centred Xs)ᵀc. When the kernel was centred as HKH,
    ``Xs`` is X itself (not a copy) and ``row_offsets`` holds Xx̄ = K1/n from the raw kernel:
    then w = (X − 1x̄ᵀ)ᵀc = Xᵀ(c − 1c̄) and x̄ᵀw = (Xx̄)ᵀ(c − 1c̄), so the mean x̄ is never
    formed (a pass over X). Otherwise Xs is centred already and ``x_offset`` is x̄.
    ``rounding`` is how many times eps·‖K‖ the rounding error in K is (trace of the raw
    kernel over that of the centred one when it was centred as HKH, else 1).
    """

    K: np.ndarray
    ys: np.ndarray
    Xs: np.ndarray
    y_offset: np.ndarray
    x_offset: np.ndarray | None = None
    row_offsets: np.ndarray | None = None
    rounding: float = 1.0

    def coef_rows(self, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """((centred Xs)ᵀC as (m, p), and its rows' products with x̄ (m,)) for C (n, m)."""
        if self.row_offsets is None:
            W = left_multiply(C.T, self.Xs)
            return W, W @ self.x_offset
        centred = C - C.mean(axis=0)
        return left_multiply(centred.T, self.Xs), centred.T @ self.row_offsets

    def coef_and_intercept(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """w = (centred Xs)ᵀc as (k, p), and the intercepts ȳ − x̄ᵀw as (k,)."""
        W, offsets = self.coef_rows(c)
        return W, self.y_offset - offsets


def left_multiply(A: np.ndarray, M: np.ndarray) -> np.ndarray:
    """A @ M for a short A (k×m) and a tall M (m×p), as k matrix-vector products when k is small.

    BLAS gemm is several times slower than gemv when A has one or two rows.
    """
    if 0 < A.shape[0] <= 4:
        return np.stack([a @ M for a in A])
    return A @ M


def _raise_if_nonfinite(diag: np.ndarray, X: np.ndarray) -> None:
    if not np.all(np.isfinite(diag)):
        assert_all_finite(X, input_name="X")
        raise ValueError(SQUARES_OVERFLOW)


def weighted_design(
    X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Explicit Xs = √s (X − x̄), ys = √s (Y − ȳ) (copies), with the offsets."""
    p, k = X.shape[1], Y.shape[1]
    if fit_intercept:
        w = None if sample_weight is None else sample_weight / sample_weight.sum()
        x_offset = X.mean(axis=0) if w is None else w @ X
        y_offset = Y.mean(axis=0) if w is None else w @ Y
        Xs, ys = X - x_offset, Y - y_offset
    else:
        x_offset, y_offset = np.zeros(p), np.zeros(k)
        Xs, ys = X, Y
    if sample_weight is not None:
        root = np.sqrt(sample_weight)[:, None]
        Xs, ys = Xs * root, ys * root
    if not np.all(np.isfinite(x_offset)):
        raise ValueError(SQUARES_OVERFLOW)
    return Xs, ys, x_offset, y_offset


def row_stats(X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None) -> GramStats:
    """GramStats of validated float rows (:func:`.gram_stats.rows_stats`, one pass, no copy of X),
    with scikit-learn's error for non-finite X (found from the sums, not by a separate pass)."""
    stats = rows_stats(X, Y, sample_weight)
    _raise_if_nonfinite(np.concatenate([np.diagonal(stats.XtX_centered), stats.X_mean]), X)
    return stats


def stats_gram_form(stats: GramStats, fit_intercept: bool) -> NormalEquations:
    """Ridge's normal equations of the statistics (raw weights sᵢ), centred when ``fit_intercept``,
    with the targets as columns: Xty (p, k), yty, y_offset (k,) also for a 1-D y."""
    ne = stats.normal_equations(fit_intercept)
    if stats.n_targets is not None:
        return ne
    return ne._replace(Xty=ne.Xty[:, None], yty=np.atleast_1d(ne.yty), y_offset=np.atleast_1d(ne.y_offset))


def gram_form(
    X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> NormalEquations:
    """Centred (weighted) Gram statistics of float64 ``X`` (n, p), ``Y`` (n, k); inputs unchanged.

    The form of :func:`row_stats`: a fit from the rows and a fit from their :class:`GramStats`
    take the same arithmetic.
    """
    return stats_gram_form(row_stats(X, Y, sample_weight), fit_intercept)


def kernel_form(
    X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> KernelForm:
    """Centred (weighted) kernel statistics of float64 ``X`` (n, p), ``Y`` (n, k); inputs unchanged."""
    if sample_weight is not None:
        Xs, ys, x_offset, y_offset = weighted_design(X, Y, sample_weight, fit_intercept)
        K = Xs @ Xs.T
        _raise_if_nonfinite(np.diag(K), X)
        return KernelForm(K, ys, Xs, y_offset, x_offset=x_offset)
    with np.errstate(invalid="ignore", over="ignore"):  # non-finite X is reported from diag(K)
        K = X @ X.T
    diag = np.diag(K).copy()
    _raise_if_nonfinite(diag, X)
    if not fit_intercept:
        return KernelForm(K, Y, X, np.zeros(Y.shape[1]), x_offset=np.zeros(X.shape[1]))
    y_offset = Y.mean(axis=0)
    row_means = K.mean(axis=1)  # Xx̄
    K -= row_means[:, None]
    K -= row_means[None, :]
    K += row_means.mean()
    trace = np.trace(K)
    if trace < _CANCELLATION * diag.sum():
        x_offset = X.mean(axis=0)
        Xc = X - x_offset
        return KernelForm(Xc @ Xc.T, Y - y_offset, Xc, y_offset, x_offset=x_offset)
    return KernelForm(
        K, Y - y_offset, X, y_offset, row_offsets=row_means, rounding=float(diag.sum() / trace)
    )
