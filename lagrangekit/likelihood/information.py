"""Observed information: a Richardson-extrapolated numeric Hessian and its safe inversion to a covariance."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["SingularInformationWarning", "invert_information", "numeric_hessian"]


class SingularInformationWarning(UserWarning):
    """The observed information is not positive definite, so standard errors do not exist."""


def numeric_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, *, rel_step: float = 1e-3) -> np.ndarray:
    """Hessian of a scalar function by central differences with one Richardson extrapolation.

    The step for coordinate i is ``rel_step * |xᵢ|`` (``rel_step`` when xᵢ = 0), and the
    4-point central difference with steps h and h/2 is combined as (4H(h/2) − H(h))/3, which
    cancels the O(h²) term: the truncation error is O(h⁴) and the rounding error about
    ε·|f|/(hᵢhⱼ), i.e. roughly 1e-10 relative for smooth functions.
    """
    x = np.asarray(x, dtype=float)
    k = x.size
    base = rel_step * np.where(x == 0, 1.0, np.abs(x))

    def stencil(h: np.ndarray) -> np.ndarray:
        hess = np.empty((k, k))
        f0 = f(x)
        for i in range(k):
            ei = np.zeros(k)
            ei[i] = h[i]
            hess[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h[i] ** 2
            for j in range(i):
                ej = np.zeros(k)
                ej[j] = h[j]
                value = f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
                hess[i, j] = hess[j, i] = value / (4 * h[i] * h[j])
        return hess

    return (4 * stencil(base / 2) - stencil(base)) / 3


def invert_information(information: np.ndarray) -> tuple[np.ndarray, bool, str]:
    """Covariance = information⁻¹ when the information is finite and positive definite.

    Returns ``(cov, ok, message)``. When the matrix is not finite or not positive definite
    (a boundary estimate, a flat direction, a saddle), ``cov`` is all NaN, ``ok`` is False
    and ``message`` says why; callers warn with :class:`SingularInformationWarning`.
    """
    information = np.atleast_2d(np.asarray(information, dtype=float))
    k = information.shape[0]
    nan = np.full((k, k), np.nan)
    if k == 0:
        return np.zeros((0, 0)), True, ""
    if not np.all(np.isfinite(information)):
        return (
            nan,
            False,
            (
                "the observed information is not finite (is the estimate on the boundary of the "
                "parameter space?); standard errors are undefined"
            ),
        )
    sym = (information + information.T) / 2
    eigenvalues = np.linalg.eigvalsh(sym)
    if eigenvalues[0] <= 1e-12 * max(abs(eigenvalues[-1]), 1e-300):
        return (
            nan,
            False,
            (
                f"the observed information is not positive definite (smallest eigenvalue "
                f"{eigenvalues[0]:.3g}, largest {eigenvalues[-1]:.3g}): the point is not a strict "
                "local maximum or the parameters are not identified; standard errors are undefined"
            ),
        )
    cov = np.linalg.inv(sym)
    return (cov + cov.T) / 2, True, ""
