"""SLSQP without the affine equalities that are combinations of others (HS55's six equalities
have rank 5): it moves from points where the full set stalled it, and every multiplier it
returns satisfies the full KKT system."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case

import lagrangekit as lk
from lagrangekit.numeric_form import NumericForm

x, y, z = sp.symbols("x y z", real=True)


def test_redundant_rows_are_found_and_the_rest_are_independent():
    problem = lk.minimize(
        x**2 + y**2 + z**2,
        {"sum": sp.Eq(x + y + z, 3), "twice": sp.Eq(2 * x + 2 * y + 2 * z, 6), "diff": sp.Eq(x - y, 0)},
    )
    rows = NumericForm(problem).independent_equalities(np.zeros(3))
    J = np.array([[1, 1, 1], [2, 2, 2], [1, -1, 0]], dtype=float)
    assert rows is not None and len(rows) == np.linalg.matrix_rank(J) == 2
    assert np.linalg.matrix_rank(J[rows]) == 2


@pytest.mark.parametrize(
    "constraints",
    [
        {"a": sp.Eq(x + y, 1), "b": sp.Eq(x - y, 0)},  # independent: nothing to drop
        {"a": sp.Eq(x + y, 1), "b": sp.Eq(2 * x + 2 * y, 3)},  # inconsistent: all rows stay
        {"a": sp.Eq(x**2 + y, 1), "b": sp.Eq(2 * x**2 + 2 * y, 2)},  # not affine
    ],
)
def test_nothing_is_dropped_unless_the_rows_are_affine_redundant_and_consistent(constraints):
    problem = lk.minimize(x**2 + y**2, constraints)
    assert NumericForm(problem).independent_equalities(np.array([0.3, 0.2])) is None


def test_duplicated_equality_solves_to_the_closed_form_with_valid_multipliers():
    # min x²+y²+z² on x+y+z = 3 (twice): x = (1, 1, 1), and λ_sum + 2 λ_twice = −2
    problem = lk.minimize(
        x**2 + y**2 + z**2, {"sum": sp.Eq(x + y + z, 3), "twice": sp.Eq(2 * x + 2 * y + 2 * z, 6)}
    )
    r = lk.solve(problem, method="slsqp", x0=[3.0, -1.0, 0.5])
    assert r.success
    np.testing.assert_allclose(r.x, [1.0, 1.0, 1.0], atol=1e-8)
    assert r.multipliers["sum"] + 2 * r.multipliers["twice"] == pytest.approx(-2.0, abs=1e-8)


@pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")
def test_hs55_slsqp_reaches_the_published_optimum_from_a_point_where_it_used_to_stall():
    case = hs_case("HS55")
    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == "HS55")
    # a feasible point near x*, on which SLSQP with all six rows ended without moving
    start = [0.01722914, 1.33907638, 1.64369448, 0.98277086, 0.66092362, 0.35630552]
    r = lk.solve(case.problem, method="slsqp", x0=start)
    assert r.success and r.kkt.ok
    assert r.fun == pytest.approx(entry["f_star"], rel=1e-10)
    np.testing.assert_allclose(r.x, case.x_star, atol=1e-7)
    assert lk.solve(case.problem, x0=entry["x0"]).fun == pytest.approx(entry["f_star"], rel=1e-10)


def test_a_callable_jacobian_that_raises_away_from_x0_is_not_taken_for_affine():
    import math

    # h = log(x1) + x2 − 1 is defined for x1 > 0 only; the affinity probe looks at x0 + ½·max(1, |x0|)
    # and at a second point, where math.log of a negative number raises ValueError
    def h(v):
        return math.log(v[0]) + v[1] - 1.0

    def h_jac(v):
        if v[0] <= 0 or v[0] > 1.2:
            raise ValueError("outside the domain")
        return np.array([1.0 / v[0], 1.0])

    problem = lk.from_functions(
        lambda v: (v[0] - 1.0) ** 2 + (v[1] - 1.0) ** 2,
        2,
        eq=[h],
        jac=[h_jac],
        grad=lambda v: 2 * (v - 1.0),
        bounds=[(0.5, 1.2), (None, None)],
    )
    form = NumericForm(problem)
    assert form.independent_equalities(np.array([1.0, 1.0])) is None
    r = lk.solve(problem, method="slsqp", x0=[1.0, 1.0])  # x* = (1, 1): h(x*) = 0, ∇f(x*) = 0
    assert r.success
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=1e-8)
