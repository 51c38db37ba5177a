"""LassoCV and ElasticNetCV: K-fold choice of α (and l1_ratio) along warm-started paths."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.parallel import Parallel, delayed

from ._base import LinearPredictorMixin
from ._enet_data import alpha_grid, prepare_data, use_gram
from ._enet_solvers import coordinate_descent
from ._roles import ElasticNetPenalty
from ._validation import (
    check_choice,
    check_grid_eps,
    check_l1_ratio,
    check_nonnegative,
    check_positive_int,
    rescale_weights,
    validate_fit_data,
)
from .lasso import ElasticNet
from .stats_fit import enet_fold_errors, enet_gram_datafit, gram_folds_input

__all__ = ["ElasticNetCV", "LassoCV"]


def _explicit_alphas(alphas: Any) -> np.ndarray:
    """An explicit α grid as float64, with scikit-learn's messages for a bad entry."""
    values = list(np.ravel(np.asarray(alphas, dtype=object)))
    for i, value in enumerate(values):
        if isinstance(value, (str, bytes)) or not isinstance(value, (numbers.Real, np.number)):
            raise TypeError(f"alphas[{i}] must be an instance of float, not {type(value).__name__}")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"alphas[{i}] == {value}, must be >= 0.0 and finite.")
    if not values:
        raise ValueError("alphas must be a non-empty sequence of finite numbers >= 0")
    return np.asarray(values, dtype=np.float64)


def _reject_routed_params(name: str, params: dict) -> None:
    """ValueError for fit parameters meant for the CV splitter (lagrangekit routes no metadata)."""
    if params:
        raise ValueError(
            f"{name}.fit got {sorted(params)}: passing parameters to the CV splitter is only supported "
            "if enable_metadata_routing=True in scikit-learn, and lagrangekit does not route "
            "metadata; pass cv= an iterable of (train, test) index pairs instead, e.g. "
            "cv=list(GroupKFold().split(X, y, groups))"
        )


