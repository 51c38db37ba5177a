"""Compiling problems to numeric callables, and what comes in: variable names that collide with
lambdify's namespace, bounds, non-real and overflowing constants, non-smooth terms, start points
outside the domain, KKT checks there, and from_functions callables that return garbage.

Every expected value comes from an independent reference: exact sympy evaluation, a closed form,
or numpy's own verdict on a function's domain.
"""

import math
import time

import numpy as np
import pytest
import sympy as sp
from _hostile import HOSTILE_NAMES
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.problem import Constraint, Problem

x, y = sp.symbols("x y", real=True)


def _exact_value(expr: sp.Expr, point: dict) -> float:
    return float(expr.xreplace({k: sp.Rational(v) for k, v in point.items()}).evalf(30))


# ------------------------------------------------------------------ 1. names
def test_variable_e_is_not_the_constant_E():
    result = lk.solve(lk.parse_problem("minimize (x-1)**2 + (y - E)**2 + (e - 3)**2"))
    names = [v.name for v in result.point]
    assert names == ["e", "x", "y"]
    np.testing.assert_allclose(result.x, [3.0, 1.0, math.e], atol=1e-6)


def test_check_kkt_does_not_read_E_as_the_variable_e():
    problem = lk.parse_problem("minimize (e - E)**2")
    at_zero = lk.check_kkt(problem, [0.0])
    assert not at_zero.ok
    assert at_zero.stationarity == pytest.approx(2 * math.e, rel=1e-12)  # |2 (0 - e)|
    assert lk.check_kkt(problem, [math.e]).ok


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE_NAMES), min_size=2, max_size=2, unique=True))
def test_hostile_names_compile_to_the_exact_values(names):
    _compiles_exactly(names)


@pytest.mark.parametrize(
    "name", ["e", "pi", "exp", "maximum", "minimum", "select", "reduce", "inf", "nan", "lambda", "x0"]
)
def test_names_from_the_issue_compile_to_the_exact_values(name):
    _compiles_exactly([name, "w"])
    _compiles_exactly(["w", name])


def _compiles_exactly(names):
    v, w = sp.symbols(names, real=True)
    smooth = (v - sp.E) ** 2 + sp.exp(w) * sp.pi + sp.sin(v) * w + sp.log(1 + v**2) + sp.sqrt(w**2 + 1)
    problem = lk.minimize(smooth + sp.Max(v, w), {"cap": v + w <= 4}, variables=[v, w])
    compiled = problem.compile()
    point = {v: 0.5, w: -1.25}
    xs = np.array([0.5, -1.25])
    assert compiled.fun(xs) == pytest.approx(_exact_value(smooth + sp.Max(v, w), point), rel=1e-13)
    assert compiled.ineq(xs)[0] == pytest.approx(-4.75, rel=1e-15)
    grad = lk.minimize(smooth, variables=[v, w]).compile().grad(xs)
    expected = [_exact_value(sp.diff(smooth, s), point) for s in (v, w)]
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    # many points at once (the vectorised route) agree with the exact values too
    f_many, _, g_many = compiled.evaluate_many(np.array([xs, [1.0, 2.0]]))
    assert f_many[1] == pytest.approx(_exact_value(smooth + sp.Max(v, w), {v: 1, w: 2}), rel=1e-13)
    assert g_many[:, 0] == pytest.approx([-4.75, -1.0])


