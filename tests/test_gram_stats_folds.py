"""GramFolds: per-fold statistics, training merges and validation errors against sklearn fits per fold."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge
from sklearn.model_selection import KFold, PredefinedSplit, ShuffleSplit

from lagrangekit.linear_model.gram_folds import GramFolds
from lagrangekit.linear_model.gram_stats import GramStats

FIELDS = ("X_mean", "y_mean", "XtX_centered", "Xty_centered", "yty_centered")


def _assert_same(a, b, tol=1e-12):
    assert a.n_samples == b.n_samples
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert np.max(np.abs(x - y)) <= tol * max(np.max(np.abs(y)), 1.0), name


def _data(n=1003, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 3.0
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y, rng.uniform(0.1, 2, n)


def test_kfold_train_and_test_statistics_are_those_of_the_rows():
    X, y, sw = _data()
    folds = GramFolds.from_arrays(X, y, sw, cv=5)
    assert folds.n_splits == 5
    for k, (train, test) in enumerate(KFold(5).split(X)):
        _assert_same(folds.train(k), GramStats.from_arrays(X[train], y[train], sw[train]))
        _assert_same(folds.test(k), GramStats.from_arrays(X[test], y[test], sw[test]))
    _assert_same(folds.total, GramStats.from_arrays(X, y, sw))


def test_streamed_folds_are_interleaved_and_independent_of_chunking():
    X, y, sw = _data()
    ref = GramFolds.from_arrays(X, y, sw, cv=PredefinedSplit(np.arange(len(y)) % 3))
    for size in (1, 100, 1003):
        chunks = ((X[i : i + size], y[i : i + size], sw[i : i + size]) for i in range(0, len(y), size))
        streamed = GramFolds.from_chunks(chunks, n_splits=3)
        for a, b in zip(streamed.folds, ref.folds):
            _assert_same(a, b)


def test_mse_path_equals_sklearn_ridge_fitted_on_each_training_fold():
    X, y, sw = _data(n=600)
    alphas = np.array([0.1, 3.0, 100.0])

    def ridge_path(stats):  # closed-form Ridge from the training statistics
        ne = stats.normal_equations(fit_intercept=True)
        coefs = np.column_stack([np.linalg.solve(ne.XtX + a * np.eye(X.shape[1]), ne.Xty) for a in alphas])
        return coefs, ne.y_offset - ne.X_offset @ coefs

    mse = GramFolds.from_arrays(X, y, sw, cv=4).mse_path(ridge_path)
    assert mse.shape == (3, 4)
    for k, (train, test) in enumerate(KFold(4).split(X)):
        for i, a in enumerate(alphas):
            model = SkRidge(alpha=a).fit(X[train], y[train], sample_weight=sw[train])
            ref = np.average((y[test] - model.predict(X[test])) ** 2, weights=sw[test])
            assert mse[i, k] == pytest.approx(ref, rel=1e-9)


def test_fold_errors():
    X, y, _ = _data(n=20)
    with pytest.raises(ValueError, match="n_splits must be an integer >= 2"):
        GramFolds.from_chunks([(X, y)], n_splits=1)
    with pytest.raises(ValueError, match="partition the rows"):
        GramFolds.from_arrays(X, y, cv=ShuffleSplit(3, test_size=0.2, random_state=0))
    with pytest.raises(ValueError, match="fold 3 has no rows"):
        GramFolds.from_chunks([(X[:3], y[:3])], n_splits=4)
    with pytest.raises(ValueError, match="chunks is empty"):
        GramFolds.from_chunks([], n_splits=2)
    folds2d = GramFolds.from_arrays(X, np.column_stack([y, y]), cv=2)
    with pytest.raises(ValueError, match="1-D y"):
        folds2d.mse_path(lambda s: (np.zeros((5, 1)), np.zeros(1)))
