"""Problem model: standard forms, naming, parameters, Lagrangian, compile() derivatives."""

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit.problem import Constraint

x, y, z = sp.symbols("x y z", real=True)
a, b = sp.symbols("a b", real=True)


def test_le_ge_eq_standard_forms():
    p = lk.minimize(x + y, {"le": x <= 2, "ge": y >= 3 * x, "eq": sp.Eq(x + y, 1)})
    by_name = {c.name: c for c in p.constraints}
    assert by_name["le"] == Constraint("le", "ineq", x - 2)
    assert by_name["ge"].kind == "ineq" and sp.simplify(by_name["ge"].expr - (3 * x - y)) == 0
    assert by_name["eq"].kind == "eq" and sp.simplify(by_name["eq"].expr - (x + y - 1)) == 0
    # A point satisfying y >= 3x must make the standard-form expression <= 0.
    assert by_name["ge"].expr.subs({x: 1, y: 4}) <= 0


def test_list_constraints_are_auto_named_in_order():
    p = lk.minimize(x**2, [x >= 1, x <= 5, sp.Eq(x + y, 2)])
    assert [c.name for c in p.constraints] == ["c1", "c2", "c3"]
    assert [c.kind for c in p.constraints] == ["ineq", "ineq", "eq"]


def test_maximize_is_minimize_of_negative():
    p = lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)})
    assert p.sense == "max" and p.objective == x + y
    assert p.minimize_objective == -x - y
    lam = p.multipliers["circle"]
    assert sp.expand(p.lagrangian() - (-x - y + lam * (x**2 + y**2 - 1))) == 0


def test_lagrangian_with_bounds_uses_named_bound_multipliers():
    p = lk.minimize((x - 3) ** 2, bounds={x: (0, 1)})
    L = p.lagrangian(include_bounds=True)
    mu_lo, mu_hi = p.multipliers["lower:x"], p.multipliers["upper:x"]
    assert sp.expand(L - ((x - 3) ** 2 + mu_lo * (0 - x) + mu_hi * (x - 1))) == 0
    # Textbook check: at x = 1 stationarity 2(x-3) + mu_hi = 0 gives mu_hi = 4 >= 0.
    assert sp.solve(sp.diff(L, x).subs({x: 1, mu_lo: 0}), mu_hi) == [4]


@pytest.mark.parametrize("relation", [x < 1, x > 1])
def test_strict_inequalities_are_rejected(relation):
    with pytest.raises(ValueError, match="strict"):
        lk.minimize(x, [relation])


def test_trivial_relations_say_which():
    with pytest.raises(ValueError, match="trivially satisfied"):
        lk.minimize(x, [sp.Integer(1) <= 2])
    with pytest.raises(ValueError, match="infeasible"):
        lk.minimize(x, [sp.Integer(3) <= 2])


def test_pythons_double_equals_is_explained():
    # Python evaluates x + y == 1 to False (structural comparison) before lagrangekit sees it:
    # the constraint is not infeasible, it was never an equation
    with pytest.raises(ValueError, match=r"Python bool False.*sp\.Eq\(lhs, rhs\)"):
        lk.minimize(x**2, {"a": x + y == 1})
    with pytest.raises(ValueError, match=r"Python bool True.*sp\.Eq"):
        lk.minimize(x**2, {"a": x + y == x + y})


def test_not_a_relational_is_rejected():
    with pytest.raises(ValueError, match="relational"):
        lk.minimize(x, {"bad": x + 1})


def test_variables_inferred_in_natural_name_order():
    x2, x10, x1 = sp.symbols("x2 x10 x1")
    p = lk.minimize(x10 + x2 + x1)
    assert p.variables == (x1, x2, x10)


def test_parameters_and_subs():
    p = lk.minimize((x - a) ** 2 + b * y**2, [x + y >= a], variables=[x, y])
    assert p.parameters == (a, b)
    q = p.subs({"a": 2, b: 3})
    assert q.parameters == ()
    assert q.objective == (x - 2) ** 2 + 3 * y**2
    with pytest.raises(ValueError, match="not a parameter"):
        p.subs({x: 1})
    with pytest.raises(ValueError, match="subs"):
        p.compile()


