"""Honest statuses of lk.solve on nonconvex, unbounded, badly scaled and degenerate problems.

Every expected answer comes from outside lk.solve: the exact route (lk.solve_symbolic), a
closed form, cvxpy, or exhaustive evaluation on a grid.
"""

import json
import warnings

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk

x, y, z = sp.symbols("x y z", real=True)
LOCAL_METHODS = ["auto", "auglag", "ipm", "slsqp", "trust-constr"]


def _objective(problem, point):
    """The user's objective at ``point``, evaluated exactly by sympy (independent of lk.solve)."""
    return float(problem.objective.subs(dict(zip(problem.variables, map(sp.Float, point)))))


# ------------------------------------------------------------------ unbounded problems
@pytest.mark.parametrize(
    ("text", "kkt_value"),
    [
        ("maximize x**3 - 3*x subject to x >= -2", 2.0),  # the local maximum at x = −1
        ("maximize x*y*z subject to 2*x + 3*y + z == 60", 4000 / 3),  # at (10, 20/3, 20)
        ("maximize x*y subject to x == y", 0.0),  # at (0, 0)
    ],
)
def test_unbounded_problems_that_have_a_local_kkt_point_are_unbounded(text, kkt_value):
    problem = lk.parse_problem(text)
    assert lk.solve_symbolic(problem).status == "unbounded"  # the exact route's verdict
    r = lk.solve(problem)
    assert r.status == "unbounded" and not r.success and r.scope is None
    assert "direction" in r.message
    # the reported point is feasible and far better than the KKT point's value
    assert r.kkt.primal_feasibility <= 1e-6 * max(1.0, np.abs(r.x).max())
    assert _objective(problem, r.x) > 1e6 + kkt_value


def test_concave_minimization_is_unbounded_not_optimal_at_its_maximum():
    problem = lk.parse_problem("minimize -(x**2) - y**2")
    r = lk.solve(problem)
    assert r.status == "unbounded"
    assert _objective(problem, r.x) < -1e6  # −‖x‖² at the reported point of the ray


def test_multistart_reports_the_starts_that_ran_off_along_feasible_points():
    problem = lk.parse_problem("maximize x**3 - 3*x subject to x >= -2")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warnings either
        r = lk.solve(problem, n_starts=10, seed=0)
    assert r.status == "unbounded" and "starts" in r.message
    assert r.x[0] >= -2 and _objective(problem, r.x) > 1e6


@pytest.mark.parametrize("method", ["trust-constr", "slsqp", "auglag", "ipm", "auto"])
def test_minimize_x_is_unbounded_with_every_method(method):
    r = lk.solve(lk.parse_problem("minimize x"), method=method)
    assert r.status == "unbounded"
    assert r.x[0] < -1e6  # f = x itself


def test_one_over_x_plus_x_is_unbounded_below_as_x_goes_negative():
    problem = lk.parse_problem("minimize 1/x + x")
    r = lk.solve(problem)
    assert r.status == "unbounded"
    assert r.x[0] < 0 and _objective(problem, r.x) < -1e6  # 1/x + x → −∞ as x → −∞


def test_cvxpy_refuses_to_impose_its_domain_on_one_over_x():
    # cvxpy would read 1/x as inv_pos(x), add x >= 0 and return x = 1; the problem is
    # defined for x < 0 too (and unbounded there)
    r = lk.solve(lk.parse_problem("minimize 1/x + x"), method="cvxpy")
    assert r.status == "failed" and not r.success
    assert "0.0 <= x" in r.message and "domain" in r.message
    # with the domain stated as a bound, cvxpy's answer is the problem's: x = 1 by 1 − 1/x² = 0
    # (tol=1e-4: Clarabel's power and exponential cones are accurate to about 1e-6)
    bounded = lk.minimize(1 / x + x, {}, bounds={x: (1e-9, None)})
    r = lk.solve(bounded, method="cvxpy", tol=1e-4)
    assert r.status == "optimal" and r.x[0] == pytest.approx(1.0, abs=1e-5)


def test_cvxpy_keeps_a_domain_where_the_problem_is_undefined_anyway():
    # log(x) is undefined for x <= 0, so cvxpy's x >= 0 changes nothing
    problem = lk.maximize(sp.log(x) - x, {})
    r = lk.solve(problem, method="cvxpy", tol=1e-4)
    assert r.status == "optimal" and r.x[0] == pytest.approx(1.0, abs=1e-5)  # 1/x − 1 = 0


