"""Ridge(solver="sag" / "saga") with just-in-time updates on sparse X.

References: the closed-form ridge solution (numpy's dense solve of the centred, weighted normal
equations), scikit-learn's Ridge(solver="svd"), and a textbook eager SAG/SAGA written here in
numpy (every coordinate moved at every step), which the lazy kernel must reproduce iterate for
iterate from the same seed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk
from sklearn.utils import check_random_state

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import Ridge


def sparse_problem(n=30, p=80, density=0.05, *, seed=0, targets=None):
    """CSR X with empty rows and never-used columns, a shifted target, weights with zeros."""
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, p)) * (rng.random((n, p)) < density)
    dense[:3] = 0.0  # empty rows
    dense[:, -5:] = 0.0  # columns no row touches
    dense[:, 0] = np.where(rng.random(n) < 0.5, 3.0, 0.0)  # a column far from centred
    coef = rng.normal(size=(p,) if targets is None else (p, targets))
    y = dense @ coef + 2.0 + 0.1 * rng.normal(size=(n,) if targets is None else (n, targets))
    weights = rng.uniform(0.5, 2.0, size=n)
    weights[3] = 0.0
    return dense, y, weights


def closed_form(X, y, alpha, sample_weight, fit_intercept):
    """(w, b) minimizing Σ sᵢ(yᵢ − xᵢᵀw − b)² + α‖w‖² by a dense solve (b = 0 without intercept)."""
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    if fit_intercept:
        x_mean, y_mean = s @ X / s.sum(), s @ y / s.sum()
    else:
        x_mean, y_mean = np.zeros(X.shape[1]), 0.0
    Xc, yc = X - x_mean, y - y_mean
    w = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + alpha * np.eye(X.shape[1]), Xc.T @ (s * yc))
    return w, y_mean - x_mean @ w


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300))


# saga with an intercept on sparse X is refused (scikit-learn's rule, tested in test_ridge_sklearn_api)
CASES = [
    (solver, sparse_X, fit_intercept)
    for solver in ("sag", "saga")
    for sparse_X in (False, True)
    for fit_intercept in (True, False)
    if not (solver == "saga" and sparse_X and fit_intercept)
]


@pytest.mark.parametrize(("solver", "sparse_X", "fit_intercept"), CASES)
@pytest.mark.parametrize("weighted", [True, False])
def test_sag_reaches_the_closed_form_on_wide_data(solver, sparse_X, fit_intercept, weighted):
    X, y, sw = sparse_problem()
    sw = sw if weighted else None
    w, b = closed_form(X, y, 0.7, sw, fit_intercept)
    model = Ridge(alpha=0.7, solver=solver, fit_intercept=fit_intercept, tol=1e-13, max_iter=200_000)
    model.fit(sp.csr_matrix(X) if sparse_X else X, y, sample_weight=sw)
    assert rel(model.coef_, w) < 1e-8
    assert model.intercept_ == pytest.approx(b, rel=1e-8, abs=1e-8)


def textbook_sag(X, y, alpha, sample_weight, fit_intercept, *, saga, epochs, seed):
    """Eager SAG/SAGA as the module docstring defines them, in numpy: O(p) per step."""
    n, p = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight
    x_mean = s @ X / s.sum() if fit_intercept else np.zeros(p)
    y_mean = s @ y / s.sum() if fit_intercept else 0.0
    Z, t = X - x_mean, y - y_mean
    lam = alpha / n
    L = np.max(s * np.sum(Z * Z, axis=1)) + lam
    step = 1 / (2 * L + min(2 * alpha, L)) if saga else 1 / L
    w, memory, total, seen = np.zeros(p), np.zeros(n), np.zeros(p), set()
    rng = check_random_state(seed)
    for _ in range(epochs):
        for i in rng.randint(0, n, size=n):
            grad = s[i] * (Z[i] @ w - t[i])
            seen.add(i)
            delta, memory[i] = grad - memory[i], grad
            if saga:
                w = (w - step * (delta * Z[i] + total / len(seen))) / (1 + step * lam)
                total = total + delta * Z[i]
            else:
                total = total + delta * Z[i]
                w = (1 - step * lam) * w - step * total / len(seen)
    return w, y_mean - x_mean @ w


@pytest.mark.parametrize(
    ("solver", "fit_intercept"), [("sag", True), ("sag", False), ("saga", False)]
)
@pytest.mark.parametrize("alpha", [0.3, 2e4])  # 2e4: σ is folded into v mid-epoch
def test_lazy_iterates_equal_the_eager_textbook_iterates(solver, fit_intercept, alpha):
    X, y, sw = sparse_problem(n=25, p=40, density=0.1, seed=4)
    w, b = textbook_sag(X, y, alpha, sw, fit_intercept, saga=solver == "saga", epochs=3, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept, tol=0.0, max_iter=3,
                      random_state=7).fit(sp.csr_matrix(X), y, sample_weight=sw)  # fmt: skip
    assert model.n_iter_[0] == 3
    assert rel(model.coef_, w) < 1e-10
    assert model.intercept_ == pytest.approx(b, rel=1e-10, abs=1e-12)


def test_saga_with_intercept_on_dense_rows_is_the_textbook_saga():
    X, y, sw = sparse_problem(n=25, p=12, density=0.6, seed=5)
    w, b = textbook_sag(X, y, 1.5, sw, True, saga=True, epochs=2, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Ridge(alpha=1.5, solver="saga", tol=0.0, max_iter=2, random_state=1).fit(X, y, sw)
    assert rel(model.coef_, w) < 1e-10 and model.intercept_ == pytest.approx(b, rel=1e-10)


def test_sparse_per_target_alpha_and_non_canonical_csr():
    X, Y, sw = sparse_problem(targets=3, seed=2)
    alphas = np.array([0.05, 1.0, 40.0])
    csr = sp.csr_matrix(X)
    # the same matrix with every entry stored twice, as two halves (a non-canonical CSR)
    split = sp.csr_matrix(
        (np.repeat(csr.data / 2, 2), np.repeat(csr.indices, 2), 2 * csr.indptr), shape=csr.shape
    )
    assert not split.has_canonical_format
    before = split.copy()
    model = Ridge(alpha=alphas, solver="sag", tol=1e-13, max_iter=200_000).fit(split, Y, sample_weight=sw)
    assert split.nnz == before.nnz and np.array_equal(split.data, before.data)  # X not modified
    for j, a in enumerate(alphas):
        ref = sk.Ridge(alpha=a, solver="svd").fit(X, Y[:, j], sample_weight=sw)
        assert rel(model.coef_[j], ref.coef_) < 1e-8
        assert model.intercept_[j] == pytest.approx(ref.intercept_, rel=1e-8)


@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_design_that_centres_to_zero_gives_zero_coefficients(solver, alpha):
    rng = np.random.default_rng(0)
    y = rng.normal(size=20)
    for X, fit_intercept in ((np.zeros((20, 3)), False), (np.full((20, 3), 0.1), True)):
        model = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept).fit(X, y)
        assert np.array_equal(model.coef_, np.zeros(3))
        assert model.intercept_ == pytest.approx(y.mean() if fit_intercept else 0.0, rel=1e-12)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_huge_alpha_is_exact_not_nan(solver):
    X, y, sw = sparse_problem(n=30, p=10, density=0.5, seed=3)
    w, b = closed_form(X, y, 1e20, sw, True)
    model = Ridge(alpha=1e20, solver=solver, tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=sw)
    assert rel(model.coef_, w) < 1e-8 and model.intercept_ == pytest.approx(b, rel=1e-10)


@st.composite
def small_designs(draw):
    n = draw(st.integers(2, 12))
    p = draw(st.integers(1, 15))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    density = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    X = rng.normal(size=(n, p)) * (rng.random((n, p)) < density)
    if draw(st.booleans()):
        X[rng.integers(n)] = X[rng.integers(n)]  # a repeated row
    if draw(st.booleans()):
        X[:, rng.integers(p)] = draw(st.sampled_from([0.0, 5.0]))  # a constant column
    y = rng.normal(size=n) * draw(st.sampled_from([1e-3, 1.0, 1e3]))
    weights = rng.uniform(0.0, 3.0, size=n) if draw(st.booleans()) else None
    if weights is not None:
        weights[0] = max(weights[0], 0.5)  # at least one positive weight
    return X, y, weights


@pytest.mark.parametrize("max_examples", [15, pytest.param(200, marks=pytest.mark.slow)])
def test_hostile_small_designs_reach_the_closed_form(max_examples):
    @settings(max_examples=max_examples, deadline=None)
    @given(
        data=small_designs(),
        alpha=st.sampled_from([1e-2, 1.0, 1e3]),
        fit_intercept=st.booleans(),
        sparse_X=st.booleans(),
    )
    def check(data, alpha, fit_intercept, sparse_X):
        X, y, sw = data
        w, b = closed_form(X, y, alpha, sw, fit_intercept)
        model = Ridge(alpha=alpha, solver="sag", fit_intercept=fit_intercept, tol=1e-13, max_iter=500_000)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model.fit(sp.csr_matrix(X) if sparse_X else X, y, sample_weight=sw)
        scale = max(np.max(np.abs(w)), 1e-12 * np.max(np.abs(y)))
        assert np.max(np.abs(model.coef_ - w)) <= 1e-7 * scale
        assert abs(model.intercept_ - b) <= 1e-7 * max(abs(b), np.max(np.abs(y)))

    check()


@pytest.mark.parametrize("sparse_X", [False, True])
def test_a_row_not_drawn_in_an_epoch_does_not_end_the_run(sparse_X):
    # one informative row of ten: about a third of the seeds skip it in the first epoch, where
    # w = 0 does not move and max|Δw| <= tol·max|w| holds (scikit-learn's sag stops there)
    X = np.zeros((10, 3))
    X[4] = [1.0, -2.0, 0.5]
    y = np.arange(10.0)
    w, _ = closed_form(X, y, 1.0, None, False)
    for seed in range(12):
        model = Ridge(alpha=1.0, solver="sag", fit_intercept=False, tol=1e-10, random_state=seed)
        model.fit(sp.csr_matrix(X) if sparse_X else X, y)
        assert rel(model.coef_, w) < 1e-8, seed
