"""Multinomial LogisticRegression vs statsmodels MNLogit, scikit-learn (same C), cvxpy; separation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from lagrangekit.likelihood.separation import PerfectSeparationWarning
from lagrangekit.linear_model import LogisticRegression, fit_cvxpy


def _data(n=240, p=3, K=3, seed=0):
    """Softmax data: y = argmax(XBᵀ + Gumbel noise), so the classes overlap."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X @ rng.normal(size=(K, p)).T + rng.gumbel(size=(n, K))).argmax(axis=1)
    return X, y


def _mnlogit(X, y):
    import statsmodels.api as sm

    return sm.MNLogit(y, sm.add_constant(X)).fit(disp=0, method="newton", maxiter=100, tol=1e-12)


# ---------------------------------------------------------------- statsmodels MNLogit


@pytest.mark.parametrize("solver", ["newton-cholesky", "newton-cg", "lbfgs", "sag"])
def test_unpenalized_probabilities_match_statsmodels_mnlogit_to_1e6(solver):
    import statsmodels.api as sm

    X, y = _data(seed=1)
    ref = _mnlogit(X, y)
    model = LogisticRegression(C=np.inf, solver=solver, tol=1e-10, max_iter=100000, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict(sm.add_constant(X)), atol=1e-6)
    assert not model.separable_


def test_mle_result_is_mnlogit_baseline_category_parametrization():
    X, y = _data(seed=2, K=4)
    ref = _mnlogit(X, y)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    res = model.mle_result(X, y)
    # MNLogit's params are (p + 1, K − 1), class k's column = β_k − β_0; ours class by class
    np.testing.assert_allclose(res.params, ref.params.T.ravel(), atol=1e-8)
    np.testing.assert_allclose(res.bse, ref.bse.T.ravel(), rtol=1e-7)
    assert res.llf == pytest.approx(ref.llf, rel=1e-12)
    assert res.aic == pytest.approx(ref.aic, rel=1e-12) and res.bic == pytest.approx(ref.bic, rel=1e-12)
    assert res.param_names[0] == "1: intercept" and res.status == "optimal"
    # the symmetric softmax: intercepts and (unpenalized) coefficients sum to 0 over classes
    np.testing.assert_allclose(model.intercept_.sum(), 0, atol=1e-12)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(model.coef_[1:] - model.coef_[0], ref.params.T[:, 1:], atol=1e-8)


# ---------------------------------------------------------------- scikit-learn, same C


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky", "sag", "saga"])
def test_l2_multinomial_matches_sklearn_to_1e5(solver):
    X, y = _data(seed=3)
    sk = SkLogisticRegression(C=0.2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    ours = LogisticRegression(C=0.2, solver=solver, tol=1e-10, max_iter=100000, random_state=0).fit(X, y)
    assert ours.coef_.shape == (3, 3) and ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X), atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    assert ours.score(X, y) == sk.score(X, y)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_l1_and_elastic_net_multinomial_match_sklearn_saga_and_cvxpy(l1_ratio):
    X, y = _data(120, 4, seed=4)
    options = dict(C=0.05, l1_ratio=l1_ratio, solver="saga", max_iter=200000, random_state=0)
    sk = SkLogisticRegression(tol=1e-12, **options).fit(X, y)
    ours = LogisticRegression(tol=1e-11, **options).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)
    assert ours.kkt(X, y).ok and np.any(ours.coef_ == 0)
    ref = fit_cvxpy(ours, X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef, atol=1e-5)
    assert ours.objective_ == pytest.approx(ref.objective, abs=1e-8)


def test_class_weight_string_labels_and_sparse_X_match_sklearn():
    X, y = _data(200, 5, seed=5)
    X[np.abs(X) < 0.6] = 0.0
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    cw = {"setosa": 2.0, "versicolor": 0.5, "virginica": 1.0}
    sk = SkLogisticRegression(C=0.5, class_weight=cw, solver="newton-cholesky", tol=1e-12).fit(X, labels)
    for data in (X, sparse.csr_matrix(X), sparse.csc_matrix(X)):
        for solver in ("lbfgs", "newton-cholesky"):
            ours = LogisticRegression(C=0.5, class_weight=cw, solver=solver, tol=1e-10, max_iter=1000)
            ours.fit(data, labels)
            assert list(ours.classes_) == list(sk.classes_)
            np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-5)
            np.testing.assert_array_equal(ours.predict(data), sk.predict(X))
    balanced = LogisticRegression(class_weight="balanced", solver="newton-cholesky", tol=1e-10).fit(X, labels)
    sk_bal = SkLogisticRegression(class_weight="balanced", solver="newton-cholesky", tol=1e-12).fit(X, labels)
    np.testing.assert_allclose(balanced.coef_, sk_bal.coef_, atol=1e-8)


def test_two_classes_are_the_binary_model_of_the_logit_difference():
    # K = 2 is the categorical likelihood's two-class case: one row, z = z₁ − z₀
    X, y = _data(150, 3, K=2, seed=6)
    model = LogisticRegression(C=0.3, solver="newton-cholesky", tol=1e-12).fit(X, y)
    sk = SkLogisticRegression(C=0.3, solver="newton-cholesky", tol=1e-12).fit(X, y)
    assert model.coef_.shape == (1, 3)
    np.testing.assert_allclose(model.coef_, sk.coef_, atol=1e-9)
    assert model.decision_function(X).shape == (150,)


