"""Regularized linear models (Ridge, Lasso, ElasticNet, logistic regression) with
scikit-learn's objectives, constrained forms linked by the multiplier, paths, CV and
certificates (KKT reports, duality gaps, cvxpy cross-checks)."""

from __future__ import annotations

from .._lazy import lazy_exports

# public name -> submodule that defines it (loaded lazily: cvxpy is imported only by fit_cvxpy)
_EXPORTS: dict[str, str] = {
    "Ridge": "ridge",
    "RidgeCV": "ridge_cv",
    "ConstrainedRidge": "constrained_ridge",
    "LogisticRegression": "logistic",
    "ridge_path": "_ridge_path",
    "ridge_regression": "ridge_regression",
    "RidgePath": "_ridge_path",
    "Lasso": "lasso",
    "ElasticNet": "lasso",
    "lasso_path": "lasso",
    "enet_path": "lasso",
    "LassoCV": "elastic_net_cv",
    "ElasticNetCV": "elastic_net_cv",
    "ConstrainedLasso": "constrained_lasso",
    "GramStats": "gram_stats",
    "GramFolds": "gram_folds",
    "CvxpyFit": "cvxpy_reference",
    "fit_cvxpy": "cvxpy_reference",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return sorted(__all__)
