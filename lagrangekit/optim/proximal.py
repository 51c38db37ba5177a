"""``proximal_gradient``: ISTA and FISTA for f + g with f smooth and g prox-friendly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..result import Result
from ._common import check_loop_options, finish

__all__ = ["proximal_gradient"]


def _initial_lipschitz(
    f_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], x: np.ndarray, g: np.ndarray
) -> float:
    """A secant estimate ‖∇f(x + d) − ∇f(x)‖ / ‖d‖ along the gradient, to start backtracking."""
    gnorm = float(np.linalg.norm(g))
    if gnorm == 0 or not np.isfinite(gnorm):
        return 1.0
    d = g * (1e-3 * max(1.0, float(np.linalg.norm(x))) / gnorm)
    _, g2 = f_and_grad(x + d)
    est = float(np.linalg.norm(np.asarray(g2, dtype=float) - g) / np.linalg.norm(d))
    return est if np.isfinite(est) and est > 1e-12 else 1.0


def proximal_gradient(
    f_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    prox: Callable[[np.ndarray, float], np.ndarray],
    x0: Any,
    *,
    lipschitz: float | None = None,
    accelerated: bool = True,
    max_iter: int = 1000,
    tol: float = 1e-6,
    certificate: Callable[[np.ndarray], float] | None = None,
    penalty: Callable[[np.ndarray], float] | None = None,
    callback: Callable[[int, np.ndarray], Any] | None = None,
    record_iterates: bool = False,
) -> Result:
    """Minimize f(x) + g(x) by proximal gradient steps (ISTA, or FISTA when accelerated).

    Each step is x_{k+1} = prox(y_k − ∇f(y_k)/L, 1/L), where y_k = x_k for ISTA and
    y_k = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}) for FISTA (Beck & Teboulle, 2009).
    With no ``lipschitz``, L starts from a secant estimate and doubles until the
    sufficient-decrease test f(x⁺) <= f(y) + ∇f(y)ᵀ(x⁺ − y) + (L/2)‖x⁺ − y‖² holds.

    Parameters
    ----------
    f_and_grad : callable
        ``f_and_grad(x) -> (f(x), ∇f(x))`` for the smooth part f.
    prox : callable
        ``prox(v, step) -> argmin_u g(u) + ‖u − v‖²/(2·step)``, e.g. soft-thresholding
        at ``step·alpha`` for g = alpha·‖·‖₁.
    x0 : array_like
        Starting point (not modified).
    lipschitz : float, optional
        A Lipschitz constant of ∇f; the step is then fixed at 1/L (no backtracking).
    accelerated : bool, default True
        FISTA when True, ISTA when False.
    max_iter : int, default 1000
    tol : float, default 1e-6
        The loop stops when ``certificate(x_k) <= tol`` if a certificate is given,
        otherwise when the gradient-mapping norm L·‖x_{k+1} − y_k‖₂ <= tol.
    certificate : callable, optional
        ``certificate(x) -> float``, e.g. a duality gap, evaluated at every new iterate.
    penalty : callable, optional
        ``penalty(x) -> g(x)``; when given, ``Result.fun`` is f + g, otherwise f alone.
    callback : callable, optional
        ``callback(k, x_k)`` after each step; returning True stops the loop.
    record_iterates : bool, default False
        Also store every iterate in ``history["x"]``.

    Returns
    -------
    Result
        ``history["measure"]`` holds the stopping measure of each iteration and
        ``history["lipschitz"]`` the L used; ``kkt.stationarity`` is the final measure.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` runs out or the iterates become non-finite (the last finite
        iterate is returned, never NaN).
    """
    max_iter, tol = check_loop_options(max_iter, tol)
    if lipschitz is not None:
        lipschitz = float(lipschitz)
        if not (np.isfinite(lipschitz) and lipschitz > 0):
            raise ValueError(f"lipschitz must be a finite number > 0, got {lipschitz!r}")
    x = np.array(x0, dtype=float, copy=True)
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite (no NaN or inf)")
    f_y, g_y = f_and_grad(x)
    f_y, g_y = float(f_y), np.asarray(g_y, dtype=float)
    if not (np.isfinite(f_y) and np.all(np.isfinite(g_y))):
        raise ValueError("f_and_grad returned a non-finite value at x0; start from a point where f is finite")
    L = lipschitz if lipschitz is not None else _initial_lipschitz(f_and_grad, x, g_y)
    history: dict[str, list] = {"measure": [], "lipschitz": []}
    if record_iterates:
        history["x"] = [x.copy()]
    y, t = x, 1.0
    converged = diverged = stopped = False
    measure = np.inf
    k = 0
    while k < max_iter:
        while True:
            x_new = np.asarray(prox(y - g_y / L, 1.0 / L), dtype=float)
            if lipschitz is not None:
                break
            f_new, g_new = f_and_grad(x_new)
            f_new = float(f_new)
            d = x_new - y
            model = f_y + float(np.vdot(g_y, d)) + 0.5 * L * float(np.vdot(d, d))
            if np.isfinite(f_new) and f_new <= model + 1e-12 * abs(model):  # slack for rounding
                break
            L *= 2.0
            if not np.isfinite(L):
                break
        if not np.all(np.isfinite(x_new)):
            diverged = True
            break
        k += 1
        measure = L * float(np.linalg.norm(x_new - y)) if certificate is None else float(certificate(x_new))
        history["measure"].append(measure)
        history["lipschitz"].append(L)
        if record_iterates:
            history["x"].append(x_new.copy())
        if accelerated:
            t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            y = x_new + ((t - 1.0) / t_new) * (x_new - x)
            t = t_new
        else:
            y = x_new
        x = x_new
        if measure <= tol:
            converged = True
            break
        if callback is not None and callback(k, x):
            stopped = True
            break
        if y is x_new and lipschitz is None:
            f_y, g_y = f_new, np.asarray(g_new, dtype=float)
        else:
            f_y, g_y = f_and_grad(y)
            f_y, g_y = float(f_y), np.asarray(g_y, dtype=float)
        if not (np.isfinite(f_y) and np.all(np.isfinite(g_y))):
            diverged = True
            break
    fun = float(f_and_grad(x)[0]) + (float(penalty(x)) if penalty is not None else 0.0)
    return finish(
        x=x,
        fun=fun,
        converged=converged,
        diverged=diverged,
        measure=measure,
        measure_name="gradient-mapping norm" if certificate is None else "certificate",
        tol=tol,
        nit=k,
        method="fista" if accelerated else "ista",
        history=history,
        stopped_by_callback=stopped,
    )
