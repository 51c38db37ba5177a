"""solve_symbolic decides unboundedness beyond polynomials, and claims a global optimum only
when boundedness is proven.

Every reference is a closed form derived by hand (in the comments), or holds by construction:
a sum of terms each bounded below with a known infimum is bounded below by their sum (and
attains it when each term attains its own), and adding a term that falls to −∞ along one
coordinate while the others stay fixed makes the sum unbounded; mpmath checks the construction.
"""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.errors import SymbolicSolveError
from lagrangekit.numeric_form import NumericForm
from lagrangekit.result import STATUSES
from lagrangekit.solvers.rays import feasible_ray

x, y, z = sp.symbols("x y z", real=True)


def test_exp_minus_three_x_squared_is_unbounded_not_a_local_minimum():
    # e^x − 3x² → −∞ as x → −∞ (e^x → 0); its KKT points (e^x = 6x) are a local max and a local min
    r = lk.solve_symbolic(lk.minimize(sp.exp(x) - 3 * x**2))
    assert r.status == "unbounded" and not r.success and r.scope is None
    assert "t·(-1), t → ∞" in r.message and "limit" in r.message


def test_exact_ray_along_a_direction_where_the_leading_forms_vanish():
    # min −x − y s.t. (x − y)² = 0: on x = y, f = −2x → −∞ along (1, 1), where the equality's
    # leading form (x − y)² is 0 (directions are screened by leading forms, this one must stay);
    # along (1, 0) the leading form is 1 and no ray exists; the KKT system has no solution
    r = lk.solve_symbolic(lk.minimize(-x - y, {"double": sp.Eq(x**2 - 2 * x * y + y**2, 0)}))
    assert r.status == "unbounded" and "t·(1, 1), t → ∞" in r.message


def test_bounded_non_polynomial_objectives_keep_their_optima():
    # x⁴ − x²: minima at ±1/√2 with f = −1/4
    r = lk.solve_symbolic(lk.minimize(x**4 - x**2))
    assert r.status == "optimal" and r.exact_fun == sp.Rational(-1, 4)
    assert abs(r.x[0]) == pytest.approx(1 / np.sqrt(2), rel=1e-12)
    # e^x + e^−x >= 2 with equality at 0 (convex: global)
    r = lk.solve_symbolic(lk.minimize(sp.exp(x) + sp.exp(-x)))
    assert r.status == "optimal" and r.exact_fun == 2 and r.scope == "global"
    # x e^−x >= 0 on x >= 0, 0 at x = 0 (and → 0 as x → ∞, never below)
    r = lk.solve_symbolic(lk.minimize(x * sp.exp(-x), {"pos": x >= 0}))
    assert r.status == "optimal" and r.exact_fun == 0
    # log x − x on x > 0 is bounded above by −1, at x = 1
    r = lk.solve_symbolic(lk.maximize(sp.log(x) - x, {"pos": x >= 0}))
    assert r.status == "optimal" and r.exact_fun == -1 and r.exact[x] == 1


def test_objectives_unbounded_at_a_boundary_or_a_pole():
    # log x → −∞ as x → 0⁺ on x >= 0: no KKT point, but no minimum either
    r = lk.solve_symbolic(lk.minimize(sp.log(x), {"pos": x >= 0}))
    assert r.status == "unbounded" and "t → 0⁺" in r.message
    # 1/x on [−1, 1]: the KKT point x = 1 (f = 1) is only local; 1/x → −∞ as x → 0⁻
    r = lk.solve_symbolic(lk.minimize(1 / x, {}, bounds={x: (-1, 1)}))
    assert r.status == "unbounded" and "(0) + t·(-1), t → 0⁺" in r.message


def test_unbounded_found_where_sympy_cannot_solve_the_kkt_system():
    # cos x − x² → −∞ as |x| → ∞; sympy cannot solve −sin x − 2x = 0 (it raised before)
    r = lk.solve_symbolic(lk.minimize(sp.cos(x) - x**2))
    assert r.status == "unbounded"


