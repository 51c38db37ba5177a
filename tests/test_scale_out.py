"""Estimators fitted from GramStats / GramFolds / Dask arrays against in-memory fits and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.model_selection import KFold, PredefinedSplit

from lagrangekit.linear_model import (
    ConstrainedLasso,
    ConstrainedRidge,
    ElasticNet,
    ElasticNetCV,
    GramFolds,
    GramStats,
    Lasso,
    LassoCV,
    Ridge,
    RidgeCV,
    lasso_path,
    ridge_path,
)

CASES = [(True, False), (True, True), (False, True)]  # (fit_intercept, weighted)


def _data(n=400, p=6, seed=0, k=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-3, 5, p)
    shape = (n,) if k is None else (n, k)
    w = rng.standard_normal((p, *shape[1:]))
    w[: p // 3] = 0.0
    y = X @ w + 0.5 * rng.standard_normal(shape) + 1.5
    return X, y, rng.uniform(0.2, 3.0, n)


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12))


def _args(X, y, sw, weighted):
    return (X, y, sw) if weighted else (X, y)


@pytest.mark.parametrize("fit_intercept, weighted", CASES)
def test_ridge_family_from_stats(fit_intercept, weighted):
    X, y, sw = _data()
    args = _args(X, y, sw, weighted)
    stats = GramStats.from_arrays(*args)
    kw = {"sample_weight": sw if weighted else None}
    ref = sk.Ridge(alpha=3.0, fit_intercept=fit_intercept).fit(X, y, **kw)
    ours = Ridge(alpha=3.0, fit_intercept=fit_intercept).fit(stats)
    memory = Ridge(alpha=3.0, fit_intercept=fit_intercept).fit(*args)
    assert _rel(ours.coef_, memory.coef_) < 1e-10 and _rel(ours.coef_, ref.coef_) < 1e-10
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-10, abs=1e-10)
    assert ours.solver_ == "cholesky" and ours.n_features_in_ == 6
    report = ours.kkt(stats)
    assert report.ok and report.residual("stationarity") < 1e-12
    # the constrained form at s = ‖w_α‖² recovers α = 3 (round trip through the statistics)
    constrained = ConstrainedRidge(s=float(ref.coef_ @ ref.coef_), fit_intercept=fit_intercept).fit(stats)
    assert constrained.multiplier_ == pytest.approx(3.0, rel=1e-8)
    assert _rel(constrained.coef_, ref.coef_) < 1e-9
    assert constrained.kkt(stats).ok
    # the path, one α at a time against scikit-learn
    alphas = [0.1, 3.0, 50.0]
    path = ridge_path(stats, alphas=alphas, fit_intercept=fit_intercept)
    for a, coef, b in zip(alphas, path.coefs, path.intercepts):
        one = sk.Ridge(alpha=a, fit_intercept=fit_intercept).fit(X, y, **kw)
        assert _rel(coef, one.coef_) < 1e-10
        assert b == pytest.approx(one.intercept_, rel=1e-10, abs=1e-10)


def test_multi_target_ridge_and_alpha_zero_from_stats():
    X, Y, sw = _data(k=3)
    stats = GramStats.from_chunks((X[i : i + 50], Y[i : i + 50], sw[i : i + 50]) for i in range(0, 400, 50))
    ours = Ridge(alpha=0.5).fit(stats)
    ref = sk.Ridge(alpha=0.5).fit(X, Y, sample_weight=sw)
    assert ours.coef_.shape == (3, 6)
    assert _rel(ours.coef_, ref.coef_) < 1e-10 and _rel(ours.intercept_, ref.intercept_) < 1e-10
    assert ours.kkt(stats).ok
    # α = 0 on a duplicated column: the minimum-norm least-squares solution (as lstsq gives)
    X2 = np.column_stack([X, X[:, 0]])
    y = Y[:, 0]
    with pytest.warns(Warning, match="minimum-norm"):
        singular = Ridge(alpha=0.0).fit(GramStats.from_arrays(X2, y))
    Xc, yc = X2 - X2.mean(0), y - y.mean()
    assert _rel(singular.coef_, np.linalg.lstsq(Xc, yc, rcond=None)[0]) < 1e-8
    assert singular.solver_ == "eigh"


def _sk_gap(X, y, sw, coef, intercept, alpha, l1_ratio, fit_intercept):
    """The duality gap at (coef, intercept) from the rows, with the rescaled-residual dual point."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    if fit_intercept:
        xm, ym = s @ X / n, s @ y / n
        X, y = X - xm, y - ym
    root = np.sqrt(s)
    Xs, ys = X * root[:, None], y * root
    r = ys - Xs @ coef
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    z = np.abs(Xs.T @ r - l2 * coef).max()
    scale = min(1.0, l1 / z) if z > 0 else 1.0
    primal = 0.5 * r @ r + l1 * np.abs(coef).sum() + 0.5 * l2 * coef @ coef
    theta = scale * r
    dual = 0.5 * ys @ ys - 0.5 * (ys - theta) @ (ys - theta) - 0.5 * l2 * coef @ coef * scale**2
    return (primal - dual) / n


