"""check_kkt: the KKT battery condition by condition, exact points, estimates, second order.

References are hand derivations (stated next to each case), TEXTBOOK.md cases T1, T2, T4,
closed-form box projections, and cvxpy's dual values.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.numeric_form import NumericForm

x, y, z = sp.symbols("x y z", real=True)
a = sp.Symbol("a", real=True)
HALF = sp.Rational(1, 2)
R2 = sp.sqrt(2) / 2

# min (x-2)² + (y-1)² s.t. x + y <= 2: the projection of (2, 1) is (3/2, 1/2) with μ = 1
PROJ = lk.minimize((x - 2) ** 2 + (y - 1) ** 2, {"cap": x + y <= 2})
# the same objective with an inactive cap x + y <= 3, whose minimizer is (2, 1)
LOOSE = lk.minimize((x - 2) ** 2 + (y - 1) ** 2, {"cap": x + y <= 3})
# min x² + y² s.t. x + y <= 2: at (1, 1) stationarity needs μ = -2 (wrong sign)
BOWL = lk.minimize(x**2 + y**2, {"cap": x + y <= 2})
# min -(x² + y²) s.t. x <= 1: (0, 0) is stationary but a local maximum
DOME = lk.minimize(-(x**2) - y**2, {"right": x <= 1})


def _as(kind, values):
    return [sp.nsimplify(v) for v in values] if kind == "exact" else np.array(values, dtype=float)


BATTERY = [
    # (label, problem, point, multipliers, expected failed conditions, expected ok)
    ("true KKT point", PROJ, [1.5, 0.5], None, (), True),
    ("feasible, not stationary", PROJ, [0.0, 0.0], None, ("stationarity",), False),
    ("infeasible", PROJ, [2.0, 1.0], None, ("primal_feasibility",), False),
    ("negative multiplier given", BOWL, [1.0, 1.0], {"cap": -2}, ("dual_feasibility",), False),
    ("negative multiplier estimated", BOWL, [1.0, 1.0], None, ("stationarity",), False),
    ("complementary slackness violated", LOOSE, [1.5, 0.5], {"cap": 1}, ("complementary_slackness",), False),
]


@pytest.mark.parametrize("kind", ["exact", "float"])
@pytest.mark.parametrize("case", BATTERY, ids=[c[0] for c in BATTERY])
def test_battery_verdict_condition_by_condition(case, kind):
    _, problem, point, mults, failed, ok = case
    report = lk.check_kkt(problem, _as(kind, point), mults)
    assert report.failed_conditions() == failed
    assert report.ok is ok
    for name in failed:
        assert name.replace("_", " ") in report.message


def test_battery_residual_values_by_hand():
    # feasible (0,0): ∇f = (-4, -2), cap inactive -> stationarity 4
    assert lk.check_kkt(PROJ, [0, 0]).stationarity == 4
    # infeasible (2,1): g = 1, ∇f = 0
    infeasible = lk.check_kkt(PROJ, [2, 1])
    assert infeasible.primal_feasibility == 1 and infeasible.stationarity == 0
    # (1,1) with μ = -2: ∇f + μ∇g = (2,2) - 2(1,1) = 0, dual residual 2
    neg = lk.check_kkt(BOWL, [1, 1], {"cap": -2})
    assert (neg.stationarity, neg.dual_feasibility) == (0, 2)
    # (3/2,1/2) with μ = 1 on x + y <= 3: g = -1, so |μ g| = 1
    assert lk.check_kkt(LOOSE, [HALF * 3, HALF], {"cap": 1}).complementary_slackness == 1


@pytest.mark.parametrize("kind", ["exact", "float"])
def test_local_max_of_min_problem_fails_second_order(kind):
    report = lk.check_kkt(DOME, _as(kind, [0, 0]), second_order=True)
    assert report.first_order_ok
    assert report.second_order is False
    assert not report.ok
    assert "second-order" in report.message


@pytest.mark.parametrize("kind", ["exact", "float"])
def test_true_kkt_point_satisfies_second_order(kind):
    report = lk.check_kkt(PROJ, _as(kind, [1.5, 0.5]), second_order=True)
    assert report.ok and report.second_order is True and report.licq is True
    assert float(report.multipliers["cap"]) == pytest.approx(1.0)


def test_exact_point_is_checked_exactly():
    report = lk.check_kkt(PROJ, {x: sp.Rational(3, 2), y: HALF})
    assert report.multipliers["cap"] == 1 and isinstance(report.multipliers["cap"], sp.Integer)
    for value in (report.stationarity, report.primal_feasibility, report.complementary_slackness):
        assert value == 0 and isinstance(value, sp.Basic)


def test_textbook_t1_both_stationary_points_exactly():
    # T1: maximize x + y s.t. x² + y² = 1; min -f form: λ = √2/2 at the max, -√2/2 at the min
    problem = lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)})
    top = lk.check_kkt(problem, {x: R2, y: R2}, second_order=True)
    assert top.ok and top.stationarity == 0 and sp.simplify(top.multipliers["circle"] - R2) == 0
    assert top.second_order is True
    bottom = lk.check_kkt(problem, {x: -R2, y: -R2}, second_order=True)
    assert bottom.first_order_ok and sp.simplify(bottom.multipliers["circle"] + R2) == 0
    assert bottom.second_order is False  # the minimizer of x + y is not a maximizer


def test_textbook_t2_multiplier_four():
    problem = lk.minimize((y - 1) ** 2, {"floor": y >= 3})
    for point in ({y: 3}, [3.0]):
        report = lk.check_kkt(problem, point)
        assert report.ok and report.active == ("floor",)
        assert float(report.multipliers["floor"]) == 4
    assert lk.check_kkt(problem, [1.0]).failed_conditions() == ("primal_feasibility",)


def test_textbook_t4_maximize_multiplier_in_min_form():
    # T4: maximize xy s.t. x + y = 10: L = -xy + λ(x + y - 10), λ = 5 at (5, 5)
    problem = lk.maximize(x * y, {"budget": sp.Eq(x + y, 10)})
    report = lk.check_kkt(problem, {"x": 5, "y": 5}, second_order=True)
    assert report.ok and report.multipliers["budget"] == 5 and report.second_order is True


def test_bounds_use_lower_and_upper_names():
    # min (x - 3)² + (y + 1)² on the box [0, 2]²: x* = (2, 0), μ_upper:x = 2, μ_lower:y = 2
    problem = lk.minimize((x - 3) ** 2 + (y + 1) ** 2, bounds={x: (0, 2), y: (0, 2)})
    report = lk.check_kkt(problem, [2, 0])
    assert report.ok
    assert dict(report.multipliers) == {"lower:x": 0, "upper:x": 2, "lower:y": 2, "upper:y": 0}
    assert set(report.active) == {"upper:x", "lower:y"}


@settings(max_examples=25, deadline=None)
@given(
    c=st.lists(st.floats(-5, 5), min_size=3, max_size=3),
    width=st.floats(0.1, 3),
)
def test_box_projection_multipliers_match_closed_form(c, width):
    # min Σ (x_i - c_i)² on [-w, w]³: x* = clip(c), μ_upper = 2(c - w)⁺, μ_lower = 2(-w - c)⁺
    xs = sp.symbols("u0:3", real=True)
    problem = lk.minimize(
        sum((xi - ci) ** 2 for xi, ci in zip(xs, c)), bounds=dict.fromkeys(xs, (-width, width))
    )
    c = np.array(c)
    report = lk.check_kkt(problem, np.clip(c, -width, width), tol=1e-8)
    assert report.ok
    for i, xi in enumerate(xs):
        assert report.multipliers[f"upper:{xi}"] == pytest.approx(2 * max(c[i] - width, 0), abs=1e-9)
        assert report.multipliers[f"lower:{xi}"] == pytest.approx(2 * max(-width - c[i], 0), abs=1e-9)


def test_multipliers_agree_with_cvxpy_dual_values():
    # min ‖v - t‖² s.t. A v <= b, sum(v) = 1; cvxpy's dual_value has our sign (also for == written lhs - rhs)
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    b = A @ np.full(3, 1 / 3) + 0.1 * np.abs(rng.normal(size=4))  # v = 1/3 is feasible
    t = rng.normal(size=3) * 2
    v = cp.Variable(3)
    cons = [A @ v <= b, cp.sum(v) == 1]
    cp.Problem(cp.Minimize(cp.sum_squares(v - t)), cons).solve(solver=cp.CLARABEL)
    xs = sp.symbols("v0:3", real=True)
    rows = {f"r{i}": sum(sp.Float(A[i, j]) * xs[j] for j in range(3)) <= sp.Float(b[i]) for i in range(4)}
    rows["total"] = sp.Eq(sum(xs), 1)
    problem = lk.minimize(sum((xi - ti) ** 2 for xi, ti in zip(xs, t)), rows)
    duals = {f"r{i}": float(cons[0].dual_value[i]) for i in range(4)} | {"total": float(cons[1].dual_value)}
    given_report = lk.check_kkt(problem, v.value, duals, tol=1e-6)
    assert given_report.ok, given_report.message
    estimated = lk.check_kkt(problem, v.value, tol=1e-6)
    for name, value in duals.items():
        assert estimated.multipliers[name] == pytest.approx(value, abs=1e-5)


def test_weakly_active_constraint_uses_the_cone():
    # min x² s.t. x >= 0 at 0: μ = 0 (weakly active), cone d >= 0, f'' = 2 > 0 -> sufficient
    assert lk.check_kkt(lk.minimize(x**2, {"c": x >= 0}), {x: 0}, second_order=True).second_order is True
    # min x² - y² s.t. y <= 0 at 0: direction (0, -1) lies in the cone and has curvature -2
    saddle = lk.minimize(x**2 - y**2, {"c": y <= 0})
    for point in ([0, 0], [0.0, 0.0]):
        report = lk.check_kkt(saddle, point, second_order=True)
        assert report.second_order is False and report.first_order_ok and not report.ok
        # the first-order conditions hold: the report says it is a KKT point but not a minimizer
        assert str(report).startswith("KKTReport: KKT point, but not a local minimizer")
    # strongly active y >= 0 with μ = 1 removes the bad direction: min x² - y² + y
    strong = lk.minimize(x**2 - y**2 + y, {"c": y >= 0})
    for point in ([0, 0], [0.0, 0.0]):
        report = lk.check_kkt(strong, point, second_order=True)
        assert report.ok and report.second_order is True and float(report.multipliers["c"]) == 1


def test_degenerate_curvature_is_undecided():
    # min x³ + y² at 0 (no constraints): the x-curvature is zero, the test cannot decide
    for point in ([0, 0], [0.0, 0.0]):
        report = lk.check_kkt(lk.minimize(x**3 + y**2), point, second_order=True)
        assert report.first_order_ok and report.second_order is None


def test_licq_failure_at_a_cusp_is_reported():
    # min -x s.t. y <= (1 - x)³, y >= 0: the minimizer (1, 0) has no multipliers
    problem = lk.minimize(-x, {"cusp": y <= (1 - x) ** 3, "floor": y >= 0})
    for point in ([1, 0], [1.0, 0.0]):
        report = lk.check_kkt(problem, point)
        assert report.licq is False and report.failed_conditions() == ("stationarity",)
        assert "LICQ fails" in report.message


def test_numeric_and_exact_paths_agree():
    problem = lk.maximize(sp.exp(-(x**2 + y**2)), {"line": sp.Eq(x - y + 1, 0)})  # T3
    exact = lk.check_kkt(problem, {x: -HALF, y: HALF})
    numeric = lk.check_kkt(problem, [-0.5, 0.5])
    assert exact.ok and numeric.ok
    assert sp.simplify(exact.multipliers["line"] - sp.exp(-HALF)) == 0
    assert numeric.multipliers["line"] == pytest.approx(float(sp.exp(-HALF)), rel=1e-12)


def test_inputs_are_validated_and_not_mutated():
    point = {x: 1.5, y: 0.5}
    mults = {"cap": 1.0}
    lk.check_kkt(PROJ, point, mults)
    assert point == {x: 1.5, y: 0.5} and mults == {"cap": 1.0}
    arr = np.array([1.5, 0.5])
    lk.check_kkt(PROJ, arr)
    assert arr.tolist() == [1.5, 0.5]
    with pytest.raises(ValueError, match="missing values for \\['y'\\]"):
        lk.check_kkt(PROJ, {x: 1})
    with pytest.raises(ValueError, match="not a variable"):
        lk.check_kkt(PROJ, {x: 1, y: 1, z: 0})
    with pytest.raises(ValueError, match="3 values but the problem has 2"):
        lk.check_kkt(PROJ, [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        lk.check_kkt(PROJ, [np.nan, 1])
    with pytest.raises(ValueError, match="unknown names \\['nope'\\]"):
        lk.check_kkt(PROJ, [1, 1], {"nope": 1})
    with pytest.raises(ValueError, match="tol must be a positive"):
        lk.check_kkt(PROJ, [1, 1], tol=-1)
    with pytest.raises(ValueError, match="parameters \\['a'\\]"):
        lk.check_kkt(lk.minimize((x - a) ** 2, variables=[x]), [0])
    with pytest.raises(ValueError, match="must be a lagrangekit Problem"):
        lk.check_kkt("minimize x", [0])


def test_report_prints_the_failure():
    text = str(lk.check_kkt(PROJ, [0, 0]))
    assert "stationarity" in text and "FAIL" in text and "not a KKT point" in text


def test_the_solvers_unchecked_entry_gives_the_same_report():
    # check_kkt_at skips input validation for the solvers; on the same numbers it must agree
    problem = lk.minimize((x - 2) ** 2 + (y - 1) ** 2, {"disk": x**2 + y**2 <= 1, "line": sp.Eq(x, 2 * y)})
    point = np.array([2, 1]) / np.sqrt(5)
    mu = float(np.sqrt(5) - 1)
    checked = lk.check_kkt(problem, point, {"disk": mu, "line": 0.0}, tol=1e-10)
    form = NumericForm(problem)
    fast = lk.kkt.check_kkt_at(form, point, (np.array([0.0]), np.array([mu])), tol=1e-10)
    assert checked.ok and fast.ok
    assert fast.to_dict() == checked.to_dict()
    estimated = lk.kkt.check_kkt_at(form, point, None, tol=1e-10)
    assert estimated.multipliers["disk"] == pytest.approx(mu, abs=1e-12)
