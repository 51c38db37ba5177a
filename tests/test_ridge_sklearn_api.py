"""scikit-learn 1.9's Ridge / RidgeCV API: solvers, sparse X, positive, per-target alpha, RidgeCV options.

References: scikit-learn's own estimators (exact closed forms with solver="svd", its RidgeCV),
cvxpy (``fit_cvxpy``, Clarabel) and scipy's dense linear algebra.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk
from sklearn.model_selection import KFold

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import Ridge, RidgeCV, fit_cvxpy

ITERATIVE = ["lsqr", "sparse_cg", "sag", "saga"]


def make_data(n=40, p=6, *, seed=0, targets=None, density=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * (rng.random((n, p)) < density) + 0.0
    X[:, 0] += 2.0  # a column far from centred: the intercept matters
    coef = rng.normal(size=(p,) if targets is None else (p, targets))
    y = X @ coef + 1.5 + 0.1 * rng.normal(size=(n,) if targets is None else (n, targets))
    return X, y, rng.uniform(0.5, 2.0, size=n)


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("solver", ITERATIVE)
@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", [None, 2])
def test_iterative_solvers_reach_the_exact_ridge_solution(solver, sparse_X, fit_intercept, targets):
    X, y, sw = make_data(targets=targets)
    ref = sk.Ridge(alpha=0.8, fit_intercept=fit_intercept, solver="svd").fit(X, y, sample_weight=sw)
    Xf = sp.csr_matrix(X) if sparse_X else X
    if sparse_X and fit_intercept and solver == "saga":  # scikit-learn's rule, kept
        with pytest.raises(ValueError, match="does not support fitting the intercept on sparse data"):
            Ridge(solver=solver).fit(Xf, y)
        return
    ours = Ridge(alpha=0.8, fit_intercept=fit_intercept, solver=solver, tol=1e-12, max_iter=100_000)
    ours.fit(Xf, y, sample_weight=sw)
    bound = 1e-7 if solver in ("sag", "saga") else 1e-9  # sag: max|Δw| per epoch <= 1e-12·max|w|
    assert ours.coef_.shape == ref.coef_.shape and rel(ours.coef_, ref.coef_) < bound
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=bound, atol=bound)
    assert ours.solver_ == solver
    if solver == "sparse_cg":
        assert ours.n_iter_ is None  # as scikit-learn
    else:
        k = 1 if targets is None else targets
        assert ours.n_iter_.shape == (k,) and ours.n_iter_.dtype == np.int32 and np.all(ours.n_iter_ >= 1)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_X_is_neither_densified_nor_modified(fit_intercept, monkeypatch):
    X, y, sw = make_data(n=30, p=50, density=0.1)
    Xs = sp.csr_matrix(X)
    before = Xs.copy()

    def refuse(*args, **kwargs):
        raise AssertionError("X was densified")

    monkeypatch.setattr(sp.csr_matrix, "toarray", refuse)
    monkeypatch.setattr(sp.csr_matrix, "todense", refuse)
    model = Ridge(alpha=0.5, fit_intercept=fit_intercept, tol=1e-12).fit(Xs, y, sample_weight=sw)
    monkeypatch.undo()
    assert model.solver_ == "sparse_cg"
    assert (Xs != before).nnz == 0
    ref = sk.Ridge(alpha=0.5, fit_intercept=fit_intercept, solver="svd").fit(X, y, sample_weight=sw)
    assert rel(model.coef_, ref.coef_) < 1e-9
    np.testing.assert_allclose(model.predict(Xs), ref.predict(X), rtol=1e-9)


@pytest.mark.parametrize(
    ("solver", "fit_intercept", "message"),
    [
        ("svd", False, "does not support sparse X"),
        ("cholesky", True, "does not support fitting the intercept on sparse data"),
        ("gd", True, "does not support fitting the intercept on sparse data"),
    ],
)
def test_sparse_X_refusals_follow_sklearn(solver, fit_intercept, message):
    X, y, _ = make_data()
    with pytest.raises(ValueError, match=message):
        Ridge(solver=solver, fit_intercept=fit_intercept).fit(sp.csr_matrix(X), y)
    with pytest.raises((ValueError, TypeError)):
        sk.Ridge(solver=solver if solver != "gd" else "cholesky", fit_intercept=fit_intercept).fit(
            sp.csr_matrix(X), y
        )


def test_sparse_cholesky_without_intercept_matches_sklearn():
    X, y, sw = make_data(targets=2)
    ours = Ridge(alpha=0.3, fit_intercept=False, solver="cholesky").fit(sp.csc_matrix(X), y, sample_weight=sw)
    ref = sk.Ridge(alpha=0.3, fit_intercept=False, solver="svd").fit(X, y, sample_weight=sw)
    assert rel(ours.coef_, ref.coef_) < 1e-10


@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", [None, 3])
def test_positive_matches_cvxpy_and_its_kkt_holds(sparse_X, fit_intercept, targets):
    X, y, sw = make_data(seed=2, targets=targets)
    y = y - 3.0 * X[:, [1]].ravel() if targets is None else y - 3.0 * X[:, [1]]  # a bound becomes active
    Xf = sp.csr_matrix(X) if sparse_X else X
    model = Ridge(alpha=0.7, fit_intercept=fit_intercept, positive=True, tol=1e-10)
    model.fit(Xf, y, sample_weight=sw)
    assert model.solver_ == "lbfgs" and np.all(model.coef_ >= 0)
    ref = fit_cvxpy(model, X, y, sw)
    assert rel(model.coef_, np.maximum(ref.coef, 0.0)) < 1e-6
    report = model.kkt(Xf, y, sw)
    assert report.ok, report
    assert report.active and all(mu >= 0 for mu in report.multipliers.values())


def test_positive_kkt_multipliers_are_cvxpy_duals():
    cp = pytest.importorskip("cvxpy")
    X, y, _ = make_data(seed=5, p=5)
    y = y - 4.0 * X[:, 2]
    model = Ridge(alpha=1.2, positive=True, tol=1e-12).fit(X, y)
    w, b = cp.Variable(5), cp.Variable()
    bound = w >= 0
    cp.Problem(cp.Minimize(cp.sum_squares(y - X @ w - b) + 1.2 * cp.sum_squares(w)), [bound]).solve(
        solver=cp.CLARABEL
    )
    report = model.kkt(X, y)
    assert "coef[2] >= 0" in report.multipliers
    for name, mu in report.multipliers.items():
        j = int(name[5:-6])
        assert mu == pytest.approx(bound.dual_value[j], rel=1e-5, abs=1e-6)
    # an unconstrained solution with negative coefficients is reported as infeasible
    free = Ridge(alpha=1.2).fit(X, y)
    free.positive = True
    assert not free.kkt(X, y).ok and free.kkt(X, y).primal_feasibility > 0


@pytest.mark.parametrize("solver", ["auto", "svd", "lsqr", "sag"])
def test_per_target_alpha_is_one_ridge_per_target(solver):
    X, Y, sw = make_data(targets=3)
    alphas = np.array([0.1, 2.0, 30.0])
    ours = Ridge(alpha=alphas, solver=solver, tol=1e-12, max_iter=100_000).fit(X, Y, sample_weight=sw)
    for j, a in enumerate(alphas):
        ref = sk.Ridge(alpha=a, solver="svd").fit(X, Y[:, j], sample_weight=sw)
        assert rel(ours.coef_[j], ref.coef_) < 1e-7
        assert ours.intercept_[j] == pytest.approx(ref.intercept_, rel=1e-7)
    assert ours.kkt(X, Y, sw).scaled["stationarity"] < 1e-9  # each target at its own α


def test_sag_is_seeded_and_warns_when_stopped():
    X, y, _ = make_data(n=200, p=10)
    a = Ridge(solver="sag", random_state=3, tol=1e-8).fit(X, y)
    b = Ridge(solver="sag", random_state=3, tol=1e-8).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    with pytest.warns(ConvergenceWarning, match="did not reach tol"):
        stopped = Ridge(solver="saga", max_iter=1, tol=1e-12, random_state=0).fit(X, y)
    assert stopped.n_iter_[0] == 1 and not stopped.kkt(X, y).ok


@pytest.mark.parametrize("solver", ["auto", "lsqr", "sparse_cg", "sag"])
def test_float32_in_float32_out_as_sklearn(solver):
    X, y, _ = make_data()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    ours = Ridge(solver=solver, tol=1e-8).fit(X32, y32)
    ref = sk.Ridge(solver=solver, tol=1e-8).fit(X32, y32)
    assert ours.coef_.dtype == ref.coef_.dtype == np.float32
    assert type(ours.intercept_) is type(ref.intercept_)
    exact = sk.Ridge(solver="svd").fit(X, y)  # float64
    np.testing.assert_allclose(ours.coef_, exact.coef_, rtol=1e-5)


# ------------------------------------------------------------------------------------- RidgeCV
ALPHAS = [0.01, 0.1, 1.0, 10.0, 100.0]


@pytest.mark.parametrize(("n", "p"), [(40, 8), (12, 30)], ids=["tall", "wide"])
@pytest.mark.parametrize("gcv_mode", [None, "svd", "eigen"])
@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridgecv_leave_one_out_matches_sklearn(n, p, gcv_mode, sparse_X, weighted):
    X, y, sw = make_data(n, p, seed=7, targets=2)
    sw = sw if weighted else None
    Xf = sp.csr_matrix(X) if sparse_X else X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # svd on sparse X falls back to eigen, as sklearn
        ours = RidgeCV(alphas=ALPHAS, gcv_mode=gcv_mode, store_cv_results=True).fit(Xf, y, sample_weight=sw)
        ref = sk.RidgeCV(alphas=ALPHAS, gcv_mode=gcv_mode, store_cv_results=True).fit(Xf, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    assert ours.cv_results_.shape == ref.cv_results_.shape == (n, 2, len(ALPHAS))
    np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-7, atol=1e-12)
    assert rel(ours.coef_, ref.coef_) < 1e-8


@pytest.mark.parametrize("scoring", ["r2", "neg_mean_absolute_error", "explained_variance"])
@pytest.mark.parametrize("y_targets", [None, 2])
def test_ridgecv_scoring_and_predictions_match_sklearn(scoring, y_targets):
    X, y, sw = make_data(seed=8, targets=y_targets)
    ours = RidgeCV(alphas=ALPHAS, scoring=scoring, store_cv_results=True).fit(X, y, sample_weight=sw)
    ref = sk.RidgeCV(alphas=ALPHAS, scoring=scoring, store_cv_results=True).fit(X, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-8)  # LOO predictions


@pytest.mark.parametrize("scoring", [None, "r2"])
def test_ridgecv_alpha_per_target_matches_sklearn(scoring):
    X, Y, _ = make_data(seed=9, targets=3)
    Y[:, 2] += 5.0 * np.random.default_rng(0).normal(size=X.shape[0])  # a noisier target wants more α
    ours = RidgeCV(alphas=ALPHAS, alpha_per_target=True, scoring=scoring).fit(X, Y)
    ref = sk.RidgeCV(alphas=ALPHAS, alpha_per_target=True, scoring=scoring).fit(X, Y)
    np.testing.assert_array_equal(ours.alpha_, ref.alpha_)
    assert len(set(ours.alpha_)) > 1
    np.testing.assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-8)
    assert rel(ours.coef_, ref.coef_) < 1e-8
    assert ours.kkt(X, Y).ok  # each target at its own α


@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error"])
@pytest.mark.parametrize("sparse_X", [False, True])
def test_ridgecv_kfold_with_weights_picks_sklearns_alpha(scoring, sparse_X):
    X, y, sw = make_data(n=60, seed=10)
    Xf = sp.csr_matrix(X) if sparse_X else X
    ours = RidgeCV(alphas=ALPHAS, cv=KFold(4), scoring=scoring).fit(Xf, y, sample_weight=sw)
    ref = sk.RidgeCV(alphas=ALPHAS, cv=KFold(4), scoring=scoring).fit(Xf, y, sample_weight=sw)
    assert ours.alpha_ == ref.alpha_
    # scikit-learn solves sparse folds by sparse_cg at tol 1e-4; ours are exact
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8 if not sparse_X else 1e-3)


def test_ridgecv_refusals_are_sklearns():
    X, y, _ = make_data()
    with pytest.raises(ValueError, match="cv!=None and alpha_per_target=True are incompatible"):
        RidgeCV(cv=3, alpha_per_target=True).fit(X, y)
    with pytest.raises(TypeError, match=r"alphas\[2\] must be an instance of float, not str"):
        RidgeCV(alphas=(1, 1.0, "1")).fit(X, y)
    RidgeCV(alphas=(0.0, 1.0), cv=3).fit(X, y)  # alpha 0 is fine with K-fold


# ------------------------------------------------------------------------ hostile input
def _check_hostile_sparse_input(solver, bad):
    X, y, sw = make_data(n=12, p=4)
    Xs = sp.csr_matrix(X)
    alpha: object = 1.0
    if bad in ("nan", "inf"):
        Xs.data[0] = np.nan if bad == "nan" else np.inf
    elif bad == "alpha_len":
        alpha = [1.0, 2.0]
    elif bad == "neg_alpha":
        alpha = -1.0
    else:
        sw = -sw
    with pytest.raises(ValueError, match="alpha|NaN|infinity|sample_weight|negative|penalties"):
        Ridge(alpha=alpha, solver=solver, positive=solver == "lbfgs").fit(Xs, y, sample_weight=sw)
    assert np.isfinite(X).all()  # the caller's array is untouched


HOSTILE = dict(
    solver=st.sampled_from(["auto", "lsqr", "sparse_cg", "sag", "lbfgs"]),
    bad=st.sampled_from(["nan", "inf", "alpha_len", "neg_alpha", "neg_weight"]),
)


@settings(max_examples=15, deadline=None)
@given(**HOSTILE)
def test_hostile_sparse_input_gets_a_named_error(solver, bad):
    _check_hostile_sparse_input(solver, bad)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(**HOSTILE)
def test_hostile_sparse_input_gets_a_named_error_many(solver, bad):
    _check_hostile_sparse_input(solver, bad)


def _check_random_instance_matches_cvxpy(seed, sparse_X, fit_intercept, targets, solver, weighted):
    rng = np.random.default_rng(seed)
    n, p = rng.integers(5, 25), rng.integers(1, 8)
    X = rng.normal(size=(n, p)) * (rng.random((n, p)) < 0.6) + rng.normal(size=p) * fit_intercept
    y = rng.normal(size=(n,) if targets == 1 else (n, targets))
    sw = rng.uniform(0.1, 3.0, size=n) if weighted else None
    positive = solver == "lbfgs"
    model = Ridge(alpha=float(rng.uniform(0.1, 5.0)), fit_intercept=fit_intercept, solver=solver,
                  positive=positive, tol=1e-10, max_iter=100_000)  # fmt: skip
    model.fit(sp.csr_matrix(X) if sparse_X else X, y, sample_weight=sw)
    ref = fit_cvxpy(model, X, y, sw)
    coef = np.maximum(ref.coef, 0.0) if positive else ref.coef
    assert np.max(np.abs(model.coef_ - coef)) < 1e-5 * max(1.0, np.max(np.abs(coef)))
    if fit_intercept:
        np.testing.assert_allclose(model.intercept_, ref.intercept, atol=1e-5 * max(1.0, np.max(np.abs(y))))


RANDOM = dict(
    seed=st.integers(0, 10_000),
    sparse_X=st.booleans(),
    fit_intercept=st.booleans(),
    targets=st.sampled_from([1, 3]),
    solver=st.sampled_from(["auto", "lsqr", "sparse_cg", "lbfgs"]),
    weighted=st.booleans(),
)


@settings(max_examples=10, deadline=None)
@given(**RANDOM)
def test_random_instances_match_cvxpy(seed, sparse_X, fit_intercept, targets, solver, weighted):
    _check_random_instance_matches_cvxpy(seed, sparse_X, fit_intercept, targets, solver, weighted)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(**RANDOM)
def test_random_instances_match_cvxpy_many(seed, sparse_X, fit_intercept, targets, solver, weighted):
    _check_random_instance_matches_cvxpy(seed, sparse_X, fit_intercept, targets, solver, weighted)


@pytest.mark.parametrize("Estimator", ["Ridge", "RidgeCV"])
@pytest.mark.parametrize("shape", ["1d", "column", "two"])
def test_attribute_shapes_and_types_are_sklearns(Estimator, shape):
    X, y, _ = make_data(targets=None if shape == "1d" else (1 if shape == "column" else 2))
    ours = {"Ridge": Ridge, "RidgeCV": RidgeCV}[Estimator]().fit(X, y)
    ref = getattr(sk, Estimator)().fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert isinstance(ours.intercept_, float) == isinstance(ref.intercept_, float)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_leave_one_out_predictions_near_interpolation_match_explicit_refits(fit_intercept):
    # wide data and a tiny α: 1 − Hᵢᵢ is tiny, so it must not be formed by cancellation
    rng = np.random.default_rng(11)
    X, y = rng.normal(size=(6, 15)), rng.normal(size=6)
    alphas = np.array([1e-5, 1.0])
    cv = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, scoring="r2", store_cv_results=True).fit(X, y)
    for i in range(6):
        train = np.arange(6) != i
        for a_i, a in enumerate(alphas):
            ref = sk.Ridge(alpha=a, fit_intercept=fit_intercept, solver="svd").fit(X[train], y[train])
            assert cv.cv_results_[i, a_i] == pytest.approx(ref.predict(X[[i]])[0], rel=1e-8)


def test_sparse_cg_at_tol_zero_warns_and_keeps_its_last_finite_iterate():
    rng = np.random.RandomState(0)
    y, X = rng.randn(5), rng.randn(5, 10)
    with pytest.warns(ConvergenceWarning, match="sparse_cg did not converge after"):
        model = Ridge(solver="sparse_cg", tol=0.0, fit_intercept=False).fit(X, y)
    ref = sk.Ridge(solver="svd", fit_intercept=False).fit(X, y)
    assert rel(model.coef_, ref.coef_) < 1e-12


@pytest.mark.parametrize("solver", ["sparse_cg", "lbfgs", "cholesky", "svd", "lsqr"])
def test_named_solver_n_iter_is_sklearns(solver):
    X, Y, *_ = make_data(targets=2)
    kw = dict(solver=solver, positive=solver == "lbfgs", tol=1e-10)
    ours, ref = Ridge(**kw).fit(X, Y), sk.Ridge(**kw).fit(X, Y)
    if ref.n_iter_ is None:
        assert ours.n_iter_ is None
    else:
        assert ours.n_iter_.shape == ref.n_iter_.shape and ours.n_iter_.dtype == ref.n_iter_.dtype


@pytest.mark.parametrize(
    ("make_X", "positive", "ran"),
    [(np.asarray, False, "cholesky"), (sp.csr_matrix, False, "sparse_cg"), (np.asarray, True, "lbfgs")],
)
def test_auto_n_iter_counts_the_iterations_of_the_solver_that_ran(make_X, positive, ran):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 6)) * (rng.random((40, 6)) < 0.5)
    Y = X @ rng.uniform(0.5, 2.0, (6, 2)) + 0.1 * rng.normal(size=(40, 2))  # w = 0 is not optimal
    fitted = Ridge(positive=positive).fit(make_X(X), Y)
    assert fitted.solver_ == ran
    assert fitted.n_iter_.shape == (2,) and fitted.n_iter_.dtype == np.int32
    assert np.all(fitted.n_iter_ >= 1)
    if ran == "cholesky":
        np.testing.assert_array_equal(fitted.n_iter_, [1, 1])  # one direct solve per target
    else:  # an iterative solver stopped by max_iter reports exactly max_iter iterations
        with pytest.warns(ConvergenceWarning):
            capped = Ridge(positive=positive, max_iter=2, tol=1e-15).fit(make_X(X), Y)
        np.testing.assert_array_equal(capped.n_iter_, [2, 2])
