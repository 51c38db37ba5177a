r"""
Solve from a script
===================

Problems built in Python, with sympy expressions or plain functions, solved numerically with
every multiplier and a KKT certificate, and checked against cvxpy.
"""

import numpy as np
import sympy as sp

import lagrangekit as lk

# %%
# A problem from sympy expressions
# --------------------------------
# Maximize the volume :math:`xyz` of a box whose edges sum to 3. By symmetry the answer is the
# cube :math:`x = y = z = 1`, and stationarity of :math:`-xyz + \lambda(x + y + z - 3)` gives
# :math:`\lambda = yz = 1`. Bounds are given per variable; their multipliers are reported as
# ``"lower:x"`` and are 0 here, since no bound is active.

x, y, z = sp.symbols("x y z", real=True)
box = lk.maximize(
    x * y * z, {"edges": sp.Eq(x + y + z, 3)}, bounds={x: (0, None), y: (0, None), z: (0, None)}
)
result = lk.solve(box, x0=[0.5, 1.0, 1.5])
print(result)
print(
    f"Box: x = {result.x[0]:.7f}, y = {result.x[1]:.7f}, z = {result.x[2]:.7f}, "
    f"f = {result.fun:.7f}, lambda = {result.multipliers['edges']:.7f}, method = {result.method}"
)

# %%
# A problem from Python functions
# -------------------------------
# When the model is a function rather than a formula, :func:`lagrangekit.from_functions`
# takes the objective and constraint functions (derivatives by central differences when none
# are given). Here: Rosenbrock's function on the unit disk.


def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


disk = lk.from_functions(rosenbrock, 2, ineq=[lambda v: v[0] ** 2 + v[1] ** 2 - 1], names=["disk"])
banana = lk.solve(disk, x0=[0.0, 0.0])
print(
    f"Rosenbrock: x1 = {banana.x[0]:.4f}, x2 = {banana.x[1]:.4f}, f = {banana.fun:.6f}, "
    f"mu = {banana.multipliers['disk']:.6f}, kkt ok = {banana.kkt.ok}"
)

# %%
# cvxpy as the referee
# --------------------
# For a convex problem, :func:`lagrangekit.crosscheck` solves it with lagrangekit and with
# cvxpy and compares :math:`x`, :math:`f` and every multiplier, with cvxpy's dual signs mapped to
# lagrangekit's convention.

portfolio = lk.parse_problem(
    """
    minimize 0.1*a**2 + 0.2*b**2 + 0.05*a*b - 0.08*a - 0.12*b
    subject to
        budget: a + b == 1
        cap: b <= 0.7
        a >= 0, b >= 0
    """
)
check = lk.crosscheck(portfolio)
print(check)
print(f"Portfolio: max difference = {check.max_difference:.1e}")
cvx_problem, cvx_variables, cvx_constraints = lk.to_cvxpy(portfolio)
print(f"Portfolio: cvxpy constraints = {', '.join(cvx_constraints)}, dcp = {cvx_problem.is_dcp()}")
a, b = check.result.x
print(f"Portfolio: a = {a:.6f}, b = {b:.6f}, gap = {abs(lk.duality_gap(portfolio)):.1e}")

# %%
# Nonconvex problems
# ------------------
# From x0 = 0 a local method stops in the nearest basin. ``"auto"`` then explores: sampled
# points with a lower f send it on to a better basin. ``n_starts`` adds a reproducible
# multistart on top; the best KKT point wins.

wavy = lk.parse_problem("minimize sin(3*x) + (x - 1)**2/4 subject to -3 <= x <= 3")
local = lk.solve(wavy, method="slsqp")
explored = lk.solve(wavy)
best = lk.solve(wavy, n_starts=8, seed=0)
grid = np.linspace(-3, 3, 600001)
on_grid = np.min(np.sin(3 * grid) + (grid - 1) ** 2 / 4)
print(f"Wavy: slsqp from 0 stops at x = {local.x[0]:.5f}, f = {local.fun:.6f}")
print(f"Wavy: auto x = {explored.x[0]:.5f}, f = {explored.fun:.6f}")
print(f"Wavy: 8 starts x = {best.x[0]:.5f}, f = {best.fun:.6f}, grid minimum = {on_grid:.6f}")
