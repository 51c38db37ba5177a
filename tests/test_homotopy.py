"""Homotopy continuation with Krawczyk certificates (lagrangekit.homotopy_solve), against roots
known independently: sympy.solve / solve_poly_system, closed forms, numpy.roots, and (slow) the
exact Gröbner route with HS71's published optimum."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit import symbolic
from lagrangekit.homotopy_solve import HOMOTOPY_METHOD, certified_real_solutions
from lagrangekit.krawczyk import RationalSystem
from lagrangekit.polynomial_systems import real_solutions

x, y, z = sp.symbols("x y z", real=True)


def _points(solutions, unknowns):
    return sorted(tuple(float(s[u]) for u in unknowns) for s in solutions)


def _close(value: sp.Expr, reference: sp.Expr) -> bool:
    return abs(sp.N(value - reference, 60)) < sp.Float("1e-45")


def test_products_of_linear_factors_give_every_rational_root_exactly():
    eqs = [(x - 1) * (x - 2) * (x + 3), (y - x) * (y + 1)]
    solutions, method = certified_real_solutions(eqs, [x, y])
    reference = sp.solve(eqs, [x, y], dict=True)
    assert sorted((s[x], s[y]) for s in solutions) == sorted((s[x], s[y]) for s in reference)
    assert all(v.is_Rational for s in solutions for v in s.values())
    assert "every real root exactly recognised" in method and "not proven" in method


def test_circle_and_parabola_meet_at_the_closed_form_points():
    # y = x², x² + y² = 1: y = (√5 − 1)/2, x = ±√y (the other two roots are complex)
    solutions, method = certified_real_solutions([x**2 + y**2 - 1, y - x**2], [x, y])
    y_star = (sp.sqrt(5) - 1) / 2
    reference = [(-sp.sqrt(y_star), y_star), (sp.sqrt(y_star), y_star)]
    found = sorted(((s[x], s[y]) for s in solutions), key=lambda p: float(p[0]))
    assert len(found) == 2
    assert all(_close(a, b) for p, q in zip(found, reference) for a, b in zip(p, q))
    assert all(s[x].has(sp.CRootOf) for s in solutions)
    assert "exactly recognised" in method


def test_agrees_with_sympy_solve_poly_system():
    eqs = [x * y - 2, x**2 + y**2 - 5, x + y + z - 1]
    solutions, _ = certified_real_solutions(eqs, [x, y, z])
    reference = sp.solve_poly_system(eqs, x, y, z)
    assert sorted(tuple(s[u] for u in (x, y, z)) for s in solutions) == sorted(reference)


def test_chebyshev_polynomial_roots_match_numpy():
    t6 = sp.chebyshevt(6, x)
    solutions, _ = certified_real_solutions([t6], [x])
    coeffs = [float(c) for c in sp.Poly(t6, x).all_coeffs()]
    expected = np.sort(np.roots(coeffs).real)
    assert len(solutions) == len(sp.Poly(t6, x).real_roots()) == 6
    assert np.allclose(sorted(float(s[x]) for s in solutions), expected, atol=1e-12)
    # cos((2k + 1)π/12), exactly
    closed = sorted((sp.cos((2 * k + 1) * sp.pi / 12) for k in range(6)), key=float)
    assert all(_close(s, c) for s, c in zip(sorted((s[x] for s in solutions), key=float), closed))


def test_paths_to_infinity_are_dropped_and_an_unrecognised_root_is_certified():
    # x⁵y = 2, y = x²: x⁷ = 2, so 7 finite roots (one real) of 12 paths; 5 go to infinity.
    # 2^(1/7) has degree 7, above the recognition limit: certified, not exact
    solutions, method = certified_real_solutions([x**5 * y - 2, y - x**2], [x, y])
    assert len(solutions) == 1
    root = sp.Integer(2) ** sp.Rational(1, 7)
    assert abs(solutions[0][x] - root) < 1e-29 and abs(solutions[0][y] - root**2) < 1e-29
    assert "0 of 1 real roots exactly recognised" in method
    assert certified_real_solutions([x**5 * y - 2, y - x**2], [x, y], exact=True) is None


def test_roots_in_a_field_of_two_square_roots_are_recognised_through_a_linear_form():
    # x = ±√2, y = ±√3: no coordinate generates Q(√2, √3), x + 2y does
    solutions, method = certified_real_solutions([x**2 - 2, y**2 - 3], [x, y])
    reference = sp.solve([x**2 - 2, y**2 - 3], [x, y], dict=True)
    assert len(solutions) == len(reference) == 4
    for ref in reference:
        assert any(all(_close(s[u], ref[u]) for u in (x, y)) for s in solutions)
    assert "every real root exactly recognised" in method


def test_no_real_root():
    solutions, _ = certified_real_solutions([x**2 + 1, y - x], [x, y])
    assert solutions == []


@pytest.mark.parametrize(
    "eqs",
    [
        [x * (y - 1), x * (y - 1) * (x + 2)],  # the line x = 0 (and y = 1) of solutions
        [(x - 1) ** 2, y - 1],  # a double root: no box holds it as a simple root
        [x**2 + y**2 - 1, x**2 + y**2 - 1],  # the whole circle
    ],
)
def test_positive_dimensional_or_singular_systems_give_none(eqs):
    assert certified_real_solutions(eqs, [x, y]) is None


def test_bad_input_and_the_path_budget_give_none():
    assert certified_real_solutions([x**2 - 2], [x, y]) is None  # not square
    assert certified_real_solutions([x**2 - sp.sqrt(2), y], [x, y]) is None  # not over Q
    assert certified_real_solutions([x**3 - 1, y**3 - 1], [x, y], max_paths=8) is None


def test_krawczyk_proves_a_simple_root_and_rejects_a_double_one():
    simple = RationalSystem([sp.Poly(x**2 - 2, x)])
    root = simple.refine([1.4], 60)
    box = simple.krawczyk(root, [mpmath.mpf(10) ** -30], 60)
    assert box is not None
    with mpmath.workdps(60):
        assert box[0][0] < mpmath.sqrt(2) < box[0][1]
    double = RationalSystem([sp.Poly((x - 1) ** 2, x)])
    centre = [mpmath.mpf(1) + mpmath.mpf(10) ** -40]
    assert double.krawczyk(centre, [mpmath.mpf(10) ** -30], 60) is None


@pytest.fixture
def homotopy_only(monkeypatch):
    """Every polynomial KKT system goes to the homotopy: a Gröbner budget of 0 s stops at once."""
    monkeypatch.setattr(symbolic, "_GROEBNER_BUDGET", 0.0)
    monkeypatch.setattr(symbolic, "_SMALL_SYSTEM", 0)


def test_the_exact_route_falls_back_to_the_homotopy_and_says_so(homotopy_only):
    # the optimum of x + y on the unit circle is x = y = 1/√2 with λ = 1/√2 (minimize form)
    res = lk.solve_symbolic(lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)}), timeout=None)
    assert res.status == "optimal" and res.scope == "local"
    assert _close(res.exact[x], 1 / sp.sqrt(2)) and _close(res.exact[y], 1 / sp.sqrt(2))
    assert _close(res.exact["circle"], 1 / sp.sqrt(2))
    assert res.kkt.ok and res.kkt.stationarity == 0
    best = next(c for c in res.candidates if c.optimal)
    assert best.method.startswith(HOMOTOPY_METHOD)
    assert "does not prove that none was missed" in res.message


def test_no_kkt_point_and_infeasible_are_not_claimed_on_homotopy_output(homotopy_only):
    # x² + y² <= 0 holds only at 0, where ∇g = 0 and ∇(x + y) = (1, 1): no multiplier exists, so
    # there is no KKT point (by hand); two disjoint unit disks have no common point
    cusp = lk.minimize(x + y, {"g": x**2 + y**2 <= 0})
    disks = lk.minimize(x**2 + y**2, {"g": x**2 + y**2 <= 1, "h": (x - 3) ** 2 + y**2 <= 1})
    for problem, status in ((cusp, "no_kkt_point"), (disks, "infeasible")):
        with pytest.raises(lk.SymbolicSolveError, match=f"would answer '{status}'.*homotopy continuation"):
            lk.solve_symbolic(problem, timeout=None)


@pytest.mark.slow
def test_hs71_optimal_face_agrees_with_groebner_and_holds_the_published_optimum():
    # HS71 (Hock & Schittkowski 1981): min x1·x4·(x1 + x2 + x3) + x3 s.t. Σ x_i² = 40,
    # x1·x2·x3·x4 >= 25, 1 <= x_i <= 5. On the optimum's face x1 = 1 with both constraints
    # active, the KKT system has 162 total-degree paths; its real roots must be the Gröbner
    # basis's (exact, sympy) and include the published x* = (1, 4.7429994, 3.8211503, 1.3794082)
    x2, x3, x4, lam, mu = sp.symbols("x2 x3 x4 lam mu", real=True)
    f = x4 * (1 + x2 + x3) + x3
    h = 1 + x2**2 + x3**2 + x4**2 - 40
    g = 25 - x2 * x3 * x4
    lagrangian = f + lam * h + mu * g
    unknowns = [x2, x3, x4, lam, mu]
    eqs = [sp.expand(sp.diff(lagrangian, v)) for v in (x2, x3, x4)] + [sp.expand(h), sp.expand(g)]
    solutions, method = certified_real_solutions(eqs, unknowns)
    reference, _ = real_solutions(eqs, unknowns)
    assert len(solutions) == len(reference)
    for ref in reference:
        assert any(all(abs(sp.N(s[u] - ref[u], 40)) < 1e-25 for u in unknowns) for s in solutions)
    published = (4.7429994, 3.8211503, 1.3794082)
    assert any(all(abs(float(s[u]) - p) < 1e-6 for u, p in zip((x2, x3, x4), published)) for s in solutions)
    assert "162 paths" in method
