"""Reading the user's input safely: problem text (argument, file or stdin), ``name=value``
points, and numeric CSV files."""

from __future__ import annotations

import argparse
import csv
import os
import stat
import sys
from dataclasses import dataclass
from typing import Any

from ._common import CLIError

DEFAULT_PROBLEM = "maximize x + y subject to circle: x**2 + y**2 == 1"


#: The CLI's default longest problem text: the user's own files, so far above the library's
#: 10,000 (a guard for services that parse untrusted text); --max-length changes it.
CLI_MAX_LENGTH = 1_000_000


def _read_limited(handle: Any, limit: int, source: str) -> str:
    """At most ``limit`` characters of ``handle``; a CLIError if there are more."""
    text = handle.read(limit + 1)
    if len(text) > limit:
        raise CLIError(f"{source} is over the limit of {limit} characters; raise it with --max-length")
    return text


def read_problem_text(args: argparse.Namespace) -> tuple[str, bool]:
    """The problem text and whether it is the built-in default.

    The built-in example is used only when no problem is given and no input is attached to
    standard input (a terminal, /dev/null or none); an empty pipe or file is a usage error.
    """
    limit = args.max_length
    if limit < 1:
        raise CLIError(f"--max-length must be a positive number of characters, got {limit}")
    if args.problem is not None and args.file is not None:
        raise CLIError("give the problem either as an argument or with -f FILE, not both")
    if args.file == "-":
        text = _read_limited(sys.stdin, limit, "standard input")
        return _nonempty(text, "standard input (-f -)", args), False
    if args.file is not None:
        try:
            with open(args.file, encoding="utf-8") as handle:
                text = _read_limited(handle, limit, f"problem file {args.file!r}")
        except OSError as exc:
            raise CLIError(f"cannot read problem file {args.file!r}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CLIError(f"problem file {args.file!r} is not UTF-8 text") from None
        return _nonempty(text, f"problem file {args.file!r}", args), False
    if args.problem is not None:
        return args.problem, False
    if _stdin_is_data():
        return _nonempty(_read_limited(sys.stdin, limit, "standard input"), "standard input", args), False
    if args.command != "solve":
        raise CLIError(f"'{args.command}' needs a problem: give it as an argument, with -f FILE, or on stdin")
    return DEFAULT_PROBLEM, True


def _stdin_is_data() -> bool:
    """True when standard input is a pipe or a file to read; False for a terminal, /dev/null or none.

    So ``true | lagrangekit solve`` (an empty pipe) is a usage error, while a script that runs
    ``lagrangekit solve`` with no input attached (stdin /dev/null, as CI and cron do) gets the demo.
    """
    if sys.stdin is None:
        return False
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError):  # no file descriptor (a StringIO in tests): judge by isatty
        return not sys.stdin.isatty()
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _nonempty(text: str, source: str, args: argparse.Namespace) -> str:
    if not text.strip():
        raise CLIError(
            f"'{args.command}' needs a problem, and {source} is empty: give it as an argument, with "
            "-f FILE, or on standard input (the built-in example of 'solve' runs when no input is attached)"
        )
    return text


def parse_problem_text(text: str, args: argparse.Namespace) -> Any:
    """The problem, parsed with the limit of --max-length and the names of --variables."""
    from ..errors import ParseError
    from ..parsing import parse_problem

    variables = split_top_level(args.variables) if args.variables is not None else None
    if variables is not None and not variables:
        raise CLIError("--variables needs names separated by commas, e.g. --variables x,y")
    try:
        return parse_problem(text.strip(), max_length=args.max_length, variables=variables)
    except ParseError as exc:
        where = f" at position {exc.position}" if exc.position is not None else ""
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        raise CLIError(f"cannot parse the problem: {exc.message}{where}{hint}") from None
    except ValueError as exc:  # the problem model or --variables refused it
        raise CLIError(f"not a valid problem: {exc}") from None


def split_top_level(text: str) -> list[str]:
    """Split ``text`` at commas that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_assignments(text: str, option: str) -> dict[str, Any]:
    """Read ``"x=0.5, y=sqrt(2)/2"`` safely into ``{name: value}``.

    A value written with a decimal point or exponent becomes a float; an exact
    expression such as ``sqrt(2)/2`` stays an exact sympy number, so it is checked exactly.
    """
    from ..errors import ParseError
    from ..parsing import parse_expression

    out: dict[str, Any] = {}
    for item in split_top_level(text):
        name, sep, value_text = item.partition("=")
        name, value_text = name.strip(), value_text.strip()
        if not sep or not name or not value_text:
            raise CLIError(f"{option} expects name=value pairs separated by commas, got {item!r}")
        if name in out:
            raise CLIError(f"{option} gives {name!r} twice")
        try:
            value = parse_expression(value_text)
        except ParseError as exc:
            raise CLIError(f"{option}: cannot read the value of {name!r}: {exc.message}") from None
        if value.free_symbols or not value.is_number:
            raise CLIError(f"{option}: the value of {name!r} must be a number, got {value_text!r}")
        if not value.is_real:
            raise CLIError(f"{option}: the value of {name!r} must be real, got {value}")
        inexact = any(ch in value_text for ch in ".eE") and "exp" not in value_text
        out[name] = float(value) if inexact else value
    if not out:
        raise CLIError(f"{option} needs at least one name=value pair")
    return out


@dataclass(frozen=True)
class Table:
    """A numeric CSV: column names and a (rows, columns) float array."""

    columns: tuple[str, ...]
    values: Any


def read_csv(path: str) -> Table:
    """Read a numeric CSV with a header row; errors name the file, row and column."""
    import numpy as np

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise CLIError(f"cannot read data file {path!r}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CLIError(f"data file {path!r} is not a readable CSV: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise CLIError(f"data file {path!r} is empty; it needs a header row and at least one data row")
    header = tuple(cell.strip() for cell in rows[0])
    if len(set(header)) != len(header) or not all(header):
        raise CLIError(f"data file {path!r}: the header row must name every column once, got {list(header)}")
    if len(rows) < 2:
        raise CLIError(f"data file {path!r} has a header but no data rows")
    values = np.empty((len(rows) - 1, len(header)))
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CLIError(
                f"data file {path!r}, line {i}: {len(row)} fields where the header has {len(header)}"
            )
        for j, cell in enumerate(row):
            try:
                values[i - 2, j] = float(cell)
            except ValueError:
                raise CLIError(
                    f"data file {path!r}, line {i}, column {header[j]!r}: {cell!r} is not a number"
                ) from None
    if not np.isfinite(values).all():
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise CLIError(
            f"data file {path!r}, line {i + 2}, column {header[j]!r}: NaN or inf; remove or impute it"
        )
    return Table(header, values)
