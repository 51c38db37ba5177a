"""RidgeCV: choose α by efficient leave-one-out (from one eigendecomposition) or by K-fold CV."""

from __future__ import annotations

import inspect
import numbers
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._ridge_quadratic import RowsRidgeQuadratic
from ._ridge_spectrum import RidgeSpectrum, loo_residual_blocks
from ._validation import prepare_ridge_data
from .ridge import RidgeFamily
from .stats_fit import fit_ridge_cv_from_folds, gram_folds_input

__all__ = ["RidgeCV"]

GCV_MODES = (None, "auto", "svd", "eigen")


class _PredictionsAsInput(RegressorMixin, BaseEstimator):
    """A regressor whose ``predict(X)`` returns X: lets a scorer score precomputed predictions."""

    def fit(self, X: Any, y: Any = None) -> _PredictionsAsInput:
        return self

    def predict(self, X: Any) -> Any:
        return X


def _accepts_sample_weight(scorer: Any) -> bool:
    """Whether GridSearchCV would pass the held-out sample weights to this scorer (scikit-learn >= 1.9)."""
    if hasattr(scorer, "_accept_sample_weight"):
        return bool(scorer._accept_sample_weight())
    return "sample_weight" in inspect.signature(scorer).parameters


def _check_alphas(alphas: Any, *, leave_one_out: bool) -> np.ndarray:
    """scikit-learn's checks of RidgeCV's ``alphas``: reals, > 0 for leave-one-out, >= 0 for K-fold."""
    values = np.atleast_1d(np.asarray(alphas, dtype=object)).ravel()
    if values.size == 0:
        raise ValueError("alphas must contain at least one value")
    bound = "> 0.0" if leave_one_out else ">= 0.0"
    out = np.empty(values.size)
    for i, a in enumerate(values):
        if not isinstance(a, numbers.Real) or isinstance(a, bool):
            raise TypeError(f"alphas[{i}] must be an instance of float, not {type(a).__name__}")
        if not np.isfinite(a) or a < 0 or (leave_one_out and a == 0):
            fix = " (leave-one-out, cv=None, needs alpha > 0; use cv=K for alpha 0)" if a == 0 else ""
            raise ValueError(f"alphas[{i}] == {a}, must be {bound}{fix}")
        out[i] = float(a)
    return out


