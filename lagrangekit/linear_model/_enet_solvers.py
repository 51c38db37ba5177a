"""Elastic-net solvers on prepared data: coordinate descent on a design or on Gram statistics.

Every function here works on the scale of the estimators' objective,

    (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖²,

on data already centred when an intercept is fitted, with weights sᵢ summing to n. Tolerances
are relative: a solve stops when its duality gap is at most ``tol``·P(0), P(0) = Σᵢ sᵢyᵢ²/(2n).
Returned gaps are absolute, on the same scale.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConvergenceWarning
from ._design import CONSTANT_CENTRED, Design
from ._roles import ElasticNetPenalty, Quadratic, check_roles
from .gram_stats import GramStats, NormalEquations

__all__ = [
    "PathSolution",
    "enet_path_design",
    "enet_path_gram",
    "gram_data",
    "proximal_solve",
]

_DUMMY_DENSE = np.zeros((2, 2), order="F")
_DUMMY_DATA = np.zeros(1)
_DUMMY_INDEX = np.zeros(1, dtype=np.int32)
_ONES = np.ones(1)
_ANDERSON_K = 5
# From the Gram matrix an epoch costs O(p²), whatever n: the last epoch's change bounds the
# coefficients' error only up to 1/(1 − ρ) for a contraction ρ near 1 (p > n: 0.9 and more), so
# there the change test is taken 100 times tighter than tol (about a fifth more epochs), and the
# coefficients come out as accurate as scikit-learn's at the same tol
_GRAM_COEF_TOL = 1e-2
_WS_START = 10
# C-ordered X: the working set's columns are gathered into a buffer of at most this share of X
# (memory stays O(X/16)); larger working sets read X by stride
_GATHER_SHARE = 16


@dataclass(frozen=True)
class PathSolution:
    """Solutions along a sequence of penalties: ``coefs`` is (n_alphas, n_features)."""

    coefs: np.ndarray
    gaps: np.ndarray
    n_iter: np.ndarray


def gram_data(stats: GramStats, fit_intercept: bool) -> list[NormalEquations]:
    """The elastic net's normal equations per target of ``stats``, weights rescaled to sum to n
    (as scikit-learn's coordinate descent does); the targets share one XᵀSX.

    With an intercept, columns constant up to rounding (of a sum over n rows) get a zero row and
    column, so their coefficient is 0, as on the design.
    """
    ne = stats.normal_equations(fit_intercept)
    n = stats.n_samples
    scale = n / stats.sum_weights
    G = np.array(ne.XtX * scale, order="C")
    B = np.atleast_2d(np.asarray(ne.Xty * scale).T).copy()
    yy, y_offsets = np.atleast_1d(ne.yty * scale), np.atleast_1d(ne.y_offset)
    x_offset = np.asarray(ne.X_offset)
    if fit_intercept:
        centred = np.diag(G).copy()
        constant = centred <= max(CONSTANT_CENTRED, (n * np.finfo(np.float64).eps) ** 2) * (
            centred + n * x_offset**2
        )
        G[constant, :] = 0.0
        G[:, constant] = 0.0
        B[:, constant] = 0.0
    return [
        NormalEquations(G, np.ascontiguousarray(b), float(q), x_offset, float(y_offset), float(n), n)
        for b, q, y_offset in zip(B, yy, y_offsets)
    ]


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
        float(tol) * _GRAM_COEF_TOL,
        int(max_iter),
        w,
        screen,
        _ANDERSON_K,
        coefs,
    )
    return PathSolution(coefs, gaps / n_samples, epochs)


def enet_path_design(
    design: Design,
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
    """Elastic net by working-set coordinate descent on a design and target, along ``alphas``.

    ``max_iter`` bounds the epochs (passes over the working set) per α; ``seed`` >= 0 visits
    the working set in a fresh random order each epoch. X is read where it is (see
    :mod:`._design`); only a C-ordered X costs a gather buffer of n × p/16 floats.
    """
    from ._cd import enet_cd_design

    X = design.X
    n = design.n_samples
    p = design.n_features
    if design.is_sparse:
        dense, data, indices, indptr = _DUMMY_DENSE, X.data, X.indices, X.indptr
    else:
        dense, data, indices, indptr = X, _DUMMY_DATA, _DUMMY_INDEX, _DUMMY_INDEX
    gbuf = np.empty((n, p // _GATHER_SHARE), order="F") if design.row_major else _DUMMY_DENSE
    weights = design.weights
    sw = _ONES if weights is None else weights
    lam1, lam2 = _penalties(alphas, l1_ratio, n)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    tol_abs = tol * design.weighted_sum_squares() / 2.0
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
            design.row_major,
            gbuf,
            sw,
            weights is not None,
            design.x_mean,
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


def proximal_solve(
    data: Any,
    alpha: float,
    *,
    l1_ratio: float,
    positive: bool,
    tol: float,
    max_iter: int,
    coef_init: np.ndarray | None,
    accelerated: bool,
) -> PathSolution:
    """ISTA/FISTA on the design of ``data`` (PreparedData), stopped at a duality gap <= tol·P(0)."""
    from ..optim import proximal_gradient
    from ._cd import duality_gap

    design = data.design
    n = design.n_samples
    X = design.operator()
    datafit = Quadratic(X, design.ys[:, 0], n)
    penalty = ElasticNetPenalty(alpha, l1_ratio, positive)
    check_roles("fista" if accelerated else "ista", datafit, penalty)
    lam1, lam2 = n * penalty.l1, n * penalty.l2
    idx = np.arange(data.n_features)
    yy = design.weighted_sum_squares()

    def certificate(w: np.ndarray) -> float:
        r = datafit.residual(w)
        z = np.asarray(X.T @ r, dtype=np.float64).ravel()
        w = np.asarray(w, dtype=np.float64)
        sums = (float(r @ r), w, float(np.abs(w).sum()), float(w @ w))
        gap, _, _ = duality_gap(*sums, z, idx, idx.size, lam1, lam2, positive)
        return gap / n

    x0 = np.zeros(data.n_features) if coef_init is None else coef_init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the estimator warns once, with the gap
        result = proximal_gradient(
            datafit.value_and_gradient,
            penalty.prox,
            x0,
            lipschitz=max(datafit.lipschitz(), np.finfo(float).tiny),
            accelerated=accelerated,
            max_iter=max_iter,
            tol=tol * yy / (2 * n),
            certificate=certificate,
        )
    w = np.asarray(result.x, dtype=np.float64)
    return PathSolution(w[None, :], np.array([certificate(w)]), np.array([result.nit]))
