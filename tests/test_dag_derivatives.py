"""Derivatives of large rows by forward mode on their DAG (lagrangekit.dag_derivatives) against
plain sympy: ``sp.diff`` of the expression, lambdified by sympy itself, at random points. The
Hock–Schittkowski objectives that take that route (HS70, HS25), a hypothesis battery of random
expressions whose subtrees repeat, mixed problems (large and small rows together) and the
refusal of non-smooth terms."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit import dag_derivatives, expression_rows
from lagrangekit._lambdify import _is_large
from lagrangekit.dag_derivatives import DerivativeProgram
from lagrangekit.expression_rows import ExpressionRows, _is_large_row

X, Y, Z = sp.symbols("x y z")  # no assumptions: sqrt(x**2) stays a smooth sqrt
RTOL = 1e-12


def _reference(variables, expr, order):
    """The gradient (order 1) or Hessian (order 2) of ``expr`` by sp.diff, lambdified by sympy."""
    if order == 1:
        entries = [sp.diff(expr, v) for v in variables]
    else:
        first = [sp.diff(expr, v) for v in variables]
        entries = [sp.diff(d, v) for d in first for v in variables]
    func = sp.lambdify([variables], entries)
    n = len(variables)
    return lambda x: np.array(func(list(map(float, x))), dtype=float).reshape((n,) * order)


def _program(variables, expr, order):
    """The gradient or the full Hessian from DerivativeProgram, as an array function."""
    n = len(variables)
    program = DerivativeProgram(variables, [expr], order)
    if order == 1:
        codes = [program.gradient[0].get(i, "0") for i in range(n)]
    else:
        part = program.hessian[0]
        codes = [part.get((min(i, j), max(i, j)), "0") for i in range(n) for j in range(n)]
    func = program.function(codes)
    return lambda x: np.array(func(np.asarray(x, dtype=float)), dtype=float).reshape((n,) * order)


def _assert_close(got, want):
    scale = np.max(np.abs(want), initial=0.0)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * scale)


def _check(variables, expr, point, reference_variables=None, reference_expr=None):
    """Gradient and Hessian by the program against sympy's (of ``reference_expr`` in
    ``reference_variables`` when given: the same expression renamed)."""
    for order in (1, 2):
        want = _reference(reference_variables or variables, reference_expr or expr, order)(point)
        _assert_close(_program(variables, expr, order)(point), want)


def _hs_points(name, k, seed=0):
    """k points within 20% below HS ``name``'s x* (inside its domain: HS25's powers need
    x2 < 25.6, its x* has x2 = 25)."""
    rng = np.random.default_rng(seed)
    x_star = hs_case(name).x_star
    return [x_star * (1 - 0.2 * rng.uniform(0, 1, size=x_star.shape)) for _ in range(k)]


def _summands(expr, k):
    return sp.Add(*sp.Add.make_args(expr)[:k])


@pytest.mark.parametrize("name", ["HS70", "HS25"])
def test_hs_objectives_take_the_dag_route(name):
    assert _is_large_row(hs_case(name).problem.minimize_objective)


@pytest.mark.parametrize("name", ["HS70", "HS25"])
@pytest.mark.parametrize("order", [1, 2])
def test_hs_derivatives_of_a_few_residuals_equal_sympys(name, order):
    """One or two of the squared residuals (sympy's derivatives of the whole objective take seconds
    to minutes: see the slow test)."""
    problem = hs_case(name).problem
    f, variables = _summands(problem.minimize_objective, 3 - order), list(problem.variables)
    want, got = _reference(variables, f, order), _program(variables, f, order)
    for x in _hs_points(name, 3):
        _assert_close(got(x), want(x))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["HS70", "HS25"])
def test_hs_derivatives_through_compile_equal_sympys(name):
    problem = hs_case(name).problem
    f, variables = problem.minimize_objective, list(problem.variables)
    cp = problem.compile()
    for order, got in ((1, cp.grad), (2, cp.hess)):
        want = _reference(variables, f, order)
        for x in _hs_points(name, 2):
            _assert_close(got(x), want(x))


# ----------------------------------------------------------------- random expressions
_UNARY = (sp.exp, sp.log, sp.sin, sp.sqrt)


@st.composite
def _expressions(draw):
    """A random expression of x, y, z built from +, *, /, **, exp, log, sin, sqrt, each step
    combining earlier ones, so that subtrees repeat (a DAG, not a tree)."""
    pool = [X, Y, Z, sp.Integer(draw(st.integers(1, 3))), sp.Rational(draw(st.integers(1, 5)), 3)]
    for _ in range(draw(st.integers(3, 10))):
        a, b = (pool[draw(st.integers(0, len(pool) - 1))] for _ in range(2))
        op = draw(st.sampled_from(["+", "*", "/", "**", "f"]))
        if op == "+":
            new = a + b
        elif op == "*":
            new = a * b
        elif op == "/":
            new = a / (1 + b**2)
        elif op == "**":
            exponent = draw(st.sampled_from([2, 3, -1, sp.Rational(1, 2), sp.Rational(-3, 2), b / 4]))
            new = (1 + a**2) ** exponent
        else:
            new = draw(st.sampled_from(_UNARY))(1 + a**2 if draw(st.booleans()) else a)
        pool.append(new)
    expr = sp.Add(*pool[-3:]) * pool[-1]
    assume(not _is_large([expr], 400))  # as a tree (sympy's derivatives expand it): small
    return expr


def _check_random(expr, point):
    variables = [X, Y, Z]
    x = np.array(point)
    with np.errstate(all="ignore"):
        for order in (1, 2):
            want = _reference(variables, expr, order)(x)
            if not np.all(np.isfinite(want)) or np.max(np.abs(want), initial=0) > 1e8:
                return  # outside the domain, or too large to compare at 1e-12
            _assert_close(_program(variables, expr, order)(x), want)


_POINTS = st.tuples(*[st.floats(0.3, 2.0)] * 3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions(), _POINTS)
def test_random_expressions_equal_sympys_derivatives(expr, point):
    _check_random(expr, point)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions(), _POINTS)
def test_random_expressions_equal_sympys_derivatives_many(expr, point):
    _check_random(expr, point)


def test_a_node_repeated_many_times():
    u = sp.exp(X * Y) + sp.sqrt(1 + Z**2)
    expr = sum((u - k) ** 2 * sp.sin(u * k) for k in range(1, 8)) + sp.log(1 + u**2) * u
    _check([X, Y, Z], expr, (0.3, 0.2, 0.7))


def test_general_exponent_and_a_function_of_two_arguments():
    expr = (1 + X**2) ** (Y * Z) + sp.atan2(X + Y, 1 + Z**2) * sp.exp(X)
    _check([X, Y, Z], expr, (0.4, -1.3, 0.8))


def test_a_node_differentiated_whole():
    expr = sp.Piecewise((X**2 * Y, X > 0), (sp.sin(X) * Y, True)) * sp.exp(Z)
    for point in ((0.7, 2.0, 0.1), (-0.7, 2.0, 0.1)):
        _check([X, Y, Z], expr, point)


def test_variable_names_of_numpy_functions_do_not_collide():
    e, exp, pi = sp.symbols("e exp pi")
    expr = sum((sp.exp(-e * k) * exp - pi * k) ** 2 * sp.log(pi + e) for k in range(1, 12))
    plain = expr.subs({e: X, exp: Y, pi: Z}, simultaneous=True)
    _check([e, exp, pi], expr, (0.3, 1.1, 0.5), [X, Y, Z], plain)


# ----------------------------------------------------------------- through compile()
def _large(k):
    return sum((sp.exp(-X * t / 10) * Y - sp.sqrt(1 + Z**2) * t) ** 2 for t in range(1, k))


def test_large_and_small_rows_together(monkeypatch):
    """Constraint rows: one large (DAG), one general small (sympy), one quadratic (with the
    size limit lowered so that sympy's reference derivatives stay cheap)."""
    monkeypatch.setattr(expression_rows, "_LARGE", 60)
    big = _large(6)
    constraints = [big <= 10, sp.exp(X) * Y <= 3, X**2 + Y * Z <= 4]
    problem = lk.minimize(X + Y + Z, constraints, variables=[X, Y, Z])
    exprs = [c.expr for c in problem.inequalities]
    assert [_is_large_row(e) for e in exprs] == [True, False, False]
    cp = problem.compile()
    point = np.array([0.3, 0.8, 0.4])
    for order, got in ((1, cp.ineq_jac), (2, cp.ineq_hess)):
        want = np.array([_reference([X, Y, Z], e, order)(point) for e in exprs])
        _assert_close(got(point), want)


def test_values_of_a_large_row_with_a_small_one(monkeypatch):
    """Values (one point, and many at once) of all rows by the DAG when one row is large."""
    monkeypatch.setattr(expression_rows, "_LARGE", 60)
    exprs = [_large(6), sp.exp(X) * Y + sp.Integer(2), sp.Integer(3)]
    rows = ExpressionRows([X, Y, Z], exprs, lambda: None)
    assert rows._large_rows == ([1], [0])
    want = sp.lambdify([[X, Y, Z]], exprs)
    points = np.array([[0.3, 0.8, 0.4], [1.5, -0.2, 2.0]])
    _assert_close(rows.values(points[0]), np.array(want(points[0]), dtype=float))
    _assert_close(rows.values_many(points), np.array([want(p) for p in points], dtype=float))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_point_with_nan_or_inf_gives_ieee_values_not_an_exception(bad):
    """As sympy's lambdified derivatives do: NaN where they give NaN (exp(-inf) = 0 makes some
    entries finite at inf), no Python exception."""
    expr = _large(6)
    point = (bad, 0.8, 0.4)
    with np.errstate(all="ignore"):
        for order in (1, 2):
            got = _program([X, Y, Z], expr, order)(point)
            want = _reference([X, Y, Z], expr, order)(point)
            finite = np.isfinite(want)
            assert np.array_equal(np.isfinite(got), finite)
            _assert_close(got[finite], want[finite])


def test_nonsmooth_large_row_refuses():
    problem = lk.minimize(_large(100) + sp.Abs(X), variables=[X, Y, Z])
    cp = problem.compile()
    assert np.isfinite(cp.fun(np.array([0.3, 0.8, 0.4])))
    for derivative in (cp.grad, cp.hess):
        with pytest.raises(lk.NotSmoothError, match="Abs"):
            derivative(np.array([0.3, 0.8, 0.4]))


def test_hs25_still_solves_from_x0():
    case = hs_case("HS25")
    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == "HS25")
    r = lk.solve(case.problem, x0=np.array(entry["x0"], dtype=float))
    assert r.success, r.message
    assert r.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-8)


