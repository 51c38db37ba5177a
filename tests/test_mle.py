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


# ---------------------------------------------------------------- fit_mle on the core: bounds, KKT, statuses

W = sp.Symbol("w")
W_POS = sp.Symbol("w", positive=True)


@pytest.mark.parametrize(
    ("loglik", "kwargs"),
    [
        (sp.log(10 * W**2 * (1 - W) ** 3), {"bounds": [(0, 1)]}),  # was w = -5.1e8, se 2.3e8
        (sp.log(10 * W_POS**2 * (1 - W_POS) ** 3), {}),  # the assumption is the bound w >= 0
        (sp.log(10 * W**2 * (1 - W) ** 3), {"bounds": {"w": (0, None)}}),
    ],
)
def test_L1_sympy_loglik_honours_bounds_and_assumptions(loglik, kwargs):
    res = fit_mle(loglik, x0=[0.5], **kwargs)
    assert res.status == "optimal" and res.converged and res.kkt.ok
    assert res.params[0] == pytest.approx(2 / 5, abs=1e-8)  # TEXTBOOK L1
    assert res.bse[0] == pytest.approx(np.sqrt(30) / 25, rel=1e-7)
    assert res.llf == pytest.approx(np.log(10 * 0.4**2 * 0.6**3), rel=1e-12)


def test_L1_without_x0_starts_where_log_l_is_finite():
    # no x0: w = 0 and w = 1 make log L = -inf, so the default start is w = 1/2 (TEXTBOOK L1: 2/5)
    res = fit_mle(sp.log(10 * W_POS**2 * (1 - W_POS) ** 3))
    assert res.status == "optimal" and res.params[0] == pytest.approx(2 / 5, abs=1e-8)
    with pytest.raises(ValueError, match="no x0 was given"):
        fit_mle(sp.log(W**2 * (1 - W) ** 3 - 1))  # negative on [0, 1] and beyond: no default start


def test_sympy_assumptions_are_bounds_of_either_sign():
    # log L = -(v + 3)² peaks at v = -3, outside v >= 0 (positive) and inside v <= 0 (negative)
    v_pos, v_neg = sp.Symbol("v", positive=True), sp.Symbol("v", negative=True)
    with pytest.warns(SingularInformationWarning, match="on a bound"):
        at_bound = fit_mle(-((v_pos + 3) ** 2), x0=[1.0])
    assert at_bound.params[0] == pytest.approx(0.0, abs=1e-10) and "lower:v" in at_bound.kkt.active
    assert at_bound.kkt.multipliers["lower:v"] == pytest.approx(6.0, rel=1e-6)  # −∂(−log L)/∂v at 0
    inside = fit_mle(-((v_neg + 3) ** 2), x0=[-1.0])
    assert inside.params[0] == pytest.approx(-3.0, abs=1e-8) and inside.bse[0] == pytest.approx(np.sqrt(0.5))


def test_callable_loglik_undefined_at_the_bound_stays_inside_the_domain():
    # log(0) at both bounds: the solve must not stop at x0 (it used to, claiming convergence)
    def loglik(theta, data):
        p = theta[0]
        return data.sum() * np.log(p) + (data.size - data.sum()) * np.log(1 - p)

    res = fit_mle(loglik, np.array(L1_DATA), x0=[0.1], bounds=[(0, 1)])
    assert res.status == "optimal" and res.kkt.ok
    assert res.params[0] == pytest.approx(0.4, abs=1e-8)
    assert res.bse[0] == pytest.approx(np.sqrt(30) / 25, rel=1e-6)  # numeric Hessian
    # scipy's L-BFGS-B, asked for by name, trips on log(0) at the bound (scipy 1.x stops at x0):
    # whatever it does, "converged" now means certified
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scipy_fit = fit_mle(loglik, np.array(L1_DATA), x0=[0.1], bounds=[(0, 1)], method="L-BFGS-B")
    assert scipy_fit.converged == scipy_fit.kkt.ok
    if scipy_fit.converged:
        assert scipy_fit.params[0] == pytest.approx(0.4, abs=1e-7)
    else:
        assert scipy_fit.status in ("failed", "max_iter")