def test_probabilities_are_stable_at_logits_of_800():
    X, y = _data(90, 2, seed=7)
    model = LogisticRegression(solver="newton-cholesky").fit(X, y)
    far = np.array([[1e3, -1e3], [-1e3, 1e3], [0.0, 0.0]]) * 800 / np.abs(model.coef_).max() / 1e3
    log_p = model.predict_log_proba(far)
    assert np.all(np.isfinite(log_p)) and np.abs(model.decision_function(far)).max() > 500
    np.testing.assert_allclose(np.exp(log_p).sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(model.predict_proba(far), np.exp(log_p))


# ---------------------------------------------------------------- separation per class


def test_iris_setosa_is_named_as_separated_and_the_mle_refused():
    from sklearn.datasets import load_iris

    iris = load_iris()
    X, labels = iris.data, iris.target_names[iris.target]
    with pytest.warns(PerfectSeparationWarning, match="'setosa'.*finite C"):
        model = LogisticRegression(C=np.inf, solver="newton-cholesky", max_iter=30).fit(X, labels)
    assert model.separable_ and model.separation_.isolated == ["setosa"]
    assert not model.converged_
    with pytest.raises(ValueError, match="does not exist"):
        model.mle_result(X, labels)
    # the LP's direction separates setosa (with the intercept column last)
    d = model.separation_.by_class["setosa"].direction
    side = X @ d[:-1] + d[-1]
    is_setosa = labels == "setosa"
    assert np.all(side[is_setosa] >= -1e-9) and np.all(side[~is_setosa] <= 1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        penalized = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10).fit(X, labels)
    assert penalized.separable_ and penalized.certified_ and "is finite" in penalized.message_


def test_jointly_separable_classes_with_no_class_separable_alone():
    # quadrant labels: softmax of (x+y, −x+y, −x−y, x−y) classifies exactly, but no quadrant is
    # cut from the other three by one hyperplane
    rng = np.random.default_rng(8)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = np.select([(X[:, 0] > 0) & (X[:, 1] > 0), X[:, 0] <= 0, X[:, 1] <= 0], [0, 1 + (X[:, 1] <= 0), 3])
    with pytest.warns(PerfectSeparationWarning, match="none alone"):
        model = LogisticRegression(C=np.inf, max_iter=50).fit(X, y)
    assert model.separable_ and model.separation_.isolated == []
    assert model.separation_.kind == "complete"


# ---------------------------------------------------------------- hostile input

LABELS = st.sampled_from(
    [np.array([0, 1, 2]), np.array(["a", "b"]), np.array([-1.5, 2.0, 7.0, 9.0]), np.array([1])]
)


def hostile_multinomial(n, p, labels, corrupt, value, solver, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = labels[rng.integers(0, labels.size, size=n)]
    sw = rng.uniform(0.1, 2.0, size=n)
    if corrupt == "X" and X.size:
        X[0, 0] = value
    elif corrupt == "weights" and n:
        sw[0] = value
    elif corrupt == "shape":
        y = np.append(y, y[:1])
    X0, y0, sw0 = X.copy(), y.copy(), sw.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = LogisticRegression(solver=solver, max_iter=50).fit(X, y, sample_weight=sw)
        except ValueError as error:
            message = str(error)
            assert not any(leak in message for leak in ("index", "unpack", "NoneType", "operands")), message
            model = None
    assert np.array_equal(X, X0, equal_nan=True) and np.array_equal(y, y0)
    assert np.array_equal(sw, sw0, equal_nan=True)
    if model is not None:
        assert np.all(np.isfinite(X)) and np.all(np.isfinite(sw)) and np.all(sw >= 0)
        assert np.unique(y).size >= 2 and len(y) == n
        assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.predict_proba(X)))
        np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-10)


HOSTILE = dict(
    n=st.integers(0, 12),
    p=st.integers(1, 3),
    labels=LABELS,
    corrupt=st.sampled_from(["none", "X", "weights", "shape"]),
    value=st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -1.0, 0.0, 5e-324]),
    solver=st.sampled_from(["lbfgs", "newton-cg", "newton-cholesky", "sag", "saga"]),
    seed=st.integers(0, 2**16),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(**HOSTILE)
def test_hostile_input_gives_a_clear_error_or_a_finite_fit(**case):
    hostile_multinomial(**case)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(**HOSTILE)
def test_hostile_input_gives_a_clear_error_or_a_finite_fit_1000_cases(**case):
    hostile_multinomial(**case)


# ---------------------------------------------------------------- cvxpy on random instances


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    K=st.sampled_from([2, 3]),
    l1_ratio=st.sampled_from([0.0, 1.0]),
    weighted=st.booleans(),
    fit_intercept=st.booleans(),
    C=st.sampled_from([0.05, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_random_instances_match_fit_cvxpy(K, l1_ratio, weighted, fit_intercept, C, seed):
    X, y = _data(60, 3, K=K, seed=seed)
    if np.unique(y).size < K:
        return
    sw = np.random.default_rng(seed).uniform(0.2, 2.0, size=60) if weighted else None
    solver = "newton-cholesky" if l1_ratio == 0 else ("liblinear" if K == 2 else "saga")
    model = LogisticRegression(
        C=C, l1_ratio=l1_ratio, solver=solver, fit_intercept=fit_intercept, tol=1e-10, max_iter=100000,
        random_state=0,
    )  # fmt: skip
    model.fit(X, y, sample_weight=sw)
    ref = fit_cvxpy(model, X, y, sample_weight=sw)
    assert model.objective_ == pytest.approx(ref.objective, abs=1e-7)
    np.testing.assert_allclose(model.predict_proba(X), _cvxpy_proba(ref, X, K), atol=1e-4)
    assert model.kkt(X, y, sample_weight=sw).ok


def _cvxpy_proba(ref, X, K):
    Z = X @ np.atleast_2d(ref.coef).T + (0.0 if ref.intercept is None else ref.intercept)
    Z = np.column_stack([np.zeros(len(X)), Z[:, 0]]) if K == 2 else Z
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
