"""Losses as negative log-likelihoods, against scipy.stats, sklearn, mpmath (50 digits) and TEXTBOOK L2–L5."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from scipy import stats
from scipy.differentiate import jacobian
from sklearn.linear_model import LinearRegression
from sklearn.metrics import log_loss, mean_absolute_error, mean_squared_error

from lagrangekit.likelihood import (
    bernoulli_log_likelihood,
    bernoulli_nll,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binomial_nll,
    categorical_nll,
    gaussian_nll,
    gaussian_nll_grad,
    log_sigmoid,
    log_softmax,
    mae,
    mse,
    poisson_nll,
    poisson_nll_grad,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

RNG = np.random.default_rng(20261201)
mpmath.mp.dps = 50


def _mp_bce(t: int, z: float) -> mpmath.mpf:
    """−log P(t) for y = σ(z), at 50 digits: log(1 + e^{−z}) for t = 1, log(1 + e^{z}) for t = 0."""
    z = mpmath.mpf(z)
    return mpmath.log1p(mpmath.exp(-z if t == 1 else z))


# ---------------------------------------------------------------- scipy.stats references


def test_bernoulli_matches_scipy_logpmf_from_logits_and_proba():
    z = RNG.normal(scale=3, size=50)
    t = RNG.integers(0, 2, size=50)
    p = stats.logistic.cdf(z)
    ref = -stats.bernoulli.logpmf(t, p).sum()
    np.testing.assert_allclose(bernoulli_nll(t, logits=z), ref, rtol=1e-13)
    np.testing.assert_allclose(bernoulli_nll(t, proba=p), ref, rtol=1e-13)
    assert bernoulli_log_likelihood(t, logits=z) == -bernoulli_nll(t, logits=z)


def test_binary_cross_entropy_is_mean_bernoulli_nll_exactly():
    # TEXTBOOK L2: maximizing the likelihood is minimizing the mean cross-entropy
    z = RNG.normal(scale=5, size=37)
    t = RNG.integers(0, 2, size=37)
    assert binary_cross_entropy(t, logits=z) == bernoulli_nll(t, logits=z) / 37
    w = RNG.uniform(0.1, 2, size=37)
    assert (
        binary_cross_entropy(t, logits=z, sample_weight=w)
        == bernoulli_nll(t, logits=z, sample_weight=w) / w.sum()
    )


def test_binomial_matches_scipy_logpmf():
    n = RNG.integers(1, 30, size=20)
    k = RNG.integers(0, n + 1)
    z = RNG.normal(size=20)
    p = stats.logistic.cdf(z)
    ref = -stats.binom.logpmf(k, n, p).sum()
    np.testing.assert_allclose(binomial_nll(k, n, logits=z), ref, rtol=1e-12)
    np.testing.assert_allclose(binomial_nll(k, n, proba=p), ref, rtol=1e-12)
    # full=False drops log C(n, k): n Bernoulli NLLs
    np.testing.assert_allclose(
        binomial_nll(k, n, proba=p, full=False),
        ref + (stats.binom.logpmf(k, n, 0.5) - np.log(0.5) * n).sum(),
        rtol=1e-12,
    )


def test_categorical_matches_scipy_multinomial_logpmf():
    z = RNG.normal(scale=2, size=(25, 4))
    y = RNG.integers(0, 4, size=25)
    onehot = np.eye(4)[y]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    ref = -sum(stats.multinomial.logpmf(onehot[i], 1, p[i]) for i in range(25))
    np.testing.assert_allclose(categorical_nll(y, logits=z), ref, rtol=1e-12)
    np.testing.assert_allclose(categorical_nll(onehot, logits=z), ref, rtol=1e-12)
    np.testing.assert_allclose(categorical_nll(y, proba=p), ref, rtol=1e-12)
    assert softmax_cross_entropy(y, z) == categorical_nll(y, logits=z) / 25
    np.testing.assert_allclose(softmax(z), p, rtol=1e-14)
    np.testing.assert_allclose(log_softmax(z), np.log(p), rtol=1e-13)


def test_gaussian_matches_scipy_norm_logpdf():
    y = RNG.normal(size=30)
    mu = RNG.normal(size=30)
    sigma = RNG.uniform(0.5, 2, size=30)
    ref = -stats.norm.logpdf(y, mu, sigma).sum()
    np.testing.assert_allclose(gaussian_nll(y, mu, sigma=sigma), ref, rtol=1e-13)
    np.testing.assert_allclose(gaussian_nll(y, mu, var=sigma**2), ref, rtol=1e-13)
    # full=False drops exactly ½ log 2π per entry
    np.testing.assert_allclose(
        gaussian_nll(y, mu, sigma=sigma, full=False), ref - 15 * np.log(2 * np.pi), rtol=1e-13
    )


def test_poisson_matches_scipy_logpmf():
    eta = RNG.normal(size=40)
    y = RNG.poisson(np.exp(eta))
    ref = -stats.poisson.logpmf(y, np.exp(eta)).sum()
    np.testing.assert_allclose(poisson_nll(y, log_rate=eta), ref, rtol=1e-13)
    np.testing.assert_allclose(poisson_nll(y, rate=np.exp(eta)), ref, rtol=1e-13)
    assert poisson_nll([0, 0], rate=[0.0, 0.0]) == 0.0
    assert poisson_nll([1], rate=[0.0]) == np.inf


def test_mse_and_mae_are_gaussian_and_laplace_nll_up_to_constants():
    # TEXTBOOK L5: MSE is the Gaussian NLL with fixed σ, up to constants
    y, yhat = RNG.normal(size=20), RNG.normal(size=20)
    assert mse(y, yhat) == pytest.approx(mean_squared_error(y, yhat), rel=1e-14)
    assert mse(y, yhat) == pytest.approx(2 * gaussian_nll(y, yhat, full=False) / 20, rel=1e-14)
    assert mae(y, yhat) == pytest.approx(mean_absolute_error(y, yhat), rel=1e-14)
    laplace = -stats.laplace.logpdf(y, yhat, 1.0).sum()
    assert mae(y, yhat) == pytest.approx(laplace / 20 - np.log(2), rel=1e-13)


def test_gaussian_nll_with_mle_variance_gives_ols_llf():
    import statsmodels.api as sm

    X = RNG.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + RNG.normal(size=60)
    ols = sm.OLS(y, sm.add_constant(X)).fit()
    yhat = LinearRegression().fit(X, y).predict(X)
    sse = ((y - yhat) ** 2).sum()
    assert -gaussian_nll(y, yhat, var=sse / 60) == pytest.approx(ols.llf, rel=1e-12)


def test_log_loss_agrees_where_sklearn_does_not_clip_and_differs_where_it_does():
    p = RNG.uniform(0.01, 0.99, size=50)
    t = RNG.integers(0, 2, size=50)
    assert binary_cross_entropy(t, proba=p) == pytest.approx(log_loss(t, p), rel=1e-13)
    # sklearn clips p to [eps, 1 − eps]: a wrong-side certainty costs 36.04 there, inf here
    assert log_loss([1, 0], [0, 1]) == pytest.approx(36.04365, rel=1e-6)
    assert binary_cross_entropy([1, 0], proba=[0, 1]) == np.inf


# ---------------------------------------------------------------- identities


def test_two_class_softmax_is_bce_of_logit_difference():
    z = RNG.normal(scale=10, size=(40, 2))
    y = RNG.integers(0, 2, size=40)
    np.testing.assert_allclose(
        softmax_cross_entropy(y, z, reduction="none"),
        binary_cross_entropy(y, logits=z[:, 1] - z[:, 0], reduction="none"),
        rtol=1e-12,
        atol=1e-300,
    )


def test_argmin_bce_is_argmax_bernoulli_likelihood():
    from scipy.optimize import minimize_scalar

    t = RNG.integers(0, 2, size=40)
    bce = minimize_scalar(lambda p: binary_cross_entropy(t, proba=np.full(40, p)), bounds=(1e-9, 1 - 1e-9))
    lik = minimize_scalar(
        lambda p: -np.exp(bernoulli_log_likelihood(t, proba=np.full(40, p))), bounds=(1e-9, 1 - 1e-9)
    )
    assert bce.x == pytest.approx(t.mean(), abs=1e-5)
    assert lik.x == pytest.approx(t.mean(), abs=1e-4)


# ---------------------------------------------------------------- gradients (TEXTBOOK L3, L4)


def test_bce_gradient_is_sigma_minus_t_and_matches_numeric_derivative():
    z = RNG.normal(scale=3, size=8)
    t = RNG.integers(0, 2, size=8)
    grad = binary_cross_entropy_grad(t, z)
    np.testing.assert_allclose(grad, (1 / (1 + np.exp(-z)) - t) / 8, rtol=1e-13)
    numeric = jacobian(lambda zz: np.apply_along_axis(lambda c: binary_cross_entropy(t, logits=c), 0, zz), z)
    np.testing.assert_allclose(grad, numeric.df, rtol=1e-8, atol=1e-12)
    # σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4
    dsig = jacobian(sigmoid, z).df.diagonal()
    np.testing.assert_allclose(dsig, sigmoid(z) * sigmoid(-z), rtol=1e-8)
    assert dsig.max() <= 0.25


def test_softmax_gradient_is_p_minus_y_and_jacobian_of_softmax():
    z = RNG.normal(size=(5, 3))
    y = RNG.integers(0, 3, size=5)
    grad = softmax_cross_entropy_grad(y, z, reduction="sum")
    np.testing.assert_allclose(grad, softmax(z) - np.eye(3)[y], rtol=1e-13, atol=1e-15)
    flat = jacobian(
        lambda v: np.apply_along_axis(
            lambda c: softmax_cross_entropy(y, c.reshape(5, 3), reduction="sum"), 0, v
        ),
        z.ravel(),
    )
    np.testing.assert_allclose(grad.ravel(), flat.df, rtol=1e-8, atol=1e-11)
    # ∂pᵢ/∂zᵢ = pᵢ(1 − pᵢ), ∂pⱼ/∂zᵢ = −pᵢpⱼ
    row = z[0]
    p = softmax(row)
    J = jacobian(lambda v: softmax(v, axis=0), row).df
    np.testing.assert_allclose(J, np.diag(p) - np.outer(p, p), rtol=1e-8, atol=1e-12)


def test_gaussian_and_poisson_gradients():
    y = RNG.poisson(3, size=6).astype(float)
    eta = RNG.normal(size=6)
    np.testing.assert_allclose(poisson_nll_grad(y, eta), np.exp(eta) - y, rtol=1e-14)
    numeric = jacobian(lambda e: np.apply_along_axis(lambda c: poisson_nll(y, log_rate=c), 0, e), eta)
    np.testing.assert_allclose(poisson_nll_grad(y, eta), numeric.df, rtol=1e-8)
    mu = RNG.normal(size=6)
    np.testing.assert_allclose(gaussian_nll_grad(y, mu, var=2.0), (mu - y) / 2.0, rtol=1e-14)


# ---------------------------------------------------------------- stability against mpmath at 50 digits

LOGITS = [1.0, -1.0, 37.0, -37.0, 40.0, -40.0, 800.0, -800.0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("t", [0, 1])
def test_bce_from_logits_is_correctly_rounded(dtype, t):
    z = np.array(LOGITS, dtype=dtype)
    ours = binary_cross_entropy(np.full(z.size, t), logits=z, reduction="none")
    assert ours.dtype == dtype
    ref = np.array([float(_mp_bce(t, v)) for v in LOGITS]).astype(dtype)
    np.testing.assert_allclose(ours, ref, rtol=4 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_cross_entropy_is_correctly_rounded(dtype):
    rows = [[0.0, v] for v in LOGITS] + [[0.0, v, -v] for v in LOGITS]
    for row in rows:
        z = np.array([row], dtype=dtype)
        ref = mpmath.log(sum(mpmath.exp(mpmath.mpf(v)) for v in row))  # −log softmax(z)[0]
        ours = softmax_cross_entropy([0], z)
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, dtype(float(ref)), rtol=4 * np.finfo(dtype).eps, atol=0)


def test_float32_is_exact_at_80():
    z = np.array([80.0, -80.0], dtype=np.float32)
    for t in (0, 1):
        ours = binary_cross_entropy(np.full(2, t), logits=z, reduction="none")
        ref = np.array([float(_mp_bce(t, v)) for v in (80.0, -80.0)], dtype=np.float32)
        np.testing.assert_allclose(ours, ref, rtol=4 * np.finfo(np.float32).eps, atol=0)


def test_log_sigmoid_and_softmax_at_800():
    assert log_sigmoid(-800.0) == -800.0
    assert log_sigmoid(800.0) == -float(mpmath.exp(-800))  # rounds to -0.0
    np.testing.assert_allclose(log_softmax([[0.0, 800.0]]), [[-800.0, 0.0]])
    assert softmax_cross_entropy([0], [[0.0, 800.0]]) == 800.0


def test_naive_formula_fails_where_ours_does_not():
    with np.errstate(all="ignore"):
        naive = -np.log(1 - 1 / (1 + np.exp(-np.array([40.0, 800.0]))))
    assert np.all(np.isinf(naive))
    np.testing.assert_allclose(
        binary_cross_entropy([0, 0], logits=[40.0, 800.0], reduction="none"), [40.0, 800.0]
    )


def test_zero_log_zero_and_wrong_side_certainty():
    np.testing.assert_array_equal(
        binary_cross_entropy([0, 1], proba=[0.0, 1.0], reduction="none"), [0.0, 0.0]
    )
    out = binary_cross_entropy([1, 0], proba=[0.0, 1.0], reduction="none")
    np.testing.assert_array_equal(out, [np.inf, np.inf])
    assert categorical_nll([0], proba=[[0.0, 1.0]]) == np.inf
    assert categorical_nll([1], proba=[[0.0, 1.0]]) == 0.0


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: binary_cross_entropy([0, 2], logits=[0.0, 1.0]), "y_true must contain only 0 and 1"),
        (lambda: binary_cross_entropy([0, 1], proba=[0.5, 1.5]), r"proba must lie in \[0, 1\]"),
        (lambda: binary_cross_entropy([0, 1], proba=[-0.1, 0.5]), r"proba must lie in \[0, 1\]"),
        (lambda: binary_cross_entropy([0, 1], logits=[np.nan, 1.0]), "logits contains NaN"),
        (lambda: binary_cross_entropy([0, np.nan], logits=[0.0, 1.0]), "y_true contains NaN"),
        (lambda: binary_cross_entropy([0, 1, 1], logits=[0.0, 1.0]), "shape mismatch"),
        (lambda: binary_cross_entropy([0, 1], logits=[0.0, 1.0], proba=[0.5, 0.5]), "exactly one"),
        (lambda: binary_cross_entropy([0, 1], logits=[0.0, 1.0], reduction="avg"), "reduction must be"),
        (
            lambda: bernoulli_nll([0, 1], logits=[0.0, 1.0], sample_weight=[1.0]),
            "sample_weight must have shape",
        ),
        (
            lambda: bernoulli_nll([0, 1], logits=[0.0, 1.0], sample_weight=[1.0, -1.0]),
            "sample_weight must be >= 0",
        ),
        (lambda: softmax_cross_entropy([0, 3], np.zeros((2, 3))), "must lie in"),
        (lambda: softmax_cross_entropy([0, 1], np.zeros((3, 3))), "2 labels but the scores have 3 rows"),
        (lambda: categorical_nll([[1, 1, 0]], logits=np.zeros((1, 3))), "single 1"),
        (lambda: gaussian_nll([1.0], [0.0], sigma=0.0), "sigma must be > 0"),
        (lambda: gaussian_nll([1.0], [0.0], sigma=1.0, var=1.0), "at most one"),
        (lambda: poisson_nll([1.5], rate=[1.0]), "non-negative integers"),
        (lambda: binomial_nll(3, 2, proba=0.5), "k must be <= n"),
        (lambda: binary_cross_entropy(["a", "b"], logits=[0.0, 1.0]), "y_true must be numeric"),
    ],
)
def test_bad_input_raises_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_inputs_are_not_mutated_and_float32_is_preserved():
    z = np.array([1.0, -2.0], dtype=np.float32)
    t = np.array([1, 0])
    z_copy = z.copy()
    out = binary_cross_entropy_grad(t, z)
    np.testing.assert_array_equal(z, z_copy)
    assert out.dtype == np.float32
    assert bernoulli_nll(t, logits=z).dtype == np.float32
