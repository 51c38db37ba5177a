"""The one finite-difference module against exact sympy derivatives, at the edge of a domain too."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit import finite_differences as fd
from lagrangekit.likelihood import numeric_hessian
from lagrangekit.optim import derivative, gradient

x, y, z = sp.symbols("x y z", real=True)
SMOOTH = [
    (sp.sin(x) * sp.exp(y) + z**3, (0.7, -0.4, 1.3)),
    (sp.log(1 + x**2) * y**3 - sp.cos(x * z), (2.5, 0.3, -1.1)),
    (sp.exp(-(x**2) - y**2) * (1 + z) + 1e3 * x * y, (30.0, -12.0, 0.5)),  # |x| > 1: relative steps
]


def _exact(expr, point):
    args = (x, y, z)
    at = dict(zip(args, point))
    grad = np.array([float(sp.diff(expr, v).subs(at)) for v in args])
    hess = np.array([[float(sp.diff(expr, v, w).subs(at)) for w in args] for v in args])
    return sp.lambdify([args], expr, "numpy"), grad, hess


@pytest.mark.parametrize(("expr", "point"), SMOOTH)
def test_gradient_jacobian_hessian_match_exact_sympy(expr, point):
    f, grad, hess = _exact(expr, point)
    p = np.array(point)
    scale = max(1.0, np.abs(grad).max())
    np.testing.assert_allclose(fd.gradient(f, p), grad, rtol=1e-8, atol=1e-8 * scale)
    np.testing.assert_allclose(gradient(f, p), grad, rtol=1e-8, atol=1e-8 * scale)  # the public name
    hscale = max(1.0, np.abs(hess).max())
    np.testing.assert_allclose(fd.hessian(f, p), hess, rtol=1e-6, atol=1e-7 * hscale)
    np.testing.assert_allclose(numeric_hessian(f, p), hess, rtol=1e-6, atol=1e-7 * hscale)
    grad_f = sp.lambdify([(x, y, z)], [sp.diff(expr, v) for v in (x, y, z)], "numpy")
    np.testing.assert_allclose(fd.hessian(f, p, grad=lambda q: np.array(grad_f(q))), hess, atol=1e-7 * hscale)
    vector = sp.lambdify([(x, y, z)], [expr, x * y * z], "numpy")
    jac = np.vstack([grad, [point[1] * point[2], point[0] * point[2], point[0] * point[1]]])
    np.testing.assert_allclose(fd.jacobian(vector, p, 2), jac, rtol=1e-8, atol=1e-8 * scale)


def test_function_problem_derivatives_are_the_modules_and_match_sympy():
    expr, point = SMOOTH[1]
    f, grad, hess = _exact(expr, point)
    problem = lk.from_functions(f, 3)
    compiled = problem.compile()
    p = np.array(point)
    np.testing.assert_array_equal(compiled.grad(p), fd.gradient(compiled.fun, p))
    np.testing.assert_allclose(compiled.grad(p), grad, rtol=1e-8)
    np.testing.assert_allclose(compiled.hess(p), hess, rtol=1e-6, atol=1e-7 * np.abs(hess).max())


def _exp_on_half_line(v):
    v = np.asarray(v, dtype=float)
    return np.where(v >= 0, np.exp(np.maximum(v, 0)), np.nan)


def test_central_difference_uses_the_defined_side_at_the_edge_of_the_domain():
    # exp restricted to x >= 0: at x = 0 the left point is undefined; the O(h²) one-sided rule gives e⁰ = 1
    assert derivative(_exp_on_half_line, 0.0) == pytest.approx(1.0, rel=1e-8)
    assert fd.gradient(lambda v: float(_exp_on_half_line(v[0])), np.array([0.0]))[0] == pytest.approx(
        1.0, rel=1e-8
    )
    # undefined on both sides: NaN, never a number
    assert np.isnan(derivative(lambda v: np.nan * v, 1.0))


def test_hessian_steps_shrink_near_the_edge_of_the_domain():
    # log x + log y at x = 1e-3: the default step 2.4e-3 would cross x = 0
    f = lambda v: np.log(v[0]) + 3 * np.log(v[1])  # noqa: E731
    H = numeric_hessian(f, np.array([1e-3, 2.0]))
    np.testing.assert_allclose(np.diag(H), [-1e6, -3 / 4], rtol=1e-5)
    assert abs(H[0, 1]) < 1e-3


@pytest.mark.parametrize("h", [0.0, -1.0, np.nan, np.inf, "a"])
def test_bad_step_is_a_clear_error(h):
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        derivative(np.sin, 1.0, h=h)
