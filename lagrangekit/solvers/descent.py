"""A feasible point with a lower objective next to a feasible point that is not a KKT point (descent)."""

from __future__ import annotations

import numpy as np

from .._linalg import null_space
from ..numeric_form import NumericForm
from .polish import ACTIVE

__all__ = ["feasible_descent"]

_DECREASE = 1e-6  # a decrease below 1e-6·max(1, |f|) is not evidence


def feasible_descent(form: NumericForm, x: np.ndarray) -> np.ndarray | None:
    """A point near ``x``, no more violated than ``x``, where f is lower by more than
    1e-6·max(1, |f(x)|); None when no such point turns up.

    The direction is −∇f projected onto the null space of the gradients of the equalities and
    of the active rows of G (G > −1e-6); steps of max(1, ‖x‖∞)·4^−k, k = 0..5, along it are
    tried, longest first, and a step counts only if it adds no violation beyond rounding
    (1e-14·max(1, ‖x‖∞)·max(1, ‖J‖∞)). A backend that stops at a feasible point where the
    constraint qualification fails (slsqp between ``x + y == 1`` and ``x + y >= 1``) leaves
    such a point behind, and the point it stopped at is then no minimizer. At a cusp the
    projected direction leaves the feasible set (by t³ at step t, more than rounding at these
    steps), and None comes back: only straight descent is looked for.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        G = form.G(x)
        J = np.vstack(
            [np.asarray(form.h_jac(x), float).reshape(form.m_eq, form.n), form.G_jac(x)[G > -ACTIVE]]
        )
        grad = np.asarray(form.grad(x), float)
        if not (np.isfinite(J).all() and np.isfinite(grad).all()):
            return None
        Z = null_space(J, form.n)
        d = -Z @ (Z.T @ grad)
        size = float(np.abs(d).max(initial=0.0))
        if not size > 1e-12 * max(1.0, float(np.abs(grad).max(initial=0.0))):
            return None
        d /= size
        f_x, v_x = form.f(x), form.violation(x)
        scale = max(1.0, float(np.abs(x).max(initial=0.0)))
        allowed = max(v_x, 1e-14 * scale * max(1.0, float(np.abs(J).max(initial=0.0))))
        for t in scale * 4.0 ** -np.arange(6):
            z = form.clip(x + t * d)
            f_z = form.f(z)
            if (
                np.isfinite(f_z)
                and f_z < f_x - _DECREASE * max(1.0, abs(f_x))
                and form.violation(z) <= allowed
            ):
                return z
    return None
