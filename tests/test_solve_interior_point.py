"""lk.solve(method="ipm"), the interior-point backend: textbook answers, published
Hock–Schittkowski optima, cvxpy on a convex problem, and honest statuses on hostile input."""

from __future__ import annotations

import json
import math
import warnings

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

import lagrangekit as lk
from lagrangekit.numeric_form import NumericForm
from lagrangekit.solvers.interior_point import interior_point

x, y, z = sp.symbols("x y z", real=True)


def solve_ipm(problem, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.ConvergenceWarning)
        return lk.solve(problem, method="ipm", **kwargs)


# ----------------------------------------------------------- textbook cases
def test_T2_active_floor():
    # TEXTBOOK T2: minimize (y - 1)^2 s.t. y >= 3  ->  y = 3, mu = 4.
    r = solve_ipm(lk.minimize((y - 1) ** 2, {"floor": y >= 3}))
    assert r.success and r.status == "optimal" and r.method == "ipm"
    assert r.x[0] == pytest.approx(3, abs=1e-10)
    assert r.multipliers["floor"] == pytest.approx(4, abs=1e-8)


def test_T1_maximize_on_circle():
    # TEXTBOOK T1: maximize x + y s.t. x^2 + y^2 = 1: f = sqrt 2, lambda = sqrt2/2 for min -f.
    r = solve_ipm(lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)}), x0=[1, 0.5])
    assert r.success
    np.testing.assert_allclose(r.x, [np.sqrt(0.5)] * 2, atol=1e-9)
    assert r.multipliers["circle"] == pytest.approx(np.sqrt(0.5), rel=1e-8)


def test_a_bound_and_a_constraint_active_together():
    # minimize (x-2)^2 + (y-2)^2 s.t. x + y <= 2, x <= 0.5: by hand x = 0.5, y = 1.5,
    # stationarity 2(x-2) + mu + nu = 0, 2(y-2) + mu = 0 -> mu = 1, nu = 2 (upper:x)
    r = solve_ipm(lk.minimize((x - 2) ** 2 + (y - 2) ** 2, {"sum": x + y <= 2}, bounds={x: (None, 0.5)}))
    assert r.success
    np.testing.assert_allclose(r.x, [0.5, 1.5], atol=1e-10)
    assert r.multipliers["sum"] == pytest.approx(1, abs=1e-8)
    assert r.multipliers["upper:x"] == pytest.approx(2, abs=1e-8)


def test_callable_problem_without_hessian():
    # from_functions with no derivatives: projection of (1, 2) onto the unit disk, by hand
    # x = (1, 2)/sqrt5 and 2(x - c) + 2 mu x = 0 gives mu = sqrt5 - 1
    problem = lk.from_functions(
        lambda v: (v[0] - 1) ** 2 + (v[1] - 2) ** 2, n=2, ineq={"disk": lambda v: v[0] ** 2 + v[1] ** 2 - 1}
    )
    r = solve_ipm(problem)
    assert r.success
    np.testing.assert_allclose(r.x, np.array([1.0, 2.0]) / np.sqrt(5), atol=1e-7)
    assert r.multipliers["disk"] == pytest.approx(np.sqrt(5) - 1, abs=1e-6)


def test_callable_that_raises_outside_its_domain_is_backtracked_from():
    # f = x^1.5 − x through math.sqrt: Newton's first step from x = 4 lands at x < 0, where
    # math.sqrt raises; the line search backs off. By hand: f' = 1.5·sqrt(x) − 1 = 0 at x = 4/9
    problem = lk.from_functions(lambda v: math.sqrt(v[0]) ** 3 - v[0], n=1)
    r = solve_ipm(problem, x0=[4.0])
    assert r.success
    assert r.x[0] == pytest.approx(4 / 9, abs=1e-8)


# ----------------------------------------------------------- cvxpy as referee
def test_convex_problem_matches_cvxpy_point_and_duals():
    rng = np.random.default_rng(3)
    c = rng.normal(size=3)
    v = np.array([x, y, z])
    objective = sum((vi - ci) ** 2 for vi, ci in zip(v, c))
    constraints = {"ball": x**2 + y**2 + z**2 <= 0.5, "plane": sp.Eq(x + 2 * y - z, 0.3)}
    problem = lk.minimize(objective, constraints, bounds={z: (-0.2, None)})
    r = solve_ipm(problem)
    w = cp.Variable(3)
    cons = [cp.sum_squares(w) <= 0.5, w[0] + 2 * w[1] - w[2] == 0.3, w[2] >= -0.2]
    ref = cp.Problem(cp.Minimize(cp.sum_squares(w - c)), cons)
    ref.solve(solver=cp.CLARABEL)
    assert r.success
    # Clarabel meets the ball through a second-order cone: its point is good to ~1e-5, its f to ~1e-9
    np.testing.assert_allclose(r.x, w.value, atol=1e-4)
    assert r.fun == pytest.approx(ref.value, rel=1e-8)
    assert r.multipliers["ball"] == pytest.approx(np.ravel(cons[0].dual_value)[0], abs=1e-4)
    # cvxpy's equality dual is for a·w − 0.3 == 0 with L = f + y(a·w − 0.3): our sign
    assert r.multipliers["plane"] == pytest.approx(np.ravel(cons[1].dual_value)[0], abs=1e-4)
    assert r.multipliers["lower:z"] == pytest.approx(np.ravel(cons[2].dual_value)[0], abs=1e-4)