# ------------------------------------------------------------------ exploration of a box
def test_exploration_covers_an_interval_given_as_constraints():
    problem = lk.parse_problem("maximize x**3 - 3*x subject to x >= -2; x <= 3")
    grid = np.linspace(-2, 3, 100001)
    best = grid[np.argmax(grid**3 - 3 * grid)]  # exhaustive evaluation: x = 3, f = 18
    r = lk.solve(problem)
    assert r.status == "optimal" and r.scope == "global"  # every critical point enumerated
    assert r.x[0] == pytest.approx(best, abs=1e-6) and r.fun == pytest.approx(18.0, rel=1e-9)


# ------------------------------------------------------------------ saddles
@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_a_saddle_is_not_reported_as_optimal(method):
    problem = lk.parse_problem("minimize x**2 - y**2 subject to y**2 <= 1")
    exact = lk.solve_symbolic(problem)  # f* = −1 at (0, ±1)
    r = lk.solve(problem, method=method)
    if r.success:
        assert r.fun == pytest.approx(float(exact.fun), abs=1e-8)
        assert abs(r.x[0]) <= 1e-6 and abs(r.x[1]) == pytest.approx(1.0, abs=1e-6)
        assert r.kkt.second_order is not False
    else:
        assert r.status != "optimal"


def test_a_kkt_point_failing_second_order_is_not_optimal():
    # slsqp started on the symmetry axis y = 0 of x² − y² with no constraint to stop it: the
    # saddle (0, 0) is a KKT point; the check_kkt second-order test rejects it
    report = lk.check_kkt(lk.minimize(x**2 - y**2, {}), {x: 0.0, y: 0.0}, second_order=True)
    assert report.first_order_ok and report.second_order is False
    r = lk.solve(lk.minimize(x**2 - y**2, {}), method="slsqp")
    assert r.status != "optimal"


# ------------------------------------------------------------------ scale
@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_a_tiny_objective_is_minimized_where_it_is_smallest(method):
    r = lk.solve(lk.parse_problem("minimize 1e-12*((x-3)**2 + (y+1)**2)"), method=method)
    assert r.status == "optimal"
    np.testing.assert_allclose(r.x, [3.0, -1.0], atol=1e-6)  # the closed-form minimizer


# ------------------------------------------------------------------ feasible problems
@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_phase_one_gets_past_a_vanishing_violation_gradient(method):
    # h = x²y − 16 has ∇h = 0 at the default start (0, 0); min x² + y² on x²y = 16 is 12 at
    # y = 2, x² = 8 (16/y + y² is smallest where y³ = 8)
    r = lk.solve(lk.parse_problem("minimize x**2 + y**2 subject to x**2*y == 16"), method=method)
    assert r.status == "optimal"
    assert r.fun == pytest.approx(12.0, rel=1e-8)
    np.testing.assert_allclose(np.abs(r.x), [np.sqrt(8.0), 2.0], atol=1e-6)


def test_slsqp_finds_the_feasible_region_of_x_squared_at_least_one():
    r = lk.solve(lk.parse_problem("minimize x**2 subject to x**2 >= 1"), method="slsqp")
    assert r.status == "optimal" and r.fun == pytest.approx(1.0, rel=1e-8)


def test_infeasible_is_reported_as_local_evidence():
    # the line x + y = 2 is √2 from the origin, outside the unit disk: no feasible point
    r = lk.solve(lk.minimize(x, {"line": x + y >= 2, "disk": x**2 + y**2 <= 1}))
    assert r.status == "infeasible" and "locally" in r.message


@pytest.mark.parametrize("x0", [(2.0, -3.0), (0.5, 0.0), (10.0, 3.0)])
def test_slsqp_on_a_degenerate_convex_qp_reaches_its_kkt_point(x0):
    import cvxpy as cp

    problem = lk.parse_problem("minimize x**2 + y**2 subject to x + y == 1; x + y >= 1")
    v = cp.Variable(2)
    ref = cp.Problem(cp.Minimize(cp.sum_squares(v)), [cp.sum(v) == 1, cp.sum(v) >= 1])
    ref.solve()
    r = lk.solve(problem, method="slsqp", x0=x0)
    assert r.status == "optimal" and r.scope == "global"
    np.testing.assert_allclose(r.x, v.value, atol=1e-6)


