"""Duals of the worked examples of Boyd & Vandenberghe, ch. 5, and of issue 15's cases, against cvxpy.

Every case is built twice from the same numbers: as a lagrangekit problem and directly as a
cvxpy problem in minimize form (constraints written ``expr <= 0`` / ``expr == 0`` with the same
``expr`` as lagrangekit's standard form, so that cvxpy's ``dual_value`` has our sign). Under
Slater's condition the dual optimum g* equals cvxpy's optimal value p*, and the dual maximizer
equals cvxpy's dual values.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk


def _clarabel(tol: float) -> dict[str, Any]:
    return {"solver": cp.CLARABEL, "tol_gap_abs": tol, "tol_gap_rel": tol, "tol_feas": tol}


@dataclass(frozen=True)
class Reference:
    """cvxpy's optimum in minimize form and its dual values by constraint name."""

    p_star: float
    duals: dict[str, float]


def _solve(objective: Any, constraints: dict[str, Any], tol: float = 1e-11) -> Reference:
    problem = cp.Problem(cp.Minimize(objective), list(constraints.values()))
    problem.solve(**_clarabel(tol))
    assert problem.status == "optimal", problem.status
    return Reference(
        float(problem.value), {k: float(np.ravel(c.dual_value)[0]) for k, c in constraints.items()}
    )


def _bounds_cvxpy(v, lower=None, upper=None) -> dict[str, Any]:
    out = {}
    for i in range(v.shape[0]):
        if lower is not None:
            out[f"lower:x{i + 1}"] = lower - v[i] <= 0
        if upper is not None:
            out[f"upper:x{i + 1}"] = v[i] - upper <= 0
    return out


def _symbols(n: int) -> tuple[sp.Symbol, ...]:
    return sp.symbols(f"x1:{n + 1}", real=True)


# ------------------------------------------------------------------ the cases
def lp_standard_form():
    """B&V 5.2.1: minimize cᵀx s.t. Ax = b, x >= 0 (bounds dualized as lower:x_i)."""
    A = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 0.0, -1.0]])
    b = A @ np.array([0.5, 0.25, 0.75, 0.5])
    c = np.array([1.0, 3.0, 2.0, 1.5])
    xs = _symbols(4)
    rows = {
        f"row{i}": sp.Eq(sum(sp.Float(A[i, j]) * xs[j] for j in range(4)), sp.Float(b[i])) for i in range(2)
    }
    problem = lk.minimize(
        sum(sp.Float(ci) * v for ci, v in zip(c, xs)), rows, bounds={v: (0, None) for v in xs}
    )
    v = cp.Variable(4)
    cons = {f"row{i}": A[i] @ v - b[i] == 0 for i in range(2)} | _bounds_cvxpy(v, lower=0)
    return problem, _solve(c @ v, cons)


def least_norm():
    """B&V 5.1.3: minimize xᵀx s.t. Ax = b; g(ν) = −¼νᵀAAᵀν − bᵀν."""
    A = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]])
    b = np.array([1.0, 2.0])
    xs = _symbols(3)
    rows = {
        f"row{i}": sp.Eq(sum(sp.Float(A[i, j]) * xs[j] for j in range(3)), sp.Float(b[i])) for i in range(2)
    }
    problem = lk.minimize(sum(v**2 for v in xs), rows)
    v = cp.Variable(3)
    return problem, _solve(cp.sum_squares(v), {f"row{i}": A[i] @ v - b[i] == 0 for i in range(2)})


def convex_qp():
    """B&V 4.4 / 5.2: minimize ½xᵀPx + qᵀx s.t. Gx <= h, with two active inequalities."""
    P = np.array([[4.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 3.0]])
    q = np.array([-8.0, -6.0, -4.0])
    G = np.array([[1.0, 1.0, 1.0], [1.0, -1.0, 0.0], [0.0, 0.0, -1.0]])
    h = np.array([1.0, 0.2, 0.0])
    xs = _symbols(3)
    vec = sp.Matrix(xs)
    objective = (vec.T * sp.Matrix(P) * vec)[0] / 2 + sum(sp.Float(qi) * v for qi, v in zip(q, xs))
    rows = {f"g{i}": sum(sp.Float(G[i, j]) * xs[j] for j in range(3)) <= h[i] for i in range(3)}
    problem = lk.minimize(objective, rows)
    v = cp.Variable(3)
    cons = {f"g{i}": G[i] @ v - h[i] <= 0 for i in range(3)}
    return problem, _solve(0.5 * cp.quad_form(v, P) + q @ v, cons)


