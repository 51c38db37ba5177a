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
names of non-real values (``I``, ``nan``, ``oo``, ...) are refused, and every other name is
a real symbol. The parser builds sympy objects directly from tokens, so no user text is
ever executed. Sums and products are built once from all their terms, and every number
is checked as it is built (:mod:`lagrangekit._number_limits`), so parse time is linear in
the length of the text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

from ._constant_value import sympy_assumption
from ._number_limits import MAX_EXPONENT, NumberLimits, rational_problem
from .errors import LoneVariableWarning, ParseError
from .problem import Constraint, Problem, natural_key
from .text_grammar import (
    ARITY,
    CONSTANTS,
    FUNCTIONS,
    NOT_REAL_NAMES,
    label_problem,
    name_problem,
)

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "parse_expression", "parse_problem"]

#: Default longest problem text, in characters (``max_length=`` changes it per call).
MAX_LENGTH = 10_000
MAX_DEPTH = 60
MAX_NUMBER_DIGITS = 60

_SENSES = {"minimize": "min", "minimise": "min", "maximize": "max", "maximise": "max"}
_COMPARISONS = ("<=", ">=", "==", "=", "≤", "≥", "<", ">", "!=", "=>", "=<")

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


def _declared_symbols(variables: Iterable[str | sp.Symbol] | None) -> dict[str, sp.Symbol] | None:
    """``variables=`` as {name: symbol}: names become real symbols, Symbols are kept as given."""
    if variables is None:
        return None
    if isinstance(variables, (str, sp.Symbol)):
        variables = [variables]
    declared: dict[str, sp.Symbol] = {}
    for item in variables:
        if isinstance(item, sp.Symbol):
            symbol = item
        elif isinstance(item, str):
            symbol = sp.Symbol(item, real=True)
        else:
            raise ValueError(f"variables must be names (str) or sympy Symbols, got {item!r}")
        reason = name_problem(symbol.name)
        if reason:
            raise ValueError(f"variables: {symbol.name!r} cannot be a variable of problem text: {reason}")
        if symbol.name in declared:
            raise ValueError(f"variables: {symbol.name!r} is declared twice")
        declared[symbol.name] = symbol
    return declared


