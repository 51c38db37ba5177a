"""Lasso family against cvxpy (the referee), and ConstrainedLasso's multiplier round trip."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

from lagrangekit.linear_model import ConstrainedLasso, ElasticNet, ElasticNetCV, Lasso, fit_cvxpy


def data(n=40, p=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    X[:, 2] += 0.8 * X[:, 1]
    y = X @ np.array([1.5, 0.0, -2.0, 0.0, 0.7, 0.0, 0.0, 0.3])[:p] + 0.3 * rng.standard_normal(n) + 2.0
    return X, y


def objective(X, y, coef, intercept, alpha, l1_ratio, sw=None):
    """The documented objective, written out independently in numpy."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    r = y - X @ coef - intercept
    return (
        (s @ r**2) / (2 * n)
        + alpha * l1_ratio * np.abs(coef).sum()
        + 0.5 * alpha * (1 - l1_ratio) * coef @ coef
    )


WEIGHTS = np.random.default_rng(3).uniform(0.5, 2.0, 40)


@pytest.mark.parametrize(
    ("model", "fmt", "weighted"),
    [
        (Lasso(alpha=0.05, tol=1e-12), "dense", False),
        (Lasso(alpha=0.05, tol=1e-12, precompute=False), "dense", True),
        (Lasso(alpha=0.02, tol=1e-12, positive=True), "dense", False),
        (Lasso(alpha=0.05, tol=1e-12, fit_intercept=False), "sparse", True),
        (Lasso(alpha=0.05, tol=1e-12), "sparse", False),
        (ElasticNet(alpha=0.1, l1_ratio=0.4, tol=1e-12), "dense", True),
        (ElasticNet(alpha=0.1, l1_ratio=0.4, tol=1e-12, positive=True), "sparse", False),
        (ElasticNet(alpha=0.1, l1_ratio=0.0, tol=1e-12), "dense", False),
        (Lasso(alpha=0.05, tol=1e-12, solver="fista", max_iter=50_000), "dense", False),
    ],
)
def test_objective_matches_cvxpy_and_gap_certifies_it(model, fmt, weighted):
    X, y = data()
    Xin = sp.csc_matrix(X) if fmt == "sparse" else X
    sw = WEIGHTS if weighted else None
    model.fit(Xin, y, sample_weight=sw)
    ref = fit_cvxpy(model, Xin, y, sample_weight=sw)
    l1_ratio = getattr(model, "l1_ratio", 1.0)
    ours = objective(X, y, model.coef_, model.intercept_, model.alpha, l1_ratio, sw)
    theirs = objective(X, y, ref.coef, ref.intercept or 0.0, model.alpha, l1_ratio, sw)
    assert theirs == pytest.approx(ref.objective, rel=1e-8)
    assert abs(ours - theirs) <= 1e-8 * abs(theirs)
    # our gap is a certificate: objective − optimum <= dual_gap_, and cvxpy cannot beat it
    assert ours - theirs <= model.dual_gap_ + 1e-10 * abs(theirs)
    if model.positive:
        assert np.all(model.coef_ >= 0)


def test_cv_estimator_plugs_into_cvxpy():
    X, y = data(seed=1)
    model = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=10, tol=1e-12).fit(X, y)
    ref = fit_cvxpy(model, X, y)
    np.testing.assert_allclose(model.coef_, ref.coef, atol=1e-6)


@pytest.mark.parametrize("fmt", ["dense-gram", "dense-design", "sparse"])
@pytest.mark.parametrize("alpha", [0.02, 0.2])
def test_round_trip_recovers_alpha(fmt, alpha):
    X, y = data(seed=2)
    precompute = fmt != "dense-design"
    Xin = sp.csc_matrix(X) if fmt == "sparse" else X
    lasso = Lasso(alpha=alpha, tol=1e-14, max_iter=10**5, precompute=precompute).fit(Xin, y)
    t = float(np.abs(lasso.coef_).sum())
    constrained = ConstrainedLasso(t=t, precompute=precompute).fit(Xin, y)
    assert constrained.multiplier_ == pytest.approx(alpha, rel=1e-8)
    np.testing.assert_allclose(constrained.coef_, lasso.coef_, atol=1e-7)
    assert constrained.kkt(X, y).ok
    # cvxpy's dual value of the budget is the same multiplier
    ref = fit_cvxpy(constrained, X, y)
    assert ref.multiplier == pytest.approx(alpha, rel=1e-5)


