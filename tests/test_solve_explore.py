"""The exploration of lk.solve(method="auto"): sampled better starts and the saddle escape."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit.numeric_form import Multipliers, NumericForm
from lagrangekit.solvers.explore import better_starts, saddle_escape

x, y, z = sp.symbols("x y z", real=True)


def test_better_starts_are_feasible_lower_and_sorted():
    # (x² − 1)² + x/2 on [-2, 2]: the local minimum near x = 0.93 is worse than the one near -1.06
    f = (x**2 - 1) ** 2 + x / 2
    form = NumericForm(lk.minimize(f, bounds={x: (-2, 2)}))
    local = float(sp.nsolve(sp.diff(f, x), x, 0.9))
    starts, sampled_f = better_starts(form, np.array([local]), np.array([1.0]), float(f.subs(x, local)), 1e-8)
    values = [float(f.subs(x, s[0])) for s in starts]
    np.testing.assert_allclose(sampled_f, values, rtol=1e-12)
    assert len(starts) > 10
    assert all(-2 <= s[0] <= 2 for s in starts)
    assert all(v < float(f.subs(x, local)) for v in values)
    assert values == sorted(values)
    assert all(s[0] < 0 for s in starts)  # the better basin is the left one
    again, _ = better_starts(form, np.array([local]), np.array([1.0]), float(f.subs(x, local)), 1e-8)
    np.testing.assert_array_equal(starts, again)  # the same samples every call


def test_better_starts_respect_affine_equalities_and_skip_nonlinear_ones():
    affine = NumericForm(lk.minimize(-(x**2) - y**2, {"line": sp.Eq(x + 2 * y, 1)}))
    starts, _ = better_starts(affine, np.zeros(2) + [1, 0], np.zeros(2), -1.0, 1e-8)
    assert len(starts) and np.abs(starts @ [1, 2] - 1).max() <= 1e-12
    curved = NumericForm(lk.minimize(-x - y, {"circle": sp.Eq(x**2 + y**2, 1)}))
    assert better_starts(curved, np.array([1.0, 0.0]), np.array([1.0, 0.0]), np.inf, 1e-8)[0].shape == (0, 2)


def test_saddle_escape_leaves_a_degenerate_saddle_and_not_a_minimizer():
    # min z − y² on the box [0, 1]²: at (0, 0) y sits on its bound with multiplier 0 (∂f/∂y = 0)
    # and f falls like −y² into the box, so (0, 0) is a KKT point but not a minimizer
    form = NumericForm(lk.minimize(z - y**2, bounds={y: (0, 1), z: (0, 1)}))
    names = form.ineq_names
    saddle = form.from_dict({"lower:z": 1.0})
    escape = saddle_escape(form, np.zeros(2), saddle)
    assert escape is not None and escape[0] > 0 and escape[1] == 0
    assert names == ("lower:y", "upper:y", "lower:z", "upper:z")
    # at the minimizer (1, 0) both active bounds have positive multipliers: nothing to escape
    minimum = form.from_dict({"upper:y": 2.0, "lower:z": 1.0})
    assert saddle_escape(form, np.array([1.0, 0.0]), minimum) is None
    # and lk.solve started on the saddle's symmetry line ends at the minimizer
    r = lk.solve(form.problem, x0=[0.0, 0.5])
    assert r.success and r.x == pytest.approx([1.0, 0.0], abs=1e-8)
    assert isinstance(saddle, Multipliers)


@pytest.mark.filterwarnings("ignore::lagrangekit.ConvergenceWarning")  # SLSQP's own precision
def test_explicit_methods_do_not_explore():
    f = (x**2 - 1) ** 2 + x / 2
    problem = lk.minimize(f, bounds={x: (-2, 2)})
    local = float(sp.nsolve(sp.diff(f, x), x, 0.9))
    assert lk.solve(problem, x0=[1.0], method="slsqp").x[0] == pytest.approx(local, abs=1e-4)
    best = float(sp.nsolve(sp.diff(f, x), x, -1.0))
    assert lk.solve(problem, x0=[1.0]).x[0] == pytest.approx(best, abs=1e-8)


def test_exploration_reports_the_first_answer_in_the_users_sense_for_maximize():
    # maximize −((x² − 1)² + x/2): the double well above read as a maximize problem
    f = (x**2 - 1) ** 2 + x / 2
    local = float(sp.nsolve(sp.diff(f, x), x, 0.9))
    r = lk.solve(lk.maximize(-f, bounds={x: (-2, 2)}), x0=[1.0])
    assert r.success and r.x[0] == pytest.approx(float(sp.nsolve(sp.diff(f, x), x, -1.0)), abs=1e-8)
    assert f"f = {float(-f.subs(x, local)):.10g}" in r.message