@pytest.mark.parametrize("fit_intercept, weighted", CASES)
def test_lasso_family_from_stats(fit_intercept, weighted):
    X, y, sw = _data(seed=1)
    args = _args(X, y, sw, weighted)
    stats = GramStats.from_arrays(*args)
    kw = {"sample_weight": sw if weighted else None}
    sw_used = sw if weighted else None
    for Est, Sk, extra in ((Lasso, sk.Lasso, {}), (ElasticNet, sk.ElasticNet, {"l1_ratio": 0.6})):
        ref = Sk(alpha=0.08, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000, **extra)
        ref.fit(X, y, **kw)
        ours = Est(alpha=0.08, fit_intercept=fit_intercept, tol=1e-12, **extra).fit(stats)
        memory = Est(alpha=0.08, fit_intercept=fit_intercept, tol=1e-12, **extra).fit(*args)
        assert ours.solver_ == "cd-gram"
        assert _rel(ours.coef_, ref.coef_) < 1e-7 and _rel(ours.coef_, memory.coef_) < 1e-7
        assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-7)
        assert ours.kkt(stats).ok and ours.kkt(stats, tol=1e-6).ok
        assert (ours.coef_ == 0).sum() == (ref.coef_ == 0).sum() > 0
    # a loose tolerance: the gap from the statistics is the gap computed on the rows
    loose = Lasso(alpha=0.08, fit_intercept=fit_intercept, tol=1e-3).fit(stats)
    rows_gap = _sk_gap(X, y, sw_used, loose.coef_, loose.intercept_, 0.08, 1.0, fit_intercept)
    assert loose.dual_gap_ == pytest.approx(rows_gap, rel=1e-6, abs=1e-14)
    # ConstrainedLasso at t = ‖w_α‖₁ recovers α
    ref = sk.Lasso(alpha=0.08, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000).fit(X, y, **kw)
    constrained = ConstrainedLasso(t=float(np.abs(ref.coef_).sum()), fit_intercept=fit_intercept).fit(stats)
    assert constrained.multiplier_ == pytest.approx(0.08, rel=1e-6)
    assert _rel(constrained.coef_, ref.coef_) < 1e-6
    assert constrained.kkt(stats).ok
    # the path, against scikit-learn one α at a time and against the in-memory path
    alphas = np.array([0.5, 0.08, 0.01])
    _, coefs, gaps = lasso_path(stats, alphas=alphas, fit_intercept=fit_intercept, tol=1e-12)
    _, mem_coefs, _ = lasso_path(*args[:2], sample_weight=sw_used, alphas=alphas, fit_intercept=fit_intercept)
    assert _rel(coefs, mem_coefs) < 1e-5
    for a, coef in zip(alphas, coefs.T):
        one = sk.Lasso(alpha=a, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000).fit(X, y, **kw)
        assert _rel(coef, one.coef_) < 1e-6


def test_cross_validation_from_folds_matches_sklearn():
    X, y, _ = _data(n=300, seed=2)
    folds = GramFolds.from_arrays(X, y, cv=5)  # KFold(5), as scikit-learn's int cv
    alphas = np.logspace(-2, 3, 12)
    ours = RidgeCV(alphas=alphas, cv=5).fit(folds)
    ref = sk.RidgeCV(alphas=alphas, cv=KFold(5), scoring="neg_mean_squared_error").fit(X, y)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-9)
    assert _rel(ours.coef_, ref.coef_) < 1e-10
    lasso = LassoCV(alphas=15, cv=5, tol=1e-12).fit(folds)
    lasso_ref = sk.LassoCV(alphas=15, cv=KFold(5), tol=1e-14, max_iter=100_000).fit(X, y)
    assert _rel(lasso.alphas_, lasso_ref.alphas_) < 1e-12
    assert lasso.alpha_ == pytest.approx(lasso_ref.alpha_, rel=1e-10)
    assert _rel(lasso.mse_path_, lasso_ref.mse_path_) < 1e-6
    assert _rel(lasso.coef_, lasso_ref.coef_) < 1e-6
    enet = ElasticNetCV(l1_ratio=[0.2, 0.8], alphas=8, cv=5, tol=1e-12).fit(folds)
    enet_ref = sk.ElasticNetCV(l1_ratio=[0.2, 0.8], alphas=8, cv=KFold(5), tol=1e-14, max_iter=100_000)
    enet_ref.fit(X, y)
    assert (enet.l1_ratio_, enet.alpha_) == pytest.approx((enet_ref.l1_ratio_, enet_ref.alpha_), rel=1e-10)


