"""The parser's limits (issue 15, sections 6 and 7): constants that are not real float64
numbers, texts that used to hang, the configurable length limit, declared variables and the
lone-variable warning. References are mpmath, sympy built by hand and the published HS data."""

import json
import time
import warnings

import mpmath
import pytest
import sympy as sp
from _hs import HS_PATH

import lagrangekit as lk
from lagrangekit.errors import LoneVariableWarning
from lagrangekit.parsing import MAX_LENGTH

x, y, z = sp.symbols("x y z", real=True)
BIG = sp.Integer(10) ** 308

#: A hang guard on CPU time (other processes' load does not count), far above the measured
#: times (all under 0.5 s).
HANG_GUARD_S = 5.0


def _parse_error(text: str, **kwargs) -> lk.ParseError:
    with pytest.raises(lk.ParseError) as info:
        lk.parse_problem(text, **kwargs)
    return info.value


# ------------------------------------------------------------------ constants that are not real
@pytest.mark.parametrize(
    "text, token, reference",
    [
        ("minimize log(0)*x", "log", lambda: mpmath.log(0)),  # -inf: undefined
        ("minimize x + log(1 - 2)", "log", lambda: mpmath.log(1 - 2)),  # log 1 + i*pi
        ("minimize x s.t. sqrt(cos(E)) >= tan(1)", "sqrt", lambda: mpmath.sqrt(mpmath.cos(mpmath.e))),
        ("minimize asin(2)*x", "asin", lambda: mpmath.asin(2)),
        ("minimize x s.t. acosh(1/2) <= x", "acosh", lambda: mpmath.acosh(0.5)),
        ("minimize x + (-8)**(1/3)", "**", lambda: mpmath.power(-8, mpmath.mpf(1) / 3)),
    ],
)
def test_a_constant_that_is_not_a_finite_real_is_a_parse_error_at_its_position(text, token, reference):
    value = mpmath.mpc(reference())
    assert value.imag != 0 or not mpmath.isfinite(value.real)  # the reference agrees it is not real
    err = _parse_error(text)
    assert err.position == text.index(token)


@pytest.mark.parametrize(
    "divisor, reference",
    [
        ("1 - 1", sp.Integer(1) - 1),
        ("(1 + sqrt(2))**2 - 3 - 2*sqrt(2)", (1 + sp.sqrt(2)) ** 2 - 3 - 2 * sp.sqrt(2)),
        ("sin(1)**2 + cos(1)**2 - 1", sp.sin(1) ** 2 + sp.cos(1) ** 2 - 1),
    ],
)
def test_a_divisor_that_is_zero_or_cannot_be_told_from_zero_is_an_error(divisor, reference):
    assert sp.simplify(reference) == 0  # the reference: sympy's simplification proves it is 0
    text = f"minimize x/({divisor})"
    assert _parse_error(text).position == text.index("/")


@pytest.mark.parametrize(
    "text, token",
    [
        ("maximize sqrt(log(0, y))", "log"),  # log(0)/log(y): sympy gives zoo/log(y)
        ("minimize x s.t. x <= Max(0**(0 - y), x, E)", "**"),  # 0**(-y) is zoo**y
        ("minimize x*0**(-y)", "**"),
        ("maximize 1e+5/abs(0**abs(y))", "/"),  # 1/0**|y| is zoo**|y|
    ],
)
def test_an_undefined_part_of_an_expression_with_variables_is_an_error(text, token):
    assert mpmath.isinf(mpmath.log(0)) and sp.Integer(0) ** -1 is sp.zoo  # the undefined parts
    assert _parse_error(text).position == text.index(token)


@pytest.mark.parametrize("name", ["I", "zoo", "nan", "oo", "inf"])
def test_names_of_non_real_values_are_refused_not_made_variables(name):
    text = f"minimize x s.t. x + {name} <= 0"
    err = _parse_error(text)
    assert err.position == text.index(name, len("minimize x s.t. "))
    assert repr(name) in err.message


@pytest.mark.parametrize("base", ["0", "1", "-2", "1 - 1", "cos(0)"])
def test_log_with_a_base_of_zero_one_or_negative_is_an_error(base):
    text = f"minimize log(x, {base})"
    assert _parse_error(text).position == text.index("log")


