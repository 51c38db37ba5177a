"""Problem.to_text reads back to an equal problem for every function the printer emits.

Problems are built in Python with sympy (the reference), printed, and parsed again."""

import sys
import warnings

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.core.relational import Relational

import lagrangekit as lk
from lagrangekit.errors import LoneVariableWarning
from lagrangekit.text_grammar import FUNCTIONS

x, y, z = sp.symbols("x y z", real=True)
SYMBOLS = (x, y, z)
ROOTS = [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(-5, 2)]
UNARY = sorted({f for name, f in FUNCTIONS.items() if f not in (sp.Max, sp.Min)}, key=str)

# exact numbers across float64's range, including ones whose digits the parser would refuse
NUMBERS = st.one_of(
    st.integers(-1000, 1000).map(sp.Integer),
    st.tuples(st.integers(-(10**6), 10**6), st.integers(1, 10**6)).map(lambda pq: sp.Rational(*pq)),
    st.integers(-300, 300).map(lambda k: sp.Integer(10) ** k),
    st.integers(61, 300).map(lambda k: sp.Integer(10) ** k + 1),  # 62 to 301 digits, no zeros to strip
    st.sampled_from([sp.pi, sp.E, sp.Rational(7, 10**300), sp.Integer(2) ** 1000 + 12345]),
)


def _expressions() -> st.SearchStrategy:
    leaves = st.one_of(st.sampled_from(SYMBOLS), NUMBERS)

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        with_symbol = st.sampled_from(SYMBOLS)
        return st.one_of(
            st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
            st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
            st.tuples(children, with_symbol).map(lambda ab: ab[0] / ab[1]),
            st.tuples(children, st.integers(-4, 4)).map(lambda ab: ab[0] ** ab[1]),
            st.tuples(with_symbol, st.sampled_from(ROOTS)).map(lambda ab: ab[0] ** ab[1]),
            st.tuples(st.sampled_from(UNARY), children, with_symbol).map(lambda fab: fab[0](fab[1] + fab[2])),
            st.tuples(st.sampled_from([sp.Max, sp.Min]), st.sets(with_symbol, min_size=2)).map(
                lambda fa: fa[0](*fa[1])
            ),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _real_finite(expr: sp.Expr) -> bool:
    return not expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo)


PROBLEMS = dict(
    objective=_expressions().filter(lambda e: e.free_symbols and _real_finite(e)),
    constraints=st.lists(st.tuples(_expressions(), st.sampled_from(["<=", ">=", "=="])), max_size=3),
    sense=st.sampled_from([lk.minimize, lk.maximize]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**PROBLEMS)
def test_to_text_reads_back_to_the_same_problem(objective, constraints, sense):
    _check_round_trip(objective, constraints, sense)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**PROBLEMS)
def test_to_text_reads_back_to_the_same_problem_many(objective, constraints, sense):
    _check_round_trip(objective, constraints, sense)


def _check_round_trip(objective, constraints, sense):
    relations = []
    for expr, op in constraints:
        if not expr.free_symbols or not _real_finite(expr):
            continue
        relation = sp.Eq(expr, 1) if op == "==" else (expr <= 1 if op == "<=" else expr >= 1)
        if isinstance(relation, Relational):  # sympy decides some, e.g. -x**2 <= 1 is True
            relations.append(relation)
    problem = sense(objective, relations)
    try:
        text = problem.to_text()
    except ValueError as exc:  # allowed only for a number that float64 cannot hold
        assert "1.8e308" in str(exc) or "2.2e-308" in str(exc), str(exc)
        assert _has_number_outside_float64(problem), str(exc)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LoneVariableWarning)
        again = lk.parse_problem(text, max_length=10**6)
    assert again.sense == problem.sense
    assert again.variables == problem.variables
    assert [(c.name, c.kind) for c in again.constraints] == [(c.name, c.kind) for c in problem.constraints]
    pairs = [(again.objective, problem.objective)]
    pairs += [(a.expr, b.expr) for a, b in zip(again.constraints, problem.constraints)]
    for read, built in pairs:  # equal, or equal once sympy's printing of -(a+b)*c is expanded
        assert read == built or sp.expand(read - built) == 0, text


def _has_number_outside_float64(problem: lk.Problem) -> bool:
    exprs = [problem.objective, *(c.expr for c in problem.constraints)]
    for expr in exprs:
        for r in expr.atoms(sp.Rational):
            if r != 0 and not (sys.float_info.min <= abs(r) <= sys.float_info.max):
                return True
            if max(abs(r.p), r.q) > sys.float_info.max:
                return True
    return False


@pytest.mark.parametrize(
    "objective",
    [
        x + sp.Integer(10) ** 300,  # printed 1e300, not 301 digits
        sp.cot(x) + sp.sec(y) + sp.csc(z),
        sp.acosh(x) + sp.asinh(y) + sp.atanh(z) + sp.erfc(x),
        sp.coth(x) + sp.sech(y) + sp.csch(z) + sp.acoth(x),
        sp.acot(x) + sp.asec(y) + sp.acsc(z),
        sp.Max(x, y, z) - sp.Min(x, y),
        x / sp.Integer(10) ** 300,
        (sp.Integer(2) ** 1000 + 1) * x,
    ],
)
def test_named_cases_of_the_issue_round_trip(objective):
    problem = lk.minimize(objective, [x + y >= 1])
    again = lk.parse_problem(problem.to_text())
    assert again.objective == problem.objective
    assert again.constraints == problem.constraints


def test_floats_round_trip_to_the_same_double():
    problem = lk.minimize(sp.Float(0.1) * x + sp.Float(1e300) * y + sp.Float(-2.5e-300) * z)
    again = lk.parse_problem(problem.to_text())
    for var, value in zip((x, y, z), (0.1, 1e300, -2.5e-300)):
        assert float(again.objective.coeff(var)) == value  # the parser keeps the decimal exactly


@pytest.mark.parametrize(
    "problem, words",
    [
        (lk.minimize(sp.gamma(x)), "gamma"),
        (lk.minimize(x + sp.EulerGamma), "EulerGamma"),
        (lk.minimize(x**2, [sp.Symbol("E", real=True) >= x]), "'E'"),
        (lk.minimize(sp.Symbol("u", positive=True) ** 2), "assumptions"),
        (lk.minimize(x**5000), "exponent"),
        (lk.minimize(x + sp.Rational(2**1100 + 1, 3**700)), "1.8e308"),
        (lk.minimize(x * sp.Symbol("a", real=True), variables=[x]), "parameters"),
    ],
)
def test_what_text_cannot_express_is_a_value_error_naming_it(problem, words):
    with pytest.raises(ValueError, match=words):
        problem.to_text()
