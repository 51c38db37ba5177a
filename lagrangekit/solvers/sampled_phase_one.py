"""Phase I from sampled points when it stalls from the given starts (exploration samples)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..numeric_form import NumericForm
from ..phase_one import FEASIBLE, PhaseOne, phase_one
from .explore import sample

__all__ = ["find_feasible", "sampled_phase_one"]

_SAMPLED_STARTS = 3  # least violated sampled points phase I restarts from when its first starts stall


def sampled_phase_one(form: NumericForm, centers: Sequence[np.ndarray]) -> PhaseOne | None:
    """Phase I from the 3 least violated of the exploration samples around ``centers``, or None
    when no sample can be evaluated. Phase I is local, and stalls where the violation's
    gradient vanishes (at x = (0, 0) for x²y = 16); other starts get past that."""
    X = sample(form, list(centers))
    with np.errstate(all="ignore"):
        try:
            _, h, g = form.evaluate_many(X)
        except (ArithmeticError, TypeError, ValueError):
            return None
        violation = np.maximum(np.abs(h).max(axis=1, initial=0.0), g.max(axis=1, initial=0.0))
    violation = np.where(np.isfinite(violation), violation, np.inf)
    order = np.argsort(violation, kind="stable")[:_SAMPLED_STARTS]
    order = order[np.isfinite(violation[order])]
    return phase_one(form, list(X[order])) if order.size else None


def find_feasible(form: NumericForm, starts: Sequence[np.ndarray]) -> tuple[PhaseOne, int]:
    """Phase I from ``starts``, then, when that stalls above :data:`FEASIBLE` violation,
    :func:`sampled_phase_one` around them. Returns the best phase-I answer and the number of
    starts it was sought from."""
    best = phase_one(form, starts)
    if best.violation <= FEASIBLE:
        return best, len(starts)
    again = sampled_phase_one(form, starts)
    if again is None:
        return best, len(starts)
    return (again if again.violation < best.violation else best), len(starts) + _SAMPLED_STARTS
