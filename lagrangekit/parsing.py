"""Safe problem text -> sympy: a whitelisted grammar, never ``eval`` or ``sympify`` on user text.

Grammar (case-insensitive keywords)::

    problem     := ("minimize" | "maximize") expr [("subject to" | "s.t." | "st" | "such that") constraints]
    constraints := constraint ((","| ";" | newline | "and") constraint)*
    constraint  := [name ":"] expr relop expr [relop expr]
    relop       := "<=" | ">=" | "==" | "=" | "≤" | "≥"
    expr        := term (("+" | "-") term)*
    term        := unary (("*" | "/") unary)*
    unary       := ("+" | "-") unary | power
    power       := atom [("**" | "^") unary]
    atom        := number | name | function "(" expr ("," expr)* ")" | "(" expr ")"

Only the functions in :data:`FUNCTIONS` and the constants ``pi`` and ``E`` are known;
every other name is a real symbol. The parser builds sympy objects directly from
tokens, so no user text is ever executed.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .errors import ParseError
from .problem import Constraint, Problem, natural_key

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "parse_expression", "parse_problem"]

MAX_LENGTH = 10_000
MAX_DEPTH = 60
MAX_NUMBER_DIGITS = 60
MAX_EXPONENT = 1_000

FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "erf": sp.erf,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "Max": sp.Max,
    "max": sp.Max,
    "Min": sp.Min,
    "min": sp.Min,
}
_ARITY = {"log": (1, 2), "ln": (1, 1), "Max": (1, 99), "max": (1, 99), "Min": (1, 99), "min": (1, 99)}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}

_SENSES = {"minimize": "min", "minimise": "min", "maximize": "max", "maximise": "max"}
_RESERVED = {"subject", "st", "such", "and", "minimize", "minimise", "maximize", "maximise"}

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<st>s\.t\.?)(?![A-Za-z0-9_])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|<=|>=|==|!=|=>|=<|[-+*/^(),:;<>=≤≥])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "sep", "st", "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    depth = 0
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = {
                ".": "attribute access is not allowed; write plain names and numbers",
                "[": "subscripts are not allowed; name variables x1, x2, ...",
                "'": "strings are not allowed in problem text",
                '"': "strings are not allowed in problem text",
                "@": "decorators and matrix products are not allowed",
                "!": "use <= or >= instead",
            }.get(ch, "only names, numbers, + - * / ** ^ ( ) , : ; and comparisons are allowed")
            raise ParseError(f"unexpected character {ch!r}", text=text, position=pos, hint=hint)
        kind = m.lastgroup
        value = m.group()
        if kind == "op" and value == "(":
            depth += 1
        elif kind == "op" and value == ")":
            depth -= 1
        if kind == "newline":
            if depth <= 0:
                tokens.append(_Token("sep", "\n", pos))
        elif kind != "ws":
            if kind == "op" and value in (",", ";") and depth <= 0:
                kind = "sep"
            tokens.append(_Token(kind, value, pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise ParseError(f"problem text must be a str, got {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise ParseError(
                f"problem text is {len(text)} characters long, over the limit of {MAX_LENGTH}",
                hint="split the problem, or build it in Python with lk.minimize(...)",
            )
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.symbols: dict[str, sp.Symbol] = {}

    # ------------------------------------------------------------ helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> _Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def error(self, message: str, tok: _Token | None = None, hint: str | None = None) -> ParseError:
        tok = tok or self.tok
        return ParseError(message, text=self.text, position=tok.pos, hint=hint)

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def is_word(self, *words: str) -> bool:
        return self.tok.kind == "name" and self.tok.text.lower() in words

    def expect_op(self, op: str) -> None:
        if not self.is_op(op):
            found = self.tok.text or "end of text"
            raise self.error(f"expected {op!r}, found {found!r}")
        self.advance()

    def skip_separators(self) -> None:
        while self.tok.kind == "sep" or self.is_word("and"):
            self.advance()

    # ------------------------------------------------------------ grammar
    def problem(self) -> Problem:
        self.skip_newlines()
        if not (self.tok.kind == "name" and self.tok.text.lower() in _SENSES):
            raise self.error(
                "problem text must start with 'minimize' or 'maximize'",
                hint='for example: "minimize (x-1)**2 subject to x >= 2"',
            )
        sense = _SENSES[self.advance().text.lower()]
        self.skip_newlines()
        objective = self.expr()
        self.skip_newlines()
        constraints: list[tuple[str | None, sp.Basic, _Token]] = []
        if self.tok.kind == "st" or self.is_word("st"):
            self.advance()
            self.constraint_list(constraints)
        elif self.is_word("subject"):
            self.advance()
            if not self.is_word("to"):
                raise self.error("expected 'to' after 'subject'")
            self.advance()
            self.constraint_list(constraints)
        elif self.is_word("such"):
            self.advance()
            if not self.is_word("that"):
                raise self.error("expected 'that' after 'such'")
            self.advance()
            self.constraint_list(constraints)
        if self.tok.kind != "end":
            raise self.error(
                f"unexpected {self.tok.text!r} after the objective",
                hint="separate the objective from constraints with 'subject to' or 's.t.', "
                "and write products with * (2*x, not 2x)",
            )
        return self.build(sense, objective, constraints)

    def skip_newlines(self) -> None:
        while self.tok.kind == "sep" and self.tok.text == "\n":
            self.advance()

    def constraint_list(self, out: list[tuple[str | None, sp.Basic, _Token]]) -> None:
        self.skip_separators()
        while self.tok.kind != "end":
            self.constraint(out)
            if self.tok.kind == "end":
                break
            if not (self.tok.kind == "sep" or self.is_word("and")):
                raise self.error(
                    f"expected a separator between constraints, found {self.tok.text!r}",
                    hint="separate constraints with commas, semicolons, newlines or 'and'",
                )
            self.skip_separators()

    def constraint(self, out: list[tuple[str | None, sp.Basic, _Token]]) -> None:
        start = self.tok
        label = None
        if self.tok.kind == "name" and self.peek().kind == "op" and self.peek().text == ":":
            label = self.check_name(self.advance()).text
            self.advance()
            start = self.tok
        terms = [self.expr()]
        ops: list[_Token] = []
        while self.tok.kind == "op" and self.tok.text in (
            "<=",
            ">=",
            "==",
            "=",
            "≤",
            "≥",
            "<",
            ">",
            "!=",
            "=>",
            "=<",
        ):
            op = self.advance()
            if op.text in ("<", ">"):
                raise self.error(
                    f"strict inequality {op.text!r} is not allowed",
                    op,
                    hint=f"optimization needs closed sets: write {op.text}= instead",
                )
            if op.text == "!=":
                raise self.error("'!=' is not a constraint an optimizer can use", op)
            if op.text in ("=>", "=<"):
                raise self.error(f"unknown comparison {op.text!r}", op, hint="write >= or <=")
            ops.append(op)
            terms.append(self.expr())
        if not ops:
            raise self.error(
                "a constraint needs a comparison (<=, >= or ==)", start, hint="for example: x + y <= 1"
            )
        if len(ops) > 2:
            raise self.error("at most two comparisons can be chained, as in 0 <= x <= 1", ops[2])
        pieces = []
        for op, lhs, rhs in zip(ops, terms, terms[1:]):
            if op.text in ("==", "="):
                rel = sp.Eq(lhs, rhs)
            elif op.text in ("<=", "≤"):
                rel = sp.Le(lhs, rhs)
            else:
                rel = sp.Ge(lhs, rhs)
            pieces.append(rel)
        if len(ops) == 2 and any(op.text in ("==", "=") for op in ops):
            raise self.error("'==' cannot be chained with another comparison", ops[0])
        for k, rel in enumerate(pieces):
            name = label if label is None or len(pieces) == 1 else f"{label}_{k + 1}"
            out.append((name, rel, start))

    def expr(self) -> sp.Expr:
        self.enter()
        value = self.term()
        while self.is_op("+", "-"):
            op = self.advance().text
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        self.leave()
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while self.is_op("*", "/"):
            op = self.advance()
            rhs = self.unary()
            if op.text == "/":
                if rhs == 0:
                    raise self.error("division by zero", op)
                value = value / rhs
            else:
                value = value * rhs
        return value

    def unary(self) -> sp.Expr:
        if self.is_op("-", "+"):
            self.enter()
            op = self.advance().text
            value = self.unary()
            self.leave()
            return -value if op == "-" else value
        return self.power()

    def power(self) -> sp.Expr:
        base = self.atom()
        if self.is_op("**", "^"):
            op = self.advance()
            self.enter()
            exponent = self.unary()
            self.leave()
            if exponent.is_number and (not exponent.is_finite or abs(exponent) > MAX_EXPONENT):
                raise self.error(
                    f"exponent {exponent} is too large (the limit is {MAX_EXPONENT})",
                    op,
                    hint="very large powers are refused to keep parsing fast",
                )
            if base.is_number and exponent.is_number:
                if base == 0 and exponent.is_negative:
                    raise self.error("0 raised to a negative power is undefined", op)
                if (
                    base.is_finite
                    and abs(base) > 1
                    and float(abs(exponent)) * float(sp.log(abs(base), 10)) > 10_000
                ):
                    raise self.error("this power of a number has over 10000 digits", op)
            return base**exponent
        return base

    def atom(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            digits = tok.text.lower().split("e")[0].replace(".", "")
            if len(digits) > MAX_NUMBER_DIGITS:
                raise self.error(f"number with more than {MAX_NUMBER_DIGITS} digits", tok)
            if "e" in tok.text.lower():
                mantissa, _, exp10 = tok.text.lower().partition("e")
                if abs(int(exp10)) > 300:
                    raise self.error("number out of the float64 range", tok)
                return sp.Rational(mantissa) * sp.Integer(10) ** int(exp10)
            return sp.Rational(tok.text) if "." in tok.text else sp.Integer(tok.text)
        if tok.kind == "name":
            self.check_name(tok)
            self.advance()
            if self.is_op("("):
                return self.call(tok)
            if tok.text in FUNCTIONS:
                raise self.error(f"{tok.text!r} is a function; call it as {tok.text}(...)", tok)
            if tok.text in CONSTANTS:
                return CONSTANTS[tok.text]
            if tok.text.lower() in _RESERVED or tok.text.lower() == "to":
                raise self.error(f"{tok.text!r} is a keyword here, not an expression", tok)
            return self.symbol(tok.text)
        if self.is_op("("):
            self.advance()
            self.enter()
            value = self.expr()
            self.leave()
            self.expect_op(")")
            return value
        found = tok.text or "end of text"
        raise self.error(f"expected a number, a name or '(', found {found!r}", tok)

    def call(self, name_tok: _Token) -> sp.Expr:
        name = name_tok.text
        if name not in FUNCTIONS:
            raise self.error(
                f"unknown function {name!r}",
                name_tok,
                hint=f"allowed functions: {', '.join(sorted(set(FUNCTIONS)))}",
            )
        self.expect_op("(")
        self.enter()
        args = [self.expr()]
        while self.is_op(","):
            self.advance()
            args.append(self.expr())
        self.leave()
        self.expect_op(")")
        lo, hi = _ARITY.get(name, (1, 1))
        if not lo <= len(args) <= hi:
            raise self.error(
                f"{name}() takes {lo if lo == hi else f'{lo} to {hi}'} argument(s), got {len(args)}", name_tok
            )
        return FUNCTIONS[name](*args)

    def check_name(self, tok: _Token) -> _Token:
        name = tok.text
        if "__" in name:
            raise self.error(f"dunder names such as {name!r} are not allowed", tok)
        if keyword.iskeyword(name) or name in ("lambda", "import", "exec", "eval"):
            raise self.error(f"Python keyword {name!r} is not allowed in problem text", tok)
        return tok

    def symbol(self, name: str) -> sp.Symbol:
        if name not in self.symbols:
            self.symbols[name] = sp.Symbol(name, real=True)
        return self.symbols[name]

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested more than {MAX_DEPTH} levels deep")

    def leave(self) -> None:
        self.depth -= 1

    # ------------------------------------------------------------ assembly
    def build(self, sense: str, objective: sp.Expr, constraints: list) -> Problem:
        named: list[Constraint] = []
        used = {name for name, _, _ in constraints if name}
        counter = 0
        for name, rel, tok in constraints:
            if name is None:
                counter += 1
                while f"c{counter}" in used:
                    counter += 1
                name = f"c{counter}"
            elif name in {c.name for c in named}:
                raise self.error(f"constraint name {name!r} is used twice", tok)
            try:
                named.append(Constraint.from_relational(name, rel))
            except ValueError as exc:
                raise self.error(str(exc), tok) from None
        symbols: set[sp.Symbol] = set(objective.free_symbols)
        for c in named:
            symbols |= c.expr.free_symbols
        variables = tuple(sorted(symbols, key=natural_key))
        return Problem(objective=objective, sense=sense, constraints=tuple(named), variables=variables)


def parse_problem(text: str) -> Problem:
    """Parse problem text into a :class:`~lagrangekit.Problem`, safely.

    Accepted forms include ``"minimize (y-1)**2 subject to y >= 3"`` and
    ``"maximize x*y s.t. budget: x + y == 10, x >= 0"``. Constraints are separated by
    commas, semicolons, newlines or ``and``, may carry a ``name:`` label (unlabelled
    ones are named ``c1, c2, ...``), use ``=`` or ``==`` for equality, and ``^`` is
    accepted for powers. Decimal numbers are read exactly (``0.1`` is 1/10). Every
    name becomes a real variable, in name order.

    Only names, numbers, arithmetic, comparisons and the functions exp, log, ln, sqrt,
    sin, cos, tan, erf, Abs/abs, Max/max, Min/min and constants pi, E are allowed. Nothing in
    the text is ever executed: there is no ``eval`` and no ``sympify`` of the text.

    Raises
    ------
    ParseError
        With the position and a hint, for anything outside the grammar: attribute
        access, dunder names, lambda, unknown functions, subscripts, strings, imports,
        strict inequalities, or input over :data:`MAX_LENGTH` characters or nested
        deeper than :data:`MAX_DEPTH`.
    """
    return _Parser(text).problem()


def parse_expression(text: str) -> sp.Expr:
    """Parse one arithmetic expression with the same safe grammar as :func:`parse_problem`."""
    parser = _Parser(text)
    value = parser.expr()
    if parser.tok.kind != "end":
        raise parser.error(f"unexpected {parser.tok.text!r} after the expression")
    return value
