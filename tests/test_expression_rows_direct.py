"""ExpressionRows' one-call paths for values and Jacobians (taken from the second call on)
give what sympy's exact derivatives give, call after call, for each mix of rows."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

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
