"""The structured compile (coefficients of rows of degree <= 2, sparse-by-variable differentiation
of the rest) against the element-wise sympy route: ``sp.diff`` of every entry, lambdified by
sympy itself. Random polynomial problems (hypothesis), the Hock–Schittkowski set, sums of 40,000
terms, and the scalar-sympy portfolio of issue 16 against cvxpy."""

from __future__ import annotations

import time

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from _hs import hs_case, hs_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.quadratic_structure import quadratic_coefficients

X, Y, Z = sp.symbols("x y z", real=True)
VARIABLES = (X, Y, Z)


def _elementwise(variables, exprs):
    """Values, Jacobian and Hessians of ``exprs`` by sp.diff per entry, lambdified by sympy."""
    n, m = len(variables), len(exprs)
    values = sp.lambdify([variables], list(exprs) or [0])
    jac = sp.lambdify([variables], [sp.diff(e, v) for e in exprs for v in variables] or [0])
    second = [sp.diff(e, a, b) for e in exprs for a in variables for b in variables]
    hess = sp.lambdify([variables], second or [0])

    def evaluate(x):
        x = list(map(float, x))
        return (
            np.array(values(x), dtype=float)[:m],
            np.array(jac(x), dtype=float)[: m * n].reshape(m, n),
            np.array(hess(x), dtype=float)[: m * n * n].reshape(m, n, n),
        )

    return evaluate


def _close(ours, reference, what):
    ours, reference = np.asarray(ours, dtype=float), np.asarray(reference, dtype=float)
    assert ours.shape == reference.shape, what
    scale = 1.0 + np.abs(reference).max(initial=0.0)
    np.testing.assert_allclose(ours, reference, rtol=1e-10, atol=1e-11 * scale, err_msg=what)


def assert_compiles_like_sympy(problem: lk.Problem, points: np.ndarray) -> None:
    """Every compiled callable of ``problem`` equals the element-wise sympy route at ``points``."""
    v = problem.variables
    compiled = problem.compile()
    objective = _elementwise(v, [problem.minimize_objective])
    eqs = _elementwise(v, [c.expr for c in problem.equalities])
    ineqs = _elementwise(v, [c.expr for c in problem.inequalities])
    for x in points:
        f, g, H = objective(x)
        _close(compiled.fun(x), f[0], "fun")
        _close(compiled.grad(x), g[0], "grad")
        _close(compiled.hess(x), H[0], "hess")
        for (values, jac, hess), ref in (
            ((compiled.eq, compiled.eq_jac, compiled.eq_hess), eqs(x)),
            ((compiled.ineq, compiled.ineq_jac, compiled.ineq_hess), ineqs(x)),
        ):
            _close(values(x), ref[0], "constraint values")
            _close(jac(x), ref[1], "constraint Jacobian")
            _close(hess(x), ref[2], "constraint Hessians")
    many = compiled.evaluate_many(points)
    _close(many[0], [objective(x)[0][0] for x in points], "evaluate_many f")
    _close(many[1], np.array([eqs(x)[0] for x in points]).reshape(len(points), -1), "evaluate_many h")
    _close(many[2], np.array([ineqs(x)[0] for x in points]).reshape(len(points), -1), "evaluate_many g")


# ------------------------------------------------------------------ random polynomial problems
COEFFICIENTS = st.sampled_from(
    [sp.Integer(0), sp.Integer(1), sp.Integer(-3), sp.Rational(2, 7), sp.Float(0.37), sp.sqrt(2), sp.pi,
     sp.exp(1), sp.Float(-1e6), sp.Float(1e-9), sp.log(3)]
)
VARIABLE = st.sampled_from(VARIABLES)


@st.composite
def terms(draw, allow_general: bool):
    c, a, b = draw(COEFFICIENTS), draw(VARIABLE), draw(VARIABLE)
    d = draw(COEFFICIENTS)
    shapes = [
        c,
        c * a,
        c * a * b,
        c * a**2,
        (c * a + d * b + 1) ** 2,  # factored: read by expanding, valued from the expression
        (a - c) * (b + d),
        c * (a + b) * 2 - d * (a - 1),
        sp.Mul(c, a, b, evaluate=False),
        sp.Add(c * a, d * b, 3, evaluate=False),
    ]
    if allow_general:
        shapes += [c * a**3, sp.exp(a / 4) * b, a * b * c * Z, 1 / (1 + a**2), sp.sin(a) * (b + d) ** 2]
    return draw(st.sampled_from(shapes))


