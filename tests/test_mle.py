"""fit_mle, MLEResult and mle_symbolic against TEXTBOOK L1, scipy.stats, statsmodels and exact sympy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.likelihood import SingularInformationWarning, fit_mle, mle_symbolic, numeric_hessian

RNG = np.random.default_rng(7)
L1_DATA = [1, 1, 0, 0, 0]  # TEXTBOOK L1: 2 apples, 3 oranges


# ---------------------------------------------------------------- TEXTBOOK L1


def test_L1_bernoulli_fit_estimate_se_llf_aic_and_lr_test():
    res = fit_mle("bernoulli", L1_DATA)
    assert res.params[0] == pytest.approx(2 / 5, abs=1e-15)
    assert res.bse[0] == pytest.approx(np.sqrt(30) / 25, rel=1e-13)
    assert res.bse[0] == pytest.approx(np.sqrt(0.4 * 0.6 / 5), rel=1e-13)  # √(p(1−p)/n)
    assert res.llf == pytest.approx(-3.365058, abs=5e-7)
    assert res.llf == pytest.approx(2 * np.log(0.4) + 3 * np.log(0.6), rel=1e-14)
    assert res.aic == pytest.approx(8.7301, abs=5e-5)
    assert res.bic == pytest.approx(np.log(5) - 2 * res.llf, rel=1e-14)
    lr = res.lr_test(fit_mle("bernoulli", L1_DATA, fixed={"p": 0.5}))
    assert lr.statistic == pytest.approx(0.20136, abs=5e-6)
    assert lr.pvalue == pytest.approx(0.6536, abs=5e-5)
    assert lr.df == 1
    assert lr.pvalue == pytest.approx(stats.chi2.sf(2 * (res.llf - 5 * np.log(0.5)), 1), rel=1e-12)


def test_L1_binomial_differs_only_by_the_constant_log_C():
    bern = fit_mle("bernoulli", L1_DATA)
    binom = fit_mle("binomial", (2, 5))
    assert binom.params[0] == pytest.approx(0.4)
    assert binom.bse[0] == pytest.approx(np.sqrt(30) / 25, rel=1e-13)
    assert binom.llf == pytest.approx(stats.binom.logpmf(2, 5, 0.4), rel=1e-13)
    assert binom.llf - bern.llf == pytest.approx(np.log(10), rel=1e-13)
    assert fit_mle("binomial", {"k": [2], "n": [5]}).llf == binom.llf


def test_L1_symbolic_score_solution_and_se_are_exact():
    w = sp.Symbol("w")
    res = mle_symbolic(sp.log(sp.binomial(5, 2) * w**2 * (1 - w) ** 3), [w])
    assert sp.simplify(res.score[0] - (2 / w - 3 / (1 - w))) == 0
    assert res.mle == {w: sp.Rational(2, 5)}
    assert res.bse[0] == sp.sqrt(30) / 25
    assert res.information_at_mle[0, 0] == sp.Rational(125, 6)
    assert "sqrt(30)/25" in str(res)
    from_text = mle_symbolic("2*log(w) + 3*log(1 - w)", "w")
    assert from_text.bse[0] == sp.sqrt(30) / 25
    with pytest.raises(ValueError, match="does not occur"):
        mle_symbolic("2*log(w)", "q")


def test_symbolic_two_maxima_give_no_unique_mle():
    w = sp.Symbol("w")
    res = mle_symbolic(-((w**2 - 1) ** 2), w)
    assert {sol[w] for sol in res.solutions} == {-1, 0, 1}
    assert res.mle is None and res.bse is None


def test_L1_user_function_and_sympy_models_agree_with_closed_form():
    def loglik(theta, data):
        return stats.bernoulli.logpmf(data, theta[0]).sum()

    ref = fit_mle("bernoulli", L1_DATA)
    num = fit_mle(loglik, np.array(L1_DATA), x0=[0.3], bounds=[(1e-9, 1 - 1e-9)])
    assert num.params[0] == pytest.approx(0.4, abs=1e-7)
    assert num.bse[0] == pytest.approx(ref.bse[0], rel=1e-6)  # numeric Hessian
    p, t = sp.symbols("p t")
    sym = fit_mle(t * sp.log(p) + (1 - t) * sp.log(1 - p), {"t": L1_DATA}, x0={"p": 0.3})
    assert sym.params[0] == pytest.approx(0.4, abs=1e-8)
    assert sym.bse[0] == pytest.approx(np.sqrt(30) / 25, rel=1e-7)
    assert sym.llf == pytest.approx(ref.llf, rel=1e-12)
    assert sym.nobs == 5


# ---------------------------------------------------------------- every model against scipy.stats


@pytest.mark.parametrize(
    ("model", "data", "logpdf"),
    [
        ("bernoulli", RNG.integers(0, 2, 40), lambda d, th: stats.bernoulli.logpmf(d, th[0])),
        ("poisson", RNG.poisson(3.0, 40), lambda d, th: stats.poisson.logpmf(d, th[0])),
        ("exponential", RNG.exponential(2.0, 40), lambda d, th: stats.expon.logpdf(d, scale=1 / th[0])),
        ("gaussian", RNG.normal(1.0, 2.0, 40), lambda d, th: stats.norm.logpdf(d, th[0], th[1])),
    ],
)
def test_named_models_llf_equals_scipy_and_closed_form_is_the_numeric_argmax(model, data, logpdf):
    res = fit_mle(model, data)
    assert res.llf == pytest.approx(logpdf(data, res.params).sum(), rel=1e-12)
    numeric = fit_mle(model, data, method="L-BFGS-B")
    np.testing.assert_allclose(numeric.params, res.params, rtol=1e-6)
    # scipy's own MLE fit where it has one
    if model == "gaussian":
        np.testing.assert_allclose(stats.norm.fit(data), res.params, rtol=1e-12)
    if model == "exponential":
        loc, scale = stats.expon.fit(data, floc=0)
        assert 1 / scale == pytest.approx(res.params[0], rel=1e-12)
    # analytic observed information equals a numeric Hessian of scipy's log-likelihood
    hess = numeric_hessian(lambda th: logpdf(data, th).sum(), res.params)
    np.testing.assert_allclose(res.information, -hess, rtol=1e-6, atol=1e-9 * np.abs(hess).max())


def test_categorical_against_multinomial_logpmf_and_covariance():
    y = RNG.integers(0, 3, 60)
    res = fit_mle("categorical", y)
    counts = np.bincount(y, minlength=3)
    p = counts / 60
    np.testing.assert_allclose(res.params, p)
    # one-hot rows are multinomial(1, p) draws: the sum of their logpmf drops the coefficient 60!/Πnₖ!
    onehot = np.eye(3)[y]
    assert res.llf == pytest.approx(stats.multinomial.logpmf(onehot, 1, p).sum(), rel=1e-12)
    np.testing.assert_allclose(res.cov_params, (np.diag(p) - np.outer(p, p)) / 60, rtol=1e-12, atol=1e-15)
    assert res.k_params == 2
    assert res.param_names == ("p0", "p1", "p2")


def test_gaussian_and_poisson_llf_agree_with_statsmodels_ols_and_glm():
    import statsmodels.api as sm

    y = RNG.normal(2.0, 1.5, 50)
    ols = sm.OLS(y, np.ones(50)).fit()
    assert fit_mle("gaussian", y).llf == pytest.approx(ols.llf, rel=1e-12)
    counts = RNG.poisson(4.0, 50)
    glm = sm.GLM(counts, np.ones(50), family=sm.families.Poisson()).fit()
    pois = fit_mle("poisson", counts)
    assert pois.llf == pytest.approx(glm.llf, rel=1e-12)
    # GLM's bse is for log μ: se(log μ̂) = se(μ̂)/μ̂ (delta method)
    assert pois.bse[0] / pois.params[0] == pytest.approx(glm.bse[0], rel=1e-6)  # GLM's IRLS tolerance
    t = RNG.integers(0, 2, 50)
    glm_b = sm.GLM(t, np.ones(50), family=sm.families.Binomial()).fit()
    assert fit_mle("bernoulli", t).llf == pytest.approx(glm_b.llf, rel=1e-12)


def test_gaussian_symbolic_mle_matches_closed_form():
    data = [1, 2, 4, 7]
    mu, sigma = sp.Symbol("mu"), sp.Symbol("sigma", positive=True)
    ll = sum(-sp.log(sigma) - (x - mu) ** 2 / (2 * sigma**2) - sp.log(2 * sp.pi) / 2 for x in data)
    res = mle_symbolic(ll, [mu, sigma])
    num = fit_mle("gaussian", np.array(data, dtype=float))
    assert res.mle[mu] == sp.Rational(7, 2)
    assert res.mle[sigma] == sp.sqrt(21) / 2
    np.testing.assert_allclose([float(v) for v in res.bse], num.bse, rtol=1e-13)


# ---------------------------------------------------------------- inference helpers


def test_conf_int_summary_and_lr_test_checks():
    y = RNG.normal(size=30)
    res = fit_mle("gaussian", y)
    ci = res.conf_int(0.1)
    np.testing.assert_allclose(ci[:, 1] - res.params, stats.norm.ppf(0.95) * res.bse, rtol=1e-12)
    text = res.summary()
    assert "mu" in text and "sigma" in text and "log-likelihood" in text
    restricted = fit_mle("gaussian", y, fixed={"mu": 0.0})
    assert restricted.params[1] == pytest.approx(np.sqrt(np.mean(y**2)))
    assert restricted.bse[0] == 0
    lr = res.lr_test(restricted)
    assert lr.df == 1 and lr.statistic >= 0
    with pytest.raises(ValueError, match="larger model"):
        restricted.lr_test(res)
    with pytest.raises(ValueError, match="different data"):
        res.lr_test(fit_mle("gaussian", y[:10], fixed={"mu": 0.0}))
    with pytest.raises(ValueError, match="alpha must be in"):
        res.conf_int(1.5)


def test_boundary_estimate_warns_that_the_wald_se_is_not_valid_there():
    # all failures: p̂ = 0/3 = 0 is on the bound p >= 0, where the Wald SE does not apply
    with pytest.warns(SingularInformationWarning, match="on a bound"):
        res = fit_mle("bernoulli", [0, 0, 0])
    assert res.params[0] == 0 and res.status == "optimal"
    assert "lower:p" in res.kkt.active and res.kkt.ok
    assert np.isnan(res.bse[0]) and not res.information_ok
    assert "Wald standard error is not valid" in res.message
    assert "Wald standard error is not valid" in res.summary()


def test_flat_direction_reported_as_not_positive_definite():
    # log L depends on a + b only: the information is singular
    def loglik(theta, data):
        return stats.norm.logpdf(data, theta[0] + theta[1], 1.0).sum()

    with pytest.warns(SingularInformationWarning, match="not positive definite"):
        res = fit_mle(loglik, RNG.normal(size=20), x0=[0.0, 0.0])
    assert not res.information_ok


def test_non_convergence_warns():
    with pytest.warns(ConvergenceWarning):
        res = fit_mle("gaussian", RNG.normal(size=20), method="L-BFGS-B", options={"maxiter": 1})
    assert not res.converged


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fit_mle("bernouli", [0, 1]), "unknown model"),
        (lambda: fit_mle("bernoulli", [0, 2]), "only 0 and 1"),
        (lambda: fit_mle("poisson", [1.5]), "non-negative integers"),
        (lambda: fit_mle("gaussian", [1.0, np.nan]), "NaN"),
        (lambda: fit_mle("binomial", (3, 2)), "k must be <= n"),
        (lambda: fit_mle("bernoulli", [0, 1], fixed={"q": 0.5}), "unknown parameters"),
        (lambda: fit_mle(lambda th, d: 0.0, [1.0]), "x0 is required"),
        (lambda: fit_mle(lambda th, d: 0.0, [1.0], x0={"a": 1.0}, fixed={"b": 1.0}), "unknown parameters"),
        (lambda: fit_mle("categorical", [0, 1], method="BFGS"), "closed form only"),
        (lambda: fit_mle(42, [1.0]), "model must be"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_result_is_immutable_and_data_not_mutated():
    data = np.array([1.0, 2.0, 4.0])
    res = fit_mle("gaussian", data)
    np.testing.assert_array_equal(data, [1.0, 2.0, 4.0])
    with pytest.raises(ValueError):
        res.params[0] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_mle("poisson", [1, 2, 3])
