"""RidgeCV: choose α by efficient leave-one-out (from one eigendecomposition) or by K-fold CV."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._ridge_path import check_alphas
from ._ridge_spectrum import RidgeSpectrum, ridge_spectrum
from .ridge import _RidgeFamily, prepare_ridge_data
from .stats_fit import fit_ridge_cv_from_folds, gram_folds_input

__all__ = ["RidgeCV", "loo_squared_errors"]

_BLOCK_BYTES = 1 << 21


def loo_squared_errors(
    spectrum: RidgeSpectrum,
    X: np.ndarray,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    fit_intercept: bool,
    alphas: np.ndarray,
) -> np.ndarray:
    """Mean over samples and targets of the squared leave-one-out residuals, for each α.

    Ridge with an unpenalized intercept is a linear smoother ŷ = Hy with
    H = qqᵀ/‖q‖² + Z diag(1/(λ + α)) Zᵀ, where Z = XsV (= Q√λ), q = √s, and
    leaving sample i out changes its residual to eᵢ/(1 − Hᵢᵢ) exactly. With weights
    the residuals are those of the transformed problem, √sᵢ(yᵢ − ŷ₋ᵢ(xᵢ)), so the score
    is Σ sᵢ(yᵢ − ŷ₋ᵢ)²/n. Rows are processed in blocks; X is not copied.
    """
    n, p = X.shape
    k = Y.shape[1]
    D = 1.0 / (spectrum.eigvals[None, :] + alphas[:, None])  # (A, r)
    fit_coef = (spectrum.z[None, :, :] * D[:, :, None]).transpose(1, 0, 2).reshape(-1, alphas.size * k)
    root = np.ones(n) if sample_weight is None else np.sqrt(sample_weight)
    h0 = root**2 / np.sum(root**2) if fit_intercept else np.zeros(n)
    x_offset_V = spectrum.x_offset_V
    total = np.zeros(alphas.size)
    rows = max(64, _BLOCK_BYTES // (8 * max(p, spectrum.eigvals.size, alphas.size * k)))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        if spectrum.Q is not None:
            Z = spectrum.Q[start:stop] * np.sqrt(spectrum.eigvals)
        else:
            Z = X[start:stop] @ spectrum.V
            if fit_intercept:
                Z -= x_offset_V
            if sample_weight is not None:
                Z *= root[start:stop, None]
        H = h0[start:stop, None] + (Z * Z) @ D.T  # (m, A)
        fitted = (Z @ fit_coef).reshape(stop - start, alphas.size, k)
        ys = Y[start:stop] - spectrum.y_offset if fit_intercept else Y[start:stop]
        ys = ys * root[start:stop, None]
        E = (ys[:, None, :] - fitted) / (1.0 - H)[:, :, None]
        total += np.einsum("iak,iak->a", E, E)
    return total / (n * k)


class RidgeCV(_RidgeFamily):
    """Ridge with α chosen by cross-validation on the mean squared error.

    For each candidate α the objective is :class:`Ridge`'s,
    Σᵢ sᵢ(yᵢ − xᵢᵀw − b)² + α‖w‖² with the intercept unpenalized. With ``cv=None`` the
    score is the exact leave-one-out error, computed for all α from one
    eigendecomposition (the same as scikit-learn's default RidgeCV, also called GCV
    there); otherwise K-fold CV, each fold solved for all α from its own
    decomposition, scored by the (weighted) mean squared error on the held-out fold
    and averaged over folds. The final model is refit on all data at ``alpha_``.

    Parameters
    ----------
    alphas : array_like of float, default (0.1, 1.0, 10.0)
        Candidate penalties α >= 0.
    fit_intercept : bool, default True
    cv : int, cross-validation generator or iterable, optional
        None for efficient leave-one-out; an int for that many (unshuffled) folds.

    Attributes
    ----------
    alpha_ : float
        The chosen α (the first of the tied minimizers).
    best_score_ : float
        Minus the mean squared CV error at ``alpha_`` (scikit-learn's sign).
    mse_path_ : ndarray of shape (n_alphas,)
        Mean squared CV error for each α, in the order of ``alphas``.
    coef_, intercept_, n_features_in_ : as in :class:`Ridge`
    """

    def __init__(self, alphas: Any = (0.1, 1.0, 10.0), *, fit_intercept: bool = True, cv: Any = None) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv

    def _fitted_alpha(self) -> float:
        check_is_fitted(self, "alpha_")
        return float(self.alpha_)

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> RidgeCV:
        """Choose α and fit Ridge at it.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), GramFolds or Dask array
            A :class:`GramFolds` (with ``y`` and ``sample_weight`` omitted) runs K-fold CV from
            per-fold statistics (then ``cv`` is ignored); a Dask array needs an int ``cv``.
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alphas = check_alphas(self.alphas)
        if (folds := gram_folds_input(self, X, y, sample_weight, self.cv, default_splits=None)) is not None:
            return fit_ridge_cv_from_folds(self, folds, alphas)
        data = prepare_ridge_data(self, X, y, sample_weight, ensure_all_finite=False)
        spectrum = ridge_spectrum(data.X, data.Y, data.sample_weight, self.fit_intercept)
        if self.cv is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                mse = loo_squared_errors(
                    spectrum, data.X, data.Y, data.sample_weight, self.fit_intercept, alphas
                )
            mse = np.where(np.isnan(mse), np.inf, mse)
        else:
            mse = self._kfold_errors(data.X, data.Y, data.sample_weight, alphas)
        best = int(np.argmin(mse))
        self.alpha_ = float(alphas[best])
        self.best_score_ = -float(mse[best])
        self.mse_path_ = mse
        W = spectrum.coefs(alphas[best : best + 1])[0]
        b = spectrum.intercepts(alphas[best : best + 1])[0] if self.fit_intercept else np.zeros(W.shape[0])
        self._set_coef(W, b, y_ndim=data.y_ndim, dtype=data.dtype)
        return self

    def _kfold_errors(
        self, X: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None, alphas: np.ndarray
    ) -> np.ndarray:
        splitter = check_cv(self.cv)
        fold_errors = []
        for train, test in splitter.split(X, Y):
            sw_train = None if sample_weight is None else sample_weight[train]
            spec = ridge_spectrum(X[train], Y[train], sw_train, self.fit_intercept)
            coefs = spec.coefs(alphas)  # (A, k, p)
            intercepts = (
                spec.intercepts(alphas) if self.fit_intercept else np.zeros((alphas.size, Y.shape[1]))
            )
            pred = np.einsum("ip,akp->aik", X[test], coefs) + intercepts[:, None, :]
            sq = ((Y[test][None] - pred) ** 2).mean(axis=2)  # (A, n_test)
            w = np.ones(test.size) if sample_weight is None else sample_weight[test]
            fold_errors.append(sq @ w / w.sum())
        return np.mean(fold_errors, axis=0)