class _ElasticNetCVBase(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """K-fold cross-validation over an α grid (per l1_ratio), then a refit on all the data."""

    _predict_accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _grid_size(self) -> int | None:
        """Points of the automatic α grid, or None when ``alphas`` is an explicit grid.

        As in scikit-learn >= 1.7, an integer ``alphas`` is the number of grid points. The old
        ``n_alphas`` still sets it for one release, with a FutureWarning.
        """
        if self.n_alphas != "deprecated":
            warnings.warn(
                "n_alphas is deprecated and will be removed in the next release; pass the number "
                "of grid points as alphas=<int> (scikit-learn's meaning since 1.7)",
                FutureWarning,
                stacklevel=3,
            )
            if self.alphas is None or isinstance(self.alphas, numbers.Integral):
                return check_positive_int(self.n_alphas, "n_alphas")
        if self.alphas is None:
            return 100
        if isinstance(self.alphas, numbers.Integral) and not isinstance(self.alphas, bool):
            return check_positive_int(self.alphas, "alphas")
        return None

    def _l1_ratios(self) -> np.ndarray:
        return np.array([check_l1_ratio(v) for v in np.atleast_1d(self.l1_ratio)], dtype=np.float64)

    def fit(self, X, y=None, sample_weight=None, **params):
        """Choose α (and l1_ratio) by K-fold mean squared error, then refit.

        X may be a :class:`GramFolds` (with ``y`` and ``sample_weight`` omitted): each
        training set is then the merge of the other folds' statistics and ``cv`` is ignored.
        A Dask array is reduced to interleaved folds (``cv`` must be None or an int).

        Each fold centres and weights its own training data, solves the whole α path with
        warm starts, and scores the (weighted) squared error of the held-out part.

        ``**params`` (scikit-learn's metadata routed to the splitter, e.g. ``groups``) are not
        supported: they raise ValueError, as in scikit-learn without metadata routing; pass
        ``cv`` an iterable of (train, test) index pairs instead.

        Returns
        -------
        self
        """
        _reject_routed_params(type(self).__name__, params)
        l1_ratios = self._l1_ratios()
        tol = check_nonnegative(self.tol, "tol")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        check_choice(self.precompute, "precompute", ("auto", True, False))
        folds_stats = gram_folds_input(X, y, sample_weight, self.cv, default_splits=5)
        if folds_stats is not None:
            self._record_summary_features(folds_stats.folds[0].n_features)
            full = enet_gram_datafit(folds_stats.total, self.fit_intercept, "cd")
        else:
            X, y, sw = validate_fit_data(
                self, X, y, sample_weight, accept_sparse="csc", ensure_all_finite=False
            )
            gram = use_gram(X, self.precompute)
            full = prepare_data(X, y, sw, self.fit_intercept, gram)
        if (n_alphas := self._grid_size()) is not None:
            eps = check_grid_eps(self.eps)
            penalties = [ElasticNetPenalty(1.0, r, bool(self.positive)) for r in l1_ratios]
            grids = np.array([alpha_grid(full, pen, eps=eps, n_alphas=n_alphas) for pen in penalties])
        else:
            alphas = np.sort(_explicit_alphas(self.alphas))[::-1]
            grids = np.tile(alphas, (l1_ratios.size, 1))
        if folds_stats is not None:
            options = dict(positive=bool(self.positive), tol=tol, max_iter=max_iter)
            mse = enet_fold_errors(folds_stats, grids, l1_ratios, self.fit_intercept, **options)
        else:
            mse = self._design_fold_errors(X, y, sw, gram, grids, l1_ratios, tol, max_iter)
        i_best, k_best = np.unravel_index(np.argmin(mse.mean(axis=2)), mse.shape[:2])
        self.l1_ratio_ = float(l1_ratios[i_best])
        self.alpha_ = float(grids[i_best, k_best])
        fit_args = (folds_stats.total,) if folds_stats is not None else (X, y, sw)
        final = ElasticNet(
            alpha=self.alpha_,
            l1_ratio=self.l1_ratio_,
            fit_intercept=self.fit_intercept,
            precompute=self.precompute,
            positive=self.positive,
            max_iter=max_iter,
            copy_X=self.copy_X,
            tol=tol,
            selection=self.selection,
            random_state=self.random_state,
        ).fit(*fit_args)
        # scikit-learn's shapes: an explicit grid is one row; one l1_ratio drops that axis
        self.alphas_ = grids[0] if n_alphas is None or l1_ratios.size == 1 else grids
        self.mse_path_ = np.squeeze(mse)
        self.coef_ = final.coef_
        self.intercept_ = final.intercept_
        self.dual_gap_ = final.dual_gap_
        self.n_iter_ = final.n_iter_
        return self

    def _design_fold_errors(self, X, y, sw, gram, grids, l1_ratios, tol, max_iter) -> np.ndarray:
        """Held-out (weighted) MSE, (n_l1_ratio, n_alphas, n_folds), refitting each training fold
        (folds in parallel threads when ``n_jobs`` asks: the compiled solver releases the GIL)."""
        options = dict(tol=tol, max_iter=max_iter)

        def fold_errors(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            sw_train = None if sw is None else sw[train]
            data = prepare_data(X[train], y[train], sw_train, self.fit_intercept, gram)
            weights = None if sw is None else rescale_weights(sw[test], test.size)
            errors = np.empty(grids.shape)
            for i, l1 in enumerate(l1_ratios):
                penalty = ElasticNetPenalty(1.0, l1, bool(self.positive))
                sol = coordinate_descent(data, penalty, alphas=grids[i], **options)
                intercepts = np.array([data.intercept(c) for c in sol.coefs])
                pred = np.asarray(X[test] @ sol.coefs.T) + intercepts
                errors[i] = np.average((y[test][:, None] - pred) ** 2, axis=0, weights=weights)
            return errors

        folds = check_cv(self.cv).split(X, y)
        per_fold = Parallel(n_jobs=self.n_jobs, prefer="threads")(delayed(fold_errors)(*f) for f in folds)
        return np.stack(per_fold, axis=-1)

    def _cvxpy_problem(self, X, y, sample_weight=None):
        """The objective at the chosen ``alpha_`` and ``l1_ratio_`` (see :class:`ElasticNet`)."""
        return ElasticNet(
            alpha=self.alpha_,
            l1_ratio=self.l1_ratio_,
            fit_intercept=self.fit_intercept,
            positive=self.positive,
        )._cvxpy_problem(X, y, sample_weight)


_PARAMS_DOC = """
    Parameters
    ----------
    eps : float, default 1e-3
        The grid runs from α_max down to eps·α_max.
    alphas : int or array_like, default 100
        An int is the number of points of that automatic grid (scikit-learn's meaning since
        1.7); an array is an explicit grid (sorted into decreasing order).
    n_alphas : int, deprecated
        The old name of an integer ``alphas``; it warns and will be removed in the next release.
    fit_intercept, precompute, max_iter, tol, positive, selection, random_state
        As for :class:`ElasticNet`; ``max_iter`` and ``tol`` apply to each α.
    cv : int, cross-validation generator or iterable, optional
        As in scikit-learn (None means 5-fold KFold).
    copy_X : bool, default True
        Accepted for scikit-learn compatibility; X is never modified.
    n_jobs : int or None
        Folds solved in parallel threads (joblib); None means 1.

    Attributes
    ----------
    alpha_ : float
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid: one row per l1_ratio when the grid is automatic and there are several
        l1_ratios, else one (scikit-learn's shapes).
    mse_path_ : ndarray of shape (n_l1_ratio, n_alphas, n_folds), axes of length 1 squeezed
        Held-out (weighted) mean squared error.
    coef_, intercept_, dual_gap_, n_iter_
        From the refit at ``alpha_`` on all the data.
"""


class ElasticNetCV(_ElasticNetCVBase):
    __doc__ = (
        """Elastic net with α and l1_ratio chosen by K-fold cross-validation.

    The objective of :class:`ElasticNet`:
    (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖².

    l1_ratio : float or list of float, default 0.5
        Candidates in [0, 1]; the best pair (l1_ratio_, alpha_) is kept.
"""
        + _PARAMS_DOC
        + """    l1_ratio_ : float
"""
    )

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        eps=1e-3,
        alphas=100,
        n_alphas="deprecated",
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-6,
        cv=None,
        copy_X=True,
        n_jobs=None,
        positive=False,
        selection="cyclic",
        random_state=None,
    ):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.positive = positive
        self.selection = selection
        self.random_state = random_state


class LassoCV(_ElasticNetCVBase):
    __doc__ = (
        """Lasso with α chosen by K-fold cross-validation.

    The objective of :class:`Lasso`: (1/(2n)) Σᵢ sᵢ (yᵢ − xᵢᵀw − b)² + α‖w‖₁.
"""
        + _PARAMS_DOC
    )

    def __init__(
        self,
        *,
        eps=1e-3,
        alphas=100,
        n_alphas="deprecated",
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-6,
        cv=None,
        copy_X=True,
        n_jobs=None,
        positive=False,
        selection="cyclic",
        random_state=None,
    ):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.positive = positive
        self.selection = selection
        self.random_state = random_state

    @property
    def l1_ratio(self) -> Any:
        return 1.0
