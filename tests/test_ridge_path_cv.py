"""ridge_path and RidgeCV against scikit-learn's Ridge, RidgeCV, GridSearchCV and brute-force LOO."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GridSearchCV, KFold

from lagrangekit.linear_model import Ridge, RidgeCV, fit_cvxpy, ridge_path


def make_data(n, p, *, seed=0, shift=0.0, targets=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + shift
    y = X @ rng.normal(size=p) + 2.0 * rng.normal(size=n) + 1.0
    if targets:
        y = np.column_stack([y, 0.5 * y + rng.normal(size=n)])
    return X, y, rng.uniform(0.5, 2.0, size=n)


ALPHAS = np.logspace(-3, 3, 13)


@pytest.mark.parametrize(("n", "p"), [(50, 7), (12, 30)], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shift", [0.0, 300.0])
def test_ridge_path_matches_sklearn_at_every_alpha(n, p, fit_intercept, weighted, shift):
    X, y, sw = make_data(n, p, shift=shift)
    sw = sw if weighted else None
    path = ridge_path(X, y, ALPHAS, fit_intercept=fit_intercept, sample_weight=sw)
    assert path.coefs.shape == (ALPHAS.size, p) and path.intercepts.shape == (ALPHAS.size,)
    for alpha, coef, intercept in zip(*path):
        ref = SkRidge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(coef, ref.coef_, rtol=1e-7, atol=1e-9 * np.abs(ref.coef_).max())
        assert intercept == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-7)


def test_ridge_path_multi_target_and_alpha_zero_min_norm():
    X, y, _ = make_data(10, 25, targets=2)
    path = ridge_path(X, y, [0.0, 1.0])
    assert path.coefs.shape == (2, 2, 25) and path.intercepts.shape == (2, 2)
    Xc, yc = X - X.mean(axis=0), y - y.mean(axis=0)
    np.testing.assert_allclose(path.coefs[0], (np.linalg.pinv(Xc) @ yc).T, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(path.coefs[1], SkRidge(alpha=1.0).fit(X, y).coef_, rtol=1e-9)


def test_ridge_path_agrees_with_cvxpy():
    X, y, sw = make_data(30, 5, seed=7)
    path = ridge_path(X, y, [0.5, 50.0], sample_weight=sw)
    for alpha, coef, intercept in zip(*path):
        ref = fit_cvxpy(Ridge(alpha=alpha), X, y, sw)
        np.testing.assert_allclose(coef, ref.coef, rtol=1e-6)
        assert intercept == pytest.approx(ref.intercept, rel=1e-6)


@pytest.mark.parametrize(("n", "p"), [(40, 6), (15, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("targets", [None, 2])
def test_ridgecv_loo_chooses_sklearns_alpha(n, p, fit_intercept, weighted, targets):
    X, y, sw = make_data(n, p, seed=1, targets=targets)
    sw = sw if weighted else None
    ours = RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = SkRidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-8)


def test_ridgecv_loo_equals_brute_force_leave_one_out():
    X, y, sw = make_data(14, 4, seed=2)
    alphas = np.array([0.1, 3.0, 80.0])
    model = RidgeCV(alphas=alphas).fit(X, y, sample_weight=sw)
    brute = []
    for alpha in alphas:
        sq = []
        for i in range(14):
            keep = np.arange(14) != i
            fit = SkRidge(alpha=alpha).fit(X[keep], y[keep], sample_weight=sw[keep])
            sq.append(sw[i] * (y[i] - fit.predict(X[i : i + 1])[0]) ** 2)
        brute.append(np.mean(sq))
    np.testing.assert_allclose(model.mse_path_, brute, rtol=1e-9)


@pytest.mark.parametrize(("n", "p"), [(60, 6), (30, 50)], ids=["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridgecv_kfold_matches_gridsearch(n, p, weighted):
    X, y, sw = make_data(n, p, seed=3)
    fit_params = {"sample_weight": sw} if weighted else {}
    cv = KFold(5)
    ours = RidgeCV(alphas=ALPHAS, cv=cv, scoring="neg_mean_squared_error").fit(X, y, **fit_params)
    grid = GridSearchCV(SkRidge(), {"alpha": ALPHAS}, cv=cv, scoring="neg_mean_squared_error")
    grid.fit(X, y, **fit_params)
    assert ours.alpha_ == grid.best_params_["alpha"]
    np.testing.assert_allclose(-ours.mse_path_, grid.cv_results_["mean_test_score"], rtol=1e-8)
    np.testing.assert_allclose(ours.coef_, grid.best_estimator_.coef_, rtol=1e-8)
    # the default score is the estimator's (weighted) R², as GridSearchCV's
    default = RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y, **fit_params)
    r2_grid = GridSearchCV(SkRidge(), {"alpha": ALPHAS}, cv=cv).fit(X, y, **fit_params)
    assert default.alpha_ == r2_grid.best_params_["alpha"]
    assert default.best_score_ == pytest.approx(r2_grid.best_score_, rel=1e-9)
    assert RidgeCV(alphas=ALPHAS, cv=5).fit(X, y, **fit_params).alpha_ == default.alpha_


def test_ridgecv_kkt_and_cvxpy_at_the_chosen_alpha():
    X, y, _ = make_data(40, 6, seed=4)
    model = RidgeCV(alphas=ALPHAS).fit(X, y)
    assert model.kkt(X, y).ok
    ref = fit_cvxpy(model, X, y)
    np.testing.assert_allclose(model.coef_, ref.coef, rtol=1e-6)