def test_log_with_a_valid_base_is_the_ratio_of_logs():
    p = lk.parse_problem("minimize log(x, 2)")
    assert sp.simplify(p.objective - sp.log(x) / sp.log(2)) == 0
    assert float(p.objective.subs(x, 8)) == pytest.approx(float(mpmath.log(8, 2)), rel=1e-15)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("minimize Max(x, erfc(-1e308), 2)", sp.Max(x, 2 - sp.erfc(BIG), 2, evaluate=False)),
        ("minimize Max(x, 1, 2, 0.5) + Min(y, 3, pi)", sp.Max(x, 2) + sp.Min(y, 3)),
        ("minimize sqrt(2)*x + log(2)*y", sp.sqrt(2) * x + sp.log(2) * y),
        ("minimize 2**0.5*x", sp.sqrt(2) * x),
        ("minimize 1e308*x + 1e-300*y", sp.Integer(10) ** 308 * x + y / sp.Integer(10) ** 300),
        ("minimize cot(x) + sec(y) + atan(z)", sp.cot(x) + sp.sec(y) + sp.atan(z)),
        ("minimize x**0.5**0.5**0.5", x ** (sp.Rational(1, 2) ** (sp.sqrt(2) / 2))),
    ],
)
def test_real_constants_still_parse_exactly(text, expected):
    assert lk.parse_problem(text).objective == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("minimize x**2 + 1e300*1e300", "overflows"),  # 1e600 > 1.8e308
        ("minimize (1e200*x)**2", "overflows"),
        ("minimize 2e308*x", "overflows"),
        ("minimize 1e-310*x", "underflows"),  # below the smallest normal double 2.2e-308
        ("minimize x**exp(exp(exp(exp(10))))", "overflows"),
        ("minimize exp(1000)*x", "overflows"),
        ("minimize (x**999)**999", "exponent"),
        ("minimize x*exp(-800)", "underflows"),  # e**-800 is 1e-348
        ("minimize x s.t. 0.5 <= erfc(1e308)*e", "underflows"),  # mpmath overflowed deciding it
    ],
)
def test_numbers_outside_float64_are_named_as_overflow_not_raised_from_inside(text, words):
    # the range being enforced: float64's largest value is under 2**1024, its smallest normal 2**-1022
    assert mpmath.mpf("1e600") > mpmath.mpf(2) ** 1024 > mpmath.exp(709)
    assert max(mpmath.exp(-800), mpmath.erfc(30)) < mpmath.mpf(2) ** -1022
    assert words in _parse_error(text).message


# ------------------------------------------------------------------ hangs
def _hang_cases() -> dict[str, tuple[str, str | None]]:
    """text and the words of its ParseError (None: it parses)."""
    return {
        "small base power": ("minimize x + (((1/3)**999)**999)**999", "underflows"),
        "tower of 20": ("minimize x**" + "**".join(["0.5"] * 20), "nests"),
        "20 Max of 60": (
            "minimize "
            + " + ".join("Max(" + ", ".join(f"a{i}_{j}" for j in range(60)) + ")" for i in range(20)),
            None,
        ),
        "sum of 1800": ("minimize " + "+".join(f"x{i}" for i in range(1800)), None),
        "product of 900": ("minimize " + "*".join(f"x{i}" for i in range(900)), None),
        "5000-digit name": ("minimize x" + "1" * 5000, "name"),
        "5000-digit number": ("minimize x + " + "1" * 5000, "digits"),
        "5000-digit exponent": ("minimize x + 1e" + "1" * 5000, "range"),
    }


@pytest.mark.parametrize("case", list(_hang_cases()))
def test_texts_that_hung_parse_fast_or_raise_parse_error(case):
    text, words = _hang_cases()[case]
    assert len(text) <= MAX_LENGTH
    start = time.process_time()
    if words is None:
        lk.parse_problem(text)
    else:
        assert words in _parse_error(text).message
    assert time.process_time() - start < HANG_GUARD_S


def test_the_long_sum_product_and_max_are_the_hand_built_expressions():
    names = sp.symbols("x0:1800", real=True)
    assert lk.parse_problem(_hang_cases()["sum of 1800"][0]).objective == sp.Add(*names)
    assert lk.parse_problem(_hang_cases()["product of 900"][0]).objective == sp.Mul(*names[:900])
    maxima = lk.parse_problem(_hang_cases()["20 Max of 60"][0]).objective
    groups = {frozenset(sp.Symbol(f"a{i}_{j}", real=True) for j in range(60)) for i in range(20)}
    assert {frozenset(m.args) for m in maxima.args} == groups
    assert all(isinstance(m, sp.Max) for m in maxima.args)


