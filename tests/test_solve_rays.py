"""lk.solve's evidence of unboundedness: rays on which f overflows to −inf, and feasible
sequences into a face of the bounds where f is not finite.

References are closed forms: −eˣ → −∞ as x → ∞; log x → −∞ as x → 0⁺; 1/x → +∞ as x → 0⁺ (so
maximizing it is unbounded); x − log x >= 1 (equality at 1) and −x log x >= 0 on (0, 1].
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

import lagrangekit as lk
from lagrangekit.numeric_form import NumericForm
from lagrangekit.solvers.rays import feasible_ray

x, y = sp.symbols("x y", real=True)


def test_objective_overflowing_to_minus_inf_along_a_ray_is_unbounded():
    # −eˣ overflows past x ≈ 709: the ray's last points are −inf, which is falling, not undefined
    r = lk.solve(lk.minimize(-sp.exp(x)))
    assert r.status == "unbounded" and "d = (1)" in r.message
    r = lk.solve(lk.minimize(-sp.exp(x) + y**2))
    assert r.status == "unbounded" and "d = (1, 0)" in r.message


def test_objective_infinite_at_a_face_is_a_diverging_sequence():
    # log x → −∞ as x → 0⁺ over x >= 0: SLSQP stops at x = 0 (it used to be max_iter)
    r = lk.solve(lk.minimize(sp.log(x), {"pos": x >= 0}))
    assert r.status == "unbounded" and "t → 0" in r.message and not r.success
    assert 0 < r.x[0] < 1e-6 and r.fun < -20  # the nearest point of the sequence
    # the same with a second variable: x = 0 is the face, y is free
    r = lk.solve(lk.minimize(sp.log(x) + (y - 1) ** 2, {"pos": x >= 0}))
    assert r.status == "unbounded" and "d = (1, 0)" in r.message
    # maximize 1/x over (0, 1]: 1/x → ∞ at the lower face
    r = lk.solve(lk.maximize(1 / x, {"pos": x >= 0, "top": x <= 1}))
    assert r.status == "unbounded"


def test_faces_where_the_objective_stays_bounded_are_not_sequences_of_unboundedness():
    # x − log x >= 1, with equality at x = 1; f → +∞ at the face x = 0
    r = lk.solve(lk.minimize(x - sp.log(x), {"pos": x >= 0}))
    assert r.status == "optimal" and r.x[0] == pytest.approx(1.0, abs=1e-7)
    # −x log x on (0, 0.3] is >= 0 and → 0 at the face, where numpy gives 0·(−inf) = NaN
    problem = lk.minimize(-x * sp.log(x), {}, bounds={x: (0, 0.3)})
    assert feasible_ray(NumericForm(problem), np.array([1e-14])) is None
    assert lk.solve(problem).status != "unbounded"


def test_a_log_like_fall_toward_a_face_with_a_finite_value_there_is_not_taken():
    # log(x + 1e-30) looks like log x down to 1e-12 but is finite (−69) at the face: no sequence
    problem = lk.minimize(sp.log(x + sp.Rational(1, 10**30)), {}, bounds={x: (0, 1)})
    assert feasible_ray(NumericForm(problem), np.array([0.0])) is None


@pytest.mark.parametrize("n", [60, 300])
def test_product_of_many_variables_is_unbounded_although_it_overflows_within_a_decade(n):
    # b0·b1⋯b_{n−1} with b0 = −t and the rest 1 is −t → −∞. Along a ray from 0 a product of 300
    # variables spans 300 decades per decade of t: the walk's points go from underflow (−0.0)
    # to −inf in one step, and only the refined walk between them sees the fall. Above 64
    # variables "auto" does not sample, so this ray is the only evidence (it used to say optimal
    # at the saddle 0). At 60 variables sympy's Hessian (60² entries of 58 factors) took minutes:
    # a product of many factors is now differentiated on its DAG.
    names = [f"b{i}" for i in range(n)]
    problem = lk.parse_problem("minimize " + "*".join(names))
    started = time.process_time()
    r = lk.solve(problem)
    assert time.process_time() - started < 60  # a hang guard: the Hessian's code was O(n³) lines
    assert r.status == "unbounded" and not r.success
    assert np.isfinite(r.x).all() and r.fun < -1e100