# ----------------------------------------------------------------- 2. bounds
@pytest.mark.parametrize(
    ("pair", "words"),
    [
        ((math.inf, None), r"lower bound of x is \+inf"),
        ((None, -math.inf), "upper bound of x is -inf"),
        ((math.nan, 1.0), "lower bound of x is NaN"),
        ((0.0, math.nan), "upper bound of x is NaN"),
        ((2.0, 1.0), "bounds of x have lower 2.0 > upper 1.0"),
        (("a", 1.0), "lower bound of x must be a real number"),
        ((10**400, None), "lower bound of x must be a real number"),
        ((1 + 2j, None), "lower bound of x must be a real number"),
        ((0.0,), "bounds of x must be a pair"),
    ],
)
def test_bad_bounds_are_refused_naming_the_variable(pair, words):
    with pytest.raises(ValueError, match=words):
        lk.minimize(x**2, bounds={x: pair})
    with pytest.raises(ValueError, match=words.replace(" x ", " x1 ")):
        lk.from_functions(lambda v: v[0] ** 2, 1, bounds=[pair])
    with pytest.raises(ValueError, match=words):
        Problem(objective=x**2, sense="min", constraints=(), variables=(x,), bounds=(pair,))


def test_infinite_bounds_on_the_open_side_mean_no_bound():
    free = lk.minimize((x - 1) ** 2, bounds={x: (-math.inf, math.inf)})
    assert free.bounds == ((None, None),)
    capped = lk.minimize((x - 1) ** 2, bounds={x: (-math.inf, 0.5)})
    result = lk.solve(capped)
    assert result.success and result.x[0] == pytest.approx(0.5, abs=1e-8)  # the projection of 1
    assert result.multipliers["upper:x"] == pytest.approx(1.0, abs=1e-6)  # -f'(0.5) = 1


# ------------------------------------------------------------- 3. non-real
z = sp.Symbol("z")  # no assumptions, so sympy keeps relations with I unevaluated


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: lk.minimize(z**2, [z + sp.I <= 0]), "constraint 'c1' must be real.*contains I"),
        (lambda: lk.minimize(x**2 + sp.I * x), "objective must be real.*imaginary unit"),
        (lambda: lk.minimize(x * sp.sqrt(sp.cos(sp.E))), r"sqrt\(cos\(E\)\).*not a real number"),
        (lambda: lk.minimize(x + sp.asin(2)), r"asin\(2\).*not a real number"),
        (lambda: lk.minimize(x + sp.log(-2)), "imaginary unit"),
        (lambda: lk.minimize(x**2 + 1e300 * 1e300), "contains oo: it is infinite"),
        (lambda: Constraint("c", "ineq", x + sp.zoo), "complex infinity"),
        (lambda: Constraint("c", "eq", x + sp.nan), "undefined"),
        (lambda: lk.maximize(x, {"c": x * (2 + 3 * sp.I) <= 1}), r"contains 2 \+ 3\*I"),
    ],
)
def test_non_real_objectives_and_constraints_are_refused(build, words):
    with pytest.raises(ValueError, match=words):
        build()


def test_real_constants_that_look_complex_are_accepted():
    # sqrt(2) - 1 > 0 and (-8)**(1/3) written as the real root: both real
    problem = lk.minimize((x - sp.sqrt(sp.sqrt(2) - 1)) ** 2 + sp.real_root(-8, 3))
    assert problem.compile().fun(np.array([0.0])) == pytest.approx(math.sqrt(2) - 1 - 2, rel=1e-14)


# ---------------------------------------------------------- 4. no variables
def test_a_problem_without_variables_is_a_clear_error():
    constant = lk.minimize(sp.Integer(3))
    for route in (constant.compile, lambda: lk.solve(constant), lambda: lk.check_kkt(constant, [])):
        with pytest.raises(ValueError, match="needs at least one variable.*constant 3"):
            route()


# ------------------------------------------------------------- 5. non-smooth
def test_non_smooth_constraint_names_the_term_and_the_exact_split():
    problem = lk.minimize((x - 2) ** 2 + (y - 2) ** 2, {"diamond": sp.Abs(x) + sp.Abs(y) <= 1})
    with pytest.raises(lk.NotSmoothError, match=r"constraint 'diamond' contains Abs\(x\).*-t <= s"):
        lk.solve(problem)
    # the split the message gives is exact: the four smooth halves give the closed form (1/2, 1/2)
    split = lk.minimize(
        (x - 2) ** 2 + (y - 2) ** 2,
        [sx * x + sy * y <= 1 for sx in (1, -1) for sy in (1, -1)],
    )
    np.testing.assert_allclose(lk.solve(split).x, [0.5, 0.5], atol=1e-7)