@pytest.mark.parametrize("method", [None, "auto", "auglag", "L-BFGS-B"])
def test_closed_form_mles_are_reached_numerically_with_a_certificate(method):
    y = RNG.normal(3.0, 2.0, 40)
    mu, sigma = sp.Symbol("mu"), sp.Symbol("sigma", positive=True)
    t = sp.Symbol("t")
    normal = -sp.log(sigma) - (t - mu) ** 2 / (2 * sigma**2) - sp.log(2 * sp.pi) / 2
    res = fit_mle(normal, {"t": y}, x0={"mu": 0.0, "sigma": 1.0}, method=method)
    assert res.kkt.ok and res.status == "optimal"
    np.testing.assert_allclose(res.params, [y.mean(), y.std()], rtol=1e-7)  # mean, √(mean sq. deviation)
    np.testing.assert_allclose(res.bse, [y.std() / np.sqrt(40), y.std() / np.sqrt(80)], rtol=1e-6)
    x = RNG.exponential(0.5, 30)
    lam = sp.Symbol("lam", positive=True)
    rate = fit_mle(sp.log(lam) - lam * t, {"t": x}, x0=[1.0], method=method)
    assert rate.params[0] == pytest.approx(1 / x.mean(), rel=1e-7)
    assert rate.bse[0] == pytest.approx(rate.params[0] / np.sqrt(30), rel=1e-6)


def test_poisson_with_a_positivity_bound_and_named_models_numerically():
    counts = RNG.poisson(2.5, 50)
    mu, k = sp.Symbol("mu", positive=True), sp.Symbol("k")
    res = fit_mle(k * sp.log(mu) - mu - sp.loggamma(k + 1), {"k": counts}, x0=[7.0])
    assert res.params[0] == pytest.approx(counts.mean(), rel=1e-8)
    assert res.bse[0] == pytest.approx(np.sqrt(counts.mean() / 50), rel=1e-6)
    assert res.llf == pytest.approx(stats.poisson.logpmf(counts, counts.mean()).sum(), rel=1e-12)
    # all zero counts: μ̂ = 0 lies on the bound μ >= 0; the certificate says so
    with pytest.warns(SingularInformationWarning, match="on a bound"):
        zeros = fit_mle("poisson", [0, 0, 0, 0], method="auto")
    assert zeros.params[0] == pytest.approx(0.0, abs=1e-8) and "lower:mu" in zeros.kkt.active
    assert zeros.kkt.multipliers["lower:mu"] == pytest.approx(1.0, rel=1e-6)  # ∂(−log L/n)/∂μ = 1


def test_binomial_all_successes_is_on_the_bound_with_no_wald_se():
    with pytest.warns(SingularInformationWarning, match="Wald standard error is not valid"):
        closed = fit_mle("binomial", (7, 7))
    with pytest.warns(SingularInformationWarning):
        numeric = fit_mle("binomial", (7, 7), method="auto")
    for res in (closed, numeric):
        assert res.params[0] == pytest.approx(1.0, abs=1e-8)  # p̂ = k/n = 1
        assert res.status == "optimal" and "upper:p" in res.kkt.active
        assert np.isnan(res.bse[0]) and not res.information_ok
        assert res.llf == pytest.approx(stats.binom.logpmf(7, 7, 1.0), abs=1e-7)


def test_bounds_on_a_named_model_move_the_estimate_to_the_bound():
    counts = [2, 3, 1]  # mean 2, outside mu >= 3
    with pytest.warns(SingularInformationWarning):
        res = fit_mle("poisson", counts, bounds=[(3, None)])
    assert res.params[0] == pytest.approx(3.0, abs=1e-9) and res.status == "optimal"
    # KKT: d(−log L/n)/dμ at 3 is 1 − ȳ/μ = 1/3, the multiplier of lower:mu
    assert res.kkt.multipliers["lower:mu"] == pytest.approx(1 / 3, rel=1e-6)


def test_poisson_and_logistic_glm_standard_errors_match_statsmodels():
    import statsmodels.api as sm

    x = RNG.normal(size=80)
    y = RNG.poisson(np.exp(0.3 + 0.6 * x))
    b0, b1, xs, ys = sp.symbols("b0 b1 xs ys")
    eta = b0 + b1 * xs
    res = fit_mle(ys * eta - sp.exp(eta) - sp.loggamma(ys + 1), {"xs": x, "ys": y}, x0=[0.0, 0.0])
    ref = sm.GLM(y, sm.add_constant(x), family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-6)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)
    assert res.llf == pytest.approx(ref.llf, rel=1e-10)
    t = (RNG.random(80) < 1 / (1 + np.exp(-(0.5 - x)))).astype(float)
    A = sm.add_constant(x)

    def logistic(theta, data):
        z = A @ theta
        return float(np.sum(t * z - np.logaddexp(0, z)))

    fit = fit_mle(logistic, None, x0=[0.0, 0.0], nobs=80)
    logit = sm.Logit(t, A).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fit.params, logit.params, rtol=1e-6)
    np.testing.assert_allclose(fit.bse, logit.bse, rtol=1e-5)  # numeric Hessian of a callable


# ---------------------------------------------------------------- no maximum: status, never a number