class RidgeCV(RidgeFamily):
    """Ridge with α chosen by cross-validation, scikit-learn's ``RidgeCV``.

    For each candidate α the objective is :class:`Ridge`'s,
    Σᵢ sᵢ(yᵢ − xᵢᵀw − b)² + α‖w‖² with the intercept unpenalized; X may be dense or scipy.sparse.

    With ``cv=None`` each α is scored by exact leave-one-out, for all α from one
    decomposition (scikit-learn's "GCV"): by default the mean of sᵢ·(yᵢ − ŷ₋ᵢ)² over samples
    and targets (lower is better), or by ``scoring`` applied to the leave-one-out predictions
    (with ``sample_weight`` passed to it). With ``cv`` given, K-fold CV as scikit-learn 1.9's
    GridSearchCV over Ridge: the model is fitted on each training fold with the weights, and
    the held-out fold is scored by ``scoring`` (by default the estimator's R², as
    ``RidgeCV.score``), with the held-out weights when the scorer accepts ``sample_weight``;
    scores are averaged over folds (unweighted). The largest score wins (the first one on
    ties). The final model is fitted
    on all the data at ``alpha_``.

    Parameters
    ----------
    alphas : float or array_like of float, default (0.1, 1.0, 10.0)
        Candidate penalties: > 0 for leave-one-out, >= 0 with ``cv``.
    fit_intercept : bool, default True
    scoring : str, callable or None
        A scikit-learn scorer name or ``scorer(estimator, X, y)``; see above.
    cv : int, cross-validation generator or iterable, optional
        None for efficient leave-one-out; an int for that many (unshuffled) folds.
    gcv_mode : {None, "auto", "svd", "eigen"}
        Leave-one-out decomposition: "svd" of the dense design; "eigen", "auto" or None the
        eigendecomposition of XᵀX (n >= p) or XXᵀ (dense or sparse X), where for a dense X the
        SVD of the design is taken instead when the eigenvalues would lose more than 1e-10
        relative accuracy (an accuracy guard: the scores are the same up to rounding).
        "svd" with sparse X warns (FutureWarning) and uses "eigen", as scikit-learn does.
    store_cv_results : bool, default False
        Keep ``cv_results_`` (only with ``cv=None``).
    alpha_per_target : bool, default False
        With a 2-D ``y`` and ``cv=None``, choose α for each target separately.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        The chosen α; an array with ``alpha_per_target`` and several targets.
    best_score_ : float or ndarray of shape (n_targets,)
        The score at ``alpha_`` (for the default leave-one-out score, minus the mean squared error).
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        With ``store_cv_results``: the squared leave-one-out errors sᵢ(yᵢ − ŷ₋ᵢ)², or the
        leave-one-out predictions when ``scoring`` is given.
    mse_path_ : ndarray of shape (n_alphas,)
        The (weighted) mean squared CV error for each α, whatever ``scoring`` chose by
        (leave-one-out: Σᵢ sᵢ(yᵢ − ŷ₋ᵢ)²/n; K-fold: the held-out Σ sᵢ e²/Σ sᵢ averaged over folds).
    coef_, intercept_, n_features_in_ : as in :class:`Ridge`

    Notes
    -----
    Fitting a :class:`GramFolds` (or a Dask array) runs K-fold CV from per-fold statistics;
    it always scores the held-out weighted mean squared error, i.e. as
    ``scoring="neg_mean_squared_error"`` on the rows (other ``scoring`` values are refused).
    With ``scoring=None`` this differs from the rows' default (R²).
    """

    def __init__(
        self,
        alphas: Any = (0.1, 1.0, 10.0),
        *,
        fit_intercept: bool = True,
        scoring: Any = None,
        cv: Any = None,
        gcv_mode: str | None = None,
        store_cv_results: bool = False,
        alpha_per_target: bool = False,
    ) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    _predict_accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _fitted_alpha(self) -> Any:
        check_is_fitted(self, "alpha_")
        return self.alpha_ if np.ndim(self.alpha_) else float(self.alpha_)

    def _scorer(self) -> Any:
        """None for the default leave-one-out score, else a scikit-learn scorer."""
        return None if self.scoring is None else check_scoring(self, scoring=self.scoring)

    def _check_params(self) -> None:
        if self.gcv_mode not in GCV_MODES:
            raise ValueError(f"gcv_mode must be one of None, 'auto', 'svd', 'eigen'; got {self.gcv_mode!r}")
        if self.cv is not None and self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if self.cv is not None and self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> RidgeCV:
        """Choose α and fit Ridge at it.

        Parameters
        ----------
        X : array_like or sparse matrix of shape (n_samples, n_features), GramFolds or Dask array
            A :class:`GramFolds` (with ``y`` and ``sample_weight`` omitted) runs K-fold CV from
            per-fold statistics (then ``cv`` is ignored); a Dask array needs an int ``cv``.
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._check_params()
        alphas = _check_alphas(self.alphas, leave_one_out=self.cv is None)
        if (folds := gram_folds_input(X, y, sample_weight, self.cv, default_splits=None)) is not None:
            if self.scoring is not None and not (
                isinstance(self.scoring, str) and self.scoring == "neg_mean_squared_error"
            ):
                raise ValueError(
                    "CV from GramFolds or Dask arrays scores the held-out weighted MSE only: use "
                    "scoring=None or 'neg_mean_squared_error'"
                )
            self._record_summary_features(folds.folds[0].n_features)
            best, mse, W, b = fit_ridge_cv_from_folds(folds, alphas, self.fit_intercept)
            self.alpha_, self.best_score_, self.mse_path_ = float(alphas[best]), -float(mse[best]), mse
            self._set_coef(W, b, y_ndim=1, dtype=np.dtype(np.float64))
            return self
        data = prepare_ridge_data(self, X, y, sample_weight, ensure_all_finite=False, accept_sparse=True)
        if self.cv is None:
            best, W, b = self._leave_one_out(data, alphas)
        else:
            best, W, b = self._kfold(data, alphas)
        self.alpha_ = float(alphas[best]) if np.ndim(best) == 0 else alphas[best]
        self._set_coef(W, b, y_ndim=data.y_ndim, dtype=data.dtype)
        return self

    def _spectrum(self, data: Any) -> RidgeSpectrum:
        X, Y, sw = data.X, data.Y, data.sample_weight
        mode = self.gcv_mode
        if sparse.issparse(X):
            if mode == "svd":
                warnings.warn(
                    "The 'svd' mode is not supported for sparse X; using gcv_mode='eigen' "
                    "(pass gcv_mode='eigen' or None to silence this warning)",
                    FutureWarning,
                    stacklevel=3,
                )
        return RowsRidgeQuadratic(X, Y, sw, self.fit_intercept).spectrum(svd=mode == "svd")

    def _leave_one_out(self, data: Any, alphas: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
        """Score every α by leave-one-out; return (best index or per-target indices, W, b)."""
        X, Y, sw = data.X, data.Y, data.sample_weight
        n, k = Y.shape
        spectrum = self._spectrum(data)
        scorer = self._scorer()
        per_target = bool(self.alpha_per_target) and k > 1
        keep_all = self.store_cv_results or scorer is not None
        E = np.empty((n, alphas.size, k)) if keep_all else None
        total = np.zeros((alphas.size, k))  # Σᵢ sᵢ(yᵢ − ŷ₋ᵢ)² per α and target
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for block, E_block in loo_residual_blocks(spectrum, X, Y, sw, self.fit_intercept, alphas):
                sq = E_block * E_block if sw is None else E_block * E_block * sw[block, None, None]
                total += sq.sum(axis=0)
                if E is not None:
                    E[block] = E_block
        mse_targets = total / n
        mse_targets = np.where(np.isnan(mse_targets), np.inf, mse_targets)
        self.mse_path_ = mse_targets.mean(axis=1)
        if scorer is None:
            scores = -(mse_targets if per_target else self.mse_path_)
        else:
            scores = self._score_predictions(scorer, Y[:, None, :] - E, Y, sw, data.y_ndim, per_target)
        if self.store_cv_results:
            sq = E * E if sw is None else E * E * sw[:, None, None]
            results = (sq if scorer is None else Y[:, None, :] - E).transpose(0, 2, 1)  # (n, k, A)
            self.cv_results_ = (results[:, 0] if data.y_ndim == 1 else results).astype(data.dtype)
        best = np.argmax(scores, axis=0)  # first maximum; (k,) per target
        self.best_score_ = scores[best, np.arange(k)] if per_target else scores[best]
        chosen = alphas[np.atleast_1d(best)]  # one α, or each target's
        W = spectrum.coefs(chosen)  # (len(chosen), k, p)
        b = spectrum.intercepts(chosen) if self.fit_intercept else np.zeros((chosen.size, k))
        if per_target:
            return best, W[np.arange(k), np.arange(k)], b[np.arange(k), np.arange(k)]
        return int(best), W[0], b[0]

    def _score_predictions(
        self, scorer: Any, predictions: np.ndarray, Y: np.ndarray, sw: Any, y_ndim: int, per_target: bool
    ) -> np.ndarray:
        """Scorer values of the leave-one-out predictions (n, A, k): shape (A,) or (A, k) per target."""
        identity = _PredictionsAsInput()
        kwargs = {} if sw is None else {"sample_weight": sw}
        scores = []
        for a in range(predictions.shape[1]):
            P = predictions[:, a]
            if per_target:
                scores.append([scorer(identity, P[:, j], Y[:, j], **kwargs) for j in range(Y.shape[1])])
            elif y_ndim == 1:
                scores.append(scorer(identity, P[:, 0], Y[:, 0], **kwargs))
            else:
                scores.append(scorer(identity, P, Y, **kwargs))
        return np.asarray(scores, dtype=float)

    def _kfold(self, data: Any, alphas: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
        """Score every α on each held-out fold as GridSearchCV does; refit at the best."""
        X, Y, sw = data.X, data.Y, data.sample_weight
        scorer = check_scoring(self, scoring=self.scoring)
        weigh_scores = sw is not None and _accepts_sample_weight(scorer)
        identity = _PredictionsAsInput()
        fold_scores, fold_mse = [], []
        for train, test in check_cv(self.cv).split(X, Y):
            spec = self._fold_spectrum(X[train], Y[train], None if sw is None else sw[train])
            W = spec.coefs(alphas)  # (A, k, p)
            b = spec.intercepts(alphas) if self.fit_intercept else np.zeros((alphas.size, Y.shape[1]))
            pred = np.stack([np.asarray(X[test] @ W[a].T) + b[a] for a in range(alphas.size)])  # (A, m, k)
            w = np.ones(test.size) if sw is None else sw[test]
            fold_mse.append(((Y[test][None] - pred) ** 2).mean(axis=2) @ w / w.sum())
            kwargs = {"sample_weight": sw[test]} if weigh_scores else {}
            y_test = Y[test, 0] if data.y_ndim == 1 else Y[test]
            fold_scores.append(
                [scorer(identity, P[:, 0] if data.y_ndim == 1 else P, y_test, **kwargs) for P in pred]
            )
        self.mse_path_ = np.mean(fold_mse, axis=0)
        scores = np.mean(np.asarray(fold_scores, dtype=float), axis=0)
        best = int(np.argmax(np.where(np.isnan(scores), -np.inf, scores)))
        self.best_score_ = float(scores[best])
        full = self._fold_spectrum(X, Y, sw)
        W = full.coefs(alphas[best : best + 1])[0]
        b = full.intercepts(alphas[best : best + 1])[0] if self.fit_intercept else np.zeros(Y.shape[1])
        return best, W, b

    def _fold_spectrum(self, X: Any, Y: np.ndarray, sw: np.ndarray | None) -> RidgeSpectrum:
        return RowsRidgeQuadratic(X, Y, sw, self.fit_intercept).spectrum()
