"""One numeric standard form and one KKT residual: what the solvers rank by is what check_kkt reports."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

import lagrangekit as lk
from lagrangekit.kkt import check_kkt_at
from lagrangekit.numeric_form import Multipliers, NumericForm
from lagrangekit.problem import BaseProblem

x, y = sp.symbols("x y", real=True)
DELTA = 5e-10  # how far the point of issue 15 is infeasible: x + y = 1 − δ


def _issue_problem(scale: float) -> lk.Problem:
    """min x² + y² s.t. scale·(1 − x − y) <= 0: x = y = 1/2, μ = 1/scale (2x = scale·μ)."""
    return lk.minimize(x**2 + y**2, {"c": scale * (1 - x - y) <= 0})


@pytest.mark.parametrize("scale", [1000.0, 1.0])
def test_solver_merit_and_certificate_are_one_residual(scale):
    problem = _issue_problem(scale)
    point = np.full(2, (1 - DELTA) / 2)
    mu = (1 - DELTA) / scale  # exact stationarity: 2x = scale·μ
    report = lk.check_kkt(problem, point, {"c": mu}, tol=1e-8)
    # closed forms: the violation scale·δ over ‖∇g‖∞ = scale is δ; μ·g = (1 − δ)·δ over max(1, ‖∇f‖∞) = 1
    assert report.scaled["primal_feasibility"] == pytest.approx(DELTA, rel=1e-5)
    assert report.scaled["complementary_slackness"] == pytest.approx(DELTA * (1 - DELTA), rel=1e-5)
    assert report.primal_feasibility == pytest.approx(scale * DELTA, rel=1e-5)
    merit = NumericForm(problem).kkt_error(point, Multipliers(np.zeros(0), np.array([mu])))
    assert merit == max(report.scaled.values())
    # so both accept at tol 1e-8 and both reject at 1e-10, whatever the constraint's scale
    assert report.ok and merit <= 1e-8
    assert not lk.check_kkt(problem, point, {"c": mu}, tol=1e-10).ok and merit > 1e-10
    estimated = lk.check_kkt(problem, point, tol=1e-8)
    assert estimated.multipliers["c"] == pytest.approx(mu, rel=1e-9)


@pytest.mark.parametrize("scale", [1000.0, 1.0])
def test_the_issue_problem_solves_to_its_closed_form(scale):
    result = lk.solve(_issue_problem(scale))
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [0.5, 0.5], atol=1e-9)
    assert result.multipliers["c"] == pytest.approx(1 / scale, rel=1e-7)
    assert result.kkt.ok


def test_callable_problem_is_not_a_problem_and_compiles_to_the_same_form():
    problem = lk.from_functions(
        lambda v: v[0] ** 2 + v[1] ** 2,
        2,
        ineq={"c": lambda v: 1000 * (1 - v[0] - v[1])},
        bounds=[(0, 1), (None, 2)],
    )
    assert isinstance(problem, BaseProblem) and not isinstance(problem, lk.Problem)
    form = NumericForm(problem)
    assert form.ineq_names == ("c", "lower:x1", "upper:x1", "upper:x2")
    # rows of G at (0.25, 0.5): 1000·(1 − 0.75), then 0 − 0.25, 0.25 − 1, 0.5 − 2
    np.testing.assert_allclose(form.G(np.array([0.25, 0.5])), [250.0, -0.25, -0.75, -1.5], rtol=1e-12)
    result = lk.solve(problem)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [0.5, 0.5], atol=1e-7)
    assert result.multipliers["c"] == pytest.approx(1e-3, rel=1e-6)


def test_solvers_check_without_revalidating_and_agree_with_check_kkt():
    problem = _issue_problem(1000.0)
    form = NumericForm(problem)
    point = np.array([0.5, 0.5])
    fast = check_kkt_at(form, point, (np.zeros(0), np.array([1e-3])), tol=1e-10, second_order=True)
    public = lk.check_kkt(problem, point, {"c": 1e-3}, tol=1e-10, second_order=True)
    assert fast.ok and fast.second_order is True  # ∇²L = 2I: positive definite
    assert fast.to_dict() == public.to_dict()
    # an objective scale of the solver's form does not leak into the report on f
    scaled = NumericForm(problem, 1e3)
    own = check_kkt_at(scaled, point, (np.zeros(0), np.array([1e-3])), tol=1e-10, second_order=True)
    assert own.to_dict() == public.to_dict()


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
hostile = st.one_of(finite, st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 0.0]))


@settings(max_examples=40, deadline=None)
@given(st.lists(hostile, min_size=2, max_size=2), hostile)
def test_merit_of_hostile_points_is_inf_or_a_number(point, mu):
    form = NumericForm(_issue_problem(1000.0))
    merit = form.kkt_error(np.array(point), Multipliers(np.zeros(0), np.array([mu])))
    assert merit == math.inf or (math.isfinite(merit) and merit >= 0)
    if all(math.isfinite(v) for v in point) and math.isfinite(mu):
        report = check_kkt_at(form, np.array(point), (np.zeros(0), np.array([mu])), tol=1e-8)
        assert report.ok == (merit <= 1e-8)


# ----------------------------------------------------------------- dependency direction
ROOT = Path(__file__).resolve().parents[1] / "lagrangekit"
# the modules at the bottom of the package, below problem.py (they never import it at run time)
BOTTOM = {
    "_lambdify",
    "_sympy_derivatives",
    "errors",
    "expression_checks",
    "expression_rows",
    "quadratic_structure",
    "text_printer",
}


def _runtime_imports(module: str) -> set[str]:
    """The lagrangekit modules ``module`` imports anywhere (functions included), except under
    ``if TYPE_CHECKING:``."""
    tree = ast.parse((ROOT / f"{module}.py").read_text())
    skipped = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.dump(guard.test)
        for node in ast.walk(guard)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lagrangekit"):
            found.add((node.module or "").split(".")[1] if "." in node.module else "__init__")
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("lagrangekit."))
    return found


def test_problem_imports_nothing_above_it():
    direct = _runtime_imports("problem")
    assert direct <= BOTTOM, f"problem.py imports {sorted(direct - BOTTOM)}, which sit above it"
    # nor does anything it imports reach back up to problem (or to anything but the bottom)
    seen, todo = set(), list(direct)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(_runtime_imports(module) if (ROOT / f"{module}.py").exists() else [])
    assert "problem" not in seen
    assert not seen & {"parsing", "function_problem", "cvxpy_export", "kkt", "solvers", "symbolic", "duality"}


def _entropy(x, y):
    return -x * sp.log(x) - y * sp.log(y) - (1 - x - y) * sp.log(1 - x - y)


def test_entropy_of_three_categories_starts_inside_its_domain():
    # zeros, ones and halves all put a log at 0; the simplex centre (1/3, 1/3) does not.
    # The maximum entropy of three categories is log 3 at the uniform distribution (closed form)
    a, b = sp.symbols("a b", real=True)
    res = lk.solve(lk.maximize(_entropy(a, b), {}))
    assert res.status == "optimal"
    np.testing.assert_allclose(res.x, [1 / 3, 1 / 3], atol=1e-7)
    assert res.fun == pytest.approx(np.log(3), rel=1e-12)


def test_maximum_entropy_with_a_mean_is_the_gibbs_distribution():
    # values v = (1, 0, 2) for (a, b, 1 − a − b) with mean 1/2: p_i ∝ exp(−β v_i), β from
    # scipy's brentq on the mean (the textbook solution), and the multiplier of the mean is β
    a, b = sp.symbols("a b", real=True)
    values = np.array([1.0, 0.0, 2.0])

    def gibbs(beta):
        w = np.exp(-beta * values)
        return w / w.sum()

    beta = brentq(lambda t: gibbs(t) @ values - 0.5, -50, 50, xtol=1e-15)
    res = lk.solve(lk.maximize(_entropy(a, b), {"mean": sp.Eq(a + 2 * (1 - a - b), sp.Rational(1, 2))}))
    assert res.status == "optimal"
    np.testing.assert_allclose(res.x, gibbs(beta)[:2], atol=1e-7)
    assert abs(res.multipliers["mean"]) == pytest.approx(beta, rel=1e-6)


def test_bound_multipliers_are_recovered_from_stationarity_at_active_bounds_only():
    # min (x − 2)² + (y + 1)² on 0 <= x <= 1, y >= 0: at (1, 0), ∇f = (−2, 2) is balanced by
    # upper:x (gradient (1, 0)) with μ = 2 and lower:y (gradient (0, −1)) with μ = 2; lower:x is
    # inactive (closed form, by hand)
    form = NumericForm(lk.minimize((x - 2) ** 2 + (y + 1) ** 2, bounds={x: (0, 1), y: (0, None)}))
    m = form.recover_bound_multipliers(np.array([1.0, 0.0]), np.zeros(0), np.zeros(0))
    assert form.to_dict(m) == {"lower:x": 0.0, "upper:x": 2.0, "lower:y": 2.0}
    # at an interior point no bound is active, whatever the stationarity residual
    m = form.recover_bound_multipliers(np.array([0.5, 0.5]), np.zeros(0), np.zeros(0))
    assert form.to_dict(m) == {"lower:x": 0.0, "upper:x": 0.0, "lower:y": 0.0}