def entropy_moments():
    """B&V 5.1.6: minimize Σ xᵢ log xᵢ s.t. Ax <= b, 1ᵀx = 1 (moment inequalities)."""
    values = np.array([-1.0, 0.0, 1.0, 2.0, 3.0])
    xs = _symbols(5)
    constraints = {
        "total": sp.Eq(sum(xs), 1),
        "mean": sum(sp.Float(a) * v for a, v in zip(values, xs)) <= 0.5,
        "second": sum(sp.Float(a**2) * v for a, v in zip(values, xs)) <= 2.0,
    }
    problem = lk.minimize(sum(v * sp.log(v) for v in xs), constraints)
    v = cp.Variable(5)
    cons = {"total": cp.sum(v) - 1 == 0, "mean": values @ v - 0.5 <= 0, "second": values**2 @ v - 2.0 <= 0}
    return problem, _solve(-cp.sum(cp.entr(v)), cons)


def entropy_box_8():
    """Issue 15: maximize entropy over 8 outcomes with mean 3, bounds [0, 1] on each p_i."""
    values = np.arange(1.0, 9.0)
    xs = _symbols(8)
    constraints = {"total": sp.Eq(sum(xs), 1), "mean": sp.Eq(sum(int(a) * v for a, v in zip(values, xs)), 3)}
    problem = lk.maximize(-sum(v * sp.log(v) for v in xs), constraints, bounds={v: (0, 1) for v in xs})
    v = cp.Variable(8)
    cons = {"total": cp.sum(v) - 1 == 0, "mean": values @ v - 3 == 0} | _bounds_cvxpy(v, lower=0, upper=1)
    return problem, _solve(-cp.sum(cp.entr(v)), cons)


WATER_LEVELS = (0.1, 0.5, 1.0, 1.5)


def water_filling():
    """B&V 5.5.3: maximize Σ log(αᵢ + xᵢ) s.t. Σ xᵢ = 1, x >= 0; the water level is 1/ν* = 0.8."""
    xs = _symbols(4)
    problem = lk.maximize(
        sum(sp.log(sp.Float(a) + v) for a, v in zip(WATER_LEVELS, xs)),
        {"budget": sp.Eq(sum(xs), 1)},
        bounds={v: (0, None) for v in xs},
    )
    v = cp.Variable(4)
    cons = {"budget": cp.sum(v) - 1 == 0} | _bounds_cvxpy(v, lower=0)
    return problem, _solve(-cp.sum(cp.log(np.array(WATER_LEVELS) + v)), cons)


def _norm_ball(sense: str):
    """Issue 15: x1 + 2x2 + 2x3 over sqrt(x1² + x2² + x3²) <= 3 with x1 >= 0."""
    x1, x2, x3 = xs = _symbols(3)
    build = lk.maximize if sense == "max" else lk.minimize
    problem = build(x1 + 2 * x2 + 2 * x3, {"ball": sp.sqrt(x1**2 + x2**2 + x3**2) <= 3, "pos": x1 >= 0})
    v = cp.Variable(3)
    c = np.array([1.0, 2.0, 2.0])
    cons = {"ball": cp.norm(v, 2) - 3 <= 0, "pos": -v[0] <= 0}
    assert len(xs) == 3
    return problem, _solve(-c @ v if sense == "max" else c @ v, cons)


def norm_ball_max():
    return _norm_ball("max")


def norm_ball_min():
    return _norm_ball("min")


def quadratic_ball():
    """B&V 5.2 (Euclidean ball as a quadratic constraint): minimize −(x + 2y + 2z) s.t. ‖x‖² <= 9."""
    xs = _symbols(3)
    problem = lk.minimize(-(xs[0] + 2 * xs[1] + 2 * xs[2]), {"ball": sum(v**2 for v in xs) <= 9})
    v = cp.Variable(3)
    return problem, _solve(-np.array([1.0, 2.0, 2.0]) @ v, {"ball": cp.sum_squares(v) - 9 <= 0}, tol=1e-10)


CASES = {
    "LP standard form (5.2.1)": lp_standard_form,
    "least-norm (5.1.3)": least_norm,
    "convex QP": convex_qp,
    "entropy, moment inequalities (5.1.6)": entropy_moments,
    "entropy, 8 outcomes, bounds [0,1] (issue)": entropy_box_8,
    "water-filling (5.5.3, issue)": water_filling,
    "norm ball, maximize (issue)": norm_ball_max,
    "norm ball, minimize (issue)": norm_ball_min,
    "quadratic ball": quadratic_ball,
}


def dual_of(problem: lk.Problem):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = lk.dual(problem)
        return d, d.solve()


