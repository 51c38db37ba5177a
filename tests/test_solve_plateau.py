""""auto" when SLSQP does not move from x0: exploring first, the interior-point fallback only
when exploring finds no lower point."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from _hs import HS_PATH, hs_case

import lagrangekit as lk

x, y = sp.symbols("x y", real=True)


@pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")
def test_hs25_leaves_its_flat_start_by_exploring_and_reaches_the_published_optimum():
    case = hs_case("HS25")
    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == "HS25")
    r = lk.solve(case.problem, x0=entry["x0"])  # ∇f is 2e-8 at x0: SLSQP stops there
    assert r.success and r.kkt.ok
    assert abs(r.fun - entry["f_star"]) <= 1e-8
    np.testing.assert_allclose(r.x, case.x_star, rtol=1e-6)
    assert "found by exploring" in r.message


def test_a_flat_minimizer_at_x0_that_exploring_cannot_beat_is_still_certified():
    # x⁴ + y⁴ at its minimizer (0, 0): ∇²f = 0, so not shown strict; nothing samples lower
    r = lk.solve(lk.minimize(x**4 + y**4, {"box": x + y <= 1}), x0=[0.0, 0.0])
    assert r.success
    assert r.fun == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(r.x, [0.0, 0.0], atol=1e-3)
