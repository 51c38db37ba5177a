"""Regularized linear models (Ridge, Lasso, ElasticNet, logistic regression) with
scikit-learn's objectives, constrained forms linked by the multiplier, paths, CV and
certificates (KKT reports, duality gaps, cvxpy cross-checks)."""

from __future__ import annotations

__all__: list[str] = []
