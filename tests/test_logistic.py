"""LogisticRegression vs statsmodels Logit, sklearn (matching C), cvxpy, TEXTBOOK L3/L6, estimator checks."""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.likelihood import binary_cross_entropy, fit_mle
from lagrangekit.likelihood.separation import PerfectSeparationWarning
from lagrangekit.linear_model import LogisticRegression
from lagrangekit.optim import adam

L6_X = np.array([[10.0], [9.0], [3.0], [2.0], [1.0]])  # TEXTBOOK L6
L6_Y = np.array([1, 1, 0, 0, 0])


def _data(n=120, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X @ np.linspace(1.0, -1.0, p) + 0.3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


def _spector():
    import statsmodels.api as sm

    data = sm.datasets.spector.load_pandas()
    return data.exog.to_numpy(), data.endog.to_numpy()


# ---------------------------------------------------------------- statsmodels Logit


@pytest.mark.parametrize("dataset", ["spector", "synthetic"])
def test_unpenalized_fit_matches_statsmodels_logit_params_and_bse(dataset):
    import statsmodels.api as sm

    X, y = _spector() if dataset == "spector" else _data()
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    res = model.mle_result(X, y)
    np.testing.assert_allclose(res.params, ref.params, atol=1e-6, rtol=1e-6)
    np.testing.assert_allclose(res.bse, ref.bse, atol=1e-6, rtol=1e-6)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    assert res.aic == pytest.approx(ref.aic, rel=1e-10)
    assert res.bic == pytest.approx(ref.bic, rel=1e-10)
    assert res.param_names[0] == "intercept"


def test_argmin_mean_bce_is_argmax_bernoulli_likelihood_by_fit_mle():
    # TEXTBOOK L2: the estimator minimizes mean BCE; fit_mle maximizes Σ log P(t) numerically
    X, y = _data(80, 2, seed=3)
    A = np.column_stack([np.ones(80), X])

    def loglik(theta, data):
        return -binary_cross_entropy(y, logits=A @ theta, reduction="sum")

    mle = fit_mle(loglik, None, x0=np.zeros(3), nobs=80)
    model = LogisticRegression(penalty=None, tol=1e-12).fit(X, y)
    ours = model.mle_result(X, y)
    np.testing.assert_allclose(mle.params, ours.params, atol=1e-5)
    np.testing.assert_allclose(mle.bse, ours.bse, rtol=1e-4)  # numeric Hessian vs analytic information


def test_sample_weights_are_frequency_weights_like_statsmodels_glm():
    import statsmodels.api as sm

    X, y = _data(60, 2, seed=5)
    w = np.random.default_rng(5).integers(1, 4, size=60).astype(float)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    res = model.mle_result(X, y, sample_weight=w)
    np.testing.assert_allclose(res.params, ref.params, atol=1e-6)
    np.testing.assert_allclose(res.bse, ref.bse, atol=1e-6)


# ---------------------------------------------------------------- scikit-learn with C = 1/(n·α)


@pytest.mark.parametrize("penalty", ["l2", "l1", None])
def test_matches_sklearn_with_C_equal_one_over_n_alpha(penalty):
    X, y = _data(100, 3, seed=1)
    alpha = 0.02
    if penalty is None:
        sk = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10000)
    elif penalty == "l2":
        sk = SkLogisticRegression(C=1 / (100 * alpha), l1_ratio=0, tol=1e-12, max_iter=10000)
    else:
        sk = SkLogisticRegression(C=1 / (100 * alpha), l1_ratio=1, solver="saga", tol=1e-12, max_iter=100000)
    sk.fit(X, y)
    ours = LogisticRegression(penalty=penalty, alpha=alpha, tol=1e-10, max_iter=20000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=2e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=2e-6)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_weighted_fit_matches_sklearn_with_C_equal_one_over_alpha_sum_weights():
    X, y = _data(50, 2, seed=9)
    w = np.random.default_rng(9).uniform(0.5, 2.0, size=50)
    alpha = 0.05
    sk = SkLogisticRegression(C=1 / (alpha * w.sum()), tol=1e-12, max_iter=10000).fit(X, y, sample_weight=w)
    ours = LogisticRegression(alpha=alpha, tol=1e-10).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=2e-6)