class _Parser:
    def __init__(
        self, text: str, max_length: int = MAX_LENGTH, variables: Iterable[str | sp.Symbol] | None = None
    ) -> None:
        if not isinstance(text, str):
            raise ParseError(f"problem text must be a str, got {type(text).__name__}")
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError(f"max_length must be a positive int (characters), got {max_length!r}")
        if len(text) > max_length:
            raise ParseError(
                f"problem text is {len(text)} characters long, over the limit of {max_length}",
                hint="raise the limit with max_length= (the CLI's --max-length), or build the "
                "problem in Python with lk.minimize(...)",
            )
        self.text = text
        self.declared = _declared_symbols(variables)
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.symbols: dict[str, sp.Symbol] = {}
        self.limits = NumberLimits()

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

    def checked(self, expr: sp.Expr, tok: _Token, start: _Token | None = None) -> sp.Expr:
        """``expr`` if its numbers are real float64 values of bounded size, else a ParseError at ``tok``.

        The error quotes the text from ``start`` (default ``tok``) to the current token.
        """
        shown = self.text[(start or tok).pos : self.tok.pos].strip()
        reason = self.limits.check(expr, shown if 0 < len(shown) <= 40 else None)
        if reason:
            raise self.error(reason, tok, hint="constants must be real, finite float64 numbers")
        return expr

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
        elif self.is_word("subject", "such"):
            second = "to" if self.is_word("subject") else "that"
            first = self.advance().text
            if not self.is_word(second):
                raise self.error(f"expected {second!r} after {first!r}")
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
        while self.tok.kind == "op" and self.tok.text in _COMPARISONS:
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
        if len(ops) == 2 and any(op.text in ("==", "=") for op in ops):
            raise self.error("'==' cannot be chained with another comparison", ops[0])
        for k, (op, lhs, rhs) in enumerate(zip(ops, terms, terms[1:])):
            relation = sp.Eq if op.text in ("==", "=") else sp.Le if op.text in ("<=", "≤") else sp.Ge
            try:
                rel = relation(lhs, rhs)
            except (OverflowError, TypeError, ValueError) as exc:  # raised inside sympy/mpmath
                raise self.error(f"sympy cannot compare the two sides: {exc}", op) from None
            name = label if label is None or len(ops) == 1 else f"{label}_{k + 1}"
            out.append((name, rel, start))

    def expr(self) -> sp.Expr:
        self.enter()
        start = self.tok
        terms = [self.term()]
        while self.is_op("+", "-"):
            op = self.advance().text
            rhs = self.term()
            terms.append(rhs if op == "+" else -rhs)
        self.leave()
        return terms[0] if len(terms) == 1 else self.checked(sp.Add(*terms), start)

    def term(self) -> sp.Expr:
        start = self.tok
        factors = [self.unary()]
        while self.is_op("*", "/"):
            op = self.advance()
            divisor_start = self.tok
            rhs = self.unary()
            if op.text == "/":
                self.check_divisor(rhs, op)
                rhs = self.checked(sp.Pow(rhs, -1), op, divisor_start)  # 1/0**y is zoo**y
            factors.append(rhs)
        return factors[0] if len(factors) == 1 else self.checked(sp.Mul(*factors), start)

    def check_divisor(self, divisor: sp.Expr, op: _Token) -> None:
        """A ParseError if the constant ``divisor`` is zero, or too close to zero to tell."""
        if not divisor.is_number or abs(self.limits.values.value(divisor)) > 1e-12:
            return
        zero = sympy_assumption(divisor, "is_zero")
        if zero is not False:
            shown = sp.sstr(divisor)[:40]
            what = "division by zero" if zero else f"cannot tell whether the divisor {shown} is 0"
            raise self.error(what, op, hint="simplify the constant, or write its value")

    def unary(self) -> sp.Expr:
        if self.is_op("-", "+"):
            self.enter()
            op = self.advance().text
            value = self.unary()
            self.leave()
            return -value if op == "-" else value
        return self.power()

    def power(self) -> sp.Expr:
        start = self.tok
        base = self.atom()
        if not self.is_op("**", "^"):
            return base
        op = self.advance()
        self.enter()
        exponent = self.unary()
        self.leave()
        reason = self.limits.exponent_problem(exponent) or self.limits.power_problem(base, exponent)
        if reason:
            raise self.error(reason, op, hint="very large powers are refused to keep parsing fast")
        return self.checked(base**exponent, op, start)

    def atom(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            return self.number(tok)
        if tok.kind == "name":
            self.check_name(tok)
            self.advance()
            if self.is_op("("):
                return self.call(tok)
            if tok.text in FUNCTIONS:
                raise self.error(f"{tok.text!r} is a function; call it as {tok.text}(...)", tok)
            if tok.text in CONSTANTS:
                return CONSTANTS[tok.text]
            if tok.text in NOT_REAL_NAMES:
                raise self.error(
                    f"{tok.text!r} is not a real number; problem text takes only real, finite constants",
                    tok,
                    hint="rename the variable if you meant one",
                )
            return self.symbol(tok)
        if self.is_op("("):
            self.advance()
            self.enter()
            value = self.expr()
            self.leave()
            self.expect_op(")")
            return value
        found = tok.text or "end of text"
        raise self.error(f"expected a number, a name or '(', found {found!r}", tok)

    def number(self, tok: _Token) -> sp.Rational:
        """A number literal, read exactly; within float64's range and at most 60 digits."""
        mantissa, _, exp10 = tok.text.lower().partition("e")
        if len(mantissa.replace(".", "")) > MAX_NUMBER_DIGITS:
            raise self.error(f"number with more than {MAX_NUMBER_DIGITS} digits", tok)
        if len(exp10.lstrip("+-").lstrip("0")) > 4:
            raise self.error("number out of the float64 range", tok)
        shift = int(exp10 or 0)
        value = sp.Rational(mantissa) if "." in mantissa else sp.Integer(mantissa)
        if shift:
            value = value * (sp.Integer(10**shift) if shift > 0 else sp.Rational(1, 10**-shift))
        reason = rational_problem(value)
        if reason:
            raise self.error(reason, tok)
        return value

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
        lo, hi = ARITY.get(name, (1, 1))
        if not lo <= len(args) <= hi:
            raise self.error(
                f"{name}() takes {lo if lo == hi else f'{lo} to {hi}'} argument(s), got {len(args)}", name_tok
            )
        reason = self.limits.nesting_problem(tuple(args))
        if reason:
            raise self.error(reason, name_tok)
        if FUNCTIONS[name] in (sp.Max, sp.Min):
            return self.checked(self.extremum(FUNCTIONS[name], args), name_tok)
        if FUNCTIONS[name] is sp.log and len(args) == 2:
            return self.log_base(args[0], args[1], name_tok)
        return self.checked(FUNCTIONS[name](*args), name_tok)

    def extremum(self, kind: type[sp.Max] | type[sp.Min], args: list[sp.Expr]) -> sp.Expr:
        """Max or Min with its constant arguments reduced to the extreme one.

        The rest stays unevaluated: sympy's pairwise comparison of symbolic arguments
        costs tens of milliseconds per call and grows quadratically.
        """
        constants = [a for a in args if a.is_number]
        others = [a for a in args if not a.is_number]
        if constants:
            sign = 1 if kind is sp.Max else -1
            values = [sign * self.limits.values.value(c).real for c in constants]
            best = max(values)
            ties = [c for c, v in zip(constants, values) if v == best]
            try:
                others.append(kind(*ties))  # numbers only: sympy compares them exactly, and fast
            except (OverflowError, TypeError, ValueError):  # mpmath could not: keep them all
                others.extend(ties)
        return kind(*others, evaluate=False)

    def log_base(self, value: sp.Expr, base: sp.Expr, tok: _Token) -> sp.Expr:
        """log(value, base) = log(value)/log(base), for a base that is not 1 and not <= 0."""
        if base.is_number:
            b = self.limits.values.value(base)
            if not self.limits.values.is_real(base) or not b.real > 0 or b.real == 1:
                raise self.error(
                    f"log(x, base) needs a positive base other than 1, got {sp.sstr(base)}", tok
                )
        log_base = self.checked(sp.log(base), tok)
        return self.checked(self.checked(sp.log(value), tok) / log_base, tok)

    def check_name(self, tok: _Token) -> _Token:
        """``tok`` if its name can be a label or variable (functions and constants are checked later)."""
        reason = label_problem(tok.text)
        if reason:
            raise self.error(f"{tok.text[:40]!r} cannot be a name here: {reason}", tok)
        return tok

    def symbol(self, tok: _Token) -> sp.Symbol:
        name = tok.text
        if name in self.symbols:
            return self.symbols[name]
        if self.declared is None:
            symbol = sp.Symbol(name, real=True)
        elif name in self.declared:
            symbol = self.declared[name]
        else:
            raise self.error(
                f"{name!r} is not a declared variable",
                tok,
                hint=f"declared: {', '.join(self.declared) or 'none'}; check the spelling or declare it",
            )
        self.symbols[name] = symbol
        return symbol

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
        if self.declared is not None:
            variables = tuple(self.declared.values())
        else:
            variables = tuple(sorted(self.variables_of(objective, named), key=natural_key))
            _warn_lone_variables(objective, named)
        return Problem(objective=objective, sense=sense, constraints=tuple(named), variables=variables)

    @staticmethod
    def variables_of(objective: sp.Expr, constraints: list[Constraint]) -> set[sp.Symbol]:
        symbols: set[sp.Symbol] = set(objective.free_symbols)
        for c in constraints:
            symbols |= c.expr.free_symbols
        return symbols


def _warn_lone_variables(objective: sp.Expr, constraints: list[Constraint]) -> None:
    """Warn about each variable that appears in exactly one constraint and not in the objective."""
    in_objective = objective.free_symbols
    seen_in: dict[sp.Symbol, list[str]] = {}
    for c in constraints:
        for symbol in c.expr.free_symbols - in_objective:
            seen_in.setdefault(symbol, []).append(c.name)
    for symbol in sorted(seen_in, key=natural_key):
        if len(seen_in[symbol]) == 1:
            warnings.warn(
                f"variable {symbol.name!r} appears only in constraint {seen_in[symbol][0]!r} and not in "
                "the objective; if it is a misspelling, fix it, or pass variables=[...] to make "
                "undeclared names an error",
                LoneVariableWarning,
                stacklevel=5,
            )


def parse_problem(
    text: str, *, max_length: int = MAX_LENGTH, variables: Iterable[str | sp.Symbol] | None = None
) -> Problem:
    """Parse problem text into a :class:`~lagrangekit.Problem`, safely.

    Accepted forms include ``"minimize (y-1)**2 subject to y >= 3"`` and
    ``"maximize x*y s.t. budget: x + y == 10, x >= 0"``. Constraints are separated by
    commas, semicolons, newlines or ``and``, may carry a ``name:`` label (unlabelled
    ones are named ``c1, c2, ...``), use ``=`` or ``==`` for equality, and ``^`` is
    accepted for powers. Decimal numbers are read exactly (``0.1`` is 1/10).

    Only names, numbers, arithmetic, comparisons, the functions of :data:`FUNCTIONS`
    (exp, log, ln, sqrt, the trigonometric and hyperbolic functions and their inverses,
    erf, erfc, Abs/abs, Max/max, Min/min) and the constants pi and E are allowed. Nothing
    in the text is ever executed: there is no ``eval`` and no ``sympify`` of the text.
    ``log(x, b)`` is log(x)/log(b). Parse time is linear in the length of the text.

    Parameters
    ----------
    text : str
        The problem.
    max_length : int, default :data:`MAX_LENGTH` (10,000)
        Longest text accepted, in characters: a guard against denial of service that a
        caller reading trusted files can raise.
    variables : iterable of str or sympy.Symbol, optional
        The declared variables, in the order of the problem's ``variables``. Any other
        name in the text is then a :class:`ParseError`. Names become real symbols; a
        Symbol is used as given (with its assumptions). Without it, every name is a
        real variable, in name order, and a variable that appears in exactly one
        constraint and not in the objective (often a misspelling) gets a
        :class:`~lagrangekit.LoneVariableWarning`.

    Raises
    ------
    ParseError
        With the position and a hint, for anything outside the grammar: attribute
        access, dunder names, lambda, unknown functions, subscripts, strings, imports,
        strict inequalities, an undeclared name when ``variables`` is given, text
        longer than ``max_length`` or nested deeper than :data:`MAX_DEPTH`, and a
        constant that is not a real float64 number (``log(0)``, ``sqrt(-1)``, ``1e400``,
        ``I``, ``nan``, ``oo``) or an exponent over :data:`MAX_EXPONENT`.
    ValueError
        For a ``max_length`` that is not a positive int, or ``variables`` that repeat
        or are not names.
    """
    return _Parser(text, max_length, variables).problem()


def parse_expression(
    text: str, *, max_length: int = MAX_LENGTH, variables: Iterable[str | sp.Symbol] | None = None
) -> sp.Expr:
    """Parse one arithmetic expression with the same safe grammar and limits as :func:`parse_problem`."""
    parser = _Parser(text, max_length, variables)
    value = parser.expr()
    if parser.tok.kind != "end":
        raise parser.error(f"unexpected {parser.tok.text!r} after the expression")
    return value
