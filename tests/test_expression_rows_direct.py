"""ExpressionRows' one-call paths for values and Jacobians (taken from the second call on)
give what sympy's exact derivatives give, call after call, for each mix of rows."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lagrangekit.errors import NotSmoothError
from lagrangekit.expression_rows import ExpressionRows

x, y, z = sp.symbols("x y z", real=True)
VARIABLES = [x, y, z]
CASES = {
    "quadratic": [x**2 + 3 * y * z - 1, 2 * x - z],
    "general": [sp.exp(x * y) + z, sp.sin(x) * sp.log(1 + y**2)],
    "mixed": [x**2 + y, sp.exp(z) - x],
    "factored": [(x - 1) ** 2 + y, (y + z) ** 2],
}


@pytest.mark.parametrize("name", CASES)
def test_values_and_jacobian_match_sympy_on_every_call(name):
    exprs = CASES[name]
    rows = ExpressionRows(VARIABLES, exprs, lambda: None)
    jacobian = sp.Matrix(exprs).jacobian(VARIABLES)
    for point in ([0.3, -1.2, 0.7], [1.5, 0.25, -2.0], [0.3, -1.2, 0.7]):
        subs = dict(zip(VARIABLES, point))
        expected_values = np.array([float(e.subs(subs)) for e in exprs])
        expected_jacobian = np.array(jacobian.subs(subs), dtype=float)
        np.testing.assert_allclose(rows.values(np.array(point)), expected_values, rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(rows.jacobian(np.array(point)), expected_jacobian, rtol=1e-14, atol=1e-14)


def test_a_refused_derivative_is_refused_on_every_call():
    def refuse():
        raise NotSmoothError("Abs depends on x")

    rows = ExpressionRows(VARIABLES, [sp.Abs(x) + y], refuse)
    np.testing.assert_allclose(rows.values(np.array([-2.0, 1.0, 0.0])), [3.0])
    for _ in range(3):
        with pytest.raises(NotSmoothError):
            rows.jacobian(np.array([-2.0, 1.0, 0.0]))


@pytest.mark.parametrize(
    ("expr", "point", "expected"),
    [
        (1 / x + y, [0.0, 1.0, 0.0], np.inf),  # Python floats raise ZeroDivisionError
        (sp.sqrt(x) + x**sp.Rational(1, 3), [-8.0, 0.0, 0.0], np.nan),  # complex in Python
        (sp.sqrt(x) * y ** sp.Rational(1, 3), [1.0, -1.0, 0.0], np.nan),  # numpy complex, not cast
        (x**400, [1e10, 0.0, 0.0], np.inf),  # Python raises OverflowError
        (sp.exp(x) * y, [1000.0, 0.0, 0.0], np.nan),  # inf * 0 on both paths
    ],
)
def test_a_point_where_python_floats_depart_from_numpy_gets_numpy_values(expr, point, expected):
    from lagrangekit._lambdify import at_point, lambdify_vector

    func = lambdify_vector(VARIABLES, [expr])
    with np.errstate(all="ignore"):
        got = at_point(func, np.array(point))
        np.testing.assert_array_equal(got, np.array(func(np.array(point)), dtype=float))
    np.testing.assert_array_equal(got, [expected])


def test_python_float_evaluation_is_bit_identical_to_numpy_scalars():
    from lagrangekit._lambdify import at_point, lambdify_vector

    exprs = [sp.exp(x * y) / (1 + z**2), sp.log(1 + x**2) * sp.cos(y) - z**3, sp.atan(x - y) ** 2]
    func = lambdify_vector(VARIABLES, exprs)
    for point in np.random.default_rng(7).standard_normal((50, 3)) * 3:
        np.testing.assert_array_equal(at_point(func, point), np.array(func(point), dtype=float))


_VALUES = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -8.0, 1e-300, 1e300, -1e300, np.inf, -np.inf, np.nan])
_EXPRS = [
    1 / x + y / (z - 1),
    sp.sqrt(x) * y ** sp.Rational(1, 3) + z**-2,
    x**400 + sp.exp(y) * z,
    sp.log(x) - sp.atan(y / z) + x**y,
    (x - y) ** 2 / (1 + z**2),
]


def _agrees_with_numpy(point: list[float]) -> None:
    from lagrangekit._lambdify import at_point, lambdify_vector

    func = lambdify_vector(VARIABLES, _EXPRS)
    x_point = np.array(point)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(at_point(func, x_point), np.array(func(x_point), dtype=float))


@settings(max_examples=40, deadline=None)
@given(st.lists(_VALUES | st.floats(-1e6, 1e6), min_size=3, max_size=3))
def test_hostile_points_give_numpy_values_bit_for_bit(point):
    _agrees_with_numpy(point)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.lists(_VALUES | st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3))
def test_hostile_points_give_numpy_values_bit_for_bit_slow(point):
    _agrees_with_numpy(point)