# ----------------------------------------------------------- published optima
HS_SUBSET = ["HS21", "HS35", "HS43", "HS65", "HS71", "HS100", "HS113"]


@pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")
@pytest.mark.parametrize("name", HS_SUBSET)
def test_hs_published_optimum_from_x0(name):
    case = hs_case(name)
    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == name)
    r = solve_ipm(case.problem, x0=entry["x0"])
    assert r.success and r.status == "optimal"
    assert r.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(r.x, case.x_star, atol=1e-3 * max(1.0, np.abs(case.x_star).max()))


@pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")
def test_hs61_from_the_singular_start_x0_0():
    # HS61's equality Jacobian is singular at x0 = 0, where SLSQP cannot take a step; the
    # interior-point method starts there all the same
    case = hs_case("HS61")
    r = solve_ipm(case.problem, x0=[0.0, 0.0, 0.0])
    assert r.success and r.method.startswith("ipm")
    assert r.fun == pytest.approx(case.f_star, rel=1e-6)


# ----------------------------------------------------------- hostile input
def test_start_outside_the_domain_is_reported_not_raised():
    # log(x) is undefined at x0 = -1 and nothing keeps x positive: the backend says so
    form = NumericForm(lk.minimize(x - sp.log(x), {"cap": x <= 5}))
    a = interior_point(form, np.array([-1.0]))
    assert not a.converged and "not defined" in a.message
    assert np.all(np.isfinite(a.x))


def test_nan_start_is_a_value_error_naming_x0():
    with pytest.raises(ValueError, match="x0"):
        lk.solve(lk.minimize(x**2), method="ipm", x0=[np.nan])


def test_infeasible_problem_is_infeasible():
    r = solve_ipm(lk.minimize(x**2 + y**2, {"a": x + y >= 2, "b": x + y <= 1}))
    assert r.status == "infeasible" and not r.success


def test_unbounded_problem_is_unbounded():
    r = solve_ipm(lk.minimize(x - y, {"c": x + y <= 1}))
    assert r.status == "unbounded" and not r.success
    assert float(r.x[0] - r.x[1]) < -1e6  # f itself at the reported point


def test_cusp_is_not_called_optimal():
    # TEXTBOOK-style cusp: minimize x s.t. y^2 <= x^3 ... here minimize -x s.t. (1-x)^3 >= y, y >= 0
    # (HS13's shape): x* = 1 has no KKT multipliers, so success would be a false certificate
    r = solve_ipm(lk.minimize((x - 2) ** 2 + y**2, {"cusp": (1 - x) ** 3 - y >= 0}, bounds={y: (0, None)}))
    assert not r.success
    assert r.status in ("no_kkt_point", "max_iter", "failed")


STARTS = st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=2)
RADII = st.floats(0.0, 4.0)


def _check_random_start(start, radius):
    # minimize the distance to (3, -1) on a disk of radius r (r = 0: a single point, no
    # interior): the answer is its projection onto the disk, by hand
    problem = lk.minimize((x - 3) ** 2 + (y + 1) ** 2, {"disk": x**2 + y**2 <= radius**2})
    r = solve_ipm(problem, x0=start)
    assert np.all(np.isfinite(r.x))
    assert r.status in ("optimal", "no_kkt_point", "max_iter", "failed", "infeasible")
    if r.success:
        target = np.array([3.0, -1.0]) * min(1.0, radius / np.sqrt(10.0))
        np.testing.assert_allclose(r.x, target, atol=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=STARTS, radius=RADII)
def test_random_starts_give_a_status_and_finite_point(start, radius):
    _check_random_start(start, radius)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=STARTS, radius=RADII)
def test_random_starts_give_a_status_and_finite_point_many(start, radius):
    _check_random_start(start, radius)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.floats(1e-3, 50.0))
def test_steps_into_an_undefined_region_are_backed_off(start):
    # sqrt(x) + (x - 2)^2 is NaN for x < 0 and nothing bounds x: Newton steps from near 0 or
    # from far right can land there. The minimizer solves 1/(2 sqrt x) + 2(x - 2) = 0 (brentq)
    x_star = brentq(lambda t: 0.5 / np.sqrt(t) + 2 * (t - 2), 1.0, 2.0)
    r = solve_ipm(lk.minimize(sp.sqrt(x) + (x - 2) ** 2), x0=[start])
    assert np.all(np.isfinite(r.x))
    if r.success:
        assert r.x[0] == pytest.approx(x_star, abs=1e-8)
    else:
        assert r.status in ("max_iter", "failed", "no_kkt_point")
