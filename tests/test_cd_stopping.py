"""Where coordinate descent on a design stops (issue 13): what it returns is settled, a tie read from
rounding never decides a step, and a gap at its rounding floor ends the fit.

scikit-learn's own tests compare fits of the same problem given two ways (dense and sparse X,
integer weights and repeated rows, X and its Gram matrix) at rtol 1e-7, coefficient by
coefficient. Its solver passes them by taking the same steps on both; so must ours (Gram mode is
the design's kernel with g = XᵀSr in the place of r), so the comparisons below are elementwise
and tight, and each fit is also held against scikit-learn at a tolerance of 1e-15.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.datasets import make_regression

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import ElasticNet, GramStats


def problem(n, p, seed, fit_intercept, weighted, share, l1_ratio=0.5):
    """sklearn's test_sparse_dense_equality data, and α a share of α_max."""
    X, y = make_regression(
        n_samples=n, n_features=p, effective_rank=p // 2, n_informative=p // 2, bias=4.0, noise=1.0,
        random_state=seed,
    )  # fmt: skip
    sw = np.abs(np.random.RandomState(seed).normal(scale=10, size=n)) if weighted else None
    yc = y - np.average(y, weights=sw) if fit_intercept else y
    Xc = X - np.average(X, axis=0, weights=sw) if fit_intercept else X
    scale = np.ones(n) if sw is None else sw * n / sw.sum()
    alpha = share * np.abs(Xc.T @ (scale * yc)).max() / (n * l1_ratio)
    return X, y, sw, alpha


def reference(X, y, sw, **params):
    return sk.ElasticNet(**params, tol=1e-15, max_iter=1_000_000).fit(X, y, sample_weight=sw).coef_