# ---------------------------------------------------------------- cvxpy


@pytest.mark.parametrize(("penalty", "alpha"), [("l2", 0.05), ("l1", 0.05), (None, 0.0)])
def test_matches_cvxpy_logistic(penalty, alpha):
    X, y = _data(60, 3, seed=2)
    est = LogisticRegression(penalty=penalty, alpha=alpha, tol=1e-10, max_iter=20000)
    problem, coef, intercept, norm = est._cvxpy_problem(X, y)
    assert norm is None
    problem.solve(solver=cp.CLARABEL)
    est.fit(X, y)
    assert est.objective_ == pytest.approx(problem.value, abs=1e-7)
    np.testing.assert_allclose(est.coef_, coef.value, atol=1e-4)
    np.testing.assert_allclose(est.intercept_, intercept.value, atol=1e-4)


def test_fit_cvxpy_supports_logistic_regression():
    from lagrangekit.linear_model import fit_cvxpy

    X, y = _data(60, 3, seed=4)
    w = np.random.default_rng(4).uniform(0.5, 2.0, size=60)
    for penalty in ("l2", "l1"):
        est = LogisticRegression(penalty=penalty, alpha=0.05, tol=1e-10)
        ref = fit_cvxpy(est, X, y, sample_weight=w)
        est.fit(X, y, sample_weight=w)
        assert ref.coef.shape == est.coef_.shape
        np.testing.assert_allclose(est.coef_, ref.coef, atol=1e-6)
        np.testing.assert_allclose(est.intercept_, ref.intercept, atol=1e-6)
        assert est.objective_ == pytest.approx(ref.objective, abs=1e-9)
        assert ref.multiplier is None


# ---------------------------------------------------------------- solvers agree; gd through optim; KKT


@pytest.mark.parametrize("penalty", ["l2", None])
def test_solver_consistency_and_kkt(penalty):
    X, y = _data(150, 3, seed=6)
    fits = {
        solver: LogisticRegression(penalty=penalty, alpha=0.01, solver=solver, tol=1e-9, max_iter=50000).fit(
            X, y
        )
        for solver in ("newton", "gd", "fista")
    }
    for solver, model in fits.items():
        assert model.converged_, solver
        np.testing.assert_allclose(model.coef_, fits["newton"].coef_, atol=1e-7)
        assert model.kkt(X, y).ok
    assert fits["newton"].n_iter_ < fits["gd"].n_iter_


def test_gd_gradient_is_Xt_p_minus_t_over_n():
    # TEXTBOOK L3: dL/dw = x(y − t), dL/db = y − t; the mean over samples is Xᵀ(p − t)/n
    X, y = _data(40, 2, seed=8)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(X.T @ (p - y) / 40, 0, atol=1e-10)
    np.testing.assert_allclose(np.mean(p - y), 0, atol=1e-10)
    perturbed = LogisticRegression(penalty=None).fit(X, y)
    perturbed.coef_ = perturbed.coef_ + 0.1
    p2 = perturbed.predict_proba(X)[:, 1]
    report = perturbed.kkt(X, y)
    assert not report.ok
    assert report.stationarity == pytest.approx(np.abs(np.r_[X.T @ (p2 - y), np.sum(p2 - y)] / 40).max())


def test_gd_runs_any_optim_transform():
    X, y = _data(100, 3, seed=10)
    ref = LogisticRegression(alpha=0.01, tol=1e-10).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(alpha=0.01, solver="gd", optimizer=adam(0.05), tol=1e-7, max_iter=5000)
        model.fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-5)


