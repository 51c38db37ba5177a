"""Finite-difference derivatives: forward and backward (error O(h)) and central (error O(h²))."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

__all__ = ["derivative", "gradient"]

Method = Literal["central", "forward", "backward"]
_EPS = np.finfo(float).eps


def _step(method: str, x: np.ndarray, h: float | None) -> np.ndarray:
    if method not in ("central", "forward", "backward"):
        raise ValueError(f"method must be 'central', 'forward' or 'backward', got {method!r}")
    if h is None:
        # balances truncation against rounding: eps^(1/2) for one-sided, eps^(1/3) for central
        base = _EPS ** (1 / 3) if method == "central" else _EPS**0.5
        return base * np.maximum(1.0, np.abs(x))
    h = float(h)
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a finite number > 0, got {h!r}")
    return np.full_like(x, h)


def _difference(f: Callable, x: np.ndarray, step: np.ndarray, method: str) -> Any:
    if method == "central":
        return (np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * step)
    if method == "forward":
        return (np.asarray(f(x + step)) - np.asarray(f(x))) / step
    return (np.asarray(f(x)) - np.asarray(f(x - step))) / step


def derivative(f: Callable[[Any], Any], x: Any, method: Method = "central", h: float | None = None) -> Any:
    """Finite-difference derivative f′(x) of a scalar function.

    forward: (f(x + h) − f(x))/h, backward: (f(x) − f(x − h))/h, both with error O(h);
    central: (f(x + h) − f(x − h))/(2h), error O(h²). ``x`` may be an array when ``f``
    is vectorized (elementwise), giving f′ at each point.

    Parameters
    ----------
    f : callable
    x : float or array_like
    method : {"central", "forward", "backward"}, default "central"
    h : float, optional
        Step; by default eps^(1/3)·max(1, |x|) for central and eps^(1/2)·max(1, |x|)
        for one-sided differences.
    """
    xa = np.asarray(x, dtype=float)
    step = _step(method, xa, h)
    out = _difference(f, xa, step, method)
    return float(out) if np.ndim(out) == 0 else out


def gradient(
    f: Callable[[np.ndarray], float], x: Any, method: Method = "central", h: float | None = None
) -> np.ndarray:
    """Finite-difference gradient ∇f(x) of a scalar function of a vector, one coordinate at a time.

    Same differences and default steps as :func:`derivative`; the result has ``x``'s shape.
    """
    xa = np.array(x, dtype=float)
    steps = _step(method, xa, h).reshape(-1)
    out = np.empty(xa.size)
    for i in range(xa.size):
        e = np.zeros(xa.size)
        e[i] = 1.0
        e = e.reshape(xa.shape)

        def along(t: float, e: np.ndarray = e) -> float:
            return float(f(xa + t * e))

        out[i] = float(_difference(along, np.asarray(0.0), np.asarray(steps[i]), method))
    return out.reshape(xa.shape)
