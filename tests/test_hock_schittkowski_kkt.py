"""check_kkt on the published Hock–Schittkowski optima (../shared/data/hock_schittkowski.json).

References: the published x*, f* and multipliers of the json file, and scipy's SLSQP to polish
the optima that were published rounded (the file's notes ask for that or for a looser tol).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, HSCase, hs_case, hs_names, unparsable
from scipy.optimize import minimize as scipy_minimize
from scipy.optimize import root

import lagrangekit as lk

pytestmark = pytest.mark.skipif(not HS_PATH.exists(), reason=f"{HS_PATH} is absent")

# sympy needs over 3 s to differentiate these objectives twice on this machine (compile())
SLOW_TO_COMPILE = {"HS25", "HS57", "HS70"}
NO_MULTIPLIERS = "HS13"


def _params(names: list[str]) -> list:
    skip = unparsable()
    out = []
    for name in names:
        marks = []
        if name in SLOW_TO_COMPILE:
            marks.append(pytest.mark.slow)
        if name in skip:
            marks.append(pytest.mark.skip(reason=f"the safe parser refuses {name}: {skip[name]}"))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


KKT_NAMES = _params([n for n in hs_names() if n != NO_MULTIPLIERS])


def listed_tol(case: HSCase) -> float:
    """10x the residuals the file lists for its own x* and multipliers, at least 1e-6."""
    return max(1e-6, 10 * max(case.listed["stationarity_scaled"], case.listed["primal_violation"]))


def is_rounded(case: HSCase) -> bool:
    """Published optimum rounded so far that the file's own stationarity residual exceeds 1e-6."""
    return case.listed["stationarity"] > 1e-6


def polish(case: HSCase) -> np.ndarray:
    """SLSQP from the published x*, to full precision."""
    cp = case.problem.compile()
    cons = []
    if cp.eq_names:
        cons.append({"type": "eq", "fun": cp.eq, "jac": cp.eq_jac})
    if cp.ineq_names:
        cons.append({"type": "ineq", "fun": lambda x: -cp.ineq(x), "jac": lambda x: -cp.ineq_jac(x)})
    bounds = [
        (lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None)
        for lo, hi in zip(cp.lower, cp.upper)
    ]
    res = scipy_minimize(
        cp.fun,
        case.x_star,
        jac=cp.grad,
        method="SLSQP",
        constraints=cons,
        bounds=bounds,
        options={"ftol": 1e-15, "maxiter": 500},
    )
    assert np.allclose(res.x, case.x_star, rtol=1e-4, atol=1e-4), f"{case.name}: polishing moved x*"
    assert abs(res.fun - case.f_star) <= 1e-4 * max(1.0, abs(case.f_star))  # f* is rounded too
    return _newton_on_active_set(cp, res.x)


def _newton_on_active_set(cp, x: np.ndarray) -> np.ndarray:
    """SLSQP stops on the change of f, at a stationarity of 1e-6 to 1e-7 that depends on the BLAS
    kernel (HS100); scipy's root finder on the KKT system of SLSQP's active set (∇f + Jᵀλ = 0,
    active constraints = 0; bounds are inactive at these optima) takes it to rounding level."""
    g = cp.ineq(x) if cp.ineq_names else np.zeros(0)
    active = np.flatnonzero(np.abs(g) <= 1e-6)
    n, m_eq = x.size, len(cp.eq_names)

    def rows(z):
        return np.vstack([cp.eq_jac(z).reshape(m_eq, n), cp.ineq_jac(z).reshape(-1, n)[active]])

    def kkt(v):
        z, lam = v[:n], v[n:]
        values = np.concatenate([cp.eq(z).reshape(-1), cp.ineq(z).reshape(-1)[active]])
        return np.concatenate([cp.grad(z) + rows(z).T @ lam, values])

    J = rows(x)
    lam0 = np.linalg.lstsq(J.T, -cp.grad(x), rcond=None)[0] if J.size else np.zeros(0)
    start = np.concatenate([x, lam0])
    sol = root(kkt, start, method="hybr", options={"xtol": 1e-13})
    better = np.abs(kkt(sol.x)).max() < np.abs(kkt(start)).max()
    if sol.success and better and np.allclose(sol.x[:n], x, rtol=1e-4, atol=1e-4):
        return sol.x[:n]
    return x


@pytest.mark.parametrize("name", KKT_NAMES)
def test_listed_optimum_is_a_kkt_point(name):
    case = hs_case(name)
    if is_rounded(case):
        report = lk.check_kkt(case.problem, polish(case), tol=1e-6, second_order=True)
    else:
        report = lk.check_kkt(case.problem, case.x_star, tol=listed_tol(case), second_order=True)
    assert report.first_order_ok, report.message
    # a local minimizer cannot fail the second-order necessary test (True or undecided)
    assert report.second_order is not False, report.message
    assert report.ok