# ------------------------------------------------------------------ scope
def test_scope_is_global_for_a_convex_problem_and_local_otherwise():
    convex = lk.minimize((x - 1) ** 2 + (y - 2) ** 2, {"c": x + y <= 1})
    r = lk.solve(convex)
    assert r.status == "optimal" and r.scope == "global"
    assert r.fun == pytest.approx(lk.to_cvxpy(convex)[0].solve(), abs=1e-7)
    wavy = lk.minimize(sp.sin(3 * x) + x**2 / 10, {})
    assert lk.solve(wavy).scope == "local"


def test_scope_of_the_exact_route():
    # a box and affine constraints: enumeration of every KKT point covers the compact set
    boxed = lk.maximize(x**3 - 3 * x, {}, bounds={x: (-2, 3)})
    r = lk.solve_symbolic(boxed)
    assert r.status == "optimal" and r.scope == "global" and r.exact[x] == 3
    curved = lk.minimize(x**3 - 3 * x, {"c": x**2 <= 4})
    assert lk.solve_symbolic(curved).scope == "local"


def test_scope_is_in_to_dict_as_strict_json_and_only_on_optima():
    r = lk.solve(lk.minimize((x - 1) ** 2, {}))
    out = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert out["scope"] == "global"
    failed = lk.Result(x=[0.0], fun=0.0, status="failed", success=False, method="t", scope="local")
    assert failed.scope is None
    with pytest.raises(ValueError, match="scope"):
        lk.Result(x=[0.0], fun=0.0, status="optimal", success=True, method="t", scope="everywhere")


def test_a_kkt_point_beaten_by_a_known_feasible_point_is_not_optimal():
    from lagrangekit.numeric_form import NumericForm
    from lagrangekit.solvers.attempt import Attempt
    from lagrangekit.solvers.outcome import finish

    # (x² − 1)² + x/10 has local minima near ±1; f′ = 4x³ − 4x + 1/10 = 0 (numpy's roots)
    problem = lk.minimize((x**2 - 1) ** 2 + x / 10, {})
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.1]).real)
    local, best = roots[2], roots[0]
    form = NumericForm(problem)
    attempt = Attempt(
        x=np.array([local]), multipliers=form.zeros(), method="test", nit=0, converged=True, message=""
    )
    assert finish(form, attempt, np.array([local]), 1e-8).status == "optimal"  # a local minimum
    beaten = finish(
        form, Attempt(**{**attempt.__dict__, "better_point": np.array([best])}), np.array([local]), 1e-8
    )
    assert beaten.status == "failed" and not beaten.success and beaten.scope is None
    assert "not the optimum" in beaten.message
    assert _objective(problem, [best]) < _objective(problem, [local])


# ------------------------------------------------------------------ optima that are not attained
@pytest.mark.parametrize(
    "problem",
    [
        lk.maximize(sp.atan(x)),  # sup π/2, approached as x → ∞: atan x < π/2 everywhere
        lk.minimize(sp.exp(-x) + y**2),  # inf 0, approached as x → ∞: exp(-x) > 0 everywhere
        lk.maximize(-1 / x, bounds={x: (0.1, None)}),  # sup 0 as x → ∞: -1/x < 0 on x >= 0.1
        # inf 0 as x → −∞: the derivative x/√(x² + 1) + 1 > 0 everywhere. Far out, f is computed
        # with cancellation, so the first steps of the walk change it by ± its terms' rounding;
        # it was reported "optimal", scope global (f is convex), at x = −5e5
        lk.minimize(sp.sqrt(x**2 + 1) + x),
    ],
)
def test_an_infimum_that_is_not_attained_is_not_called_optimal(problem):
    # the gradient far out is below any tolerance, so the KKT residuals pass; the objective
    # keeps improving along the way out, and the closed form shows no point attains the bound
    r = lk.solve(problem)
    assert r.status != "optimal" and not r.success
    assert "not attained" in r.message or r.status == "unbounded"


@pytest.mark.parametrize(
    ("problem", "minimizer", "value", "atol"),
    [
        (lk.minimize(sp.exp(x) + sp.exp(-x)), [0.0], 2.0, 1e-6),  # cosh: min 2 at 0
        (lk.minimize(x * sp.log(x), bounds={x: (0, None)}), [np.exp(-1)], -np.exp(-1), 1e-6),
        # a flat minimum: the answer stops short of 0 (f ~ 1e-8 within tol), and f turns up past 0
        (lk.minimize(x**4), [0.0], 0.0, 2e-2),
        (lk.minimize((x - 1e6) ** 2 + (y + 1e-6) ** 2), [1e6, -1e-6], 0.0, 1e-6),
    ],
)
def test_attained_minima_stay_optimal(problem, minimizer, value, atol):
    r = lk.solve(problem)
    assert r.status == "optimal"
    assert r.fun == pytest.approx(value, abs=1e-7)
    np.testing.assert_allclose(r.x, minimizer, rtol=1e-6, atol=atol)


