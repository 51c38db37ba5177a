r"""
Verify a paper's KKT point
==========================

A paper, a textbook or a solver log states an optimum. Is it one? Problem 71 of Hock and
Schittkowski's collection (1981), a classic test of nonlinear solvers, is

.. math::

   \min_{x} \; x_1 x_4 (x_1 + x_2 + x_3) + x_3 \quad \text{s.t.} \quad
   x_1 x_2 x_3 x_4 \ge 25, \quad x_1^2 + x_2^2 + x_3^2 + x_4^2 = 40, \quad 1 \le x_i \le 5,

with the published solution :math:`x^* = (1, 4.7429994, 3.8211503, 1.3794082)` and
:math:`f^* = 17.0140173`. :func:`lagrangekit.check_kkt` estimates the multipliers from the
point alone (non-negative least squares over the active constraints) and reports every
KKT condition.
"""

import lagrangekit as lk

problem = lk.parse_problem(
    """
    minimize x1*x4*(x1 + x2 + x3) + x3
    subject to
        product: x1*x2*x3*x4 >= 25
        sphere:  x1**2 + x2**2 + x3**2 + x4**2 == 40
        box1: 1 <= x1 <= 5
        box2: 1 <= x2 <= 5
        box3: 1 <= x3 <= 5
        box4: 1 <= x4 <= 5
    """
)
published = {"x1": 1.0, "x2": 4.7429994, "x3": 3.8211503, "x4": 1.3794082}

# %%
# The published point has 8 significant digits, so its residuals are of order 1e-7: check it
# at a tolerance the rounding allows.

report = lk.check_kkt(problem, published, tol=1e-5, second_order=True)
print(report)
f = float(problem.objective.subs({v: published[v.name] for v in problem.variables}))
print(f"HS71: f = {f:.6f}, ok = {report.ok}, second order = {report.second_order}")
print(
    f"HS71: mu_product = {report.multipliers['product']:.6f}, "
    f"lambda_sphere = {report.multipliers['sphere']:.6f}, "
    f"mu_lower_x1 = {report.multipliers['box1_1']:.6f}"
)

# %%
# A chained constraint such as ``box1: 1 <= x1 <= 5`` becomes two named inequalities,
# ``box1_1`` (the lower side, active here) and ``box1_2`` (the upper side).
#
# A misprint is caught: with :math:`x_2` and :math:`x_3` swapped the point is still feasible
# (both constraints are symmetric in them), but it is not stationary, so no multipliers
# exist.

swapped = {**published, "x2": published["x3"], "x3": published["x2"]}
report = lk.check_kkt(problem, swapped, tol=1e-5)
print(f"HS71 swapped: ok = {report.ok}, failed = {', '.join(report.failed_conditions())}")
print(f"HS71 swapped: stationarity = {report.stationarity:.4f}")
