"""The ``lagrangekit`` command: ``solve``, ``check``, ``dual`` and ``fit`` from a shell.

Problem text comes as an argument, from ``-f FILE`` (``-f -`` is stdin), or piped on stdin,
and is read by the safe parser (:func:`lagrangekit.parse_problem`); nothing in it is executed.
``lagrangekit solve`` with no problem solves the built-in example, TEXTBOOK case T1.

Exit codes
----------
0
    An optimal answer (``solve``, ``dual``, ``fit``) or a verified KKT point (``check``).
1
    Infeasible, unbounded, failed, no KKT point, "not a KKT point", or a feature this
    installation does not have.
2
    Usage errors, problem text the parser refuses, unreadable or malformed data files.
    The message is one line on stderr and there is no traceback (``--traceback`` shows one).

JSON output (``--json``)
------------------------
One JSON object on stdout, strict JSON. Numbers are plain floats (non-finite ones are the
strings ``"inf"``, ``"-inf"``, ``"nan"``); exact values appear as strings such as
``"sqrt(2)/2"`` only under ``solve``'s ``exact`` and ``exact_multipliers``. Every object has
``"schema": "lagrangekit.cli/1"``, ``"command"`` and ``"exit_code"``. The remaining keys
of each command are listed in :data:`JSON_KEYS` and documented in the CLI user guide.
Errors with exit code 2 print nothing on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_PROBLEM", "JSON_KEYS", "JSON_SCHEMA", "main"]

DEFAULT_PROBLEM = "maximize x + y subject to circle: x**2 + y**2 == 1"
JSON_SCHEMA = "lagrangekit.cli/1"

#: The keys of each command's JSON object, besides ``schema``, ``command`` and ``exit_code``.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "solve": (
        "problem",
        "mode",
        "method",
        "status",
        "success",
        "message",
        "fun",
        "x",
        "exact",
        "multipliers",
        "exact_multipliers",
        "candidates",
        "kkt",
    ),
    "check": ("problem", "point", "multipliers", "ok", "failed", "kkt"),
    "dual": ("problem", "function", "domain", "status", "dual_optimum", "multipliers", "gap", "slater"),
    "fit": (
        "model",
        "estimator",
        "data",
        "target",
        "n_samples",
        "coef",
        "intercept",
        "alpha",
        "multiplier",
        "certificate",
        "crosscheck",
    ),
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CLIError(Exception):
    """An error the CLI reports as one line on stderr, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors as a one-line :class:`CLIError`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CLIError(f"{message} (see '{self.prog} --help')")


@dataclass(frozen=True)
class Output:
    """What one command produced: human text, the JSON payload and the exit code."""

    text: str
    data: dict[str, Any]
    code: int


# ----------------------------------------------------------------------------- helpers
def _feature(module: str, name: str, command: str) -> Any:
    """Import ``lagrangekit.<module>.<name>``, or explain that this installation lacks it."""
    try:
        return getattr(import_module(f"lagrangekit{module}"), name)
    except (ImportError, AttributeError):
        where = f"lagrangekit{module}.{name}" if module else f"lagrangekit.{name}"
        raise CLIError(
            f"'{command}' needs {where}, which this installation of lagrangekit does not provide yet",
            EXIT_FAILED,
        ) from None


