"""Duals whose domain is a linear matrix inequality (quadratic Lagrangians solved as an SDP), and
numeric duals whose domain lies far from the start or whose Lagrangian has saddles.

References: Boyd & Vandenberghe §5.1.5 (two-way partitioning, with its eigenvalue bound and the
SDP in the book's own form, solved by cvxpy), the S-lemma's zero gap for one quadratic
constraint (the trust-region subproblem's secular equation, by scipy's brentq), brute force
over {−1, 1}ⁿ, and duals derived by hand.
"""

from __future__ import annotations

import itertools
import warnings

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq

import lagrangekit as lk


def _partitioning(W: np.ndarray) -> lk.Problem:
    """minimize xᵀWx s.t. xᵢ² = 1 (B&V §5.1.5)."""
    n = W.shape[0]
    x = sp.symbols(f"x0:{n}", real=True)
    objective = sum(float(W[i, j]) * x[i] * x[j] for i in range(n) for j in range(n))
    return lk.minimize(objective, {f"c{i}": sp.Eq(x[i] ** 2, 1) for i in range(n)}, variables=x)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_way_partitioning_dual_is_the_books_sdp_between_its_bounds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((5, 5))
    W = (A + A.T) / 2
    result = lk.dual(_partitioning(W)).solve()
    assert result.status == "optimal" and "semidefinite" in result.method
    # the book's dual: maximize −1ᵀν s.t. W + diag(ν) ⪰ 0
    nu = cp.Variable(5)
    book = cp.Problem(cp.Maximize(-cp.sum(nu)), [W + cp.diag(nu) >> 0])
    book.solve(solver=cp.CLARABEL)
    assert result.fun == pytest.approx(book.value, rel=1e-7, abs=1e-7)
    p_star = min(np.array(s) @ W @ np.array(s) for s in itertools.product((-1, 1), repeat=5))
    lambda_min_bound = 5 * np.linalg.eigvalsh(W)[0]  # ν = −λ_min·1 is dual feasible
    assert lambda_min_bound - 1e-9 <= result.fun <= p_star + 1e-9


def test_dual_of_x_on_the_two_points_x_squared_equals_one() -> None:
    # L = x + λ(x² − 1): g(λ) = −λ − 1/(4λ) for λ > 0, −inf otherwise; max at λ = 1/2, g* = −1
    x = sp.Symbol("x", real=True)
    result = lk.dual(lk.minimize(x, {"two": sp.Eq(x**2, 1)})).solve()
    assert result.status == "optimal"
    assert result.fun == pytest.approx(-1.0, abs=1e-8)
    assert result.x[0] == pytest.approx(0.5, abs=1e-6)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_trust_region_subproblem_has_no_gap_by_the_s_lemma(seed: int) -> None:
    # min xᵀAx + 2bᵀx s.t. ‖x‖² <= 1 with A indefinite: one quadratic constraint, so the gap is
    # zero (S-lemma). p* from the secular equation ‖(A + sI)⁻¹b‖ = 1, s > −λ_min(A) (brentq)
    rng = np.random.default_rng(seed)
    A = np.diag([-1.0 - rng.random(), 0.5 + rng.random()])
    b = rng.standard_normal(2)
    w, V = np.linalg.eigh(A)
    c = V.T @ b
    s_star = brentq(lambda s: np.sum((c / (w + s)) ** 2) - 1.0, -w[0] + 1e-12, 1e6)
    x_star = -np.linalg.solve(A + s_star * np.eye(2), b)
    p_star = x_star @ A @ x_star + 2 * b @ x_star
    x, y = sp.symbols("x y", real=True)
    v = sp.Matrix([x, y])
    objective = (v.T * sp.Matrix(A) * v)[0] + 2 * (sp.Matrix(b).T * v)[0]
    result = lk.dual(lk.minimize(objective, {"ball": x**2 + y**2 <= 1})).solve()
    assert result.status == "optimal"
    assert result.fun == pytest.approx(p_star, rel=1e-7, abs=1e-8)
    assert result.x[0] == pytest.approx(s_star, rel=1e-5)


