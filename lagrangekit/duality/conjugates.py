"""Closed-form partial infima of convex scalar atoms: inf_u c·φ(u) + s·u, with c > 0.

Each atom is a convex function φ of one real argument u. The infimum of the perspective
term c·φ(u) + s·u over u is −c·φ*(−s/c), where φ* is the convex conjugate; it is written here
as a function B(c, s) with its gradient, its Hessian in (c, s), the minimizing u, and the
condition on s under which it is finite. The table:

============  ===================  =============================  ==============  ===============
atom          φ(u), domain         B(c, s) = inf_u c φ(u) + s u    finite where    minimizer u*
============  ===================  =============================  ==============  ===============
``neglog``    −log u, u > 0        c + c log(s / c)                s > 0           c / s
``xlogx``     u log u, u >= 0      −c exp(−s / c − 1)              every s         exp(−s/c − 1)
``exp``       exp u                −s + s log(−s / c)              s <= 0          log(−s / c)
============  ===================  =============================  ==============  ===============

At c = 0 the term reduces to inf_u s·u over the atom's domain: 0 where the sign of s allows
it (s >= 0 for ``neglog`` and ``xlogx``, s <= 0 for ``exp``), −inf elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.special import xlogy

__all__ = ["ATOMS", "ScalarAtom"]


@dataclass(frozen=True)
class ScalarAtom:
    """One convex scalar atom φ and its partial infimum B(c, s) = inf_u c·φ(u) + s·u (c > 0).

    Attributes
    ----------
    name : str
        ``"neglog"``, ``"xlogx"`` or ``"exp"``.
    s_sign : int
        +1 when B is finite only for s > 0, −1 when only for s <= 0 (strict inside the
        barrier), 0 when finite for every s.
    value, gradient, hessian, argmin : callables of (c, s)
        B, (∂B/∂c, ∂B/∂s), the 2×2 Hessian in (c, s), and u*; valid for c > 0 inside the
        domain.
    boundary_sign : int
        At c = 0: B = 0 when boundary_sign·s >= 0, else −inf.
    expression : callable of sympy (c, s)
        B as a sympy expression.
    """

    name: str
    s_sign: int
    value: Callable[[float, float], float]
    gradient: Callable[[float, float], tuple[float, float]]
    hessian: Callable[[float, float], np.ndarray]
    argmin: Callable[[float, float], float]
    boundary_sign: int
    expression: Callable[[sp.Expr, sp.Expr], sp.Expr]

    def finite(self, c: float, s: float) -> bool:
        """Whether B(c, s) is finite (c >= 0)."""
        if c == 0:
            return self.boundary_sign * s >= 0
        return self.s_sign == 0 or (s > 0 if self.s_sign > 0 else s <= 0)

    def at(self, c: float, s: float) -> float:
        """B(c, s), −inf where the infimum is unbounded below."""
        if not self.finite(c, s):
            return -np.inf
        return 0.0 if c == 0 else float(self.value(c, s))


def _neglog_hessian(c: float, s: float) -> np.ndarray:
    return np.array([[-1.0 / c, 1.0 / s], [1.0 / s, -c / s**2]])


def _xlogx_value(c: float, s: float) -> float:
    return -c * np.exp(-s / c - 1.0)


def _xlogx_gradient(c: float, s: float) -> tuple[float, float]:
    E = np.exp(-s / c - 1.0)
    return -E * (1.0 + s / c), E


def _xlogx_hessian(c: float, s: float) -> np.ndarray:
    E = np.exp(-s / c - 1.0)
    return np.array([[-E * s**2 / c**3, E * s / c**2], [E * s / c**2, -E / c]])


def _exp_hessian(c: float, s: float) -> np.ndarray:
    # s = 0 sits on the boundary of the domain: the barrier keeps the iterates off it
    with np.errstate(divide="ignore"):
        return np.array([[s / c**2, -1.0 / c], [-1.0 / c, 1.0 / s]])


ATOMS: dict[str, ScalarAtom] = {
    "neglog": ScalarAtom(
        name="neglog",
        s_sign=1,
        value=lambda c, s: c + c * (np.log(s) - np.log(c)),  # s / c overflows for c ~ 5e-324
        gradient=lambda c, s: (np.log(s) - np.log(c), c / s),
        hessian=_neglog_hessian,
        argmin=lambda c, s: c / s,
        boundary_sign=1,
        expression=lambda c, s: c + c * sp.log(s / c),
    ),
    "xlogx": ScalarAtom(
        name="xlogx",
        s_sign=0,
        value=_xlogx_value,
        gradient=_xlogx_gradient,
        hessian=_xlogx_hessian,
        argmin=lambda c, s: float(np.exp(-s / c - 1.0)),
        boundary_sign=1,
        expression=lambda c, s: -c * sp.exp(-s / c - 1),
    ),
    "exp": ScalarAtom(
        name="exp",
        s_sign=-1,
        value=lambda c, s: -s - float(xlogy(-s, -s / c)),
        gradient=lambda c, s: (-s / c, float(np.log(-s / c)) if s < 0 else -np.inf),
        hessian=_exp_hessian,
        argmin=lambda c, s: float(np.log(-s / c)) if s < 0 else np.inf,
        boundary_sign=-1,
        expression=lambda c, s: -s + s * sp.log(-s / c),
    ),
}
