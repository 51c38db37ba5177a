"""The safe parser: valid problems against hand-built sympy problems, hostile text refused."""

import string
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lagrangekit as lk

x, y, z, w, t = sp.symbols("x y z w t", real=True)
x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
R = sp.Rational

# (text, independently built problem)
VALID = [
    ("minimize (y-1)**2 subject to y >= 3", lk.minimize((y - 1) ** 2, [y >= 3])),
    (
        "maximize x*y s.t. budget: x + y == 10, x >= 0",
        lk.maximize(x * y, {"budget": sp.Eq(x + y, 10), "c1": x >= 0}),
    ),
    ("maximize x + y subject to x**2 + y**2 == 1", lk.maximize(x + y, [sp.Eq(x**2 + y**2, 1)])),
    (
        "maximize x + y subject to circle: x^2 + y^2 = 1",
        lk.maximize(x + y, {"circle": sp.Eq(x**2 + y**2, 1)}),
    ),
    ("minimize x^2 + y^2", lk.minimize(x**2 + y**2)),
    ("minimize x**2 + y**2 s.t. x + y >= 1; x <= 3", lk.minimize(x**2 + y**2, [x + y >= 1, x <= 3])),
    ("minimize x**2 + y**2 s.t. x + y >= 1 and x <= 3", lk.minimize(x**2 + y**2, [x + y >= 1, x <= 3])),
    (
        "minimize x**2 + y**2 subject to\n  x + y >= 1\n  x <= 3",
        lk.minimize(x**2 + y**2, [x + y >= 1, x <= 3]),
    ),
    (
        "maximize exp(-(x**2 + y**2)) s.t. x - y + 1 = 0",
        lk.maximize(sp.exp(-(x**2 + y**2)), [sp.Eq(x - y + 1, 0)]),
    ),
    ("minimize -x1 s.t. x2 <= (1 - x1)**3, x2 >= 0", lk.minimize(-x1, [x2 <= (1 - x1) ** 3, x2 >= 0])),
    ("minimize 0.5*x + 1e-3*y", lk.minimize(R(1, 2) * x + R(1, 1000) * y)),
    ("minimize 2.5e2*x", lk.minimize(250 * x)),
    ("minimize sqrt(x**2 + 1) + log(y) + ln(z)", lk.minimize(sp.sqrt(x**2 + 1) + sp.log(y) + sp.log(z))),
    ("minimize sin(x) + cos(y) + tan(z)", lk.minimize(sp.sin(x) + sp.cos(y) + sp.tan(z))),
    ("minimize abs(x) + Abs(y)", lk.minimize(sp.Abs(x) + sp.Abs(y))),
    ("minimize Max(x, y) + min(x, y, z)", lk.minimize(sp.Max(x, y) + sp.Min(x, y, z))),
    ("minimize pi*x + E*y", lk.minimize(sp.pi * x + sp.E * y)),
    ("minimize -x**2", lk.minimize(-(x**2))),
    ("minimize 2**-1*x", lk.minimize(x / 2)),
    ("minimize x^2^3", lk.minimize(x ** (2**3))),
    ("minimize x/y/z", lk.minimize(x / y / z)),
    (
        "MAXIMIZE x*y*z such that sum: x + y + z == 3, x >= 0, y >= 0, z >= 0",
        lk.maximize(x * y * z, {"sum": sp.Eq(x + y + z, 3), "c1": x >= 0, "c2": y >= 0, "c3": z >= 0}),
    ),
    (
        "minimise (x - 1)**2 st box: 0 <= x <= 4",
        lk.minimize((x - 1) ** 2, {"box_1": 0 <= x, "box_2": x <= 4}),
    ),
    ("minimize t + w s.t. t ≥ 1, w ≤ 2", lk.minimize(t + w, [t >= 1, w <= 2])),
    ("minimize log(x, 2)", lk.minimize(sp.log(x, 2))),
    ("minimize (((x)))", lk.minimize(x)),
]


