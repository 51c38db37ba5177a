"""Binary LogisticRegression vs statsmodels Logit, sklearn (same C), cvxpy, TEXTBOOK L3/L6, sklearn checks."""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils import check_array
from sklearn.utils.estimator_checks import parametrize_with_checks

from lagrangekit.likelihood import binary_cross_entropy, fit_mle
from lagrangekit.likelihood.separation import PerfectSeparationWarning
from lagrangekit.linear_model import LogisticRegression

L6_X = np.array([[10.0], [9.0], [3.0], [2.0], [1.0]])  # TEXTBOOK L6
L6_Y = np.array([1, 1, 0, 0, 0])
NEWTON = ("newton-cg", "newton-cholesky", "liblinear")


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
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10).fit(X, y)
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
    model = LogisticRegression(C=np.inf, solver="newton-cg", tol=1e-12).fit(X, y)
    ours = model.mle_result(X, y)
    np.testing.assert_allclose(mle.params, ours.params, atol=1e-5)
    np.testing.assert_allclose(mle.bse, ours.bse, rtol=1e-4)  # numeric Hessian vs analytic information


def test_sample_weights_are_frequency_weights_like_statsmodels_glm():
    import statsmodels.api as sm

    X, y = _data(60, 2, seed=5)
    w = np.random.default_rng(5).integers(1, 4, size=60).astype(float)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10).fit(X, y, sample_weight=w)
    res = model.mle_result(X, y, sample_weight=w)
    np.testing.assert_allclose(res.params, ref.params, atol=1e-6)
    np.testing.assert_allclose(res.bse, ref.bse, atol=1e-6)


# ---------------------------------------------------------------- scikit-learn, same C


@pytest.mark.parametrize("solver", ["lbfgs", *NEWTON, "sag", "saga"])
def test_l2_matches_sklearn_newton_cholesky_to_1e5(solver):
    # liblinear penalizes its intercept column, in sklearn's and here: compared with sklearn's liblinear
    X, y = _data(100, 3, seed=1)
    reference = "liblinear" if solver == "liblinear" else "newton-cholesky"
    sk = SkLogisticRegression(C=0.5, solver=reference, tol=1e-12, max_iter=1000).fit(X, y)
    ours = LogisticRegression(C=0.5, solver=solver, tol=1e-10, max_iter=100000, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    assert ours.coef_.shape == (1, 3) and ours.intercept_.shape == (1,) and ours.n_iter_.shape == (1,)


@pytest.mark.parametrize(("solver", "l1_ratio"), [("saga", 1.0), ("saga", 0.5)])
def test_l1_and_elastic_net_match_sklearn_saga_to_1e5(solver, l1_ratio):
    X, y = _data(100, 5, seed=12)
    options = dict(C=0.3, l1_ratio=l1_ratio, max_iter=200000, random_state=0)
    sk = SkLogisticRegression(solver="saga", tol=1e-13, **options).fit(X, y)
    ours = LogisticRegression(solver=solver, tol=1e-11, **options).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-5)
    assert ours.kkt(X, y).ok


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
@pytest.mark.parametrize("intercept_scaling", [1.0, 5.0, 0.3])
def test_liblinear_is_sklearns_liblinear_with_its_penalized_intercept(intercept_scaling, l1_ratio, sparse_X):
    # sklearn's liblinear fits [X | intercept_scaling] with every coefficient penalized
    import scipy.sparse as sparse

    X, y = _data(100, 5, seed=21)
    y = (X @ np.linspace(1.0, -1.0, 5) + 0.8 > np.random.default_rng(21).logistic(size=100)).astype(int)
    Xf = sparse.csr_matrix(X) if sparse_X else X
    options = dict(C=0.3, l1_ratio=l1_ratio, solver="liblinear", intercept_scaling=intercept_scaling)
    sk = SkLogisticRegression(tol=1e-12, max_iter=100000, **options).fit(Xf, y)
    ours = LogisticRegression(tol=1e-11, random_state=0, **options).fit(Xf, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-6)
    assert ours.certified_ and ours.kkt(Xf, y).ok
    # the same model as an explicit synthetic column with no separate intercept
    augmented = np.column_stack([X, np.full(100, intercept_scaling)])
    plain = LogisticRegression(tol=1e-11, random_state=0, **{**options, "fit_intercept": False})
    plain.fit(augmented, y)
    np.testing.assert_allclose(ours.coef_, plain.coef_[:, :-1], atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, intercept_scaling * plain.coef_[:, -1], atol=1e-9)