def test_a_run_out_of_a_box_written_as_constraints_is_unbounded():
    # found by the public-API fuzz: 3·z·b with 0 <= z <= 5 written as constraints is unbounded
    # along b at z = 5 (f = 15·b); the iterates run off in both variables and used to end max_iter
    problem = lk.parse_problem("maximize 3*z*beta subject to z >= 0; z <= 5")
    r = lk.solve(problem)
    assert r.status == "unbounded"
    point = dict(zip(map(str, problem.variables), r.x))
    # z on the ray within the feasibility tolerance of the probe (1e-6; 5.000001 under one BLAS kernel)
    assert -1e-5 <= point["z"] <= 5 + 1e-5 and _objective(problem, r.x) > 1e12


def test_a_second_start_next_to_a_stuck_x0_is_kept_only_when_certified(monkeypatch):
    # x² + y² = 0 has a zero gradient at x0 = 0, so SLSQP stops there ("Singular matrix C");
    # the point (0, 0) admits no multipliers for ∇f = (−4, −2), so the nudged SLSQP run
    # certifies nothing either, and the answer is the one of the chain without it
    from lagrangekit.solvers import dispatch

    problem = lk.minimize((x - 2) ** 2 + (y - 1) ** 2, {"c": sp.Eq(x**2 + y**2, 0)})
    nudges = []
    nudged = dispatch._nudged
    monkeypatch.setattr(dispatch, "_nudged", lambda form, x0: nudges.append(x0) or nudged(form, x0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = lk.solve(problem)
        monkeypatch.setattr(dispatch, "_nudged", lambda form, x0: None)
        without = lk.solve(problem)
    assert len(nudges) == 1 and np.array_equal(nudges[0], [0.0, 0.0])
    assert np.array_equal(r.x, without.x) and r.status == without.status and r.method == without.method


def test_runaway_multipliers_at_an_accepted_point_are_called_ill_determined() -> None:
    # min x s.t. x² <= 0: the only feasible point is x = 0, where ∇(x²) = 0, so no μ makes
    # 1 + 2μx vanish there (by hand): every multiplier a solver reports is an artifact of
    # stopping a hair away from 0. The point and f are right; the message must say so.
    result = lk.solve(lk.minimize(x, {"c": x**2 <= 0}))
    assert abs(result.x[0]) < 1e-6 and abs(result.fun) < 1e-6
    assert result.multipliers["c"] <= 1e4 or "ill-determined" in result.message
    # a well-posed neighbour keeps its plain message: μ = 1/2 at x = −1
    plain = lk.solve(lk.minimize(x, {"c": x**2 <= 1}))
    assert plain.multipliers["c"] == pytest.approx(0.5, rel=1e-6)
    assert "ill-determined" not in plain.message


def test_a_local_optimum_from_one_start_says_how_to_look_for_a_better_one() -> None:
    # B&V §5.1.5 two-way partitioning with W = [[0, 1, 3], [1, 0, −1], [3, −1, 0]]: by brute
    # force over {±1}³ the minimum is −10; a local solve may stop at another vertex
    import itertools

    W = np.array([[0.0, 1.0, 3.0], [1.0, 0.0, -1.0], [3.0, -1.0, 0.0]])
    p_star = min(np.array(s) @ W @ np.array(s) for s in itertools.product((-1, 1), repeat=3))
    problem = lk.parse_problem("minimize 2*x*y + 6*x*z - 2*y*z s.t. x**2 == 1; y**2 == 1; z**2 == 1")
    single = lk.solve(problem)
    assert single.status == "optimal" and single.scope == "local" and single.fun >= p_star - 1e-6
    assert "n_starts" in single.message and "solve_symbolic" in single.message
    multi = lk.solve(problem, n_starts=10, seed=0)
    assert multi.fun >= p_star - 1e-6
    assert "restarts from random points" not in multi.message  # the hint is for one start only
    convex = lk.solve(lk.minimize((x - 1) ** 2, {"c": x >= 2}))
    assert convex.scope == "global" and "n_starts" not in convex.message