@pytest.mark.parametrize("text,expected", VALID, ids=[str(i) for i in range(len(VALID))])
def test_valid_problems_parse_to_the_hand_built_problem(text, expected):
    parsed = lk.parse_problem(text)
    assert parsed.equals(expected), f"{parsed}\n!=\n{expected}"
    # round trip through the canonical text
    again = lk.parse_problem(parsed.to_text())
    assert again.equals(parsed)


def test_decimals_are_exact():
    p = lk.parse_problem("minimize 0.1*x")
    assert p.objective == R(1, 10) * x


HOSTILE = [
    "minimize __import__('os').system('echo hacked')",
    "minimize x.__class__",
    "minimize x.real",
    "minimize (lambda: 1)()",
    "minimize lambda x: x",
    "import os",
    "minimize x; import os",
    "minimize eval('1')",
    "minimize exec('x=1')",
    "minimize open('/etc/passwd')",
    "minimize getattr(x, 'y')",
    "minimize x[0]",
    "minimize 'abc'",
    'minimize "abc"',
    "minimize __builtins__",
    "minimize x__y",
    "minimize Symbol('x')",
    "minimize sympify('x')",
    "minimize x if x else y",
    "minimize x @ y",
    "minimize x subject to x < 1",
    "minimize x subject to x > 1",
    "minimize x subject to x != 1",
    "minimize x subject to x + 1",
    "maximize",
    "x + y",
    "minimize x +",
    "minimize (x + y",
    "minimize x + y)",
    "minimize 2x",
    "minimize x y",
    "minimize exp",
    "minimize exp(x, y)",
    "minimize 9**9**9**9",
    "minimize x**100000",
    "minimize (999**999)**999",
    "minimize " + "(" * 200 + "x" + ")" * 200,
    "minimize " + "x+" * 6000 + "x",
    "minimize " + "9" * 100,
    "minimize 1e999*x",
    "minimize x subject to x >= 0 >= 1 >= 2",
    "minimize x subject to a: x >= 0, a: x <= 1",
    "minimize x subject to 1 <= 2",
    "minimize x subject to 3 <= 2",
    "minimize x/0",
    "minimize x s.t. {x: 1}",
    "minimize x; __import__",
    "minimize def",
    "minimize x\x00",
    12345,
]


@pytest.mark.parametrize("text", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_or_invalid_text_raises_parse_error(text):
    with pytest.raises(lk.ParseError):
        lk.parse_problem(text)


def test_parse_error_has_position_and_hint():
    with pytest.raises(lk.ParseError) as info:
        lk.parse_problem("minimize x + y.__class__")
    err = info.value
    assert err.position == 14
    assert "attribute" in err.hint
    assert "^" in str(err)


def test_payload_that_would_create_a_file_executes_nothing(tmp_path: Path):
    target = tmp_path / "pwned"
    payloads = [
        f"minimize __import__('pathlib').Path('{target}').touch()",
        f"minimize open('{target}', 'w')",
        f"minimize x s.t. x >= exec(\"open('{target}','w')\")",
        f"minimize x + (lambda: open('{target}', 'w'))()",
    ]
    for payload in payloads:
        with pytest.raises(lk.ParseError):
            lk.parse_problem(payload)
    assert not target.exists()


ALPHABET = string.ascii_letters[:12] + string.digits + " +-*/^().,:;<>=_\n'\"[]{}!@"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fuzz_random_text_returns_problem_or_parse_error(body):
    for text in (body, "minimize " + body, "maximize x s.t. " + body):
        try:
            result = lk.parse_problem(text)
        except lk.ParseError:
            continue
        assert isinstance(result, lk.Problem)


TOKENS = [
    "x",
    "y",
    "2",
    "0.5",
    "+",
    "-",
    "*",
    "/",
    "**",
    "^",
    "(",
    ")",
    ",",
    "<=",
    ">=",
    "==",
    "exp",
    "log",
    "sqrt",
    "subject to",
    "s.t.",
    "and",
    ";",
    "c:",
    "pi",
    "E",
    "Max",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_fuzz_token_soup_returns_problem_or_parse_error(tokens):
    text = "minimize " + " ".join(tokens)
    try:
        result = lk.parse_problem(text)
    except lk.ParseError:
        return
    assert isinstance(result, lk.Problem)
