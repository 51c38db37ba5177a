"""lk.solve: every method against textbook answers, scipy and cvxpy; statuses; from_functions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize as scipy_minimize

import lagrangekit as lk

METHODS = ["auto", "auglag", "ipm", "slsqp", "trust-constr"]
x, y, z = sp.symbols("x y z", real=True)


def solve_quietly(problem, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.ConvergenceWarning)
        return lk.solve(problem, **kwargs)


def expected_names(problem):
    return {c.name for c in problem.constraints} | {c.name for c in problem.bound_constraints()}


# ----------------------------------------------------------- textbook cases
@pytest.mark.parametrize("method", METHODS)
def test_T2_active_floor(method):
    # TEXTBOOK T2: minimize (y - 1)^2 s.t. y >= 3  ->  y = 3, mu = 4.
    r = solve_quietly(lk.minimize((y - 1) ** 2, {"floor": y >= 3}), method=method)
    # scipy trust-constr stops with its barrier parameter near 1e-4, so its answers are rougher
    tol = 1e-3 if method == "trust-constr" else 1e-8
    assert abs(r.x[0] - 3) <= tol
    assert abs(r.multipliers["floor"] - 4) <= 10 * tol
    assert r.kkt is not None and r.success == r.kkt.ok
    if method != "trust-constr":
        assert r.success and r.status == "optimal"


@pytest.mark.parametrize("method", ["auto", "auglag", "slsqp"])
def test_T1_maximize_on_circle(method):
    # TEXTBOOK T1: maximize x + y s.t. x^2 + y^2 = 1: f = sqrt 2, lambda = sqrt2/2 for min -f.
    r = lk.solve(lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)}), method=method, x0=[1, 0.5])
    assert r.success
    assert r.fun == pytest.approx(np.sqrt(2), rel=1e-10)
    np.testing.assert_allclose(r.x, [np.sqrt(0.5)] * 2, atol=1e-8)
    assert r.multipliers["circle"] == pytest.approx(np.sqrt(0.5), rel=1e-8)


def test_T4_maximize_product():
    # TEXTBOOK T4: maximize xy s.t. x + y = 10: x = y = 5, f = 25, lambda = 5 (min -f form).
    r = lk.solve(lk.maximize(x * y, {"budget": sp.Eq(x + y, 10)}), x0=[1, 2])
    assert r.success
    np.testing.assert_allclose(r.x, [5, 5], atol=1e-8)
    assert r.fun == pytest.approx(25, rel=1e-12)
    assert r.multipliers["budget"] == pytest.approx(5, rel=1e-9)


# --------------------------------------------------------- hand-written cases
ROSENBROCK_DISK = lk.minimize((1 - x) ** 2 + 100 * (y - x**2) ** 2, {"disk": x**2 + y**2 <= 1})


def _scipy_rosenbrock_disk():
    res = scipy_minimize(
        lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
        [0.0, 0.0],
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda v: 1 - v[0] ** 2 - v[1] ** 2}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    return res.x


@pytest.mark.parametrize("method", ["auto", "auglag", "slsqp"])
def test_rosenbrock_on_unit_disk(method):
    r = lk.solve(ROSENBROCK_DISK, method=method)
    assert r.success, r.message
    np.testing.assert_allclose(r.x, [0.7864, 0.6177], atol=1e-4)  # the known optimum
    np.testing.assert_allclose(r.x, _scipy_rosenbrock_disk(), atol=1e-6)
    # stationarity by hand: grad f = -mu * grad g, so mu = -f_x / (2x)
    fx = -2 * (1 - r.x[0]) - 400 * r.x[0] * (r.x[1] - r.x[0] ** 2)
    assert r.multipliers["disk"] == pytest.approx(-fx / (2 * r.x[0]), rel=1e-6)
    assert r.x[0] ** 2 + r.x[1] ** 2 == pytest.approx(1, abs=1e-9)


def _six_variable_problem():
    v = sp.symbols("v1:7", real=True)
    c = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0]
    objective = sum((vi - ci) ** 2 for vi, ci in zip(v, c)) + v[0] * v[1]
    constraints = {
        "total": sp.Eq(sum(v), 2),
        "pair": sp.Eq(v[0] - v[5], 0.5),
        "cap": v[3] + v[4] <= 1,
        "floor": v[1] + v[2] >= -0.5,
    }
    return lk.minimize(objective, constraints, bounds={v[3]: (None, 0.8)}, variables=v)


def test_equality_and_inequality_problem_in_six_variables_matches_cvxpy():
    problem = _six_variable_problem()
    cvx, variables, constraints = lk.to_cvxpy(problem)
    import cvxpy as cp

    cvx.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    for method in ("auto", "auglag", "slsqp"):
        r = lk.solve(problem, method=method)
        assert r.success, (method, r.message)
        assert set(r.multipliers) == expected_names(problem)
        np.testing.assert_allclose(r.x, [float(variables[v].value) for v in problem.variables], atol=1e-7)
        assert r.fun == pytest.approx(cvx.value, rel=1e-9)
        for name, con in constraints.items():
            assert r.multipliers[name] == pytest.approx(float(np.ravel(con.dual_value)[0]), abs=1e-6)


def test_maximum_entropy_over_three_probabilities():
    # max -sum p log p s.t. sum p = 1: p = 1/3; min-form stationarity log p + 1 + lambda = 0.
    p = sp.symbols("p1:4", real=True)
    problem = lk.maximize(-sum(pi * sp.log(pi) for pi in p), {"sum": sp.Eq(sum(p), 1)}, variables=p)
    r = lk.solve(problem, x0=[0.2, 0.3, 0.5])
    assert r.success
    np.testing.assert_allclose(r.x, [1 / 3] * 3, atol=1e-9)
    assert r.fun == pytest.approx(np.log(3), rel=1e-12)
    assert r.multipliers["sum"] == pytest.approx(np.log(3) - 1, rel=1e-8)


def test_product_on_simplex_with_bounds():
    # max xyz s.t. x + y + z = 3, x, y, z >= 0: x = y = z = 1, lambda = yz = 1, bounds inactive.
    problem = lk.maximize(x * y * z, {"sum": sp.Eq(x + y + z, 3)}, bounds={v: (0, None) for v in (x, y, z)})
    r = lk.solve(problem, x0=[0.5, 1.0, 1.5])
    assert r.success
    np.testing.assert_allclose(r.x, [1, 1, 1], atol=1e-8)
    assert r.multipliers["sum"] == pytest.approx(1, rel=1e-8)
    assert all(abs(r.multipliers[f"lower:{v}"]) <= 1e-10 for v in "xyz")


@pytest.mark.parametrize("method", METHODS)
def test_bound_multipliers_are_recovered(method):
    # min (x - 2)^2 + (y + 1)^2 with x <= 1, y >= 0: upper:x = 2, lower:y = 2 (hand-derived).
    problem = lk.minimize((x - 2) ** 2 + (y + 1) ** 2, bounds={x: (None, 1), y: (0, None)})
    r = solve_quietly(problem, method=method)
    tol = 1e-3 if method == "trust-constr" else 1e-8  # see test_T2_active_floor
    np.testing.assert_allclose(r.x, [1, 0], atol=tol)
    assert r.multipliers["upper:x"] == pytest.approx(2, abs=10 * tol)
    assert r.multipliers["lower:y"] == pytest.approx(2, abs=10 * tol)


@pytest.mark.parametrize("method", METHODS)
def test_every_result_names_every_multiplier(method):
    problem = lk.minimize(
        (x - 1) ** 2 + (y - 2) ** 2 + z**2,
        {"plane": sp.Eq(x + y + z, 1), "half": x - y <= 0},
        bounds={z: (-1, 1)},
    )
    r = solve_quietly(problem, method=method)
    assert set(r.multipliers) == expected_names(problem)
    assert r.kkt is not None
    assert r.success == (r.status == "optimal") == r.kkt.ok


# ------------------------------------------------------------------ statuses
def test_infeasible_reports_the_smallest_violation():
    # x + y >= 1 and x + y <= 0: the best one can do is violate both by 1/2.
    r = lk.solve(lk.minimize(x + y, {"a": x + y >= 1, "b": x + y <= 0}))
    assert r.status == "infeasible" and not r.success
    assert "0.5" in r.message
    assert np.all(np.isfinite(r.x))
    assert r.x.sum() == pytest.approx(0.5, abs=1e-6)


def test_infeasible_with_bounds():
    r = lk.solve(lk.minimize(x, {"far": x >= 3}, bounds={x: (0, 1)}))
    assert r.status == "infeasible"
    assert "2" in r.message  # smallest violation 3 - 1
    assert r.x[0] == pytest.approx(1, abs=1e-8)


def test_unbounded_reports_the_direction():
    r = lk.solve(lk.minimize(-x - y, {"wedge": y - x <= 0, "floor": y >= 0}))
    assert r.status == "unbounded" and not r.success
    assert "direction" in r.message
    assert np.all(np.isfinite(r.x))
    assert r.x[0] > 1e6


def test_cusp_has_no_kkt_point():
    # min -x1 s.t. x2 - (1 - x1)^3 <= 0, -x2 <= 0: minimizer (1, 0) has no multipliers.
    r = lk.solve(lk.minimize(-x, {"c1": y - (1 - x) ** 3 <= 0, "c2": -y <= 0}))
    assert r.status == "no_kkt_point" and not r.success
    # the solvers stop ~2e-3 short (the violation is cubic in the distance); the point is then
    # pulled onto its active constraints, so it is the minimizer to well under 1e-6
    np.testing.assert_allclose(r.x, [1, 0], atol=1e-6)
    assert max(r.x[1] - (1 - r.x[0]) ** 3, -r.x[1]) <= 1e-15
    assert "LICQ" in r.message


def test_a_point_constraint_without_multipliers_is_not_called_optimal():
    # min x + y s.t. x² + y² = 0: the only feasible point is (0, 0), where ∇h = 0 cannot cancel
    # ∇f = (1, 1), so no KKT point exists (by hand; the exact route says no_kkt_point too). The
    # solvers end at x = y ≈ −4.7e-5, inside the tolerance of h with λ ≈ 1.1e4, and f off by
    # 9.4e-5 = λ·h: that used to be "optimal"
    problem = lk.minimize(x + y, {"point": sp.Eq(x**2 + y**2, 0)})
    r = lk.solve(problem)
    assert r.status == "no_kkt_point" and not r.success
    np.testing.assert_allclose(r.x, [0, 0], atol=1e-6)
    assert lk.solve_symbolic(problem).status == "no_kkt_point"


def test_iteration_limit_warns():
    with pytest.warns(lk.ConvergenceWarning):
        r = lk.solve(ROSENBROCK_DISK, method="slsqp", max_iter=2, x0=[-1, 0])
    assert r.status in ("max_iter", "failed") and not r.success
    assert np.all(np.isfinite(r.x))


# ---------------------------------------------------------------- multistart
def test_multistart_escapes_a_local_minimum():
    # TEXTBOOK G3: f = (x-2)^2 (x+3)^2 - 2(x-2)^2 has a local min at 2 and the global at -3.351.
    f = (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2
    problem = lk.minimize(f, bounds={x: (-6, 6)})
    local = lk.solve(problem, x0=[3.0], method="slsqp", tol=1e-6)  # a local method stays local
    assert local.success and local.x[0] == pytest.approx(2, abs=1e-6)
    best = lk.solve(problem, x0=[3.0], method="slsqp", n_starts=6, seed=1)
    critical = [float(r) for r in sp.Poly(sp.diff(f, x), x).real_roots()]
    assert best.x[0] == pytest.approx(min(critical), abs=1e-8)
    assert best.fun == pytest.approx(-53.739, abs=1e-3)
    again = lk.solve(problem, x0=[3.0], method="slsqp", n_starts=6, seed=1)
    np.testing.assert_array_equal(best.x, again.x)


def test_auto_explores_past_a_local_minimum_from_one_start():
    # the same G3 function: from x0 = 3 the local chain stops at the local minimum x = 2, and
    # sampled points with lower f send "auto" to the global one, the least critical point
    f = (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2
    problem = lk.minimize(f, bounds={x: (-6, 6)})
    result = lk.solve(problem, x0=[3.0])
    critical = [float(r) for r in sp.Poly(sp.diff(f, x), x).real_roots()]
    assert result.success
    assert result.x[0] == pytest.approx(min(critical), abs=1e-8)
    assert "exploring past the answer from x0" in result.message
    assert "(f = 0)" in result.message  # the local answer it improved on: f(2) = 0
    np.testing.assert_array_equal(lk.solve(problem, x0=[3.0]).x, result.x)  # deterministic


def test_auto_does_not_explore_past_a_convex_minimum():
    # a strictly convex problem: the certified local answer is global, no sample can beat it
    problem = lk.minimize((x - 1) ** 2 + (y + 2) ** 2, {"disk": x**2 + y**2 <= 1})
    result = lk.solve(problem, x0=[0.0, 0.0])
    assert result.success and "restart" not in result.message
    assert result.x == pytest.approx(np.array([1.0, -2.0]) / np.sqrt(5.0), abs=1e-8)


# ---------------------------------------------------------------- bad input
def test_bad_arguments_raise_clear_errors():
    problem = lk.minimize((x - 1) ** 2)
    with pytest.raises(ValueError, match="method must be one of"):
        lk.solve(problem, method="newton")
    with pytest.raises(ValueError, match="tol must be a positive"):
        lk.solve(problem, tol=-1)
    with pytest.raises(ValueError, match="n_starts"):
        lk.solve(problem, n_starts=0)
    with pytest.raises(ValueError, match="x0 must have 1 entries"):
        lk.solve(problem, x0=[1, 2])
    with pytest.raises(ValueError, match="finite"):
        lk.solve(problem, x0=[np.nan])
    with pytest.raises(ValueError, match="not a variable"):
        lk.solve(problem, x0={"w": 1})
    with pytest.raises(ValueError, match="Problem"):
        lk.solve("minimize x")
    with pytest.raises(ValueError, match="subs"):
        lk.solve(lk.minimize((x - sp.Symbol("a")) ** 2, variables=[x]))


def test_inputs_are_not_mutated():
    x0 = np.array([0.3, -0.2])
    before = x0.copy()
    lk.solve(ROSENBROCK_DISK, x0=x0)
    np.testing.assert_array_equal(x0, before)


def test_x0_as_mapping():
    r = lk.solve(ROSENBROCK_DISK, x0={"x": 0.5, y: 0.5})
    np.testing.assert_allclose(r.x, [0.7864, 0.6177], atol=1e-4)


# ------------------------------------------------------------ from_functions
def _callable_problem(**kwargs):
    return lk.from_functions(
        lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
        2,
        ineq={"disk": lambda v: v[0] ** 2 + v[1] ** 2 - 1},
        **kwargs,
    )


def test_from_functions_solves_like_the_symbolic_problem():
    symbolic = lk.solve(ROSENBROCK_DISK)
    for problem in (
        _callable_problem(),
        _callable_problem(
            grad=lambda v: np.array(
                [-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] ** 2), 200 * (v[1] - v[0] ** 2)]
            ),
            jac={"disk": lambda v: np.array([2 * v[0], 2 * v[1]])},
        ),
    ):
        r = lk.solve(problem)
        assert r.success, r.message
        np.testing.assert_allclose(r.x, symbolic.x, atol=1e-7)
        assert r.multipliers["disk"] == pytest.approx(symbolic.multipliers["disk"], rel=1e-6)
        assert lk.check_kkt(problem, r.x, dict(r.multipliers)).ok


def test_from_functions_central_differences_are_second_order():
    # TEXTBOOK G5: f = 4x^3 - 2x^2 - 7x + 1, f'(1) = 1; the central difference error is O(h^2).
    problem = lk.from_functions(lambda v: 4 * v[0] ** 3 - 2 * v[0] ** 2 - 7 * v[0] + 1, 1)
    compiled = problem.compile()
    assert compiled.grad(np.array([1.0]))[0] == pytest.approx(1.0, abs=1e-9)
    assert compiled.hess(np.array([1.0]))[0, 0] == pytest.approx(24 - 4, rel=1e-6)  # f'' = 24x - 4


def test_from_functions_names_bounds_and_equalities():
    problem = lk.from_functions(
        lambda v: v[0] ** 2 + v[1] ** 2,
        2,
        eq=[lambda v: v[0] + v[1] - 1],
        ineq=[lambda v: 0.8 - v[0]],
        bounds=[(None, None), (0, 1)],
        names=["sum", "low"],
    )
    r = lk.solve(problem)
    assert r.success
    np.testing.assert_allclose(r.x, [0.8, 0.2], atol=1e-8)
    # stationarity by hand: 2x + lam - mu = 0, 2y + lam = 0 -> lam = -0.4, mu = 1.2
    assert r.multipliers["sum"] == pytest.approx(-0.4, abs=1e-6)
    assert r.multipliers["low"] == pytest.approx(1.2, abs=1e-6)
    assert set(r.multipliers) == {"sum", "low", "lower:x2", "upper:x2"}


def test_from_functions_symbolic_features_need_sympy():
    problem = _callable_problem()
    for call in (
        problem.lagrangian,
        lambda: lk.to_cvxpy(problem),
        lambda: lk.dual(problem),
        problem.to_text,
        lambda: lk.derivation(problem),
        lambda: lk.solve_symbolic(problem),
        lambda: lk.kkt_points(problem),
    ):
        with pytest.raises(ValueError, match=r"needs sympy expressions.*lk\.minimize"):
            call()


def test_from_functions_bad_input():
    with pytest.raises(ValueError, match="fun must be a callable"):
        lk.from_functions(3.0, 2)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        lk.from_functions(lambda v: 0.0, 0)
    with pytest.raises(ValueError, match="names has 1 entries but there are 2"):
        lk.from_functions(lambda v: 0.0, 1, eq=[lambda v: v[0]], ineq=[lambda v: v[0]], names=["a"])
    with pytest.raises(ValueError, match="bounds must have n = 2"):
        lk.from_functions(lambda v: 0.0, 2, bounds=[(0, 1)])
    with pytest.raises(ValueError, match="must be callable"):
        lk.from_functions(lambda v: 0.0, 1, ineq=[1.0])


def test_a_pole_is_not_near_the_feasible_set():
    """1/x <= 4 with x >= 0 and x + sin(x) <= 0: the last two leave only x = 0, where 1/x is
    undefined, so the problem is infeasible (x + sin x > 0 for x > 0). Near x = 0+ the first
    constraint's violation 1/x − 4 divided by its gradient 1/x² is about x: the scaled residual
    alone would call a point at x = 1e-27 feasible."""
    x = sp.Symbol("x", real=True)
    constraints = {"pole": 1 / x <= 4, "c": x + sp.sin(x) <= 0}
    problem = lk.maximize(2 * x + sp.sin(x), constraints, bounds={x: (0, None)})
    result = solve_quietly(problem)
    assert not result.success
    assert result.status in ("infeasible", "failed", "max_iter")


def test_a_badly_scaled_linear_constraint_is_still_trusted():
    """The scaled residual's purpose (issue's example): 1000(1 − x − y) <= 0 at a point 5e-10
    inside its violation is feasible to first order; the Newton step lands on the line exactly.
    Optimum of x² + y² on x + y >= 1: (1/2, 1/2), μ = 1/1000 for the scaled row."""
    x, y = sp.symbols("x y", real=True)
    problem = lk.minimize(x**2 + y**2, {"cut": 1000 * (1 - x - y) <= 0})
    result = solve_quietly(problem)
    assert result.status == "optimal"
    np.testing.assert_allclose(result.x, [0.5, 0.5], rtol=1e-12)
    np.testing.assert_allclose(result.multipliers["cut"], 1e-3, rtol=1e-9)
