r"""
Lagrange multipliers and the KKT conditions
===========================================

The textbook cases T1–T5. lagrangekit reads every problem in the standard form

.. math::

   \min_x f(x) \quad \text{s.t.} \quad g_i(x) \le 0,\ h_j(x) = 0,

with the Lagrangian

.. math::

   L(x, \lambda, \mu) = f(x) + \sum_i \mu_i g_i(x) + \sum_j \lambda_j h_j(x), \qquad \mu \ge 0,

and solves a *maximize* problem as :math:`\min -f`. So :math:`\mu \ge 0` always, and for
:math:`\max f` s.t. :math:`h = 0` stationarity reads :math:`\nabla f = \lambda \nabla h`.
"""

import math

import lagrangekit as lk
from lagrangekit.plotting import plot_lagrange_2d

# %%
# T1: the circle
# --------------
# :math:`\max x + y` s.t. :math:`x^2 + y^2 = 1`. Stationarity of
# :math:`L = -(x + y) + \lambda(x^2 + y^2 - 1)` gives :math:`1 = 2\lambda x = 2\lambda y`, so
# :math:`x = y = \pm\sqrt{2}/2` with :math:`\lambda = \pm\sqrt{2}/2`.

circle = lk.parse_problem("maximize x + y subject to circle: x**2 + y**2 == 1")
t1 = lk.solve_symbolic(circle)
x, y = t1.x
print(f"T1: x = {x:.7f}, y = {y:.7f}, f = {t1.fun:.7f}, lambda = {t1.multipliers['circle']:.7f}")
exact = {str(k): v for k, v in t1.exact.items()}
print(f"T1 exact: x = {exact['x']}, y = {exact['y']}, lambda = {exact['circle']}")

# %%
# :func:`lagrangekit.solve_symbolic` found both stationary points of the Lagrangian and
# classified them with the second-order test on the tangent space of the circle:

for candidate in t1.candidates:
    print(f"T1 candidate: {candidate}")

# %%
# The other stationary point, :math:`(-\sqrt{2}/2, -\sqrt{2}/2)` with :math:`\lambda = -\sqrt{2}/2`,
# satisfies the first-order conditions too (an equality multiplier may have either sign),
# but it minimizes :math:`x + y`. :func:`lagrangekit.check_kkt` with ``second_order=True``
# tells the two apart at any given point:

s = math.sqrt(2) / 2
for point in ((s, s), (-s, -s)):
    report = lk.check_kkt(circle, point, second_order=True)
    verdict = {True: "maximum", False: "not a maximum", None: "undecided"}[report.second_order]
    print(
        f"T1: at x = {point[0]:.7f}, first order ok = {report.first_order_ok}, "
        f"lambda = {report.multipliers['circle']:.7f}, second order: {verdict}"
    )

fig = plot_lagrange_2d(circle, t1)

# %%
# At the maximizer, :math:`\nabla f` (thick) and :math:`\lambda\nabla h` (thin) coincide: the
# level line :math:`x + y = \sqrt{2}` is tangent to the circle.
#
# T2: an active inequality
# ------------------------
# :math:`\min (y - 1)^2` s.t. :math:`y \ge 3`. The unconstrained minimizer :math:`y = 1` is
# infeasible, so :math:`f'(y) = 0` has no feasible solution. KKT: the constraint
# :math:`g = 3 - y \le 0` is active, and :math:`2(y - 1) - \mu = 0` at :math:`y = 3` gives
# :math:`\mu = 4 \ge 0`.

floor = lk.parse_problem("minimize (y - 1)**2 subject to floor: y >= 3")
t2 = lk.solve_symbolic(floor)
print(
    f"T2: y = {t2.x[0]:.7f}, f = {t2.fun:.7f}, mu = {t2.multipliers['floor']:.7f}, active = {t2.kkt.active}"
)

# %%
# T3: the bell surface
# --------------------
# :math:`\max e^{-(x^2 + y^2)}` s.t. :math:`x - y + 1 = 0`: the highest point of the bell
# along a line. The closest point of the line to the origin is :math:`(-1/2, 1/2)`, and
# there :math:`\nabla f = -2(x, y) f = \lambda (1, -1)` with :math:`\lambda = e^{-1/2}`.

bell = lk.parse_problem("maximize exp(-(x**2 + y**2)) subject to line: x - y + 1 == 0")
t3 = lk.solve_symbolic(bell)
x, y = t3.x
print(f"T3: x = {x:.7f}, y = {y:.7f}, f = {t3.fun:.7f}, lambda = {t3.multipliers['line']:.7f}")
print(f"T3: exp(-1/2) = {math.exp(-0.5):.7f}")

fig = plot_lagrange_2d(bell, t3)

# %%
# T4: a product under a budget
# ----------------------------
# :math:`\max xy` s.t. :math:`x + y = 10`. With :math:`L = -xy + \lambda(x + y - 10)`:
# :math:`y = \lambda = x`, so :math:`x = y = 5`, :math:`f = 25`, :math:`\lambda = 5`, the
# rate at which the optimum grows with the budget (:math:`d f^*/d b = b/2 = 5`).

budget = lk.parse_problem("maximize x*y subject to budget: x + y == 10")
t4 = lk.solve_symbolic(budget)
x, y = t4.x
print(f"T4: x = {x:.7f}, y = {y:.7f}, f = {t4.fun:.7f}, lambda = {t4.multipliers['budget']:.7f}")

# %%
# T5: the four KKT conditions
# ---------------------------
# For :math:`\min f` s.t. :math:`g \le 0,\ h = 0`, a point is a KKT point when
#
# - stationarity: :math:`\nabla f + \mu \nabla g + \lambda \nabla h = 0`,
# - primal feasibility: :math:`g \le 0,\ h = 0`,
# - dual feasibility: :math:`\mu \ge 0`,
# - complementary slackness: :math:`\mu g = 0`.
#
# :func:`lagrangekit.check_kkt` reports each residual. At the T2 solution every one is zero;
# at :math:`y = 2` the point is infeasible, and with a wrong multiplier stationarity fails.

print(lk.check_kkt(floor, {"y": 3}))
for point, multipliers in (({"y": 2}, None), ({"y": 3}, {"floor": 1})):
    report = lk.check_kkt(floor, point, multipliers)
    print(f"T5: at y = {point['y']}, ok = {report.ok}, failed = {', '.join(report.failed_conditions())}")

# %%
# Slater's condition and strong duality
# -------------------------------------
# T2 is convex, and :math:`y = 4` is strictly feasible (:math:`g = -1 < 0`), so Slater's
# condition holds and the dual optimum equals the primal one. The dual function is
# :math:`g(\mu) = \inf_y (y - 1)^2 + \mu(3 - y) = 2\mu - \mu^2/4`, maximized at
# :math:`\mu = 4` with :math:`g^* = 4 = f^*`.

slater = lk.slater_point(floor)
dual = lk.dual(floor)
best = dual.solve()
print(f"T5: dual function = {dual.function}")
print(
    f"T5: Slater holds = {slater.holds}, dual optimum = {best.fun:.7f}, mu = {best.x[0]:.7f}, "
    f"gap = {abs(lk.duality_gap(floor)):.1e}"
)