# each of these ran to max_iter on dense or sparse X: the working set's target 0.3·gap fell
# below the gap's rounding floor after the outer test had found the gap small but w unsettled
@pytest.mark.parametrize(
    "n, p, seed, fit_intercept, weighted, share",
    [(24, 6, 42, True, False, 0.0306), (6, 24, 0, True, True, 0.0959), (10, 40, 0, False, True, 0.0959),
     (10, 40, 1, False, True, 0.0959), (6, 24, 1, True, False, 0.0959)],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_gap_at_its_rounding_floor_ends_the_fit(n, p, seed, fit_intercept, weighted, share, fmt):
    X, y, sw, alpha = problem(n, p, seed, fit_intercept, weighted, share)
    params = dict(alpha=alpha, l1_ratio=0.5, fit_intercept=fit_intercept)
    Xf = sp.csc_matrix(X) if fmt == "csc" else X
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = ElasticNet(**params, tol=1e-6, max_iter=100_000).fit(Xf, y, sample_weight=sw)
    assert model.n_iter_ < 1000
    ref = reference(X, y, sw, **params)
    np.testing.assert_allclose(model.coef_, ref, rtol=0, atol=1e-6 * np.abs(ref).max())


@pytest.mark.parametrize("share", [0.3, 0.03, 3e-3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_dense_and_sparse_designs_take_the_same_steps(share, weighted, fit_intercept):
    # n < 2p: both fits run on the design (no Gram mode), and must agree far below tol
    X, y, sw, alpha = problem(6, 24, 42, fit_intercept, weighted, share)
    params = dict(alpha=alpha, l1_ratio=0.5, fit_intercept=fit_intercept)
    dense = ElasticNet(**params, tol=1e-6).fit(X, y, sample_weight=sw)
    csc = ElasticNet(**params, tol=1e-6).fit(sp.csc_matrix(X), y, sample_weight=sw)
    np.testing.assert_allclose(csc.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    ref = reference(X, y, sw, **params)
    np.testing.assert_allclose(dense.coef_, ref, rtol=0, atol=1e-6 * np.abs(ref).max())


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("share", [0.1, 0.01])
def test_integer_weights_take_the_same_steps_as_repeated_rows(fmt, share):
    rng = np.random.default_rng(3)
    X, y, _, alpha = problem(12, 30, 7, True, False, share)
    counts = rng.integers(0, 4, size=12)
    counts[:2] = (0, 3)  # a dropped row and a tripled one at least
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    wrap = sp.csc_matrix if fmt == "csc" else np.asarray
    params = dict(alpha=alpha, l1_ratio=0.5, tol=1e-6)
    weighted = ElasticNet(**params).fit(wrap(X), y, sample_weight=counts.astype(float))
    repeated = ElasticNet(**params).fit(wrap(Xr), yr)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-9, atol=1e-12)
    ref = reference(Xr, yr, None, alpha=alpha, l1_ratio=0.5)
    np.testing.assert_allclose(repeated.coef_, ref, rtol=0, atol=1e-6 * np.abs(ref).max())


@pytest.mark.parametrize("share", [0.3, 0.03, 3e-3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_gram_mode_and_the_design_take_the_same_steps(share, weighted, fit_intercept):
    """n >= 2p: dense X in Gram mode, dense and sparse X on the design, GramStats and a Gram matrix
    given by the user (on X centred as scikit-learn's test does) agree far below tol (Gram mode
    takes the design's decisions for its first ``_FINE_AFTER`` epochs on a working set)."""
    X, y, sw, alpha = problem(24, 6, 42, fit_intercept, weighted, share)
    params = dict(alpha=alpha, l1_ratio=0.5, fit_intercept=fit_intercept, tol=1e-4)
    gram = ElasticNet(**params, precompute=True).fit(X, y, sample_weight=sw)
    design = ElasticNet(**params, precompute=False).fit(X, y, sample_weight=sw)
    csc = ElasticNet(**params).fit(sp.csc_matrix(X), y, sample_weight=sw)
    stats = ElasticNet(**params).fit(GramStats.from_arrays(X, y, sw))
    for other in (design, csc, stats):
        np.testing.assert_allclose(other.coef_, gram.coef_, rtol=1e-10, atol=1e-13 * np.abs(gram.coef_).max())
    ref = reference(X, y, sw, alpha=alpha, l1_ratio=0.5, fit_intercept=fit_intercept)
    np.testing.assert_allclose(gram.coef_, ref, rtol=0, atol=1e-6 * np.abs(ref).max())  # far below tol
    if fit_intercept:
        scale = np.ones(24) if sw is None else sw * 24 / sw.sum()
        Xc = X - np.average(X, axis=0, weights=scale)
        given = ElasticNet(**params, precompute=(Xc * scale[:, None]).T @ Xc).fit(Xc, y, sample_weight=sw)
        np.testing.assert_allclose(given.coef_, gram.coef_, rtol=1e-10, atol=1e-13 * np.abs(gram.coef_).max())


@pytest.mark.parametrize("share", [0.1, 0.01])
def test_integer_weights_take_the_same_steps_as_repeated_rows_in_gram_mode(share):
    rng = np.random.default_rng(4)
    X, y, _, alpha = problem(40, 8, 7, True, False, share)
    counts = rng.integers(0, 4, size=40)
    counts[:2] = (0, 3)
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    params = dict(alpha=alpha, l1_ratio=0.5, tol=1e-4, precompute=True)
    weighted = ElasticNet(**params).fit(X, y, sample_weight=counts.astype(float))
    repeated = ElasticNet(**params).fit(Xr, yr)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10, atol=1e-13)
    ref = reference(Xr, yr, None, alpha=alpha, l1_ratio=0.5)
    np.testing.assert_allclose(repeated.coef_, ref, rtol=0, atol=1e-4 * np.abs(ref).max())


def wide_problem(kind, seed):
    """p > n: scikit-learn's make_regression (50, 200), or a Gaussian design with 5 informative columns."""
    if kind == "make_regression":
        return make_regression(50, 200, noise=1.0, random_state=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((50, 200))
    return X, X[:, :5] @ np.ones(5) + 0.1 * rng.standard_normal(50)


@pytest.mark.parametrize(
    "kind, seed, l1_ratio, fit_intercept, weighted",
    [("make_regression", 0, 0.7, True, False), ("make_regression", 1, 0.7, False, True),
     ("make_regression", 0, 0.7, True, True), ("gaussian", 0, 1.0, True, False),
     ("gaussian", 1, 1.0, False, True)],
)  # fmt: skip
def test_gram_mode_converges_on_wide_designs(kind, seed, l1_ratio, fit_intercept, weighted):
    """issue 13: precompute=True on p > n at tol 1e-8 took 2000-2800 epochs (the design: 450-840):
    near the optimum every extrapolation lowered P by less than 1e-12 of P and was refused, so
    the last digits came at CD's contraction rate. After 50 epochs on a working set Gram mode now
    refuses only changes within the rounding of g, and stops in about the design's epochs, well
    inside max_iter."""
    X, y = wide_problem(kind, seed)
    sw = np.random.default_rng(seed).uniform(0.2, 3.0, 50) if weighted else None
    params = dict(alpha=0.01, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = ElasticNet(**params, precompute=True, tol=1e-8, max_iter=1500).fit(X, y, sample_weight=sw)
    assert model.solver_ == "cd-gram"
    assert model.n_iter_ < 1500  # stopped by its own test, not by max_iter
    assert model.dual_gap_ <= 1e-8 * np.average((y - np.average(y, weights=sw)) ** 2, weights=sw) / 2
    ref = sk.ElasticNet(**params, precompute=True, tol=1e-12, max_iter=1_000_000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-6 * np.abs(ref.coef_).max())
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("precompute", [False, True])
def test_running_out_of_epochs_is_never_silent(precompute):
    """A fit that reaches max_iter with its gap within tol but its coefficients still moving warned
    nothing, though its coefficients were 4e-4 (relative) from the solution at tol 1e-8 on this
    correlated p > n design. Whatever max_iter, a fit is either within 1e-5 of scikit-learn's
    tol=1e-13 solution or says that it did not converge."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 20)) @ rng.standard_normal((20, 200)) + 0.1 * rng.standard_normal((50, 200))
    y = X[:, :5] @ np.ones(5) + 0.1 * rng.standard_normal(50)
    params = dict(alpha=0.01, l1_ratio=0.7, fit_intercept=False)
    ref = sk.ElasticNet(**params, precompute=True, tol=1e-13, max_iter=10**6).fit(X, y).coef_
    for max_iter in (200, 400, 600, 800, 1000, 1100, 1300):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = ElasticNet(**params, precompute=precompute, tol=1e-8, max_iter=max_iter).fit(X, y)
        if not any(issubclass(w.category, ConvergenceWarning) for w in caught):
            np.testing.assert_allclose(model.coef_, ref, rtol=0, atol=1e-5 * np.abs(ref).max())