def test_max_in_a_constraint_and_min_in_the_objective_are_not_smooth():
    with pytest.raises(lk.NotSmoothError, match=r"Max\(x, y\).*Max\(a, b\) <= c is a <= c and b <= c"):
        lk.solve(lk.minimize(x**2 + y**2, {"c": sp.Max(x, y) >= 1}))
    with pytest.raises(lk.NotSmoothError, match=r"the objective contains Min\(x, y\).*epigraph"):
        lk.minimize(sp.Min(x, y) + x**2 + y**2).compile().grad(np.zeros(2))


@pytest.mark.parametrize("method", ["auglag", "ipm", "slsqp", "trust-constr", "auto"])
def test_every_method_refuses_abs_in_the_objective(method):
    with pytest.raises(lk.NotSmoothError, match=r"Abs\(x - 1\)"):
        lk.solve(lk.minimize(sp.Abs(x - 1) + y**2), method=method)


def test_non_smooth_values_still_compile_and_derivatives_never_run_silently():
    compiled = lk.minimize(sp.Abs(x - 3) + sp.Max(y, -y) + sp.floor(x)).compile()
    assert compiled.fun(np.array([1.5, -2.0])) == pytest.approx(1.5 + 2.0 + 1.0)
    for derivative in (compiled.grad, compiled.hess):
        with pytest.raises(lk.NotSmoothError):
            derivative(np.array([1.5, -2.0]))
    report = lk.check_kkt(lk.minimize(sp.Abs(x - 3)), [3.0])
    assert not report.ok and "Abs(x - 3)" in report.message


@pytest.mark.parametrize(
    ("problem", "x_star", "f_star"),
    [
        # min (x-2)^2 + (y-2)^2 s.t. |x| + |y| <= 1: the projection of (2, 2) on the diamond
        (lk.minimize((x - 2) ** 2 + (y - 2) ** 2, {"d": sp.Abs(x) + sp.Abs(y) <= 1}), [0.5, 0.5], 4.5),
        # min -(x + y) s.t. Max(x, y, |x - y|) <= 1: the corner (1, 1)
        (lk.minimize(-(x + y), {"m": sp.Max(x, y, sp.Abs(x - y)) <= 1}), [1.0, 1.0], -2.0),
        # min |x - 1| + y^2 s.t. x + y >= 3: x = 3 - y > 1, so minimize 2 - y + y^2: y = 1/2
        (lk.minimize(sp.Abs(x - 1) + y**2, {"c": x + y >= 3}), [2.5, 0.5], 1.75),
        # max -|x| - (x - 2)^2: 1 + 2(x - 2) = 0 at x = 3/2, f = -(3/2 + 1/4)
        (lk.maximize(-sp.Abs(x) - (x - 2) ** 2), [1.5], -1.75),
        # min x^2 + y^2 s.t. Min(x, y) >= 1 (= -Min(x, y) + 1 <= 0): both >= 1, so (1, 1)
        (lk.minimize(x**2 + y**2, {"floor": sp.Min(x, y) >= 1}), [1.0, 1.0], 2.0),
    ],
)
def test_split_nonsmooth_is_exact(problem, x_star, f_star):
    split = lk.split_nonsmooth(problem)
    result = lk.solve(split)
    n = problem.n
    assert result.success
    np.testing.assert_allclose(result.x[:n], x_star, atol=1e-6)
    assert result.fun == pytest.approx(f_star, abs=1e-8)
    # the original objective at the answer is the reported value: the epigraph is tight
    at = dict(zip(problem.variables, result.x[:n]))
    assert float(problem.objective.subs(at)) == pytest.approx(f_star, abs=1e-6)


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        (lk.minimize(x**2 + y**2, {"c": sp.Max(x, y) >= 1}), "concave sign"),  # an either-or
        (lk.minimize(-sp.Abs(x) + x**2), "concave sign"),
        (lk.minimize(x**2, {"e": sp.Eq(sp.Abs(x), 1)}), "equality with Abs"),
        (lk.minimize(sp.Abs(x) * y + x**2 + y**2), "inside a product"),
        (lk.minimize(sp.floor(x) + x**2), "floor"),
    ],
)
def test_split_nonsmooth_refuses_what_it_cannot_split_exactly(problem, words):
    with pytest.raises(lk.NotSmoothError, match=words):
        lk.split_nonsmooth(problem)


