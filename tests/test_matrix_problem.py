"""Matrix-form problems (issue 16 item 2): against closed forms, cvxpy, scikit-learn and the scalar route."""

from __future__ import annotations

import json

import cvxpy as cp
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit.matrix_coefficients import NotQuadraticError

n, m = sp.symbols("n m", integer=True, positive=True)
X, y, w = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1), sp.MatrixSymbol("w", n, 1)
S, mu = sp.MatrixSymbol("Sigma", n, n), sp.MatrixSymbol("mu", n, 1)
alpha, r = sp.Symbol("alpha", positive=True), sp.Symbol("r", real=True)
ones = sp.OneMatrix(n, 1)
NONQUADRATIC = "degree above 2|quadratic in the variables|both depend"
RIDGE = (y - X * w).T * (y - X * w) + alpha * w.T * w


def portfolio_data(k: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((k, 3))
    sigma = F @ F.T / 3 + np.diag(rng.uniform(0.05, 0.2, k))
    returns = rng.uniform(0.01, 0.15, k)
    return sigma, returns, float(np.quantile(returns, 0.7))


def portfolio(sigma: np.ndarray, returns: np.ndarray, target: float, **kw) -> lk.MatrixProblem:
    constraints = {"budget": (ones.T * w, "==", 1), "ret": (mu.T * w, ">=", r)}
    if "bounds" not in kw:
        constraints["long"] = (w, ">=", 0)
    return lk.matrix_minimize(
        w.T * S * w, constraints, variables=[w], data={S: sigma, mu: returns, r: target}, **kw
    )


def cvxpy_portfolio(sigma: np.ndarray, returns: np.ndarray, target: float):
    x = cp.Variable(len(returns))
    cons = [cp.sum(x) == 1, returns @ x >= target, x >= 0]
    prob = cp.Problem(cp.Minimize(cp.quad_form(x, cp.psd_wrap(sigma))), cons)
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    return prob, x, cons


def test_ridge_closed_form_is_the_normal_equations():
    p = lk.matrix_minimize(RIDGE, variables=[w])
    A, b = p.normal_equations()
    assert (A - 2 * (X.T * X + alpha * sp.Identity(n))).doit().expand() == sp.ZeroMatrix(n, n)
    assert (b - 2 * X.T * y).doit() == sp.ZeroMatrix(n, 1)
    assert p.closed_form()[w] == sp.Inverse(alpha * sp.Identity(n) + X.T * X) * X.T * y


def test_ridge_stationarity_in_matrix_form():
    g = lk.matrix_minimize(RIDGE, variables=[w]).stationarity()[w]
    expected = 2 * X.T * (X * w - y) + 2 * alpha * w  # ∇: 2Xᵀ(Xw − y) + 2αw
    rng = np.random.default_rng(1)
    values = {
        X: sp.ImmutableMatrix(rng.integers(-3, 4, (4, 3))),
        y: sp.ImmutableMatrix(rng.integers(-3, 4, (4, 1))),
    }
    values |= {w: sp.ImmutableMatrix(rng.integers(-3, 4, (3, 1))), alpha: sp.Rational(3, 2)}
    at = {n: 3, m: 4}
    assert (g - expected).xreplace(values).xreplace(at).doit().as_explicit() == sp.zeros(3, 1)
    assert "∇_w" in lk.matrix_minimize(RIDGE, variables=[w]).kkt_text()


def test_ridge_numeric_against_closed_form_and_sklearn():
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    Xa, ya = rng.standard_normal((30, 6)), rng.standard_normal(30)
    p = lk.matrix_minimize(RIDGE, variables=[w], data={X: Xa, y: ya, alpha: 0.7})
    result = lk.solve(p)
    exact = np.linalg.solve(Xa.T @ Xa + 0.7 * np.eye(6), Xa.T @ ya)
    sk = Ridge(alpha=0.7, fit_intercept=False, solver="cholesky", tol=1e-12).fit(Xa, ya).coef_
    assert result.status == "optimal" and result.scope == "global"
    np.testing.assert_allclose(result.point[w], exact, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(result.point[w], sk, rtol=1e-8, atol=1e-10)
    assert result.fun == pytest.approx(np.sum((ya - Xa @ exact) ** 2) + 0.7 * exact @ exact, rel=1e-10)


def test_equality_closed_form_minimum_norm():
    p = lk.matrix_minimize(w.T * w, {"budget": (ones.T * w, "==", 1)}, variables=[w])
    form = p.closed_form()
    value = form[w].xreplace({n: 4}).doit().as_explicit()
    assert sp.simplify(value - sp.ones(4, 1) / 4) == sp.zeros(4, 1)  # w = 1/n
    lam = sp.Matrix(form[p.multipliers["budget"]].xreplace({n: 4}).doit().as_explicit())
    assert sp.simplify(lam[0] + sp.Rational(1, 2)) == 0  # 2w + λ1 = 0


def test_portfolio_against_cvxpy_with_multipliers_by_name():
    sigma, returns, target = portfolio_data(12, 0)
    result = lk.solve(portfolio(sigma, returns, target))
    prob, x, cons = cvxpy_portfolio(sigma, returns, target)
    assert result.status == "optimal" and result.method == "auto:clarabel"
    assert result.fun == pytest.approx(prob.value, rel=1e-7)
    np.testing.assert_allclose(result.point[w], x.value, atol=1e-6)
    assert result.multipliers["budget"] == pytest.approx(float(cons[0].dual_value), abs=1e-6)
    assert result.multipliers["ret"] == pytest.approx(float(cons[1].dual_value), abs=1e-6)
    np.testing.assert_allclose(result.multipliers["long"], cons[2].dual_value, atol=1e-6)
    assert set(result.kkt.multipliers) == {"budget", "ret", "long"} and "long" in result.kkt.active


def test_portfolio_against_the_scalar_route():
    """The same problem written entry by entry in scalar sympy (as benchmarks/portfolio.py does)."""
    sigma, returns, target = portfolio_data(6, 3)
    ws = sp.symbols("v0:6", real=True)
    risk = sp.Add(*[sp.Float(sigma[i, j]) * ws[i] * ws[j] for i in range(6) for j in range(6)])
    scalar = lk.minimize(
        risk,
        {
            "budget": sp.Eq(sp.Add(*ws), 1),
            "ret": sp.Add(*[sp.Float(returns[i]) * ws[i] for i in range(6)]) >= target,
        },
        bounds={v: (0, None) for v in ws},
        variables=ws,
    )
    reference = lk.solve(scalar)
    result = lk.solve(portfolio(sigma, returns, target, bounds={w: (0, None)}))
    assert result.fun == pytest.approx(reference.fun, rel=1e-8)
    np.testing.assert_allclose(result.point[w], reference.x, atol=1e-7)
    assert result.multipliers["budget"] == pytest.approx(reference.multipliers["budget"], abs=1e-7)
    lower = [reference.multipliers[f"lower:v{i}"] for i in range(6)]
    np.testing.assert_allclose(result.multipliers["lower:w"], lower, atol=1e-7)


def test_to_scalar_and_explicit_methods_agree():
    sigma, returns, target = portfolio_data(5, 4)
    p = portfolio(sigma, returns, target)
    scalar = p.to_scalar()
    assert [c.name for c in scalar.constraints][:2] == ["budget", "ret"]
    x = np.linspace(0.1, 0.5, 5)
    ours, theirs = p.compile(), scalar.compile()
    assert ours.fun(x) == pytest.approx(theirs.fun(x), rel=1e-12)
    np.testing.assert_allclose(ours.grad(x), theirs.grad(x), atol=1e-12)
    np.testing.assert_allclose(ours.ineq_jac(x), theirs.ineq_jac(x), atol=1e-12)
    lam, mu_in = np.array([0.3]), np.linspace(0.0, 1.0, 6)
    np.testing.assert_allclose(ours.lagrangian_hessian(x, lam, mu_in), 2 * sigma, atol=1e-12)
    np.testing.assert_allclose(theirs.lagrangian_hessian(x, lam, mu_in), 2 * sigma, atol=1e-12)
    start = {w: np.full(5, 0.2)}
    assert lk.solve(p, method="auglag", tol=1e-6, x0=start).fun == pytest.approx(
        lk.solve(scalar).fun, rel=1e-6
    )
    as_json = json.loads(json.dumps(lk.solve(p).to_dict()))
    assert len(as_json["multipliers"]["long"]) == 5 and len(as_json["point"]["w"]) == 5


def test_check_kkt_takes_arrays_by_variable_and_constraint():
    sigma, returns, target = portfolio_data(8, 5)
    p = portfolio(sigma, returns, target)
    prob, x, cons = cvxpy_portfolio(sigma, returns, target)
    duals = {
        "budget": float(cons[0].dual_value),
        "ret": float(cons[1].dual_value),
        "long": cons[2].dual_value,
    }
    report = lk.check_kkt(p, {w: x.value}, duals, tol=1e-6)
    assert report.ok and isinstance(report.multipliers["long"], np.ndarray)
    assert not lk.check_kkt(p, {w: x.value + 0.01}, duals, tol=1e-6).ok
    estimated = lk.check_kkt(p, {w: x.value}, tol=1e-6)
    assert estimated.ok and estimated.multipliers["budget"] == pytest.approx(duals["budget"], abs=1e-5)


def test_to_cvxpy_duals_are_our_multipliers():
    sigma, returns, target = portfolio_data(7, 6)
    p = portfolio(sigma, returns, target)
    prob, variables, constraints = lk.to_cvxpy(p)
    prob.solve(solver="CLARABEL")
    reference, *_ = cvxpy_portfolio(sigma, returns, target)
    assert prob.value == pytest.approx(reference.value, rel=1e-6)
    ours = lk.solve(p)
    assert float(constraints["ret"].dual_value[0]) == pytest.approx(ours.multipliers["ret"], abs=1e-5)
    np.testing.assert_allclose(variables[w].value, ours.point[w], atol=1e-5)


def test_cvxpy_method_and_crosscheck_group_vector_duals():
    sigma, returns, target = portfolio_data(6, 8)
    p = portfolio(sigma, returns, target)
    prob, x, cons = cvxpy_portfolio(sigma, returns, target)
    via = lk.solve(p, method="cvxpy")
    assert via.status == "optimal" and via.fun == pytest.approx(prob.value, rel=1e-7)
    np.testing.assert_allclose(via.multipliers["long"], cons[2].dual_value, atol=1e-6)
    check = lk.crosscheck(p)
    assert check.max_difference < 1e-6 and set(check.multipliers) == {"budget", "ret", "long"}


def test_partial_bounds_round_trip_by_entry():
    """Bounds on some entries only: multipliers by entry (zeros where unbounded) go back in."""
    sigma, returns, target = portfolio_data(4, 9)
    lower = np.array([0.0, 0.0, -np.inf, 0.0])
    p = lk.matrix_minimize(
        w.T * S * w,
        {"budget": (ones.T * w, "==", 1)},
        variables=[w],
        data={S: sigma},
        bounds={w: (lower, None)},
    )
    x = cp.Variable(4)
    cons = [cp.sum(x) == 1, x[[0, 1, 3]] >= 0]
    cp.Problem(cp.Minimize(cp.quad_form(x, cp.psd_wrap(sigma))), cons).solve(solver="CLARABEL")
    result = lk.solve(p)
    np.testing.assert_allclose(result.point[w], x.value, atol=1e-6)
    assert result.multipliers["lower:w"].shape == (4,) and result.multipliers["lower:w"][2] == 0.0
    np.testing.assert_allclose(result.multipliers["lower:w"][[0, 1, 3]], cons[1].dual_value, atol=1e-6)
    assert lk.check_kkt(p, result.point, result.multipliers).ok
    with pytest.raises(ValueError, match="no such bound"):
        lk.check_kkt(p, result.point, {"lower:w": [0.0, 0.0, 1.0, 0.0]})


def test_maximize_is_minimize_of_the_negation():
    sigma, returns, target = portfolio_data(6, 7)
    data = {S: sigma, mu: returns, r: target}
    cons = {"budget": (ones.T * w, "==", 1), "ret": (mu.T * w, ">=", r), "long": (w, ">=", 0)}
    low = lk.solve(lk.matrix_minimize(w.T * S * w, cons, variables=[w], data=data))
    high = lk.solve(lk.matrix_maximize(-(w.T * S * w), cons, variables=[w], data=data))
    assert high.fun == pytest.approx(-low.fun, rel=1e-9)
    assert high.multipliers["ret"] == pytest.approx(low.multipliers["ret"], abs=1e-8)


def test_nonconvex_quadratic_takes_the_usual_chain():
    p = lk.matrix_minimize(-(w.T * w), variables=[w], data={S: np.eye(2)}, bounds={w: (-1, 1)})
    result = lk.solve(p)
    assert result.status == "optimal" and result.fun == pytest.approx(-2.0)
    with pytest.raises(lk.NotConvexError, match="not positive semidefinite"):
        lk.to_cvxpy(p)


def test_features_that_need_scalar_sympy_say_so():
    p = portfolio(*portfolio_data(4, 0))
    for feature in (
        lk.dual,
        lk.solve_symbolic,
        lk.kkt_points,
        lk.derivation,
        lk.split_nonsmooth,
        type(p).to_text,
    ):
        with pytest.raises(ValueError, match="matrix-form problem.*to_scalar"):
            feature(p)
    with pytest.raises(lk.SymbolicSolveError, match="complementarity"):
        p.closed_form()
    with pytest.raises(ValueError, match="needs numbers"):
        lk.solve(lk.matrix_minimize(RIDGE, variables=[w]))


@pytest.mark.parametrize(
    ("objective", "constraints", "error", "match"),
    [
        (w.T * w * (w.T * w), None, NotQuadraticError, "power"),
        (w.T * w * (ones.T * w), None, NotQuadraticError, NONQUADRATIC),
        ((ones.T * w) * (w.T * w), None, NotQuadraticError, NONQUADRATIC),
        (w.T * w, {"c": (w * w.T, "<=", 1)}, ValueError, "vector"),
        (w.T * w, {"c": (w.T * w, "<=", 1)}, NotQuadraticError, "only affine constraints"),
        (w.T * w, {"c": sp.Eq(ones.T * w, 1)}, ValueError, "tuple"),
        (w.T * w, {"c": (w, "<", 1)}, ValueError, "tuple"),
        (w, None, ValueError, "1×1"),
    ],
)
def test_bad_problems_get_clear_errors(objective, constraints, error, match):
    with pytest.raises(error, match=match):
        lk.solve(lk.matrix_minimize(objective, constraints, variables=[w], data={S: np.eye(3)}))


def test_bad_data_gets_clear_errors():
    with pytest.raises(ValueError, match="NaN or inf"):
        lk.matrix_minimize(RIDGE, variables=[w], data={X: [[np.nan]], y: [1.0], alpha: 1.0})
    with pytest.raises(ValueError, match="shape"):
        lk.matrix_minimize(RIDGE, variables=[w], data={X: np.ones((3, 2)), y: np.ones(4), alpha: 1.0})
    with pytest.raises(ValueError, match="alpha"):
        lk.solve(lk.matrix_minimize(RIDGE, variables=[w], data={X: np.ones((3, 2)), y: np.ones(3)}))
    with pytest.raises(ValueError, match="variables"):
        lk.matrix_minimize(RIDGE, variables=[w], data={w: np.ones(2)})
    with pytest.raises(ValueError, match="column-vector"):
        lk.matrix_minimize(RIDGE, variables=[X])
    with pytest.raises(ValueError, match="overflow float64"):
        lk.solve(lk.matrix_minimize(RIDGE, variables=[w], data={X: np.eye(2), y: np.ones(2), alpha: 1e308}))


def test_negative_alpha_is_unbounded_not_solved():
    """α = −5 makes XᵀX + αI indefinite (X = I): the objective falls without bound along w."""
    p = lk.matrix_minimize(RIDGE, variables=[w], data={X: np.eye(2), y: np.ones(2), alpha: -5.0})
    assert lk.solve(p).status == "unbounded"


def test_check_kkt_names_the_groups():
    p = portfolio(*portfolio_data(3, 0))
    with pytest.raises(ValueError, match=r"valid names are \['budget', 'long', 'ret'\]"):
        lk.check_kkt(p, {w: [1.0, 0.0, 0.0]}, {"nope": 1.0})
    with pytest.raises(ValueError, match="must have 3 entries"):
        lk.check_kkt(p, {w: [1.0, 0.0]})


@pytest.mark.parametrize(
    ("bounds", "match"),
    [
        ((0,), "pair"),
        (5, "pair"),
        ((np.nan, None), "NaN"),
        ((1, 0), "lower 1.0 > upper 0.0"),
        (([0, 1], None), "arrays"),
    ],
)
def test_bad_bounds_get_clear_errors(bounds, match):
    with pytest.raises(ValueError, match=match):
        lk.matrix_minimize(w.T * w, variables=[w], data={S: np.eye(3)}, bounds={w: bounds})


def test_data_is_copied_not_mutated():
    Xa, ya = np.arange(6.0).reshape(3, 2), np.ones(3)
    p = lk.matrix_minimize(RIDGE, variables=[w], data={X: Xa, y: ya, alpha: 1.0})
    before = lk.solve(p).fun
    Xa[0, 0] = 100.0
    assert lk.solve(lk.matrix_minimize(RIDGE, variables=[w], data=dict(p.data))).fun == pytest.approx(before)


def _random_portfolio_matches_cvxpy(k: int, seed: int, target_quantile: float) -> None:
    sigma, returns, _ = portfolio_data(k, seed)
    target = float(np.quantile(returns, target_quantile))
    result = lk.solve(portfolio(sigma, returns, target))
    prob, *_ = cvxpy_portfolio(sigma, returns, target)
    assert result.status == "optimal"
    assert result.fun == pytest.approx(prob.value, rel=1e-6, abs=1e-12)


PORTFOLIOS = {"k": st.integers(2, 5), "seed": st.integers(0, 2**16), "target_quantile": st.floats(0.0, 0.9)}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**PORTFOLIOS)
def test_random_portfolios_match_cvxpy(k, seed, target_quantile):
    _random_portfolio_matches_cvxpy(k, seed, target_quantile)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.integers(2, 40), seed=st.integers(0, 2**16), target_quantile=st.floats(0.0, 0.95))
