"""A hypothesis battery of hostile input for building, compiling and checking problems.

Random small problems built in Python with hostile variable names, bounds (NaN, inf, reversed),
non-real, undefined and overflowing constants, non-smooth terms, start points with NaN, inf,
the wrong length or outside the domain, and from_functions callables that return garbage.

What may come out: an exception raised by lagrangekit itself (a ValueError or TypeError, with a
message) or an honest value. Honest means: compiled values at a validated point are finite;
a KKT report is a KKTReport (never an internal validation error); a solve that says it
succeeded has a finite objective, and an independent check_kkt at its x with its multipliers
agrees. Nothing raised from inside numpy, scipy or sympy, and no example over 10 s.

The default run draws 30 examples per test; ``-m slow`` runs the same properties on many more
and prints the outcome counts.
"""

from __future__ import annotations

import math
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from _hostile import HOSTILE_NAMES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk

PACKAGE = Path(lk.__file__).resolve().parent
OUTCOMES: Counter[str] = Counter()

CONSTANTS = [
    sp.Integer(2),
    sp.Rational(-3, 2),
    sp.Float(0.25),
    sp.E,
    sp.pi,
    sp.sqrt(2),
    sp.I,
    sp.zoo,
    sp.nan,
    sp.oo,
    sp.Float(1e300) * sp.Float(1e300),
    sp.exp(1000),
    sp.exp(sp.exp(sp.exp(sp.exp(10)))),
    sp.sqrt(sp.cos(sp.E)),
    sp.asin(2),
    sp.Integer(10) ** 400,
]
TERMS = [
    lambda v, w, c: (v - c) ** 2,
    lambda v, w, c: sp.exp(v) * c,
    lambda v, w, c: sp.log(v),
    lambda v, w, c: 1 / v,
    lambda v, w, c: sp.sqrt(v),
    lambda v, w, c: sp.sin(v) * w,
    lambda v, w, c: v * w,
    lambda v, w, c: sp.Abs(v - c),
    lambda v, w, c: sp.Max(v, w),
    lambda v, w, c: v**c,
]
RELATIONS = [
    lambda v, w, c: v + w <= c,
    lambda v, w, c: sp.Eq(v**2 + w**2, c),
    lambda v, w, c: sp.log(v) >= c,
    lambda v, w, c: sp.Abs(v) <= c,
    lambda v, w, c: sp.sqrt(w) >= c,
]
BOUND_SIDES = [None, 0.0, 1.0, -2.5, math.inf, -math.inf, math.nan, 1e309, "a", 10**400]
POINT_VALUES = [0.0, 1.0, -1.0, 0.5, 2.0, 1e308, math.nan, math.inf, -math.inf]


def _raised_by_lagrangekit(exc: BaseException) -> bool:
    """A documented error: a LagrangekitError, or a ValueError/TypeError raised by our own code."""
    if isinstance(exc, lk.LagrangekitError):
        return bool(str(exc))
    if not isinstance(exc, (ValueError, TypeError)) or not str(exc):
        return False
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return Path(last.filename).resolve().is_relative_to(PACKAGE)


def _outcome(label: str, call):
    """Run ``call``; count its outcome; re-raise anything that is not a documented error."""
    try:
        value = call()
    except Exception as exc:  # noqa: BLE001 - the property is about which exceptions come out
        if not _raised_by_lagrangekit(exc):
            raise AssertionError(f"{label}: internal {type(exc).__name__}: {exc}") from exc
        OUTCOMES[f"{label}: {type(exc).__name__}"] += 1
        return None
    OUTCOMES[f"{label}: ok"] += 1
    return value


@st.composite
def problems(draw):
    """(parts, construct, n): ``parts()`` builds the sympy objective and relations (sympy may
    refuse some), ``construct(parts)`` the problem, and n is the number of variables."""
    names = draw(st.lists(st.sampled_from(HOSTILE_NAMES), min_size=1, max_size=3, unique=True))
    symbols = tuple(sp.Symbol(name, real=True) for name in names)

    def pick_pair():
        i, j = draw(st.integers(0, len(symbols) - 1)), draw(st.integers(0, len(symbols) - 1))
        return symbols[i], symbols[j]

    constant = st.sampled_from(CONSTANTS)
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        v, w = pick_pair()
        terms.append((draw(st.sampled_from(TERMS)), v, w, draw(constant)))
    relations = []
    for _ in range(draw(st.integers(0, 2))):
        v, w = pick_pair()
        relations.append((draw(st.sampled_from(RELATIONS)), v, w, draw(constant)))
    bounds = {
        s: (draw(st.sampled_from(BOUND_SIDES)), draw(st.sampled_from(BOUND_SIDES)))
        for s in symbols
        if draw(st.booleans())
    }
    sense = draw(st.sampled_from([lk.minimize, lk.maximize]))

    def parts():
        objective = sum((t(v, w, c) for t, v, w, c in terms), sp.Integer(0))
        return objective, {f"c{k}": r(v, w, c) for k, (r, v, w, c) in enumerate(relations, start=1)}

    def construct(built):
        return sense(*built, bounds=bounds, variables=list(symbols))

    return parts, construct, len(symbols)


