"""run_slsqp against scipy.optimize.minimize(method="SLSQP"): the same iterates, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy
from _hs import HS_PATH, hs_case
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from lagrangekit.solvers import slsqp_core
from lagrangekit.solvers.slsqp_core import run_slsqp


def _rosenbrock(z):
    return float(100.0 * (z[1] - z[0] ** 2) ** 2 + (1.0 - z[0]) ** 2)


def _rosenbrock_grad(z):
    return np.array([-400.0 * z[0] * (z[1] - z[0] ** 2) - 2.0 * (1.0 - z[0]), 200.0 * (z[1] - z[0] ** 2)])


def _disk(z):  # x² + y² − 1.5 <= 0
    return np.array([z[0] ** 2 + z[1] ** 2 - 1.5])


def _disk_jac(z):
    return np.array([[2.0 * z[0], 2.0 * z[1]]])


def _line(z):  # x + y − 1 = 0
    return np.array([z[0] + z[1] - 1.0])


def _line_jac(z):
    return np.array([[1.0, 1.0]])


INF = np.inf
# (name, x0, lower, upper, eq, ineq, maxiter)
CASES = [
    ("free", [-1.2, 1.0], [-INF, -INF], [INF, INF], None, None, 100),
    ("bounded", [-1.2, 1.0], [-2.0, -INF], [0.5, INF], None, None, 100),
    ("disk", [-1.2, 1.0], [-INF, -INF], [INF, INF], None, (_disk, _disk_jac, 1), 100),
    ("line and disk", [0.0, 0.0], [-INF, 0.1], [INF, INF], (_line, _line_jac, 1), (_disk, _disk_jac, 1), 100),
    ("iteration limit", [-1.2, 1.0], [-INF, -INF], [INF, INF], None, (_disk, _disk_jac, 1), 3),
    ("start outside the bounds", [3.0, -3.0], [-1.0, -1.0], [1.0, 1.0], None, None, 100),
]


def _scipy(fun, grad, x0, lower, upper, eq, ineq, maxiter, ftol):
    """scipy's own SLSQP, which takes −ineq(x) >= 0."""
    constraints = [{"type": "eq", "fun": eq[0], "jac": eq[1]}] if eq else []
    if ineq:
        constraints.append({"type": "ineq", "fun": lambda z: -ineq[0](z), "jac": lambda z: -ineq[1](z)})
    bounds = [
        (lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None) for lo, hi in zip(lower, upper)
    ]
    finite = np.isfinite(lower).any() or np.isfinite(upper).any()
    return minimize(
        fun,
        np.array(x0, float),
        jac=grad,
        method="SLSQP",
        bounds=bounds if finite else None,
        constraints=constraints,
        options={"maxiter": maxiter, "ftol": ftol},
    )


def _assert_same(run, ref, m):
    assert np.array_equal(run.x, ref.x)
    assert run.fun == ref.fun
    assert run.nit == ref.nit
    assert run.status == ref.status
    assert run.success == ref.success
    assert run.message == ref.message
    if hasattr(ref, "multipliers"):
        assert np.array_equal(run.multipliers, ref.multipliers[:m])


