"""Duality: closed-form duals against hand derivations, textbook LP duals, Ridge, Slater, and
random convex QPs/LPs where lk.solve, cvxpy (built directly from the data) and the dual agree."""

from __future__ import annotations

import math
import warnings

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from sklearn.linear_model import Ridge

import lagrangekit as lk

x, y = sp.symbols("x y", real=True)
DISK = lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1})


# ------------------------------------------------------------ closed forms
def test_disk_dual_function_matches_hand_derivation():
    # L = -(x + y) + mu (x^2 + y^2 - 1); x = y = 1/(2 mu); g(mu) = -mu - 1/(2 mu).
    d = lk.dual(DISK)
    mu = d.variables[0]
    assert d.names == ("disk",)
    assert sp.simplify(d.function - (-mu - 1 / (2 * mu))) == 0
    assert sp.GreaterThan(mu, 0) in d.domain
    assert d.evaluate({"disk": 1.0}) == pytest.approx(-1.5, rel=1e-14)
    assert d.evaluate([0.25]) == pytest.approx(-0.25 - 2, rel=1e-14)
    r = d.solve()
    assert r.success
    assert r.x[0] == pytest.approx(np.sqrt(2) / 2, rel=1e-8)
    assert r.fun == pytest.approx(-np.sqrt(2), rel=1e-12)
    assert lk.duality_gap(DISK) == pytest.approx(0, abs=1e-10)


def test_lp_dual_matches_the_textbook_dual():
    # primal: min c'x s.t. A x >= b, x >= 0; textbook dual: max b'w s.t. A'w <= c, w >= 0.
    A = np.array([[1.0, 2.0], [3.0, 1.0], [1.0, -1.0]])
    b = np.array([4.0, 6.0, -2.0])
    c = np.array([3.0, 2.0])
    constraints = {f"r{i}": sum(A[i, j] * v for j, v in enumerate((x, y))) >= b[i] for i in range(3)}
    problem = lk.minimize(c[0] * x + c[1] * y, constraints, bounds={x: (0, None), y: (0, None)})
    d = lk.dual(problem)
    # the LP dual needs the linear conditions c + A'(-w) - z = 0 as part of its domain
    assert sum(isinstance(rel, sp.Eq) for rel in d.domain) == 2
    textbook = linprog(-b, A_ub=A.T, b_ub=c, bounds=[(0, None)] * 3, method="highs")
    r = d.solve()
    assert r.success
    assert r.fun == pytest.approx(-textbook.fun, rel=1e-9)
    by_name = dict(zip(d.names, r.x))
    np.testing.assert_allclose([by_name[f"r{i}"] for i in range(3)], textbook.x, atol=1e-8)
    primal = lk.solve(problem)
    assert primal.fun == pytest.approx(r.fun, rel=1e-9)
    assert d.evaluate({"r0": 1.0}) == -np.inf  # outside the domain: inf_x L = -inf


def test_constrained_ridge_dual_optimum_is_alpha():
    # TEXTBOOK T6: min ||y - X w||^2 s.t. ||w||^2 <= s with s = ||w_ridge(alpha)||^2; mu* = alpha.
    X = np.array([[1.0, 0.5], [0.3, 2.0], [1.5, -1.0], [0.2, 0.1]])
    target = np.array([1.0, 2.0, -0.5, 0.3])
    alpha = 0.7
    w_ridge = Ridge(alpha=alpha, fit_intercept=False).fit(X, target).coef_
    s = float(w_ridge @ w_ridge)
    w1, w2 = sp.symbols("w1 w2", real=True)
    loss = sum((target[i] - X[i, 0] * w1 - X[i, 1] * w2) ** 2 for i in range(4))
    problem = lk.minimize(loss, {"norm": w1**2 + w2**2 <= s}, variables=[w1, w2])
    d = lk.dual(problem)
    assert d.function is not None
    r = d.solve()
    assert r.success
    assert r.x[0] == pytest.approx(alpha, rel=1e-7)
    primal = lk.solve(problem)
    np.testing.assert_allclose(primal.x, w_ridge, atol=1e-8)
    assert primal.multipliers["norm"] == pytest.approx(alpha, rel=1e-7)
    assert r.fun == pytest.approx(primal.fun, rel=1e-9)