def test_random_portfolios_match_cvxpy_slow(k, seed, target_quantile):
    _random_portfolio_matches_cvxpy(k, seed, target_quantile)


@settings(max_examples=15, deadline=None)
@given(
    value=st.one_of(
        st.just(np.nan), st.just(np.inf), st.just(-np.inf), st.just("a"), st.just(None), st.just(1j)
    ),
    where=st.sampled_from(["matrix", "scalar"]),
)
def test_hostile_data_values(value, where):
    Xa = np.ones((3, 2), dtype=object)
    data = {X: Xa, y: np.ones(3), alpha: 1.0}
    if where == "matrix":
        Xa[1, 1] = value
    else:
        data[alpha] = value
    with pytest.raises((ValueError, TypeError)) as info:
        lk.matrix_minimize(RIDGE, variables=[w], data=data)
    assert "data[" in str(info.value)


def test_printing_in_matrix_notation():
    """∇(wᵀΣw) = 2Σw for a symmetric Σ; 1ᵀw = 1 prints with the ones vector, r·1 as r."""
    p = portfolio(*portfolio_data(3, 0))
    text = p.kkt_text()
    assert "2*Sigma*w" in text and "budget: -1 + 𝟙ᵀ*w == 0" in text and "ret: r - muᵀ*w <= 0" in text
    assert "mu_long ∘ (-w) = 0" in text
    tex = lk.latex(p)
    assert r"\nabla_{w} L" in tex and r"2 \Sigma w" in tex and r"\mathbb{1}^{T} w" in tex
    assert "(2*alpha)*w - 2*Xᵀ*(-X*w + y) = 0" in lk.matrix_minimize(RIDGE, variables=[w]).kkt_text()