@st.composite
def polynomial_problems(draw, allow_general: bool = True):
    row = st.lists(terms(allow_general), min_size=1, max_size=5).map(lambda ts: sp.Add(*ts))
    objective = draw(row)
    eqs = draw(st.lists(row, max_size=2))
    ineqs = draw(st.lists(row, max_size=3))
    relations = {f"e{i}": sp.Eq(e, 0) for i, e in enumerate(eqs)}
    relations |= {f"g{i}": g <= 0 for i, g in enumerate(ineqs)}
    constant = sp.logic.boolalg.BooleanAtom  # a relation sympy already decided
    constraints = {name: rel for name, rel in relations.items() if not isinstance(rel, constant)}
    build = lk.maximize if draw(st.booleans()) else lk.minimize
    return build(objective, constraints, variables=VARIABLES)


POINTS = np.array([[0.3, -1.2, 2.5], [1.0, 1.0, 1.0], [-2.0, 0.5, -0.25], [7.0, -3.0, 0.0]])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polynomial_problems())
def test_random_polynomial_problems_compile_like_elementwise_sympy(problem):
    assert_compiles_like_sympy(problem, POINTS)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polynomial_problems())
def test_random_polynomial_problems_compile_like_elementwise_sympy_many(problem):
    assert_compiles_like_sympy(problem, POINTS)


@settings(max_examples=25, deadline=None)
@given(polynomial_problems(allow_general=False))
def test_quadratic_rows_are_read_into_coefficients(problem):
    """Every row built from degree <= 2 pieces is read (no differentiation), with a constant
    Hessian equal to sympy's."""
    index = {v: i for i, v in enumerate(VARIABLES)}
    for expr in [problem.minimize_objective, *(c.expr for c in problem.constraints)]:
        assert quadratic_coefficients(expr, index) is not None, expr


@pytest.mark.parametrize(
    "expr",
    [X**3, X * Y * Z, sp.exp(X), 1 / X, sp.sqrt(X), X**sp.Rational(1, 2), (X + Y) ** 3 - X**3, sp.Abs(X) * 2,
     sp.Float("1e300") * X * sp.Float("1e300")],
)
def test_what_is_not_a_quadratic_with_float64_coefficients_is_not_read(expr):
    assert quadratic_coefficients(expr, {v: i for i, v in enumerate(VARIABLES)}) is None


def test_coefficients_that_overflow_when_collected_are_not_read():
    """(x + 1e308)**2 has the coefficient 2e308 of x: not a float64, so not read."""
    assert quadratic_coefficients((X + sp.Float(1e308)) ** 2, {X: 0}) is None


def test_factored_values_keep_their_accuracy():
    """(x - 1e8)**2 at x = 1e8 + 1 is 1; expanded it would be 1e16 - 2e16 - ... and lose it all."""
    p = lk.minimize((X - sp.Integer(10**8)) ** 2 + Y**2, variables=(X, Y))
    compiled = p.compile()
    assert compiled.fun(np.array([1e8 + 1, 0.0])) == 1.0
    np.testing.assert_array_equal(compiled.grad(np.array([1e8 + 1, 0.0])), [2.0, 0.0])


# ------------------------------------------------------------------ Hock–Schittkowski
HS = hs_names()
needs_hs = pytest.mark.skipif(not HS, reason="../shared/data/hock_schittkowski.json is absent")


def _hs_points(case) -> np.ndarray:
    rng = np.random.default_rng(7)
    x_star = np.asarray(case.x_star, dtype=float)
    step = 0.1 * rng.standard_normal((2, x_star.size)) * np.maximum(1.0, np.abs(x_star))
    return np.vstack([x_star, x_star + step])


@needs_hs
@pytest.mark.parametrize("name", [name for name in HS[::5] if name != "HS70"])  # HS70's reference: minutes
def test_hock_schittkowski_compile_like_elementwise_sympy(name):
    case = hs_case(name)
    assert_compiles_like_sympy(case.problem, _hs_points(case))


@needs_hs
@pytest.mark.slow
@pytest.mark.parametrize("name", HS)
def test_hock_schittkowski_compile_like_elementwise_sympy_all(name):
    case = hs_case(name)
    assert_compiles_like_sympy(case.problem, _hs_points(case))


