"""lk.check_kkt on a large sparse problem from callables: no dense matrix, multipliers estimated
by bounded sparse least squares, against cvxpy's duals and closed-form residuals."""

from __future__ import annotations

import tracemalloc

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sps

import lagrangekit as lk

pytest.importorskip("qdldl", reason="the sparse certificate needs qdldl (pip install 'lagrangekit[sparse]')")

N = 5000
BOUND_NAMES = [f"lower:x{i}" for i in range(1, N + 1)]  # from_functions names the variables x1 … xN


@pytest.fixture(scope="module")
def chain():
    """minimize Σ (x_i − c_i)² s.t. x_i + x_{i+1} <= 1, x_i >= 0.2: the problem, and cvxpy's
    (Clarabel) optimum with the duals of the pair rows and of the lower bounds.

    c by i mod 4: U(−0.5, 0.1) (the bound is active, μ >= 0.2), U(0.25, 0.35) (x = c), then
    U(0.9, 1.1) twice (the pair between them is active, μ = c₂ + c₃ − 1 >= 0.8); every other
    row is inactive by at least 0.05. So the active set is clear-cut (strict complementarity)
    and the active gradients touch disjoint variables: LICQ holds by construction."""
    rng = np.random.default_rng(11)
    lows = np.tile([-0.5, 0.25, 0.9, 0.9], N // 4)
    highs = np.tile([0.1, 0.35, 1.1, 1.1], N // 4)
    c = rng.uniform(lows, highs)
    D = sps.diags([np.ones(N - 1), np.ones(N - 1)], [0, 1], shape=(N - 1, N), format="csr")
    problem = lk.from_functions(
        lambda v: float(((v - c) ** 2).sum()),
        N,
        grad=lambda v: 2 * (v - c),
        ineq={"pair": lk.VectorConstraint(lambda v: v[:-1] + v[1:] - 1, N - 1, jac=lambda v: D)},
        hess=lambda v, s, lam: 2 * s * sps.eye(N, format="csr"),
        bounds=[(0.2, None)] * N,
    )
    w = cp.Variable(N)
    pair, floor = w[:-1] + w[1:] <= 1, w >= 0.2
    cp.Problem(cp.Minimize(cp.sum_squares(w - c)), [pair, floor]).solve(
        solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10
    )
    return problem, c, w.value, pair.dual_value, floor.dual_value


def _named(pair_dual, floor_dual):
    out = {f"pair_{i}": float(v) for i, v in enumerate(pair_dual)}
    out.update(zip(BOUND_NAMES, map(float, floor_dual)))
    return out


def test_estimated_multipliers_are_cvxpys_duals_without_a_dense_matrix(chain):
    problem, _, x, pair_dual, floor_dual = chain
    assert list(problem.bound_names) == BOUND_NAMES
    tracemalloc.start()
    report = lk.check_kkt(problem, x, second_order=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.ok and report.licq and report.second_order, report.message
    mu = np.array([report.multipliers[f"pair_{i}"] for i in range(N - 1)])
    z = np.array([report.multipliers[name] for name in BOUND_NAMES])
    np.testing.assert_allclose(mu, pair_dual, atol=1e-6)
    np.testing.assert_allclose(z, floor_dual, atol=1e-6)
    assert peak < 100e6  # a dense N × N float matrix alone is 200 MB


def test_given_multipliers_give_closed_form_residuals(chain):
    problem, c, x, pair_dual, floor_dual = chain
    assert lk.check_kkt(problem, x, _named(pair_dual, floor_dual)).ok
    # all multipliers zero: the stationarity residual is ‖∇f‖∞ = ‖2(x − c)‖∞, and the
    # second-order test is not run unless asked
    report = lk.check_kkt(problem, x, {})
    assert report.stationarity == pytest.approx(np.abs(2 * (x - c)).max(), rel=1e-12)
    assert not report.ok and report.second_order is None
    # a negative multiplier on a pair row: dual feasibility fails by exactly its size
    wrong = _named(pair_dual, floor_dual) | {"pair_0": -0.25}
    assert lk.check_kkt(problem, x, wrong).dual_feasibility == pytest.approx(0.25)


def test_an_infeasible_point_reports_its_violation(chain):
    problem, _, x, *_ = chain
    shifted = x.copy()
    shifted[:2] = 0.75  # x_0 + x_1 = 1.5: the pair row is violated by 0.5 (its gradient has norm 1)
    report = lk.check_kkt(problem, shifted)
    assert not report.ok
    assert report.primal_feasibility == pytest.approx(max(0.5, shifted[1] + x[2] - 1), rel=1e-12)


def test_a_bound_pushed_the_wrong_way_gets_a_zero_multiplier(chain):
    # x₂ (index 1, c ∈ [0.25, 0.35]) moved onto its bound 0.2: least squares alone would give
    # its bound the multiplier 2(0.2 − c) < 0; the bounded estimate gives 0, and stationarity
    # is left with |2(0.2 − c)| at that coordinate
    problem, c, x, *_ = chain
    moved = x.copy()
    moved[1] = 0.2
    report = lk.check_kkt(problem, moved)
    assert report.multipliers[BOUND_NAMES[1]] == pytest.approx(0.0, abs=1e-12)
    assert report.dual_feasibility == 0.0
    assert report.stationarity == pytest.approx(2 * (c[1] - 0.2), rel=1e-6)
