"""fit_mle on log-likelihoods with no maximum: status "unbounded", the ray or the diverging
sequence in the message, NaN parameters; bounded ones keep their estimates.

References are closed forms: θ³ → ∞ as θ → ∞; θ0 + θ1 − (θ0 − θ1)² = 2s on θ0 = θ1 = s;
−log θ → ∞ as θ → 0+; −log(1 − p) → ∞ as p → 1−; TEXTBOOK L1 (w = 2/5); the Poisson MLE is the
sample mean.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import sympy as sp

from lagrangekit.errors import ConvergenceWarning
from lagrangekit.likelihood import fit_mle

_VECTOR = r"\(([^)]*)\)"


def _ray(message: str) -> tuple[np.ndarray, np.ndarray]:
    """The base x and direction d that lk.solve's message names."""
    base = re.search(r"(?:from|with) x = " + _VECTOR, message)
    direction = re.search(r"d = " + _VECTOR, message)
    assert base and direction, message
    return (np.array([float(v) for v in m.group(1).split(",")]) for m in (base, direction))


def _unbounded(loglik, x0, **kwargs):
    with pytest.warns(ConvergenceWarning, match="unbounded"):
        res = fit_mle(loglik, None, x0=x0, **kwargs)
    assert res.status == "unbounded" and not res.converged and not res.information_ok
    assert np.isnan(res.params).all() and np.isnan(res.bse).all()
    assert "no maximum likelihood estimate" in res.message
    return res


def test_cubic_loglik_is_unbounded_along_the_positive_axis():
    res = _unbounded(lambda th, d: th[0] ** 3, [0.5])
    _, d = _ray(res.message)
    assert d[0] > 0 and "along the direction" in res.message  # θ³ → ∞ only as θ → +∞


def test_two_parameter_loglik_is_unbounded_along_the_diagonal():
    # log L = a + b − (a − b)²: along a + t·d it is a + b + t(d0 + d1) − (a − b + t(d0 − d1))²,
    # unbounded above only when d0 = d1 > 0
    res = _unbounded(lambda th, d: th[0] + th[1] - (th[0] - th[1]) ** 2, [0.5, 0.0], param_names=["a", "b"])
    _, d = _ray(res.message)
    assert d[0] > 0 and d[1] == pytest.approx(d[0], rel=1e-6)
    assert "(a, b)" in res.message


def test_loglik_unbounded_at_a_face_of_the_parameter_space_is_a_diverging_sequence():
    # −log θ → ∞ as θ → 0+: SLSQP stops at θ ≈ 4e-14 and used to report it as the estimate
    res = _unbounded(lambda th, d: -np.log(th[0]), [0.5], bounds=[(0, None)])
    base, d = _ray(res.message)
    assert base[0] == 0 and d[0] > 0 and "t → 0" in res.message
    # −log(1 − p) → ∞ as p → 1−
    res = _unbounded(lambda th, d: -np.log1p(-th[0]), [0.5], bounds=[(0, 1)])
    base, d = _ray(res.message)
    assert base[0] == 1 and d[0] < 0
    # two parameters: −log a − b² grows without bound as a → 0+ whatever b
    res = _unbounded(lambda th, d: -np.log(th[0]) - th[1] ** 2, [0.5, 0.3], bounds=[(0, None), (None, None)])
    base, d = _ray(res.message)
    assert base[0] == 0 and d[0] > 0 and d[1] == 0


def test_bounded_likelihoods_keep_their_estimates():
    w = sp.Symbol("w", real=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # TEXTBOOK L1: L(w) = 10 w² (1 − w)³ on [0, 1] is maximal at w = 2/5
        res = fit_mle(sp.log(10 * w**2 * (1 - w) ** 3), x0=[0.5], bounds=[(0, 1)])
        assert res.status == "optimal" and res.params[0] == pytest.approx(0.4, abs=1e-7)
        # Poisson: the MLE of the rate is the sample mean, through the numeric route too
        data = np.array([2, 0, 3, 1, 4, 2, 2])
        res = fit_mle("poisson", data, method="auto")
        assert res.status == "optimal" and res.params[0] == pytest.approx(data.mean(), rel=1e-7)
        # log θ − θ on θ > 0 (log L → −∞ at the face θ = 0): maximal at θ = 1
        res = fit_mle(lambda th, d: np.log(th[0]) - th[0], None, x0=[0.3], bounds=[(0, None)])
        assert res.status == "optimal" and res.params[0] == pytest.approx(1.0, abs=1e-6)
        # −θ log θ on [0, 1] (0·log 0 is NaN at the face, but log L → 0 there): maximal at 1/e
        res = fit_mle(lambda th, d: -th[0] * np.log(th[0]), None, x0=[0.5], bounds=[(0, 1)])
        assert res.status == "optimal" and res.params[0] == pytest.approx(np.exp(-1), abs=1e-6)


def test_a_supremum_that_is_not_attained_is_not_converged():
    # log L = atan(θ) approaches π/2 as θ → ∞ and never reaches it (closed form): no MLE exists
    r = fit_mle(lambda theta, data: float(np.arctan(theta[0])), None, x0=[0.5], param_names=["t"])
    assert not r.converged and r.status != "optimal"