def test_liblinear_shrinking_on_sparse_l1_gives_sklearns_liblinear_and_the_intercept_column():
    # most coefficients stay at zero, so shrinking drops them from the working set: same model
    import scipy.sparse as sparse

    from lagrangekit.linear_model.logistic import _with_constant_column

    rng = np.random.default_rng(5)
    X = sparse.random(400, 1500, density=0.01, format="csr", random_state=rng, data_rvs=rng.standard_normal)
    w = np.zeros(1500)
    w[:20] = 3 * rng.normal(size=20)
    y = (np.asarray(X @ w).ravel() + rng.logistic(size=400) > 0).astype(int)
    sk = SkLogisticRegression(C=0.5, l1_ratio=1, solver="liblinear", tol=1e-12, max_iter=10000).fit(X, y)
    ours = LogisticRegression(C=0.5, l1_ratio=1, solver="liblinear", tol=1e-12, random_state=3).fit(X, y)
    assert 0 < np.count_nonzero(sk.coef_) < 300
    np.testing.assert_array_equal(ours.coef_ != 0, sk.coef_ != 0)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-6)
    assert ours.certified_
    augmented = _with_constant_column(X, 2.5)
    reference = sparse.hstack([X, np.full((400, 1), 2.5)], format="csr")
    assert augmented.shape == reference.shape and (augmented != reference).nnz == 0


def test_class_weight_matches_sklearn_and_equals_sample_weight():
    X, y = _data(80, 3, seed=9)
    cw = {0: 0.3, 1: 2.0}
    sk = SkLogisticRegression(C=0.7, class_weight=cw, solver="newton-cholesky", tol=1e-12).fit(X, y)
    ours = LogisticRegression(C=0.7, class_weight=cw, solver="newton-cholesky", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-8)
    as_weights = LogisticRegression(C=0.7, solver="newton-cholesky", tol=1e-10).fit(
        X, y, sample_weight=np.where(y == 1, 2.0, 0.3)
    )
    np.testing.assert_allclose(ours.coef_, as_weights.coef_, atol=1e-10)
    balanced = LogisticRegression(class_weight="balanced", solver="newton-cholesky", tol=1e-10).fit(X, y)
    sk_bal = SkLogisticRegression(class_weight="balanced", solver="newton-cholesky", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(balanced.coef_, sk_bal.coef_, atol=1e-8)


def test_sparse_X_gives_the_dense_fit():
    import scipy.sparse as sparse

    X, y = _data(120, 6, seed=13)
    X[np.abs(X) < 0.8] = 0.0
    for solver in ("lbfgs", "newton-cg", "newton-cholesky", "liblinear", "saga"):
        dense = LogisticRegression(C=2.0, solver=solver, tol=1e-10, max_iter=100000, random_state=0).fit(X, y)
        sp = LogisticRegression(C=2.0, solver=solver, tol=1e-10, max_iter=100000, random_state=0)
        sp.fit(sparse.csr_matrix(X), y)
        np.testing.assert_allclose(sp.coef_, dense.coef_, atol=1e-6)
        np.testing.assert_allclose(sp.predict_proba(sparse.csc_matrix(X)), dense.predict_proba(X), atol=1e-7)
    sk = SkLogisticRegression(C=2.0, solver="newton-cholesky", tol=1e-12).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(dense.coef_, sk.coef_, atol=1e-5)


def test_deprecated_alpha_is_C_equal_one_over_alpha_sum_weights():
    X, y = _data(50, 2, seed=9)
    w = np.random.default_rng(9).uniform(0.5, 2.0, size=50)
    alpha = 0.05
    sk = SkLogisticRegression(C=1 / (alpha * w.sum()), tol=1e-12, max_iter=10000).fit(X, y, sample_weight=w)
    with pytest.warns(FutureWarning, match="C = 1/"):
        ours = LogisticRegression(alpha=alpha, solver="newton-cholesky", tol=1e-10).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=2e-6)