@pytest.mark.parametrize("name", list(CASES))
def test_dual_optimum_matches_cvxpy(name: str) -> None:
    problem, ref = CASES[name]()
    d, r = dual_of(problem)
    assert d.function is not None, "a closed form exists for every case in this table"
    assert r.status == "optimal" and r.success, r.message
    scale = max(1.0, abs(ref.p_star))
    assert abs(r.fun - ref.p_star) <= 1e-8 * scale
    mine = dict(zip(d.names, r.x))
    assert set(mine) == set(ref.duals)
    dual_scale = max(1.0, *map(abs, ref.duals.values()))
    for key, value in ref.duals.items():
        assert mine[key] == pytest.approx(value, abs=1e-6 * dual_scale), key
    # the dual maximizer is inside the domain, and g there is its reported value
    assert d.evaluate(r.x) == pytest.approx(r.fun, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "name", ["entropy, 8 outcomes, bounds [0,1] (issue)", "water-filling (5.5.3, issue)"]
)
def test_dual_function_at_cvxpy_duals_is_the_optimum(name: str) -> None:
    # issue 15: g evaluated to -inf at the known dual optimum when bounds were present
    problem, ref = CASES[name]()
    d = lk.dual(problem)
    assert d.evaluate(ref.duals) == pytest.approx(ref.p_star, rel=1e-8)


def test_least_norm_dual_is_the_textbook_formula() -> None:
    problem, _ = least_norm()
    A = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]])
    b = np.array([1.0, 2.0])
    d = lk.dual(problem)
    for nu in ([0.3, -1.2], [2.0, 0.5], [-1.0, -1.0]):
        expected = -0.25 * np.array(nu) @ A @ A.T @ np.array(nu) - b @ nu
        assert d.evaluate(nu) == pytest.approx(expected, rel=1e-12)


def test_entropy_dual_is_the_textbook_formula() -> None:
    # B&V 5.1.6: g(λ, ν) = −bᵀλ − ν − e^{−ν−1} Σᵢ e^{−aᵢᵀλ}
    problem, _ = entropy_moments()
    d = lk.dual(problem)
    values = np.array([-1.0, 0.0, 1.0, 2.0, 3.0])
    A = np.vstack([values, values**2])
    b = np.array([0.5, 2.0])
    for nu, lam in ((0.2, [0.1, 0.3]), (-1.0, [0.0, 1.0])):
        expected = -b @ lam - nu - math.exp(-nu - 1) * np.exp(-A.T @ lam).sum()
        assert d.evaluate({"total": nu, "mean": lam[0], "second": lam[1]}) == pytest.approx(
            expected, rel=1e-12
        )


def test_water_filling_closed_form_and_domain() -> None:
    # B&V 5.5.3: x_i = max(0, 1/ν − α_i), water level 1/ν* = 0.8; ν* = 1.25; μ_i = ν − 1/α_i off the water
    problem, _ = water_filling()
    d, r = dual_of(problem)
    by_name = dict(zip(d.names, r.x))
    assert by_name["budget"] == pytest.approx(1.25, rel=1e-9)
    assert by_name["lower:x3"] == pytest.approx(0.25, rel=1e-8)
    assert by_name["lower:x4"] == pytest.approx(1.25 - 1 / 1.5, rel=1e-8)
    assert by_name["lower:x1"] == pytest.approx(0, abs=1e-9)
    # the implicit domain ν > μ_i (from log(ν − μ_i)) is part of the dual, and g is -inf outside it
    lam = d.variables[d.names.index("budget")]
    mu1 = d.variables[d.names.index("lower:x1")]
    strict = [rel.lhs - rel.rhs for rel in d.domain if isinstance(rel, sp.StrictGreaterThan)]
    assert any(sp.simplify(expr - (lam - mu1)) == 0 for expr in strict)
    assert d.evaluate({"budget": 1.0, "lower:x1": 2.0}) == -np.inf
    assert not d.in_domain({"budget": 1.0, "lower:x1": 2.0})
    x = [float(d.minimizer[v].subs(dict(zip(d.variables, r.x)))) for v in problem.variables]
    np.testing.assert_allclose(x, [0.7, 0.3, 0.0, 0.0], atol=1e-8)


