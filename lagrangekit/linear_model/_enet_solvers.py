"""Elastic-net solvers: each takes a quadratic datafit (on a design or on normal equations) and a penalty.

:func:`coordinate_descent` runs the compiled kernel of ``_cd`` (working sets on a design, and the
same steps in Gram mode on normal equations), reading from the datafit the arrays it needs;
:func:`multitask_coordinate_descent` runs block coordinate descent (``_cd_multitask``) on the
multi-task datafit with the group penalty; :func:`proximal_solve` runs ISTA/FISTA through the
datafit and penalty roles. Every function
here works on the scale of the estimators' objective,

    (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖²,

on data already centred when an intercept is fitted, with weights sᵢ summing to n. Tolerances
are relative: a solve stops when its duality gap is at most ``tol``·P(0), P(0) = Σᵢ sᵢyᵢ²/(2n).
Returned gaps are absolute, on the same scale.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import ConvergenceWarning
from ._quadratic import DesignQuadratic, MultiTaskDesignQuadratic, NormalEquationsQuadratic
from ._roles import ElasticNetPenalty, GroupElasticNetPenalty, Quadratic, check_roles

__all__ = ["PathSolution", "coordinate_descent", "multitask_coordinate_descent", "proximal_solve"]

_DUMMY_DENSE = np.zeros((2, 2), order="F")
_DUMMY_DATA = np.zeros(1)
_DUMMY_INDEX = np.zeros(1, dtype=np.int32)
_ONES = np.ones(1)
_ANDERSON_K = 5
# The last epoch's change bounds the coefficients' error only up to 1/(1 − ρ) for a contraction
# ρ near 1 (p > n: 0.9 and more), so the change test is taken 100 times tighter than tol, on a
# design and from the Gram matrix alike (about a seventh more epochs): the coefficients come out
# at least as accurate as scikit-learn's at the same tol, and the two kernels agree to far below it
_COEF_TOL = 1e-2
_WS_START = 10
# C-ordered X: the working set's columns are gathered into a buffer of at most this share of X
# (memory stays O(X/16)); larger working sets read X by stride
_GATHER_SHARE = 16


@dataclass(frozen=True)
class PathSolution:
    """Solutions along a sequence of penalties: ``coefs`` is (n_alphas, n_features). ``settled`` is
    False where coordinate descent ran out of epochs with its gap within tol but the coefficients
    still moving (the objective is certified, the coefficients only to about √gap)."""

    coefs: np.ndarray
    gaps: np.ndarray
    n_iter: np.ndarray
    settled: np.ndarray | None = None


def _kernel_arrays(design) -> tuple:
    """(dense X, data, indices, indptr) as the compiled kernels read a design (dummies for the
    layout not used)."""
    X = design.X
    if design.is_sparse:
        return _DUMMY_DENSE, X.data, X.indices, X.indptr
    return X, _DUMMY_DATA, _DUMMY_INDEX, _DUMMY_INDEX


def coordinate_descent(
    datafit: DesignQuadratic | NormalEquationsQuadratic,
    penalty: ElasticNetPenalty,
    *,
    alphas: np.ndarray | None = None,
    tol: float = 1e-6,
    max_iter: int = 1000,
    coef_init: np.ndarray | None = None,
    seed: int = -1,
    screen: bool = True,
) -> PathSolution:
    """Elastic net by coordinate descent, with warm starts along ``alphas`` (in the given order).

    Parameters
    ----------
    datafit : DesignQuadratic or NormalEquationsQuadratic
        The data: on a design, working-set coordinate descent reads X where it is (see
        :mod:`._design`; only a C-ordered X costs a gather buffer of n × p/16 floats); on
        normal equations, the same kernel in Gram mode needs only XᵀSX, XᵀSy, yᵀSy and n
        (statistics accumulated elsewhere: chunks, Dask), and takes the same steps.
    penalty : ElasticNetPenalty
        Its ``l1_ratio`` and ``positive``; its ``alpha`` unless ``alphas`` is given.
    alphas : array-like, optional
        Penalties solved in order with warm starts (decreasing is fastest).
    tol : float
        Relative: each solve stops when its gap is at most tol·P(0) and the last epoch moved no
        coefficient by more than tol·maxⱼ|wⱼ|/100.
    max_iter : int
        Epochs allowed per α (passes over the working set on a design).
    seed : int
        >= 0 visits the working set in a fresh random order each epoch.
    """
    from ._cd import enet_cd_design

    n, p = datafit.n_samples, datafit.n_features
    alphas = np.atleast_1d(np.asarray(penalty.alpha if alphas is None else alphas, dtype=np.float64))
    lam1 = n * alphas.reshape(-1) * penalty.l1_ratio
    lam2 = n * alphas.reshape(-1) * (1.0 - penalty.l1_ratio)
    positive = bool(penalty.positive)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    coefs = np.empty((lam1.shape[0], p))
    tol_abs = tol * datafit.null_objective() * n
    gram = isinstance(datafit, NormalEquationsQuadratic)
    if gram:  # the design kernel with g = XᵀSr in the place of r: the same steps
        G = np.ascontiguousarray(datafit.XtX, dtype=np.float64)
        dense, data, indices, indptr = G, _DUMMY_DATA, _DUMMY_INDEX, _DUMMY_INDEX
        is_sparse = row_major = False
        y, yty = np.ascontiguousarray(datafit.Xty, dtype=np.float64), datafit.yty
        weights, xbar, col_norm2 = None, np.zeros(p), np.maximum(np.diag(G), 0.0)
    else:
        design = datafit.design
        dense, data, indices, indptr = _kernel_arrays(design)
        is_sparse, row_major = design.is_sparse, design.row_major
        y, yty = design.y, 0.0  # yᵀSy is read only in Gram mode
        weights, xbar, col_norm2 = design.weights, design.x_mean, design.col_norm2
    gbuf = np.empty((n, p // _GATHER_SHARE), order="F") if row_major else _DUMMY_DENSE
    sw = _ONES if weights is None else weights
    gaps = np.empty(lam1.shape[0])
    n_iter = np.empty(lam1.shape[0], dtype=np.int64)
    settled = np.empty(lam1.shape[0], dtype=bool)
    # w = 0 is optimal from α_max up: a warm start there is dropped (from a large w, the correlations'
    # rounding can hold a coefficient at rounding level above the threshold); the kernel certifies 0
    amax = penalty.alpha_max(-datafit.correlations() / n) if np.any(w) else np.inf
    for k in range(lam1.shape[0]):
        if alphas.reshape(-1)[k] >= amax:
            w[:] = 0.0
        gap, epochs, stopped = enet_cd_design(
            dense, data, indices, indptr, is_sparse, gram, row_major, gbuf, sw, weights is not None, xbar,
            float(n), col_norm2, y, yty, w, lam1[k], lam2[k], positive, tol_abs, float(tol) * _COEF_TOL,
            int(max_iter), max(_WS_START, 2 * int(np.count_nonzero(w))), screen, _ANDERSON_K, int(seed),
        )  # fmt: skip
        coefs[k] = w
        gaps[k] = gap / n
        n_iter[k] = epochs
        settled[k] = stopped or gap > tol_abs
    return PathSolution(coefs, gaps, n_iter, settled)


def multitask_coordinate_descent(
    datafit: MultiTaskDesignQuadratic,
    penalty: GroupElasticNetPenalty,
    *,
    alphas: np.ndarray,
    tol: float = 1e-6,
    max_iter: int = 1000,
    coef_init: np.ndarray | None = None,
    seed: int = -1,
    screen: bool = True,
) -> PathSolution:
    """The multi-task elastic net by block coordinate descent, warm-started along ``alphas``.

    Minimizes ``datafit`` + ``penalty`` (W of shape (n_features, n_targets)) for each α in turn.
    ``tol`` is relative, as in :func:`coordinate_descent`: each solve stops when its gap is at most
    tol·f(0) and the last epoch moved no coefficient by more than tol·max|W|/100. ``coefs`` of
    the result is (n_alphas, n_features, n_targets); gaps are absolute, on the objective's scale.
    """
    from ._cd_multitask import multitask_cd_design

    design = datafit.design
    n, p, k = datafit.n_samples, datafit.n_features, datafit.n_targets
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    W = np.zeros((p, k)) if coef_init is None else np.array(coef_init, dtype=np.float64).reshape(p, k)
    dense, data, indices, indptr = _kernel_arrays(design)
    weights = design.weights
    Y = np.ascontiguousarray(design.Y, dtype=np.float64)
    tol_abs = tol * datafit.null_objective() * n
    coefs = np.empty((alphas.shape[0], p, k))
    gaps = np.empty(alphas.shape[0])
    n_iter = np.empty(alphas.shape[0], dtype=np.int64)
    for a, alpha in enumerate(alphas):
        gap, epochs = multitask_cd_design(
            dense, data, indices, indptr, design.is_sparse, _ONES if weights is None else weights,
            weights is not None, design.x_mean, float(n), design.col_norm2, Y, W,
            n * alpha * penalty.l1_ratio, n * alpha * (1.0 - penalty.l1_ratio), tol_abs,
            float(tol) * _COEF_TOL, int(max_iter), screen, int(seed),
        )  # fmt: skip
        coefs[a] = W
        gaps[a] = gap / n
        n_iter[a] = epochs
    return PathSolution(coefs, gaps, n_iter)


def proximal_solve(
    datafit: DesignQuadratic,
    penalty: ElasticNetPenalty,
    *,
    tol: float,
    max_iter: int,
    coef_init: np.ndarray | None,
    accelerated: bool,
) -> PathSolution:
    """ISTA/FISTA on a design's quadratic datafit, stopped at a duality gap <= tol·P(0)."""
    from ..optim import proximal_gradient
    from ._cd import duality_gap

    design = datafit.design
    n = design.n_samples
    X = design.operator()
    rows = Quadratic(X, design.ys[:, 0], n)  # f on √S·Xᶜ: value, gradient and Lipschitz constant
    check_roles("fista" if accelerated else "ista", rows, penalty)
    lam1, lam2, positive = n * penalty.l1, n * penalty.l2, penalty.positive
    idx = np.arange(design.n_features)

    def certificate(w: np.ndarray) -> float:
        r = rows.residual(w)
        z = np.asarray(X.T @ r, dtype=np.float64).ravel()
        w = np.asarray(w, dtype=np.float64)
        sums = (float(r @ r), w, float(np.abs(w).sum()), float(w @ w))
        gap, _, _ = duality_gap(*sums, z, idx, idx.size, lam1, lam2, positive)
        return gap / n

    x0 = np.zeros(design.n_features) if coef_init is None else coef_init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the estimator warns once, with the gap
        result = proximal_gradient(
            rows.value_and_gradient,
            penalty.prox,
            x0,
            lipschitz=max(rows.lipschitz(), np.finfo(float).tiny),
            accelerated=accelerated,
            max_iter=max_iter,
            tol=tol * datafit.null_objective(),
            certificate=certificate,
        )
    w = np.asarray(result.x, dtype=np.float64)
    return PathSolution(w[None, :], np.array([certificate(w)]), np.array([result.nit]))
