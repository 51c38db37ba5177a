"""lk.solve(method="sparse_ipm"): the sparse interior-point backend against closed forms, scipy's
SLSQP and cvxpy; its sparse KKT certificate at n = 10⁴ without a dense matrix; honest statuses."""

from __future__ import annotations

import time
import tracemalloc
import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from scipy.optimize import minimize as scipy_minimize

import lagrangekit as lk
from lagrangekit.errors import UndefinedPointError

pytest.importorskip("qdldl", reason="method='sparse_ipm' needs qdldl (pip install 'lagrangekit[sparse]')")

x, y = sp.symbols("x y", real=True)


def solve_sparse(problem, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.ConvergenceWarning)
        return lk.solve(problem, method="sparse_ipm", **kwargs)


# ------------------------------------------------------------------ closed forms
def test_disk_linear_objective_closed_form():
    # minimize −(x + y) s.t. x² + y² <= 1: x = y = 1/√2, μ = 1/√2 (2μx = 1)
    r = solve_sparse(lk.minimize(-(x + y), {"disk": x**2 + y**2 <= 1}))
    assert r.status == "optimal" and r.method == "sparse_ipm"
    np.testing.assert_allclose(r.x, [2**-0.5, 2**-0.5], atol=1e-8)
    assert r.multipliers["disk"] == pytest.approx(2**-0.5, abs=1e-7)
    assert r.kkt.ok and r.kkt.licq and r.kkt.second_order


def test_bounds_and_equality_closed_form():
    # minimize x² + y² s.t. x + y = 1, x >= 0.8, 0 <= y <= 1: x = 0.8, y = 0.2;
    # 2x + λ − μ = 0, 2y + λ = 0 -> λ = −0.4, μ = 1.2; the bounds on y are inactive
    p = lk.minimize(x**2 + y**2, {"sum": sp.Eq(x + y, 1), "low": 0.8 - x <= 0}, bounds={y: (0, 1)})
    r = solve_sparse(p)
    assert r.success
    np.testing.assert_allclose(r.x, [0.8, 0.2], atol=1e-8)
    assert r.multipliers["sum"] == pytest.approx(-0.4, abs=1e-7)
    assert r.multipliers["low"] == pytest.approx(1.2, abs=1e-7)
    assert r.multipliers["lower:y"] == pytest.approx(0, abs=1e-7)
    assert set(r.multipliers) == {"sum", "low", "lower:y", "upper:y"}


def test_maximize_multipliers_are_of_the_minimize_form():
    # maximize xy s.t. x + y = 2, x, y >= 0: x = y = 1; for −xy, −y + λ = 0 gives λ = 1
    p = lk.maximize(x * y, {"sum": sp.Eq(x + y, 2)}, bounds={x: (0, None), y: (0, None)})
    r = solve_sparse(p)
    assert r.success and r.fun == pytest.approx(1.0, abs=1e-9)
    assert r.multipliers["sum"] == pytest.approx(1.0, abs=1e-7)


def test_active_upper_bound_multiplier_closed_form():
    # minimize (x − 3)² with x <= 1: x = 1, the bound's multiplier 2(3 − 1) = 4
    r = solve_sparse(lk.minimize((x - 3) ** 2, bounds={x: (None, 1)}))
    assert r.success
    assert r.x[0] == pytest.approx(1.0, abs=1e-8)
    assert r.multipliers["upper:x"] == pytest.approx(4.0, abs=1e-6)


# ------------------------------------------------------------------ scipy SLSQP
def test_rosenbrock_in_a_disk_matches_slsqp():
    f = lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2  # noqa: E731
    reference = scipy_minimize(
        f,
        [0.0, 0.0],
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda v: 1 - v @ v}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    r = solve_sparse(lk.minimize((1 - x) ** 2 + 100 * (y - x**2) ** 2, {"disk": x**2 + y**2 <= 1}))
    assert reference.success and r.success
    np.testing.assert_allclose(r.x, reference.x, atol=1e-6)
    # stationarity at the reference point gives the multiplier: ∇f + 2μx = 0
    grad = np.array(
        [-2 * (1 - reference.x[0]) - 400 * reference.x[0] * (reference.x[1] - reference.x[0] ** 2), 0]
    )
    assert r.multipliers["disk"] == pytest.approx(-grad[0] / (2 * reference.x[0]), rel=1e-4)