# ----------------------------------------------------------------- products of many factors
_PRODUCT = 3 * X * Y * Z * sp.sin(X) * sp.exp(Y * Z) * (1 + X**2) * (Y + Z) * sp.sqrt(1 + Z**2) * (X - Z)


@pytest.mark.parametrize("point", [(0.4, -1.3, 0.8), (0.0, 0.5, 0.7), (0.0, 0.0, 0.7)])
def test_a_product_of_many_factors_sharing_variables(point):
    # the product rule over all factors at once (prefix and suffix products), also where
    # factors are zero: no division by a factor is taken
    _check([X, Y, Z], _PRODUCT, point)


def _large_rows(exprs, monkeypatch):
    monkeypatch.setattr(expression_rows, "_LARGE", 30)
    rows = ExpressionRows([X, Y, Z], exprs, lambda: None)
    assert rows._large_rows[1] == list(range(len(exprs)))
    return rows


@pytest.mark.parametrize("point", [(0.4, -1.3, 0.8), (2e3, 0.5, -0.7)])
def test_a_hessian_too_large_for_code_by_a_complex_step_on_the_gradient(monkeypatch, point):
    # past the budget of Hessian code the Hessian is Im ∇f(x + i·h·e_j)/h: no difference is
    # taken, so it agrees with sympy's to rounding
    monkeypatch.setattr(dag_derivatives, "_HESSIAN_TERMS", 0)
    exprs = [_PRODUCT, _large(5)]
    rows = _large_rows(exprs, monkeypatch)
    got = rows.hessians(np.array(point))
    assert isinstance(rows._hessian_entries[1], expression_rows._SteppedHessians)
    for k, expr in enumerate(exprs):
        _assert_close(got[k], _reference([X, Y, Z], expr, 2)(point))


def test_a_hessian_too_large_for_code_without_complex_arithmetic_by_central_differences(monkeypatch):
    # numpy's arctan2 takes no complex input: then central differences of the gradient, whose
    # error is O(h²) with h = eps^(1/3): about 1e-10 relative here
    monkeypatch.setattr(dag_derivatives, "_HESSIAN_TERMS", 0)
    expr = _large(5) * sp.atan2(X + Y, 1 + Z**2)
    rows = _large_rows([expr], monkeypatch)
    point = (0.4, -1.3, 0.8)
    want = _reference([X, Y, Z], expr, 2)(point)
    got = rows.hessians(np.array(point))[0]
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-7 * np.abs(want).max())
