"""Detect (quasi-)complete separation, the case in which the logistic-regression MLE does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from scipy.optimize import linprog

from ..errors import ConvergenceWarning

__all__ = ["PerfectSeparationWarning", "Separation", "check_separation"]


class PerfectSeparationWarning(ConvergenceWarning):
    """The classes are separable by a hyperplane, so the logistic MLE does not exist.

    A :class:`~lagrangekit.errors.ConvergenceWarning` (hence scikit-learn's): the solver cannot
    converge, there is no minimizer to converge to, so filters written for non-converged
    scikit-learn fits apply to it as well.
    """


@dataclass(frozen=True)
class Separation:
    """Outcome of :func:`check_separation`.

    Attributes
    ----------
    separable : bool
        True when some direction d ≠ 0 has sᵢ x̃ᵢ·d ≥ 0 for every sample and > 0 for at
        least one (sᵢ = 2tᵢ − 1): the likelihood then increases forever along d, so no
        finite maximizer exists (Albert & Anderson, 1984).
    kind : {"complete", "quasi-complete"} or None
        ``"complete"`` when a hyperplane separates the classes strictly.
    direction : ndarray or None
        Such a direction d in the columns of the design passed in.
    """

    separable: bool
    kind: Literal["complete", "quasi-complete"] | None
    direction: np.ndarray | None

    @property
    def message(self) -> str:
        """A sentence for warnings and fitted estimators."""
        if not self.separable:
            return "the classes overlap: the logistic MLE exists (if the design has full rank)"
        return (
            f"{self.kind} separation: a hyperplane separates the classes, so the log-likelihood "
            "increases without bound as the coefficients grow and the logistic MLE does not exist; "
            "a penalty (e.g. l2 with alpha > 0) gives finite coefficients"
        )


def _stiemke_certificate(A: np.ndarray, candidate: np.ndarray) -> bool:
    """True if a small correction of ``candidate`` gives λ > 0 with Aᵀλ = 0.

    By Stiemke's lemma such a λ exists exactly when no d has Ad ≥ 0, Ad ≠ 0, i.e. when the
    data are not separable. The correction δ minimizes Σ(δᵢ/λᵢ)² subject to Aᵀδ = −Aᵀλ
    (an affine-scaling step), so small weights move little: δ = Λ²Au with (AᵀΛ²A)u = −Aᵀλ.
    """
    lam = np.asarray(candidate, dtype=float)
    if lam.shape != (A.shape[0],) or not np.all(lam > 0):
        return False
    lam = lam / lam.max()
    residual = A.T @ lam
    scaled = A * lam[:, None]
    try:
        u = cho_solve(cho_factor(scaled.T @ scaled), -residual)
    except LinAlgError:  # rank-deficient design
        u = np.linalg.lstsq(scaled.T @ scaled, -residual, rcond=None)[0]
    delta = lam**2 * (A @ u)
    fixed = lam + delta
    exact = np.linalg.norm(A.T @ fixed) <= 1e-9 * np.linalg.norm(np.abs(A.T) @ fixed)
    return bool(exact and np.all(fixed > 1e-12 * fixed.max()))


def check_separation(
    design: np.ndarray, labels: np.ndarray, *, candidate: np.ndarray | None = None, tol: float = 1e-7
) -> Separation:
    """Decide whether labels ∈ {0, 1} are separable on ``design``.

    ``design`` should include the intercept column when the model has one. Columns are
    scaled to max |x| = 1 and aᵢ = sᵢx̃ᵢ. If ``candidate`` (weights λᵢ > 0, e.g.
    sᵢ(1 − P(observed class)) at a fitted model, whose combination Σλᵢaᵢ is the score)
    can be corrected to an exact λ > 0 with Σλᵢaᵢ = 0, the data are certified not
    separable (Stiemke's lemma) at the cost of one least-squares solve. Otherwise the LP
    maximize Σᵢ aᵢ·d s.t. aᵢ·d ≥ 0, −1 ≤ d ≤ 1 (HiGHS) decides: its optimum is positive
    exactly when the data are separable; a second LP, maximize τ s.t. aᵢ·d ≥ τ, tells
    complete from quasi-complete separation.
    """
    design = np.asarray(design, dtype=float)
    signs = np.where(np.asarray(labels) == 1, 1.0, -1.0)
    scale = np.abs(design).max(axis=0)
    scale[scale == 0] = 1.0
    A = signs[:, None] * (design / scale)
    n, p = A.shape
    if candidate is not None and _stiemke_certificate(A, candidate):
        return Separation(False, None, None)
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(n), bounds=[(-1, 1)] * p, method="highs")
    if res.status != 0 or -res.fun <= tol * max(n, 1):
        return Separation(False, None, None)
    direction = res.x / scale
    # complete separation: maximize τ s.t. A d ≥ τ, τ ≤ 1
    c = np.zeros(p + 1)
    c[-1] = -1.0
    strict = linprog(
        c,
        A_ub=np.hstack([-A, np.ones((n, 1))]),
        b_ub=np.zeros(n),
        bounds=[(-1, 1)] * p + [(None, 1)],
        method="highs",
    )
    if strict.status == 0 and -strict.fun > tol:
        return Separation(True, "complete", strict.x[:-1] / scale)
    return Separation(True, "quasi-complete", direction)
