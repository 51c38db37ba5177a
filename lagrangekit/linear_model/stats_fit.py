"""Fitting the linear estimators from GramStats: routing ``fit``'s inputs, and each solver's Gram form.

The single entry point is ``estimator.fit(stats)``: a :class:`GramStats` passed where X goes,
with ``y`` and ``sample_weight`` omitted (they are summarized in it). Cross-validated
estimators take a :class:`GramFolds` the same way. A Dask array passed as X is turned into
statistics here, with one ``dask.compute``, and never pulled into memory. The estimators'
``fit``, ``kkt`` and path functions call :func:`gram_stats_input` (or
:func:`gram_folds_input`) first; the adapters below give their solvers the Gram form they
already use for in-memory data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._dask import is_dask_array
from ._enet_data import gram_data
from ._enet_solvers import coordinate_descent
from ._quadratic import NormalEquationsQuadratic
from ._ridge_quadratic import GramRidgeQuadratic
from ._roles import ElasticNetPenalty
from .gram_folds import GramFolds
from .gram_stats import GramStats

__all__ = [
    "enet_fold_errors",
    "enet_gram_datafit",
    "fit_ridge_cv_from_folds",
    "gram_folds_input",
    "gram_stats_input",
]


def _check_alone(y: Any, sample_weight: Any, what: str) -> None:
    if y is not None or sample_weight is not None:
        raise ValueError(
            f"fit({what}) takes the statistics alone: y and sample_weight are already summarized in "
            "them, so pass neither"
        )


def gram_stats_input(
    X: Any, y: Any = None, sample_weight: Any = None, *, multi_output: bool = True
) -> GramStats | None:
    """The statistics ``fit(X, y, sample_weight)`` should use, or None when X is in-memory data.

    X itself when it is a :class:`GramStats` (``y`` and ``sample_weight`` must then be None);
    ``GramStats.from_dask(X, y, sample_weight)`` when X is a Dask array. Statistics of a 2-D
    y are refused unless ``multi_output``.
    """
    if isinstance(X, GramFolds):
        raise TypeError("this estimator fits from GramStats, not GramFolds: pass folds.total")
    if isinstance(X, GramStats):
        _check_alone(y, sample_weight, "stats")
        stats = X
    elif is_dask_array(X):
        stats = GramStats.from_dask(X, y, sample_weight)
    else:
        return None
    if not multi_output and stats.n_targets is not None:
        raise ValueError(f"this estimator needs a 1-D y; these statistics have {stats.n_targets} targets")
    if not stats.sum_weights > 0:
        raise ValueError(
            f"these GramStats hold no data (n_samples={stats.n_samples}, sum of weights "
            f"{stats.sum_weights:g}); a fit needs at least one row with a positive weight"
        )
    return stats


def gram_folds_input(
    X: Any, y: Any, sample_weight: Any, cv: Any, *, default_splits: int | None
) -> GramFolds | None:
    """The per-fold statistics a CV estimator's ``fit`` should use, or None for in-memory data.

    X itself when it is a :class:`GramFolds`; for a Dask array, interleaved folds (row i in
    fold i % K) with K = ``cv`` (an int) or ``default_splits`` when ``cv`` is None. A plain
    :class:`GramStats` is refused: validation needs the folds kept apart.
    """
    if isinstance(X, GramStats):
        raise ValueError(
            "cross-validation needs per-fold statistics: build a GramFolds (from_arrays, from_chunks "
            "or from_dask) and pass it to fit"
        )
    if isinstance(X, GramFolds):
        _check_alone(y, sample_weight, "folds")
        folds = X
    elif is_dask_array(X):
        n_splits = default_splits if cv is None else cv
        if not isinstance(n_splits, (int, np.integer)) or isinstance(n_splits, bool):
            raise ValueError(
                "with Dask arrays, cv must be an int K (row i goes to fold i % K); "
                f"got cv={cv!r}" + ("" if default_splits else " (leave-one-out needs the rows)")
            )
        folds = GramFolds.from_dask(X, y, sample_weight, n_splits=int(n_splits))
    else:
        return None
    return folds


# ---------------------------------------------------------------------- Ridge family
def fit_ridge_cv_from_folds(
    folds: GramFolds, alphas: np.ndarray, fit_intercept: bool
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """RidgeCV from per-fold statistics: each training merge's spectrum scores every α, then a refit.

    The score of α is the (weighted) mean squared error on each held-out fold, averaged over
    folds, as RidgeCV computes it from the rows. Returns (index of the best α, the mean squared
    errors per α, W (1, p) and b (1,) refitted on all folds at the best α).
    """

    def path(train: GramStats) -> tuple[np.ndarray, np.ndarray]:
        spectrum = GramRidgeQuadratic(train, fit_intercept).spectrum()
        intercepts = spectrum.intercepts(alphas)[:, 0] if fit_intercept else np.zeros(alphas.size)
        return spectrum.coefs(alphas)[:, 0, :].T, intercepts

    mse = folds.mse_path(path).mean(axis=1)
    best = int(np.argmin(mse))
    spectrum = GramRidgeQuadratic(folds.total, fit_intercept).spectrum()
    W = spectrum.coefs(alphas[best : best + 1])[0]
    b = spectrum.intercepts(alphas[best : best + 1])[0] if fit_intercept else np.zeros(1)
    return best, mse, W, b


# ---------------------------------------------------------------------- Lasso family
def enet_gram_datafit(stats: GramStats, fit_intercept: bool, solver: str) -> NormalEquationsQuadratic:
    """The elastic net's quadratic datafit on the statistics, weights rescaled to sum to n as
    scikit-learn does.

    Only coordinate descent works from statistics; "fista" and "ista" need the rows.
    """
    if solver != "cd":
        raise ValueError(
            f"solver={solver!r} needs the rows of X; fitting from GramStats uses coordinate descent "
            "(solver='auto' or 'cd')"
        )
    if stats.n_targets is not None:
        raise ValueError(f"the elastic net needs a 1-D y; these statistics have {stats.n_targets} targets")
    return gram_data(stats, fit_intercept)[0]


def enet_fold_errors(
    folds: GramFolds,
    grids: np.ndarray,
    l1_ratios: np.ndarray,
    fit_intercept: bool,
    *,
    positive: bool,
    **options: Any,
) -> np.ndarray:
    """Held-out (weighted) MSE of warm-started elastic-net paths, (n_l1_ratio, n_alphas, n_folds).

    Row i solves the path ``grids[i]`` at ``l1_ratios[i]`` on every training merge of ``folds``
    (``options``: tol, max_iter), as ElasticNetCV does on the rows.
    """

    def errors(grid: np.ndarray, l1_ratio: float) -> np.ndarray:
        def path(train: GramStats) -> tuple[np.ndarray, np.ndarray]:
            data = enet_gram_datafit(train, fit_intercept, "cd")
            penalty = ElasticNetPenalty(1.0, l1_ratio, positive)
            sol = coordinate_descent(data, penalty, alphas=grid, **options)
            return sol.coefs.T, np.array([data.intercept(c) for c in sol.coefs])

        return folds.mse_path(path)

    return np.stack([errors(grid, float(l1)) for grid, l1 in zip(grids, l1_ratios)])


