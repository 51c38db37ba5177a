"""No wrong exact answer on the Hock–Schittkowski set: every exact optimum equals the published
f* (../shared/data; skipped when absent). A time limit or an unsolvable system is allowed,
a wrong value or a wrong status is not."""

from __future__ import annotations

import pytest
from _hs import HS_PATH, hs_case, load_hs

import lagrangekit as lk
from lagrangekit.kkt import second_order_exact

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not HS_PATH.exists(), reason=f"{HS_PATH} is absent")]

NO_MULTIPLIERS = {"HS13"}  # the published minimizer is a cusp: no KKT point exists there


@pytest.mark.parametrize("case", load_hs(), ids=lambda c: c.name)
def test_exact_answer_is_the_published_optimum_or_none(case):
    try:
        res = lk.solve_symbolic(case.problem, timeout=10)
    except lk.SymbolicSolveError as exc:
        assert "did not finish" in str(exc) or "cannot solve" in str(exc) or "sympy failed" in str(exc)
        return
    if case.name in NO_MULTIPLIERS:
        assert res.status == "no_kkt_point"
        return
    assert res.status == "optimal", res.message
    assert res.kkt.ok and res.exact is not None
    assert res.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-9)


# Solved exactly since the zero route and the faster second-order verdict (issue 17): pinned to the
# published optimum (point and objective), not merely allowed to time out. The limit is a hang
# guard on a shared machine; benchmarks/symbolic_figures.py measures them in CPU seconds.
PINNED = ["HS26", "HS40", "HS43", "HS46"]


@pytest.mark.parametrize("name", PINNED)
def test_newly_solved_problems_match_the_published_optimum(name):
    case = hs_case(name)
    res = lk.solve_symbolic(case.problem, timeout=120)
    assert res.status == "optimal" and res.kkt.ok and res.kkt.stationarity == 0
    assert res.fun == pytest.approx(case.f_star, rel=1e-6, abs=1e-9)
    best = [c for c in res.candidates if c.optimal]
    points = [[float(c.point[v]) for v in case.problem.variables] for c in best]
    assert any(p == pytest.approx(list(case.x_star), abs=1e-6) for p in points)


def test_check_kkt_second_order_at_the_exact_hs40_optimum():
    # check_kkt's exact second-order test takes the 50-digit verdict first; it must agree with the
    # fully symbolic test (second_order_exact, the slow reference) at HS40's CRootOf optimum
    case = hs_case("HS40")
    res = lk.solve_symbolic(case.problem, timeout=120)
    problem, best = case.problem, next(c for c in res.candidates if c.optimal)
    report = lk.check_kkt(problem, dict(best.point), dict(best.multipliers), second_order=True)
    values = [best.point[v] for v in problem.variables]
    lam = [best.multipliers[c.name] for c in problem.equalities]
    assert report.second_order is True
    assert second_order_exact(problem, values, lam, [], [], by_margin=False) is True