def test_a_numeric_ray_that_sympy_refutes_is_not_unbounded():
    # −x²/(1 + 1e-13 x²) > −1e13 for every x: it levels off only past x ≈ 3e6, beyond the numeric
    # probe's reach, so the probe sees a ray; sympy's limit (−1e13) refutes it
    f = -(x**2) / (1 + sp.Rational(1, 10**13) * x**2)
    problem = lk.minimize(f)
    assert feasible_ray(NumericForm(problem), np.zeros(1), thorough=True) is not None
    r = lk.solve_symbolic(problem)
    assert r.status != "unbounded"  # x = 0 is its only KKT point, a maximum: no_kkt_point


def test_scope_on_a_box_needs_the_objective_bounded_there():
    # 1/(x + 2) is decreasing on [−1, 1]: minimum 1/3 at x = 1, proven global (no pole on the box)
    r = lk.solve_symbolic(lk.minimize(1 / (x + 2), {}, bounds={x: (-1, 1)}))
    assert r.status == "optimal" and r.exact_fun == sp.Rational(1, 3) and r.scope == "global"


# ------------------------------------------------------------ battery: bounded vs unbounded by construction
# (term, its infimum, attained): each term is bounded below by a closed form
_BOUNDED = [
    (lambda v: (v - 1) ** 2, sp.Integer(0)),  # 0 at v = 1
    (lambda v: v**4 - v**2, sp.Rational(-1, 4)),  # −1/4 at ±1/√2
    (lambda v: sp.exp(v) + sp.exp(-v), sp.Integer(2)),  # 2 at 0
    (lambda v: sp.exp(v) - v, sp.Integer(1)),  # 1 at 0
    (lambda v: sp.log(1 + v**2), sp.Integer(0)),  # 0 at 0
    (lambda v: v * sp.exp(v), -sp.exp(-1)),  # −1/e at −1
]
# (term, s): the term → −∞ as v → s·∞
_FALLING = [
    (lambda v: -v, 1),
    (lambda v: v**3, -1),
    (lambda v: -sp.exp(v), 1),
    (lambda v: v - sp.exp(v), -1),  # and as v → +∞
    (lambda v: -sp.log(1 + v**2), 1),  # slowly: like −2 log v
    (lambda v: sp.exp(v) - 3 * v**2, -1),
]


def _falls_along_axis(f: sp.Expr, v: sp.Symbol, s: int, variables) -> bool:
    """mpmath: f at v = s·10^k (k = 1..4), the other variables at 0, strictly decreasing."""
    g = sp.lambdify(variables, f, modules="mpmath")
    with mpmath.workdps(40):
        values = [g(*[s * mpmath.mpf(10) ** k if u == v else 0 for u in variables]) for k in range(1, 5)]
    return all(b < a for a, b in zip(values, values[1:]))


@st.composite
def _constructed(draw):
    n = draw(st.integers(1, 3))
    variables = (x, y, z)[:n]
    terms = [draw(st.sampled_from(_BOUNDED)) for _ in variables]
    f = sum((term(v) for (term, _), v in zip(terms, variables)), sp.Integer(0))
    infimum = sum((inf for _, inf in terms), sp.Integer(0))
    if not draw(st.booleans()):
        return lk.minimize(f), variables, infimum, None
    k = draw(st.integers(0, n - 1))
    falling, s = draw(st.sampled_from(_FALLING))
    v = variables[k]
    f = f - terms[k][0](v) + falling(v)
    constraints = {"keep": s * v >= -3} if draw(st.booleans()) else {}  # the ray stays feasible
    return lk.minimize(f, constraints), variables, None, (v, s)


