"""Exact real solutions of polynomial systems and exact arithmetic on algebraic numbers.

References: sympy.solve (another algorithm on the same system), numpy.roots, mpmath at 50
digits, and hand derivations; the HS cases compare with the published f* of ../shared/data.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.polynomial_systems import real_solutions, reduce_algebraic

x, y, z = sp.symbols("x y z", real=True)


def _numeric(solutions, unknowns) -> list[tuple[float, ...]]:
    return sorted(tuple(round(float(sp.N(s[u], 30)), 9) for u in unknowns) for s in solutions)


def _sympy_real(equations, unknowns) -> list[tuple[float, ...]]:
    """Real solutions by sympy.solve (an independent route), rounded."""
    out = []
    for s in sp.solve(equations, unknowns, dict=True):
        values = [complex(sp.N(s[u], 30)) for u in unknowns]
        if all(abs(v.imag) < 1e-12 for v in values):
            out.append(tuple(round(v.real, 9) for v in values))
    return sorted(set(out))


def _exactly_zero(equations, solution) -> bool:
    for e in equations:
        value = e.xreplace(solution)
        reduced = reduce_algebraic(value) if value.has(sp.CRootOf) else sp.simplify(value)
        if reduced != 0:
            return False
    return True


def test_circle_and_line_match_sympy_solve():
    eqs = [x**2 + y**2 - 1, x - y]
    sols, method = real_solutions(eqs, [x, y])
    assert "Gröbner" in method
    assert _numeric(sols, [x, y]) == _sympy_real(eqs, [x, y])
    h = 1 / sp.sqrt(2)  # by hand: x = y = ±1/√2
    assert sorted(sp.simplify(s[x] ** 2 - h**2) == 0 and s[x] == s[y] for s in sols) == [True, True]


def test_repeated_coordinates_need_a_separating_form():
    # x² = 1, y² = 1: four points, two per value of y, so the lex basis is not in shape position
    eqs = [x**2 - 1, y**2 - 1]
    sols, method = real_solutions(eqs, [x, y])
    assert sorted((int(s[x]), int(s[y])) for s in sols) == [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    assert "separating" in method or "rational roots" in method


def test_rational_roots_are_substituted_then_the_rest_solved():
    # (y - 1)(y - 2) = 0 and x² = y: y = 1 gives x = ±1, y = 2 gives x = ±√2
    eqs = [(y - 1) * (y - 2), x**2 - y]
    sols, _ = real_solutions(eqs, [x, y])
    assert _numeric(sols, [x, y]) == _sympy_real(eqs, [x, y])
    assert len(sols) == 4 and all(_exactly_zero(eqs, s) for s in sols)


def test_multiple_root_is_listed_once():
    sols, _ = real_solutions([x**2, y - 1], [x, y])
    assert sols == [{x: 0, y: 1}]


def test_inconsistent_complex_only_and_positive_dimensional():
    assert real_solutions([x - 1, x - 2], [x]) == ([], real_solutions([x - 1, x - 2], [x])[1])
    assert real_solutions([x**2 + 1, y], [x, y])[0] == []  # only complex solutions
    assert real_solutions([x - y], [x, y]) is None  # a line: infinitely many
    assert real_solutions([x - sp.exp(1)], [x]) is None  # coefficients outside Q


def test_irrational_roots_of_a_cubic_with_numpy_reference():
    # x³ − 3x + 1 has three real roots (2 cos(2πk/9 ± ...)); y = x² at each
    eqs = [x**3 - 3 * x + 1, y - x**2]
    sols, _ = real_solutions(eqs, [x, y])
    roots = sorted(r.real for r in np.roots([1, 0, -3, 1]))
    assert [s[0] for s in _numeric(sols, [x, y])] == pytest.approx(roots, abs=1e-9)
    assert all(s[x].has(sp.CRootOf) for s in sols)
    assert all(_exactly_zero(eqs, s) for s in sols)  # exact residual: zero in Q[θ]/(Q)


def test_three_unknowns_kkt_system_matches_sympy_solve():
    # stationarity of x + 2y + 2z on the sphere x² + y² + z² = 9; by hand: 1 + 2λx = 0 at
    # ±(1, 2, 2), so λ = ∓1/2
    lam = sp.Symbol("lam")
    f, h = x + 2 * y + 2 * z, x**2 + y**2 + z**2 - 9
    eqs = [sp.diff(f + lam * h, v) for v in (x, y, z)] + [h]
    sols, _ = real_solutions(eqs, [x, y, z, lam])
    assert sorted((s[x], s[y], s[z], s[lam]) for s in sols) == [
        (-1, -2, -2, sp.Rational(1, 2)),
        (1, 2, 2, -sp.Rational(1, 2)),
    ]


def test_reduce_algebraic_is_exact_arithmetic_modulo_the_minimal_polynomial():
    t = sp.CRootOf(x**3 - x - 1, 0)  # the plastic number
    assert reduce_algebraic(t**3 - t - 1) == 0
    assert reduce_algebraic(t**5 - t**4 - 1) == 0  # x⁵ − x⁴ − 1 = (x³ − x − 1)(x² − x + 1)
    inverse = reduce_algebraic(1 / (t**2 + 1))
    assert sp.Poly(inverse.xreplace({t: x}), x).degree() < 3
    mpmath.mp.dps = 50
    plastic = mpmath.findroot(lambda s: s**3 - s - 1, 1.3)
    assert abs(mpmath.mpf(sp.N(inverse, 50)) - 1 / (plastic**2 + 1)) < mpmath.mpf(10) ** -45
    assert reduce_algebraic(t + sp.sqrt(2)) is None  # another irrational
    assert reduce_algebraic(t + sp.CRootOf(x**3 - x - 2, 0)) is None  # two algebraic numbers
    assert reduce_algebraic(sp.exp(t)) is None


def test_division_by_an_algebraic_zero_is_refused():
    t = sp.CRootOf(x**3 - x - 1, 0)
    assert reduce_algebraic(1 / sp.Add(t**3, -t, -1, evaluate=False)) is None


small = st.integers(-3, 3)


@given(a=small, b=small, c=small, d=small, e=small)
@settings(max_examples=12, deadline=None)
def test_random_quadric_systems_match_sympy_solve(a, b, c, d, e):
    eqs = [x**2 + a * x * y + b * y**2 + c, x + d * y + e]
    found = real_solutions(eqs, [x, y])
    if found is None:  # positive-dimensional: sympy gives a parametrized family
        assert any(s[x].free_symbols or s.get(y, y).free_symbols for s in sp.solve(eqs, [x, y], dict=True))
        return
    assert _numeric(found[0], [x, y]) == _sympy_real(eqs, [x, y])


@pytest.mark.slow
@given(a=small, b=small, c=small, d=small, e=small, f=small)
@settings(max_examples=80, deadline=None)
def test_random_quadric_pairs_match_sympy_solve_slow(a, b, c, d, e, f):
    eqs = [x**2 + a * x * y + b * y**2 + c, y**2 + d * x + e * y + f]
    found = real_solutions(eqs, [x, y])
    if found is None:
        return
    assert _numeric(found[0], [x, y]) == _sympy_real(eqs, [x, y])


# ---------------------------------------------------------------- the KKT route
def _sphere() -> lk.Problem:
    return lk.minimize(x + 2 * y + 2 * z, {"sphere": sp.Eq(x**2 + y**2 + z**2, 9)})


def test_kkt_candidates_name_the_method():
    res = lk.solve_symbolic(_sphere())
    assert res.exact[x] == -1 and res.exact["sphere"] == sp.Rational(1, 2)
    assert all("Gröbner" in c.method for c in res.candidates)
    assert "Gröbner" in res.message
    assert all(c.to_dict()["method"] == c.method for c in res.candidates)
    assert "solved by Gröbner basis" in lk.derivation(_sphere(), result=res).text  # the derivation says it


def test_cubic_kkt_point_is_classified_and_exact():
    # min x⁴/4 − x² + x (no closed form in radicals needed: the stationary cubic x³ − 2x + 1
    # = (x − 1)(x² + x − 1)); by hand f'' = 3x² − 2: x = 1 min, (−1 + √5)/2 max, (−1 − √5)/2 min
    res = lk.solve_symbolic(lk.minimize(x**4 / 4 - x**2 + x))
    kinds = {round(float(c.point[x]), 9): c.classification for c in res.candidates}
    golden = (5**0.5 - 1) / 2
    assert kinds == {1.0: "local min", round(golden, 9): "local max", round(-1 - golden, 9): "local min"}
    assert res.exact[x] == (-1 - sp.sqrt(5)) / 2 and res.kkt.ok


def test_irreducible_quintic_kkt_point_certified_exactly():
    # min x⁶/6 − x² + x: stationary at x⁵ − 2x + 1 = (x − 1)(x⁴ + x³ + x² + x − 1), quartic roots
    # as CRootOf; the exact KKT residual is 0 and the classification matches f''(x) = 5x⁴ − 2
    res = lk.solve_symbolic(lk.minimize(x**6 / 6 - x**2 + x))
    ref = sorted(r.real for r in np.roots([1, 0, 0, 0, -2, 1]) if abs(r.imag) < 1e-12)
    assert sorted(float(c.point[x]) for c in res.candidates) == pytest.approx(ref, abs=1e-12)
    for c in res.candidates:
        second = 5 * float(c.point[x]) ** 4 - 2
        assert c.classification == ("local min" if second > 0 else "local max")
    assert res.kkt.ok and res.kkt.stationarity == 0


# exact since the Gröbner/FGLM route; HS17 takes about a second of CPU, the others a few
HS_NEW = ["HS17", pytest.param("HS15", marks=pytest.mark.slow), pytest.param("HS19", marks=pytest.mark.slow)]


@pytest.mark.skipif(not HS_PATH.exists(), reason=f"{HS_PATH} is absent")
@pytest.mark.parametrize("name", HS_NEW)
def test_new_exact_hock_schittkowski_solves_match_published_optima(name):
    case = hs_case(name)
    res = lk.solve_symbolic(case.problem, timeout=120)
    assert res.status == "optimal" and res.kkt.ok
    assert res.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(res.x, case.x_star, rtol=1e-5, atol=1e-8)
