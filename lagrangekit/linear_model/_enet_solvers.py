"""Elastic-net solvers on prepared data: coordinate descent on a design or on Gram statistics.

Every function here works on the scale of the estimators' objective,

    (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖²,

on data already centred when an intercept is fitted, with weights sᵢ summing to n. Tolerances
are relative: a solve stops when its duality gap is at most ``tol``·P(0), P(0) = Σᵢ sᵢyᵢ²/(2n).
Returned gaps are absolute, on the same scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse

from ._preprocessing import SQUARES_OVERFLOW, center_data

__all__ = [
    "DesignData",
    "GramData",
    "PathSolution",
    "enet_path_design",
    "enet_path_gram",
    "gram_statistics",
    "prepare_design",
    "rescale_weights",
]

_DUMMY_DENSE = np.zeros((2, 2), order="F")
_DUMMY_DATA = np.zeros(1)
_DUMMY_INDEX = np.zeros(1, dtype=np.int32)
_ANDERSON_K = 5
_WS_START = 10
_CANCELLATION = 1e-6  # centre explicitly when implicit centring would cancel > 6 digits


@dataclass(frozen=True)
class DesignData:
    """A centred, weight-scaled design ready for the coordinate-descent kernel.

    Column j of the centred design is X̃ⱼ − x̄ⱼ·v, with X̃ = ``X`` (rows scaled by v, the
    square roots of the weights, ``root_weights``) and x̄ = ``xbar``: CSC designs and
    uncopied dense ones keep ``xbar`` as the column means that the kernel subtracts
    implicitly; explicitly centred dense copies have ``xbar`` = 0.
    """

    X: Any
    y: np.ndarray
    xbar: np.ndarray
    col_norm2: np.ndarray
    n_samples: int
    X_offset: np.ndarray
    y_offset: float
    root_weights: np.ndarray

    @property
    def is_sparse(self) -> bool:
        return sparse.issparse(self.X)

    def operator(self) -> Any:
        """The centred design as an array, or as a LinearOperator X̃ − v·x̄ᵀ for sparse data."""
        if not np.any(self.xbar):
            return self.X
        from scipy.sparse.linalg import LinearOperator

        X, xbar = self.X, self.xbar
        v = self.root_weights
        return LinearOperator(
            X.shape,
            matvec=lambda w: X @ np.ravel(w) - v * (xbar @ np.ravel(w)),
            rmatvec=lambda r: X.T @ np.ravel(r) - xbar * (v @ np.ravel(r)),
            dtype=np.float64,
        )

    def correlations(self) -> np.ndarray:
        """Xᶜᵀ S yᶜ; the implicit centring drops out because the weighted yᶜ sums to zero."""
        return np.asarray(self.X.T @ self.y).ravel()


@dataclass(frozen=True)
class GramData:
    """Sufficient statistics of centred, weighted data: XᵀX, Xᵀy, yᵀy, n and the means."""

    XtX: np.ndarray
    Xty: np.ndarray
    yty: float
    n_samples: int
    X_offset: np.ndarray
    y_offset: float


@dataclass(frozen=True)
class PathSolution:
    """Solutions along a sequence of penalties: ``coefs`` is (n_alphas, n_features)."""

    coefs: np.ndarray
    gaps: np.ndarray
    n_iter: np.ndarray


def rescale_weights(sample_weight: np.ndarray | None, n_samples: int) -> np.ndarray | None:
    """Weights rescaled to sum to ``n_samples``, as scikit-learn's coordinate descent does."""
    if sample_weight is None:
        return None
    return sample_weight * (n_samples / sample_weight.sum())


def prepare_design(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> DesignData:
    """Centre and √s-scale ``X`` for the kernel, copying it only when needed. Inputs are not modified.

    Sparse ``X``, and unweighted Fortran-ordered float64 ``X`` whose centring cancels fewer
    than six digits, are used as they are, with the column means kept in ``xbar`` for the
    kernel's implicit centring; any other dense ``X`` becomes one centred Fortran-ordered copy.
    """
    n, p = X.shape
    sw = rescale_weights(sample_weight, n)
    root = None if sw is None else np.sqrt(sw)
    v = np.ones(n) if root is None else root
    if not sparse.issparse(X) and sw is None and X.dtype == np.float64 and X.flags.f_contiguous:
        x_mean = X.mean(axis=0) if fit_intercept else np.zeros(p)
        squares = np.einsum("ij,ij->j", X, X)
        col_norm2 = squares - n * x_mean**2
        if np.all(col_norm2 >= _CANCELLATION * squares):
            y_mean = float(y.mean()) if fit_intercept else 0.0
            yc = np.asarray(y, dtype=np.float64) - y_mean
            return DesignData(X, yc, x_mean, col_norm2, n, x_mean, y_mean, v)
    cd = center_data(X, y, sw, fit_intercept, order="F")
    yc = np.asarray(cd.y, dtype=np.float64)
    if root is not None:
        yc = yc * root
    if sparse.issparse(X):
        Xs = sparse.csc_matrix(X, dtype=np.float64, copy=True)
        Xs.sum_duplicates()
        if root is not None:
            Xs.data *= root[Xs.indices]
        xbar = np.asarray(cd.X_offset, dtype=np.float64) if fit_intercept else np.zeros(p)
        col_norm2 = np.asarray(Xs.multiply(Xs).sum(axis=0)).ravel() - n * xbar**2
        col_norm2 = np.maximum(col_norm2, 0.0)
        Xd: Any = Xs
    else:
        Xd = cd.X
        if Xd is X or Xd.dtype != np.float64 or not Xd.flags.f_contiguous:
            Xd = np.array(Xd, dtype=np.float64, order="F", copy=True)
        if root is not None:
            Xd *= root[:, None]
        xbar = np.zeros(p)
        col_norm2 = np.einsum("ij,ij->j", Xd, Xd)
    x_offset = np.asarray(cd.X_offset, dtype=np.float64)
    if not (np.all(np.isfinite(col_norm2)) and np.all(np.isfinite(x_offset))):
        raise ValueError(SQUARES_OVERFLOW)
    return DesignData(Xd, yc, xbar, col_norm2, n, x_offset, float(cd.y_offset), v)


def gram_statistics(
    X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
) -> GramData:
    """XᵀSX, XᵀSy and yᵀSy of the (weighted-)centred dense data, with S rescaled to sum to n.

    Uses Ridge's one-pass block accumulation (no copy of X without weights).
    """
    from ._ridge_stats import gram_form

    n = X.shape[0]
    sw = rescale_weights(sample_weight, n)
    form = gram_form(
        np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)[:, None], sw, fit_intercept
    )
    return GramData(
        np.ascontiguousarray(form.G),
        np.ascontiguousarray(form.B[:, 0]),
        float(form.yy[0]),
        n,
        np.asarray(form.x_offset, dtype=np.float64),
        float(form.y_offset[0]),
    )


