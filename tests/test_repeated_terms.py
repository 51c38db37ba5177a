"""Sums of many terms of one shape evaluated as one vectorised template
(lagrangekit.repeated_terms), against plain sympy: the value, ``sp.diff`` of the whole sum and
its Hessian, lambdified by sympy itself, at random points. HS25 (99 terms), a sum mixing two
shapes with other terms, undefined points (NaN where a term is), and the compiled problem."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from _hs import hs_case
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangekit import expression_rows
from lagrangekit.expression_rows import ExpressionRows
from lagrangekit.repeated_terms import split_repeated

X, Y, Z = sp.symbols("x y z", real=True)
RTOL = 1e-12


def _reference(variables, expr):
    """(value, gradient, Hessian) functions of ``expr`` by sympy alone: each term of the sum
    differentiated by ``sp.diff`` and lambdified by sympy, and the terms' results added."""
    terms = expr.args if isinstance(expr, sp.Add) else (expr,)
    n = len(variables)
    first = [[sp.diff(term, v) for v in variables] for term in terms]
    second = [[sp.diff(d, v) for d in row for v in variables] for row in first]
    funcs = [
        sp.lambdify([variables], list(terms)),
        sp.lambdify([variables], first),
        sp.lambdify([variables], second),
    ]

    def total(k, x, shape):
        parts = funcs[k](list(map(float, x)))
        return sum(np.array(part, dtype=float).reshape(shape) for part in parts)

    return (
        lambda x: float(total(0, x, ())),
        lambda x: total(1, x, (n,)),
        lambda x: total(2, x, (n, n)),
    )


@pytest.fixture(autouse=True)
def _every_row_large(monkeypatch):
    """Rows are split into groups only when they are large (nodes x variables above
    ``_LARGE``); the small sums here take that route too."""
    monkeypatch.setattr(expression_rows, "_LARGE", 10)


def _close(got, want):
    scale = np.max(np.abs(want), initial=0.0)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * scale)


def _check(variables, expr, points):
    rows = ExpressionRows(variables, [expr], lambda: None)
    rows.values(points[0])
    assert rows._repeated, "the sum was not split into groups"
    value, grad, hess = _reference(variables, expr)
    for x in points:
        _close(rows.scalar(x), value(x))
        _close(rows.gradient(x), grad(x))
        _close(rows.hessian(x), hess(x))
    X_many = np.array(points)
    _close(rows.values_many(X_many)[:, 0], np.array([value(x) for x in points]))
    return rows


def _fit_sum(ts, ys):
    """Σ (y − exp(−z·t)·x − y_t)²-style data fit with two shapes of terms."""
    terms = [(yv - X * sp.exp(-Z * tv)) ** 2 for tv, yv in zip(ts, ys)]
    terms += [sp.log(1 + (Y - tv) ** 2) for tv in ts]
    return sp.Add(*terms) + X**2 * Y + sp.sin(Z)


def test_data_fit_sum_splits_into_two_groups_and_a_rest():
    rng = np.random.default_rng(0)
    ts = [sp.Rational(k, 7) for k in range(1, 13)]
    ys = [sp.Float(v) for v in rng.normal(size=12)]
    expr = _fit_sum(ts, ys)
    rest, groups = split_repeated([X, Y, Z], expr)
    assert sorted(g.size for g in groups) == [12, 12]
    assert sp.simplify(rest - (X**2 * Y + sp.sin(Z))) == 0
    _check([X, Y, Z], expr, [rng.normal(size=3) for _ in range(4)])


def test_few_terms_are_not_grouped():
    expr = sp.Add(*[(X - k) ** 4 * sp.exp(Y * k) for k in range(1, 7)])
    assert split_repeated([X, Y], expr) is None


def test_hs25_objective_matches_sympy():
    """HS25's 99 terms form one group; its first 9 terms (the same shape) against sympy's
    derivatives, and the whole compiled objective's value against sympy's."""
    problem = hs_case("HS25").problem
    variables = list(problem.variables)
    split = split_repeated(variables, problem.objective)
    assert split is not None and split[0] == 0 and [g.size for g in split[1]] == [99]
    rng = np.random.default_rng(1)
    points = [
        np.array([50.0, 22.0, 1.5]) + rng.uniform(-3, 3, 3) * [1, 1, 0.1] for _ in range(3)
    ]  # x2 < 25 <= u_i
    _check(variables, sp.Add(*problem.objective.args[:9]), points)
    value = sp.lambdify([variables], problem.objective)
    for x in points:
        _close(problem.compile().fun(x), float(value(list(map(float, x)))))


def test_undefined_term_gives_nan_like_the_sum():
    expr = sp.Add(*[sp.log(X - k) * Y for k in range(10)])
    rows = ExpressionRows([X, Y], [expr], lambda: None)
    with np.errstate(all="ignore"):
        assert np.isnan(rows.scalar(np.array([5.0, 1.0])))  # log of a negative number for k > 5
        assert np.isfinite(rows.scalar(np.array([10.5, 1.0])))


@settings(max_examples=3, deadline=None)
@given(
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=8, max_size=20),
    st.tuples(*[st.floats(-1.5, 1.5, allow_nan=False)] * 3),
)
def test_random_exponential_fits_match_sympy(data, point):
    expr = sp.Add(*[(sp.Float(d) - X * sp.exp(Y * k / 10) + Z) ** 2 for k, d in enumerate(data, start=1)])
    _check([X, Y, Z], expr, [np.array(point)])