def test_weighted_cv_from_streamed_folds_matches_in_memory_cv():
    X, y, sw = _data(n=300, seed=3)
    chunks = ((X[i : i + 64], y[i : i + 64], sw[i : i + 64]) for i in range(0, 300, 64))
    folds = GramFolds.from_chunks(chunks, n_splits=4)
    interleaved = PredefinedSplit(np.arange(300) % 4)
    alphas = np.logspace(-2, 3, 10)
    ours = RidgeCV(alphas=alphas, cv=4).fit(folds)
    memory = RidgeCV(alphas=alphas, cv=interleaved, scoring="neg_mean_squared_error").fit(X, y, sw)
    assert ours.alpha_ == memory.alpha_ and _rel(ours.mse_path_, memory.mse_path_) < 1e-10
    lasso = LassoCV(alphas=10, tol=1e-12).fit(folds)
    lasso_memory = LassoCV(alphas=10, tol=1e-12, cv=interleaved).fit(X, y, sw)
    assert lasso.alpha_ == pytest.approx(lasso_memory.alpha_, rel=1e-10)
    assert _rel(lasso.mse_path_, lasso_memory.mse_path_) < 1e-7


def test_dask_arrays_are_routed_through_statistics_never_loaded(monkeypatch):
    da = pytest.importorskip("dask.array")
    X, y, sw = _data(n=600, seed=4)
    Xd = da.from_array(X, chunks=(128, 6))
    yd, swd = da.from_array(y, chunks=128), da.from_array(sw, chunks=128)

    def refuse(*args, **kwargs):
        raise AssertionError("a Dask array was converted to NumPy")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    stats = GramStats.from_arrays(X, y, sw)
    ridge = Ridge(alpha=2.0).fit(Xd, yd, swd)
    assert _rel(ridge.coef_, Ridge(alpha=2.0).fit(stats).coef_) < 1e-12
    assert ridge.kkt(Xd, yd, swd).ok
    lasso = Lasso(alpha=0.05, tol=1e-12).fit(Xd, yd, swd)
    assert _rel(lasso.coef_, Lasso(alpha=0.05, tol=1e-12).fit(stats).coef_) < 1e-10
    assert lasso.kkt(Xd, yd, swd).ok
    constrained = ConstrainedRidge(s=1.0).fit(Xd, yd)
    assert _rel(constrained.coef_, ConstrainedRidge(s=1.0).fit(GramStats.from_arrays(X, y)).coef_) < 1e-10
    folds = GramFolds.from_arrays(X, y, sw, cv=PredefinedSplit(np.arange(600) % 3))
    cv = RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3).fit(Xd, yd, swd)
    assert cv.alpha_ == RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(folds).alpha_
    lasso_cv = LassoCV(alphas=6, cv=3, tol=1e-10).fit(Xd, yd, swd)
    assert lasso_cv.alpha_ == pytest.approx(LassoCV(alphas=6, tol=1e-10).fit(folds).alpha_, rel=1e-12)
    path = ridge_path(GramStats.from_arrays(X, y), alphas=[1.0])
    assert _rel(ridge_path(Xd, yd, [1.0]).coefs, path.coefs) < 1e-12
    with pytest.raises(ValueError, match="cv must be an int"):
        RidgeCV().fit(Xd, yd)  # leave-one-out needs the rows


def test_stats_entry_point_errors():
    X, y, _ = _data(n=100)
    stats = GramStats.from_arrays(X, y)
    folds = GramFolds.from_arrays(X, y, cv=3)
    with pytest.raises(ValueError, match="takes the statistics alone"):
        Ridge().fit(stats, y)
    with pytest.raises(ValueError, match="takes the statistics alone"):
        Lasso().fit(stats, sample_weight=np.ones(100))
    with pytest.raises(ValueError, match="needs the rows of X"):
        Ridge(solver="dual").fit(stats)
    with pytest.raises(ValueError, match="needs the rows of X"):
        Lasso(solver="fista").fit(stats)
    with pytest.raises(ValueError, match="per-fold statistics"):
        RidgeCV(cv=3).fit(stats)
    with pytest.raises(ValueError, match="per-fold statistics"):
        LassoCV().fit(stats)
    with pytest.raises(TypeError, match="folds.total"):
        Ridge().fit(folds)
    stats2 = GramStats.from_arrays(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="1-D y"):
        Lasso().fit(stats2)
    with pytest.raises(ValueError, match="1-D y"):
        ConstrainedRidge().fit(stats2)
    fitted = Ridge().fit(stats)
    with pytest.raises(ValueError, match="features"):
        fitted.kkt(GramStats.from_arrays(X[:, :4], y))
    with pytest.raises(ValueError, match="requires y"):
        Ridge().fit(X)  # in-memory data still needs y
