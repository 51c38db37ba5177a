"""The estimators' objectives written in cvxpy, for :func:`fit_cvxpy` (the independent referee)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from ._validation import check_post_fit_data, prepare_ridge_data

__all__ = ["elastic_net_problem", "ridge_problem"]


def ridge_problem(
    X: Any, y: Any, sample_weight: Any, fit_intercept: bool, *, alpha=None, bound=None, positive=False
):
    """cvxpy form of Σ sᵢ(yᵢ − xᵢw − b)² + α‖w‖² (α per target allowed), or of the same loss
    s.t. ‖w‖² <= bound; with ``positive`` also w >= 0."""
    import cvxpy as cp

    data = prepare_ridge_data(BaseEstimator(), X, y, sample_weight, accept_sparse=True)
    n, p = data.X.shape
    k = data.Y.shape[1]
    shape = (p,) if data.y_ndim == 1 else (k, p)
    coef = cp.Variable(shape, name="coef")
    intercept = cp.Variable(shape[:-1], name="intercept") if fit_intercept else None
    W = cp.reshape(coef, (k, p), order="C") if data.y_ndim == 1 else coef
    pred = data.X @ W.T
    if intercept is not None:
        pred = pred + np.ones((n, 1)) @ cp.reshape(intercept, (1, k), order="C")
    root = np.ones(n) if data.sample_weight is None else np.sqrt(data.sample_weight)
    loss = cp.sum_squares(cp.multiply(root[:, None], data.Y - pred))
    constraints = [coef >= 0] if positive else []
    if bound is None:
        alphas = np.broadcast_to(np.asarray(alpha, dtype=float), (k,))
        penalty = cp.sum(cp.multiply(alphas, cp.sum(cp.square(W), axis=1)))
        return cp.Problem(cp.Minimize(loss + penalty), constraints), coef, intercept, None
    constraint = cp.sum_squares(coef) <= bound
    return cp.Problem(cp.Minimize(loss), [constraint, *constraints]), coef, intercept, constraint


def elastic_net_problem(
    X: Any,
    y: Any,
    sample_weight: Any,
    fit_intercept: bool,
    *,
    alpha: float = 0.0,
    l1_ratio: float = 1.0,
    positive: bool = False,
    l1_bound: float | None = None,
):
    """cvxpy form of (1/(2n)) Σ sᵢ(yᵢ − xᵢᵀw − b)² + α·l1_ratio·‖w‖₁ + (α/2)(1 − l1_ratio)‖w‖²
    (weights rescaled to sum to n), with w >= 0 if ``positive``; or, with ``l1_bound`` t, of the
    loss alone s.t. ‖w‖₁ <= t. Returns (problem, coef, intercept or None, the bound or None)."""
    import cvxpy as cp

    X, y, sw = check_post_fit_data(X, y, sample_weight)
    n, p = X.shape
    s = np.ones(n) if sw is None else sw
    w = cp.Variable(p, nonneg=bool(positive))
    b = cp.Variable() if fit_intercept else None
    residual = y - X @ w - (b if b is not None else 0.0)
    loss = cp.sum_squares(cp.multiply(np.sqrt(s), residual)) / (2 * n)
    if l1_bound is not None:
        budget = cp.norm1(w) <= l1_bound
        return cp.Problem(cp.Minimize(loss), [budget]), w, b, budget
    penalty = alpha * l1_ratio * cp.norm1(w) + 0.5 * alpha * (1 - l1_ratio) * cp.sum_squares(w)
    return cp.Problem(cp.Minimize(loss + penalty)), w, b, None
