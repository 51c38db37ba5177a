"""Long objectives: derivatives term by term agree with sympy's, and check_kkt stays fast."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit._sympy_derivatives import partial_derivatives

x, y, z = sp.symbols("x y z", real=True)
w = sp.Symbol("w", positive=True)

EXPRESSIONS = [
    (x - 3) ** 2 + (y + 1) ** 2,
    x**3 * y - sp.Rational(1, 2) * y**2 * z + 7,
    sp.sqrt(w) + w ** sp.Rational(-3, 2) * x,
    sp.exp(x * y) * sp.sin(z) + sp.log(w) * x**2,
    x**y + y ** (2 * x) + w**2.5,
    (x * y * z + 1) ** 3 - 2 * (x + y) ** -2,
    sp.atan(x / (1 + y**2)) * sp.cosh(z),
    sp.Integer(5),
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_partial_derivatives_equal_sympys_diff(expr):
    variables = [x, y, z, w]
    ours = partial_derivatives(expr, variables)
    for d, v in zip(ours, variables):
        assert sp.simplify(d - sp.diff(expr, v)) == 0


def test_check_kkt_of_a_2000_term_objective_is_fast_and_exact():
    # f = Σ_{i<2000} (x_{i mod 4} − i)²; closed form: x_k is the mean of the i with i ≡ k, 998 + k
    xs = sp.symbols("x0:4", real=True)
    problem = lk.minimize(sp.Add(*[(xs[i % 4] - i) ** 2 for i in range(2000)]))
    start = time.process_time()
    numeric = lk.check_kkt(problem, [998.0 + k for k in range(4)])
    exact = lk.check_kkt(problem, [998 + k for k in range(4)])
    off = lk.check_kkt(problem, [999.0, 999.0, 1000.0, 1001.0])
    assert time.process_time() - start < 10.0  # a hang guard: ~1 s here, 15 s before
    assert numeric.ok and numeric.stationarity == 0.0
    assert exact.ok and exact.stationarity == 0
    # ∂f/∂x0 = 2·500·(x0 − 998) = 1000 at x0 = 999, the largest gradient entry
    assert not off.ok and off.stationarity == pytest.approx(1000.0, rel=1e-12)


@pytest.mark.slow
def test_check_kkt_of_2000_variables_is_fast():
    ys = sp.symbols("y0:2000", real=True)
    problem = lk.minimize(sp.Add(*[(ys[i] - i) ** 2 for i in range(2000)]), {"cap": ys[0] + ys[1] <= 0})
    start = time.process_time()
    # the minimizer moves y0, y1 onto y0 + y1 = 0 from (0, 1): y = (-1/2, 1/2), μ = 1
    point = np.arange(2000.0)
    point[:2] = (-0.5, 0.5)
    report = lk.check_kkt(problem, point)
    assert time.process_time() - start < 10.0
    assert report.ok and report.multipliers["cap"] == pytest.approx(1.0, rel=1e-12)


def test_a_wide_max_is_refused_as_not_smooth_quickly():
    # 20 × Max of 60 names (a fuzz case): sympy's common-subexpression search on a Max of 60
    # arguments took 6 s per compile, and solve compiled it three times before its NotSmoothError
    names = ", ".join(f"v{j}" for j in range(60))
    problem = lk.parse_problem("minimize " + " + ".join(f"Max({names})" for _ in range(20)))
    started = time.process_time()
    with pytest.raises(lk.NotSmoothError, match="Max"):
        lk.solve(problem)
    assert time.process_time() - started < 10  # a hang guard