@pytest.mark.parametrize("driven", [True, False], ids=["driven", "through minimize"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_run_slsqp_takes_scipys_steps(case, driven, monkeypatch):
    if not driven:
        monkeypatch.setattr(slsqp_core, "_CORE", None)
    _, x0, lower, upper, eq, ineq, maxiter = case
    lower, upper = np.array(lower), np.array(upper)
    ftol = 1e-10
    run = run_slsqp(
        _rosenbrock, _rosenbrock_grad, np.array(x0, float), lower=lower, upper=upper, eq=eq, ineq=ineq,
        maxiter=maxiter, ftol=ftol,
    )  # fmt: skip
    ref = _scipy(_rosenbrock, _rosenbrock_grad, x0, lower, upper, eq, ineq, maxiter, ftol)
    _assert_same(run, ref, sum(c[2] for c in (eq, ineq) if c))


@pytest.mark.skipif(not HS_PATH.exists(), reason="Hock–Schittkowski data file not present")
@pytest.mark.parametrize("name", ["HS13", "HS61", "HS71", "HS100", "HS106", "HS117"])
def test_run_slsqp_takes_scipys_steps_on_hock_schittkowski(name):
    # HS61 stops at x0 (singular LSQ subproblem), HS13 at a cusp, HS100 at the iteration limit
    import json

    entry = next(p for p in json.loads(HS_PATH.read_text())["problems"] if p["name"] == name)
    cp = hs_case(name).problem.compile()
    x0 = np.array(entry["x0"], float)
    eq = (cp.eq, cp.eq_jac, len(cp.eq_names)) if cp.eq_names else None
    ineq = (cp.ineq, cp.ineq_jac, len(cp.ineq_names)) if cp.ineq_names else None
    for maxiter, ftol in ((100, 1e-6), (30, 1e-12)):
        run = run_slsqp(
            cp.fun, cp.grad, x0, lower=cp.lower, upper=cp.upper, eq=eq, ineq=ineq, maxiter=maxiter, ftol=ftol
        )
        ref = _scipy(cp.fun, cp.grad, x0, cp.lower, cp.upper, eq, ineq, maxiter, ftol)
        _assert_same(run, ref, len(cp.eq_names) + len(cp.ineq_names))


def test_only_the_scipy_releases_whose_loop_is_followed_are_driven(monkeypatch):
    monkeypatch.setattr(scipy, "__version__", "1.99.0")
    assert slsqp_core._core() is None
    monkeypatch.setattr(scipy, "__version__", "1.10.1")
    assert slsqp_core._core() is None
    core = pytest.importorskip("scipy.optimize._slsqplib").slsqp
    monkeypatch.setattr(scipy, "__version__", "1.17.1")
    assert slsqp_core._core() is core


def test_an_objective_returning_a_one_element_array_is_read_as_its_element():
    # scipy reads f's one-element array as its element: run_slsqp does the same
    lower, upper = np.full(2, -INF), np.full(2, INF)
    run = run_slsqp(
        lambda z: np.array([_rosenbrock(z)]), _rosenbrock_grad, np.array([-1.2, 1.0]), lower=lower,
        upper=upper, eq=None, ineq=(_disk, _disk_jac, 1), maxiter=100, ftol=1e-10,
    )  # fmt: skip
    disk = (_disk, _disk_jac, 1)
    ref = _scipy(_rosenbrock, _rosenbrock_grad, [-1.2, 1.0], lower, upper, None, disk, 100, 1e-10)
    _assert_same(run, ref, 1)


def _poisoned_run(x0, poison, radius, with_disk):
    """run_slsqp and scipy on Rosenbrock made NaN or ±inf (f and ∇f) outside ‖z‖∞ <= radius."""

    def fun(z):
        return poison if np.abs(z).max() > radius else _rosenbrock(z)

    def grad(z):
        return np.full(2, poison) if np.abs(z).max() > radius else _rosenbrock_grad(z)

    lower, upper = np.full(2, -INF), np.full(2, INF)
    ineq = (_disk, _disk_jac, 1) if with_disk else None
    with np.errstate(all="ignore"):
        run = run_slsqp(
            fun, grad, np.array(x0), lower=lower, upper=upper, eq=None, ineq=ineq, maxiter=50, ftol=1e-8
        )
        ref = _scipy(fun, grad, x0, lower, upper, None, ineq, 50, 1e-8)
    assert np.array_equal(run.x, ref.x, equal_nan=True)
    assert run.nit == ref.nit and run.status == ref.status and run.success == ref.success
    assert run.fun == ref.fun or (np.isnan(run.fun) and np.isnan(ref.fun))


_POISONED = dict(
    x0=st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=2),
    poison=st.sampled_from([np.nan, np.inf, -np.inf]),
    radius=st.floats(0.5, 5.0),
    with_disk=st.booleans(),
)


@settings(max_examples=15, deadline=None)
@given(**_POISONED)
def test_run_slsqp_meets_nan_and_inf_as_scipy_does(x0, poison, radius, with_disk):
    _poisoned_run(x0, poison, radius, with_disk)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(**_POISONED)
def test_run_slsqp_meets_nan_and_inf_as_scipy_does_slow(x0, poison, radius, with_disk):
    _poisoned_run(x0, poison, radius, with_disk)
