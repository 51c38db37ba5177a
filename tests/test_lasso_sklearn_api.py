"""scikit-learn 1.9's API on Lasso/ElasticNet/LassoCV/ElasticNetCV (issue 13), against sklearn itself,
and the scale-free intercept residual of the KKT report (issue 15)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

import lagrangekit.linear_model as lk
from lagrangekit.errors import ConvergenceWarning
from lagrangekit.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, lasso_path


def data(n=60, p=10, k=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 2.0
    W = rng.standard_normal((p, k or 1)) * (rng.random((p, k or 1)) < 0.5)
    Y = X @ W + 0.3 * rng.standard_normal((n, k or 1)) + 1.0
    return X, (Y[:, 0] if k is None else Y)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("precompute", [False, True])
def test_multi_target_matches_sklearn(fmt, weighted, precompute):
    X, Y = data(k=3)
    sw = np.random.default_rng(1).uniform(0.3, 2.0, X.shape[0]) if weighted else None
    Xin = sp.csc_matrix(X) if fmt == "csc" else X
    ours = ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-12, precompute=precompute)
    ours.fit(Xin, Y, sample_weight=sw)
    ref = sk.ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-14, max_iter=10**5).fit(X, Y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape == (3, 10)
    assert ours.intercept_.shape == ref.intercept_.shape == (3,)
    assert ours.dual_gap_.shape == ref.dual_gap_.shape == (3,)
    assert isinstance(ours.n_iter_, list) and len(ours.n_iter_) == 3
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.predict(Xin), ref.predict(X), rtol=0, atol=1e-8)
    assert ours.kkt(Xin, Y, sample_weight=sw).ok
    np.testing.assert_array_equal(ours.sparse_coef_.toarray(), ours.coef_)


@pytest.mark.parametrize("weighted", [False, True])
def test_precompute_gram_array_matches_sklearn(weighted):
    """A user's Gram matrix of centred (weighted) data is used, as scikit-learn uses it."""
    X, y = data()
    sw = np.random.default_rng(2).lognormal(size=y.shape) if weighted else None
    s = np.ones(y.size) if sw is None else sw * y.size / sw.sum()
    Xc = X - np.average(X, axis=0, weights=s)
    gram = (Xc * s[:, None]).T @ Xc
    ours = ElasticNet(alpha=0.01, precompute=gram, tol=1e-12).fit(Xc, y, sample_weight=sw)
    ref = sk.ElasticNet(alpha=0.01, precompute=gram, tol=1e-14, max_iter=10**5).fit(Xc, y, sample_weight=sw)
    assert ours.solver_ == "cd-gram"
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)


def test_precompute_gram_array_errors_and_warnings_as_sklearn():
    X, y = data()
    Xc = X - X.mean(axis=0)
    garbage = np.random.default_rng(0).standard_normal(X.shape)
    with pytest.raises(ValueError, match="Gram matrix.*did not pass validation"):
        ElasticNet(alpha=0.01, precompute=garbage.T @ garbage).fit(Xc, y)
    with pytest.raises(ValueError, match="precompute must be a finite"):
        ElasticNet(alpha=0.01, precompute=np.eye(3)).fit(Xc, y)
    gram = X.T @ X  # of uncentred X: recomputed, with scikit-learn's warning
    with pytest.warns(UserWarning, match="Gram matrix was provided but X was centered"):
        ours = ElasticNet(alpha=0.01, precompute=gram, tol=1e-12).fit(X, y)
    ref = sk.ElasticNet(alpha=0.01, tol=1e-14, max_iter=10**5).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)


def test_check_input_false_and_copy_x():
    X, y = data()
    Xf = np.asfortranarray(X)
    original = Xf.copy()
    ours = Lasso(alpha=0.05, copy_X=False, tol=1e-12).fit(Xf, y, check_input=False)
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=10**5).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(Xf, original)  # never modified, whatever copy_X says
    with pytest.raises(ValueError, match="check_input=False"):
        Lasso(alpha=0.05).fit(np.ascontiguousarray(X), y, check_input=False)