def test_entropy_dual_in_closed_form():
    # min x log x + y log y s.t. x + y = 1: x = y = exp(-1 - lam), g = -lam - 2 exp(-1 - lam).
    problem = lk.minimize(x * sp.log(x) + y * sp.log(y), {"sum": sp.Eq(x + y, 1)})
    d = lk.dual(problem)
    lam = d.variables[0]
    assert sp.simplify(d.function - (-lam - 2 * sp.exp(-1 - lam))) == 0
    r = d.solve()
    assert r.x[0] == pytest.approx(np.log(2) - 1, rel=1e-8)
    assert r.fun == pytest.approx(-np.log(2), rel=1e-10)


def test_numeric_dual_matches_hand_derivation():
    # min exp(x) + y^4 s.t. x + y >= 1: inf_x (e^x - mu x) = mu - mu log mu,
    # inf_y (y^4 - mu y) = -3 (mu/4)^(4/3), so g(mu) = 2 mu - mu log mu - 3 (mu/4)^(4/3).
    problem = lk.minimize(sp.exp(x) + y**4, {"c": x + y >= 1})
    d = lk.dual(problem)
    assert d.function is None
    for mu in (0.5, 1.3, 2.0):
        expected = 2 * mu - mu * np.log(mu) - 3 * (mu / 4) ** (4 / 3)
        assert d.evaluate({"c": mu}) == pytest.approx(expected, rel=1e-9)
    r = d.solve()
    primal = lk.solve(problem)
    assert r.fun == pytest.approx(primal.fun, rel=1e-8)
    assert r.x[0] == pytest.approx(primal.multipliers["c"], rel=1e-5)


def test_unbounded_inner_problem_gives_minus_infinity():
    # min x s.t. x^2 >= 1: L = x + mu (1 - x^2) is unbounded below in x for every mu > 0.
    d = lk.dual(lk.minimize(x, {"out": x**2 >= 1}))
    assert d.evaluate({"out": 0.5}) == -np.inf
    assert d.evaluate({"out": 2.0}) == -np.inf


def test_negative_inequality_multiplier_is_refused():
    with pytest.raises(ValueError, match="must be >= 0"):
        lk.dual(DISK).evaluate({"disk": -1.0})
    with pytest.raises(ValueError, match="not a constraint name"):
        lk.dual(DISK).evaluate({"ball": 1.0})


def test_maximize_problem_dual_and_nonconvex_gap():
    # TEXTBOOK T4, maximize xy s.t. x + y = 10, read as min -xy: L is unbounded below in x for
    # every lambda, so g = -inf and the gap is infinite: no strong duality without convexity.
    problem = lk.maximize(x * y, {"budget": sp.Eq(x + y, 10)})
    d = lk.dual(problem)
    assert d.function is None
    assert d.evaluate({"budget": 5.0}) == -np.inf
    assert lk.duality_gap(problem) == np.inf


# ------------------------------------------------------------------ Slater
def test_slater_point_is_strictly_feasible():
    report = lk.slater_point(DISK)
    assert report.holds and report
    assert lk.dual(DISK).strong_duality is True
    assert report.x[0] ** 2 + report.x[1] ** 2 < 1
    assert report.convex is True


def test_slater_fails_and_the_dual_supremum_is_not_attained():
    # min x1 + x2 s.t. x1^2 + x2^2 <= 0: only x = 0 is feasible; g(mu) = -1/(2 mu) -> 0, never 0.
    problem = lk.minimize(x + y, {"ball": x**2 + y**2 <= 0})
    report = lk.slater_point(problem)
    assert not report.holds and report.x is None
    assert lk.dual(problem).strong_duality is None
    assert "fails" in report.message
    d = lk.dual(problem)
    assert sp.simplify(d.function + 1 / (2 * d.variables[0])) == 0
    r = d.solve()
    assert not r.success and r.status == "failed"
    assert "not attained" in r.message and "Slater" in r.message
    assert -1e-4 < r.fun < 0


def test_slater_with_only_affine_constraints_needs_feasibility():
    problem = lk.minimize(x**2 + y**2, {"line": sp.Eq(x + y, 1), "half": x <= 0.5})
    report = lk.slater_point(problem)
    assert report.holds
    assert report.x.sum() == pytest.approx(1, abs=1e-8) and report.x[0] <= 0.5 + 1e-9


