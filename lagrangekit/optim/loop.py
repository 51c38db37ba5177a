"""``minimize_smooth``: run any gradient transformation on a smooth function until its certificate holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..result import Result
from ._common import check_loop_options, finish
from .transforms import GradientTransformation, apply_updates

__all__ = ["minimize_smooth"]


def minimize_smooth(
    fun_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: Any,
    transform: GradientTransformation,
    *,
    max_iter: int = 1000,
    tol: float = 1e-6,
    certificate: Callable[[np.ndarray], float] | None = None,
    callback: Callable[[int, np.ndarray, float], Any] | None = None,
    record_iterates: bool = False,
) -> Result:
    """Minimize a smooth function with a first-order optimizer.

    Iterates ``updates, state = transform.update(g_k, state, x_k)``,
    ``x_{k+1} = x_k + updates``. Before each step (and after the last) the stopping
    test is made at x_k: ``certificate(x_k) <= tol`` when a certificate is given,
    otherwise the gradient norm ``‖∇f(x_k)‖₂ <= tol``.

    Parameters
    ----------
    fun_and_grad : callable
        ``fun_and_grad(x) -> (f(x), ∇f(x))`` with the gradient shaped like ``x``.
    x0 : array_like or float
        Starting point (not modified).
    transform : GradientTransformation
        For example ``sgd(0.1)`` or ``adam(1e-2)`` from :mod:`lagrangekit.optim`.
    max_iter : int, default 1000
        Maximum number of updates.
    tol : float, default 1e-6
        Tolerance of the stopping test; ``tol=0`` runs exactly ``max_iter`` updates.
    certificate : callable, optional
        ``certificate(x) -> float``, a non-negative optimality measure (a duality gap,
        a scaled gradient norm) that replaces the gradient-norm test.
    callback : callable, optional
        ``callback(k, x_k, f(x_k))`` after each evaluation; returning True stops the loop.
    record_iterates : bool, default False
        Also store every iterate in ``history["x"]``.

    Returns
    -------
    Result
        ``x`` is the last iterate, flattened (``history["x"]`` keeps the shape);
        ``history`` has ``"fun"`` and ``"grad_norm"`` per evaluated iterate (x_0 … x_nit).
        ``kkt.stationarity`` is the final stopping measure.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` runs out (``status="max_iter"``) or the iterates diverge to
        non-finite values (``status="failed"``; the last finite iterate is returned, never NaN).
    """
    max_iter, tol = check_loop_options(max_iter, tol)
    if not isinstance(transform, GradientTransformation):
        raise TypeError(
            f"transform must be a GradientTransformation such as lagrangekit.optim.sgd(0.1), "
            f"got {type(transform).__name__}"
        )
    x = np.array(x0, dtype=float, copy=True)
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite (no NaN or inf)")
    state = transform.init(x)
    history: dict[str, list] = {"fun": [], "grad_norm": []}
    if record_iterates:
        history["x"] = []
    last_good: tuple[np.ndarray, float, float] | None = None
    converged = diverged = stopped = False
    measure = np.inf
    k = 0
    while True:
        f, g = fun_and_grad(x)
        f = float(f)
        g = np.asarray(g, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            gnorm = float(np.linalg.norm(g))
        if not (np.isfinite(f) and np.isfinite(gnorm)):
            diverged = True
            break
        measure = gnorm if certificate is None else float(certificate(x))
        last_good = (x, f, measure)
        history["fun"].append(f)
        history["grad_norm"].append(gnorm)
        if record_iterates:
            history["x"].append(x.copy())
        if measure <= tol:
            converged = True
            break
        if callback is not None and callback(k, x, f):
            stopped = True
            break
        if k >= max_iter:
            break
        updates, state = transform.update(g, state, x)
        with np.errstate(over="ignore", invalid="ignore"):
            x = apply_updates(x, updates)
        k += 1
        if not np.all(np.isfinite(x)):
            diverged = True
            break
    if last_good is None:
        raise ValueError(
            "fun_and_grad returned a non-finite value at x0; start from a point where f is finite"
        )
    x_out, f_out, measure = last_good
    return finish(
        x=x_out,
        fun=f_out,
        converged=converged,
        diverged=diverged,
        measure=measure,
        measure_name="gradient norm" if certificate is None else "certificate",
        tol=tol,
        nit=len(history["fun"]) - 1,
        method="minimize_smooth",
        history=history,
        stopped_by_callback=stopped,
    )
