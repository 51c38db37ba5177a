"""scikit-learn's function forms, ``ridge_regression`` and ``enet_path``, against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import linear_model as sk

from lagrangekit.linear_model import enet_path, lasso_path, ridge_regression


def data(seed=0, n=30, p=4, targets=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + 3.0 + 0.3 * rng.normal(size=n)
    if targets:
        y = np.column_stack([y, -2 * y + rng.normal(size=n)])
    return X, y, rng.uniform(0.5, 2.0, size=n)


@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_regression_without_intercept_matches_sklearn(weighted):
    X, y, sw = data()
    sw = sw if weighted else None
    ours = ridge_regression(X, y, 1.5, sample_weight=sw)
    ref = sk.ridge_regression(X, y, 1.5, sample_weight=sw, solver="svd" if sw is None else "cholesky")
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_ridge_regression_per_target_alpha_matches_sklearn():
    X, Y, _ = data(targets=2)
    ours = ridge_regression(X, Y, [1.0, 7.0])
    np.testing.assert_allclose(ours, sk.ridge_regression(X, Y, [1.0, 7.0], solver="svd"), rtol=1e-10)
    with pytest.raises(ValueError, match="number of penalties do not correspond: 3 != 2"):
        ridge_regression(X, Y, [1.0, 2.0, 3.0])


def test_ridge_regression_with_intercept_runs_sag_to_the_exact_ridge_solution():
    X, y, _ = data(seed=1)
    coef, n_iter, intercept = ridge_regression(
        X, y, 2.0, return_n_iter=True, return_intercept=True, tol=1e-12, random_state=0
    )
    ref = sk.Ridge(alpha=2.0, solver="svd").fit(X, y)
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-8)
    assert intercept == pytest.approx(ref.intercept_, rel=1e-8)
    assert n_iter.shape == (1,) and n_iter.dtype == np.int32 and n_iter[0] > 1  # epochs, as sklearn's sag
    with pytest.raises(ValueError, match="only 'sag' solver can directly fit the intercept"):
        ridge_regression(X, y, 2.0, solver="cholesky", return_intercept=True)


def test_ridge_regression_positive_matches_cvxpy():
    cp = pytest.importorskip("cvxpy")
    X, y, sw = data(seed=4, p=6)
    y = y - 3.0 - 2.0 * X[:, 0]  # some coefficients want to be negative
    coef = ridge_regression(X, y, 0.5, sample_weight=sw, positive=True, tol=1e-10)
    w = cp.Variable(6)
    objective = cp.sum(cp.multiply(sw, cp.square(y - X @ w))) + 0.5 * cp.sum_squares(w)
    cp.Problem(cp.Minimize(objective), [w >= 0]).solve(solver=cp.CLARABEL)
    assert np.any(w.value < 1e-6)  # the bound is active
    np.testing.assert_allclose(coef, np.maximum(w.value, 0.0), atol=1e-6)
    with pytest.raises(ValueError, match="only 'lbfgs' solver can be used"):
        ridge_regression(X, y, 1.0, positive=True, solver="cholesky")


@pytest.mark.parametrize("l1_ratio", [0.5, 0.2])
def test_enet_path_matches_sklearn(l1_ratio):
    X, y, _ = data(seed=2, n=40, p=6)
    alphas = np.array([0.5, 0.1, 0.01])
    kwargs = {} if l1_ratio == 0.5 else {"l1_ratio": l1_ratio}
    a, coefs, gaps = enet_path(X, y, alphas=alphas, tol=1e-12, **kwargs)
    ref_a, ref_coefs, _ = sk.enet_path(X, y, l1_ratio=l1_ratio, alphas=alphas, tol=1e-14, max_iter=10**6)
    np.testing.assert_allclose(a, ref_a)
    np.testing.assert_allclose(coefs, ref_coefs, rtol=1e-6, atol=1e-9)
    assert coefs.shape == (6, 3) and np.all(gaps >= 0)
    np.testing.assert_allclose(
        lasso_path(X, y, alphas=alphas, tol=1e-12, l1_ratio=l1_ratio)[1], coefs, rtol=0, atol=0
    )