def test_slater_on_a_nonconvex_problem_says_so():
    report = lk.slater_point(lk.minimize(x, {"out": x**2 >= 1}))
    assert report.convex is False
    assert "not convex" in report.message


# ------------------------------------------------- random convex QPs and LPs
WORST: dict[str, float] = {"f": 0.0, "gap": 0.0, "multipliers": 0.0, "instances": 0}


def _instance(seed: int, kind: str, n: int, m: int, m_eq: int):
    rng = np.random.default_rng(seed)
    x_feasible = rng.uniform(-1, 1, n)
    A = rng.normal(size=(m, n)).round(3)
    b = (A @ x_feasible + rng.uniform(0.1, 1.0, m)).round(3)  # strictly feasible: Slater holds
    E = rng.normal(size=(m_eq, n)).round(3)
    e = E @ x_feasible
    q = rng.normal(size=n).round(3)
    if kind == "qp":
        M = rng.normal(size=(n, n))
        P = (M.T @ M + 0.5 * np.eye(n)).round(3)
    else:
        P = np.zeros((n, n))
    return P, q, A, b, E, e


def _cvxpy_reference(P, q, A, b, E, e, box):
    n = len(q)
    v = cp.Variable(n)
    cons = {f"ineq{i}": A[i] @ v - b[i] <= 0 for i in range(len(b))}
    cons |= {f"eq{j}": E[j] @ v - e[j] == 0 for j in range(len(e))}
    for i in range(n):
        cons[f"lower:v{i + 1}"] = -box - v[i] <= 0
        cons[f"upper:v{i + 1}"] = v[i] - box <= 0
    objective = 0.5 * cp.quad_form(v, cp.psd_wrap(P)) + q @ v if P.any() else q @ v
    problem = cp.Problem(cp.Minimize(objective), list(cons.values()))
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    assert problem.status == "optimal"
    return problem.value, {k: float(np.ravel(c.dual_value)[0]) for k, c in cons.items()}


def _problem(P, q, A, b, E, e, box):
    n = len(q)
    v = sp.symbols(f"v1:{n + 1}", real=True)
    vec = sp.Matrix(v)
    objective = (vec.T * sp.Matrix(P) * vec)[0] / 2 + sum(qi * vi for qi, vi in zip(q, v))
    constraints = {f"ineq{i}": sum(A[i, j] * v[j] for j in range(n)) - b[i] <= 0 for i in range(len(b))}
    constraints |= {f"eq{j}": sp.Eq(sum(E[j, k] * v[k] for k in range(n)), e[j]) for j in range(len(e))}
    return lk.minimize(objective, constraints, bounds={vi: (-box, box) for vi in v}, variables=v)


INSTANCES = {
    "seed": st.integers(0, 2**32 - 1),
    "kind": st.sampled_from(["qp", "lp"]),
    "n": st.integers(2, 3),
    "m": st.integers(1, 3),
    "m_eq": st.integers(0, 1),
}


def check_random_instance(seed, kind, n, m, m_eq):
    """lk.solve, cvxpy (built from the numbers, not from our export) and dual().solve() agree."""
    box = 2.0
    data = _instance(seed, kind, n, m, m_eq)
    f_ref, duals_ref = _cvxpy_reference(*data, box)
    problem = _problem(*data, box)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.ConvergenceWarning)
        primal = lk.solve(problem)
        dual_result = lk.dual(problem).solve()
    assert primal.success, primal.message
    scale = max(1.0, abs(f_ref))
    f_error = abs(primal.fun - f_ref) / scale
    gap = abs(primal.fun - dual_result.fun) / scale
    mu_scale = max(1.0, *(abs(v) for v in duals_ref.values()))
    mult_error = max(abs(primal.multipliers[k] - v) for k, v in duals_ref.items()) / mu_scale
    WORST["instances"] += 1
    WORST["f"] = max(WORST["f"], f_error, abs(dual_result.fun - f_ref) / scale)
    WORST["gap"] = max(WORST["gap"], gap)
    WORST["multipliers"] = max(WORST["multipliers"], mult_error)
    assert f_error <= 1e-7
    assert abs(dual_result.fun - f_ref) <= 1e-7 * scale
    assert gap <= 1e-7
    assert mult_error <= 1e-6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**INSTANCES)
