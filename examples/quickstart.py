"""Quickstart: a problem from text, its Lagrangian, and exact derivatives.

Run with ``python examples/quickstart.py``.
"""

import numpy as np
import sympy as sp

import lagrangekit as lk

problem = lk.parse_problem("maximize x + y subject to circle: x**2 + y**2 == 1")
print(problem)
print()
print("Lagrangian (minimize -f form):", problem.lagrangian())

# The Lagrange system grad L = 0, h = 0, solved by sympy from the problem's own pieces.
L = problem.lagrangian()
lam = problem.multipliers["circle"]
unknowns = [*problem.variables, lam]
solutions = sp.solve([sp.diff(L, v) for v in unknowns], unknowns, dict=True)
for sol in solutions:
    value = problem.objective.subs(sol)
    print("stationary point:", {str(k): v for k, v in sol.items()}, " f =", value)

compiled = problem.compile()
point = np.array([2**-0.5, 2**-0.5])
print("gradient of -f at (1/sqrt2, 1/sqrt2):", compiled.grad(point))