def test_l1_gives_exact_zeros_and_newton_fista_agree_with_kkt():
    X, y = _data(120, 6, seed=11)
    X[:, 4:] *= 0.01  # weak features
    newton = LogisticRegression(penalty="l1", alpha=0.05, tol=1e-10).fit(X, y)
    fista = LogisticRegression(penalty="l1", alpha=0.05, solver="fista", tol=1e-10, max_iter=50000).fit(X, y)
    assert np.any(newton.coef_ == 0)
    np.testing.assert_array_equal(newton.coef_ == 0, fista.coef_ == 0)
    np.testing.assert_allclose(newton.coef_, fista.coef_, atol=1e-7)
    assert newton.kkt(X, y).ok and fista.kkt(X, y).ok


# ---------------------------------------------------------------- TEXTBOOK L6: perfect separation


def test_L6_separation_detected_and_reported():
    with pytest.warns(PerfectSeparationWarning, match="MLE does not exist"):
        model = LogisticRegression(penalty=None).fit(L6_X, L6_Y)
    assert model.separable_
    assert model.separation_.kind == "complete"
    assert not model.converged_
    assert "does not exist" in model.message_
    with pytest.raises(ValueError, match="does not exist"):
        model.mle_result(L6_X, L6_Y)
    # the LP's direction really separates: s_i (w x_i + b) > 0
    d = model.separation_.direction
    assert np.all((2 * L6_Y - 1) * (L6_X[:, 0] * d[0] + d[1]) > 0)


def test_L6_with_l2_penalty_is_finite_and_matches_cvxpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        model = LogisticRegression(penalty="l2", alpha=0.1, tol=1e-10).fit(L6_X, L6_Y)
    assert model.separable_ and model.converged_
    assert "penalized fit (alpha=0.1) is finite" in model.message_
    problem, coef, intercept, _ = model._cvxpy_problem(L6_X, L6_Y)
    problem.solve(solver=cp.CLARABEL)
    np.testing.assert_allclose(model.coef_, coef.value, atol=1e-4)
    sk = SkLogisticRegression(C=1 / (5 * 0.1), tol=1e-12, max_iter=10000).fit(L6_X, L6_Y)
    np.testing.assert_allclose(model.coef_, sk.coef_, atol=1e-5)


def test_overlapping_classes_are_not_flagged():
    X, y = _data(50, 2)
    model = LogisticRegression(penalty=None).fit(X, y)
    assert not model.separable_


# ---------------------------------------------------------------- bad input and sklearn checks


@pytest.mark.parametrize(
    ("kwargs", "X", "y", "match"),
    [
        ({}, np.zeros((3, 1)), [0, 1, 2], "binary"),
        ({}, np.zeros((3, 1)), [1, 1, 1], "only one class"),
        ({}, np.array([[0.0], [np.nan]]), [0, 1], "NaN"),
        ({}, np.zeros((3, 1)), [0, 1], "inconsistent numbers of samples"),
        ({"penalty": "l3"}, np.zeros((2, 1)), [0, 1], "penalty must be one of"),
        ({"alpha": -1.0}, np.zeros((2, 1)), [0, 1], "alpha must be >= 0"),
        ({"penalty": "l1", "solver": "gd"}, np.zeros((2, 1)), [0, 1], "or 'fista' for penalty='l1'"),
        ({"solver": "lbfgs"}, np.zeros((2, 1)), [0, 1], "solver must be one of"),
        ({"optimizer": "adam"}, np.zeros((2, 1)), [0, 1], "optimizer= is used only"),
        ({"solver": "gd", "optimizer": "adam"}, np.zeros((2, 1)), [0, 1], "optim transform"),
        ({"max_iter": 0}, np.zeros((2, 1)), [0, 1], "max_iter must be"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**kwargs).fit(X, y)


def test_string_labels_and_no_mutation():
    X, y = _data(40, 2)
    labels = np.where(y == 1, "pass", "fail")
    X_copy = X.copy()
    model = LogisticRegression().fit(X, labels)
    np.testing.assert_array_equal(X, X_copy)
    assert list(model.classes_) == ["fail", "pass"]
    ref = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)), rtol=1e-12)


@parametrize_with_checks([LogisticRegression(), LogisticRegression(penalty="l1", alpha=0.01)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