def _van_der_pol(steps: int):
    """The benchmark's optimal-control problem (benchmarks/sparse_nlp.py) at a small size."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "sparse_nlp.py"
    spec = importlib.util.spec_from_file_location("sparse_nlp_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.problem(steps)


def test_optimal_control_matches_slsqp():
    p = _van_der_pol(30)
    cp_ = p.compile()
    bounds = list(
        zip(
            np.where(np.isfinite(cp_.lower), cp_.lower, None),
            np.where(np.isfinite(cp_.upper), cp_.upper, None),
        )
    )
    reference = scipy_minimize(
        cp_.fun,
        np.zeros(p.n),
        jac=cp_.grad,
        method="SLSQP",
        bounds=bounds,
        constraints=[{"type": "eq", "fun": cp_.eq, "jac": cp_.eq_jac}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    r = solve_sparse(p)
    assert reference.success and r.success
    assert r.fun == pytest.approx(reference.fun, rel=1e-7)
    np.testing.assert_allclose(r.x, reference.x, atol=1e-4)


# ------------------------------------------------------------------ cvxpy
def test_random_convex_qp_matches_cvxpy_primal_and_duals():
    rng = np.random.default_rng(3)
    n, m = 25, 10
    A = rng.standard_normal((m, n))
    b = rng.uniform(0.1, 1.0, m)
    E = rng.standard_normal((2, n))
    e = E @ rng.uniform(0.1, 0.5, n)
    c = rng.standard_normal(n)
    Q = sps.diags(rng.uniform(0.5, 2.0, n)).tocsr()
    p = lk.from_functions(
        lambda v: 0.5 * v @ (Q @ v) + c @ v,
        n,
        grad=lambda v: Q @ v + c,
        eq={"fix": lk.VectorConstraint(lambda v: E @ v - e, 2, jac=lambda v: sps.csr_matrix(E))},
        ineq={"cap": lk.VectorConstraint(lambda v: A @ v - b, m, jac=lambda v: sps.csr_matrix(A))},
        bounds=[(0, 1)] * n,
        hess=lambda v, s, lam: s * Q,
    )
    w = cp.Variable(n)
    fix, cap, lower, upper = E @ w == e, A @ w <= b, w >= 0, w <= 1
    ref = cp.Problem(
        cp.Minimize(0.5 * cp.sum(cp.multiply(Q.diagonal(), w**2)) + c @ w), [fix, cap, lower, upper]
    )
    ref.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10)
    r = solve_sparse(p)
    assert r.success, r.message
    assert r.fun == pytest.approx(ref.value, abs=1e-7)
    np.testing.assert_allclose(r.x, w.value, atol=1e-5)
    ours = np.array([r.multipliers[f"cap_{i}"] for i in range(m)])
    np.testing.assert_allclose(ours, cap.dual_value, atol=1e-5)  # the same sign as cvxpy for <=
    lam = np.array([r.multipliers[f"fix_{i}"] for i in range(2)])
    np.testing.assert_allclose(lam, fix.dual_value, atol=1e-5)
    z_lower = np.array([r.multipliers[f"lower:x{i + 1}"] for i in range(n)])
    np.testing.assert_allclose(z_lower, lower.dual_value, atol=1e-5)


# ------------------------------------------------------------------ scale
def test_n_ten_thousand_certified_without_a_dense_matrix():
    # minimize Σ (x_i − c_i)² s.t. x_i + x_{i+1} <= 1, c ~ U(0, 2): cvxpy (Clarabel) is the reference
    n = 10_000
    c = np.random.default_rng(7).uniform(0, 2, n)
    D = sps.diags([np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n), format="csr")
    p = lk.from_functions(
        lambda v: float(((v - c) ** 2).sum()),
        n,
        grad=lambda v: 2 * (v - c),
        ineq={"pair": lk.VectorConstraint(lambda v: v[:-1] + v[1:] - 1, n - 1, jac=lambda v: D)},
        hess=lambda v, s, lam: 2 * s * sps.eye(n, format="csr"),
    )
    tracemalloc.start()
    start = time.process_time()
    r = lk.solve(p)  # auto -> sparse_ipm
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    w = cp.Variable(n)
    pair = w[:-1] + w[1:] <= 1
    ref = cp.Problem(cp.Minimize(cp.sum_squares(w - c)), [pair])
    ref.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    assert r.success and r.method == "sparse_ipm", r.message
    assert r.kkt.licq and r.kkt.second_order
    assert r.fun == pytest.approx(ref.value, rel=1e-8)
    np.testing.assert_allclose(r.x, w.value, atol=1e-5)
    mu = np.array([r.multipliers[f"pair_{i}"] for i in range(n - 1)])
    np.testing.assert_allclose(mu, pair.dual_value, atol=1e-4)
    assert peak < 100e6  # one dense 10⁴ × 10⁴ float matrix is 800 MB
    assert elapsed < 30  # a hang guard (CPU time), not a benchmark


# ------------------------------------------------------------------ honesty and input
def test_infeasible_problem_is_not_optimal():
    p = lk.minimize(x**2, {"above": 1 - x <= 0, "below": x <= 0})
    with pytest.warns(lk.ConvergenceWarning):
        r = lk.solve(p, method="sparse_ipm")
    assert not r.success and r.status in ("failed", "max_iter")
    assert "not certified" in r.message


def test_missing_hessian_at_scale_names_hess():
    p = lk.from_functions(lambda v: float(v @ v), 2500, grad=lambda v: 2 * v)
    with pytest.raises(ValueError, match="hess="):
        lk.solve(p, method="sparse_ipm")


def test_start_outside_the_domain_names_the_function():
    p = lk.from_functions(lambda v: float(np.log(v[0]) ** 2 + v[1] ** 2), 2, ineq={"c": lambda v: -v[0]})
    with pytest.raises(UndefinedPointError, match="the objective"):
        lk.solve(p, method="sparse_ipm", x0=[-1.0, 0.0])


@pytest.mark.parametrize("x0", [[1.0], [np.nan, 0.0], "ab"])
def test_bad_x0_names_x0(x0):
    with pytest.raises(ValueError, match="x0"):
        lk.solve(lk.minimize(x**2 + y**2), method="sparse_ipm", x0=x0)


@pytest.mark.parametrize("as_matrix", [np.eye, sps.eye])
def test_small_problems_stay_on_the_dense_route(as_matrix):
    # below 500 variables "auto" keeps its dense chain even with a sparse hess; minimum at 0
    p = lk.from_functions(
        lambda v: float(v @ v), 3, grad=lambda v: 2 * v, hess=lambda v, s, lam: 2 * s * as_matrix(3)
    )
    r = lk.solve(p, x0=[1.0, 2.0, 3.0])
    assert r.success and r.method != "sparse_ipm"
    np.testing.assert_allclose(r.x, 0, atol=1e-8)


@pytest.mark.parametrize("method", ["sparse_ipm", "ipm"])
def test_the_users_matrices_are_not_written(method):
    # the same Jacobian and Hessian objects are returned at every call; they must come back unchanged
    J = sps.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    H = 2 * np.eye(3)
    J0, H0 = J.toarray(), H.copy()
    p = lk.from_functions(
        lambda v: float(v @ v),
        3,
        grad=lambda v: 2 * v,
        eq={"link": lk.VectorConstraint(lambda v: J @ v - 1, 2, jac=lambda v: J)},
        hess=lambda v, s, lam: H if s == 1.0 else s * H,
    )
    r = lk.solve(p, method=method)
    # minimum-norm solution of J v = 1: v = Jᵀ(JJᵀ)⁻¹1
    np.testing.assert_allclose(r.x, J0.T @ np.linalg.solve(J0 @ J0.T, np.ones(2)), atol=1e-8)
    np.testing.assert_array_equal(J.toarray(), J0)
    np.testing.assert_array_equal(H, H0)


def test_a_jacobian_whose_sparsity_pattern_changes_between_calls():
    # the same values, with an explicit zero stored at every other call:
    # minimize ‖x − 1‖² s.t. x_1 + ... + x_5 = 1 (x_6 free) -> x_i = 1/5, x_6 = 1, λ = 2(1 − 1/5)
    n, k, calls = 6, 5, []
    rows, cols = np.zeros(k, dtype=int), np.arange(k)

    def jac(v):
        calls.append(None)
        if len(calls) % 2:
            return sps.csr_matrix((np.ones(k), (rows, cols)), shape=(1, n))
        return sps.csr_matrix(
            (np.append(np.ones(k), 0.0), (np.append(rows, 0), np.append(cols, k))), shape=(1, n)
        )

    p = lk.from_functions(
        lambda v: float(((v - 1) ** 2).sum()),
        n,
        grad=lambda v: 2 * (v - 1),
        eq={"sum": lk.VectorConstraint(lambda v: [v[:k].sum() - 1], 1, jac=jac)},
        hess=lambda v, s, lam: 2 * s * sps.eye(n),
    )
    r = solve_sparse(p)
    assert r.success and len(calls) > 2
    np.testing.assert_allclose(r.x, [0.2] * k + [1.0], atol=1e-9)
    assert r.multipliers["sum_0"] == pytest.approx(2 * (1 - 1 / k), abs=1e-8)