@pytest.mark.parametrize("name", KKT_NAMES)
def test_listed_optimum_stationary_and_feasible_within_listed_residuals(name):
    case = hs_case(name)
    report = lk.check_kkt(case.problem, case.x_star, tol=listed_tol(case))
    assert report.residual("stationarity") <= listed_tol(case)
    assert report.primal_feasibility <= listed_tol(case)


@pytest.mark.parametrize("name", KKT_NAMES)
def test_estimated_multipliers_match_listed_where_unique(name):
    case = hs_case(name)
    report = lk.check_kkt(case.problem, case.x_star, tol=listed_tol(case))
    if not report.licq:
        pytest.skip(f"{name}: active gradients are dependent, so the multipliers are not unique")
    for key, listed in case.multipliers.items():
        assert report.multipliers[key] == pytest.approx(listed, rel=1e-4, abs=1e-8), key


def test_degenerate_problems_have_dependent_active_gradients():
    # HS30 (x1 >= 1 and x1² + x2² >= 1 touch at x*) and HS55 are the LICQ failures in the file;
    # verify independently that the active Jacobian is rank deficient there.
    for name in ("HS30", "HS55"):
        case = hs_case(name)
        report = lk.check_kkt(case.problem, case.x_star, tol=listed_tol(case))
        cons = {c.name: c for c in case.problem.constraints + case.problem.bound_constraints()}
        rows = [[sp.diff(cons[a].expr, v) for v in case.problem.variables] for a in report.active]
        rows += [[sp.diff(c.expr, v) for v in case.problem.variables] for c in case.problem.equalities]
        point = dict(zip(case.problem.variables, case.x_star))
        jac = np.array([[float(e.subs(point)) for e in row] for row in rows])
        assert np.linalg.matrix_rank(jac, tol=1e-8) < jac.shape[0]
        assert report.licq is False
        assert report.ok


def test_hs13_cusp_has_no_multipliers():
    case = hs_case(NO_MULTIPLIERS)
    report = lk.check_kkt(case.problem, case.x_star, second_order=True)
    assert not report.ok
    assert report.failed_conditions() == ("stationarity",)
    assert report.second_order is None  # no valid multipliers to test curvature with
    assert report.licq is False
    assert "LICQ fails" in report.message and "no multipliers" in report.message
    # ∇f = (-2(x1 - 2), 2 x2) = (2, 0) at (1, 0); the active gradients (0, 1) and (0, -1) cannot cancel it
    assert report.stationarity == pytest.approx(2.0)


def _active_constraint(case: HSCase, report: lk.KKTReport) -> lk.Constraint | None:
    cons = {c.name: c for c in case.problem.all_inequalities()}
    named = [cons[a] for a in report.active] + list(case.problem.equalities)
    return named[0] if named else None


def _central_gradient(fun, x: np.ndarray) -> np.ndarray:
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    return np.array([(fun(x + hi * e) - fun(x - hi * e)) / (2 * hi) for hi, e in zip(h, np.eye(len(x)))])


@pytest.mark.parametrize("name", KKT_NAMES)
def test_perturbed_optimum_fails_the_right_condition(name):
    case = hs_case(name)
    problem, x = case.problem, case.x_star
    tol = listed_tol(case)
    report = lk.check_kkt(problem, x, tol=tol)
    con = _active_constraint(case, report)
    variables = problem.variables
    if con is None:
        # no active constraint: move x1 by 0.1; only stationarity can fail, by ‖∇f(x')‖∞, which
        # is referenced by central differences of f
        x_new = x + 0.1 * np.eye(len(x))[0]
        g1 = _central_gradient(problem.compile().fun, x_new)
        assume = np.max(np.abs(g1)) > 100 * tol * max(1.0, np.max(np.abs(g1)))
        assert assume, f"{name}: the step does not change the gradient enough for a meaningful test"
        bad = lk.check_kkt(problem, x_new, tol=tol)
        assert bad.failed_conditions() == ("stationarity",)
        assert bad.stationarity == pytest.approx(np.max(np.abs(g1)), rel=1e-5)
        return
    # step outward along the gradient of an active constraint until it is violated by ~1e-3
    grad = np.array([float(sp.diff(con.expr, v).subs(dict(zip(variables, x)))) for v in variables])
    x_new = x + 1e-3 * grad / grad.dot(grad)
    bad = lk.check_kkt(problem, x_new, tol=tol)
    violation = float(con.expr.subs(dict(zip(variables, x_new))))
    assert "primal_feasibility" in bad.failed_conditions()
    assert bad.primal_feasibility >= abs(violation) * (1 - 1e-6)
    assert abs(violation) == pytest.approx(1e-3, rel=0.2)


def test_check_on_15_variable_problem_is_fast():
    case = hs_case("HS117")
    assert case.problem.n == 15
    case.problem.compile()
    times = []
    for _ in range(20):
        start = time.process_time()
        lk.check_kkt(case.problem, case.x_star, tol=listed_tol(case))
        times.append(time.process_time() - start)
    assert np.median(times) < 0.05