def _check(case):
    problem, variables, infimum, falling = case
    if falling is not None:
        v, s = falling
        assert _falls_along_axis(problem.objective, v, s, variables)  # the construction holds
        r = lk.solve_symbolic(problem, timeout=120)
        assert r.status == "unbounded", (problem.objective, r.message)
        return
    try:
        r = lk.solve_symbolic(problem, timeout=120)
    except SymbolicSolveError:
        return  # sympy could not solve: no claim is made
    assert r.status != "unbounded", (problem.objective, r.message)
    if r.status == "optimal":  # every term attains its infimum: the best KKT point attains the sum
        assert float(r.fun) == pytest.approx(float(infimum), abs=1e-9), problem.objective


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_constructed())
def test_battery_bounded_versus_unbounded_by_construction(case):
    _check(case)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_constructed())
def test_battery_bounded_versus_unbounded_by_construction_slow(case):
    _check(case)


# ------------------------------------------------------------ battery: undefined domains, poles, overflow
_ATOMS = [
    sp.log,
    sp.sqrt,
    lambda v: 1 / v,
    lambda v: v**2,
    lambda v: -v,
    sp.exp,
    lambda v: sp.exp(-v),
    lambda v: v**3,
    sp.sin,
    sp.atan,
    lambda v: sp.exp(sp.exp(v)),  # overflows past v ≈ 6.5
]
_RAY = re.compile(r"\((?P<base>.*)\) \+ t·\((?P<d>[^)]*)\), t → (?P<limit>∞|0⁺)")


def _numbers(text: str) -> list[float] | None:
    """The entries of a message's vector: exact values print as 'expr (≈ 1.23)', others as numbers."""
    out = []
    for token in re.split(r",\s*(?![^()]*\))", text):
        value = token.rsplit("≈", 1)[-1].rstrip(") ") if "≈" in token else token
        try:
            out.append(float(sp.Rational(value.strip())) if "/" in value else float(value))
        except (TypeError, ValueError):
            return None
    return out


@st.composite
def _hostile(draw):
    variables = (x, y)[: draw(st.integers(1, 2))]
    terms = draw(
        st.lists(
            st.tuples(st.sampled_from(_ATOMS), st.sampled_from(variables), st.sampled_from([1, -1, 2])),
            min_size=1,
            max_size=3,
        )
    )
    f = sum((c * atom(v) for atom, v, c in terms), sp.Integer(0))
    constraints = {}
    if draw(st.booleans()):
        constraints["pos"] = variables[0] >= draw(st.sampled_from([0, -1, 1]))
    if draw(st.booleans()):
        constraints["top"] = variables[-1] <= 2
    return lk.minimize(f, constraints) if draw(st.booleans()) else lk.maximize(f, constraints)


def _check_hostile(problem):
    try:
        r = lk.solve_symbolic(problem, timeout=60)
    except SymbolicSolveError:
        return  # sympy could not solve, or the time limit: no claim
    assert r.status in STATUSES
    if r.status != "unbounded":
        return
    match = _RAY.search(r.message)
    assert match, r.message
    base, d = _numbers(match["base"]), _numbers(match["d"])
    if base is None or d is None or len(base) != problem.n:
        return
    # independent check with mpmath, at distances the probe never used: f improves toward the limit
    f = sp.lambdify(problem.variables, problem.minimize_objective, modules="mpmath")
    ts = (
        (mpmath.mpf(10) ** 3, mpmath.mpf(10) ** 6)
        if match["limit"] == "∞"
        else (mpmath.mpf(10) ** -3, mpmath.mpf(10) ** -6)
    )
    with mpmath.workdps(50):
        near, far = (f(*[b + t * c for b, c in zip(base, d)]) for t in ts)
    assert mpmath.im(near) == 0 and mpmath.im(far) == 0, (problem, r.message)
    assert far < near, (problem, r.message, near, far)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hostile())
def test_hostile_battery_claims_of_unboundedness_hold_under_mpmath(problem):
    _check_hostile(problem)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hostile())
def test_hostile_battery_claims_of_unboundedness_hold_under_mpmath_slow(problem):
    _check_hostile(problem)
