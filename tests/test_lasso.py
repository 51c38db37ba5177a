"""Lasso / ElasticNet / lasso_path against scikit-learn, closed forms, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, lasso_path
from lagrangekit.linear_model._design import make_design
from lagrangekit.linear_model._enet_solvers import coordinate_descent
from lagrangekit.linear_model._quadratic import NormalEquationsQuadratic
from lagrangekit.linear_model._roles import ElasticNetPenalty
from lagrangekit.linear_model.gram_stats import NormalEquations


def correlated_data(n=60, p=15, seed=0, shift=3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1:] += 0.6 * X[:, :-1]  # correlated neighbours
    X += shift  # non-zero means: the intercept matters
    w = np.zeros(p)
    w[[0, 3, 7]] = [2.0, -1.5, 1.0]
    y = X @ w + 0.5 * rng.standard_normal(n) + 4.0
    return X, y


def centred_alpha_max(X, y, sw=None, l1_ratio=1.0, positive=False, fit_intercept=True):
    """‖Xᶜᵀ S yᶜ‖∞ / (n·l1_ratio), computed from scratch with dense numpy."""
    X = X.toarray() if sp.issparse(X) else X
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    if fit_intercept:
        X = X - s @ X / n
        y = y - s @ y / n
    z = X.T @ (s * y) / n
    return (z.max() if positive else np.abs(z).max()) / l1_ratio


def assert_coef_close(ours, ref, rtol=1e-6):
    scale = max(1.0, np.abs(ref).max())
    np.testing.assert_allclose(ours, ref, rtol=0, atol=rtol * scale)


WEIGHTS = np.random.default_rng(5).uniform(0.2, 3.0, 60)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", ["dense-gram", "dense-design", "fortran-design", "sparse"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_matches_sklearn(fit_intercept, fmt, positive, weighted, l1_ratio):
    X, y = correlated_data()
    if fmt == "sparse":
        X = sp.csc_matrix(X * (np.random.default_rng(1).random(X.shape) < 0.4))
    if fmt == "fortran-design":  # used in place, centred implicitly (no copy) when unweighted
        X = np.asfortranarray(X)
    sw = WEIGHTS if weighted else None
    alpha = centred_alpha_max(X, y, sw, l1_ratio, positive, fit_intercept) / 15
    precompute = {"dense-gram": True, "dense-design": False, "fortran-design": False, "sparse": "auto"}[fmt]
    ours = ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        positive=positive,
        precompute=precompute,
        tol=1e-13,
        max_iter=100_000,
    ).fit(X, y, sample_weight=sw)
    ref = sk.ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        positive=positive,
        tol=1e-15,
        max_iter=10**6,
    ).fit(X, y, sample_weight=sw)
    assert ours.solver_ == ("cd-gram" if fmt == "dense-gram" else "cd")
    if fmt == "fortran-design" and not weighted:
        assert make_design(X, None, fit_intercept).X is X
    assert_coef_close(ours.coef_, ref.coef_)
    assert abs(ours.intercept_ - ref.intercept_) <= 1e-6 * max(1.0, abs(ref.intercept_))
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6)
    assert ours.kkt(X, y, sample_weight=sw).ok


@pytest.mark.parametrize("solver", ["fista", "ista"])
@pytest.mark.parametrize("sparse_input", [False, True])
def test_proximal_solvers_match_sklearn(solver, sparse_input):
    X, y = correlated_data(n=80, p=10, seed=2, shift=0.5)
    X = sp.csc_matrix(X) if sparse_input else X
    alpha = centred_alpha_max(X, y) / 10
    ours = Lasso(alpha=alpha, solver=solver, tol=1e-12, max_iter=200_000).fit(X, y)
    ref = sk.Lasso(alpha=alpha, tol=1e-15, max_iter=10**6).fit(X, y)
    assert ours.solver_ == solver
    assert_coef_close(ours.coef_, ref.coef_, rtol=1e-5)
    assert ours.dual_gap_ <= 1e-12 * np.var(y) / 2 * 1.0001


def test_random_selection_matches_sklearn():
    X, y = correlated_data(seed=4)
    alpha = centred_alpha_max(X, y) / 20
    ours = Lasso(alpha=alpha, selection="random", random_state=0, precompute=False, tol=1e-13).fit(X, y)
    ref = sk.Lasso(alpha=alpha, tol=1e-15, max_iter=10**6).fit(X, y)
    assert_coef_close(ours.coef_, ref.coef_)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("sparse_input", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_lasso_path_matches_sklearn(fit_intercept, sparse_input, l1_ratio):
    X, y = correlated_data(n=50, p=20, seed=3, shift=1.0)
    Xref, yref = X, y
    if fit_intercept:  # sklearn's path fits no intercept: give it centred data
        Xref, yref = X - X.mean(axis=0), y - y.mean()
    if sparse_input and not fit_intercept:
        X = sp.csc_matrix(X)
    alphas, coefs, gaps = lasso_path(
        X, y, l1_ratio=l1_ratio, alphas=30, fit_intercept=fit_intercept, tol=1e-13
    )
    ref_alphas, ref_coefs, _ = sk.enet_path(
        Xref, yref, l1_ratio=l1_ratio, alphas=30, tol=1e-15, max_iter=10**6
    )
    np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-12)
    assert coefs.shape == ref_coefs.shape == (20, 30)
    assert_coef_close(coefs, ref_coefs)
    P0 = (yref @ yref) / (2 * len(y))
    assert np.all(gaps <= 1e-13 * P0 * 1.0001)


def test_gram_entry_point_from_statistics():
    """Coordinate descent on normal equations needs only XᵀX, Xᵀy, yᵀy and n (the out-of-core entry point)."""
    X, y = correlated_data(n=500, p=8, seed=6, shift=0.0)
    alphas = np.array([0.3, 0.1, 0.01])
    normal = NormalEquations(X.T @ X, X.T @ y, float(y @ y), np.zeros(8), 0.0, 500.0, 500)
    datafit = NormalEquationsQuadratic(normal)
    sol = coordinate_descent(datafit, ElasticNetPenalty(1.0), alphas=alphas, tol=1e-14, max_iter=10**5)
    _, ref, _ = sk.lasso_path(X, y, alphas=alphas, tol=1e-15, max_iter=10**6)
    assert_coef_close(sol.coefs.T, ref)


def test_orthonormal_design_is_soft_thresholding():
    rng = np.random.default_rng(7)
    n, p = 40, 6
    Q, _ = np.linalg.qr(rng.standard_normal((n, p)))
    X = Q * np.sqrt(n)  # XᵀX/n = I
    y = rng.standard_normal(n) * 3
    alpha = 0.4
    z = X.T @ y / n
    expected = np.sign(z) * np.maximum(np.abs(z) - alpha, 0)
    for precompute in (True, False):
        ours = Lasso(alpha=alpha, fit_intercept=False, precompute=precompute, tol=1e-14).fit(X, y)
        np.testing.assert_allclose(ours.coef_, expected, atol=1e-12)
    # elastic net on an orthonormal design: soft threshold then shrink by 1 + α(1 − l1_ratio)
    enet = ElasticNet(alpha=alpha, l1_ratio=0.25, fit_intercept=False, tol=1e-14).fit(X, y)
    shrunk = np.sign(z) * np.maximum(np.abs(z) - 0.25 * alpha, 0) / (1 + 0.75 * alpha)
    np.testing.assert_allclose(enet.coef_, shrunk, atol=1e-12)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
@pytest.mark.parametrize("sparse_input", [False, True])
def test_alpha_max_gives_exact_zeros(positive, l1_ratio, sparse_input):
    X, y = correlated_data(seed=8)
    y = -y if positive else y  # make the positive α_max come from a different sign pattern
    sw = WEIGHTS
    amax = centred_alpha_max(X, y, sw, l1_ratio, positive)
    Xin = sp.csc_matrix(X) if sparse_input else X
    at = ElasticNet(alpha=amax, l1_ratio=l1_ratio, positive=positive).fit(Xin, y, sample_weight=sw)
    assert np.all(at.coef_ == 0.0)
    assert at.intercept_ == pytest.approx(np.average(y, weights=sw), rel=1e-12)
    below = ElasticNet(alpha=amax * (1 - 1e-4), l1_ratio=l1_ratio, positive=positive, tol=1e-12)
    assert np.count_nonzero(below.fit(Xin, y, sample_weight=sw).coef_) >= 1


def test_hand_built_dual_point_certifies_zero():
    """X = I₂, y = (2, 1): Xᵀy/n = (1, 0.5), so α_max = 1; at α = 1 the dual point θ = y is feasible."""
    X = np.eye(2)
    y = np.array([2.0, 1.0])
    at = Lasso(alpha=1.0, fit_intercept=False).fit(X, y)
    assert np.all(at.coef_ == 0.0) and at.n_iter_ == 0 and at.dual_gap_ == 0.0
    # just below: w₁ = ST(1, α)/(‖X₁‖²/n) = 2(1 − α), w₂ = 0
    below = Lasso(alpha=0.9, fit_intercept=False, tol=1e-14).fit(X, y)
    np.testing.assert_allclose(below.coef_, [0.2, 0.0], atol=1e-14)


def test_lasso_cv_matches_sklearn():
    X, y = correlated_data(n=80, p=12, seed=9)
    ours = LassoCV(cv=4, alphas=30, tol=1e-10).fit(X, y)
    ref = sk.LassoCV(cv=4, alphas=30, tol=1e-12, max_iter=10**6).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    assert_coef_close(ours.coef_, ref.coef_, rtol=1e-5)


def test_elastic_net_cv_matches_sklearn():
    X, y = correlated_data(n=80, p=12, seed=10)
    ours = ElasticNetCV(l1_ratio=[0.2, 0.7, 1.0], cv=3, alphas=20, tol=1e-13).fit(X, y)
    ref = sk.ElasticNetCV(l1_ratio=[0.2, 0.7, 1.0], cv=3, alphas=20, tol=1e-12, max_iter=10**6).fit(X, y)
    assert ours.l1_ratio_ == ref.l1_ratio_
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)


def test_float32_input_is_accepted():
    X, y = correlated_data()
    alpha = centred_alpha_max(X, y) / 10
    ref = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    ours = Lasso(alpha=alpha, tol=1e-10).fit(X.astype(np.float32), y.astype(np.float32))
    assert ours.coef_.dtype == np.float32
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4 * np.abs(ref.coef_).max())


def test_warm_start_reuses_the_solution():
    X, y = correlated_data(seed=11)
    alpha = centred_alpha_max(X, y) / 30
    model = Lasso(alpha=alpha, warm_start=True, precompute=False, tol=1e-10).fit(X, y)
    again = model.fit(X, y)
    assert again.n_iter_ <= 6  # the first gap check (after one Anderson cycle) already passes
    assert_coef_close(again.coef_, sk.Lasso(alpha=alpha, tol=1e-14, max_iter=10**6).fit(X, y).coef_)


def test_kkt_report_detects_a_wrong_point():
    X, y = correlated_data(seed=12)
    model = Lasso(alpha=centred_alpha_max(X, y) / 10, tol=1e-12).fit(X, y)
    assert model.kkt(X, y).ok
    model.coef_ = model.coef_ * 1.01
    report = model.kkt(X, y)
    assert not report.ok and "stationarity" in report.failed_conditions()


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 30),
    p=st.integers(1, 12),
    frac=st.floats(0.01, 1.2),
)
def test_random_instances_match_sklearn(seed, n, p, frac):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    amax = centred_alpha_max(X, y)
    if amax == 0:
        return
    ours = Lasso(alpha=frac * amax, tol=1e-13, max_iter=10**5).fit(X, y)
    ref = sk.Lasso(alpha=frac * amax, tol=1e-15, max_iter=10**6).fit(X, y)
    assert_coef_close(ours.coef_, ref.coef_, rtol=1e-5)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": np.nan}, "alpha"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"l1_ratio": -0.1}, "l1_ratio"),
        ({"solver": "newton"}, "solver"),
        ({"selection": "greedy"}, "selection"),
        ({"max_iter": 0}, "max_iter"),
        ({"tol": -1e-3}, "tol"),
        ({"precompute": "yes"}, "precompute"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y = correlated_data()
    with pytest.raises(ValueError, match=match):
        ElasticNet(**params).fit(X, y)


def test_bad_data_is_rejected():
    X, y = correlated_data()
    Xnan = X.copy()
    Xnan[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Lasso().fit(Xnan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Lasso().fit(X, y[:-1])
    with pytest.raises(ValueError, match="sample_weight"):
        Lasso().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[0.1, np.inf])
    with pytest.raises(ValueError, match="l1_ratio=0"):
        lasso_path(X, y, l1_ratio=0.0)


def test_all_zero_column_gets_a_zero_coefficient():
    X, y = correlated_data()
    Xz = X.copy()
    Xz[:, 4] = 0.0
    alpha = centred_alpha_max(X, y) / 10
    for fmt in (Xz, sp.csc_matrix(Xz)):
        ours = Lasso(alpha=alpha, tol=1e-13).fit(fmt, y)
        ref = sk.Lasso(alpha=alpha, tol=1e-15, max_iter=10**6).fit(np.delete(X, 4, axis=1), y)
        assert ours.coef_[4] == 0.0
        assert_coef_close(np.delete(ours.coef_, 4), ref.coef_)


def test_constant_target_gives_the_exact_answer():
    X, _ = correlated_data()
    y = np.full(X.shape[0], 3.5)
    model = Lasso(alpha=0.1).fit(X, y)
    assert np.all(model.coef_ == 0.0) and model.intercept_ == 3.5 and model.dual_gap_ == 0.0


def test_alpha_zero_warns():
    X, y = correlated_data(n=30, p=10)
    with pytest.warns(UserWarning, match="alpha=0"):
        Lasso(alpha=0.0, max_iter=5).fit(X, y)


def test_non_convergence_warns():
    X, y = correlated_data(seed=13)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        Lasso(alpha=centred_alpha_max(X, y) / 1000, tol=1e-14, max_iter=2, precompute=False).fit(X, y)


def test_inputs_are_not_modified():
    X, y = correlated_data()
    Xf = np.asfortranarray(X)
    Xs = sp.csc_matrix(X * (X > 3))
    sw = WEIGHTS.copy()
    copies = [Xf.copy(), y.copy(), Xs.copy(), sw.copy()]
    for model in (Lasso(alpha=0.05), ElasticNet(alpha=0.05, solver="fista"), LassoCV(cv=3, alphas=5)):
        for data in (Xf, Xs):
            model.fit(data, y, sample_weight=sw)
    lasso_path(Xf, y, alphas=5, fit_intercept=True, sample_weight=sw)
    np.testing.assert_array_equal(Xf, copies[0])
    np.testing.assert_array_equal(y, copies[1])
    assert (Xs != copies[2]).nnz == 0
    np.testing.assert_array_equal(sw, copies[3])


@pytest.mark.parametrize("cls", ["LassoCV", "ElasticNetCV"])
def test_integer_alphas_is_the_grid_size_as_in_sklearn(cls):
    X, y = correlated_data(n=60, p=8, seed=11)
    ours = {"LassoCV": LassoCV, "ElasticNetCV": ElasticNetCV}[cls](alphas=10, cv=3, tol=1e-12).fit(X, y)
    ref = getattr(sk, cls)(alphas=10, cv=3, tol=1e-12, max_iter=10**6).fit(X, y)
    assert ours.alphas_.shape == (10,)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    assert np.any(ours.coef_ != 0)  # not the single α = 10, which would zero every coefficient


def test_n_alphas_still_works_for_one_release_with_a_future_warning():
    X, y = correlated_data(n=60, p=8, seed=12)
    with pytest.warns(FutureWarning, match="alphas=<int>"):
        old = LassoCV(n_alphas=7, cv=3).fit(X, y)
    np.testing.assert_allclose(old.alphas_, LassoCV(alphas=7, cv=3).fit(X, y).alphas_, rtol=0)


def _ridge_like(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, 1] = X[:, 0] + 0.1 * rng.normal(size=n)
    return X, X[:, :3] @ [1.0, -2.0, 3.0] + rng.normal(size=n)


@pytest.mark.parametrize(("n", "p"), [(100, 20), (50, 200)])
@pytest.mark.parametrize("precompute", [True, False])
def test_elastic_net_l1_ratio_zero_is_the_closed_form_ridge_to_1e10(n, p, precompute):
    """(1/2n)‖y − Xw − b‖² + (α/2)‖w‖² is Ridge with α·n: the gap alone would certify w to √gap."""
    X, y = _ridge_like(n, p, seed=0)
    exact = sk.Ridge(alpha=0.1 * n, solver="svd").fit(X, y).coef_
    ours = ElasticNet(alpha=0.1, l1_ratio=0.0, tol=1e-11, precompute=precompute).fit(X, y).coef_
    assert np.linalg.norm(ours - exact) <= 1e-10 * np.linalg.norm(exact)


@pytest.mark.parametrize("tol", [1e-4, 1e-8])
def test_coefficients_at_least_as_accurate_as_sklearn_at_the_same_tol(tol):
    X, y = _ridge_like(100, 20, seed=1)
    exact = sk.Ridge(alpha=0.1 * 100, solver="svd").fit(X, y).coef_
    ours = ElasticNet(alpha=0.1, l1_ratio=0.0, tol=tol).fit(X, y).coef_
    ref = sk.ElasticNet(alpha=0.1, l1_ratio=0.0, tol=tol, max_iter=10**6).fit(X, y).coef_
    assert np.linalg.norm(ours - exact) <= max(np.linalg.norm(ref - exact), 1e-13 * np.linalg.norm(exact))
