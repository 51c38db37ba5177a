"""A hypothesis battery of small problems with known answers against lk.solve.

- convex QPs (strongly convex, feasible by construction), against cvxpy;
- separable nonconvex polynomials on intervals (bounds or constraints), against exhaustive
  evaluation on a dense grid;
- problems unbounded along a known feasible ray.

Whatever the status, lk.solve must never call a point optimal when a known feasible point
is better, never call an unbounded problem optimal, and never raise an internal error.
"""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk

X = sp.symbols("x1:4", real=True)
FAST = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _numbers(count, lo=-3.0, hi=3.0):
    return st.lists(
        st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3)),
        min_size=count,
        max_size=count,
    )


def _rows(draw, n):
    """Up to two constraint rows, none of them (nearly) zero."""
    rows = np.array(draw(_numbers(2 * n))).reshape(2, n)[: draw(st.integers(0, 2))]
    return rows[np.abs(rows).max(axis=1, initial=0.0) > 0.1]


def _solve(problem, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.ConvergenceWarning)
        return lk.solve(problem, **kwargs)


def _better_by(reference, value):
    """Margin by which a certified optimum may exceed a known feasible value (rounding)."""
    return 1e-6 * max(1.0, abs(reference))


# ------------------------------------------------------------------ convex QPs vs cvxpy
@st.composite
def convex_qps(draw):
    n = draw(st.integers(1, 3))
    L = np.array(draw(_numbers(n * n))).reshape(n, n)
    Q = L @ L.T + np.eye(n) * draw(st.sampled_from([0.1, 1.0]))  # strongly convex
    q = np.array(draw(_numbers(n)))
    x_feas = np.array(draw(_numbers(n)))
    rows = _rows(draw, n)
    slack = np.array(draw(_numbers(len(rows), 0.0, 2.0)))
    b = rows @ x_feas + slack
    equality = draw(st.booleans()) and n > 1
    e = np.array(draw(_numbers(n)))
    method = draw(st.sampled_from(["auto", "slsqp", "auglag", "ipm", "trust-constr"]))
    return Q, q, rows, b, (e if equality and np.abs(e).max() > 0.1 else None), x_feas, method


def _qp_problem(Q, q, rows, b, e, x_feas):
    v = sp.Matrix(X[: len(q)])
    f = (v.T * sp.Matrix(Q) * v)[0] / 2 + (sp.Matrix(q).T * v)[0]
    constraints = {f"r{i}": (sp.Matrix(a).T * v)[0] <= float(bi) for i, (a, bi) in enumerate(zip(rows, b))}
    if e is not None:
        constraints["eq"] = sp.Eq((sp.Matrix(e).T * v)[0], float(e @ x_feas))
    return lk.minimize(sp.expand(f), constraints)


def _check_convex_qp(case):
    import cvxpy as cp

    Q, q, rows, b, e, x_feas, method = case
    problem = _qp_problem(Q, q, rows, b, e, x_feas)
    v = cp.Variable(len(q))
    cons = [rows @ v <= b] if len(rows) else []
    if e is not None:
        cons.append(e @ v == e @ x_feas)
    ref = cp.Problem(cp.Minimize(0.5 * cp.quad_form(v, Q) + q @ v), cons)
    f_ref = ref.solve()
    r = _solve(problem, method=method)
    assert r.status not in ("unbounded", "infeasible"), r.message
    if r.status == "optimal":
        assert r.fun <= f_ref + _better_by(f_ref, r.fun), r.message
        assert r.scope == "global"
    if method == "auto":
        assert r.success, r.message
        assert r.fun == pytest.approx(f_ref, rel=1e-6, abs=1e-6)


@FAST
@given(convex_qps())
def test_convex_qps_agree_with_cvxpy(case):
    _check_convex_qp(case)


@pytest.mark.slow
@SLOW
@given(convex_qps())
def test_convex_qps_agree_with_cvxpy_many(case):
    _check_convex_qp(case)


