"""``lasso_path`` / ``enet_path`` with a 2-D y: the multi-task elastic net (scikit-learn's reading).

References: cvxpy (the L2,1 objective written independently), scikit-learn's ``enet_path`` and
``MultiTaskElasticNet`` at tight tolerances, and the group penalty's closed forms.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sk

from lagrangekit.linear_model import enet_path, lasso_path
from lagrangekit.linear_model._roles import GroupElasticNetPenalty


def data(seed=0, n=40, p=12, k=3, density=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if density is not None:
        X *= rng.random((n, p)) < density
    W = rng.normal(size=(p, k)) * (rng.random(p) < 0.4)[:, None]
    Y = X @ W + 1.5 + 0.3 * rng.normal(size=(n, k))
    return X, Y, rng.uniform(0.5, 2.0, size=n)


def cvxpy_multitask(X, Y, alpha, l1_ratio, sw, fit_intercept):
    """argmin (1/(2Σs))Σᵢsᵢ‖yᵢ − b − Wᵀxᵢ‖² + α·l1·Σⱼ‖Wⱼ‖₂ + (α/2)(1 − l1)‖W‖²_F, weights
    rescaled to sum to n as in scikit-learn (so (1/(2n))Σ with s summing to n)."""
    cp = pytest.importorskip("cvxpy")
    n, p = X.shape
    k = Y.shape[1]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    W = cp.Variable((p, k))
    R = Y - X @ W
    if fit_intercept:
        R = R - np.ones((n, 1)) @ cp.Variable((1, k))
    loss = cp.sum(cp.multiply(s[:, None], cp.square(R))) / (2 * n)
    pen = alpha * l1_ratio * cp.sum(cp.norm(W, 2, axis=1)) + 0.5 * alpha * (1 - l1_ratio) * cp.sum_squares(W)
    problem = cp.Problem(cp.Minimize(loss + pen))
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return W.value, problem.value


def objective(X, Y, W, alpha, l1_ratio, sw, fit_intercept):
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    Xd = X.toarray() if sp.issparse(X) else X
    if fit_intercept:
        xm, ym = s @ Xd / n, s @ Y / n
        Xd, Y = Xd - xm, Y - ym
    R = Y - Xd @ W
    return float(np.sum(s[:, None] * R * R)) / (2 * n) + GroupElasticNetPenalty(alpha, l1_ratio).value(W)


@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_multitask_path_matches_cvxpy(fmt, fit_intercept, weighted):
    X, Y, sw = data(seed=3, density=0.5)
    sw = sw if weighted else None
    Xin = X if fmt == "dense" else getattr(sp, f"{fmt}_matrix")(X)
    alphas = np.array([0.3, 0.05])
    _, coefs, gaps = enet_path(
        Xin, Y, l1_ratio=0.7, alphas=alphas, tol=1e-12, fit_intercept=fit_intercept, sample_weight=sw
    )
    assert coefs.shape == (3, 12, 2)
    for a, alpha in enumerate(alphas):
        W_ref, opt = cvxpy_multitask(X, Y, alpha, 0.7, sw, fit_intercept)
        W = coefs[:, :, a].T
        ours = objective(X, Y, W, alpha, 0.7, sw, fit_intercept)
        # the gap certifies the objective: ours − optimum <= gap, and cvxpy cannot beat it by more
        assert ours - opt <= gaps[a] + 1e-9
        assert gaps[a] <= 1e-12 * objective(X, Y, 0 * W, alpha, 0.7, sw, fit_intercept)
        np.testing.assert_allclose(W, W_ref, atol=1e-5)
    assert np.any(np.linalg.norm(coefs[:, :, 0], axis=0) == 0)  # the group penalty zeroes whole rows


@pytest.mark.parametrize("path", [enet_path, lasso_path])
def test_multitask_path_matches_sklearn_at_tight_tol(path):
    X, Y, _ = data(seed=1, n=50, p=20, k=2)
    alphas, coefs, _ = path(X, Y, alphas=8, tol=1e-12)
    ref_alphas, ref_coefs, _ = getattr(sk, path.__name__)(X, Y, alphas=8, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-13)
    assert coefs.shape == ref_coefs.shape == (2, 20, 8)
    np.testing.assert_allclose(coefs, ref_coefs, rtol=1e-9, atol=1e-9 * np.abs(ref_coefs).max())


def test_multitask_path_with_intercept_matches_sklearn_multitask_enet():
    X, Y, _ = data(seed=2)
    Xs = X + 4.0  # means that the implicit centring must remove
    ref = sk.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.6, tol=1e-14, max_iter=100_000).fit(Xs, Y)
    _, coefs, _ = enet_path(Xs, Y, l1_ratio=0.6, alphas=[0.1], tol=1e-12, fit_intercept=True)
    np.testing.assert_allclose(coefs[:, :, 0], ref.coef_, rtol=1e-9, atol=1e-10)


def test_dense_sparse_and_one_column_agree():
    """Dense and sparse X take the same steps (to rounding); a 2-D y of one column is the
    single-task problem, with scikit-learn's 3-D shape."""
    X, Y, _ = data(seed=5, density=0.3)
    _, dense, _ = lasso_path(X, Y, alphas=5, tol=1e-10)
    _, sparse, _ = lasso_path(sp.csr_matrix(X), Y, alphas=5, tol=1e-10)
    np.testing.assert_allclose(dense, sparse, rtol=1e-12, atol=1e-14)
    _, one, _ = lasso_path(X, Y[:, :1], alphas=5, tol=1e-12)
    _, single, _ = lasso_path(X, Y[:, 0], alphas=5, tol=1e-12)
    assert one.shape == (1, 12, 5)
    np.testing.assert_allclose(one[0], single, rtol=1e-8, atol=1e-10)


