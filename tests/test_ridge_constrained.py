"""ConstrainedRidge: the multiplier of ‖w‖² <= s is Ridge's α (TEXTBOOK T6), checked against cvxpy."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge

from lagrangekit.linear_model import ConstrainedRidge, Ridge, fit_cvxpy


def make_data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + 0.5
    y = X @ rng.normal(size=p) + rng.normal(size=n) + 3.0
    return X, y, rng.uniform(0.5, 2.0, size=n)


@pytest.mark.parametrize(("n", "p"), [(40, 6), (15, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("alpha", [0.01, 2.0, 300.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_round_trip_recovers_alpha(n, p, alpha, weighted):
    X, y, sw = make_data(n, p)
    sw = sw if weighted else None
    ridge = SkRidge(alpha=alpha).fit(X, y, sample_weight=sw)
    s = float(ridge.coef_ @ ridge.coef_)
    model = ConstrainedRidge(s=s).fit(X, y, sample_weight=sw)
    assert model.multiplier_ == pytest.approx(alpha, rel=1e-8)
    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-8)
    assert model.intercept_ == pytest.approx(ridge.intercept_, rel=1e-8)


@pytest.mark.parametrize(("n", "p"), [(40, 6), (15, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_constrained_form_matches_cvxpy_and_its_multiplier(n, p, fit_intercept):
    X, y, sw = make_data(n, p, seed=1)
    s = 0.3 * float(np.sum(Ridge(alpha=0.0, solver="svd", fit_intercept=fit_intercept).fit(X, y).coef_ ** 2))
    model = ConstrainedRidge(s=s, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = fit_cvxpy(model, X, y, sw)
    # Clarabel's conic solve is the limiting accuracy here (ours has KKT residuals ~1e-14 and
    # equals Ridge at alpha = multiplier_ to 1e-8): coef ~1e-8 relative when n > p, ~1e-5 when p > n
    bound = 1e-6 if n > p else 1e-4
    np.testing.assert_allclose(model.coef_, ref.coef, rtol=bound, atol=bound * np.abs(ref.coef).max())
    assert model.multiplier_ == pytest.approx(ref.multiplier, rel=1e-4)  # a dual value: less accurate
    assert float(model.coef_ @ model.coef_) == pytest.approx(s, rel=1e-10)  # the constraint is active
    report = model.kkt(X, y, sample_weight=sw)
    assert report.ok and report.active == ("norm",)
    assert report.multipliers["norm"] == model.multiplier_
    # and the penalized Ridge at alpha = multiplier_ is the same solution
    twin = Ridge(alpha=model.multiplier_, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(twin.coef_, model.coef_, rtol=1e-8)


def test_multiplier_is_exactly_zero_inside_the_ball():
    X, y, _ = make_data(40, 5, seed=2)
    ls = np.linalg.lstsq(np.column_stack([X, np.ones(40)]), y, rcond=None)[0]
    model = ConstrainedRidge(s=2.0 * float(ls[:5] @ ls[:5])).fit(X, y)
    assert model.multiplier_ == 0.0
    np.testing.assert_allclose(model.coef_, ls[:5], rtol=1e-9)
    report = model.kkt(X, y)
    assert report.ok and report.active == ()
    assert fit_cvxpy(model, X, y).multiplier == pytest.approx(0.0, abs=1e-6)


def test_textbook_t6_tangency():
    """At the solution −∇loss is parallel to ∇‖w‖² = 2w, with ratio the multiplier."""
    X, y, _ = make_data(30, 3, seed=3)
    model = ConstrainedRidge(s=0.5, fit_intercept=False).fit(X, y)
    minus_grad_loss = 2 * X.T @ (y - X @ model.coef_)
    np.testing.assert_allclose(minus_grad_loss, model.multiplier_ * 2 * model.coef_, rtol=1e-9)


def test_zero_radius():
    X, y, _ = make_data(20, 3)
    model = ConstrainedRidge(s=0.0).fit(X, y)
    np.testing.assert_array_equal(model.coef_, 0.0)
    assert model.multiplier_ == np.inf and model.intercept_ == pytest.approx(y.mean())
