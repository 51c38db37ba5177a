"""lk.solve(method="auto") on linear and convex quadratic programs: routed to HiGHS / Clarabel
(lagrangekit.solvers.conic), certified by lagrangekit.

References: cvxpy (Clarabel) built directly from the same numeric data, with dual values mapped
by constraint name; scipy's eigvalsh for the PSD test; closed forms and the existing chain
(``method="slsqp"``) on small problems.
"""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_solve import solve_quietly, x, y

import lagrangekit as lk
from lagrangekit.quadratic_program import (
    convex_quadratic_program,
    is_positive_semidefinite,
    quadratic_program,
)
from lagrangekit.solvers import conic

FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_solve = solve_quietly


def _routed(result):
    return result.method.startswith(("auto:clarabel", "auto:highs"))


# ------------------------------------------------------------- random programs vs cvxpy
@st.composite
def programs(draw):
    """A feasible, bounded program: n variables in a box around a feasible point, with random
    equalities and inequalities (float data, so that the duals are unique almost surely), and a
    convex quadratic objective (rank-deficient P allowed) or a linear one."""
    n = draw(st.integers(2, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    linear = draw(st.booleans())
    rank = draw(st.integers(1, n))
    B = rng.standard_normal((rank, n))
    P = np.zeros((n, n)) if linear else B.T @ B
    q = rng.standard_normal(n)
    x_feas = rng.standard_normal(n)
    m_eq = draw(st.integers(0, n - 1))
    m_in = draw(st.integers(0, 3))
    A = rng.standard_normal((m_eq, n))
    G = rng.standard_normal((m_in, n))
    h = G @ x_feas + rng.uniform(0.0, 1.0, m_in)
    width = rng.uniform(0.5, 2.0, n)
    sense = draw(st.sampled_from(["min", "max"]))
    return P, q, A, A @ x_feas, G, h, x_feas - width, x_feas + width, sense


def _symbolic(P, q, A, b, G, h, lo, hi, sense):
    v = sp.symbols(f"v1:{len(q) + 1}", real=True)
    f = sum(0.5 * P[i, j] * v[i] * v[j] for i in range(len(q)) for j in range(len(q))) + sum(
        q[i] * v[i] for i in range(len(q))
    )
    constraints = {
        f"e{k}": sp.Eq(sum(a * vi for a, vi in zip(row, v)), bk) for k, (row, bk) in enumerate(zip(A, b))
    }
    constraints.update(
        {f"g{k}": sum(a * vi for a, vi in zip(row, v)) <= hk for k, (row, hk) in enumerate(zip(G, h))}
    )
    bounds = {vi: (float(a), float(c)) for vi, a, c in zip(v, lo, hi)}
    build = lk.maximize if sense == "max" else lk.minimize
    return build(-f if sense == "max" else f, constraints, bounds=bounds, variables=v), v


def _cvxpy(P, q, A, b, G, h, lo, hi):
    """The minimize form in cvxpy, with its constraints by our names."""
    w = cp.Variable(len(q))
    cons = {f"e{k}": A[k] @ w == b[k] for k in range(len(b))}
    cons.update({f"g{k}": G[k] @ w <= h[k] for k in range(len(h))})
    for i in range(len(q)):
        cons[f"lower:v{i + 1}"] = lo[i] - w[i] <= 0
        cons[f"upper:v{i + 1}"] = w[i] - hi[i] <= 0
    ref = cp.Problem(cp.Minimize(0.5 * cp.quad_form(w, cp.psd_wrap(P)) + q @ w), list(cons.values()))
    ref.solve(solver="CLARABEL", tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    return ref, {name: float(c.dual_value) for name, c in cons.items()}


def _check_program(case):
    P, q, A, b, G, h, lo, hi, sense = case
    problem, _ = _symbolic(*case)
    ref, duals = _cvxpy(P, q, A, b, G, h, lo, hi)
    r = _solve(problem)
    assert r.status == "optimal", r.message
    assert _routed(r), r.method
    assert r.scope == "global"
    sign = -1.0 if sense == "max" else 1.0  # a maximize problem reports f = −(minimize form)
    assert sign * r.fun == pytest.approx(ref.value, rel=1e-7, abs=1e-7)
    scale = max(1.0, max(abs(d) for d in duals.values()))
    for name, dual in duals.items():
        assert r.multipliers[name] == pytest.approx(dual, abs=1e-5 * scale), name


@FAST
@given(programs())
def test_random_programs_agree_with_cvxpy_by_name(case):
    _check_program(case)


@pytest.mark.slow
@SLOW
@given(programs())
def test_random_programs_agree_with_cvxpy_by_name_many(case):
    _check_program(case)


# ------------------------------------------------------------- closed forms and the chain
def test_textbook_lp_goes_to_highs_with_named_multipliers():
    # max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, 0 <= x <= 3, y >= 0: x = 3, y = 1, f = 11.
    # Minimize form −3x − 2y: at the vertex, a (x + y <= 4) and upper:x are active with
    # (−3, −2) + μ_a (1, 1) + μ_u (1, 0) = 0, so μ_a = 2, μ_u = 1 (b is slack there: 3 + 3 = 6
    # is active too, degenerate, so compare the certificate instead of one choice of duals)
    problem = lk.maximize(3 * x + 2 * y, {"a": x + y <= 4}, bounds={x: (0, 3), y: (0, None)})
    r = _solve(problem)
    assert r.method == "auto:highs" and r.status == "optimal"
    np.testing.assert_allclose(r.x, [3.0, 1.0], atol=1e-12)
    assert r.fun == pytest.approx(11.0)
    assert r.multipliers["a"] == pytest.approx(2.0) and r.multipliers["upper:x"] == pytest.approx(1.0)
    assert r.multipliers["lower:y"] == pytest.approx(0.0, abs=1e-12)


def test_qp_projection_closed_form_and_the_chain_agree():
    # min (x−3)² + (y+1)² s.t. x + y <= 1: the projection (2.5, −1.5), μ = 1
    problem = lk.minimize((x - 3) ** 2 + (y + 1) ** 2, {"s": x + y <= 1})
    r = _solve(problem)
    chain = _solve(problem, method="slsqp")
    assert r.method.startswith("auto:clarabel") and r.status == "optimal"
    np.testing.assert_allclose(r.x, [2.5, -1.5], atol=1e-8)
    assert r.multipliers["s"] == pytest.approx(1.0, rel=1e-8)
    np.testing.assert_allclose(r.x, chain.x, atol=1e-7)
    assert r.multipliers["s"] == pytest.approx(chain.multipliers["s"], rel=1e-6)


def test_badly_scaled_objective_keeps_its_multipliers():
    # 1e-12·((x−3)² + (y+1)²): same point, μ = 1e-12 (the form solves it rescaled)
    problem = lk.minimize(sp.Float(1e-12) * ((x - 3) ** 2 + (y + 1) ** 2), {"s": x + y <= 1})
    r = _solve(problem)
    assert _routed(r) and r.status == "optimal", r.message
    np.testing.assert_allclose(r.x, [2.5, -1.5], atol=1e-7)
    assert r.multipliers["s"] == pytest.approx(1e-12, rel=1e-6)


def test_maximize_reports_the_users_objective():
    # the exact route is the reference: f is the user's (maximized) value, λ is of the minimize form
    problem = lk.maximize(-((x - 1) ** 2) - 2 * (y - 2) ** 2 + 4, {"h": sp.Eq(x + y, 1)})
    exact = lk.solve_symbolic(problem)
    r = _solve(problem)
    assert r.method.startswith("auto:clarabel") and r.status == "optimal"
    assert r.fun == pytest.approx(float(exact.fun), rel=1e-10)
    assert r.multipliers["h"] == pytest.approx(float(exact.multipliers["h"]), rel=1e-7)


def test_unconstrained_and_equality_only_programs():
    r = _solve(lk.minimize((x - 1) ** 2 + (y + 2) ** 2))
    assert r.method.startswith("auto:clarabel") and r.status == "optimal"
    np.testing.assert_allclose(r.x, [1.0, -2.0], atol=1e-9)
    r = _solve(lk.minimize(x + 2 * y, {"p": sp.Eq(x, 2), "q": sp.Eq(y, -1)}))
    assert r.method == "auto:highs" and r.status == "optimal"
    assert (r.multipliers["p"], r.multipliers["q"]) == pytest.approx((-1.0, -2.0))


# ------------------------------------------------------------- infeasible and unbounded
@pytest.mark.parametrize(
    "problem",
    [
        lk.minimize(x + y, {"a": x + y <= -1}, bounds={x: (0, None), y: (0, None)}),
        lk.minimize(x**2 + y**2, {"a": x + y >= 3, "b": sp.Eq(x, 0), "c": y <= 1}),
    ],
    ids=["lp", "qp"],
)
def test_infeasible_programs_carry_a_farkas_certificate(problem):
    r = _solve(problem)
    assert r.status == "infeasible" and not r.success
    assert r.method == "auto:clarabel"
    assert "Farkas certificate" in r.message and "phase I" in r.message


@pytest.mark.parametrize(
    ("problem", "direction"),
    [
        (lk.minimize(-x + y, {"a": x - y >= 1}, bounds={y: (0, None)}), [1.0, 0.0]),
        (lk.minimize((x - y) ** 2 - x, {"a": x >= 0}), [1.0, 1.0]),
        (lk.maximize(x + y, {"a": x - y <= 1, "b": y - x <= 1}), [1.0, 1.0]),
    ],
    ids=["lp", "qp", "lp-max"],
)
def test_unbounded_programs_name_a_ray(problem, direction):
    r = _solve(problem)
    assert r.status == "unbounded" and not r.success, r.message
    assert r.method == "auto:clarabel"
    assert "direction of recession" in r.message
    d = np.asarray(direction) / np.linalg.norm(direction)
    far = r.x / np.linalg.norm(r.x)
    assert far @ d > 0.99  # the reported point is far out along the known ray


# ------------------------------------------------------------- what is not routed
def test_nonconvex_qp_keeps_the_chain():
    problem = lk.minimize(x**2 - y**2, bounds={x: (-1, 1), y: (-1, 1)})
    assert quadratic_program(problem) is not None and convex_quadratic_program(problem) is None
    r = _solve(problem)
    assert not _routed(r)
    assert r.fun == pytest.approx(-1.0)


def test_quadratic_constraint_or_nonpolynomial_objective_is_not_a_program():
    assert quadratic_program(lk.minimize(x + y, {"disk": x**2 + y**2 <= 1})) is None
    assert quadratic_program(lk.minimize(sp.exp(x) + y**2, {"a": x + y >= 1})) is None
    r = _solve(lk.minimize(x + y, {"disk": x**2 + y**2 <= 1}))
    assert not _routed(r) and r.status == "optimal"


def test_an_answer_that_does_not_certify_falls_back_to_the_chain(monkeypatch):
    # a solver that returns a wrong point must not produce an answer: auto's chain runs instead
    def wrong(qp, scale, max_iter, objective=True):
        return conic._Outcome(
            "optimal", x=np.array([7.0, 7.0]), lam=np.zeros(0), mu=np.zeros(1), message="bad"
        )

    monkeypatch.setattr(conic, "_clarabel", wrong)
    r = _solve(lk.minimize((x - 3) ** 2 + (y + 1) ** 2, {"s": x + y <= 1}))
    assert not _routed(r) and r.status == "optimal"
    np.testing.assert_allclose(r.x, [2.5, -1.5], atol=1e-7)


def test_a_wrong_infeasibility_certificate_is_not_believed(monkeypatch):
    def wrong(qp, scale, max_iter, objective=True):
        return conic._Outcome("infeasible", weights=np.array([1.0]), message="bad")

    monkeypatch.setattr(conic, "_clarabel", wrong)
    r = _solve(lk.minimize((x - 3) ** 2 + (y + 1) ** 2, {"s": x + y <= 1}))
    assert r.status == "optimal" and not _routed(r)


# ------------------------------------------------------------- the PSD test
@st.composite
def symmetric_matrices(draw):
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    density = draw(st.sampled_from([0.03, 0.3, 1.0]))
    M = sps.random(n, n, density=density, random_state=rng).toarray()
    M = M + M.T
    low = np.linalg.eigvalsh(M)[0]
    margin = draw(st.sampled_from([-1e-3, 1e-3])) * max(1.0, np.abs(M).max())
    return M - (low - margin) * np.eye(n), margin > 0  # least eigenvalue = margin


@FAST
@given(symmetric_matrices())
def test_psd_test_agrees_with_eigvalsh(case):
    M, psd = case
    assert is_positive_semidefinite(sps.csc_matrix(M)) == psd
    assert is_positive_semidefinite(M) == bool(np.linalg.eigvalsh(M)[0] >= 0)


def test_psd_test_on_singular_and_indefinite_sparse_matrices():
    n = 60
    B = sps.random(5, n, density=0.2, random_state=1)
    assert is_positive_semidefinite(B.T @ B)  # rank 5, singular
    assert not is_positive_semidefinite(sps.diags(np.r_[np.ones(n - 1), -1e-3]))
    assert not is_positive_semidefinite(sps.csc_matrix(([1.0, 1.0], ([0, 1], [1, 0])), shape=(n, n)))


# ------------------------------------------------------------- hostile programs
@st.composite
def hostile_programs(draw):
    """Small integer programs with what breaks solvers: repeated and contradictory rows,
    fixed and free variables, rank-deficient or zero P, objectives scaled by 10^±k, and no
    guarantee of feasibility or boundedness."""
    n = draw(st.integers(1, 4))
    ints = st.integers(-3, 3)
    B = np.array(draw(st.lists(ints, min_size=n * n, max_size=n * n)), dtype=float).reshape(n, n)
    B = B[: draw(st.integers(0, n))]
    P = B.T @ B
    q = np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float)
    m = draw(st.integers(0, 3))
    rows = np.array(draw(st.lists(ints, min_size=m * n, max_size=m * n)), dtype=float).reshape(m, n)
    rhs = np.array(draw(st.lists(ints, min_size=m, max_size=m)), dtype=float)
    if m and draw(st.booleans()):  # a repeated row, the same or contradicting
        rows = np.vstack([rows, 2.0 * rows[:1]])
        rhs = np.append(rhs, 2.0 * rhs[0] + draw(st.sampled_from([0.0, 1.0])))
    kinds = draw(st.lists(st.sampled_from(["eq", "le"]), min_size=len(rows), max_size=len(rows)))
    keep = np.abs(rows).max(axis=1, initial=0.0) > 0  # a row without variables is not a constraint
    bounds = draw(
        st.lists(st.sampled_from([(None, None), (0, None), (-1, 1), (2, 2)]), min_size=n, max_size=n)
    )
    scale = 10.0 ** draw(st.sampled_from([-12, 0, 8]))
    return P, q, scale, rows[keep], rhs[keep], [k for k, s in zip(kinds, keep) if s], bounds


def _check_hostile(case):
    P, q, scale, rows, rhs, kinds, bounds = case
    n = len(q)
    v = sp.symbols(f"v1:{n + 1}", real=True)
    f = sum(sp.Float(scale * 0.5 * P[i, j]) * v[i] * v[j] for i in range(n) for j in range(n)) + sum(
        sp.Float(scale * q[i]) * v[i] for i in range(n)
    )
    exprs = [sum(a * vi for a, vi in zip(row, v)) for row in rows]
    constraints = {
        f"c{k}": sp.Eq(e, b) if kind == "eq" else e <= b
        for k, (e, b, kind) in enumerate(zip(exprs, rhs, kinds))
    }
    problem = lk.minimize(f, constraints, bounds=dict(zip(v, bounds)), variables=v)
    w = cp.Variable(n)
    cons = [rows[k] @ w == rhs[k] if kind == "eq" else rows[k] @ w <= rhs[k] for k, kind in enumerate(kinds)]
    cons += [w[i] >= lo for i, (lo, _) in enumerate(bounds) if lo is not None]
    cons += [w[i] <= hi for i, (_, hi) in enumerate(bounds) if hi is not None]
    ref = cp.Problem(cp.Minimize(0.5 * cp.quad_form(w, cp.psd_wrap(P)) + q @ w), cons)
    try:
        ref.solve(solver="CLARABEL")
    except cp.error.SolverError:  # Clarabel stalls on some contradictory repeated rows
        ref.solve(solver="HIGHS")
    r = _solve(problem)  # the reference has the unscaled objective: cvxpy's tolerances are absolute
    if ref.status == "optimal":
        assert r.status == "optimal", r.message
        atol = 1e-6 * max(1.0, np.abs(q).max(initial=0.0))
        assert r.fun / scale == pytest.approx(ref.value, rel=1e-6, abs=atol)
    elif ref.status in ("infeasible", "unbounded"):
        assert r.status != "optimal", r.message
        # a tiny objective (scaled up to be solved) leaves an unbounded one "max_iter": finish
        # computes the scope from the absolute KKT report, so its ray is not looked for
        if not (ref.status == "unbounded" and scale < 1.0):
            assert r.status == ref.status, r.message


@FAST
@given(hostile_programs())
def test_hostile_programs_against_cvxpy_statuses(case):
    _check_hostile(case)


@pytest.mark.slow
@SLOW
@given(hostile_programs())
@example(  # contradictory repeated equalities, on which Clarabel stalls (cvxpy's too)
    case=(
        np.zeros((2, 2)),
        np.zeros(2),
        1.0,
        np.array([[0.0, 1.0], [0.0, 2.0]]),
        np.array([1.0, 0.0]),
        ["eq", "eq"],
        [(None, None), (None, None)],
    )
)
@example(case=(np.zeros((1, 1)), np.array([1.0]), 1e-12, np.zeros((0, 1)), np.zeros(0), [], [(None, None)]))
@example(  # every variable fixed and contradicted: an inexact Farkas certificate, and the chain's auglag
    case=(np.zeros((1, 1)), np.array([-1.0]), 1e8, np.array([[1.0]]), np.array([0.0]), ["eq"], [(2, 2)])
)
def test_hostile_programs_against_cvxpy_statuses_many(case):
    _check_hostile(case)


@pytest.mark.parametrize("method", ["auto", "auglag", "slsqp"])
def test_every_variable_fixed_by_its_bounds(method):
    # x = 2, y = -1 fixed: f = 2 − 1 = 1 (L-BFGS-B inside auglag reports no iteration count here)
    r = _solve(lk.minimize(x + y, bounds={x: (2, 2), y: (-1, -1)}), method=method)
    assert r.status == "optimal" and r.fun == pytest.approx(1.0)
    assert r.multipliers["lower:x"] - r.multipliers["upper:x"] == pytest.approx(1.0)
