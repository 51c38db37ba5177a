"""Exceptions and warnings raised by lagrangekit, all rooted at :class:`LagrangekitError`."""

from __future__ import annotations

import threading
from typing import Any

__all__ = [
    "CallableOutputError",
    "ConvergenceWarning",  # noqa: F822 - defined lazily by __getattr__ below
    "InfeasibleError",
    "LagrangekitError",
    "LocalOptimumWarning",
    "LoneVariableWarning",
    "NotConvexError",
    "NotSmoothError",
    "ParseError",
    "SymbolicSolveError",
    "UndefinedPointError",
]


class LagrangekitError(Exception):
    """Base class of every exception lagrangekit raises on purpose."""


class ParseError(LagrangekitError, ValueError):
    """Problem text that is not a valid problem, or that the safe parser refuses.

    Parameters
    ----------
    message : str
        What is wrong.
    text : str, optional
        The text that was being parsed.
    position : int, optional
        0-based character offset of the offending token in ``text``.
    hint : str, optional
        How to fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        text: str | None = None,
        position: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.position = position
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        parts = [self.message]
        if self.position is not None:
            parts[0] += f" (at position {self.position})"
            if self.text is not None and len(self.text) <= 200 and "\n" not in self.text:
                parts.append(f"  {self.text}\n  {' ' * self.position}^")
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class InfeasibleError(LagrangekitError):
    """Raised only where raising is right; solvers report ``status="infeasible"`` instead."""


class SymbolicSolveError(LagrangekitError):
    """sympy could not solve the optimality system exactly, or ran out of time."""


class NotConvexError(LagrangekitError):
    """A problem that must be convex (for example to export to cvxpy) is not, or cannot be shown so."""


class NotSmoothError(LagrangekitError, ValueError):
    """A derivative was asked of a non-differentiable term (Abs, Max, Min, sign, floor, ...).

    The message names the term, where it occurs, and the smooth reformulation to use instead.
    """


class UndefinedPointError(LagrangekitError, ValueError):
    """A function of the problem is undefined (NaN) or infinite at a given point, such as a
    start ``x0`` outside the domain of ``log`` or ``1/x``. The message names the point and the
    function."""


class CallableOutputError(LagrangekitError, TypeError):
    """A user callable (from :func:`lagrangekit.from_functions`) returned something other
    than what it must: the message names the callable, what it returned and the shape expected."""


_CONVERGENCE_WARNING_DOC = """An iterative method stopped before its certificate reached the tolerance.

    Subclasses :class:`sklearn.exceptions.ConvergenceWarning`, so existing
    ``warnings.filterwarnings`` rules for scikit-learn apply unchanged. The class is created
    on first use, so that importing lagrangekit's errors does not import scikit-learn.
    """
_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    if name != "ConvergenceWarning":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _lock:
        if "ConvergenceWarning" not in globals():
            from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning

            globals()["ConvergenceWarning"] = type(
                "ConvergenceWarning",
                (SklearnConvergenceWarning,),
                {"__doc__": _CONVERGENCE_WARNING_DOC, "__module__": __name__},
            )
    return globals()["ConvergenceWarning"]


class LoneVariableWarning(UserWarning):
    """A variable of parsed problem text appears in exactly one constraint and not in the objective.

    Such a variable is often a misspelling (``x + yy >= 1`` where ``y`` was meant), which
    silently adds a free variable. Pass ``variables=[...]`` to the parser to make every
    undeclared name an error instead.
    """


class LocalOptimumWarning(UserWarning):
    """A value computed from an optimum that was not proven global.

    :func:`lagrangekit.duality_gap` takes p* from ``lk.solve``; when that answer's ``scope``
    is not ``"global"`` (a nonconvex problem), p* may be a local optimum above the global one,
    and p* − g* is only an upper bound on the duality gap.
    """
