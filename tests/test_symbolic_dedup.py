"""Deduplication of KKT points and families: two points are the same exactly when sympy's
simplify says their difference is zero (the reference); the fast paths never decide otherwise."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.symbolic import _same

a, b = sp.symbols("a b", real=True)

PAIRS = [
    ((sp.Integer(0), (a + 1) ** 2), (sp.Integer(0), a**2 + 2 * a + 1)),
    ((sp.sqrt(2), a), (2 / sp.sqrt(2), a)),
    ((sp.Rational(1, 3), a * b), (sp.Rational(1, 3), b * a + 0)),
    ((sp.Integer(0), a), (sp.Integer(0), b)),
    ((sp.Rational(1, 3), a), (sp.Rational(2, 6) + sp.Rational(1, 10**30), a)),
    ((sp.sin(a) ** 2 + sp.cos(a) ** 2, a), (sp.Integer(1), a)),
    ((a - b, sp.Integer(2)), (a - b + sp.Rational(1, 10**20), sp.Integer(2))),
]


@pytest.mark.parametrize(("left", "right"), PAIRS)
def test_same_agrees_with_simplify(left, right):
    reference = all(sp.simplify(u - v) == 0 for u, v in zip(left, right))
    assert _same(left, right) is reference


COEFFS = st.lists(st.integers(-3, 3), min_size=3, max_size=3)


@settings(max_examples=30, deadline=None)
@given(COEFFS, COEFFS)
def test_same_on_random_polynomial_families(p, q):
    left = (sp.expand(sum(c * a**k for k, c in enumerate(p))), sp.Rational(p[0], 7))
    right = (sum(c * a**k for k, c in enumerate(q)), sp.Rational(q[0], 7))
    assert _same(left, right) is (p == q)


def test_hs45_box_product_solved_with_its_continua_of_kkt_points():
    # min 2 - x1⋯x5/120 on 0 <= xi <= i: every point with two zero coordinates is a KKT point
    # (a continuum), which made deduplication quadratic in simplify calls; the minimum is at the
    # upper corner, f = 2 - 120/120 = 1 (by hand).
    xs = sp.symbols("x1:6", real=True)
    problem = lk.minimize(2 - sp.prod(xs) / 120, bounds={x: (0, k + 1) for k, x in enumerate(xs)})
    res = lk.solve_symbolic(problem, timeout=60)
    assert res.status == "optimal"
    assert all(res.exact[x] == k + 1 for k, x in enumerate(xs))
    # the upper bound's multiplier is -∂f/∂xi = (120 / i) / 120 = 1/i
    assert all(res.exact[f"upper:{x}"] == sp.Rational(1, k + 1) for k, x in enumerate(xs))
    assert res.fun == 1
