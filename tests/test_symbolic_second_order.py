"""The 50-digit second-order verdict agrees with the exact test (kkt.second_order_exact) wherever
it gives one, on random quadratic problems with curved and affine constraints, and on hand cases."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.kkt import second_order_exact
from lagrangekit.symbolic_second_order import second_order_by_margin

x, y = sp.symbols("x y", real=True)


def _exact_verdict(problem, values, lam, mu, active, minimum):
    maximum = False
    if not active:
        maximum = second_order_exact(problem, values, lam, mu, active, negate=True, by_margin=False)
    if minimum is True:
        return "local min"
    if maximum is True:
        return "local max"
    if minimum is False and maximum is False:
        return "saddle"
    return None


def _points(problem):
    eqs, ineqs = problem.equalities, problem.all_inequalities()
    for c in lk.kkt_points(problem):
        values = [c.point[v] for v in problem.variables]
        lam = [c.multipliers[e.name] for e in eqs]
        mu = [c.multipliers[g.name] for g in ineqs]
        active = [i for i, g in enumerate(ineqs) if g.name in c.active]
        yield values, lam, mu, active


SMALL = st.integers(-3, 3)


@settings(max_examples=6, deadline=None)
@given(SMALL, SMALL, SMALL, SMALL, SMALL, st.sampled_from(["circle", "line", "none", "bound"]))
def test_agrees_with_the_exact_test(a, b, c, d, e, kind):
    f = a * x**2 + b * x * y + c * y**2 + d * x + e * y
    constraints = {
        "circle": {"c": sp.Eq(x**2 + y**2, 1)},
        "line": {"c": sp.Eq(x + 2 * y, 1)},
        "none": {},
        "bound": {"c": x >= 1},
    }[kind]
    problem = lk.minimize(f, constraints)
    try:
        points = list(_points(problem))
    except lk.SymbolicSolveError:
        return  # a continuum the exact route reports as a family: nothing to compare
    for values, lam, mu, active in points:
        verdict = second_order_by_margin(problem, values, lam, mu, active)
        if verdict is not None:
            minimum = second_order_exact(problem, values, lam, mu, active, by_margin=False)
            assert verdict == _exact_verdict(problem, values, lam, mu, active, minimum)
            # check_kkt's test takes the margin first: where it decides, it agrees with the reference
            assert second_order_exact(problem, values, lam, mu, active) == minimum


def test_hand_cases():
    # min x² + 2y² on the unit circle: (±1, 0) minima, (0, ±1) maxima (by hand: L'' on the tangent)
    problem = lk.minimize(x**2 + 2 * y**2, {"c": sp.Eq(x**2 + y**2, 1)})
    lam = {1: -1, 0: -2}  # λ = −1 at (±1, 0), −2 at (0, ±1)
    for point, expected in [((1, 0), "local min"), ((0, 1), "local max"), ((0, -1), "local max")]:
        values = [sp.Integer(v) for v in point]
        assert second_order_by_margin(problem, values, [sp.Integer(lam[point[0]])], [], []) == expected
    # a saddle of x² − y²; a degenerate point (x⁴) is left to the exact test
    assert second_order_by_margin(lk.minimize(x**2 - y**2), [0, 0], [], [], []) == "saddle"
    assert second_order_by_margin(lk.minimize(x**4 + y**2), [0, 0], [], [], []) is None
    # an active bound with a zero multiplier: the cone is not a subspace, left to the exact test
    problem = lk.minimize(x**2 + y**2, bounds={x: (0, None)})
    assert second_order_by_margin(problem, [0, 0], [], [sp.Integer(0)], [0]) is None