def _plain(value: Any) -> Any:
    """JSON-ready data with every number a plain float.

    :func:`lagrangekit.result.to_jsonable` writes an exact number as
    ``{"exact": str, "value": float}``; the CLI schema keeps numbers plain and lists exact
    values separately (``exact``, ``exact_multipliers``), so such pairs become their value.
    """
    from .result import to_jsonable

    value = to_jsonable(value)
    if isinstance(value, dict):
        if set(value) == {"exact", "value"}:
            return value["value"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _num(value: Any) -> Any:
    """A float for JSON (``"inf"``, ``"-inf"``, ``"nan"`` when not finite), or None."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return v if math.isfinite(v) else str(v)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _fmt(value: Any) -> str:
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)


def _table(rows: Sequence[tuple[str, str]], indent: str = "  ") -> str:
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{indent}{k.ljust(width)}  {v}" for k, v in rows)


def _read_problem_text(args: argparse.Namespace) -> tuple[str, bool]:
    """The problem text and whether it is the built-in default."""
    if args.problem is not None and args.file is not None:
        raise CLIError("give the problem either as an argument or with -f FILE, not both")
    if args.file is not None:
        if args.file == "-":
            return sys.stdin.read(), False
        try:
            return Path(args.file).read_text(encoding="utf-8"), False
        except OSError as exc:
            raise CLIError(f"cannot read problem file {args.file!r}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CLIError(f"problem file {args.file!r} is not UTF-8 text") from None
    if args.problem is not None:
        return args.problem, False
    if sys.stdin is not None and not sys.stdin.isatty():
        text = sys.stdin.read()
        if text.strip():
            return text, False
    if args.command != "solve":
        raise CLIError(f"'{args.command}' needs a problem: give it as an argument, with -f FILE, or on stdin")
    return DEFAULT_PROBLEM, True


def _parse_problem(text: str) -> Any:
    from .errors import ParseError
    from .parsing import parse_problem

    try:
        return parse_problem(text.strip())
    except ParseError as exc:
        where = f" at position {exc.position}" if exc.position is not None else ""
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        raise CLIError(f"cannot parse the problem: {exc.message}{where}{hint}") from None
    except ValueError as exc:  # the problem model refused it
        raise CLIError(f"not a valid problem: {exc}") from None


def _split_top_level(text: str) -> list[str]:
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


def _parse_assignments(text: str, option: str) -> dict[str, Any]:
    """Read ``"x=0.5, y=sqrt(2)/2"`` safely into ``{name: value}``.

    A value written with a decimal point or exponent becomes a float; an exact
    expression such as ``sqrt(2)/2`` stays an exact sympy number, so it is checked exactly.
    """
    from .errors import ParseError
    from .parsing import parse_expression

    out: dict[str, Any] = {}
    for item in _split_top_level(text):
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


@contextmanager
def _progress(label: str, stream: Any = None) -> Iterator[None]:
    """Show an elapsed-time indicator on a terminal while a long fit runs; nothing on a pipe."""
    stream = sys.stderr if stream is None else stream
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield
        return
    done = threading.Event()
    start = time.perf_counter()

    def spin() -> None:
        frames = "|/-\\"
        k = 0
        while not done.wait(0.1):
            stream.write(f"\r{frames[k % 4]} {label} {time.perf_counter() - start:5.1f} s")
            stream.flush()
            k += 1

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        stream.write(f"\r{label} done in {time.perf_counter() - start:.1f} s\n")
        stream.flush()


# ----------------------------------------------------------------------------- solve
def _variable_values(problem: Any, result: Any) -> dict[str, Any]:
    return {str(var): _num(result.point.get(var, value)) for var, value in zip(problem.variables, result.x)}


def _exact_values(problem: Any, result: Any) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    if result.exact is None:
        return None, None
    names = {str(v) for v in problem.variables}
    exact_x = {str(k): str(v) for k, v in result.exact.items() if str(k) in names}
    exact_m = {str(k): str(v) for k, v in result.exact.items() if str(k) in result.multipliers}
    return exact_x or None, exact_m or None


def _latex_lines(problem: Any, result: Any) -> str:
    import sympy as sp

    lines = [f"L = {sp.latex(problem.lagrangian())}"]
    exact = result.exact or {}
    for var, value in zip(problem.variables, result.x):
        lines.append(f"{sp.latex(var)}^* = {sp.latex(exact.get(var, sp.Float(value, 10)))}")
    for name, symbol in problem.multipliers.items():
        if name in result.multipliers:
            value = exact.get(name, sp.Float(float(result.multipliers[name]), 10))
            lines.append(f"{sp.latex(symbol)} = {sp.latex(value)}")
    return "\n".join(lines)


def _run_solve(args: argparse.Namespace, problem: Any) -> tuple[Any, str, str]:
    """Solve as asked; returns (result, mode, note).

    The default tries the exact route first and falls back to the numerical one when sympy
    cannot solve the system (or the exact route is not installed), saying so in the note.
    """
    from .errors import SymbolicSolveError

    mode = "numeric" if args.numeric or args.method else "exact" if args.exact else "auto"
    note = ""
    if mode in ("exact", "auto"):
        try:
            solve_symbolic = _feature("", "solve_symbolic", "solve --exact")
            return solve_symbolic(problem, timeout=args.timeout), "exact", ""
        except SymbolicSolveError as exc:
            if mode == "exact":
                raise CLIError(
                    f"exact solve failed: {_first_line(exc)}; try --numeric", EXIT_FAILED
                ) from None
            note = f"exact solve failed ({_first_line(exc)}); solved numerically instead"
        except CLIError:
            if mode == "exact":
                raise
            note = "the exact solver is not available; solved numerically"
    solve = _feature("", "solve", "solve --numeric")
    kwargs: dict[str, Any] = {"method": args.method or "auto"}
    if args.starts != 1:
        kwargs.update(n_starts=args.starts, seed=args.seed)
    with _progress(f"solving ({args.starts} starts)") if args.starts > 1 else nullcontext():
        result = solve(problem, **kwargs)
    return result, "numeric", note


def _candidate_json(candidate: Any) -> Any:
    try:
        return _plain(candidate)
    except (TypeError, ValueError):
        return str(candidate)


def cmd_solve(args: argparse.Namespace) -> Output:
    """``lagrangekit solve``: the solution, multipliers by name, candidates and KKT report."""
    if args.exact and args.method:
        raise CLIError("--method chooses a numerical solver; it cannot be combined with --exact")
    text, is_default = _read_problem_text(args)
    problem = _parse_problem(text)
    result, mode, note = _run_solve(args, problem)
    exact_x, exact_m = _exact_values(problem, result)
    code = EXIT_OK if result.success else EXIT_FAILED
    data = {
        "problem": problem.to_text(),
        "mode": mode,
        "method": result.method,
        "status": result.status,
        "success": result.success,
        "message": result.message,
        "fun": _num(result.fun),
        "x": _variable_values(problem, result),
        "exact": exact_x,
        "multipliers": {k: _num(v) for k, v in result.multipliers.items()},
        "exact_multipliers": exact_m,
        "candidates": [_candidate_json(c) for c in result.candidates],
        "kkt": None if result.kkt is None else result.kkt.to_dict(),
    }
    lines = []
    if is_default:
        lines.append("No problem given: solving the built-in example (TEXTBOOK T1).")
    lines.append(str(problem))
    if note:
        lines.append(note)
    lines.append("")
    lines.append(str(result))
    if args.latex:
        lines.append("")
        lines.append(_latex_lines(problem, result))
    return Output("\n".join(lines), data, code)


# ----------------------------------------------------------------------------- check
def _point_for(problem: Any, values: Mapping[str, Any]) -> dict[Any, Any]:
    by_name = {v.name: v for v in problem.variables}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise CLIError(f"--at names {unknown}, which are not variables; the variables are {sorted(by_name)}")
    missing = [name for name in by_name if name not in values]
    if missing:
        raise CLIError(f"--at is missing a value for {', '.join(missing)}")
    return {by_name[name]: values[name] for name in by_name}


def cmd_check(args: argparse.Namespace) -> Output:
    """``lagrangekit check``: the KKT report of a point, condition by condition."""
    text, _ = _read_problem_text(args)
    problem = _parse_problem(text)
    point = _point_for(problem, _parse_assignments(args.at, "--at"))
    multipliers = None
    if args.multipliers is not None:
        multipliers = _parse_assignments(args.multipliers, "--multipliers")
        known = set(problem.multipliers)
        unknown = sorted(set(multipliers) - known)
        if unknown:
            raise CLIError(
                f"--multipliers names {unknown}, which are not constraints; the names are {sorted(known)}"
            )
    check_kkt = _feature("", "check_kkt", "check")
    report = check_kkt(problem, point, multipliers, tol=args.tol, second_order=args.second_order)
    code = EXIT_OK if report.ok else EXIT_FAILED
    data = {
        "problem": problem.to_text(),
        "point": {str(k): _num(v) for k, v in point.items()},
        "multipliers": None if multipliers is None else {k: _num(v) for k, v in multipliers.items()},
        "ok": report.ok,
        "failed": list(report.failed_conditions())
        + (["second_order"] if report.second_order is False else []),
        "kkt": report.to_dict(),
    }
    at = ", ".join(f"{k} = {v}" for k, v in point.items())
    return Output(f"{problem}\n\nat {at}\n\n{report}", data, code)


# ----------------------------------------------------------------------------- dual
def _slater(problem: Any) -> dict[str, Any]:
    """Slater's verdict as JSON data: ``holds``, a strictly feasible ``point`` and the reason."""
    report = _feature("", "slater_point", "dual")(problem)
    point = getattr(report, "point", None)
    return {
        "holds": bool(report.holds),
        "point": None if point is None else {str(k): _num(v) for k, v in point.items()},
        "reason": str(getattr(report, "message", "")),
    }


def cmd_dual(args: argparse.Namespace) -> Output:
    """``lagrangekit dual``: the dual function, its optimum, the gap and Slater's verdict."""
    import sympy as sp

    text, _ = _read_problem_text(args)
    problem = _parse_problem(text)
    dual = _feature("", "dual", "dual")(problem)
    dual_result = dual.solve()
    gap = _feature("", "duality_gap", "dual")(problem)
    slater = _slater(problem)
    function = dual.function
    domain = [str(c) for c in (dual.domain or ())]
    code = EXIT_OK if dual_result.success else EXIT_FAILED
    data = {
        "problem": problem.to_text(),
        "function": None if function is None else str(function),
        "domain": domain,
        "status": dual_result.status,
        "dual_optimum": _num(dual_result.fun),
        "multipliers": {name: _num(v) for name, v in zip(dual.names, dual_result.x)},
        "gap": _num(gap),
        "slater": slater,
    }
    if function is None:
        shown = "no closed form (evaluated by inner minimization)"
    else:
        shown = sp.latex(function) if args.latex else sp.sstr(function)
    slater_text = slater["reason"] or ("holds" if slater["holds"] else "fails")
    rows = [
        ("dual function g", shown),
        ("domain", ", ".join(domain) or "all multipliers"),
        ("dual optimum g*", f"{_fmt(dual_result.fun)} ({dual_result.status})"),
    ]
    rows += [(f"  {k}", _fmt(v)) for k, v in data["multipliers"].items()]
    rows += [("duality gap", _fmt(gap)), ("Slater", slater_text)]
    return Output(f"{problem}\n\n{_table(rows, indent='')}", data, code)


# ----------------------------------------------------------------------------- fit
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


_ESTIMATORS = {
    # model: (penalized, cross-validated, constrained)
    "ridge": ("Ridge", "RidgeCV", "ConstrainedRidge"),
    "lasso": ("Lasso", "LassoCV", "ConstrainedLasso"),
    "elasticnet": ("ElasticNet", "ElasticNetCV", None),
    "logistic": ("LogisticRegression", None, None),
}


def _make_estimator(args: argparse.Namespace) -> Any:
    penalized, cross_validated, constrained = _ESTIMATORS[args.model]
    if args.cv:
        if cross_validated is None:
            raise CLIError(f"--cv is not available for {args.model}")
        name, kwargs = cross_validated, {}
    elif args.constrained is not None:
        if constrained is None:
            raise CLIError(f"--constrained is available for ridge and lasso, not {args.model}")
        if args.constrained < 0:
            raise CLIError(f"--constrained must be >= 0, got {args.constrained:g}")
        name, kwargs = constrained, {"s" if args.model == "ridge" else "t": args.constrained}
    else:
        if args.alpha < 0:
            raise CLIError(f"--alpha must be >= 0, got {args.alpha:g}")
        name, kwargs = penalized, {"alpha": args.alpha}
    if args.model == "elasticnet":
        kwargs["l1_ratio"] = args.l1_ratio
    if args.model == "logistic":
        kwargs["penalty"] = None if args.penalty == "none" else args.penalty
    kwargs["fit_intercept"] = not args.no_intercept
    return name, _feature(".linear_model", name, f"fit {args.model}")(**kwargs)


def _certificate(estimator: Any, X: Any, y: Any) -> dict[str, Any]:
    report = estimator.kkt(X, y) if hasattr(estimator, "kkt") else None
    gap = getattr(estimator, "dual_gap_", None)
    out: dict[str, Any] = {"kind": "duality gap" if gap is not None else "kkt"}
    if gap is not None:
        out["dual_gap"] = _num(gap)
    if report is not None:
        out["kkt"] = report.to_dict()
    # perfect separation (TEXTBOOK L6) leaves an unpenalized logistic fit without an optimum
    unpenalized = getattr(estimator, "penalty", "l2") is None or getattr(estimator, "alpha", 1.0) == 0
    no_optimum = bool(getattr(estimator, "separable_", False)) and unpenalized
    out["separable"] = bool(getattr(estimator, "separable_", False))
    out["optimum_exists"] = not no_optimum
    out["ok"] = (report is None or report.ok) and not no_optimum
    return out


def _crosscheck(estimator: Any, X: Any, y: Any, model: str) -> dict[str, Any]:
    import numpy as np

    fit_cvxpy = _feature(".linear_model", "fit_cvxpy", "fit --crosscheck")
    ref = fit_cvxpy(estimator, X, y)
    get = ref.get if isinstance(ref, Mapping) else lambda key, default=None: getattr(ref, key, default)
    coef = np.ravel(get("coef"))
    out = {
        "coef_max_abs_diff": _num(np.max(np.abs(coef - np.ravel(estimator.coef_)))),
        "intercept_abs_diff": _num(abs(float(np.ravel(get("intercept", 0.0))[0]) - _intercept(estimator))),
        "multiplier_abs_diff": None,
    }
    ref_mult, ours = get("multiplier"), getattr(estimator, "multiplier_", None)
    if ref_mult is not None and ours is not None:
        out["multiplier_abs_diff"] = _num(abs(float(ref_mult) - float(ours)))
    return out


def _intercept(estimator: Any) -> float:
    import numpy as np

    return float(np.ravel(getattr(estimator, "intercept_", 0.0))[0])


def cmd_fit(args: argparse.Namespace) -> Output:
    """``lagrangekit fit``: coefficients by column, intercept, certificate, cvxpy comparison."""
    import numpy as np

    table = read_csv(args.data)
    if args.target not in table.columns:
        raise CLIError(
            f"--target {args.target!r} is not a column of {args.data!r}; columns: {list(table.columns)}"
        )
    features = [c for c in table.columns if c != args.target]
    if not features:
        raise CLIError(f"data file {args.data!r} has no feature columns besides the target {args.target!r}")
    X = table.values[:, [table.columns.index(c) for c in features]]
    y = table.values[:, table.columns.index(args.target)]
    name, estimator = _make_estimator(args)
    long_fit = args.cv or args.constrained is not None
    try:
        with _progress(f"fitting {name}") if long_fit else nullcontext():
            estimator.fit(X, y)
    except ValueError as exc:
        raise CLIError(f"cannot fit {name} to {args.data!r}: {exc}") from None
    certificate = _certificate(estimator, X, y)
    crosscheck = _crosscheck(estimator, X, y, args.model) if args.crosscheck else None
    coef = np.ravel(estimator.coef_)
    alpha = getattr(estimator, "alpha_", getattr(estimator, "alpha", None))
    multiplier = getattr(estimator, "multiplier_", None)
    data = {
        "model": args.model,
        "estimator": name,
        "data": args.data,
        "target": args.target,
        "n_samples": int(X.shape[0]),
        "coef": {c: _num(w) for c, w in zip(features, coef)},
        "intercept": _num(_intercept(estimator)),
        "alpha": _num(alpha),
        "multiplier": _num(multiplier),
        "certificate": certificate,
        "crosscheck": crosscheck,
    }
    rows = [(c, _fmt(w)) for c, w in zip(features, coef)] + [("(intercept)", _fmt(_intercept(estimator)))]
    lines = [
        f"{name} on {args.data} ({X.shape[0]} rows), target {args.target!r}",
        "coefficients:",
        _table(rows),
    ]
    if alpha is not None:
        lines.append(f"alpha: {_fmt(alpha)}")
    if multiplier is not None:
        lines.append(f"multiplier of the norm constraint (= alpha of the penalized form): {_fmt(multiplier)}")
    if "dual_gap" in certificate:
        lines.append(f"duality gap: {_fmt(certificate['dual_gap'])}")
    if not certificate["optimum_exists"]:
        lines.append(
            "the classes are perfectly separable: the maximum likelihood estimate does not exist "
            "(the coefficients grow without bound); add a penalty, e.g. --penalty l2 --alpha 0.1"
        )
    if "kkt" in certificate:
        lines.append(str(estimator.kkt(X, y)))
    if crosscheck is not None:
        lines.append("cvxpy cross-check (absolute differences):")
        lines.append(_table([(k, _fmt(v)) for k, v in crosscheck.items() if v is not None]))
    code = EXIT_OK if certificate["ok"] else EXIT_FAILED
    return Output("\n".join(lines), data, code)


# ----------------------------------------------------------------------------- parser
def _add_problem_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", nargs="?", help='problem text, e.g. "minimize (y-1)**2 subject to y >= 3"')
    parser.add_argument(
        "-f", "--file", metavar="FILE", help="read the problem text from FILE ('-' for stdin)"
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object (schema lagrangekit.cli/1)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lagrangekit`` command."""
    from . import __version__

    parser = _ArgumentParser(
        prog="lagrangekit",
        description="Solve constrained problems with Lagrange multipliers, check KKT points, "
        "build duals and fit regularized regressions.",
        epilog="exit codes: 0 optimal or verified, 1 infeasible/unbounded/failed/not a KKT point, "
        "2 usage or parse error",
    )
    parser.add_argument("--version", action="version", version=f"lagrangekit {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show a traceback on unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)
    sub.required = True

    solve = sub.add_parser("solve", help="solve a problem, exactly or numerically")
    _add_problem_input(solve)
    how = solve.add_mutually_exclusive_group()
    how.add_argument("--exact", action="store_true", help="solve exactly with sympy (no fallback)")
    how.add_argument("--numeric", action="store_true", help="solve numerically")
    solve.add_argument("--method", help="numerical method: auto, auglag, slsqp, trust-constr, cvxpy")
    solve.add_argument("--starts", type=int, default=1, help="multistart runs (numerical, default 1)")
    solve.add_argument("--seed", type=int, default=0, help="seed of the multistart (default 0)")
    solve.add_argument("--timeout", type=float, default=30.0, help="time limit of the exact solve, s")
    solve.add_argument("--latex", action="store_true", help="also print the Lagrangian and solution in LaTeX")
    _add_json(solve)
    solve.set_defaults(handler=cmd_solve)

    check = sub.add_parser("check", help="check the KKT conditions at a point")
    _add_problem_input(check)
    check.add_argument("--at", required=True, metavar="POINT", help='the point, e.g. "x=0.5, y=sqrt(2)/2"')
    check.add_argument(
        "--multipliers", metavar="VALUES", help='multipliers by constraint name, e.g. "circle=0.7071"'
    )
    check.add_argument("--second-order", action="store_true", help="also check second-order conditions")
    check.add_argument("--tol", type=float, default=1e-6, help="tolerance of the residuals (default 1e-6)")
    _add_json(check)
    check.set_defaults(handler=cmd_check)

    dual = sub.add_parser("dual", help="the Lagrange dual, its optimum, the gap and Slater's condition")
    _add_problem_input(dual)
    dual.add_argument("--latex", action="store_true", help="print the dual function in LaTeX")
    _add_json(dual)
    dual.set_defaults(handler=cmd_dual)

    fit = sub.add_parser("fit", help="fit a regularized regression to a CSV file")
    fit.add_argument("model", choices=sorted(_ESTIMATORS), help="the estimator")
    fit.add_argument("data", help="CSV file with a header row; every cell numeric")
    fit.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    reg = fit.add_mutually_exclusive_group()
    reg.add_argument("--alpha", type=float, default=1.0, help="penalty strength (default 1.0)")
    reg.add_argument("--cv", action="store_true", help="choose alpha by cross-validation")
    reg.add_argument(
        "--constrained", type=float, metavar="T", help="fit the constrained form, norm bounded by T"
    )
    fit.add_argument("--l1-ratio", type=float, default=0.5, help="elasticnet mix (default 0.5)")
    fit.add_argument("--penalty", choices=("none", "l2", "l1"), default="l2", help="logistic penalty")
    fit.add_argument("--no-intercept", action="store_true", help="fit without an intercept")
    fit.add_argument("--crosscheck", action="store_true", help="compare with the same fit in cvxpy")
    _add_json(fit)
    fit.set_defaults(handler=cmd_fit)
    return parser


def _emit(output: Output, args: argparse.Namespace) -> None:
    if getattr(args, "json", False):
        payload = {"schema": JSON_SCHEMA, "command": args.command, "exit_code": output.code, **output.data}
        print(json.dumps(_plain(payload), indent=2, default=str))
    else:
        print(output.text)


def _classify(exc: Exception) -> tuple[int, str]:
    """Exit code and one-line message for an exception a command did not handle itself.

    ``ValueError`` (bad input, by the library's convention) is a usage error; other
    :class:`~lagrangekit.LagrangekitError` are failures; anything else is an internal error.
    """
    from .errors import LagrangekitError

    first_line = _first_line(exc)
    if isinstance(exc, ValueError):
        return EXIT_USAGE, f"error: {first_line}"
    if isinstance(exc, LagrangekitError):
        return EXIT_FAILED, f"{type(exc).__name__}: {first_line}"
    return EXIT_FAILED, f"internal error: {type(exc).__name__}: {first_line} (rerun with --traceback)"


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    text = (str(message).strip().splitlines() or [""])[0]
    print(f"lagrangekit: {category.__name__}: {text}", file=sys.stderr if file is None else file)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lagrangekit`` command and return its exit code (see the module docstring)."""
    import warnings

    parser = build_parser()
    traceback_requested = "--traceback" in (sys.argv[1:] if argv is None else argv)
    previous_showwarning = warnings.showwarning
    warnings.showwarning = _one_line_warning
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], Output] = args.handler
        output = handler(args)
    except CLIError as exc:
        print(f"lagrangekit: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("lagrangekit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if traceback_requested:
            raise
        code, message = _classify(exc)
        print(f"lagrangekit: {message}", file=sys.stderr)
        return code
    finally:
        warnings.showwarning = previous_showwarning
    try:
        _emit(output, args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return output.code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
