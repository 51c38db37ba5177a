"""Observed information: a Richardson-extrapolated numeric Hessian and its safe inversion to a covariance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import finite_differences

__all__ = ["SingularInformationWarning", "invert_information", "numeric_hessian"]


class SingularInformationWarning(UserWarning):
    """The observed information is not positive definite, so standard errors do not exist."""


def numeric_hessian(f: Callable[[np.ndarray], float], x: Any) -> np.ndarray:
    """Hessian of a scalar function from its values, by :func:`lagrangekit.finite_differences.hessian`.

    Richardson-extrapolated central second differences with steps eps^(1/6)·max(1, |xᵢ|)
    (error O(h⁴), about 1e-10 relative for smooth functions), shrunk near the edge of the
    function's domain.
    """
    return finite_differences.hessian(f, x)


def invert_information(information: np.ndarray, *, rtol: float = 1e-12) -> tuple[np.ndarray, bool, str]:
    """Covariance = information⁻¹ when the information is finite and positive definite.

    Positive definite means the smallest eigenvalue exceeds ``rtol`` times the largest:
    1e-12 for exact information, larger for a numeric Hessian, whose noise would otherwise
    pass for curvature. Returns ``(cov, ok, message)``. When the matrix is not finite or not positive definite
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
    if eigenvalues[0] <= rtol * max(abs(eigenvalues[-1]), 1e-300):
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