@pytest.mark.parametrize("sense", ["max", "min"])
def test_norm_ball_dual_is_minus_three_mu(sense: str) -> None:
    # L = ±cᵀx + μ_b(‖x‖ − 3) − μ_p x1 is bounded below iff ‖±c − μ_p e1‖ <= μ_b, where g = −3μ_b
    problem, _ = _norm_ball(sense)
    d = lk.dual(problem)
    mu_ball = d.variables[d.names.index("ball")]
    assert sp.simplify(d.function + 3 * mu_ball) == 0
    assert d.evaluate({"ball": 5.0, "pos": 0.5}) == pytest.approx(-15.0)
    assert d.evaluate({"ball": 1.0, "pos": 0.0}) == -np.inf  # ‖c‖ = 3 > 1: outside the cone
    assert lk.duality_gap(problem) == pytest.approx(0, abs=1e-7)


def test_norm_ball_slater_point_is_strictly_feasible() -> None:
    # issue 15: (0, 0, 0) makes x1 >= 0 active, so it is no Slater point in the strict sense
    problem, _ = norm_ball_max()
    report = lk.slater_point(problem)
    assert report.holds and report.strict
    x = report.x
    assert x[0] > 0 and np.linalg.norm(x) < 3
    assert report.margin > 0


def test_slater_point_names_active_affine_inequalities() -> None:
    # x >= 0 and x <= 0 leave only x = 0: the refined condition holds (both affine), the strict one does not
    x, y = sp.symbols("x y", real=True)
    problem = lk.minimize(x**2 + y**2, {"lo": x >= 0, "hi": x <= 0, "disk": x**2 + y**2 <= 1})
    report = lk.slater_point(problem)
    assert report.holds and not report.strict
    assert report.x[0] == pytest.approx(0, abs=1e-8) and report.x[1] ** 2 < 1
    assert "refined" in report.message and "lo" in report.message and "hi" in report.message


def test_slater_failing_problem_has_no_dual_attainment() -> None:
    # B&V 5.2.3 / exercise: min x s.t. x² <= 0. p* = 0 at x = 0; g(μ) = −1/(4μ) -> 0 as μ -> ∞:
    # zero gap, but the dual optimum is not attained.
    x = sp.Symbol("x", real=True)
    problem = lk.minimize(x, {"sq": x**2 <= 0})
    v = cp.Variable()
    reference = cp.Problem(cp.Minimize(v), [cp.square(v) <= 0])
    reference.solve(solver=cp.CLARABEL)
    d, r = dual_of(problem)
    mu = d.variables[0]
    assert sp.simplify(d.function + 1 / (4 * mu)) == 0
    assert r.status == "failed" and not r.success
    assert "not attained" in r.message and "Slater" in r.message
    assert abs(r.fun - reference.value) < 1e-6 and r.fun < 0
    report = lk.slater_point(problem)
    assert not report.holds


def test_two_way_partitioning_dual_is_the_textbook_bound() -> None:
    # B&V 5.1.5 (nonconvex): min xᵀWx s.t. x_i² = 1. g(ν) = −Σν when W + diag(ν) ⪰ 0, −inf otherwise.
    # No closed form here (the equality multipliers enter the quadratic part); g comes from the
    # numeric inner minimization, and the dual solve is not called optimal for a nonconvex primal.
    W = np.array([[0.0, 1.0, -2.0], [1.0, 0.0, 3.0], [-2.0, 3.0, 0.0]])
    xs = _symbols(3)
    objective = sum(sp.Float(W[i, j]) * xs[i] * xs[j] for i in range(3) for j in range(3))
    problem = lk.minimize(objective, {f"s{i}": sp.Eq(xs[i] ** 2, 1) for i in range(3)})
    d = lk.dual(problem)
    assert d.function is None
    nu = np.full(3, -np.linalg.eigvalsh(W).min() + 0.5)
    assert d.evaluate(nu) == pytest.approx(-nu.sum(), abs=1e-9)
    assert d.evaluate(np.zeros(3)) == -np.inf
    p_star = min(
        float(s @ W @ s) for s in (np.array([a, b, c]) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1))
    )
    assert d.evaluate(nu) <= p_star  # weak duality


def test_slater_point_lies_inside_the_domain_of_the_logs() -> None:
    # entropy with positive symbols and no bounds: the point must make every p_i log p_i
    # defined (p_i > 0), not merely satisfy Σp = 1 and the mean, where p_8 = 0 also would
    ps = sp.symbols("p1:9", positive=True)
    constraints = {"total": sp.Eq(sum(ps), 1), "mean": sp.Eq(sum((i + 1) * q for i, q in enumerate(ps)), 3)}
    problem = lk.maximize(-sum(q * sp.log(q) for q in ps), constraints)
    report = lk.slater_point(problem)
    assert report.holds
    assert np.all(report.x > 0)
    assert report.x.sum() == pytest.approx(1, abs=1e-8)
    assert np.arange(1, 9) @ report.x == pytest.approx(3, abs=1e-8)
