"""Radical equations in the exact route (:mod:`lagrangekit.symbolic_radicals`), and radicals in the
exact zero test (:func:`lagrangekit.polynomial_systems.reduce_algebraic`).

References: hand derivations (Snell's law squared twice, the first-order condition of a root,
monotonicity of √(x² + 1) + x), scipy's bounded scalar minimizer, and closed forms of √2 + √3.
"""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

import lagrangekit as lk
from lagrangekit.polynomial_systems import reduce_algebraic

x, y = sp.symbols("x y", real=True)


def _value(expr: sp.Expr) -> float:
    return float(sp.N(expr, 30))


def _is_zero(expr: sp.Expr) -> bool:
    """Exactly zero: sympy's automatic simplification, or the canonical form in Q(θ)."""
    return expr == 0 or reduce_algebraic(expr) == 0


def _stationary_point(expr: sp.Expr, lo: float, hi: float) -> float:
    """The zero of expr's derivative in (lo, hi), by scipy's Brent method to rounding."""
    return brentq(sp.lambdify(x, sp.diff(expr, x)), lo, hi, xtol=1e-15)


def test_snells_law_travel_time_is_solved_exactly():
    # light from (0, 1) to (3, -2) at speeds 1 then 2 across y = 0: crossing at (x, 0),
    # time √(1 + x²) + √(4 + (3 − x)²)/2; squaring Snell's law x/√(1+x²) = (3−x)/(2√(4+(3−x)²))
    # by hand gives 4x²(4 + (3 − x)²) = (3 − x)²(1 + x²)
    time = sp.sqrt(1 + x**2) + sp.sqrt(4 + (3 - x) ** 2) / 2
    res = lk.solve_symbolic(lk.minimize(time, {}), timeout=30)
    assert res.status == "optimal" and res.kkt.ok
    crossing = res.exact[x]
    quartic = sp.expand(4 * x**2 * (4 + (3 - x) ** 2) - (3 - x) ** 2 * (1 + x**2))
    assert _is_zero(quartic.xreplace({x: crossing}))
    assert _value(crossing) == pytest.approx(_stationary_point(time, 0, 3), abs=1e-12)
    assert "nonnegative unknown s for each radical" in res.message


def test_distance_with_a_half_plane_constraint():
    # min √(x² + 1) + y² s.t. x + y >= 3: on y = 3 − x, x/√(x² + 1) = 2(3 − x), so by hand
    # x² = 4(3 − x)²(x² + 1) with μ = 2y
    objective = sp.sqrt(x**2 + 1) + y**2
    res = lk.solve_symbolic(lk.minimize(objective, {"c": x + y >= 3}), timeout=30)
    assert res.status == "optimal" and res.kkt.ok
    px, py = res.exact[x], res.exact[y]
    assert _is_zero(px + py - 3)
    assert _is_zero(sp.expand(x**2 - 4 * (3 - x) ** 2 * (x**2 + 1)).xreplace({x: px}))
    assert _is_zero(res.exact["c"] - 2 * py)
    assert _value(px) == pytest.approx(_stationary_point(sp.sqrt(x**2 + 1) + (3 - x) ** 2, 0, 3), abs=1e-12)


def test_rational_powers_have_closed_forms():
    # x^(4/3) − x on x >= 0: (4/3)x^(1/3) = 1, so x = 27/64; −√x − √y on x + y <= 2: x = y = 1, μ = 1/2
    res = lk.solve_symbolic(lk.minimize(x ** sp.Rational(4, 3) - x, {"c": x >= 0}), timeout=30)
    assert res.status == "optimal" and res.exact[x] == sp.Rational(27, 64)
    res = lk.solve_symbolic(
        lk.minimize(-sp.sqrt(x) - sp.sqrt(y), {"b": x + y <= 2, "xp": x >= 0, "yp": y >= 0}), timeout=30
    )
    assert (res.exact[x], res.exact[y], res.exact["b"]) == (1, 1, sp.Rational(1, 2))


def test_radical_objective_without_a_minimizer_has_no_kkt_point():
    # d/dx (√(x² + 1) + x) = x/√(x² + 1) + 1 > 0 everywhere: the infimum 0 (x → −∞) is not attained
    res = lk.solve_symbolic(lk.minimize(sp.sqrt(x**2 + 1) + x, {}), timeout=30)
    assert res.status == "no_kkt_point"


