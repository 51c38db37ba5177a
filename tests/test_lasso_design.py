"""The design shape under Lasso/ElasticNet: X never copied to centre or weight it (issue 13).

Every fit is compared against scikit-learn at a tight tolerance; the memory bound is measured
with tracemalloc (NumPy registers its allocations there).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

from lagrangekit.linear_model import ElasticNet, Lasso
from lagrangekit.linear_model._design import make_design


def wide_data(n=1000, p=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 3.0  # non-zero means: implicit centring matters
    w = np.zeros(p)
    w[:30] = rng.uniform(1, 2, 30)
    return X, X @ w + rng.standard_normal(n) + 5.0


def peak_extra_memory(fit) -> int:
    fit()  # compile and warm up outside the measurement
    tracemalloc.start()
    try:
        fit()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_fit_copies_no_X(order, weighted):
    """Peak extra memory of Lasso(fit_intercept=True).fit on dense 1000×3000 is far below X's size
    (the old centring copy was 1.0× X); the coefficients match scikit-learn's."""
    X, y = wide_data()
    X = np.asarray(X, order=order)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    alpha = 0.1
    models = []

    def fit():
        models.append(Lasso(alpha=alpha, tol=1e-10).fit(X, y, sample_weight=sw))

    peak = peak_extra_memory(fit)
    assert peak <= 0.3 * X.nbytes, f"peak extra memory {peak / X.nbytes:.2f}× X"
    ref = sk.Lasso(alpha=alpha, tol=1e-12, max_iter=100000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(models[-1].coef_, ref.coef_, rtol=0, atol=1e-7)
    assert abs(models[-1].intercept_ - ref.intercept_) <= 1e-7 * abs(ref.intercept_)


@pytest.mark.parametrize("layout", ["C", "F", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_design_uses_X_in_place(layout, weighted):
    """float64 X in C or F order, and canonical CSC, are the design's X itself; the implicit
    means and centred squared norms equal numpy's on the explicitly centred matrix."""
    rng = np.random.default_rng(2)
    dense = rng.standard_normal((40, 7)) * (rng.random((40, 7)) < 0.5) + 2.0
    X = sp.csc_matrix(dense) if layout == "csc" else np.asarray(dense, order=layout)
    sw = rng.uniform(0.1, 3.0, 40) if weighted else None
    design = make_design(X, sw, True)
    assert design.X is X
    s = np.ones(40) if sw is None else sw * 40 / sw.sum()
    mean = s @ dense / 40
    np.testing.assert_allclose(design.X_offset, mean, rtol=1e-13)
    np.testing.assert_allclose(design.col_norm2, s @ (dense - mean) ** 2, rtol=1e-11)


@pytest.mark.parametrize("fmt", ["C", "csr", "csc"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_weighted_wide_fits_match_sklearn(fmt, l1_ratio):
    """Weighted, intercept-fitting ElasticNet on C-ordered dense, CSR and CSC X (gathered working
    sets, strided and sparse kernels) against scikit-learn."""
    rng = np.random.default_rng(3)
    dense = rng.standard_normal((80, 300)) * (rng.random((80, 300)) < 0.3) + 1.0
    y = dense[:, :5] @ np.arange(1.0, 6.0) + rng.standard_normal(80)
    X = {"C": dense, "csr": sp.csr_matrix(dense), "csc": sp.csc_matrix(dense)}[fmt]
    sw = rng.uniform(0.2, 2.0, 80)
    ours = ElasticNet(alpha=0.05, l1_ratio=l1_ratio, tol=1e-12, max_iter=100000).fit(X, y, sample_weight=sw)
    ref = sk.ElasticNet(alpha=0.05, l1_ratio=l1_ratio, tol=1e-14, max_iter=100000).fit(
        dense, y, sample_weight=sw
    )
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-8)
    assert abs(ours.intercept_ - ref.intercept_) <= 1e-8 * max(1.0, abs(ref.intercept_))
