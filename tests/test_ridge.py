"""Ridge against scikit-learn, cvxpy, numpy closed forms and TEXTBOOK R1–R3."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SkRidge

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import Ridge, fit_cvxpy
from lagrangekit.linear_model._ridge_solvers import SingularWarning

CLOSED = ["auto", "cholesky", "dual", "svd"]
GRADIENT = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


def make_data(n, p, *, seed=0, shift=0.0, targets=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + shift
    w = rng.normal(size=p)
    y = X @ w + 0.5 * rng.normal(size=n) + 2.0
    if targets:
        y = np.column_stack([y, -y + rng.normal(size=n)])
    return X, y, rng.uniform(0.5, 2.0, size=n)


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(b)), 1e-300))


# --- every solver against scikit-learn and cvxpy ----------------------------------------

_CASES = [(40, 6), (15, 30)]


@pytest.mark.parametrize("solver", CLOSED)
@pytest.mark.parametrize(("n", "p"), _CASES, ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("targets", [None, 2])
def test_closed_form_solvers_match_sklearn(solver, n, p, fit_intercept, weighted, targets):
    X, y, sw = make_data(n, p, shift=1.0, targets=targets)
    sw = sw if weighted else None
    ours = Ridge(alpha=0.7, fit_intercept=fit_intercept, solver=solver).fit(X, y, sample_weight=sw)
    ref = SkRidge(alpha=0.7, fit_intercept=fit_intercept, solver="svd").fit(X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    assert rel(ours.coef_, ref.coef_) < 1e-10
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-10, atol=1e-10)
    assert ours.solver_ == (("cholesky" if n >= p else "dual") if solver == "auto" else solver)
    if solver == "auto":  # one direct solve per target, an array whatever "auto" picked
        k = 1 if targets is None else targets
        np.testing.assert_array_equal(ours.n_iter_, np.ones(k, dtype=np.int32))
        assert ours.n_iter_.dtype == np.int32
    else:
        assert ours.n_iter_ is None  # scikit-learn's attribute for a named direct solver
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("solver", CLOSED + GRADIENT)
@pytest.mark.parametrize(("n", "p"), _CASES, ids=["tall", "wide"])
def test_every_solver_matches_fit_cvxpy(solver, n, p):
    X, y, sw = make_data(n, p, seed=3)
    ref = fit_cvxpy(Ridge(alpha=1.5), X, y, sw)
    ours = Ridge(alpha=1.5, solver=solver, tol=1e-8).fit(X, y, sample_weight=sw)
    bound = 1e-6 if solver in CLOSED else 1e-4  # first-order: relative gradient 1e-8 times conditioning
    assert rel(ours.coef_, ref.coef) < bound
    assert abs(ours.intercept_ - ref.intercept) < bound * max(1.0, abs(ref.intercept))
    # and the cvxpy objective is the documented one: Σ sᵢ(yᵢ − xᵢw − b)² + α‖w‖²
    objective = np.sum(sw * (y - X @ ours.coef_ - ours.intercept_) ** 2) + 1.5 * ours.coef_ @ ours.coef_
    assert objective == pytest.approx(ref.objective, rel=1e-7)


@pytest.mark.parametrize("solver", GRADIENT)
@pytest.mark.parametrize("targets", [None, 2])
def test_gradient_solvers_within_their_tol(solver, targets):
    X, y, _ = make_data(80, 5, seed=1, targets=targets)
    ref = SkRidge(alpha=2.0).fit(X, y)
    ours = Ridge(alpha=2.0, solver=solver, tol=1e-6).fit(X, y)
    assert ours.solver_ == solver and 1 <= ours.n_iter_ < 10_000
    report = ours.kkt(X, y)
    assert report.ok and report.residual("stationarity") <= 1e-6
    # well conditioned: coefficient error bounded by κ·tol
    G = np.cov(X.T, bias=True) * 80 + 2.0 * np.eye(5)
    kappa = np.linalg.cond(G)
    assert rel(ours.coef_, ref.coef_) <= kappa * 1e-6


def test_gradient_solver_warns_when_out_of_iterations():
    X, y, _ = make_data(30, 4)
    with pytest.warns(ConvergenceWarning):
        model = Ridge(solver="gd", max_iter=3, tol=1e-12).fit(X, y)
    assert model.n_iter_ == 3 and np.all(np.isfinite(model.coef_))


def test_learning_rate_is_used():
    X, y, _ = make_data(30, 4)
    slow = Ridge(solver="gd", learning_rate=1e-4, max_iter=50)
    with pytest.warns(ConvergenceWarning):
        slow.fit(X, y)
    fast = Ridge(solver="gd", tol=1e-6).fit(X, y)
    assert fast.n_iter_ < 50 and rel(fast.coef_, SkRidge().fit(X, y).coef_) < 1e-4


# --- primal against dual (sklearn's test_primal_dual_relationship idea) ------------------


@pytest.mark.parametrize(("n", "p"), [(30, 10), (10, 30)])
def test_primal_dual_relationship(n, p):
    X, y, _ = make_data(n, p, seed=5)
    primal = Ridge(alpha=0.3, solver="cholesky", fit_intercept=False).fit(X, y)
    dual = Ridge(alpha=0.3, solver="dual", fit_intercept=False).fit(X, y)
    c = np.linalg.solve(X @ X.T + 0.3 * np.eye(n), y)  # dual coefficients
    np.testing.assert_allclose(dual.coef_, X.T @ c, rtol=1e-10)
    np.testing.assert_allclose(primal.coef_, X.T @ c, rtol=1e-9)
    # with an intercept the dual works on the centred kernel
    a = Ridge(alpha=0.3, solver="cholesky").fit(X, y)
    b = Ridge(alpha=0.3, solver="dual").fit(X, y)
    assert rel(a.coef_, b.coef_) < 1e-10 and a.intercept_ == pytest.approx(b.intercept_, rel=1e-10)


# --- numerics ----------------------------------------------------------------------------


def test_large_means_fall_back_to_explicit_centring():
    rng = np.random.default_rng(2)
    X = 1e6 + rng.normal(size=(200, 5))
    y = (X - 1e6) @ np.arange(1.0, 6.0) + 1e4 + rng.normal(size=200)
    ref = SkRidge(alpha=1.0).fit(X, y)
    for solver in ("cholesky", "svd"):
        assert rel(Ridge(alpha=1.0, solver=solver).fit(X, y).coef_, ref.coef_) < 1e-8
    Xw = 1e6 + rng.normal(size=(20, 50))
    yw = (Xw - 1e6) @ rng.normal(size=50)
    assert rel(Ridge(solver="dual").fit(Xw, yw).coef_, SkRidge().fit(Xw, yw).coef_) < 1e-8


def test_blocked_gram_accumulation_on_many_rows():
    X, y, _ = make_data(3000, 120, seed=4)  # more rows than one cache block
    assert rel(Ridge(alpha=3.0).fit(X, y).coef_, SkRidge(alpha=3.0).fit(X, y).coef_) < 1e-10


@pytest.mark.parametrize("solver", ["cholesky", "dual"])
def test_alpha_zero_singular_falls_back_to_min_norm(solver):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4))
    X = np.column_stack([X, X[:, 0] + X[:, 1]])  # rank-deficient
    if solver == "dual":
        X = np.column_stack([X, rng.normal(size=(12, 20))])
    y = rng.normal(size=12)
    with pytest.warns(SingularWarning, match="minimum-norm"):
        model = Ridge(alpha=0.0, solver=solver).fit(X, y)
    assert model.solver_ == "svd"
    Xc = X - X.mean(axis=0)
    w = np.linalg.pinv(Xc) @ (y - y.mean())  # minimum-norm least squares on centred data
    np.testing.assert_allclose(model.coef_, w, rtol=1e-8, atol=1e-10)


def test_float32_is_accepted():
    X, y, _ = make_data(50, 4)
    model = Ridge().fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    np.testing.assert_allclose(model.coef_, SkRidge().fit(X, y).coef_, rtol=1e-5)


def test_constant_column_is_accepted_like_sklearn():
    X, y, _ = make_data(30, 3)
    X[:, 1] = 7.0
    ours, ref = Ridge().fit(X, y), SkRidge().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    assert abs(ours.coef_[1]) < 1e-12


def test_kkt_report_for_closed_form():
    X, y, sw = make_data(40, 6)
    model = Ridge(alpha=2.0).fit(X, y, sample_weight=sw)
    report = model.kkt(X, y, sample_weight=sw)
    assert report.ok and report.residual("stationarity") < 1e-12
    # a perturbed model is not a KKT point
    model.coef_ = model.coef_ + 1e-3
    assert not model.kkt(X, y, sample_weight=sw).ok


# --- TEXTBOOK R1–R3 ----------------------------------------------------------------------


def test_r1_least_squares_line():
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([3.0, 1.0, 2.0, 5.0, 4.0])
    for solver in CLOSED:
        m = Ridge(alpha=0.0, solver=solver)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SingularWarning)  # the dual route is singular by design
            m.fit(x, y)
        assert round(m.coef_[0], 6) == 0.6 and round(m.intercept_, 6) == 1.2
    gd = Ridge(alpha=0.0, solver="gd", tol=1e-10).fit(x, y)
    assert gd.coef_[0] == pytest.approx(0.6, abs=1e-8) and gd.intercept_ == pytest.approx(1.2, abs=1e-8)


def test_r2_three_features():
    X = np.array([[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100], [73, 66, 70]], dtype=float)
    y = np.array([152, 185, 180, 196, 142], dtype=float)
    m = Ridge(alpha=0.0).fit(X, y)
    np.testing.assert_array_equal(np.round(m.coef_, 5), [0.79548, 0.40838, 0.75459])
    assert round(m.intercept_, 5) == 4.40211


def test_r3_degree_nine_polynomial_explodes_then_shrinks():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 10)
    t = np.sin(2 * np.pi * x) + rng.normal(scale=0.3, size=10)
    V = np.vander(x, 10, increasing=True)[:, 1:]  # degree 9, intercept fitted separately
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SingularWarning)
        free = Ridge(alpha=0.0).fit(V, t)
    reference = np.polynomial.polynomial.polyfit(x, t, 9)  # numpy's interpolating fit
    assert np.abs(free.coef_).max() > 1e4  # TEXTBOOK: "explode to ~1e6" (depends on the noise draw)
    # polyfit solves the scaled Vandermonde least squares by SVD: about 5e-11 from a 60-digit reference
    assert rel(free.coef_, reference[1:]) < 1e-8
    shrunk = Ridge(alpha=np.exp(-18)).fit(V, t)
    assert np.abs(shrunk.coef_).max() < 1e3 < np.abs(free.coef_).max() / 10
    assert rel(shrunk.coef_, SkRidge(alpha=np.exp(-18), solver="svd").fit(V, t).coef_) < 1e-8
    assert np.abs(Ridge(alpha=1e-3).fit(V, t).coef_).max() < 20


# --- property test against cvxpy ---------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(
    n=st.integers(2, 25),
    p=st.integers(1, 25),
    alpha=st.floats(1e-2, 1e2),
    seed=st.integers(0, 2**16),
    fit_intercept=st.booleans(),
)
def test_random_instances_match_cvxpy(n, p, alpha, seed, fit_intercept):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = rng.normal(size=n)
    ref = fit_cvxpy(Ridge(alpha=alpha, fit_intercept=fit_intercept), X, y)
    ours = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef, rtol=1e-6, atol=1e-8 * max(1, np.abs(ref.coef).max()))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multi_target_matches_fit_cvxpy(fit_intercept):
    X, y, sw = make_data(25, 4, seed=8, targets=2)
    ref = fit_cvxpy(Ridge(alpha=0.8, fit_intercept=fit_intercept), X, y, sw)
    ours = Ridge(alpha=0.8, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert ref.coef.shape == ours.coef_.shape == (2, 4) and ref.multiplier is None
    assert rel(ours.coef_, ref.coef) < 1e-6
    if fit_intercept:
        np.testing.assert_allclose(ours.intercept_, ref.intercept, rtol=1e-6)
    else:
        assert ref.intercept is None and ours.intercept_ == 0.0


def test_fit_cvxpy_rejects_estimators_without_the_protocol():
    X, y, _ = make_data(10, 2)
    with pytest.raises(TypeError, match="_cvxpy_problem"):
        fit_cvxpy(SkRidge(), X, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_intercept_is_a_numpy_scalar_of_the_input_dtype_as_in_sklearn(dtype):
    X, y, _ = make_data(20, 3)
    ours = Ridge().fit(X.astype(dtype), y.astype(dtype)).intercept_
    ref = SkRidge().fit(X.astype(dtype), y.astype(dtype)).intercept_
    assert type(ours) is type(ref)
    assert (
        Ridge(fit_intercept=False).fit(X, y).intercept_ == SkRidge(fit_intercept=False).fit(X, y).intercept_
    )
