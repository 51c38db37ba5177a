"""Numerical solvers: ``solve`` (auglag, scipy SLSQP / trust-constr, cvxpy, auto) and ``crosscheck``."""

from __future__ import annotations

from .crosscheck import CrossCheck, crosscheck
from .dispatch import METHODS, solve

__all__ = ["METHODS", "CrossCheck", "crosscheck", "solve"]
