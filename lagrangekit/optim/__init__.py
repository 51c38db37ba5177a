"""First-order optimization: optax-style transforms (sgd … adam, chain), the ``minimize_smooth``
run loop, proximal gradient (ISTA/FISTA) and finite-difference derivatives."""

from __future__ import annotations

from ..finite_differences import derivative, gradient
from . import transforms
from .loop import minimize_smooth
from .proximal import proximal_gradient
from .transforms import *  # noqa: F403  (re-exports exactly transforms.__all__)

# transforms.__all__ is the one list of the transform names; kept in sorted order overall.
__all__ = ["derivative", "gradient", "minimize_smooth", "proximal_gradient"]
__all__ += transforms.__all__
__all__.sort()