def _penalties(alphas: np.ndarray, l1_ratio: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    return n * alphas * l1_ratio, n * alphas * (1.0 - l1_ratio)


def enet_path_gram(
    XtX: np.ndarray,
    Xty: np.ndarray,
    yty: float,
    n_samples: int,
    alphas: np.ndarray,
    *,
    l1_ratio: float = 1.0,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 1000,
    coef_init: np.ndarray | None = None,
    screen: bool = True,
) -> PathSolution:
    """Elastic net from sufficient statistics alone, along ``alphas`` (in the given order).

    Parameters
    ----------
    XtX, Xty, yty, n_samples
        XᵀSX (p, p), XᵀSy (p,), yᵀSy and n of the centred data with weights S summing to n;
        this is the entry point for statistics accumulated elsewhere (chunks, Dask).
    alphas : array-like
        Penalties, solved in order with warm starts (decreasing is fastest).
    tol : float
        Relative: each solve stops when its gap is at most tol·yᵀSy/(2n) and the last epoch
        moved no coefficient by more than tol·maxⱼ|wⱼ|.
    max_iter : int
        Coordinate-descent epochs allowed per α.
    """
    from ._cd import enet_cd_gram_path

    G = np.ascontiguousarray(XtX, dtype=np.float64)
    q = np.ascontiguousarray(Xty, dtype=np.float64)
    p = q.shape[0]
    lam1, lam2 = _penalties(alphas, l1_ratio, n_samples)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    coefs = np.empty((lam1.shape[0], p))
    tol_abs = tol * float(yty) / 2.0
    gaps, epochs = enet_cd_gram_path(
        G,
        q,
        float(yty),
        lam1,
        lam2,
        bool(positive),
        tol_abs,
        float(tol),
        int(max_iter),
        w,
        screen,
        _ANDERSON_K,
        coefs,
    )
    return PathSolution(coefs, gaps / n_samples, epochs)


def enet_path_design(
    design: DesignData,
    alphas: np.ndarray,
    *,
    l1_ratio: float = 1.0,
    positive: bool = False,
    tol: float = 1e-6,
    max_iter: int = 1000,
    coef_init: np.ndarray | None = None,
    seed: int = -1,
    screen: bool = True,
) -> PathSolution:
    """Elastic net by working-set coordinate descent on a prepared design, along ``alphas``.

    ``max_iter`` bounds the epochs (passes over the working set) per α; ``seed`` >= 0 visits
    the working set in a fresh random order each epoch.
    """
    from ._cd import enet_cd_design

    X = design.X
    n = design.n_samples
    p = design.xbar.shape[0]
    if design.is_sparse:
        dense, data, indices, indptr = _DUMMY_DENSE, X.data, X.indices, X.indptr
    else:
        dense, data, indices, indptr = X, _DUMMY_DATA, _DUMMY_INDEX, _DUMMY_INDEX
    lam1, lam2 = _penalties(alphas, l1_ratio, n)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    tol_abs = tol * float(design.y @ design.y) / 2.0
    coefs = np.empty((lam1.shape[0], p))
    gaps = np.empty(lam1.shape[0])
    n_iter = np.empty(lam1.shape[0], dtype=np.int64)
    for k in range(lam1.shape[0]):
        gap, epochs, _ = enet_cd_design(
            dense,
            data,
            indices,
            indptr,
            design.is_sparse,
            design.xbar,
            float(n),
            design.col_norm2,
            design.y,
            w,
            lam1[k],
            lam2[k],
            bool(positive),
            tol_abs,
            float(tol),
            int(max_iter),
            max(_WS_START, 2 * int(np.count_nonzero(w))),
            screen,
            _ANDERSON_K,
            int(seed),
        )
        coefs[k] = w
        gaps[k] = gap / n
        n_iter[k] = epochs
    return PathSolution(coefs, gaps, n_iter)
