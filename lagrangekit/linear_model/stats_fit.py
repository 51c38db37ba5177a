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

import warnings
from typing import Any

import numpy as np
import scipy.linalg

from ._dask import is_dask_array
from ._enet_data import PreparedData
from ._enet_solvers import gram_data
from ._ridge_solvers import MAX_ERROR, min_norm_warning, solve_cholesky
from ._ridge_spectrum import gram_spectrum
from ._ridge_stats import stats_gram_form
from .gram_folds import GramFolds
from .gram_stats import GramStats

__all__ = [
    "enet_fold_errors",
    "enet_prepared_data",
    "fit_ridge_cv_from_folds",
    "fit_ridge_from_stats",
    "gram_folds_input",
    "gram_stats_input",
    "ridge_stats_spectrum",
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
def ridge_stats_spectrum(stats: GramStats, fit_intercept: bool) -> Any:
    """The eigendecomposition Ridge's paths, CV and constrained form use, from the statistics."""

    return gram_spectrum(stats_gram_form(stats, fit_intercept), max(stats.n_samples, stats.n_features))


def fit_ridge_from_stats(
    stats: GramStats, alpha: float, solver: str, fit_intercept: bool
) -> tuple[np.ndarray, np.ndarray, str]:
    """(W (k, p), b (k,), the solver used) of Ridge's closed form on the statistics: Cholesky of
    C + αI, or the eigendecomposition of C.

    The solvers that need the rows ("dual" and the first-order methods) are refused. The solver
    used is "cholesky", or "eigh" for ``solver="svd"`` and for the minimum-norm fallback at α = 0
    with a singular C (the eigendecomposition of XᵀX is the SVD of X).
    """

    if solver not in ("auto", "cholesky", "svd"):
        raise ValueError(
            f"solver={solver!r} needs the rows of X; fitting from GramStats supports "
            "'auto', 'cholesky' and 'svd'"
        )
    form = stats_gram_form(stats, fit_intercept)
    solved = solve_cholesky(form.XtX, form.Xty, alpha, max_error=np.inf) if solver != "svd" else None
    if solved is not None and solved.error_estimate > MAX_ERROR:
        warnings.warn(
            f"the Gram matrix + alpha*I is ill-conditioned: the coefficients from GramStats carry an "
            f"estimated relative error of {solved.error_estimate:.1e}. Fit from the rows (X, y) to use "
            "the SVD of the design, whose error grows with κ(X) instead of κ(X)².",
            scipy.linalg.LinAlgWarning,
            stacklevel=3,
        )
    W = None if solved is None else solved.W
    used = "cholesky"
    if W is None:
        if solver != "svd" and alpha == 0:
            min_norm_warning("alpha=0 and the Gram matrix is singular")
        W = ridge_stats_spectrum(stats, fit_intercept).coefs(np.array([alpha]))[0]
        used = "eigh"
    return W, form.y_offset - W @ form.X_offset, used


def fit_ridge_cv_from_folds(
    folds: GramFolds, alphas: np.ndarray, fit_intercept: bool
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """RidgeCV from per-fold statistics: each training merge's spectrum scores every α, then a refit.

    The score of α is the (weighted) mean squared error on each held-out fold, averaged over
    folds, as RidgeCV computes it from the rows. Returns (index of the best α, the mean squared
    errors per α, W (1, p) and b (1,) refitted on all folds at the best α).
    """

    def path(train: GramStats) -> tuple[np.ndarray, np.ndarray]:
        spectrum = ridge_stats_spectrum(train, fit_intercept)
        intercepts = spectrum.intercepts(alphas)[:, 0] if fit_intercept else np.zeros(alphas.size)
        return spectrum.coefs(alphas)[:, 0, :].T, intercepts

    mse = folds.mse_path(path).mean(axis=1)
    best = int(np.argmin(mse))
    spectrum = ridge_stats_spectrum(folds.total, fit_intercept)
    W = spectrum.coefs(alphas[best : best + 1])[0]
    b = spectrum.intercepts(alphas[best : best + 1])[0] if fit_intercept else np.zeros(1)
    return best, mse, W, b


# ---------------------------------------------------------------------- Lasso family
def enet_prepared_data(stats: GramStats, fit_intercept: bool, solver: str) -> Any:
    """The elastic net's Gram-mode ``PreparedData``, weights rescaled to sum to n as scikit-learn does.

    Only coordinate descent works from statistics; "fista" and "ista" need the rows.
    """
    if solver != "cd":
        raise ValueError(
            f"solver={solver!r} needs the rows of X; fitting from GramStats uses coordinate descent "
            "(solver='auto' or 'cd')"
        )
    if stats.n_targets is not None:
        raise ValueError(f"the elastic net needs a 1-D y; these statistics have {stats.n_targets} targets")
    return PreparedData(gram_data(stats, fit_intercept)[0], None)


def enet_fold_errors(
    folds: GramFolds, grids: np.ndarray, l1_ratios: np.ndarray, fit_intercept: bool, **options: Any
) -> np.ndarray:
    """Held-out (weighted) MSE of warm-started elastic-net paths, (n_l1_ratio, n_alphas, n_folds).

    Row i solves the path ``grids[i]`` at ``l1_ratios[i]`` on every training merge of ``folds``
    (``options``: positive, tol, max_iter), as ElasticNetCV does on the rows.
    """

    def errors(grid: np.ndarray, l1_ratio: float) -> np.ndarray:
        def path(train: GramStats) -> tuple[np.ndarray, np.ndarray]:
            data = enet_prepared_data(train, fit_intercept, "cd")
            sol = data.solve(grid, l1_ratio=l1_ratio, **options)
            return sol.coefs.T, np.array([data.intercept(c) for c in sol.coefs])

        return folds.mse_path(path)

    return np.stack([errors(grid, float(l1)) for grid, l1 in zip(grids, l1_ratios)])