def test_bounds_validation():
    with pytest.raises(ValueError, match="lower 2.0 > upper 1.0"):
        lk.minimize(x, bounds={x: (2, 1)})
    with pytest.raises(ValueError, match="not a variable"):
        lk.minimize(x, bounds={y: (0, 1)}, variables=[x])
    with pytest.raises(ValueError, match="NaN"):
        lk.minimize(x, bounds={x: (float("nan"), 1)})
    p = lk.minimize(x + y, bounds={"y": (None, 4)})
    assert p.bounds == ((None, None), (None, 4.0))
    assert [c.name for c in p.bound_constraints()] == ["upper:y"]


def test_duplicate_and_invalid_names():
    with pytest.raises(ValueError, match="identifier"):
        lk.minimize(x, {"lower:x": x >= 0})


def test_problem_is_frozen():
    p = lk.minimize(x**2)
    with pytest.raises(AttributeError):
        p.objective = x


# ---------------------------------------------------------------- compile()
EXPRESSIONS = [
    x**2 + y**2 + z**2,
    sp.exp(x * y) - z,
    sp.log(1 + x**2 + y**2) * z,
    sp.sqrt(1 + x**2 + y**2 + z**2),
    sp.sin(x) * sp.cos(y) + sp.tan(z / 4),
    x**3 * y - y**4 * z + 7,
    (1 - x) ** 2 + 100 * (y - x**2) ** 2 + z,
    sp.exp(-(x**2 + y**2)) * sp.log(2 + z**2),
    x / (1 + y**2) + z**2 / (2 + x**2),
    sp.sqrt(2 + sp.sin(x * y * z)),
    sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z)),
    x * y * z + sp.exp(z) * sp.sqrt(3 + x**2),
]


def central_gradient(fun, point, h=1e-5):
    grad = np.zeros_like(point)
    for i in range(point.size):
        e = np.zeros_like(point)
        e[i] = h
        grad[i] = (fun(point + e) - fun(point - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=[str(i) for i in range(len(EXPRESSIONS))])
def test_compiled_derivatives_match_central_differences(expr):
    p = lk.minimize(expr, {"ball": x**2 + y**2 + z**2 <= 4, "plane": sp.Eq(expr, 1)}, variables=[x, y, z])
    c = p.compile()
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = rng.uniform(-1, 1, 3)
        # the value agrees with sympy's own evaluation
        exact = float(expr.subs(dict(zip((x, y, z), point))))
        assert c.fun(point) == pytest.approx(exact, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(c.grad(point), central_gradient(c.fun, point), rtol=1e-6, atol=1e-6)
        hess_fd = np.array([central_gradient(lambda q, i=i: c.grad(q)[i], point) for i in range(3)])
        np.testing.assert_allclose(c.hess(point), hess_fd, rtol=1e-6, atol=1e-6)
        jac_fd = central_gradient(lambda q: c.eq(q)[0], point)
        np.testing.assert_allclose(c.eq_jac(point)[0], jac_fd, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(c.ineq(point), [point @ point - 4], rtol=1e-12)
        np.testing.assert_allclose(c.ineq_jac(point)[0], 2 * point, rtol=1e-12)
        np.testing.assert_allclose(c.ineq_hess(point)[0], 2 * np.eye(3), rtol=1e-12)


def test_compile_is_cached_and_uses_minimize_form():
    p = lk.maximize(x * y, {"budget": sp.Eq(x + y, 10)}, bounds={x: (0, None)})
    c = p.compile()
    assert p.compile() is c
    point = np.array([2.0, 3.0])
    assert c.fun(point) == -6.0
    np.testing.assert_array_equal(c.grad(point), [-3.0, -2.0])
    np.testing.assert_array_equal(c.lower, [0.0, -np.inf])
    np.testing.assert_array_equal(c.upper, [np.inf, np.inf])
    assert c.eq_names == ("budget",) and c.ineq_names == ()
    assert c.ineq(point).shape == (0,) and c.ineq_jac(point).shape == (0, 2)
    # Hessian of the Lagrangian: -[[0,1],[1,0]] plus lambda * 0 (linear constraint)
    np.testing.assert_array_equal(c.lagrangian_hessian(point, [5.0], []), [[0, -1], [-1, 0]])
