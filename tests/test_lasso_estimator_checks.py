"""scikit-learn's estimator checks on every Lasso-family estimator."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from lagrangekit.linear_model import ConstrainedLasso, ElasticNet, ElasticNetCV, Lasso, LassoCV

# CV estimators run tight: the weighted-vs-repeated checks compare converged solutions
ESTIMATORS = [
    Lasso(alpha=0.1),
    ElasticNet(alpha=0.1),
    LassoCV(alphas=10, cv=3, tol=1e-10, max_iter=100_000),
    ElasticNetCV(l1_ratio=[0.5, 1.0], alphas=10, cv=3, tol=1e-10, max_iter=100_000),
    ConstrainedLasso(t=1.0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
