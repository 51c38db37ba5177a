"""Active-set pruning by the sign of ∂f/∂x on a face of the box (lagrangekit.symbolic_sign_pruning).

References: hand derivations, sampling of the face (an excluded set must have a row of one
strict sign everywhere on its face), and the published Hock–Schittkowski optimum of HS38.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.symbolic_sign_pruning import FaceSigns

x, y = sp.symbols("x y", real=True)


def _active_sets(n: int):
    """Every assignment of free / lower / upper to n variables."""
    return itertools.product(("free", "lower", "upper"), repeat=n)


def test_box_quadratic_keeps_only_the_optimal_face():
    # f = (x − 3)² + (y + 1)² on [0, 2]²: ∂f/∂x = 2(x − 3) ∈ [−6, −2], ∂f/∂y = 2(y + 1) ∈ [2, 6];
    # by hand the only KKT point is x = 2 (upper, μ = 2), y = 0 (lower, μ = 2)
    signs = FaceSigns.build((x - 3) ** 2 + (y + 1) ** 2, [], [], [x, y], [(0, 2), (0, 2)])
    bound = {"lower": 0, "upper": 2}
    kept = []
    for sides in _active_sets(2):
        fixed = {j: (s, sp.Integer(bound[s])) for j, s in enumerate(sides) if s != "free"}
        if not signs.excludes(fixed, []):
            kept.append(sides)
    assert kept == [("upper", "lower")]
    res = lk.solve_symbolic(lk.minimize((x - 3) ** 2 + (y + 1) ** 2, bounds={x: (0, 2), y: (0, 2)}))
    assert res.exact[x] == 2 and res.exact[y] == 0
    assert res.exact["upper:x"] == 2 and res.exact["lower:y"] == 2


def test_rows_with_a_multiplier_are_not_used():
    # min x s.t. 1 − x <= 0 on [0, 5]: ∂f/∂x = 1 > 0, so x free with nothing active is excluded,
    # but with the general inequality active the row holds its multiplier (μ = 1 by hand)
    signs = FaceSigns.build(x, [], [1 - x], [x], [(0, 5)])
    assert signs.excludes({}, [])
    assert not signs.excludes({}, [0])
    signs_eq = FaceSigns.build(x, [x - 1], [], [x], [(0, 5)])
    assert not signs_eq.excludes({}, [])  # an equality involves x: its λ is in the row
    res = lk.solve_symbolic(lk.minimize(x, {"g": 1 - x <= 0}, bounds={x: (0, 5)}))
    assert res.exact[x] == 1 and res.exact["g"] == 1


def test_unbounded_variables_and_transcendental_rows_are_left_alone():
    # ∂f/∂y = 2y + 3 vanishes at y = −3/2; y has no box, so its row cannot be enclosed
    signs = FaceSigns.build(y**2 + 3 * y, [], [], [x, y], [(0, 1), (None, None)])
    assert not signs.excludes({}, [])
    signs = FaceSigns.build(sp.exp(x), [], [], [x], [(0, 1)])
    assert not signs.excludes({}, [])  # not polynomial: never used


coefficient = st.integers(-3, 3)


@settings(max_examples=25, deadline=None)
@given(st.lists(coefficient, min_size=6, max_size=6), st.integers(-2, 0), st.integers(1, 3))
def test_excluded_sets_have_a_row_of_one_sign_on_the_whole_face(coeffs, lo, hi):
    # f a random cubic in x, y on [lo, hi]²; an excluded set must show, at every sampled face point,
    # a row that breaks its KKT sign condition (the enclosure is never narrower than the range)
    a, b, c, d, e, g = coeffs
    f = a * x**3 + b * x * y**2 + c * y**3 + d * x**2 + e * x * y + g * y
    signs = FaceSigns.build(f, [], [], [x, y], [(lo, hi), (lo, hi)])
    rows = [sp.lambdify((x, y), sp.diff(f, v)) for v in (x, y)]
    grid = np.linspace(lo, hi, 13)
    for sides in _active_sets(2):
        value = {"lower": lo, "upper": hi}
        fixed = {j: (s, sp.Integer(value[s])) for j, s in enumerate(sides) if s != "free"}
        if not signs.excludes(fixed, []):
            continue
        axes = [[value[s]] if s != "free" else grid for s in sides]
        points = list(itertools.product(*axes))

        def broken(j, p, side):
            r = rows[j](*p)
            return {"free": r != 0, "lower": r < 0, "upper": r > 0}[side]

        assert any(all(broken(j, p, sides[j]) for p in points) for j in range(2))


@pytest.mark.slow
@pytest.mark.skipif(not HS_PATH.exists(), reason=f"{HS_PATH} is absent")
def test_hs38_is_solved_exactly_after_sign_pruning():
    # 8 bounds (81 active sets); all but a few are excluded by the signs of ∂f/∂x on their face
    case = hs_case("HS38")
    res = lk.solve_symbolic(case.problem, timeout=120)
    assert res.status == "optimal" and res.kkt.ok and res.kkt.stationarity == 0
    assert res.fun == pytest.approx(case.f_star, abs=1e-9)
    assert [float(res.exact[v]) for v in case.problem.variables] == pytest.approx(list(case.x_star), abs=1e-6)
