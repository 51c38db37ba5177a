"""Attempt: what one backend run hands back before the KKT report and status are decided."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numeric_form import Multipliers

__all__ = ["Attempt"]


@dataclass(frozen=True)
class Attempt:
    """One backend's answer in the :class:`~lagrangekit.numeric_form.NumericForm` order.

    Attributes
    ----------
    x : numpy.ndarray
        The last iterate.
    multipliers : Multipliers
        Its multipliers in our convention (μ >= 0 for G <= 0, L = f + λᵀh + μᵀG).
    method : str
        What ran, e.g. ``"auglag"`` or ``"slsqp+newton"``.
    nit : int
        Iterations of the backend.
    converged : bool
        Whether the backend itself reported convergence.
    message : str
        The backend's own account.
    diverged : bool
        True when the iterates or the objective ran away (a sign of unboundedness).
    error : float or None
        :meth:`NumericForm.kkt_error` of (x, multipliers) when already computed.
    better_point : numpy.ndarray or None
        A feasible point with a lower minimize-form objective than ``x``, when the solver
        found one it could not turn into a certified answer (then ``x`` is not the optimum).
    """

    x: np.ndarray
    multipliers: Multipliers
    method: str
    nit: int
    converged: bool
    message: str
    diverged: bool = False
    error: float | None = None
    better_point: np.ndarray | None = None