def test_alpha_max_zeroes_every_row_and_is_tight():
    X, Y, _ = data(seed=6)
    alphas, coefs, _ = enet_path(X, Y, l1_ratio=0.5, alphas=3, eps=0.999, tol=1e-12)
    ref = np.linalg.norm(X.T @ Y, axis=1).max() / (X.shape[0] * 0.5)  # scikit-learn's α_max
    assert alphas[0] == pytest.approx(ref, rel=1e-14)
    assert np.all(coefs[:, :, 0] == 0.0)
    assert np.any(coefs[:, :, -1] != 0.0)


def test_group_penalty_prox_and_subdifferential():
    """The prox is block soft-thresholding (closed form); the subdifferential distance is 0 at
    the path's solution and positive away from it."""
    pen = GroupElasticNetPenalty(0.4, 0.5)
    V = np.array([[3.0, 4.0], [0.1, 0.0]])
    np.testing.assert_allclose(pen.prox(V, 1.0), [[3.0 * 0.96 / 1.2, 4.0 * 0.96 / 1.2], [0.0, 0.0]])
    X, Y, _ = data(seed=7)
    _, coefs, _ = enet_path(X, Y, l1_ratio=0.5, alphas=[0.4], tol=1e-13)
    W = coefs[:, :, 0].T
    grad = -X.T @ (Y - X @ W) / X.shape[0]
    assert pen.subdiff_distance(W, grad).max() < 1e-9 * np.abs(grad).max()
    assert pen.subdiff_distance(W + 0.1, grad).max() > 1e-3


def test_positive_and_bad_coef_init_raise():
    X, Y, _ = data()
    with pytest.raises(ValueError, match="positive=True is not allowed for multi-output"):
        lasso_path(X, Y, positive=True)
    with pytest.raises(ValueError, match=r"coef_init must have shape \(3, 12\)"):
        lasso_path(X, Y, coef_init=np.zeros(12))


def test_warm_start_coef_init_is_sklearns_layout():
    X, Y, _ = data(seed=8)
    _, coefs, _ = enet_path(X, Y, alphas=[0.05], tol=1e-12)
    _, again, _, n_iter = enet_path(
        X, Y, alphas=[0.05], tol=1e-12, coef_init=coefs[:, :, 0], return_n_iter=True
    )
    np.testing.assert_allclose(again, coefs, rtol=1e-10, atol=1e-12)
    assert n_iter[0] <= 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bad=st.sampled_from([np.nan, np.inf, -np.inf]),
    where=st.sampled_from(["X", "Y"]),
    sparse_x=st.booleans(),
)
def test_non_finite_input_raises_value_error(bad, where, sparse_x):
    X, Y, _ = data(seed=9, n=10, p=4, k=2)
    if where == "X":
        X[2, 1] = bad
    else:
        Y[3, 0] = bad
    with pytest.raises(ValueError, match="NaN|infinity|inf"):
        lasso_path(sp.csr_matrix(X) if sparse_x else X, Y)


@settings(max_examples=10, deadline=None)
@given(n_rows=st.integers(0, 3))
def test_wrong_shapes_raise_value_error(n_rows):
    X, Y, _ = data(seed=10, n=10, p=4, k=2)
    with pytest.raises(ValueError):
        lasso_path(X, Y[:n_rows])


def _random_instance_matches_cvxpy(seed, n, p, k, sparse_x, fit_intercept, weighted, l1_ratio, share):
    X, Y, sw = data(seed=seed, n=n, p=p, k=k, density=0.6 if sparse_x else None)
    sw = sw if weighted else None
    Xin = sp.csr_matrix(X) if sparse_x else X
    alphas, _, _ = enet_path(Xin, Y, l1_ratio=l1_ratio, alphas=2, eps=0.5, fit_intercept=fit_intercept,
                             sample_weight=sw)  # fmt: skip
    alpha = alphas[0] * share
    _, coefs, gaps = enet_path(
        Xin, Y, l1_ratio=l1_ratio, alphas=[alpha], tol=1e-12, fit_intercept=fit_intercept, sample_weight=sw
    )
    W = coefs[:, :, 0].T
    W_ref, opt = cvxpy_multitask(X, Y, alpha, l1_ratio, sw, fit_intercept)
    ours = objective(X, Y, W, alpha, l1_ratio, sw, fit_intercept)
    assert ours - opt <= gaps[0] + 1e-8 * max(1.0, abs(opt))
    np.testing.assert_allclose(W, W_ref, atol=1e-4 * max(1.0, np.abs(W_ref).max()))


instances = dict(
    seed=st.integers(0, 10_000), n=st.integers(5, 25), p=st.integers(1, 8), k=st.integers(1, 4),
    sparse_x=st.booleans(), fit_intercept=st.booleans(), weighted=st.booleans(),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.2]), share=st.floats(0.01, 1.2),
)  # fmt: skip


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**instances)
def test_random_instances_match_cvxpy(**kw):
    _random_instance_matches_cvxpy(**kw)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**instances)
def test_random_instances_match_cvxpy_many(**kw):
    _random_instance_matches_cvxpy(**kw)
