"""lk.from_functions with VectorConstraint blocks (dense or scipy.sparse Jacobians) and hess=:
against the scalar route, closed forms and finite differences; hostile outputs get named errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk
from lagrangekit import finite_differences
from lagrangekit.errors import CallableOutputError

# minimize ‖x‖² s.t. x1 + x2 + x3 = 3, x1 − x2 <= −1.  By hand: the inequality is active,
# 2x + λ·1 + μ·(1, −1, 0) = 0 gives x = (−(λ+μ)/2, −(λ−μ)/2, −λ/2); x1 − x2 = −μ = −1 and
# Σx = −3λ/2 = 3, so μ = 1, λ = −2 and x = (0.5, 1.5, 1).
X_STAR, LAM_STAR, MU_STAR = np.array([0.5, 1.5, 1.0]), -2.0, 1.0


def _vector_problem(sparse: bool, with_hess: bool) -> lk.FunctionProblem:
    as_matrix = sps.csr_matrix if sparse else np.asarray
    return lk.from_functions(
        lambda x: x @ x,
        3,
        grad=lambda x: 2 * x,
        eq={
            "total": lk.VectorConstraint(lambda x: [x.sum() - 3], 1, jac=lambda x: as_matrix(np.ones((1, 3))))
        },
        ineq={
            "gap": lk.VectorConstraint(
                lambda x: [x[0] - x[1] + 1], 1, jac=lambda x: as_matrix([[1.0, -1, 0]])
            )
        },
        hess=(lambda x, c, lam: 2 * c * (sps.eye(3) if sparse else np.eye(3))) if with_hess else None,
    )


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("with_hess", [False, True])
@pytest.mark.parametrize("method", ["auto", "slsqp", "ipm"])
def test_vector_blocks_match_the_closed_form(sparse, with_hess, method):
    problem = _vector_problem(sparse, with_hess)
    r = lk.solve(problem, method=method)
    assert r.success, r.message
    assert lk.check_kkt(problem, X_STAR, {"total_0": LAM_STAR, "gap_0": MU_STAR}).ok
    np.testing.assert_allclose(r.x, X_STAR, atol=1e-7)
    assert r.multipliers["total_0"] == pytest.approx(LAM_STAR, abs=1e-6)
    assert r.multipliers["gap_0"] == pytest.approx(MU_STAR, abs=1e-6)


def test_vector_block_equals_the_scalar_list():
    # the same three constraints as one VectorConstraint and as three scalar callables
    rows = [lambda x: x[0] ** 2 + x[1] - 2, lambda x: x[1] * x[2] - 1, lambda x: x[0] + x[2] - 3]

    def stacked(x):
        return np.array([r(x) for r in rows])

    def stacked_jac(x):
        return np.array([[2 * x[0], 1, 0], [0, x[2], x[1]], [1, 0, 1]])

    objective = lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2 + x[2] ** 2  # noqa: E731
    scalar = lk.from_functions(objective, 3, ineq={f"c{i}": f for i, f in enumerate(rows)})
    vector = lk.from_functions(objective, 3, ineq={"c": lk.VectorConstraint(stacked, 3, jac=stacked_jac)})
    no_jac = lk.from_functions(objective, 3, ineq={"c": lk.VectorConstraint(stacked, 3)})
    a, b, c = (lk.solve(p) for p in (scalar, vector, no_jac))
    assert a.success and b.success and c.success
    np.testing.assert_allclose(b.x, a.x, atol=1e-7)
    np.testing.assert_allclose(c.x, a.x, atol=1e-7)
    for i in range(3):
        assert b.multipliers[f"c_{i}"] == pytest.approx(a.multipliers[f"c{i}"], abs=1e-6)
        assert c.multipliers[f"c_{i}"] == pytest.approx(a.multipliers[f"c{i}"], abs=1e-6)


def test_user_hessian_is_the_lagrangian_hessian():
    # hess of f = x1⁴ + x1·x2 + e^{x2}, h = x1² + x2² − 1, g = x1·x2: compare with the central
    # Jacobian of ∇f + λ∇h + μ∇g from the analytic gradients
    def hess(x, c, lams):
        lam, mu = lams
        return np.array(
            [[12 * c * x[0] ** 2 + 2 * lam, c + mu], [c + mu, c * np.exp(x[1]) + 2 * lam]],
        )

    p = lk.from_functions(
        lambda x: x[0] ** 4 + x[0] * x[1] + np.exp(x[1]),
        2,
        grad=lambda x: np.array([4 * x[0] ** 3 + x[1], x[0] + np.exp(x[1])]),
        eq={"circle": lk.VectorConstraint(lambda x: [x @ x - 1], 1, jac=lambda x: [2 * x])},
        ineq={"prod": lambda x: x[0] * x[1]},
        jac={"prod": lambda x: np.array([x[1], x[0]])},
        hess=hess,
    )
    cp = p.compile()
    x, lam, mu = np.array([0.3, -0.7]), np.array([1.3]), np.array([0.4])

    def lagrangian_gradient(v):
        return cp.grad(v) + cp.eq_jac(v).T @ lam + cp.ineq_jac(v).T @ mu

    reference = finite_differences.jacobian(lagrangian_gradient, x, 2)
    np.testing.assert_allclose(cp.lagrangian_hessian(x, lam, mu), reference, atol=1e-7)
    np.testing.assert_allclose(cp.hess(x), hess(x, 1.0, [0.0, 0.0]), atol=1e-12)


# ------------------------------------------------------------------- hostile input
def _one_row(fun=None, jac=None, hess=None, size=1):
    return lk.from_functions(
        lambda x: x @ x,
        2,
        eq={"c": lk.VectorConstraint(fun or (lambda x: [x[0] - 1]), size, jac=jac)},
        hess=hess,
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fun": lambda x: [x[0], x[1]]}, r"eq callable 'c' returned .*shape \(1,\)"),
        ({"fun": lambda x: None}, r"eq callable 'c' returned None"),
        ({"fun": lambda x: [1j]}, r"eq callable 'c' returned a complex value"),
        ({"jac": lambda x: np.ones((2, 2))}, r"jac of eq callable 'c' returned .*shape \(1, 2\)"),
        (
            {"jac": lambda x: sps.csr_matrix((1, 3))},
            r"jac of eq callable 'c' returned a sparse matrix of shape",
        ),
        ({"jac": lambda x: sps.csr_matrix(np.array([[1j, 0]]))}, r"jac of eq callable 'c' .*complex"),
        ({"jac": lambda x: "1, 0"}, r"jac of eq callable 'c' returned str"),
        ({"hess": lambda x, c, lam: np.triu(np.ones((2, 2)))}, r"hess .*not symmetric.*one triangle"),
        ({"hess": lambda x, c, lam: sps.eye(3)}, r"hess returned a sparse matrix of shape \(3, 3\)"),
        ({"hess": lambda x, c, lam: None}, r"hess returned None"),
    ],
)
def test_bad_outputs_name_the_callable(kwargs, match):
    problem = _one_row(**kwargs)
    with pytest.raises(CallableOutputError, match=match):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lk.solve(problem, method="ipm")


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: lk.VectorConstraint(lambda x: x, 0), "size must be a positive integer"),
        (lambda: lk.VectorConstraint(lambda x: x, True), "size must be a positive integer"),
        (lambda: lk.VectorConstraint(lambda x: x, 2.5), "size must be a positive integer"),
        (lambda: lk.VectorConstraint(None, 2), "fun must be callable"),
        (lambda: lk.VectorConstraint(lambda x: x, 2, jac=np.eye(2)), "jac must be callable or None"),
        (
            lambda: lk.from_functions(lambda x: 0.0, 2, eq={"v": 3.0}),
            "must be callable or a VectorConstraint",
        ),
        (lambda: lk.from_functions(lambda x: 0.0, 2, hess=np.eye(2)), "hess must be a callable"),
        (
            lambda: lk.from_functions(
                lambda x: 0.0,
                2,
                eq={"v": lk.VectorConstraint(lambda x: x, 2)},
                jac={"v": lambda x: np.eye(2)},
            ),
            r"give its Jacobian as VectorConstraint\(jac=...\)",
        ),
        (
            lambda: lk.from_functions(
                lambda x: 0.0, 2, eq={"v": lk.VectorConstraint(lambda x: x, 2), "v_1": lambda x: x[0]}
            ),
            "constraint names must be unique; repeated: v_1",
        ),
        (
            lambda: lk.from_functions(lambda x: 0.0, 2, eq={"bad name": lk.VectorConstraint(lambda x: x, 2)}),
            "must be an identifier",
        ),
    ],
)
def test_bad_arguments_name_the_argument(build, match):
    with pytest.raises(ValueError, match=match):
        build()


_GARBAGE = st.one_of(
    st.none(),
    st.just(np.nan),
    st.just([np.inf, 1.0]),
    st.just("text"),
    st.just(1j),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.builds(lambda k: np.ones((k, k)), st.integers(0, 3)),
    st.builds(lambda k: sps.random(2, k, density=0.5, random_state=0), st.integers(1, 4)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def _battery(value_out, jac_out, hess_out, method):
    problem = lk.from_functions(
        lambda x: float(x @ x),
        2,
        grad=lambda x: 2 * x,
        ineq={"v": lk.VectorConstraint(lambda x: value_out, 2, jac=lambda x: jac_out)},
        hess=lambda x, c, lam: hess_out,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = lk.solve(problem, method=method)
        except (CallableOutputError, ValueError):
            return  # a named error (UndefinedPointError for NaN at x0 is a ValueError)
    # an answer is only allowed when it is certified or says it is not
    assert result.success == (result.status == "optimal")
    assert np.all(np.isfinite(result.x))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GARBAGE, _GARBAGE, _GARBAGE, st.sampled_from(["ipm", "sparse_ipm"]))
def test_hostile_outputs_raise_named_errors_or_honest_results(value_out, jac_out, hess_out, method):
    _battery(value_out, jac_out, hess_out, method)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GARBAGE, _GARBAGE, _GARBAGE, st.sampled_from(["auto", "ipm", "slsqp", "sparse_ipm"]))
def test_hostile_outputs_battery_slow(value_out, jac_out, hess_out, method):
    _battery(value_out, jac_out, hess_out, method)