def test_unbounded_likelihoods_report_unbounded_not_an_estimate():
    cases = [
        (lambda th, d: 5 * np.log(th[0]), [(0, None)]),  # grows like log θ: the estimate runs off
        (lambda th, d: -1 / th[0], [(0, None)]),  # sup 0 approached as θ → ∞, never attained
        (lambda th, d: th[0], [(0, None)]),  # a feasible ray
    ]
    for loglik, bounds in cases:
        with pytest.warns(ConvergenceWarning, match="unbounded"):
            res = fit_mle(loglik, None, x0=[0.3], bounds=bounds)
        assert res.status == "unbounded" and not res.converged
        assert np.all(np.isnan(res.params)) and np.all(np.isnan(res.bse))
    # TEXTBOOK L1 without its bounds: log(10w²(1 − w)³) → ∞ as w → −∞ (it used to give w = −5.1e8);
    # the solver's own ray or fit_mle's run-away test may find it first
    with pytest.warns(ConvergenceWarning, match="unbounded|no maximum at finite parameters"):
        res = fit_mle(sp.log(10 * W**2 * (1 - W) ** 3), x0=[0.5])
    assert res.status == "unbounded" and np.isnan(res.params[0])
    # the Gaussian on constant data: σ → 0 makes log L infinite; the exponential on zeros: rate → ∞
    for model, data in (("gaussian", [1.5, 1.5, 1.5]), ("exponential", [0.0, 0.0])):
        with pytest.warns(ConvergenceWarning, match="no maximum"):
            res = fit_mle(model, data)
        assert res.status == "unbounded" and res.llf == np.inf and np.isnan(res.params).all()


def test_cubic_loglik_is_never_reported_as_converged():
    # log L = θ³ has no maximum; lk.solve('auto') may stop without finding the ray, but never says optimal
    with pytest.warns(ConvergenceWarning):
        res = fit_mle(lambda th, d: th[0] ** 3, None, x0=[0.3])
    assert res.status != "optimal" and not res.converged and not res.kkt.ok


def test_every_result_carries_a_kkt_report_and_converged_means_certified():
    results = [
        fit_mle("bernoulli", L1_DATA),
        fit_mle("categorical", [0, 1, 2, 2]),
        fit_mle("gaussian", [1.0, 2.0, 4.0], fixed={"mu": 2.0}),
        fit_mle("bernoulli", L1_DATA, fixed={"p": 0.5}),
        fit_mle("gaussian", [1.0, 2.0, 4.0], method="Nelder-Mead"),
    ]
    for res in results:
        assert res.kkt is not None and res.converged == (res.status == "optimal") == res.kkt.ok
    cat = results[1]
    np.testing.assert_allclose(cat.params, [0.25, 0.25, 0.5])
    # ∇(−log L/n) = −counts/(n p) = −1 in every coordinate, so ∇f + λ·1 = 0 gives λ = 1
    assert cat.kkt.multipliers["simplex"] == pytest.approx(1.0, rel=1e-8)


def test_mle_symbolic_runs_under_a_time_limit():
    import time

    from lagrangekit.errors import SymbolicSolveError

    w = sp.Symbol("w", positive=True)
    hard = sum(sp.log(w + k) for k in range(1, 9)) - w**3 + sp.log(1 + w**5)
    start = time.process_time()
    with pytest.raises(SymbolicSolveError, match="did not finish within 0.5 s"):
        mle_symbolic(hard, w, timeout=0.5)
    assert time.process_time() - start < 10  # hang guard only
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        mle_symbolic(hard, w, timeout=-1)


def test_a_parameter_named_e_is_not_the_constant_e():
    # log L = −(e − E)²·n: the maximum is at e = E = 2.71828...; printed by name, lambdify read
    # E as the parameter e and the log-likelihood became flat
    e = sp.Symbol("e", real=True)
    k = sp.Symbol("k", real=True)
    res = fit_mle(-((e - sp.E) ** 2) + 0 * k, {"k": [1.0, 2.0, 3.0]}, x0=[1.0])
    assert res.params[0] == pytest.approx(np.e, rel=1e-6)


def test_binomial_with_one_number_of_trials_for_every_observation():
    """(k, n) with a scalar n raised "k and n must have the same length, got 3 and 1"; scipy's binom
    broadcasts n, and the MLE is Σk/Σn with standard error √(p(1 − p)/Σn)."""
    k = np.array([3, 5, 8])
    res = fit_mle("binomial", (k, 10))
    p = k.sum() / 30
    np.testing.assert_allclose(res.params, [p], rtol=1e-12)
    np.testing.assert_allclose(res.bse, [np.sqrt(p * (1 - p) / 30)], rtol=1e-9)
    np.testing.assert_allclose(res.llf, stats.binom.logpmf(k, 10, p).sum(), rtol=1e-12)
    assert fit_mle("binomial", {"k": k, "n": 10}).llf == res.llf
