"""Shortcuts of solve_symbolic to a proven global minimum: the zeros of a sum of even powers
(lagrangekit.symbolic_zero_minima) and the first KKT point of a convex problem. Each
case against a hand derivation or against the full active-set enumeration (lk.kkt_points)."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.exact_sign import NumericPoint
from lagrangekit.symbolic_zero_minima import ZERO_MINIMA_METHOD, zero_minima

x1, x2, x3, x4, x5 = sp.symbols("x1:6", real=True)
x, y = sp.symbols("x y", real=True)


def test_hs46_shape_solved_at_its_zero():
    # HS46: f = (x1-x2)² + (x3-1)² + (x4-1)⁴ + (x5-1)⁶ >= 0; at (1,1,1,1,1) both equalities hold
    # (1·1 + sin 0 - 1 = 0, 1 + 1·1 - 2 = 0), so f* = 0 there (by hand); on the zero set
    # x1 = x2, x3 = x4 = x5 = 1 the equalities give x1² = 1 and x2 = 1: the only zero.
    problem = lk.minimize(
        (x1 - x2) ** 2 + (x3 - 1) ** 2 + (x4 - 1) ** 4 + (x5 - 1) ** 6,
        {"eq1": sp.Eq(x1**2 * x4 + sp.sin(x4 - x5), 1), "eq2": sp.Eq(x2 + x3**4 * x4**2, 2)},
    )
    res = lk.solve_symbolic(problem, timeout=60)
    assert res.status == "optimal" and res.fun == 0 and res.scope == "global"
    assert all(res.exact[v] == 1 for v in (x1, x2, x3, x4, x5))
    assert res.exact["eq1"] == 0 and res.exact["eq2"] == 0
    assert res.kkt.ok and res.kkt.stationarity == 0 and res.kkt.primal_feasibility == 0
    assert ZERO_MINIMA_METHOD in res.message and "not enumerated" in res.message


def test_hs26_shape_two_tied_zeros():
    # HS26: f = (x1-x2)² + (x2-x3)⁴ on x1(1+x2²) + x3⁴ = 3: zeros x1 = x2 = x3 = t with
    # t⁴ + t³ + t - 3 = (t - 1)(t³ + 2t² + 2t + 3) = 0, whose real roots (sympy's real_roots of
    # the quartic, an independent route) are the two global minimizers
    problem = lk.minimize((x1 - x2) ** 2 + (x2 - x3) ** 4, {"eq1": sp.Eq(x1 * (1 + x2**2) + x3**4, 3)})
    t = sp.Symbol("t")
    roots = sp.Poly(t**4 + t**3 + t - 3, t).real_roots()
    assert len(roots) == 2
    res = lk.solve_symbolic(problem, timeout=60)
    assert res.status == "optimal" and res.fun == 0
    best = [c for c in res.candidates if c.optimal]
    assert len(best) == 2
    found = sorted((c.point[x1] for c in best), key=float)
    assert all(sp.simplify(a - b) == 0 for a, b in zip(found, sorted(roots, key=float)))
    assert all(c.point[x1] == c.point[x2] == c.point[x3] for c in best)
    assert all(c.classification == "local min" for c in best)  # finitely many zeros: strict


def test_route_steps_aside():
    # the zero (y = 1) is infeasible: the enumeration finds y = 3 with μ = 4 (TEXTBOOK T2)
    res = lk.solve_symbolic(lk.minimize((y - 1) ** 2, {"floor": y >= 3}))
    assert res.exact[y] == 3 and res.exact["floor"] == 4 and ZERO_MINIMA_METHOD not in res.message
    # a continuum of zeros (x = -y): left to the enumeration, which reports the family
    assert zero_minima(lk.minimize((x + y) ** 2)) is None
    # not a sum of even powers with positive coefficients
    assert zero_minima(lk.minimize((x - 1) ** 3 + y**2)) is None
    assert zero_minima(lk.minimize((x - 1) ** 2 - y**2)) is None
    # √y is imaginary for y < 0, where (√y - 1)² = y + 1 - 2i√(-y) is not a nonnegative real
    assert zero_minima(lk.minimize((sp.sqrt(y) - 1) ** 2 + (y - 1) ** 2)) is None
    # parameters: never
    a = sp.Symbol("a", positive=True)
    assert zero_minima(lk.minimize((x - a) ** 2, variables=[x])) is None


def test_constant_term_and_bounds():
    # f = 5 + (x - 2)² + 3(y + x)²: zero at (2, -2), f* = 5; the bound y >= -3 holds there
    problem = lk.minimize(5 + (x - 2) ** 2 + 3 * (y + x) ** 2, bounds={y: (-3, None)})
    res = lk.solve_symbolic(problem)
    assert res.fun == 5 and res.exact[x] == 2 and res.exact[y] == -2 and res.exact["lower:y"] == 0


LINEAR = st.integers(-3, 3)


@settings(max_examples=6, deadline=None)
@given(LINEAR, LINEAR, LINEAR, st.integers(1, 3), LINEAR, st.integers(1, 2))
def test_agrees_with_the_enumeration(a, b, c, d, e, power):
    # a sum of even powers under one linear equality: the zero route's optimum equals the best
    # KKT point of the full enumeration (kkt_points), whenever the zero route applies
    problem = lk.minimize((x - a) ** 2 + (b * x + y - c) ** (2 * power), {"line": sp.Eq(d * x + e * y, 1)})
    zeros = zero_minima(problem)
    if zeros is None:
        return
    res = lk.solve_symbolic(problem, timeout=60)
    best = [k for k in lk.kkt_points(problem, timeout=60) if k.optimal]
    assert res.fun == best[0].fun == 0
    assert {tuple(k.point.values()) for k in best} == {tuple(k.point.values()) for k in res.candidates}


def test_numeric_point_never_signs_an_exact_zero():
    # √2·√3 − √6 = 0 and CRootOf(t³ − 2, 0)³ − 2 = 0 exactly; √2 − 1.4142 > 0 (by hand)
    t = sp.Symbol("t")
    root = sp.CRootOf(t**3 - 2, 0)
    point = NumericPoint({x: sp.sqrt(2), y: root})
    assert point.clear_sign(x * sp.sqrt(3) - sp.sqrt(6)) is None
    assert point.clear_sign(y**3 - 2) is None
    assert point.clear_sign(x - sp.Rational(14142, 10000)) == 1
    assert point.clear_sign(y - 2) == -1
    assert abs(point.value(y**3) - 2) < 1e-40
    assert NumericPoint({x: sp.Symbol("a")}).value(x) is None  # symbolic: no numeric value


def test_convex_problem_stops_at_its_first_kkt_point():
    # min (x-2)² + (y-2)² on the disk x² + y² <= 2 with x >= -5: convex, so the KKT point
    # (1, 1) with μ = 1 (by hand: (-2, -2) + μ(2, 2) = 0) is the global minimum and the
    # enumeration stops there; kkt_points, which enumerates everything, finds the same point
    problem = lk.minimize((x - 2) ** 2 + (y - 2) ** 2, {"disk": x**2 + y**2 <= 2, "left": x >= -5})
    res = lk.solve_symbolic(problem)
    assert res.exact[x] == 1 and res.exact[y] == 1 and res.exact["disk"] == 1 and res.exact["left"] == 0
    assert res.scope == "global" and "enumeration stopped" in res.message
    assert [dict(c.point) for c in lk.kkt_points(problem)] == [{x: 1, y: 1}]
