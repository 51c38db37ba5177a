"""Estimators on data at the edges of float64 and on empty statistics, against closed forms.

At extreme scales the answers have closed forms: a design scaled by 1e-20 makes the L1-ball
problem linear (its solution is the vertex of largest correlation), a design scaled by 1e-150
makes the L2-ball solution the normalised correlation vector. Where float64 cannot hold the
intermediate squares, the estimator must say so and name the fix.
"""

from __future__ import annotations

import numpy as np
import pytest

from lagrangekit.linear_model import (
    ConstrainedLasso,
    ConstrainedRidge,
    ElasticNet,
    GramStats,
    Lasso,
    LogisticRegression,
    Ridge,
    fit_cvxpy,
)


def data(seed=0, n=30):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ [1.0, 2.0, 3.0] + rng.normal(size=n)


def centred_moments(X, y):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return Xc.T @ Xc, Xc.T @ yc


@pytest.mark.parametrize("scale", [1e-5, 1e-10, 1e-20, 1e-150])
def test_constrained_lasso_on_a_tiny_design_is_the_vertex_of_largest_correlation(scale):
    X, y = data()
    X = X * scale
    t = 1.0
    G, c = centred_moments(X, y)
    j = int(np.argmax(np.abs(c)))
    vertex = np.zeros(3)
    vertex[j] = t * np.sign(c[j])
    # KKT of min (1/2n)‖yc − Xc w‖² s.t. ‖w‖₁ ≤ t on the support {j}: nμ = |c_j| − G_jj t
    mu = (abs(c[j]) - G[j, j] * t) / X.shape[0]
    assert np.all(np.abs(c - G[:, j] * vertex[j])[np.arange(3) != j] < abs(c[j]) - G[j, j] * t)
    model = ConstrainedLasso(t=t).fit(X, y)
    np.testing.assert_allclose(model.coef_, vertex, rtol=1e-12, atol=1e-12 * t)
    assert model.multiplier_ == pytest.approx(mu, rel=1e-9)


def test_constrained_lasso_near_alpha_max_matches_cvxpy():
    X, y = data(seed=1)
    for t in (1e-3, 0.5):
        ours = ConstrainedLasso(t=t).fit(X * 1e-3, y)
        ref = fit_cvxpy(ConstrainedLasso(t=t), X * 1e-3, y)
        np.testing.assert_allclose(ours.coef_, ref.coef, rtol=1e-5, atol=1e-7 * t)


@pytest.mark.parametrize("scale", [1e-150, 1e150])
def test_constrained_ridge_at_extreme_scales_has_the_closed_form_solution(scale):
    X, y = data(seed=2)
    X = X * scale
    s = 1.0
    G, c = centred_moments(X, y)
    model = ConstrainedRidge(s=s).fit(X, y)
    if scale < 1:  # G ≪ μ: w = (G + μI)⁻¹c with ‖w‖² = s is √s·c/‖c‖ to 1e-150
        np.testing.assert_allclose(model.coef_, np.sqrt(s) * c / np.linalg.norm(c), rtol=1e-12)
        assert model.multiplier_ == pytest.approx(np.linalg.norm(c) / np.sqrt(s), rel=1e-12)
    else:  # the least-squares solution (norm ~1e-150) is inside the ball
        np.testing.assert_allclose(model.coef_, np.linalg.solve(G, c), rtol=1e-10)
        assert model.multiplier_ == 0.0


@pytest.mark.parametrize(
    "estimator", [ConstrainedRidge(s=1.0), Ridge(), Lasso(alpha=0.1), LogisticRegression()]
)
@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_unrepresentable_squares_are_a_clear_error_or_a_right_answer(estimator, scale):
    X, y = data(seed=3)
    target = (y > y.mean()).astype(int) if isinstance(estimator, LogisticRegression) else y
    try:
        fitted = estimator.fit(X * scale, target)
    except ValueError as error:
        assert "rescale X" in str(error)
        return
    if isinstance(estimator, Ridge):  # α = 1 dominates XᵀX ~ 1e-400: w = Xcᵀyc to 1e-380
        G, c = centred_moments(X * scale, y)
        np.testing.assert_allclose(fitted.coef_, c, rtol=1e-12)


@pytest.mark.parametrize(
    "estimator", [Ridge(), Lasso(), ElasticNet(), ConstrainedRidge(), ConstrainedLasso()]
)
@pytest.mark.parametrize("empty", ["no rows", "zero weights"])
def test_fitting_empty_statistics_is_a_clear_error(estimator, empty):
    X, y = data(seed=4)
    if empty == "no rows":
        stats = GramStats.from_chunks([(X[:0], y[:0])])
    else:
        stats = GramStats.from_arrays(X, y, sample_weight=np.zeros(y.size))
    with pytest.raises(ValueError, match="hold no data"):
        estimator.fit(stats)