def test_budget_outside_least_squares_has_zero_multiplier():
    X, y = data(seed=4)
    ols = sk.LinearRegression().fit(X, y)
    constrained = ConstrainedLasso(t=2 * np.abs(ols.coef_).sum()).fit(X, y)
    assert constrained.multiplier_ == 0.0
    np.testing.assert_allclose(constrained.coef_, ols.coef_, atol=1e-9)
    assert constrained.intercept_ == pytest.approx(ols.intercept_, abs=1e-9)


def test_zero_budget_gives_alpha_max():
    X, y = data(seed=5)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    constrained = ConstrainedLasso(t=0.0).fit(X, y)
    assert np.all(constrained.coef_ == 0.0)
    assert constrained.multiplier_ == pytest.approx(np.abs(Xc.T @ yc).max() / len(y), rel=1e-12)


def test_constrained_with_sample_weight_matches_cvxpy():
    X, y = data(seed=6)
    model = ConstrainedLasso(t=1.0).fit(X, y, sample_weight=WEIGHTS)
    ref = fit_cvxpy(model, X, y, sample_weight=WEIGHTS)
    np.testing.assert_allclose(model.coef_, ref.coef, atol=1e-6)
    assert model.multiplier_ == pytest.approx(ref.multiplier, rel=1e-5)


def test_constrained_rejects_negative_budget():
    X, y = data()
    with pytest.raises(ValueError, match="t must be"):
        ConstrainedLasso(t=-1.0).fit(X, y)


@pytest.mark.parametrize("fmt", ["dense-gram", "dense-design", "sparse"])
@pytest.mark.parametrize("constant", [0.1, 1 / 3, 7.7e6])
def test_constrained_lasso_on_constant_columns_is_the_fit_without_them(fmt, constant):
    """Issue 15: columns constant up to rounding after centring get coefficient 0; the rest is the
    constrained fit on the reduced X (cvxpy), with the same multiplier. They used to raise, or to
    get non-zero coefficients from rounding noise."""
    X, y = data(seed=5)
    full = np.c_[X[:, :2], np.full(X.shape[0], constant), X[:, 2:], np.full(X.shape[0], -constant)]
    precompute = fmt == "dense-gram"
    Xin = sp.csc_matrix(full) if fmt == "sparse" else full
    t = 0.5 * float(np.abs(np.linalg.lstsq(X - X.mean(0), y - y.mean(), rcond=None)[0]).sum())
    model = ConstrainedLasso(t=t, precompute=precompute).fit(Xin, y)
    reduced = ConstrainedLasso(t=t).fit(X, y)
    ref = fit_cvxpy(reduced, X, y)
    assert model.coef_[2] == 0.0 and model.coef_[-1] == 0.0
    np.testing.assert_allclose(np.delete(model.coef_, [2, full.shape[1] - 1]), ref.coef, atol=1e-6)
    assert model.multiplier_ == pytest.approx(ref.multiplier, rel=1e-5)
    assert model.intercept_ == pytest.approx(ref.intercept, rel=1e-6)
    # only constant columns: the intercept alone, with an inactive budget
    alone = ConstrainedLasso(t=t, precompute=precompute).fit(full[:, [2, -1]], y)
    np.testing.assert_array_equal(alone.coef_, 0.0)
    assert alone.multiplier_ == 0.0 and alone.intercept_ == pytest.approx(y.mean(), rel=1e-12)
