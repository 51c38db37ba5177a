"""lk.solve(method="auto") on a fixed subset of 15 Hock–Schittkowski problems, from their x0."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _hs import HS_PATH, hs_case

import lagrangekit as lk

SUBSET = [
    "HS6", "HS7", "HS10", "HS14", "HS21", "HS28", "HS35", "HS43",
    "HS48", "HS51", "HS53", "HS65", "HS71", "HS100", "HS113",
]  # fmt: skip

pytestmark = pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")


def _x0(name: str) -> np.ndarray:
    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == name)
    return np.array(entry["x0"], dtype=float)


def _unique_multipliers(case) -> bool:
    """LICQ at the listed x*: then the listed multipliers are the only ones."""
    cp = case.problem.compile()
    x = case.x_star
    rows = [cp.eq_jac(x), cp.ineq_jac(x)[np.abs(cp.ineq(x)) <= 1e-6]]
    for i, (lo, hi) in enumerate(case.problem.bounds):
        for b in (lo, hi):
            if b is not None and abs(x[i] - b) <= 1e-6:
                rows.append(np.eye(case.problem.n)[i : i + 1])
    J = np.vstack([r.reshape(-1, case.problem.n) for r in rows])
    return J.shape[0] == 0 or np.linalg.matrix_rank(J, tol=1e-8) == J.shape[0]


@pytest.mark.parametrize("name", SUBSET)
def test_auto_reaches_the_published_optimum_with_its_multipliers(name):
    case = hs_case(name)
    r = lk.solve(case.problem, x0=_x0(name))
    assert r.success, r.message
    assert r.method.startswith("auto:")
    assert r.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-8)
    expected = {c.name for c in case.problem.constraints} | {c.name for c in case.problem.bound_constraints()}
    assert set(r.multipliers) == expected
    if _unique_multipliers(case) and np.abs(r.x - case.x_star).max() <= 1e-3 * max(
        1, np.abs(case.x_star).max()
    ):
        scale = max([1.0, *(abs(v) for v in case.multipliers.values())])
        for key, value in case.multipliers.items():
            assert r.multipliers[key] == pytest.approx(value, abs=1e-4 * scale), key


@pytest.mark.filterwarnings("ignore::lagrangekit.ConvergenceWarning")  # the plain local run
@pytest.mark.parametrize("name", ["HS2", "HS16", "HS20", "HS55"])
def test_auto_explores_past_the_local_minimum_its_x0_leads_to(name):
    # from the published x0 a local method ends at a worse KKT point; the sampled exploration
    # of "auto" finds f*
    case = hs_case(name)
    local = lk.solve(case.problem, x0=_x0(name), method="slsqp", tol=1e-6)
    assert local.fun > case.f_star + 1e-3 * max(1.0, abs(case.f_star))
    r = lk.solve(case.problem, x0=_x0(name))
    assert r.success, r.message
    assert r.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-8)
    assert "exploring past the answer from x0" in r.message


def test_hs33_slsqp_does_not_stop_at_the_saddle_its_x0_leads_to():
    # from x0 = (0, 0, 3) SLSQP comes to rest at the saddle (0, 0, 4) with f = -4, where the
    # second-order necessary condition fails; the explicit method is restarted past it and
    # reaches the published optimum, and no result at the saddle is called optimal
    case = hs_case("HS33")
    r = lk.solve(case.problem, x0=_x0("HS33"), method="slsqp", tol=1e-6)
    assert r.success and r.kkt.second_order is not False
    assert r.fun == pytest.approx(case.f_star, rel=1e-6)


def test_hs13_is_reported_as_having_no_kkt_point():
    case = hs_case("HS13")
    r = lk.solve(case.problem, x0=_x0("HS13"))
    assert r.status == "no_kkt_point" and not r.success
    assert r.fun == pytest.approx(case.f_star, rel=1e-6)
    np.testing.assert_allclose(r.x, case.x_star, atol=1e-6)


@pytest.mark.parametrize("name", ["HS25", "HS49", "HS57"])
def test_auto_reaches_the_published_optimum_past_a_plateau(name):
    # from x0, SLSQP at scipy's precision stops early on these (HS57's plateau in x2, HS49's
    # degenerate minimizer, HS25 does not move at all); auto still ends certified at f*
    case = hs_case(name)
    r = lk.solve(case.problem, x0=_x0(name))
    assert r.success, r.message
    assert r.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-8)


def test_hs61_slsqp_starts_again_next_to_its_singular_x0():
    # at x0 = 0 the equality Jacobian of HS61 has rank 1 and SLSQP stops there ("Singular
    # matrix C in LSQ subproblem"); auto runs SLSQP again from a step of 1e-2 down the
    # objective and keeps that answer because it is certified: the published x*, f* and multipliers
    case = hs_case("HS61")
    r = lk.solve(case.problem, x0=_x0("HS61"))
    assert r.success and r.status == "optimal", r.message
    assert r.method == "auto:slsqp+newton"
    assert r.fun == pytest.approx(case.f_star, rel=1e-6)
    np.testing.assert_allclose(r.x, case.x_star, atol=1e-4 * np.abs(case.x_star).max())
    scale = max(1.0, *(abs(v) for v in case.multipliers.values()))
    for key, value in case.multipliers.items():
        assert r.multipliers[key] == pytest.approx(value, abs=1e-4 * scale), key
