"""lk.to_cvxpy(problem) and lk.crosscheck: supported atoms, curvature errors, and the dual sign pin."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk

x, y, z = sp.symbols("x y z", real=True)
TIGHT = {"solver": cp.CLARABEL, "tol_gap_abs": 1e-11, "tol_gap_rel": 1e-11, "tol_feas": 1e-11}


def solved(problem):
    cvx, variables, constraints = lk.to_cvxpy(problem)
    cvx.solve(**TIGHT)
    assert cvx.status == "optimal"
    values = np.array([float(variables[v].value) for v in problem.variables])
    duals = {name: float(np.ravel(c.dual_value)[0]) for name, c in constraints.items()}
    return cvx, values, duals


def test_cvxpy_dual_sign_for_inequalities_is_our_mu():
    # DESIGN.md pins it: L = f + mu g with g <= 0, mu >= 0 is cvxpy's dual_value sign for <=.
    # Hand derivation: min -(x + y) s.t. x^2 + y^2 <= 1 has mu = sqrt(2)/2.
    problem = lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1})
    _, values, duals = solved(problem)
    assert duals["disk"] == pytest.approx(np.sqrt(2) / 2, rel=1e-6)
    assert duals["disk"] == pytest.approx(lk.solve(problem).multipliers["disk"], rel=1e-6)
    assert lk.check_kkt(problem, values, duals, tol=1e-6).ok


def test_cvxpy_dual_sign_for_equalities_and_bounds_is_ours():
    # min (x-2)^2 + (y-2)^2 s.t. x - y = 1, x <= 1.2, y >= 0: by hand x = 1.2, y = 0.2;
    # stationarity 2(x-2) + lam + u = 0, 2(y-2) - lam = 0  ->  lam = -3.6, u = 5.2.
    problem = lk.minimize(
        (x - 2) ** 2 + (y - 2) ** 2, {"gap": sp.Eq(x - y, 1)}, bounds={x: (None, 1.2), y: (0, None)}
    )
    _, values, duals = solved(problem)
    np.testing.assert_allclose(values, [1.2, 0.2], atol=1e-7)
    assert duals["gap"] == pytest.approx(-3.6, rel=1e-6)
    assert duals["upper:x"] == pytest.approx(5.2, rel=1e-6)
    assert duals["lower:y"] == pytest.approx(0, abs=1e-7)
    r = lk.solve(problem)
    for name in ("gap", "upper:x", "lower:y"):
        assert r.multipliers[name] == pytest.approx(duals[name], abs=1e-6)


def test_maximize_duals_are_those_of_the_minimize_form():
    # max log x + log y s.t. x + 2y <= 3: x = 3/2, y = 3/4, mu = 1/x = 2/3 for min -f.
    problem = lk.maximize(sp.log(x) + sp.log(y), {"budget": x + 2 * y <= 3})
    cvx, values, duals = solved(problem)
    np.testing.assert_allclose(values, [1.5, 0.75], atol=1e-5)
    assert cvx.value == pytest.approx(np.log(1.5 * 0.75), rel=1e-7)
    assert duals["budget"] == pytest.approx(2 / 3, rel=1e-5)


@pytest.mark.parametrize(
    ("objective", "constraints", "bounds", "f_star"),
    [
        # quadratic with a cross term (PSD): min (x-1)^2 + xy + y^2 + 3x s.t. x + y >= 1, x = 2y
        ((x - 1) ** 2 + x * y + y**2 + 3 * x, {"a": x + y >= 1, "e": sp.Eq(x - 2 * y, 0)}, None, 22 / 9),
        # a 2-norm plus exp: min sqrt(x^2 + y^2) + exp(x) s.t. x + y >= 1 -> (0, 1), f = 2
        (sp.sqrt(x**2 + y**2) + sp.exp(x), {"lin": x + y >= 1}, None, 2.0),
        # log-sum-exp: min log(e^x + e^y) s.t. x + y >= 2 -> x = y = 1, f = 1 + log 2
        (sp.log(sp.exp(x) + sp.exp(y)), {"c": x + y >= 2}, None, 1 + np.log(2)),
        # negative entropy: min x log x + y log y s.t. x + y = 1 -> f = -log 2
        (x * sp.log(x) + y * sp.log(y), {"s": sp.Eq(x + y, 1)}, None, -np.log(2)),
        # abs and max: min |x - 3| + max(y, -y) s.t. x <= 1 -> f = 2
        (sp.Abs(x - 3) + sp.Max(y, -y), {"cap": x <= 1}, None, 2.0),
        # quad-over-lin and inverse: min x^2/y + 1/y s.t. y <= 2, y >= 1 -> f = 1/2 at x = 0, y = 2
        (x**2 / y + 1 / y, {"hi": y <= 2}, {y: (1, None)}, 0.5),
        # a sqrt of a shifted quadratic is a norm: min sqrt((x-1)^2 + y^2 + 1) -> f = 1
        (sp.sqrt((x - 1) ** 2 + y**2 + 1), {}, None, 1.0),
    ],
)
def test_supported_atoms_export_with_the_right_optimum(objective, constraints, bounds, f_star):
    problem = lk.minimize(objective, constraints, bounds=bounds, variables=[x, y])
    cvx, values, _ = solved(problem)
    assert cvx.value == pytest.approx(f_star, rel=1e-6, abs=1e-7)
    assert float(problem.compile().fun(values)) == pytest.approx(f_star, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize(
    ("problem", "term"),
    [
        (lk.minimize(x * y, {"a": x + y >= 1}), "x*y"),
        (lk.minimize(sp.sin(x) + y**2, {"a": x + y >= 1}), "sin(x)"),
        (lk.minimize(x**2 + y**2, {"out": x**2 >= 1}), "-x**2"),
        (lk.minimize(x**2, {"circle": sp.Eq(x**2 + y**2, 1)}), "x**2"),
        (lk.maximize(x**2 + y, {"a": x <= 1}), "x**2"),
        (lk.minimize(sp.exp(x) * y, {"a": y >= 1}), "exp(x)"),
    ],
)
def test_not_convex_raises_naming_the_term(problem, term):
    with pytest.raises(lk.NotConvexError) as info:
        lk.to_cvxpy(problem)
    assert term in str(info.value)


def test_to_cvxpy_returns_variables_and_named_constraints():
    problem = lk.minimize((x - 1) ** 2 + (y + 2) ** 2, {"lin": x + y <= 0}, bounds={x: (0, 3)})
    cvx, variables, constraints = lk.to_cvxpy(problem)
    assert set(variables) == {x, y}
    assert set(constraints) == {"lin", "lower:x", "upper:x"}
    assert isinstance(cvx, cp.Problem) and cvx.is_dcp()


def test_to_cvxpy_refuses_parameters_and_callables():
    a = sp.Symbol("a", real=True)
    with pytest.raises(ValueError, match="subs"):
        lk.to_cvxpy(lk.minimize((x - a) ** 2, variables=[x]))
    with pytest.raises(ValueError, match="sympy"):
        lk.to_cvxpy(lk.from_functions(lambda v: v[0] ** 2, 1))


def test_crosscheck_reports_every_difference():
    problem = lk.minimize(
        (x - 1) ** 2 + x * y + y**2 + 3 * x + z**2,
        {"a": x + y >= 1, "e": sp.Eq(x - 2 * y, 0), "zc": z >= 0.5},
        bounds={x: (0, None)},
    )
    check = lk.crosscheck(problem)
    assert set(check.multipliers) == {"a", "e", "zc", "lower:x"}
    assert check.x <= 1e-7 and check.fun <= 1e-8
    assert max(check.multipliers.values()) <= 1e-6
    assert check.max_difference <= 1e-6
    assert check.cvxpy_multipliers["zc"] == pytest.approx(1.0, rel=1e-6)  # mu = 2z at z = 1/2
    assert "max difference" in str(check)


def test_solve_with_the_cvxpy_method():
    problem = lk.minimize((x - 1) ** 2 + (y - 2) ** 2, {"lin": x + y <= 1}, bounds={x: (0, None)})
    r = lk.solve(problem, method="cvxpy", tol=1e-6)
    assert r.method == "cvxpy" and r.success
    # by hand: projection of (1, 2) onto x + y <= 1 is (0, 1) with mu = 2, lower:x = 0
    np.testing.assert_allclose(r.x, [0, 1], atol=1e-5)  # interior point, weakly active bound
    assert r.multipliers["lin"] == pytest.approx(2, rel=1e-5)
    infeasible = lk.solve(lk.minimize(x, {"a": x >= 1, "b": x <= 0}), method="cvxpy")
    assert infeasible.status == "infeasible" and np.all(np.isfinite(infeasible.x))
    unbounded = lk.solve(lk.minimize(-x, {"a": x >= 0}), method="cvxpy")
    assert unbounded.status == "unbounded"


def test_crosscheck_refuses_a_problem_cvxpy_would_solve_on_a_smaller_domain() -> None:
    # x³ + x² on x >= −5 is defined (and not convex) on [−5, 0); cvxpy's power(x, 3) reads it
    # on x >= 0 only, where its minimum is 0 at x = 0, while by hand f(−5) = −100 is lower
    x = sp.Symbol("x", real=True)
    problem = lk.minimize(x**3 + x**2, {"c": x >= -5})
    assert (-5) ** 3 + (-5) ** 2 == -100
    with pytest.raises(lk.NotConvexError, match="domain"):
        lk.crosscheck(problem)
