r"""
Lasso: path, cross-validation and the constrained form
======================================================

:class:`~lagrangekit.linear_model.Lasso` minimizes scikit-learn's objective

.. math::

   \frac{1}{2n}\|y - Xw - b\|^2 + \alpha\|w\|_1,

by coordinate descent compiled with numba, and stops on a certified duality gap. Its KKT
conditions are the subgradient conditions :math:`|X_j^T r|/n \le \alpha` where :math:`w_j = 0`
and :math:`X_j^T r/n = \alpha\,\mathrm{sign}(w_j)` on the support, so that every
:math:`\alpha \ge \alpha_{max} = \|X^T(y - \bar y)\|_\infty/n` gives :math:`w = 0`. The data are
scikit-learn's diabetes set (442 patients, 10 features).
"""

import numpy as np
from sklearn.datasets import load_diabetes

from lagrangekit.linear_model import ConstrainedLasso, Lasso, LassoCV, lasso_path
from lagrangekit.plotting import plot_path

X, y = load_diabetes(return_X_y=True)
n = X.shape[0]
Xc, yc = X - X.mean(axis=0), y - y.mean()
alpha_max = np.abs(Xc.T @ yc).max() / n
print(f"Lasso: alpha_max = {alpha_max:.6f}")

# %%
# One fit, with its certificate
# -----------------------------
# ``dual_gap_`` is the duality gap at the returned coefficients, on the objective's scale: the
# objective is within that amount of the optimum. ``kkt(X, y)`` checks the subgradient
# conditions.

fit = Lasso(alpha=0.5).fit(X, y)
support = np.flatnonzero(fit.coef_)
certified = fit.kkt(X, y).ok
print(f"Lasso: alpha = 0.5, nonzero = {support.size}, dual gap = {fit.dual_gap_:.1e}, kkt ok = {certified}")
print("Lasso: coef = " + " ".join(f"{w:.4f}" for w in fit.coef_))
print(f"Lasso: alpha_max fit nonzero = {np.count_nonzero(Lasso(alpha=alpha_max).fit(X, y).coef_)}")

# %%
# The constrained form
# --------------------
# :math:`\min \frac{1}{2n}\|y - Xw - b\|^2` subject to :math:`\|w\|_1 \le t`. With
# :math:`t = \|w_\alpha\|_1` its KKT multiplier is the :math:`\alpha` of the penalized fit:

t = float(np.abs(fit.coef_).sum())
constrained = ConstrainedLasso(t=t).fit(X, y)
difference = np.abs(constrained.coef_ - fit.coef_).max()
multiplier = constrained.multiplier_
print(f"Constrained: t = {t:.6f}, multiplier = {multiplier:.6f}, max coef difference = {difference:.1e}")

# %%
# The path and cross-validation
# -----------------------------
# ``lasso_path`` solves on a grid from :math:`\alpha_{max}` down, warm-starting each fit from
# the previous one; ``LassoCV`` chooses :math:`\alpha` by 5-fold cross-validation.

alphas, coefs, gaps = lasso_path(Xc, yc, alphas=60, eps=1e-3)
cv = LassoCV(cv=5).fit(X, y)
print(f"Path: {alphas.size} alphas, largest gap = {gaps.max():.1e}, LassoCV alpha = {cv.alpha_:.6e}")
fig = plot_path(alphas, coefs, chosen_alpha=cv.alpha_, title="Lasso on diabetes")