def test_random_convex_problems_agree_with_cvxpy_and_the_dual(seed, kind, n, m, m_eq):
    check_random_instance(seed, kind, n, m, m_eq)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**INSTANCES)
def test_random_convex_problems_agree_at_least_100_instances(seed, kind, n, m, m_eq):
    check_random_instance(seed, kind, n, m, m_eq)


def teardown_module() -> None:
    if WORST["instances"]:
        print(
            f"\nrandom convex QPs/LPs: {WORST['instances']} instances; worst relative disagreement "
            f"f {WORST['f']:.2e}, gap {WORST['gap']:.2e}, multipliers {WORST['multipliers']:.2e}"
        )


# ---------------------------------------------------------------------- variables L is linear in
def _dual_of(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LoneVariableWarning: the slack-like variables are meant
        return lk.dual(lk.parse_problem(text))


@pytest.mark.parametrize(
    "text",
    [
        # beta and lam appear only in their bounds: their multipliers must be 0
        "maximize sqrt(z) subject to z >= 1; z <= 2; beta >= 0; lam >= 0",
        # t couples two multipliers: μ1 = μ2 (an equality the outer solver keeps)
        "maximize sqrt(z) subject to z + t <= 2; t >= 0",
    ],
)
def test_a_variable_the_lagrangian_is_linear_in_restricts_the_numeric_dual(text):
    # min −√z over z <= 2: p* = −√2; by hand g = −1/(4c) − 2c with c the multiplier of
    # z <= 2 (or of z + t <= 2), whose maximum is −√2 at c = 1/(2√2)
    d = _dual_of(text)
    assert d.function is None and d.linear is not None
    result = d.solve()
    assert result.status == "optimal"
    assert result.fun == pytest.approx(-math.sqrt(2), rel=1e-7)
    assert all(isinstance(c, sp.Equality) for c in d.linear.conditions)
    assert set(d.linear.conditions) <= set(d.domain)


def test_off_the_linear_conditions_the_dual_function_is_minus_infinity():
    d = _dual_of("maximize sqrt(z) subject to z >= 1; z <= 2; beta >= 0")
    on = {"c1": 0.0, "c2": 0.5, "c3": 0.0}
    # −√z + μ2(z − 2) at μ2 = 1/2: inf at √z = 1, value −1/2 − 1 = −3/2
    assert d.evaluate(on) == pytest.approx(-1.5, rel=1e-8)
    assert d.evaluate({**on, "c3": 0.25}) == -math.inf  # −0.25·beta falls without bound


def test_linear_conditions_no_admissible_multiplier_meets_make_the_dual_infeasible():
    # t's coefficient is 1 + μ_t, never 0 for μ_t >= 0: g = −inf everywhere (t → −inf makes
    # the primal unbounded)
    d = _dual_of("minimize t - sqrt(z) subject to z <= 2; t <= 5")
    result = d.solve()
    assert result.status == "infeasible" and result.fun == -math.inf
    assert "t" in result.message


@pytest.mark.parametrize(
    "text, g_star",
    [
        # L = exp(z) + λ·lam·z + μ1(lam − 2) − μ2·x + μ3·z is bounded below only at ν = 0, where
        # inf_z exp(z) = 0 (approached as z → −inf, not attained): g* = 0 = p*
        ("minimize exp(z) subject to lam*z == 0; lam <= 2; x >= 0; z <= 0", 0.0),
        # L = (μ1 − 1)e^-e − μ1 − μ2·e: finite only for μ1 >= 1, μ2 = 0, where g = −μ1 (e → inf):
        # g* = −1 = p* (e = 0)
        ("maximize exp(-e) subject to exp(-e) <= 1; e >= 0", -1.0),
    ],
)
def test_a_dual_finite_only_where_some_multipliers_vanish_is_not_called_infeasible(text, g_star):
    result = _dual_of(text).solve()
    assert result.status != "infeasible"
    assert result.fun == pytest.approx(g_star, abs=1e-8)