def test_a_small_base_power_underflows_by_the_mpmath_reference():
    # (1/3)**999 is 10**-476.6: below float64's smallest normal number, whatever comes after
    assert mpmath.log10(mpmath.mpf(1) / 3) * 999 < -308
    assert "underflows" in _parse_error("minimize x + (1/3)**999").message


# ------------------------------------------------------------------ length limit
def test_the_length_limit_is_configurable():
    text = "minimize " + " + ".join(f"(x{i} - {i})**2" for i in range(1200))
    assert len(text) > MAX_LENGTH
    assert "max_length" in _parse_error(text).hint
    p = lk.parse_problem(text, max_length=len(text))
    assert p.objective == sp.Add(*[(sp.Symbol(f"x{i}", real=True) - i) ** 2 for i in range(1200)])
    assert lk.parse_problem(text, max_length=len(text)).equals(p)
    with pytest.raises(ValueError, match="max_length"):
        lk.parse_problem("minimize x", max_length=0)


def _hs_entries() -> dict:
    if not HS_PATH.exists():
        pytest.skip(f"{HS_PATH} is absent")
    return {e["name"]: e for e in json.loads(HS_PATH.read_text())["problems"]}


def hs_text(entry: dict, copies: int = 1) -> str:
    """The HS problem as one problem text, its objective repeated ``copies`` times."""
    objective = " + ".join(f"({entry['objective']})" for _ in range(copies))
    cons = [f"eq{k}: {e} == 0" for k, e in enumerate(entry["eq"], 1)]
    cons += [f"ineq{k}: {g} <= 0" for k, g in enumerate(entry["ineq"], 1)]
    return f"minimize {objective}" + (" subject to " + ", ".join(cons) if cons else "")


@pytest.mark.parametrize("name", ["HS25", "HS70"])
def test_the_longest_hs_problems_read_as_text_give_the_published_optimum(name):
    entry = _hs_entries()[name]
    copies = 5  # a text of tens of kB
    text = hs_text(entry, copies)
    assert len(text) > 25_000
    start = time.process_time()
    p = lk.parse_problem(text, max_length=100_000)
    assert time.process_time() - start < HANG_GUARD_S
    f = sp.lambdify(sp.symbols(f"x1:{entry['n'] + 1}", real=True), p.objective, "mpmath")
    assert float(f(*entry["x_star"])) == pytest.approx(copies * entry["f_star"], rel=1e-5, abs=1e-8)


# ------------------------------------------------------------------ declared and lone variables
def test_an_undeclared_name_is_an_error_at_its_position():
    text = "minimize x**2 + y**2 s.t. x + yy >= 1"
    err = _parse_error(text, variables=["x", "y"])
    assert err.position == text.index("yy")
    assert "'yy'" in err.message


def test_declared_variables_keep_their_order_symbols_and_unused_names():
    w = sp.Symbol("w", positive=True)
    p = lk.parse_problem("minimize w + x", variables=[w, "x", "z"])
    assert p.variables == (w, x, z)
    assert p.objective == w + x
    with pytest.raises(ValueError, match="twice"):
        lk.parse_problem("minimize x", variables=["x", "x"])
    with pytest.raises(ValueError, match="cannot be a variable"):
        lk.parse_problem("minimize x", variables=["x", "pi"])


def test_a_variable_in_one_constraint_only_warns_with_its_name_and_the_constraint():
    with pytest.warns(LoneVariableWarning) as record:
        p = lk.parse_problem("minimize x**2 + y**2 s.t. x + yy >= 1")
    assert len(record) == 1
    assert "'yy'" in str(record[0].message) and "'c1'" in str(record[0].message)
    assert sp.Symbol("yy", real=True) in p.variables  # it stays a variable: a warning, not an error


@pytest.mark.parametrize(
    "text",
    [
        "minimize x**2 + y**2 s.t. x + y >= 1",  # both in the objective
        "maximize x s.t. x + s == 1, s >= 0",  # s in two constraints
        "minimize x s.t. box: 0 <= t <= 1, x >= t",  # t in three
        "minimize x**2 + yy**2 s.t. x + yy >= 1",
    ],
)
def test_no_lone_variable_warning_when_every_variable_appears_twice(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoneVariableWarning)
        lk.parse_problem(text)
