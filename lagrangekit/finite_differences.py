"""Finite differences, the library's one rule: steps h·max(1, |x|), central where both sides are defined.

Every numerical derivative in lagrangekit comes from here: the derivatives of problems built
from callables (:mod:`lagrangekit.function_problem`), :func:`lagrangekit.optim.derivative` and
:func:`lagrangekit.optim.gradient`, and the observed information of user log-likelihoods
(:func:`lagrangekit.likelihood.numeric_hessian`). The module imports only numpy, so it sits
at the bottom of the dependency graph with ``problem`` and ``result``.

Conventions
-----------
- The step of coordinate i is ``base · max(1, |x_i|)``, rounded so that ``x_i + h`` is exact.
  Default bases balance truncation against rounding: eps^(1/2) for one-sided first
  differences (error O(h)), eps^(1/3) for central ones (error O(h²)), and eps^(1/6) for
  Richardson-extrapolated second differences from values (error O(h⁴)), whose steps shrink
  tenfold near the edge of the domain until the stencil is a decade inside it.
- Domain: when a central stencil point gives a non-finite value (the function is undefined
  there, e.g. log at a bound), the second-order one-sided difference on the defined side,
  (−3f(x) + 4f(x ± h) − f(x ± 2h))/(±2h), is used instead, so the error stays O(h²). If
  neither side is defined the entry is NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

__all__ = ["Method", "derivative", "gradient", "hessian", "jacobian", "steps"]

Method = Literal["central", "forward", "backward"]
_METHODS = ("central", "forward", "backward")
_EPS = np.finfo(float).eps
_BASE = {
    "central": _EPS ** (1 / 3),
    "forward": _EPS**0.5,
    "backward": _EPS**0.5,
    "richardson": _EPS ** (1 / 6),
}


def steps(x: np.ndarray, base: float) -> np.ndarray:
    """Per-coordinate steps ``base · max(1, |x_i|)``, made exactly representable (x + h − x = h)."""
    x = np.asarray(x, dtype=float)
    h = base * np.maximum(1.0, np.abs(x))
    with np.errstate(invalid="ignore", over="ignore"):
        exact = (x + h) - x
    return np.where(np.isfinite(exact) & (exact > 0), exact, h)


def _check(method: str, h: float | None) -> float | None:
    if method not in _METHODS:
        raise ValueError(f"method must be 'central', 'forward' or 'backward', got {method!r}")
    if h is None:
        return None
    try:
        h = float(h)
    except (TypeError, ValueError):
        raise ValueError(f"h must be a finite number > 0, got {h!r}") from None
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a finite number > 0, got {h!r}")
    return h


def _steps_for(method: str, x: np.ndarray, h: float | None) -> np.ndarray:
    return steps(x, _BASE[method]) if h is None else np.full(x.shape, h)


def _first_difference(along: Callable[[Any], Any], h: Any, method: str) -> Any:
    """Derivative at t = 0 of ``along(t)`` with step h (scalars, or arrays elementwise).

    ``central`` falls back to the O(h²) one-sided difference on the side that is defined.
    """
    if method == "forward":
        return (np.asarray(along(h), dtype=float) - np.asarray(along(0.0), dtype=float)) / h
    if method == "backward":
        return (np.asarray(along(0.0), dtype=float) - np.asarray(along(-h), dtype=float)) / h
    plus = np.asarray(along(h), dtype=float)
    minus = np.asarray(along(-h), dtype=float)
    if np.all(np.isfinite(plus)) and np.all(np.isfinite(minus)):
        return (plus - minus) / (2 * h)
    for side, near in ((1.0, plus), (-1.0, minus)):
        if np.all(np.isfinite(near)):
            far = np.asarray(along(2 * side * h), dtype=float)
            if np.all(np.isfinite(far)):
                return (-3 * np.asarray(along(0.0), dtype=float) + 4 * near - far) / (2 * side * h)
    return (plus - minus) / (2 * h)  # NaN or inf where neither side is defined


def derivative(f: Callable[[Any], Any], x: Any, method: Method = "central", h: float | None = None) -> Any:
    """Finite-difference derivative f′(x) of a scalar function.

    forward: (f(x + h) − f(x))/h, backward: (f(x) − f(x − h))/h, both with error O(h);
    central: (f(x + h) − f(x − h))/(2h), error O(h²), one-sided O(h²) where only one side
    is defined. ``x`` may be an array when ``f`` is vectorized (elementwise), giving f′ at
    each point.

    Parameters
    ----------
    f : callable
    x : float or array_like
    method : {"central", "forward", "backward"}, default "central"
    h : float, optional
        Step; by default eps^(1/3)·max(1, |x|) for central and eps^(1/2)·max(1, |x|)
        for one-sided differences.
    """
    h = _check(method, h)
    xa = np.asarray(x, dtype=float)
    out = _first_difference(lambda t: f(xa + t), _steps_for(method, xa, h), method)
    return float(out) if np.ndim(out) == 0 else out


def gradient(
    f: Callable[[np.ndarray], float], x: Any, method: Method = "central", h: float | None = None
) -> np.ndarray:
    """Finite-difference gradient ∇f(x) of a scalar function of a vector, one coordinate at a time.

    Same differences and default steps as :func:`derivative`; the result has ``x``'s shape.
    """
    h = _check(method, h)
    xa = np.array(x, dtype=float)
    step = _steps_for(method, xa, h).reshape(-1)
    out = np.empty(xa.size)
    for i in range(xa.size):
        e = np.zeros(xa.size)
        e[i] = 1.0
        e = e.reshape(xa.shape)
        out[i] = float(_first_difference(lambda t, e=e: float(f(xa + t * e)), float(step[i]), method))
    return out.reshape(xa.shape)


def jacobian(f: Callable[[np.ndarray], Any], x: Any, m: int) -> np.ndarray:
    """Jacobian (m, n) of a vector function of a vector by central differences, column by column."""
    xa = np.asarray(x, dtype=float).reshape(-1)
    step = steps(xa, _BASE["central"])
    out = np.empty((m, xa.size))
    for i in range(xa.size):
        e = np.zeros(xa.size)
        e[i] = 1.0
        column = _first_difference(lambda t, e=e: np.reshape(f(xa + t * e), m), float(step[i]), "central")
        out[:, i] = np.reshape(column, m)
    return out


def _second_differences(f: Callable[[np.ndarray], float], x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The O(h²) second differences of values with steps h (NaN entries where f is undefined)."""
    n = x.size
    f0 = float(f(x))
    H = np.empty((n, n))

    def at(i: int, si: float, j: int | None = None, sj: float = 0.0) -> float:
        z = x.copy()
        z[i] += si * h[i]
        if j is not None:
            z[j] += sj * h[j]
        return float(f(z))

    for i in range(n):
        H[i, i] = (at(i, 1.0) - 2 * f0 + at(i, -1.0)) / h[i] ** 2
        for j in range(i):
            value = at(i, 1.0, j, 1.0) - at(i, 1.0, j, -1.0) - at(i, -1.0, j, 1.0) + at(i, -1.0, j, -1.0)
            H[i, j] = H[j, i] = value / (4 * h[i] * h[j])
    return H


