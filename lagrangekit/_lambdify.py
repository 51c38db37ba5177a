"""sympy expressions to numpy functions of one vector argument, immune to variable names.

``sympy.lambdify`` prints variables by their names into Python source that also refers to
numpy's functions and constants by name. A variable called ``e``, ``pi``, ``maximum``,
``select``, ``exp`` or ``lambda`` then shadows (or breaks) what the printed code means: with a
variable ``e``, the constant E is read as that variable. Every variable is therefore replaced
by a :class:`sympy.Dummy` (printed as ``_Dummy_<n>``, a name no namespace uses) before
printing, and the function takes the variables as one positional array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

__all__ = ["lambdify_vector"]


def lambdify_vector(variables: Sequence[sp.Symbol], exprs: Any) -> Callable[[Any], Any]:
    """``func(x)`` evaluating ``exprs`` (an expression or a list of them) with numpy, where
    ``x[i]`` is the value of ``variables[i]``; ``x`` may also be an (n, k) array of k points.

    The variables are renamed to dummies with the same assumptions, so no variable name can
    collide with a name of the printed code. Common subexpressions are computed once.
    """
    dummies = [sp.Dummy(v.name, **v.assumptions0) for v in variables]
    renaming = dict(zip(variables, dummies))
    if isinstance(exprs, (list, tuple)):
        renamed: Any = [sp.sympify(e).xreplace(renaming) for e in exprs]
    else:
        renamed = sp.sympify(exprs).xreplace(renaming)
    return sp.lambdify([dummies], renamed, modules="numpy", cse=True)
