"""Hostile inputs to fit_mle (hypothesis): clear errors or honest statuses, never internal errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lagrangekit.likelihood import MLEResult, fit_mle

NUMBERS = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1.0, -1.0, 1e300]),
)
DATA = st.one_of(
    st.lists(NUMBERS, min_size=0, max_size=6),
    st.lists(st.integers(-2, 5), min_size=0, max_size=6),
    st.just([[0, 1], [1, 0]]),
    st.just(None),
    st.just("abc"),
)
PAIR = st.one_of(st.none(), NUMBERS, st.just("x"))
BOUNDS = st.one_of(
    st.none(),
    st.lists(st.tuples(PAIR, PAIR), min_size=0, max_size=3),
    st.just([(1.0, 0.0)]),  # reversed
    st.just({"nope": (0, 1)}),
    st.just(5),
)
X0 = st.one_of(st.none(), st.lists(NUMBERS, min_size=0, max_size=3), st.just({"p": 0.5}), st.just("x0"))
METHODS = st.sampled_from(
    [None, "auto", "auglag", "slsqp", "L-BFGS-B", "BFGS", "Nelder-Mead", "cvxpy", "nope", 3]
)
OPTIONS = st.one_of(st.none(), st.just({"max_iter": 5}), st.just({"bogus": 1}), st.just({"maxiter": 3}))

w, t = sp.Symbol("w"), sp.Symbol("t")
W_POS = sp.Symbol("w", positive=True)


def _log_both_sides(theta, data):
    return 2 * np.log(theta[0]) + 3 * np.log(1 - theta[0])


def _returns_none(theta, data):
    return None


def _returns_array(theta, data):
    return np.array([1.0, 2.0])


def _returns_complex(theta, data):
    return 1 + 2j


def _raises_on_negative(theta, data):
    import math

    return math.log(theta[0]) - theta[0]


def _nan_everywhere(theta, data):
    return float("nan")


MODELS = st.sampled_from(
    [
        "bernoulli",
        "binomial",
        "poisson",
        "exponential",
        "gaussian",
        "categorical",
        _log_both_sides,
        _returns_none,
        _returns_array,
        _returns_complex,
        _raises_on_negative,
        _nan_everywhere,
        lambda theta, data: theta[0] ** 3,  # unbounded
        sp.log(10 * w**2 * (1 - w) ** 3),
        sp.log(10 * W_POS**2 * (1 - W_POS) ** 3),
        t * sp.log(w) + (1 - t) * sp.log(1 - w),
        -((w - 2) ** 2),
        w,  # unbounded
    ]
)

# our own TypeError is about what a user function returns; any other TypeError is internal
_OUR_TYPE_ERROR = "log-likelihood function must return"


def _check(model, data, x0, bounds, method, options):
    if isinstance(model, sp.Expr) and model.has(t) and isinstance(data, list):
        data = {"t": data}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_mle(model, data, x0=x0, bounds=bounds, method=method, options=options)
    except TypeError as exc:
        assert _OUR_TYPE_ERROR in str(exc), f"internal TypeError: {exc!r}"
        return
    except ValueError as exc:
        assert str(exc), "a ValueError must say what is wrong"
        return
    assert isinstance(res, MLEResult)
    assert res.kkt is not None
    assert res.converged == (res.status == "optimal")
    if res.converged:
        assert res.kkt.ok and np.all(np.isfinite(res.params)) and np.isfinite(res.llf)
    if res.status == "unbounded":
        assert np.all(np.isnan(res.params))
    str(res)  # the summary prints whatever the status


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=MODELS, data=DATA, x0=X0, bounds=BOUNDS, method=METHODS, options=OPTIONS)
def test_hostile_inputs_give_clear_errors_or_honest_statuses(model, data, x0, bounds, method, options):
    _check(model, data, x0, bounds, method, options)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=MODELS, data=DATA, x0=X0, bounds=BOUNDS, method=METHODS, options=OPTIONS)
def test_hostile_inputs_many(model, data, x0, bounds, method, options):
    _check(model, data, x0, bounds, method, options)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "gaussian", "data": [1.0, np.nan]}, "NaN"),
        ({"model": _log_both_sides, "data": None, "x0": [0.5], "bounds": [(1, 0)]}, "reversed"),
        ({"model": _log_both_sides, "data": None, "x0": [2.0], "bounds": [(0, 1)]}, "outside its bounds"),
        ({"model": _log_both_sides, "data": None, "x0": [0.0], "bounds": [(0, 1)]}, "not finite at x0"),
        ({"model": _log_both_sides, "data": None, "x0": [0.5], "bounds": [(0, np.nan)]}, "NaN"),
        ({"model": _log_both_sides, "data": None, "x0": [0.5], "bounds": [(0, 1), (0, 1)]}, "1 pairs"),
        ({"model": "poisson", "data": [1, 2], "bounds": [(-5, -1)]}, "do not meet"),
        ({"model": "poisson", "data": [1, 2], "bounds": [(np.inf, None)]}, "no point satisfies it"),
        ({"model": "poisson", "data": [1, 2], "method": "BFGS"}, "cannot keep the parameters"),
        ({"model": "poisson", "data": [1, 2], "method": "auto", "options": {"maxiter": 3}}, "do not apply"),
        ({"model": "poisson", "data": [1, 2], "nobs": 0}, "nobs must be a positive integer"),
        ({"model": "poisson", "data": [1, 2], "method": 3}, "method must be"),
        ({"model": -((w - 2) ** 2), "data": None, "x0": [np.nan]}, "x0 must be finite"),
        ({"model": _nan_everywhere, "data": [np.nan], "x0": [0.5]}, "NaN in the data"),
    ],
)
def test_each_hostile_input_names_its_fix(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit_mle(**kwargs)


@pytest.mark.parametrize("model", [_returns_none, _returns_array, _returns_complex])
def test_a_function_that_does_not_return_one_real_number_is_a_type_error(model):
    with pytest.raises(TypeError, match=_OUR_TYPE_ERROR):
        fit_mle(model, None, x0=[0.5])