def test_split_nonsmooth_leaves_a_smooth_problem_alone():
    smooth = lk.minimize(x**2 + y**2, {"c": x + y >= 1})
    assert lk.split_nonsmooth(smooth) is smooth


# -------------------------------------------------- 6. points outside the domain
@pytest.mark.parametrize(
    ("problem", "x0", "words"),
    [
        (lk.minimize(-sp.log(x) + x), [-1.0], r"the objective is NaN \(undefined\)"),
        (lk.minimize(1 / x + x, {"c": x >= 0.5}), [0.0], "the objective is infinite"),
        (lk.minimize(sp.sqrt(x) + x**2), [0.0], "the gradient of the objective is infinite"),
        (lk.minimize(x**2, {"dom": sp.sqrt(x) >= 1}), [-4.0], r"constraint 'dom' is NaN \(undefined\)"),
        (lk.minimize(x**2, {"e": sp.Eq(sp.log(x + y), 0)}), [0.0, 0.0], "constraint 'e' is infinite"),
    ],
)
def test_validate_point_names_the_undefined_function(problem, x0, words):
    with pytest.raises(lk.UndefinedPointError, match=f"{words} at x0 = "):
        problem.compile().validate_point(x0)


def test_validate_point_checks_the_shape_and_returns_a_copy():
    compiled = lk.minimize(x**2 + y**2).compile()
    start = [1.0, 2.0]
    checked = compiled.validate_point(start)
    assert checked.tolist() == start and checked is not start
    for bad, words in (([1.0], "2 entries"), ([[1.0, 2.0]], "2 entries"), ([1.0, math.nan], "finite")):
        with pytest.raises(ValueError, match=words):
            compiled.validate_point(bad)
    with pytest.raises(ValueError, match="x0 must be an array of 2 real numbers"):
        compiled.validate_point(["a", None])


# ------------------------------------------------ 7. check_kkt outside the domain
@pytest.mark.parametrize(
    ("problem", "point", "words"),
    [
        (lk.minimize(-sp.log(x) + x), [-1.0], "the objective is nan"),
        (lk.minimize(-sp.log(x) + x), [sp.Integer(-1)], "the objective is -1 - I*pi"),
        (lk.minimize(1 / x + x), [0.0], "the objective is inf"),
        (lk.minimize(1 / x + x), [sp.Integer(0)], "the objective is zoo"),
        (lk.minimize(x**2, {"dom": sp.sqrt(x) >= 1}), [-4.0], "constraint 'dom' is nan"),
        (lk.from_functions(lambda v: math.nan, 1), [1.0], "the objective is nan"),
    ],
)
def test_check_kkt_outside_the_domain_fails_clearly(problem, point, words):
    report = lk.check_kkt(problem, point, second_order=True)
    assert not report.ok and report.failed_conditions()
    assert words in report.message and "outside the domain" in report.message


def test_a_residual_that_overflows_is_reported_as_inf_not_nan():
    problem = lk.minimize(x, {"a": sp.Eq(1e300 * x, 0), "b": sp.Eq(1e300 * x, 0)})
    report = lk.check_kkt(problem, [0.0], {"a": 1e10, "b": -1e10})  # 1 + inf - inf
    assert report.stationarity == math.inf and not report.ok
    assert "overflowed" in report.message


