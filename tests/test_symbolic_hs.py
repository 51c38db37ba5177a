"""No wrong exact answer on the Hock–Schittkowski set: every exact optimum equals the published
f* (../shared/data; skipped when absent). A time limit or an unsolvable system is allowed,
a wrong value or a wrong status is not."""

from __future__ import annotations

import pytest
from _hs import HS_PATH, load_hs

import lagrangekit as lk

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