@pytest.mark.parametrize(
    "l1_ratio, alphas", [([0.5, 0.9], 5), ([0.5, 0.9], [0.1, 0.01, 0.001]), ([0.7], 4), (0.7, 4)]
)
def test_cv_attribute_shapes_match_sklearn(l1_ratio, alphas):
    X, y = data(n=45)
    kw = dict(l1_ratio=l1_ratio, alphas=alphas, cv=3, tol=1e-12, max_iter=10**5)
    ours = ElasticNetCV(**kw, n_jobs=2).fit(X, y)
    ref = sk.ElasticNetCV(**kw).fit(X, y)
    assert ours.alphas_.shape == ref.alphas_.shape
    assert ours.mse_path_.shape == ref.mse_path_.shape
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-4)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)


def test_lasso_cv_n_jobs_gives_the_serial_choice():
    X, y = data(n=80, p=20)
    ref = sk.LassoCV(alphas=20, cv=4, tol=1e-12, max_iter=10**5).fit(X, y)
    for n_jobs in (1, 2):
        ours = LassoCV(alphas=20, cv=4, n_jobs=n_jobs, tol=1e-12).fit(X, y)
        assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)


def test_random_selection_matches_sklearn():
    X, y = data(p=30)
    ours = Lasso(alpha=0.02, selection="random", random_state=0, tol=1e-12).fit(X, y)
    ref = sk.Lasso(alpha=0.02, tol=1e-14, max_iter=10**5).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)