# ------------------------------------------------------------------ long sums
def _pair_sum(n: int, count: int, evaluate: bool):
    x = sp.symbols(f"x0:{n}", real=True)
    pairs = [(i, j) for i in range(n) for j in range(i, n)][:count]
    coefficients = [1 + (7 * i + 3 * j) % 5 for i, j in pairs]
    if evaluate:
        terms_ = [sp.Integer(c) * x[i] * x[j] for c, (i, j) in zip(coefficients, pairs)]
    else:
        terms_ = [sp.Mul(sp.Integer(c), x[i], x[j], evaluate=False) for c, (i, j) in zip(coefficients, pairs)]
    Q = np.zeros((n, n))  # the reference: ½xᵀQx = Σ c·xᵢxⱼ
    for c, (i, j) in zip(coefficients, pairs):
        Q[i, j] += c
        Q[j, i] += c
    return x, sp.Add(*terms_, *x, evaluate=evaluate), Q


def _check_pair_sum(x, expr, Q, guard: float):
    start = time.process_time()
    compiled = lk.minimize(expr, variables=x).compile()
    z = np.linspace(-1.0, 1.0, len(x))
    f, g, H = compiled.fun(z), compiled.grad(z), compiled.hess(z)
    assert time.process_time() - start < guard
    np.testing.assert_allclose(f, 0.5 * z @ Q @ z + z.sum(), rtol=1e-12)
    np.testing.assert_allclose(g, Q @ z + 1.0, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(H, Q)


def test_a_sum_of_40000_terms_compiles():
    """Issue 16: no recursion limit on long sums (here built unevaluated, which is fast)."""
    x, expr, Q = _pair_sum(283, 40_000, evaluate=False)
    assert len(expr.args) == 40_283
    _check_pair_sum(x, expr, Q, guard=60.0)


@pytest.mark.slow
def test_a_sum_of_40000_terms_built_by_sympy_compiles():
    x, expr, Q = _pair_sum(283, 40_000, evaluate=True)
    _check_pair_sum(x, expr, Q, guard=120.0)


@pytest.mark.slow
def test_a_non_polynomial_sum_of_40000_terms_compiles():
    """A sum no coefficient reading covers: lambdified in nested groups, differentiated per term."""
    n = 200
    x = sp.symbols(f"x0:{n}", real=True)
    terms_ = [sp.Mul(k % 7 + 1, sp.exp(x[k % n] / 8), x[k // n], evaluate=False) for k in range(40_000)]
    expr = sp.Add(*terms_, evaluate=False)
    start = time.process_time()
    compiled = lk.minimize(expr, variables=x).compile()
    z = np.linspace(-1.0, 1.0, n)
    f, g = compiled.fun(z), compiled.grad(z)
    assert time.process_time() - start < 600.0
    k = np.arange(40_000)
    c, e, w = k % 7 + 1, np.exp(z[k % n] / 8), z[k // n]
    np.testing.assert_allclose(f, np.sum(c * e * w), rtol=1e-12)
    reference = np.bincount(k // n, c * e, minlength=n) + np.bincount(k % n, c * e * w / 8, minlength=n)
    np.testing.assert_allclose(g, reference, rtol=1e-10, atol=1e-10)


# ------------------------------------------------------------------ the portfolio of issue 16
def test_scalar_sympy_portfolio_matches_cvxpy():
    n = 30
    rng = np.random.default_rng(3)
    F = rng.standard_normal((n, 3))
    sigma = F @ F.T / 3 + np.diag(rng.uniform(0.05, 0.2, n))
    mu = rng.uniform(0.01, 0.15, n)
    r = float(np.quantile(mu, 0.7))
    w = sp.symbols(f"w1:{n + 1}", real=True)
    risk = sp.Add(*[sp.Float(sigma[i, j]) * w[i] * w[j] for i in range(n) for j in range(n)])
    problem = lk.minimize(
        risk,
        {"budget": sp.Eq(sp.Add(*w), 1), "ret": sp.Add(*[sp.Float(m) * wi for m, wi in zip(mu, w)]) >= r},
        bounds={wi: (0, None) for wi in w},
        variables=w,
    )
    result = lk.solve(problem)

    v = cp.Variable(n)
    budget, ret = cp.sum(v) == 1, mu @ v >= r
    reference = cp.Problem(cp.Minimize(cp.quad_form(v, cp.psd_wrap(sigma))), [budget, ret, v >= 0])
    reference.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)

    assert result.status == "optimal" and result.scope == "global"
    assert result.fun == pytest.approx(reference.value, rel=1e-7)
    np.testing.assert_allclose(result.x, v.value, atol=1e-5)
    assert result.multipliers["budget"] == pytest.approx(float(budget.dual_value), rel=1e-5, abs=1e-8)
    assert result.multipliers["ret"] == pytest.approx(float(ret.dual_value), rel=1e-5, abs=1e-8)