def test_duality_gap_from_a_local_primal_optimum_warns_that_it_is_an_upper_bound() -> None:
    W = np.array([[0.0, 1.0, 3.0], [1.0, 0.0, -1.0], [3.0, -1.0, 0.0]])
    problem = _partitioning(W)
    p_star = min(np.array(s) @ W @ np.array(s) for s in itertools.product((-1, 1), repeat=3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gap = lk.duality_gap(problem)
    d_star = lk.dual(problem).solve().fun
    assert d_star == pytest.approx(p_star, abs=1e-7)  # this W's relaxation is tight: −10
    if gap > 1e-6:  # lk.solve stopped at a local optimum: the warning must say so
        assert any(issubclass(w.category, lk.LocalOptimumWarning) for w in caught)


def test_numeric_dual_finds_a_domain_far_from_the_start() -> None:
    # L = (λ − 1)x² + y⁴ − λ: inf = −λ for λ >= 1, −inf for λ < 1 (so at the start λ = 0 and at
    # small random draws); d* = −1 = p*. y⁴ keeps it off the quadratic (SDP) route.
    x, y = sp.symbols("x y", real=True)
    d = lk.dual(lk.minimize(-(x**2) + y**4, {"unit": sp.Eq(x**2, 1)}))
    assert d.evaluate([3.0]) == pytest.approx(-3.0, abs=1e-8)
    assert d.evaluate([0.5]) == -np.inf
    result = d.solve()
    assert result.status != "infeasible"
    assert -np.inf < result.fun <= -1.0 + 1e-9  # a value of g is a lower bound on d* = −1


def test_inner_minimization_leaves_a_saddle_of_the_lagrangian() -> None:
    # L = x⁴ + (λ − 3)x² − 2λ: for λ < 3 its infimum is −(λ − 3)²/4 − 2λ at x² = (3 − λ)/2, and
    # x = 0 (where every start of the inner minimization may stop) is a local maximum.
    # d* = −2 at λ = −1 = p* (x² = 2).
    x = sp.Symbol("x", real=True)
    d = lk.dual(lk.minimize(x**4 - 3 * x**2, {"ring": sp.Eq(x**2, 2)}))
    for lam in (-1.0, 0.0, -5.0, -3.2e3):
        assert d.evaluate([lam]) == pytest.approx(-((lam - 3) ** 2) / 4 - 2 * lam, rel=1e-9)
    result = d.solve()
    assert result.fun == pytest.approx(-2.0, abs=1e-7)
    assert result.x[0] == pytest.approx(-1.0, abs=1e-4)


def _random_qcqp(seed: int) -> tuple[lk.Problem, list]:
    """A random QCQP: an indefinite objective, one strictly convex inequality, one indefinite
    inequality and (with a third constraint) an indefinite equality."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    xs = sp.symbols(f"x0:{n}", real=True)
    v = sp.Matrix(xs)

    def quadratic(P, q, c):
        return (v.T * sp.Matrix(P) * v)[0] / 2 + (sp.Matrix(q).T * v)[0] + c

    A = rng.standard_normal((n, n))
    pieces = [((A + A.T) / 2, rng.standard_normal(n), 0.0, False)]
    for k in range(m):
        B = rng.standard_normal((n, n))
        P = B @ B.T / n + np.eye(n) if k == 0 else (B + B.T) / 4
        pieces.append((P, 0.3 * rng.standard_normal(n), -1.0 - rng.random(), k == 2))
    constraints = {
        f"c{k}": sp.Eq(quadratic(P, q, c), 0) if eq else quadratic(P, q, c) <= 0
        for k, (P, q, c, eq) in enumerate(pieces[1:])
    }
    return lk.minimize(quadratic(*pieces[0][:3]), constraints, variables=xs), pieces


@pytest.mark.parametrize("seed", range(10))
def test_random_qcqp_duals_match_the_shor_relaxation_or_make_no_false_claim(seed: int) -> None:
    # the reference is the primal SDP (Shor's relaxation, the moment matrix [[X, x], [xᵀ, 1]]
    # ⪰ 0), a different problem from the dual's LMI; under its strong duality the optimal
    # values agree, and an infeasible relaxation means an infeasible QCQP (an unbounded dual)
    problem, pieces = _random_qcqp(seed)
    result = lk.dual(problem).solve()
    n = len(problem.variables)
    X = cp.Variable((n, n), symmetric=True)
    x = cp.Variable((n, 1))
    moment = cp.bmat([[X, x], [x.T, np.ones((1, 1))]])
    rows = [cp.trace(P @ X) / 2 + q @ x[:, 0] + c for P, q, c, _ in pieces]
    constraints = [moment >> 0] + [r == 0 if eq else r <= 0 for r, (*_, eq) in zip(rows[1:], pieces[1:])]
    shor = cp.Problem(cp.Minimize(rows[0]), constraints)
    shor.solve(solver=cp.CLARABEL)
    if result.status == "optimal":
        assert shor.status == cp.OPTIMAL
        assert result.fun == pytest.approx(shor.value, rel=1e-6, abs=1e-6)
    elif result.status == "unbounded":
        assert shor.status == cp.INFEASIBLE
    else:
        assert result.status in ("failed", "max_iter")  # no claim


def test_dual_of_two_contradictory_circles_is_unbounded() -> None:
    # x² + y² <= 1 and x² + y² = 4 have no common point. By hand, at μ = t, λ = 1 − t:
    # L = xy + t(x² + y² − 1) + (1 − t)(x² + y² − 4) = x² + xy + y² + 3t − 4, whose infimum is
    # 3t − 4 (x² + xy + y² ⪰ 0): g grows without bound
    x, y = sp.symbols("x y", real=True)
    problem = lk.minimize(x * y, {"disk": x**2 + y**2 <= 1, "circle": sp.Eq(x**2 + y**2, 4)})
    d = lk.dual(problem)
    assert d.evaluate({"disk": 10.0, "circle": -9.0}) == pytest.approx(26.0, abs=1e-6)
    result = d.solve()
    assert result.status == "unbounded" and "primal is infeasible" in result.message


def test_a_cubic_is_not_called_convex_because_cvxpy_reads_it_on_x_nonnegative() -> None:
    # found by the public-API fuzz: cvxpy exports 4x³ as power(x, 3), convex only on x >= 0,
    # and the dual then called a local inner minimum (4.34, near x = 0.4) the certified dual
    # optimum, above the primal optimum. By hand: 4x³ + e^-x has a local minimum where
    # 12x² = e^-x near x = −6.1 (value about −458.6 with the 3.5), and the constraint
    # e^-x <= 1e9 (x >= −20.7) is inactive there, so p* <= −458 < 4.34.
    x = sp.Symbol("x", real=True)
    problem = lk.minimize(4 * x**3 + sp.Rational(7, 2) + sp.exp(-x), {"c": sp.exp(-x) <= 10**9})
    point = -6.1
    assert 4 * point**3 + 3.5 + np.exp(-point) < -458
    assert lk.slater_point(problem).convex is False
    result = lk.dual(problem).solve()
    assert result.status != "optimal" or result.fun <= -458