def test_deprecated_penalty_warns_like_sklearn_and_fits_the_same():
    X, y = _data(60, 3, seed=3)
    with pytest.warns(FutureWarning, match="'penalty' was deprecated"):
        old = LogisticRegression(penalty="l1", C=0.5, l1_ratio=1, solver="liblinear", random_state=0)
        old.fit(X, y)
    new = LogisticRegression(C=0.5, l1_ratio=1, solver="liblinear", random_state=0).fit(X, y)
    np.testing.assert_array_equal(old.coef_, new.coef_)


# ---------------------------------------------------------------- cvxpy


@pytest.mark.parametrize(
    ("C", "l1_ratio", "solver"), [(0.4, 0.0, "newton-cg"), (0.4, 1.0, "liblinear"), (np.inf, 0.0, "lbfgs")]
)
def test_matches_cvxpy_logistic(C, l1_ratio, solver):
    X, y = _data(60, 3, seed=2)
    est = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=20000)
    est.fit(X, y)
    problem, coef, intercept, norm = est._cvxpy_problem(X, y)
    assert norm is None
    problem.solve(solver=cp.CLARABEL)
    assert est.objective_ == pytest.approx(problem.value, abs=1e-7)
    np.testing.assert_allclose(est.coef_, coef.value, atol=1e-4)
    np.testing.assert_allclose(est.intercept_, intercept.value, atol=1e-4)


def test_fit_cvxpy_supports_logistic_regression():
    from lagrangekit.linear_model import fit_cvxpy

    X, y = _data(60, 3, seed=4)
    w = np.random.default_rng(4).uniform(0.5, 2.0, size=60)
    for l1_ratio, solver in ((0.0, "newton-cholesky"), (1.0, "liblinear")):
        est = LogisticRegression(C=0.3, l1_ratio=l1_ratio, solver=solver, tol=1e-10)
        est.fit(X, y, sample_weight=w)
        ref = fit_cvxpy(est, X, y, sample_weight=w)
        assert ref.coef.shape == est.coef_.shape
        np.testing.assert_allclose(est.coef_, ref.coef, atol=1e-6)
        np.testing.assert_allclose(est.intercept_, ref.intercept, atol=1e-6)


# ---------------------------------------------------------------- solvers agree; KKT


@pytest.mark.parametrize("C", [0.5, np.inf])
def test_solver_consistency_and_kkt(C):
    X, y = _data(150, 3, seed=6)
    solvers = ("lbfgs", "newton-cg", "newton-cholesky", "sag", "saga", "liblinear")[: 6 if C < np.inf else 5]
    options = dict(C=C, tol=1e-10, max_iter=100000, random_state=0)
    fits = {s: LogisticRegression(solver=s, **options).fit(X, y) for s in solvers}
    for solver, model in fits.items():
        if solver != "liblinear":
            np.testing.assert_allclose(model.coef_, fits["newton-cholesky"].coef_, atol=1e-6, err_msg=solver)
    if C < np.inf:  # liblinear penalizes its intercept column: newton-cholesky on [X | 1] without intercept
        plain = LogisticRegression(solver="newton-cholesky", fit_intercept=False, **options)
        plain.fit(np.column_stack([X, np.ones(len(X))]), y)
        np.testing.assert_allclose(fits["liblinear"].coef_, plain.coef_[:, :-1], atol=1e-6)
        np.testing.assert_allclose(fits["liblinear"].intercept_, plain.coef_[:, -1], atol=1e-6)
    for solver in NEWTON if C < np.inf else NEWTON[:2]:
        assert fits[solver].converged_ and fits[solver].certified_, solver
        assert fits[solver].kkt(X, y).ok


def test_gradient_is_Xt_p_minus_t_over_n():
    # TEXTBOOK L3: dL/dw = x(y − t), dL/db = y − t; the mean over samples is Xᵀ(p − t)/n
    X, y = _data(40, 2, seed=8)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(X.T @ (p - y) / 40, 0, atol=1e-10)
    np.testing.assert_allclose(np.mean(p - y), 0, atol=1e-10)
    perturbed = LogisticRegression(C=np.inf).fit(X, y)
    perturbed.coef_ = perturbed.coef_ + 0.1
    p2 = perturbed.predict_proba(X)[:, 1]
    report = perturbed.kkt(X, y)
    assert not report.ok
    assert report.stationarity == pytest.approx(np.abs(np.r_[X.T @ (p2 - y), np.sum(p2 - y)] / 40).max())