def test_convergence_and_alpha_zero_warnings_carry_sklearn_messages():
    X = np.array([[-1.0, -1, 1, 1], [1, 1, -1, -1]])
    y = np.array([-1.0, 1])
    reg = Lasso(alpha=1e-10, fit_intercept=False, warm_start=True, max_iter=1, tol=1e-10)
    reg.coef_ = np.array([1.0, 1, 1, 1000])
    with pytest.warns(ConvergenceWarning, match="Objective did not converge. You might want to increase the"):
        reg.fit(X, y)
    with pytest.warns(UserWarning, match="With alpha=0, this algorithm does not converge well"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            Lasso(alpha=0).fit([[-1.0], [0.0], [1.0]], [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("scale", [1e-10, 1e10])
@pytest.mark.parametrize("weighted", [False, True])
def test_kkt_intercept_residual_is_scale_free(scale, weighted):
    """Issue 15: the Lasso at (c·X, c·α) is w/c with the same intercept, w the Lasso at (X, α)
    (substitute v = c·w in the objective), and its KKT report is ok at c = 1e±10 as at c = 1."""
    X, y = data()
    y = y + 100.0  # a large mean: the intercept's condition sums terms of size 100
    sw = np.random.default_rng(3).uniform(0.5, 2.0, y.size) if weighted else None
    base = Lasso(alpha=0.05, tol=1e-12).fit(X, y, sample_weight=sw)
    scaled = Lasso(alpha=0.05 * scale, tol=1e-12).fit(X * scale, y, sample_weight=sw)
    np.testing.assert_allclose(scaled.coef_ * scale, base.coef_, rtol=1e-8, atol=1e-10)
    assert scaled.intercept_ == pytest.approx(base.intercept_, rel=1e-8)
    report = scaled.kkt(X * scale, y, sample_weight=sw)
    assert report.ok, report
    # the unscaled fit moved to the scaled data is the same point: its report is ok too
    moved = Lasso(alpha=0.05 * scale, tol=1e-12).fit(X * scale, y, sample_weight=sw)
    moved.coef_ = base.coef_ / scale
    moved.intercept_ = base.intercept_
    assert moved.kkt(X * scale, y, sample_weight=sw).ok
    moved.intercept_ = base.intercept_ + 1e-3 * np.std(y)  # a wrong intercept is still caught
    assert not moved.kkt(X * scale, y, sample_weight=sw).ok


def test_path_functions_take_sklearns_arguments():
    from sklearn.datasets import make_regression

    from lagrangekit.linear_model import enet_path, lasso_path

    X, y = make_regression(n_samples=60, n_features=6, n_informative=3, random_state=0)
    Xf = np.asfortranarray(X)
    for precompute in ("auto", True, False, Xf.T @ Xf):
        ours = enet_path(Xf, y, alphas=4, check_input=False, precompute=precompute, tol=1e-12)
        ref = sk.enet_path(Xf, y, alphas=4, check_input=False, precompute=precompute, tol=1e-14)
        np.testing.assert_allclose(ours[0], ref[0], rtol=1e-12)
        np.testing.assert_allclose(ours[1], ref[1], rtol=0, atol=1e-8 * np.abs(ref[1]).max())
    alphas, coefs, gaps, n_iter = lasso_path(X, y, alphas=3, return_n_iter=True)
    assert n_iter.shape == gaps.shape == alphas.shape == (3,) and coefs.shape == (6, 3)
    with pytest.warns(FutureWarning, match="'n_alphas' was deprecated in 1.9"):
        lasso_path(X, y, n_alphas=5)
    with pytest.warns(FutureWarning, match="'alphas=None' is deprecated"):
        lasso_path(X, y, alphas=None)
    with pytest.raises(ValueError, match="Unexpected parameters"):
        lasso_path(X, y, alphas=3, normalize=True)


@pytest.mark.parametrize("alphas", [(1, -1, -100), (-0.1, -1.0, -10.0), (1, 1.0, "1")])
def test_cv_explicit_alphas_are_validated_as_sklearn(alphas):
    rng = np.random.RandomState(0)
    X, y = rng.randn(5, 5), rng.randint(0, 2, 5)
    with pytest.raises((ValueError, TypeError)) as ref:
        sk.LassoCV(alphas=alphas).fit(X, y)
    with pytest.raises(ref.type, match=str(ref.value).split(",")[0].replace("[", r"\[").replace("]", r"\]")):
        LassoCV(alphas=alphas).fit(X, y)


@pytest.mark.parametrize("sparse_X", [False, True])
def test_warm_start_from_a_converged_fit_takes_no_epoch(sparse_X):
    """As scikit-learn: the gap is checked before the first epoch."""
    X, y = data(n=50, p=30)
    X = sp.csr_matrix(X) if sparse_X else X
    ref = sk.ElasticNet(alpha=1e-3, tol=1e-3, warm_start=True).fit(X, y).fit(X, y)
    ours = ElasticNet(alpha=1e-3, tol=1e-3, warm_start=True).fit(X, y)
    assert ours.n_iter_ > 0
    assert ours.fit(X, y).n_iter_ == ref.n_iter_ == 0


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV"])
def test_cv_fit_params_for_the_splitter_raise_as_in_sklearn(name):
    X, y = data()
    groups = np.arange(X.shape[0]) % 3
    message = "is only supported if enable_metadata_routing=True"
    with pytest.raises(ValueError, match=message):  # the reference: scikit-learn's own estimator
        getattr(sk, name)().fit(X, y, groups=groups)
    ours = {"LassoCV": LassoCV, "ElasticNetCV": ElasticNetCV}[name]
    with pytest.raises(ValueError, match=message):
        ours().fit(X, y, groups=groups)


def test_l1_ratio_zero_grid_error_is_sklearns():
    X, y = data()
    with pytest.raises(ValueError) as ref:
        sk.ElasticNetCV(l1_ratio=0).fit(X, y)
    with pytest.raises(ValueError) as ours:
        ElasticNetCV(l1_ratio=0).fit(X, y)
    assert str(ours.value) == str(ref.value)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("cls", ["Lasso", "ElasticNet"])
def test_one_column_2d_y_takes_sklearns_shapes(cls, fit_intercept):
    """A (n, 1) y: scikit-learn gives coef_ (p,), a scalar n_iter_ and dual_gap_, but intercept_ (1,)
    (it was a scalar here); predict and kkt() work on it."""
    X, y = data()
    Y = y[:, None]
    ours = {"Lasso": Lasso, "ElasticNet": ElasticNet}[cls](alpha=0.05, fit_intercept=fit_intercept, tol=1e-12)
    ref = getattr(sk, cls)(alpha=0.05, fit_intercept=fit_intercept, tol=1e-14, max_iter=10**5).fit(X, Y)
    ours.fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (10,)
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert np.ndim(ours.n_iter_) == np.ndim(ref.n_iter_) == 0
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-9)
    assert ours.predict(X).shape == ref.predict(X).shape == (60,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's column-vector DataConversionWarning
        assert ours.kkt(X, Y).ok


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("k", [None, 2])
def test_path_coefs_take_the_dtype_of_float32_x(fmt, k):
    """lasso_path on float32 X returns coefs in float32, as scikit-learn's, with the values of the
    same data in float64 (computed in float64 here; scikit-learn's float32 descent is looser)."""
    X, y = data(k=k)
    X32 = X.astype(np.float32)
    Xin = sp.csc_matrix(X32) if fmt == "csc" else X32
    ours = lasso_path(Xin, y, alphas=[1.0, 0.1], tol=1e-12)
    assert ours[1].dtype == sk.lasso_path(Xin, y, alphas=[1.0, 0.1])[1].dtype == np.float32
    ref = sk.lasso_path(X32.astype(np.float64), y, alphas=[1.0, 0.1], tol=1e-14, max_iter=10**5)
    assert ours[1].shape == ref[1].shape
    np.testing.assert_allclose(ours[1], ref[1], rtol=1e-6, atol=1e-6 * np.abs(ref[1]).max())


@pytest.mark.parametrize("call", ["lasso_path", "LassoCV", "ElasticNetCV"])
def test_a_zero_grid_eps_is_refused_by_name(call):
    """eps = 0 reached numpy's "Geometric sequence cannot include zero"; scikit-learn refuses it too
    (InvalidParameterError, a ValueError)."""
    X, y = data()
    run = {
        "lasso_path": lambda mod: mod.lasso_path(X, y, eps=0.0),
        "LassoCV": lambda mod: mod.LassoCV(eps=0.0).fit(X, y),
        "ElasticNetCV": lambda mod: mod.ElasticNetCV(eps=0.0).fit(X, y),
    }[call]
    with pytest.raises(ValueError, match="eps"):
        run(sk)
    with pytest.raises(ValueError, match="eps must be > 0"):
        run(lk)


@pytest.mark.parametrize("cls", ["Lasso", "ElasticNet", "Ridge"])
def test_a_sparse_y_is_refused_by_name(cls):
    """A scipy.sparse y raised numpy's "setting an array element with a sequence"; scikit-learn
    raises TypeError asking for dense data."""
    X, y = data()
    Y = sp.csr_matrix(y[:, None])
    with pytest.raises(TypeError):
        getattr(sk, cls)().fit(X, Y)
    with pytest.raises(TypeError, match="y must be dense"):
        getattr(lk, cls)().fit(X, Y)


@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge"])
def test_text_alpha_is_refused_as_scikit_learn_refuses_it(name: str) -> None:
    X = np.arange(12.0).reshape(6, 2) ** 1.5
    y = X @ [1.0, -2.0]
    with pytest.raises(ValueError):
        getattr(sk, name)(alpha="1").fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        getattr(lk, name)(alpha="1").fit(X, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dual_gap_is_a_numpy_scalar_of_the_input_dtype_as_in_scikit_learn(dtype) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3)).astype(dtype)
    y = (X @ np.array([1.0, 2.0, 3.0], dtype=dtype)).astype(dtype)
    ours = lk.Lasso(alpha=0.1).fit(X, y).dual_gap_
    theirs = sk.Lasso(alpha=0.1).fit(X, y).dual_gap_
    assert type(ours) is type(theirs)


def test_kkt_of_a_one_column_2d_y_takes_it_as_fit_does_without_a_warning() -> None:
    # fit takes y of shape (n, 1) silently, as scikit-learn's does; the certificate must read
    # the same y the same way, and agree with the report on its 1-D column
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 4))
    y = (X @ [1.0, 0.0, -2.0, 0.5] + 0.1 * rng.standard_normal(30))[:, None]
    model = lk.Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = model.kkt(X, y)
    assert report.ok
    assert report.stationarity == pytest.approx(model.kkt(X, y[:, 0]).stationarity, abs=1e-15)