def _hessian_from_values(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """Second differences with steps h and h/2 combined as (4H(h/2) − H(h))/3 (Richardson), O(h⁴).

    h = eps^(1/6)·max(1, |x_i|). When a stencil value is not finite (x near the edge of the
    domain), the steps shrink tenfold until every value is defined (at most four times),
    then once more, so that the stencil stays a decade inside the edge.
    """
    h = steps(x, _BASE["richardson"])

    def richardson(h: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return (4 * _second_differences(f, x, h / 2) - _second_differences(f, x, h)) / 3

    H = richardson(h)
    if np.all(np.isfinite(H)):
        return H
    for _ in range(4):
        h = h / 10
        if np.all(np.isfinite(richardson(h))):
            return richardson(h / 10)
    return H


def hessian(
    f: Callable[[np.ndarray], float],
    x: Any,
    grad: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Hessian of a scalar function: the central Jacobian of ``grad`` (symmetrized) when a
    gradient is given, else second differences of values (both O(h²)).

    With values only, the error is about h²·f''''/12 + eps·|f|/h² ≈ 1e-8·max(|f|, |f''''|)
    relative to the step scale; a non-finite stencil value makes its entries NaN (the
    caller decides what a Hessian outside the domain means).
    """
    xa = np.asarray(x, dtype=float).reshape(-1)
    if grad is None:
        return _hessian_from_values(f, xa)
    H = jacobian(lambda z: np.asarray(grad(z), dtype=float).reshape(-1), xa, xa.size)
    return (H + H.T) / 2
