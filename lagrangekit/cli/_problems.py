"""The commands on problems: ``solve``, ``check`` and ``dual``."""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from ..errors import LocalOptimumWarning
from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    CLIError,
    Output,
    feature,
    first_line,
    fmt,
    num,
    plain,
    progress,
    table,
)
from ._input import parse_assignments, parse_problem_text, read_problem_text


# ----------------------------------------------------------------------------- solve
def _variable_values(problem: Any, result: Any) -> dict[str, Any]:
    return {str(var): num(result.point.get(var, value)) for var, value in zip(problem.variables, result.x)}


def _exact_values(problem: Any, result: Any) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    if result.exact is None:
        return None, None
    names = {str(v) for v in problem.variables}
    exact_x = {str(k): str(v) for k, v in result.exact.items() if str(k) in names}
    exact_m = {str(k): str(v) for k, v in result.exact.items() if str(k) in result.multipliers}
    return exact_x or None, exact_m or None


def _latex_lines(problem: Any, result: Any) -> str:
    """The problem with its Lagrangian, then the answer, as :func:`lagrangekit.latex` writes them."""
    from ..printing import latex

    return f"{latex(problem)}\n{latex(result)}"


def _run_solve(args: argparse.Namespace, problem: Any) -> tuple[Any, str, str]:
    """Solve as asked; returns (result, mode, note).

    The default tries the exact route first and falls back to the numerical one when sympy
    cannot solve the system (or the exact route is not installed), saying so in the note.
    """
    from ..errors import SymbolicSolveError

    mode = "numeric" if args.numeric or args.method else "exact" if args.exact else "auto"
    note = ""
    if mode in ("exact", "auto"):
        try:
            solve_symbolic = feature("", "solve_symbolic", "solve --exact")
            return solve_symbolic(problem, timeout=args.timeout), "exact", ""
        except SymbolicSolveError as exc:
            if mode == "exact":
                raise CLIError(f"exact solve failed: {first_line(exc)}; try --numeric", EXIT_FAILED) from None
            note = f"exact solve failed ({first_line(exc)}); solved numerically instead"
        except CLIError:
            if mode == "exact":
                raise
            note = "the exact solver is not available; solved numerically"
    solve = feature("", "solve", "solve --numeric")
    kwargs: dict[str, Any] = {"method": args.method or "auto"}
    if args.starts != 1:
        kwargs.update(n_starts=args.starts, seed=args.seed)
    with progress(f"solving ({args.starts} starts)") if args.starts > 1 else nullcontext():
        result = solve(problem, **kwargs)
    return result, "numeric", note


def _candidate_json(candidate: Any) -> Any:
    try:
        return plain(candidate)
    except (TypeError, ValueError):
        return str(candidate)


def cmd_solve(args: argparse.Namespace) -> Output:
    """``lagrangekit solve``: the solution, multipliers by name, candidates and KKT report."""
    if args.exact and args.method:
        raise CLIError("--method chooses a numerical solver; it cannot be combined with --exact")
    text, is_default = read_problem_text(args)
    problem = parse_problem_text(text, args)
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
        "fun": num(result.fun),
        "x": _variable_values(problem, result),
        "exact": exact_x,
        "multipliers": {k: num(v) for k, v in result.multipliers.items()},
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
    text, _ = read_problem_text(args)
    problem = parse_problem_text(text, args)
    point = _point_for(problem, parse_assignments(args.at, "--at"))
    multipliers = None
    if args.multipliers is not None:
        multipliers = parse_assignments(args.multipliers, "--multipliers")
        known = set(problem.multipliers)
        unknown = sorted(set(multipliers) - known)
        if unknown:
            raise CLIError(
                f"--multipliers names {unknown}, which are not constraints; the names are {sorted(known)}"
            )
    check_kkt = feature("", "check_kkt", "check")
    report = check_kkt(problem, point, multipliers, tol=args.tol, second_order=args.second_order)
    code = EXIT_OK if report.ok else EXIT_FAILED
    data = {
        "problem": problem.to_text(),
        "point": {str(k): num(v) for k, v in point.items()},
        "multipliers": None if multipliers is None else {k: num(v) for k, v in multipliers.items()},
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
    report = feature("", "slater_point", "dual")(problem)
    point = getattr(report, "point", None)
    return {
        "holds": bool(report.holds),
        "point": None if point is None else {str(k): num(v) for k, v in point.items()},
        "reason": str(getattr(report, "message", "")),
    }


def cmd_dual(args: argparse.Namespace) -> Output:
    """``lagrangekit dual``: the dual function, its optimum, the gap and Slater's verdict."""
    import sympy as sp

    text, _ = read_problem_text(args)
    problem = parse_problem_text(text, args)
    dual = feature("", "dual", "dual")(problem)
    dual_result = dual.solve()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LocalOptimumWarning)
        gap = feature("", "duality_gap", "dual")(problem)
    gap_is_bound = any(issubclass(w.category, LocalOptimumWarning) for w in caught)
    for w in caught:  # the others still reach the user
        if not issubclass(w.category, LocalOptimumWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    slater = _slater(problem)
    function = dual.function
    domain = [str(c) for c in (dual.domain or ())]
    code = EXIT_OK if dual_result.success else EXIT_FAILED
    data = {
        "problem": problem.to_text(),
        "function": None if function is None else str(function),
        "domain": domain,
        "status": dual_result.status,
        "dual_optimum": num(dual_result.fun),
        "multipliers": {name: num(v) for name, v in zip(dual.names, dual_result.x)},
        "gap": num(gap),
        "gap_is_upper_bound": gap_is_bound,
        "slater": slater,
    }
    if function is None and "semidefinite" in dual_result.method:
        shown = "no closed form (quadratic in x: solved as a semidefinite program)"
    elif function is None:
        shown = "no closed form (evaluated by inner minimization)"
    else:
        shown = sp.latex(function) if args.latex else sp.sstr(function)
    slater_text = slater["reason"] or ("holds" if slater["holds"] else "fails")
    rows = [
        ("dual function g", shown),
        ("domain", ", ".join(domain + ([] if function is not None else ["where inf_x L > -inf"]))),
        ("dual optimum g*", f"{fmt(dual_result.fun)} ({dual_result.status})"),
    ]
    rows += [(f"  {k}", fmt(v)) for k, v in data["multipliers"].items()]
    bound_note = " (an upper bound: p* is a local optimum, not proven global)"
    shown_gap = f"<= {fmt(gap)}{bound_note}" if gap_is_bound else fmt(gap)
    rows += [("duality gap", shown_gap), ("Slater", slater_text)]
    return Output(f"{problem}\n\n{table(rows, indent='')}", data, code)