def test_sympy_solve_finding_nothing_is_not_a_claim():
    # e^x has no stationary point (by hand); sympy.solve says so too, but for equations that are
    # not polynomial its empty answer proves nothing, so no "no_kkt_point" claim is made
    with pytest.raises(lk.SymbolicSolveError, match="does not prove there is none"):
        lk.solve_symbolic(lk.minimize(sp.exp(x), {}), timeout=30)


THETA = sp.CRootOf(x**4 - 10 * x**2 + 1, 3)  # √2 + √3, the largest root


def test_square_roots_in_the_field_of_an_algebraic_number():
    # √2 = (θ³ − 9θ)/2 for θ = √2 + √3, so √(2θ²) = √2·θ = 2 + √6 lies in Q(θ)
    reduced = reduce_algebraic(sp.sqrt(2 * THETA**2))
    assert reduced is not None
    assert float(sp.N(reduced - (2 + sp.sqrt(6)), 50)) == pytest.approx(0, abs=1e-45)
    # 1/(2 + √6) = (√6 − 2)/2, with √6 = (θ² − 5)/2 found in the same field
    assert reduce_algebraic(1 / sp.sqrt(2 * THETA**2) - (sp.sqrt(6) - 2) / 2) == 0


def test_a_root_outside_the_field_is_left_to_the_general_test():
    # the square root of ∛2 has degree 6 over Q, so it is not in Q(∛2): no canonical form here
    cube_root = sp.CRootOf(x**3 - 2, 0)
    assert reduce_algebraic(sp.sqrt(cube_root)) is None
    # a negative radicand: sympy's principal square root is not real, so it is not in a real field
    assert reduce_algebraic(sp.sqrt(THETA - 4)) is None


@pytest.mark.slow
def test_fermat_point_is_never_claimed_to_have_no_kkt_point():
    # the point minimizing the distances to (0, 0), (4, 0), (0, 3): the triangle's angles are
    # all below 120°, so it is interior, where the distances are smooth and their gradient
    # vanishes (a KKT point). sympy.solve once returned no solution, reported as no_kkt_point;
    # the exact route may now time out, or must find the point that scipy's Nelder-Mead finds
    from scipy.optimize import minimize

    distances = sp.sqrt(x**2 + y**2) + sp.sqrt((x - 4) ** 2 + y**2) + sp.sqrt(x**2 + (y - 3) ** 2)
    try:
        res = lk.solve_symbolic(lk.minimize(distances, {}), timeout=5)
    except lk.SymbolicSolveError as exc:
        assert "did not finish" in str(exc)
        return
    f = sp.lambdify([x, y], distances)
    tight = {"xatol": 1e-12, "fatol": 1e-14}
    direct = minimize(lambda v: f(*v), [1.0, 1.0], method="Nelder-Mead", options=tight)
    assert res.status == "optimal"
    assert [_value(res.exact[x]), _value(res.exact[y])] == pytest.approx(direct.x, abs=1e-7)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    a=st.integers(1, 5),
    b=st.integers(1, 9),
    c=st.integers(1, 4),
    d=st.integers(-3, 3),
    r=st.integers(-2, 4),
)
def test_random_distance_problems_agree_with_scipy(a, b, c, d, r):
    # min √(a x² + b) + c (y − d)² s.t. x + y >= r: convex, so its minimum is the KKT point;
    # the exact answer (when it finishes) must match SLSQP from scipy to 1e-7
    from scipy.optimize import minimize

    objective = sp.sqrt(a * x**2 + b) + c * (y - d) ** 2
    try:
        res = lk.solve_symbolic(lk.minimize(objective, {"c": x + y >= r}), timeout=20)
    except lk.SymbolicSolveError:
        return
    assert res.status == "optimal" and res.kkt.ok
    f = sp.lambdify([x, y], objective)
    half_plane = [{"type": "ineq", "fun": lambda v: v[0] + v[1] - r}]
    tight = {"ftol": 1e-15, "maxiter": 500}
    direct = minimize(lambda v: f(*v), [0.0, 0.0], method="SLSQP", constraints=half_plane, options=tight)
    assert res.fun == pytest.approx(direct.fun, rel=1e-9, abs=1e-9)
    assert [_value(res.exact[x]), _value(res.exact[y])] == pytest.approx(direct.x, abs=1e-6)
