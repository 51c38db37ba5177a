"""Active-set pruning by the affine part of the constraints, and rational KKT systems.

References: hand derivations, cvxpy (Clarabel) for feasibility of random polyhedra, and the
published Hock–Schittkowski optimum of HS44 (skipped when ../shared is absent).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.symbolic_pruning import AffineRows

x, y = sp.symbols("x y", real=True)


def test_empty_faces_of_a_triangle_are_pruned():
    # the triangle x + y <= 1, x >= 0, y >= 0 (rows: x + y − 1, −x, −y): every face is nonempty
    rows = AffineRows.build([], [x + y - 1, -x, -y], [x, y])
    assert not any(rows.infeasible(a) for a in [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2)])
    assert rows.infeasible((0, 1, 2))  # x + y = 1 and x = y = 0: no point
    # with x − y = 3 the triangle is missed: x = y + 3 >= 3 breaks x + y <= 1
    assert AffineRows.build([x - y - 3], [x + y - 1, -x, -y], [x, y]).infeasible(())


def test_nonlinear_constraints_are_left_out_never_used_to_prune():
    # x² + y² <= 1 active with x >= 2: infeasible, but only the affine part is checked
    rows = AffineRows.build([], [x**2 + y**2 - 1, 2 - x], [x, y])
    assert not rows.infeasible((0,))
    assert not rows.infeasible(())
    assert not AffineRows.build([], [x**2 - 1], [x]).infeasible((0,))  # no affine row at all


coefficient = st.integers(-3, 3)


@given(st.lists(st.tuples(coefficient, coefficient, coefficient), min_size=3, max_size=5), st.data())
@settings(max_examples=15, deadline=None)
def test_agrees_with_cvxpy_on_random_polyhedra(planes, data):
    exprs = [a * x + b * y - c for a, b, c in planes if (a, b) != (0, 0)]
    if not exprs:
        return
    active = tuple(data.draw(st.sets(st.integers(0, len(exprs) - 1), max_size=2)))
    rows = AffineRows.build([], exprs, [x, y])
    v = cp.Variable(2)
    cons = []
    for k, (a, b, c) in enumerate(p for p in planes if (p[0], p[1]) != (0, 0)):
        lhs = a * v[0] + b * v[1] - c
        cons.append(lhs == 0 if k in active else lhs <= 0)
    status = cp.Problem(cp.Minimize(0), cons).solve(solver=cp.CLARABEL)
    if rows.infeasible(active):  # a prune is never wrong
        assert status == np.inf
    elif status == np.inf:  # and an infeasible face is pruned unless it is a near miss
        slack = cp.Variable()
        soft = [
            (a * v[0] + b * v[1] - c) / np.hypot(a, b) == 0
            if k in active
            else (a * v[0] + b * v[1] - c) / np.hypot(a, b) <= slack
            for k, (a, b, c) in enumerate(p for p in planes if (p[0], p[1]) != (0, 0))
        ]
        assert cp.Problem(cp.Minimize(slack), soft).solve(solver=cp.CLARABEL) < 1e-6


def test_qp_with_pruned_faces_keeps_the_hand_derived_answer():
    # min (x−3)² + (y−3)² on x + y <= 2, x, y >= 0, x − y <= 5: by hand (1, 1) with μ_cap = 4
    res = lk.solve_symbolic(
        lk.minimize(
            (x - 3) ** 2 + (y - 3) ** 2,
            {"cap": x + y <= 2, "skew": x - y <= 5},
            bounds={x: (0, None), y: (0, None)},
        )
    )
    assert res.exact[x] == 1 and res.exact[y] == 1 and res.exact["cap"] == 4
    assert res.exact["skew"] == 0 and res.kkt.ok


def test_rational_constraint_solved_through_its_numerators():
    # min x + y s.t. 1/x + 1/y <= 1 with x, y >= 1/2: by hand x = y = 2 (1 = μ/x²), μ = 4
    res = lk.solve_symbolic(
        lk.minimize(
            x + y, {"harmonic": 1 / x + 1 / y <= 1}, bounds=dict.fromkeys((x, y), (sp.Rational(1, 2), None))
        )
    )
    assert res.exact[x] == 2 and res.exact[y] == 2 and res.exact["harmonic"] == 4
    best = next(c for c in res.candidates if c.optimal)
    assert "numerators" in best.method and best.classification == "local min"


@pytest.mark.slow
@pytest.mark.skipif(not HS_PATH.exists(), reason=f"{HS_PATH} is absent")
def test_hs44_bilinear_on_a_polytope_matches_published_optimum():
    case = hs_case("HS44")  # 10 affine inequalities and bounds in 4 variables: most faces are empty
    res = lk.solve_symbolic(case.problem, timeout=120)
    assert res.status == "optimal" and res.kkt.ok
    assert res.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-9)