def test_an_undefined_hessian_leaves_second_order_undecided():
    # f = x**(3/2) at 0: f = 0 and f' = 0 are defined, f'' = (3/4) x**(-1/2) is not
    report = lk.check_kkt(
        lk.minimize(x ** sp.Rational(3, 2), bounds={x: (0, None)}), [0.0], second_order=True
    )
    assert report.first_order_ok and report.second_order is None


# ---------------------------------------------------- 8. from_functions outputs
def _fun(v):
    return float((v[0] - 2) ** 2 + v[1] ** 2)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"fun": lambda v: None}, "fun returned None; it must return one real number"),
        ({"fun": lambda v: v}, r"fun returned an array of shape \(2,\).*one real number"),
        ({"fun": lambda v: 1j + v[0]}, "fun returned a complex value"),
        ({"fun": lambda v: "1.0"}, "fun returned str"),
        ({"grad": lambda v: np.zeros(3)}, r"grad returned an array of shape \(3,\).*shape \(2,\)"),
        ({"grad": lambda v: None}, r"grad returned None; it must return an array of shape \(2,\)"),
        ({"grad": lambda v: np.zeros(2, complex)}, "grad returned a complex value"),
        ({"ineq": lambda v: v}, r"ineq callable 'ineq1' returned an array of shape \(2,\)"),
        ({"eq": {"ring": lambda v: None}}, "eq callable 'ring' returned None"),
        ({"ineq": lambda v: v[0], "jac": [lambda v: np.ones((2, 2))]}, r"jac of 'ineq1' returned"),
    ],
)
def test_from_functions_garbage_names_the_callable_and_the_shape(kwargs, words):
    problem = lk.from_functions(**{"fun": _fun, "n": 2} | kwargs)
    with pytest.raises(lk.CallableOutputError, match=words):
        lk.solve(problem, x0=[0.5, 0.5])


@pytest.mark.parametrize("wrap", [float, np.float64, np.array, lambda t: np.array([t]), lambda t: [[t]]])
def test_from_functions_scalar_like_outputs_are_accepted(wrap):
    problem = lk.from_functions(lambda v: wrap((v[0] - 2) ** 2), 1, grad=lambda v: [2 * (v[0] - 2)])
    result = lk.solve(problem, x0=[0.0])
    assert result.success and result.x[0] == pytest.approx(2.0, abs=1e-7)  # argmin of (x - 2)^2


# ------------------------------------------------------------- 9. overflow
@pytest.mark.parametrize(
    "objective",
    [
        x**2 + sp.Float(1e300) * sp.Float(1e300),
        x ** sp.exp(sp.exp(sp.exp(sp.exp(10)))),
        x + sp.exp(1000),
        x**2 + sp.Integer(10) ** 400,
        x + sp.sin(sp.exp(sp.Integer(10) ** 6)),  # sympy's evalf takes minutes on this one
        x + sp.sqrt(sp.sin(sp.exp(sp.Integer(10) ** 6))),
    ],
)
def test_constants_beyond_float64_are_refused_when_compiling(objective):
    started = time.process_time()
    problem = lk.minimize(objective, bounds={x: (1, 2)})
    with pytest.raises(ValueError, match="float64 cannot hold or compute"):
        lk.solve(problem)
    assert time.process_time() - started < 10  # a hang guard, not a timing claim


def test_large_constants_within_float64_solve_honestly():
    result = lk.solve(lk.minimize((x - 1) ** 2 + sp.exp(700)))
    assert result.x[0] == pytest.approx(1.0, abs=1e-6)
    assert result.fun == pytest.approx(math.exp(700), rel=1e-12)


def test_plotting_grids_do_not_read_E_as_a_variable_e():
    from lagrangekit.plotting import _vectorized

    e, w = sp.symbols("e w", real=True)
    grid = _vectorized((e - sp.E) ** 2 + w, [e, w])(np.array([[0.0, 1.0]]), np.array([[2.0, 3.0]]))
    np.testing.assert_allclose(grid, [[math.e**2 + 2, (1 - math.e) ** 2 + 3]], rtol=1e-15)