# ------------------------------------------------------------------ separable nonconvex
@st.composite
def separable_problems(draw):
    n = draw(st.integers(1, 2))
    coefficients = [draw(_numbers(5)) for _ in range(n)]  # degree-4 polynomials
    lows = draw(_numbers(n, -3.0, 1.0))
    widths = draw(_numbers(n, 0.5, 4.0))
    as_constraints = draw(st.booleans())
    sense = draw(st.sampled_from(["min", "max"]))
    return coefficients, lows, widths, as_constraints, sense


def _check_separable(case):
    coefficients, lows, widths, as_constraints, sense = case
    n = len(coefficients)
    terms = [sum(c * X[i] ** k for k, c in enumerate(cs)) for i, cs in enumerate(coefficients)]
    f = sum(terms)
    box = [(lo, lo + w) for lo, w in zip(lows, widths)]
    if as_constraints:
        constraints = {}
        for i, (lo, hi) in enumerate(box):
            constraints[f"lo{i}"] = X[i] >= lo
            constraints[f"hi{i}"] = X[i] <= hi
        problem = (lk.minimize if sense == "min" else lk.maximize)(f, constraints)
    else:
        problem = (lk.minimize if sense == "min" else lk.maximize)(
            f, {}, bounds={X[i]: box[i] for i in range(n)}
        )
    sign = 1.0 if sense == "min" else -1.0
    best = 0.0  # separable: the global optimum is the sum of each term's optimum on its interval
    for cs, (lo, hi) in zip(coefficients, box):
        grid = np.linspace(lo, hi, 20001)
        best += np.min(sign * np.polyval(cs[::-1], grid))
    r = _solve(problem)
    assert r.status not in ("unbounded", "infeasible"), r.message
    if r.status == "optimal":
        assert sign * r.fun <= best + _better_by(best, r.fun), r.message


@FAST
@given(separable_problems())
def test_separable_polynomials_on_intervals_are_never_optimal_above_the_grid_optimum(case):
    _check_separable(case)


@pytest.mark.slow
@SLOW
@given(separable_problems())
def test_separable_polynomials_on_intervals_many(case):
    _check_separable(case)


# ------------------------------------------------------------------ unbounded along a ray
@st.composite
def unbounded_problems(draw):
    n = draw(st.integers(2, 3))
    d = np.array(draw(_numbers(n)))
    if np.abs(d).max() < 0.2:
        d[0] = 1.0
    d = d / np.abs(d).max()
    x_feas = np.array(draw(_numbers(n)))
    curvature = draw(_numbers(n, -1.0, 1.0))
    weight = draw(st.sampled_from([0.1, 1.0, 2.0]))
    rows = _rows(draw, n)
    rows = np.array([-a if a @ d > 0 else a for a in rows]).reshape(-1, n)  # the ray stays inside
    slack = np.array(draw(_numbers(len(rows), 0.0, 2.0)))
    method = draw(st.sampled_from(["auto", "slsqp", "auglag", "ipm", "trust-constr"]))
    return d, x_feas, curvature, weight, rows, rows @ x_feas + slack, method


def _check_unbounded(case):
    d, x_feas, curvature, weight, rows, b, method = case
    n = len(d)
    v = X[:n]
    along = sum(float(di) * vi for di, vi in zip(d, v))
    f = sum(float(c) * vi**2 for c, vi in zip(curvature, v)) - weight * along**3
    constraints = {
        f"r{i}": sum(float(a) * vi for a, vi in zip(row, v)) <= float(bi)
        for i, (row, bi) in enumerate(zip(rows, b))
    }
    problem = lk.minimize(f, constraints)
    # the ray x_feas + t·d is feasible and f falls like −weight·t³ along it
    assert np.all(rows @ (x_feas + 1e6 * d) <= b + 1e-6)
    r = _solve(problem, method=method)
    assert r.status != "optimal", r.message


@FAST
@given(unbounded_problems())
def test_problems_unbounded_along_a_known_ray_are_never_optimal(case):
    _check_unbounded(case)


@pytest.mark.slow
@SLOW
@given(unbounded_problems())
def test_problems_unbounded_along_a_known_ray_many(case):
    _check_unbounded(case)