def test_l1_gives_exact_zeros_and_liblinear_saga_agree_with_kkt():
    X, y = _data(120, 6, seed=11)
    X[:, 4:] *= 0.01  # weak features
    # without an intercept: liblinear's column of ones would be penalized, saga's intercept is not
    cd = LogisticRegression(C=0.15, l1_ratio=1, solver="liblinear", tol=1e-10, fit_intercept=False).fit(X, y)
    saga = LogisticRegression(
        C=0.15, l1_ratio=1, solver="saga", tol=1e-12, max_iter=100000, random_state=0, fit_intercept=False
    )
    saga.fit(X, y)
    assert np.any(cd.coef_ == 0)
    np.testing.assert_array_equal(cd.coef_ == 0, saga.coef_ == 0)
    np.testing.assert_allclose(cd.coef_, saga.coef_, atol=1e-7)
    assert cd.kkt(X, y).ok and saga.kkt(X, y).ok


# ---------------------------------------------------------------- TEXTBOOK L6: perfect separation


def test_L6_separation_detected_and_reported():
    with pytest.warns(PerfectSeparationWarning, match="MLE does not exist"):
        model = LogisticRegression(C=np.inf).fit(L6_X, L6_Y)
    assert model.separable_
    assert model.separation_.kind == "complete"
    assert not model.converged_
    assert "does not exist" in model.message_ and "finite C" in model.message_
    with pytest.raises(ValueError, match="does not exist"):
        model.mle_result(L6_X, L6_Y)
    # the LP's direction really separates: s_i (w x_i + b) > 0
    d = model.separation_.direction
    assert np.all((2 * L6_Y - 1) * (L6_X[:, 0] * d[0] + d[1]) > 0)


def test_L6_with_l2_penalty_is_finite_and_matches_cvxpy_and_sklearn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        model = LogisticRegression(C=2.0, solver="newton-cholesky", tol=1e-10).fit(L6_X, L6_Y)
    assert model.separable_ and model.converged_
    assert "penalized fit (C=2) is finite" in model.message_
    problem, coef, intercept, _ = model._cvxpy_problem(L6_X, L6_Y)
    problem.solve(solver=cp.CLARABEL)
    np.testing.assert_allclose(model.coef_, coef.value, atol=1e-4)
    sk = SkLogisticRegression(C=2.0, tol=1e-12, max_iter=10000).fit(L6_X, L6_Y)
    np.testing.assert_allclose(model.coef_, sk.coef_, atol=1e-5)


def test_separation_warning_is_a_convergence_warning_so_sklearn_filters_apply():
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        model = LogisticRegression(C=np.inf).fit(L6_X, L6_Y)
    assert model.separable_ and not model.converged_ and "does not exist" in model.message_


def test_overlapping_classes_are_not_flagged():
    X, y = _data(50, 2)
    model = LogisticRegression(C=np.inf).fit(X, y)
    assert not model.separable_


# ---------------------------------------------------------------- bad input and sklearn checks


