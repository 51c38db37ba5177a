r"""
Ridge regression and its constrained form
=========================================

The textbook regression cases R1–R3 and T6: least squares by the normal equations and by
gradient descent, an overfitted polynomial tamed by weight decay, and Ridge as a constrained
problem whose KKT multiplier is the penalty. lagrangekit's :class:`~lagrangekit.linear_model.Ridge`
minimizes scikit-learn's objective

.. math::

   \|y - Xw - b\|^2 + \alpha \|w\|^2 \qquad (\text{the intercept } b \text{ is not penalized}).
"""

import numpy as np
import sympy as sp

import lagrangekit as lk
from lagrangekit.linear_model import ConstrainedRidge, Ridge, RidgeCV, ridge_path
from lagrangekit.optim import minimize_smooth, sgd
from lagrangekit.plotting import plot_lagrange_2d, plot_path

# %%
# R1: a line through five points
# ------------------------------
# With :math:`\alpha = 0` Ridge is ordinary least squares.

x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
y = np.array([3.0, 1.0, 2.0, 5.0, 4.0])
ols = Ridge(alpha=0.0).fit(x[:, None], y)
print(f"R1: slope = {ols.coef_[0]:.6f}, intercept = {ols.intercept_:.6f}, solver = {ols.solver_}")

# %%
# Gradient descent on :math:`MSE(W, b) = \frac{1}{m}\sum_i (W x_i + b - y_i)^2`, with
# :math:`\partial/\partial W = \frac{2}{m}\sum_i (H(x_i) - y_i) x_i` and
# :math:`\partial/\partial b = \frac{2}{m}\sum_i (H(x_i) - y_i)`, reaches the same line.


def mse_and_grad(theta):
    residual = theta[0] * x + theta[1] - y
    return float(np.mean(residual**2)), np.array([2 * np.mean(residual * x), 2 * np.mean(residual)])


gd = minimize_smooth(mse_and_grad, np.zeros(2), sgd(0.05), max_iter=20_000, tol=1e-10)
print(f"R1: gd slope = {gd.x[0]:.6f}, intercept = {gd.x[1]:.6f}, iterations = {gd.nit}")

# %%
# R2: three exam scores and a final score
# ---------------------------------------

X2 = np.array([[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100], [73, 66, 70]], dtype=float)
y2 = np.array([152, 185, 180, 196, 142], dtype=float)
fit2 = Ridge(alpha=0.0).fit(X2, y2)
w1, w2, w3 = fit2.coef_
print(f"R2: w1 = {w1:.5f}, w2 = {w2:.5f}, w3 = {w3:.5f}, b = {fit2.intercept_:.5f}")

# %%
# R3: overfitting and weight decay
# --------------------------------
# A degree-9 polynomial through 10 noisy samples of :math:`\sin(2\pi x)` interpolates the noise,
# and its coefficients explode. Weight decay, :math:`J = J_0 + \frac{\lambda}{2m}\|w\|^2` with
# :math:`J_0 = \frac{1}{2m}\sum_i (h(x_i) - y_i)^2`, is Ridge with :math:`\alpha = \lambda`; it adds
# :math:`\frac{\lambda}{m} w` to the gradient and tames them.

rng = np.random.default_rng(0)
x3 = np.linspace(0.0, 1.0, 10)
y3 = np.sin(2 * np.pi * x3) + rng.normal(0.0, 0.3, size=10)
powers = np.vander(x3, 10, increasing=True)[:, 1:]  # x, x², …, x⁹ (the intercept is separate)
wild = Ridge(alpha=0.0).fit(powers, y3)
tame = Ridge(alpha=1e-3).fit(powers, y3)
largest, tamed = np.abs(wild.coef_).max(), np.abs(tame.coef_).max()
print(f"R3: max |w| unregularized = {largest:.3e}, max |w| with alpha 1e-3 = {tamed:.3f}")

# %%
# T6: Ridge as a constrained problem
# ----------------------------------
# :math:`\min_\beta \sum_i (y_i - x_i\beta)^2` subject to :math:`\sum_j \beta_j^2 \le s` has the
# Lagrangian :math:`\sum_i (y_i - x_i\beta)^2 + \lambda(\|\beta\|^2 - s)`: for the multiplier
# :math:`\lambda` of the norm constraint, its minimizer is the penalized Ridge solution with
# :math:`\alpha = \lambda`, and :math:`s = \|\beta_{ridge}(\lambda)\|^2`. Fit Ridge with
# :math:`\alpha = 2` on two centred features, set :math:`s` from it, and fit the constrained form:

rng = np.random.default_rng(1)
X6 = rng.normal(size=(30, 2))
X6 -= X6.mean(axis=0)
y6 = X6 @ np.array([2.0, -1.0]) + 0.5 * rng.normal(size=30)
y6 -= y6.mean()
alpha = 2.0
penalized = Ridge(alpha=alpha, fit_intercept=False).fit(X6, y6)
s = float(penalized.coef_ @ penalized.coef_)
constrained = ConstrainedRidge(s=s, fit_intercept=False).fit(X6, y6)
gap = np.abs(constrained.coef_ - penalized.coef_).max()
print(f"T6: s = {s:.6f}, multiplier = {constrained.multiplier_:.6f}, max coef difference = {gap:.1e}")

# %%
# The same problem written out for lagrangekit's general solver gives the same multiplier:

b1, b2 = sp.symbols("b1 b2", real=True)
loss = sum((float(yi) - float(xi[0]) * b1 - float(xi[1]) * b2) ** 2 for xi, yi in zip(X6, y6))
ball = lk.minimize(sp.expand(loss), {"ball": b1**2 + b2**2 <= s})
general = lk.solve(ball, x0=[0.5, -0.5])
print(f"T6: lk.solve multiplier = {general.multipliers['ball']:.6f}, kkt ok = {general.kkt.ok}")

# %%
# At the solution the loss contour is tangent to the ball: :math:`-\nabla f` (thick arrow)
# equals :math:`\lambda\nabla g` (thin arrow).

fig = plot_lagrange_2d(ball, general, xlim=(-0.5, 3.0), ylim=(-2.5, 1.0))

# %%
# The Ridge path and leave-one-out CV
# -----------------------------------
# ``ridge_path`` computes one eigendecomposition and then costs :math:`O(p)` per :math:`\alpha`;
# ``RidgeCV`` picks :math:`\alpha` by exact leave-one-out (GCV) from the same decomposition.

from sklearn.datasets import load_diabetes  # noqa: E402

Xd, yd = load_diabetes(return_X_y=True)
alphas = np.logspace(-4, 2, 60)
path = ridge_path(Xd, yd, alphas)
cv = RidgeCV(alphas=alphas).fit(Xd, yd)
print(f"Ridge path: {path.coefs.shape[0]} alphas, RidgeCV alpha = {cv.alpha_:.6e}")
fig = plot_path(path.alphas, path.coefs.T, chosen_alpha=cv.alpha_, title="Ridge on diabetes")
