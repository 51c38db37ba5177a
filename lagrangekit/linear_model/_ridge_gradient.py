"""Ridge by first-order methods: any :mod:`lagrangekit.optim` transform on the centred quadratic.

The objective F(W) = ‖ys − XsW‖² + α‖W‖² (W of shape (p, k)) is evaluated from the
Gram form when n >= p (O(p²k) per step) and from the transformed design otherwise. The
step size defaults from the Lipschitz constant L = 2(λ_max(XsᵀXs) + α) of ∇F, and the
loop stops when the relative gradient norm ‖∇F(W)‖₂ / ‖∇F(0)‖₂ <= tol.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg

from .. import optim
from ..result import Result
from ._ridge_quadratic import RowsRidgeQuadratic
from ._ridge_stats import gram_form, weighted_design

__all__ = ["GRADIENT_SOLVERS", "solve_gradient"]

# (lr, L) -> transform. The adaptive methods get eps = lr·L: each coordinate's step is then
# at most gd's 1/L, so they reduce to gd as gradients vanish instead of cycling at a
# constant step (the known failure of constant-step RMSProp and Adam).
_TRANSFORMS: dict[str, Callable[[float, float], optim.GradientTransformation]] = {
    "gd": lambda lr, L: optim.sgd(lr),
    "momentum": lambda lr, L: optim.momentum(lr),
    "nesterov": lambda lr, L: optim.nesterov(lr),
    "adagrad": lambda lr, L: optim.adagrad(lr, eps=lr * L),
    "rmsprop": lambda lr, L: optim.rmsprop(lr, eps=lr * L),
    "adam": lambda lr, L: optim.adam(lr, eps=lr * L),
}
GRADIENT_SOLVERS: tuple[str, ...] = tuple(_TRANSFORMS)
_ADAPTIVE = ("adagrad", "rmsprop", "adam")


def _largest_eigenvalue(M: np.ndarray) -> float:
    m = M.shape[0]
    return float(scipy.linalg.eigvalsh(M, subset_by_index=[m - 1, m - 1], check_finite=False)[0])


def solve_gradient(
    datafit: RowsRidgeQuadratic,
    alpha: float,
    method: str,
    *,
    learning_rate: float | None,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Result | None]:
    """Return (W (k, p), x_offset, y_offset, the optim Result or None when ∇F(0) = 0) on the
    datafit's dense rows, with the L2 penalty α‖W‖² (one α for all targets).

    Default steps: 1/L for gd, momentum and nesterov; ‖∇F(0)‖∞/L for the adaptive
    methods (their first step then moves the largest coordinate as far as gd would).
    AdaGrad, RMSProp and Adam use eps = lr·L, which caps each coordinate's step near the optimum.
    """
    X, Y, sample_weight, fit_intercept = datafit.X, datafit.Y, datafit.sample_weight, datafit.fit_intercept
    n, p = X.shape
    k = Y.shape[1]
    if n >= p:
        form = gram_form(X, Y, sample_weight, fit_intercept)
        G, B, yy = form.XtX, form.Xty, float(form.yty.sum())
        x_offset, y_offset = form.X_offset, form.y_offset
        lam_max = _largest_eigenvalue(G)

        def fun_and_grad(W: np.ndarray) -> tuple[float, np.ndarray]:
            GW = G @ W
            value = float(np.vdot(W, GW) - 2 * np.vdot(B, W) + yy + alpha * np.vdot(W, W))
            return value, 2 * (GW - B + alpha * W)

    else:
        Xs, ys, x_offset, y_offset = weighted_design(X, Y, sample_weight, fit_intercept)
        lam_max = _largest_eigenvalue(Xs @ Xs.T)

        def fun_and_grad(W: np.ndarray) -> tuple[float, np.ndarray]:
            R = Xs @ W - ys
            value = float(np.vdot(R, R) + alpha * np.vdot(W, W))
            return value, 2 * (Xs.T @ R + alpha * W)

    W0 = np.zeros((p, k))
    g0 = fun_and_grad(W0)[1]
    g0_norm = float(np.linalg.norm(g0))
    if g0_norm == 0.0:
        return W0.T, x_offset, y_offset, None
    L = 2.0 * (lam_max + alpha)
    if learning_rate is None:
        learning_rate = (float(np.abs(g0).max()) if method in _ADAPTIVE else 1.0) / L
    result = optim.minimize_smooth(
        fun_and_grad, W0, _TRANSFORMS[method](learning_rate, L), max_iter=max_iter, tol=tol * g0_norm
    )
    return result.x.reshape(p, k).T, x_offset, y_offset, result
