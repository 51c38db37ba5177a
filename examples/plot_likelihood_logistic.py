r"""
Likelihood, cross-entropy and logistic regression
=================================================

The textbook cases L1–L6: a maximum likelihood estimate by hand and by sympy, binary
cross-entropy as the Bernoulli negative log-likelihood, the gradients of the sigmoid and
softmax losses, MSE as a Gaussian likelihood, and a logistic regression whose maximum
likelihood estimate does not exist.
"""

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from lagrangekit.likelihood import (
    bernoulli_nll,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    fit_mle,
    gaussian_nll,
    mle_symbolic,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from lagrangekit.linear_model import LogisticRegression
from lagrangekit.optim import derivative

# %%
# L1: apples and oranges
# ----------------------
# Five draws from a box give 2 apples and 3 oranges. With :math:`w` the share of apples,
# :math:`P = \binom{5}{2} w^2 (1 - w)^3`. The logarithm is monotone, so :math:`P` and
# :math:`\log P` have the same argmax:
#
# .. math::
#
#    \frac{d \log P}{d w} = \frac{2}{w} - \frac{3}{1 - w} = 0 \iff w = \frac{2}{5}.

w = sp.Symbol("w", positive=True)
exact = mle_symbolic(sp.log(sp.binomial(5, 2) * w**2 * (1 - w) ** 3), w)
score = sp.simplify(exact.score[0] - (2 / w - 3 / (1 - w)))
print(f"L1: score minus (2/w - 3/(1 - w)) = {score}, w_hat = {exact.mle[w]}, se = {exact.bse[0]}")
print(f"L1: se = {float(exact.bse[0]):.4f}, sqrt(p(1 - p)/n) = {math.sqrt(0.4 * 0.6 / 5):.4f}")

draws = np.array([1, 1, 0, 0, 0])  # the five draws: 1 = apple
fit = fit_mle("bernoulli", draws)
restricted = fit_mle("bernoulli", draws, fixed={"p": 0.5})
test = fit.lr_test(restricted)
print(f"L1: p = {fit.params[0]:.4f}, se = {fit.bse[0]:.4f}, llf = {fit.llf:.6f}, aic = {fit.aic:.4f}")
print(f"L1: lr statistic = {test.statistic:.5f}, p value = {test.pvalue:.4f}")

# %%
# The log-likelihood of the five individual draws, :math:`2\log w + 3\log(1 - w)`, is
# :math:`\log P` without the constant :math:`\log\binom{5}{2}`. The likelihood-ratio test of
# :math:`w = 1/2` compares it at :math:`\hat w` and at :math:`1/2`.
#
# The log-likelihood peaks at :math:`w = 2/5`; so does the likelihood itself.

grid = np.linspace(0.01, 0.99, 197)
likelihood = 10 * grid**2 * (1 - grid) ** 3
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
left.plot(grid, likelihood)
right.plot(grid, np.log(likelihood))
for ax, title in ((left, "P(w)"), (right, "log P(w)")):
    ax.axvline(0.4, color="k", linestyle="--", linewidth=1)
    ax.set_title(title)
    ax.set_xlabel("w")

# %%
# L2: cross-entropy is the Bernoulli negative log-likelihood
# ----------------------------------------------------------
# For :math:`P(t \mid x) = y^t (1 - y)^{1 - t}`, :math:`-\log P = -[t \log y + (1 - t)\log(1 - y)]`.
# Maximizing the likelihood of :math:`m` labels is minimizing the mean cross-entropy
# :math:`J = -\frac{1}{m}\sum_i [t_i \log y_i + (1 - t_i) \log(1 - y_i)]`.

rng = np.random.default_rng(0)
logits = rng.normal(size=8)
labels = (rng.random(8) < 0.5).astype(float)
y = sigmoid(logits)
by_hand = -np.mean(labels * np.log(y) + (1 - labels) * np.log(1 - y))
bce = binary_cross_entropy(labels, logits=logits)
nll_per_label = bernoulli_nll(labels, logits=logits) / len(labels)
print(f"L2: mean BCE = {bce:.10f}, by hand = {by_hand:.10f}, NLL/m = {nll_per_label:.10f}")

# %%
# L3: the gradient of the sigmoid cross-entropy
# ---------------------------------------------
# With :math:`y = \sigma(z)` and :math:`z = w\cdot x + b`, :math:`\partial L/\partial z = y - t`,
# so :math:`\partial L/\partial w = x(y - t)` and :math:`\partial L/\partial b = y - t`. Also
# :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le 1/4`.

z0, t0 = 0.7, 1.0
numeric = derivative(lambda z: float(binary_cross_entropy([t0], logits=[z])), z0)
analytic = float(binary_cross_entropy_grad([t0], [z0])[0])
zs = np.linspace(-10, 10, 2001)
print(f"L3: dL/dz = {analytic:.8f}, y - t = {sigmoid(z0) - t0:.8f}, numeric = {numeric:.8f}")
print(f"L3: max sigma'(z) = {np.max(sigmoid(zs) * (1 - sigmoid(zs))):.6f}")

# %%
# L4: softmax and its cross-entropy
# ---------------------------------
# :math:`p_i = e^{z_i}/\sum_k e^{z_k}`, :math:`CE = -\sum_k y_k \log p_k`, and
# :math:`\partial CE/\partial z_i = p_i - y_i`. The Jacobian of the softmax is
# :math:`\partial p_i/\partial z_j = p_i(\delta_{ij} - p_j)`.

z = np.array([[2.0, 1.0, 0.1]])
p = softmax(z)[0]
grad = softmax_cross_entropy_grad([0], z)[0]
jac = np.array(
    [
        [derivative(lambda s, i=i, j=j: softmax(z + s * np.eye(3)[j])[0, i], 0.0) for j in range(3)]
        for i in range(3)
    ]
)
print(f"L4: CE = {softmax_cross_entropy([0], z):.6f}, -log p0 = {-np.log(p[0]):.6f}")
print(f"L4: grad = {np.round(grad, 6).tolist()}, p - y = {np.round(p - [1, 0, 0], 6).tolist()}")
print(f"L4: jacobian error = {np.abs(jac - (np.diag(p) - np.outer(p, p))).max():.1e}")

# %%
# L5: MSE is a Gaussian likelihood
# --------------------------------
# With fixed :math:`\sigma`, the Gaussian NLL is
# :math:`\frac{n}{2}\log(2\pi\sigma^2) + \frac{1}{2\sigma^2}\sum_i (y_i - \hat y_i)^2`:
# the MSE up to constants. Maximizing over :math:`\sigma^2` as well gives :math:`\hat\sigma^2 = SSE/n`.

obs = np.array([2.1, 1.9, 3.2, 2.8, 2.5])
gauss = fit_mle("gaussian", obs)
sse = float(np.sum((obs - obs.mean()) ** 2))
print(f"L5: sigma2_hat = {gauss.params[1] ** 2:.6f}, SSE/n = {sse / len(obs):.6f}")
fitted = np.full_like(obs, obs.mean())
shift = gaussian_nll(obs, fitted, sigma=1.0) - 0.5 * len(obs) * np.mean((obs - fitted) ** 2)
constant = 0.5 * len(obs) * math.log(2 * math.pi)
print(f"L5: NLL(sigma = 1) - n*MSE/2 = {shift:.6f}, n*log(2 pi)/2 = {constant:.6f}")

# %%
# L6: perfect separation
# ----------------------
# Hours of study :math:`x = (10, 9, 3, 2, 1)` and pass :math:`= (1, 1, 0, 0, 0)` are separated
# by any threshold between 3 and 9. The likelihood keeps growing as the slope grows, so the
# maximum likelihood estimate does not exist. lagrangekit checks for separation with a linear
# program, warns, and says so; an L2 penalty makes the fit finite.

hours = np.array([[10.0], [9.0], [3.0], [2.0], [1.0]])
passed = np.array([1, 1, 0, 0, 0])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    unpenalized = LogisticRegression(C=np.inf).fit(hours, passed)
warned = caught[0].category.__name__ if caught else None
print(f"L6: separable = {unpenalized.separable_}, warning = {warned}")
print(f"L6: {unpenalized.message_}")
alpha = 0.1  # the penalty of the mean cross-entropy: scikit-learn's C = 1/(alpha·n) = 2
penalized = LogisticRegression(C=1 / (alpha * len(passed)), tol=1e-10).fit(hours, passed)
slope, intercept = penalized.coef_[0, 0], penalized.intercept_[0]
print(f"L6: penalty = l2, alpha = 0.1, slope = {slope:.6f}, intercept = {intercept:.6f}")