@pytest.mark.parametrize(
    ("kwargs", "X", "y", "match"),
    [
        ({"solver": "liblinear"}, np.zeros((3, 1)), [0, 1, 2], "does not support multiclass"),
        ({}, np.zeros((3, 1)), [1, 1, 1], "only one class"),
        ({}, np.array([[0.0], [np.nan]]), [0, 1], "NaN"),
        ({}, np.zeros((3, 1)), [0, 1], "inconsistent numbers of samples"),
        ({"penalty": "l3"}, np.zeros((2, 1)), [0, 1], "'penalty' parameter"),
        ({"C": -1.0}, np.zeros((2, 1)), [0, 1], "'C' parameter"),
        ({"C": 0.0}, np.zeros((2, 1)), [0, 1], "'C' parameter"),
        ({"C": 5e-324}, np.ones((2, 1)), [0, 1], "increase C"),
        ({"l1_ratio": 1.0}, np.zeros((2, 1)), [0, 1], "Solver lbfgs supports only 'l2' or None"),
        ({"l1_ratio": 0.5, "solver": "liblinear"}, np.zeros((2, 1)), [0, 1], "Only 'saga' solver supports"),
        ({"solver": "gd"}, np.zeros((2, 1)), [0, 1], "was removed"),
        ({"solver": "bfgs"}, np.zeros((2, 1)), [0, 1], "'solver' parameter"),
        ({"max_iter": -1}, np.zeros((2, 1)), [0, 1], "'max_iter' parameter"),
        ({"alpha": -1.0}, np.zeros((2, 1)), [0, 1], "alpha must be"),
        ({"alpha": 0.1, "C": 2.0}, np.zeros((2, 1)), [0, 1], "either C or the deprecated alpha"),
        ({"intercept_scaling": np.inf}, np.zeros((2, 1)), [0, 1], "'intercept_scaling' parameter"),
        ({"intercept_scaling": 0.0}, np.zeros((2, 1)), [0, 1], "'intercept_scaling' parameter"),
        ({"intercept_scaling": 1e200, "solver": "liblinear"}, np.ones((2, 1)), [0, 1], "its square"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError, match=match):
            LogisticRegression(**kwargs).fit(X, y)


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 4)),
    entry=st.sampled_from([np.nan, np.inf, -np.inf, 2e154, -1.4e154, 1e154, -1e300, 0.0]),
    where=st.integers(0, 23),
    layout=st.sampled_from(["C", "F", "csr", "float32"]),
    seed=st.integers(0, 2**16),
)
def test_one_pass_data_check_raises_as_scikit_learn_and_for_overflowing_squares(
    shape, entry, where, layout, seed
):
    """The fit's one pass over X raises scikit-learn's own message for NaN/inf (that of its
    validation, with the estimator named) and ours for |x| > √max_float, wherever the entry is."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape)
    X.flat[where % X.size] = entry
    y = np.arange(shape[0]) % 2
    if shape[0] == 1:
        y = np.array([0])
    if layout == "F":
        X = np.asfortranarray(X)
    with np.errstate(over="ignore"):  # float32: beyond its range an entry becomes inf
        data = sparse.csr_matrix(X) if layout == "csr" else X.astype(np.float32) if layout == "float32" else X
    try:
        check_array(data, accept_sparse="csr", estimator=LogisticRegression(), input_name="X")
        expected = None
    except ValueError as error:
        expected = str(error)
    finite = np.isfinite(data.data if sparse.issparse(data) else data).all()
    values = data.data if sparse.issparse(data) else data
    two_classes = len(np.unique(y)) == 2  # with one class, scikit-learn's class error comes first
    too_large = np.abs(values.astype(np.float64)).max(initial=0.0) > np.sqrt(np.finfo(float).max)
    if expected is None and finite and two_classes and too_large:
        expected = "X has entries so large that their squares overflow float64"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expected is None:
            if two_classes:
                LogisticRegression(max_iter=5).fit(data, y)
            return
        with pytest.raises(ValueError) as raised:
            LogisticRegression(max_iter=5).fit(data, y)
    assert str(raised.value).startswith(expected)


def test_string_labels_and_no_mutation():
    X, y = _data(40, 2)
    labels = np.where(y == 1, "pass", "fail")
    X_copy = X.copy()
    w = np.ones(40)
    model = LogisticRegression().fit(X, labels, sample_weight=w)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(w, np.ones(40))
    assert list(model.classes_) == ["fail", "pass"]
    ref = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)), rtol=1e-12)
    sk = SkLogisticRegression(solver="newton-cholesky", tol=1e-12).fit(X, labels)
    np.testing.assert_allclose(
        LogisticRegression(solver="newton-cholesky", tol=1e-10).fit(X, labels).coef_, sk.coef_, atol=1e-8
    )
    np.testing.assert_array_equal(model.predict(X), sk.predict(X))


def test_warm_start_continues_from_the_previous_fit():
    X, y = _data(200, 4, seed=21)
    model = LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-10, warm_start=True).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < first  # already at the optimum: no Newton step needed
    assert model.n_iter_[0] == 0


@parametrize_with_checks([LogisticRegression(), LogisticRegression(solver="newton-cholesky")])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