@st.composite
def points(draw, n):
    length = draw(st.sampled_from([n, n, n, n + 1, max(n - 1, 0)]))
    return [draw(st.sampled_from(POINT_VALUES)) for _ in range(length)]


def _check_problem(data, parts, construct, n, *, solve: bool) -> None:
    started = time.process_time()
    try:
        built = parts()
    except (TypeError, ValueError, ArithmeticError):
        # sympy itself refuses some relations, such as x*zoo <= 1, before lagrangekit sees them
        OUTCOMES["sympy refused the input"] += 1
        return
    problem = _outcome("construct", lambda: construct(built))
    if problem is None:
        return
    x0 = data.draw(points(n))
    compiled = _outcome("compile", problem.compile)
    if compiled is not None:
        start = _outcome("validate_point", lambda: compiled.validate_point(x0))
        if start is not None:
            with np.errstate(all="ignore"):
                assert math.isfinite(compiled.fun(start)) and np.all(np.isfinite(compiled.ineq(start)))
    report = _outcome("check_kkt", lambda: lk.check_kkt(problem, x0, second_order=data.draw(st.booleans())))
    if report is not None:
        assert isinstance(report, lk.KKTReport) and report.message
    if solve and compiled is not None and start is not None:
        result = _outcome("solve", lambda: lk.solve(problem, x0=start, method="slsqp", max_iter=50))
        if result is not None:
            OUTCOMES[f"solve status: {result.status}"] += 1
            if result.success:
                assert math.isfinite(result.fun)
                again = lk.check_kkt(problem, result.x, dict(result.multipliers), tol=1e-6)
                assert again.ok, again.message
    assert time.process_time() - started < 10, "one example took over 10 s"


FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


@settings(max_examples=30, **FUZZ)
@given(st.data(), problems())
def test_hostile_problems_give_documented_errors_or_honest_values(data, built):
    _check_problem(data, *built, solve=False)


@settings(max_examples=10, **FUZZ)
@given(st.data(), problems())
def test_hostile_problems_solve_honestly_from_validated_starts(data, built):
    _check_problem(data, *built, solve=True)


# ------------------------------------------------------------ from_functions
GARBAGE = [
    None,
    "1.0",
    1j,
    np.zeros(3),
    np.zeros((2, 2)),
    np.array([1.0 + 2.0j]),
    [[0.5]],
    math.nan,
    math.inf,
    object(),
    np.float64(0.5),
]


@st.composite
def function_problems(draw):
    n = draw(st.integers(1, 3))
    good = draw(st.booleans())

    def returning(value):
        return lambda v: float(np.sum((v - 1) ** 2)) if good else value

    fun = returning(draw(st.sampled_from(GARBAGE)))
    garbage = draw(st.sampled_from(GARBAGE))
    grad = draw(st.sampled_from([None, lambda v: 2 * (v - 1), lambda v: garbage]))
    ineq = draw(st.sampled_from([(), [lambda v: v[0] - 2], [lambda v: garbage]]))
    bounds = draw(st.sampled_from([None, [(0.0, 3.0)] * n, [(math.inf, None)] * n, [(2.0, 1.0)] * n]))
    return (lambda: lk.from_functions(fun, n, grad=grad, ineq=ineq, bounds=bounds)), n


def _check_function_problem(data, built) -> None:
    build, n = built
    problem = _outcome("from_functions", build)
    if problem is not None:
        _check_problem(data, lambda: None, lambda _: problem, n, solve=True)


@settings(max_examples=30, **FUZZ)
@given(st.data(), function_problems())
def test_from_functions_garbage_gives_documented_errors_or_honest_values(data, built):
    _check_function_problem(data, built)


# ------------------------------------------------------------------ the large run
@pytest.mark.slow
@settings(max_examples=1500, **FUZZ)
@given(st.data(), problems())
def test_slow_hostile_problems(data, built):
    _check_problem(data, *built, solve=True)


@pytest.mark.slow
@settings(max_examples=500, **FUZZ)
@given(st.data(), function_problems())
def test_slow_from_functions_garbage(data, built):
    _check_function_problem(data, built)


@pytest.mark.slow
def test_slow_print_outcome_counts():
    """Runs last in this file under ``-m slow -s``: the counts of every outcome seen."""
    for key, count in sorted(OUTCOMES.items()):
        print(f"{count:6d}  {key}")
