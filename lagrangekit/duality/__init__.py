"""Lagrange duality: the dual function g(λ, μ) = inf_x L with its domain, its maximization,
the duality gap, and Slater points.

Modules: :mod:`.conjugates` (closed-form partial infima of scalar atoms), :mod:`.structure`
(recognizing a Lagrangian that splits into conjugable blocks), :mod:`.barrier` (maximizing
a concave function inside its domain), :mod:`.numeric` (g by inner minimization when there is
no closed form), :mod:`.slater` and :mod:`.dual_problem` (the public objects).
"""

from .dual_problem import DualProblem, dual, duality_gap
from .slater import SlaterReport, slater_point

__all__ = ["DualProblem", "SlaterReport", "dual", "duality_gap", "slater_point"]
