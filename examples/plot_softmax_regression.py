r"""
Softmax regression: from gradient descent to the estimator
==========================================================

A three-class softmax classifier trained two ways. First by hand: gradient descent on the mean
cross-entropy (the categorical negative log-likelihood) plus :math:`\tfrac{\alpha}{2}\lVert W\rVert^2`,
with the gradient :math:`\partial/\partial z = p - y`, so :math:`\nabla_W = X^T(P - Y)/n + \alpha W`
and :math:`\nabla_b = \overline{P - Y}`. Then with :class:`~lagrangekit.linear_model.LogisticRegression`
at the same objective, scikit-learn's :math:`C = 1/(\alpha n)`. The two agree, and the estimator's
KKT certificate holds.

The data are the iris measurements (three species, standardized; the seeds data set of the
lecture notes is not shipped with scikit-learn, and the code is the same for it).
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris

from lagrangekit.likelihood import softmax, softmax_cross_entropy, softmax_cross_entropy_grad
from lagrangekit.linear_model import LogisticRegression

iris = load_iris()
X = (iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)
y = iris.target
n, p = X.shape
K = 3
alpha = 0.01  # the penalty of the mean cross-entropy

# %%
# S1: gradient descent on the cross-entropy
# -----------------------------------------
# The step is 1/L with L = λmax([X 1]ᵀ[X 1])/(2n) + α, a Lipschitz constant of the gradient
# (the softmax's Hessian is at most ½ I).

A = np.column_stack([X, np.ones(n)])
L = np.linalg.eigvalsh(A.T @ A)[-1] / (2 * n) + alpha
W, b = np.zeros((K, p)), np.zeros(K)
history = []
iterations = 0
for iterations in range(20000):  # noqa: B007 - the count is printed below
    Z = X @ W.T + b
    G = softmax_cross_entropy_grad(y, Z)  # (P − Y)/n, the gradient with respect to the logits
    grad_W, grad_b = G.T @ X + alpha * W, G.sum(axis=0)
    history.append(softmax_cross_entropy(y, Z) + 0.5 * alpha * np.sum(W * W))
    if max(np.abs(grad_W).max(), np.abs(grad_b).max()) < 1e-9:
        break
    W, b = W - grad_W / L, b - grad_b / L
print(f"S1: gd iterations = {iterations}, objective = {history[-1]:.10f}")

# %%
# S2: the estimator, at C = 1/(αn)
# --------------------------------

model = LogisticRegression(C=1 / (alpha * n), solver="newton-cholesky", tol=1e-12).fit(X, y)
print(f"S2: newton iterations = {model.n_iter_[0]}, objective = {model.objective_:.10f}")
print(f"S2: max |W_gd - coef_| = {np.abs(W - model.coef_).max():.2e}, max |b_gd - intercept_| = "
      f"{np.abs(b - model.intercept_).max():.2e}")  # fmt: skip
print("S2 coef: " + ", ".join(f"w{k}{j} = {model.coef_[k, j]:.10f}" for k in range(K) for j in range(p)))
report = model.kkt(X, y)
print(f"S2: kkt ok = {report.ok}, stationarity = {report.stationarity:.2e}")
P = softmax(X @ W.T + b)
print(f"S2: max |P_gd - predict_proba| = {np.abs(P - model.predict_proba(X)).max():.2e}")

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.semilogy(np.array(history) - model.objective_ + 1e-16)
ax.set_xlabel("gradient-descent step")
ax.set_ylabel("objective − optimum")
ax.set_title("Softmax regression: gradient descent reaches the estimator's optimum")
fig.tight_layout()
plt.show()
