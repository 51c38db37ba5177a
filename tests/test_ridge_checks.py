"""scikit-learn's estimator checks, bad input and input immutability for the Ridge family."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from lagrangekit.linear_model import ConstrainedRidge, Ridge, RidgeCV, ridge_path


@parametrize_with_checks([Ridge(), RidgeCV(), ConstrainedRidge()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _data(n=20, p=3):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, p)), rng.normal(size=n)


FITTERS = {
    "Ridge": lambda X, y, **kw: Ridge(**kw).fit(X, y),
    "Ridge-dual": lambda X, y, **kw: Ridge(solver="dual", **kw).fit(X, y),
    "Ridge-gd": lambda X, y, **kw: Ridge(solver="gd", **kw).fit(X, y),
    "RidgeCV": lambda X, y, **kw: RidgeCV(**kw).fit(X, y),
    "ConstrainedRidge": lambda X, y, **kw: ConstrainedRidge(**kw).fit(X, y),
    "ridge_path": lambda X, y, **kw: ridge_path(X, y, [1.0], **kw),
}


@pytest.mark.parametrize("fit", FITTERS.values(), ids=FITTERS.keys())
@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("where", ["X", "y"])
def test_nonfinite_data_is_rejected_naming_the_argument(fit, value, where):
    X, y = _data()
    (X if where == "X" else y)[3] = value
    with pytest.raises(ValueError, match=rf"Input {where} contains (NaN|infinity)"):
        fit(X, y)


@pytest.mark.parametrize("fit", FITTERS.values(), ids=FITTERS.keys())
def test_mismatched_lengths_and_empty_data(fit):
    X, y = _data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        fit(X[:0], y[:0])


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Ridge(alpha=-1), "alpha must be >= 0"),
        (lambda: Ridge(alpha="big"), "alpha must be a non-negative number"),
        (lambda: Ridge(solver="newton"), "solver must be one of"),
        (lambda: Ridge(solver="lbfgs"), "'lbfgs' solver can be used only when positive=True"),
        (lambda: Ridge(solver="svd", positive=True), "solver='svd' does not support positive fitting"),
        (lambda: Ridge(alpha=[1.0, 2.0, 3.0]), "number of penalties do not correspond: 3 != 1"),
        (lambda: Ridge(tol=-1), "tol must be >= 0"),
        (lambda: Ridge(solver="gd", max_iter=0), "max_iter must be a positive integer"),
        (lambda: Ridge(solver="gd", learning_rate=0), "learning_rate must be > 0"),
        (lambda: RidgeCV(alphas=[1.0, -2.0]), r"alphas\[1\] == -2.0, must be > 0.0"),
        (lambda: RidgeCV(alphas=[0.0, 1.0]), r"alphas\[0\] == 0.0, must be > 0.0 \(leave-one-out"),
        (lambda: RidgeCV(gcv_mode="qr"), "gcv_mode must be one of"),
        (lambda: RidgeCV(cv=3, store_cv_results=True), "cv!=None and store_cv_results=True are incompatible"),
        (lambda: RidgeCV(alphas=[]), "alphas must contain at least one value"),
        (lambda: ConstrainedRidge(s=-0.5), "s must be >= 0"),
        (lambda: ConstrainedRidge(s=np.nan), "s must be >= 0 and finite"),
    ],
)
def test_bad_hyperparameters_name_themselves(make, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        make().fit(X, y)


def test_ridge_path_bad_alphas():
    X, y = _data()
    with pytest.raises(ValueError, match="each of alphas must be >= 0"):
        ridge_path(X, y, [1.0, -1.0])


@pytest.mark.parametrize("fit", FITTERS.values(), ids=FITTERS.keys())
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inputs_are_never_modified(fit, dtype):
    X, y = _data(15, 30)  # wide, so the dual and kernel routes run too
    X = (X + 5.0).astype(dtype)  # non-zero means: centring happens
    y = y.astype(dtype)
    X0, y0 = X.copy(), y.copy()
    fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    Xt, yt = _data(40, 3)
    Xt, sw = Xt + 5.0, np.linspace(0.5, 2, 40)
    copies = Xt.copy(), yt.copy(), sw.copy()
    Ridge().fit(Xt, yt, sample_weight=sw)
    RidgeCV().fit(Xt, yt, sample_weight=sw)
    ConstrainedRidge().fit(Xt, yt, sample_weight=sw)
    for a, b in zip((Xt, yt, sw), copies):
        np.testing.assert_array_equal(a, b)


def test_negative_sample_weight_is_rejected():
    X, y = _data()
    with pytest.raises(ValueError, match="[Nn]egative values in data passed to `sample_weight`"):
        Ridge().fit(X, y, sample_weight=-np.ones(20))
