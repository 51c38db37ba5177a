"""The argument parser and ``main``: dispatch, one-line errors and warnings, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence

from ._common import EXIT_FAILED, EXIT_USAGE, JSON_SCHEMA, CLIError, Output, first_line, plain
from ._fit import ESTIMATORS, cmd_fit
from ._input import CLI_MAX_LENGTH
from ._problems import cmd_check, cmd_dual, cmd_solve


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors as a one-line :class:`CLIError`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CLIError(f"{message} (see '{self.prog} --help')")


# ----------------------------------------------------------------------------- parser
def _add_problem_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", nargs="?", help='problem text, e.g. "minimize (y-1)**2 subject to y >= 3"')
    parser.add_argument(
        "-f", "--file", metavar="FILE", help="read the problem text from FILE ('-' for stdin)"
    )
    parser.add_argument(
        "--max-length",
        type=int,
        default=CLI_MAX_LENGTH,
        metavar="N",
        help=f"longest problem text accepted, in characters (default {CLI_MAX_LENGTH:,})",
    )
    parser.add_argument(
        "--variables",
        metavar="NAMES",
        help="the variables, e.g. x,y: any other name in the problem is then an error",
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object (schema lagrangekit.cli/1)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lagrangekit`` command."""
    from .. import __version__

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
    solve.add_argument("--method", help="numerical method: auto, auglag, ipm, slsqp, trust-constr, cvxpy")
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
    fit.add_argument("model", choices=sorted(ESTIMATORS), help="the estimator")
    fit.add_argument("data", help="CSV file with a header row; every cell numeric")
    fit.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    reg = fit.add_mutually_exclusive_group()
    reg.add_argument("--alpha", type=float, help="penalty strength (default 1.0)")
    reg.add_argument("--cv", action="store_true", help="choose alpha by cross-validation")
    reg.add_argument(
        "--constrained", type=float, metavar="T", help="fit the constrained form, norm bounded by T"
    )
    fit.add_argument("--l1-ratio", type=float, help="elasticnet only: the L1 share (default 0.5)")
    fit.add_argument(
        "--penalty", choices=("none", "l2", "l1"), help="logistic only: the penalty (default l2)"
    )
    fit.add_argument("--no-intercept", action="store_true", help="fit without an intercept")
    fit.add_argument("--crosscheck", action="store_true", help="compare with the same fit in cvxpy")
    _add_json(fit)
    fit.set_defaults(handler=cmd_fit)
    return parser


def _emit(output: Output, args: argparse.Namespace) -> None:
    if getattr(args, "json", False):
        payload = {"schema": JSON_SCHEMA, "command": args.command, "exit_code": output.code, **output.data}
        print(json.dumps(plain(payload), indent=2, default=str))
    else:
        print(output.text)


def _classify(exc: Exception) -> tuple[int, str]:
    """Exit code and one-line message for an exception a command did not handle itself.

    ``ValueError`` (bad input, by the library's convention) is a usage error; other
    :class:`~lagrangekit.LagrangekitError` are failures; anything else is an internal error.
    """
    from ..errors import LagrangekitError

    line = first_line(exc)
    if isinstance(exc, ValueError):
        return EXIT_USAGE, f"error: {line}"
    if isinstance(exc, LagrangekitError):
        return EXIT_FAILED, f"{type(exc).__name__}: {line}"
    return EXIT_FAILED, f"internal error: {type(exc).__name__}: {line} (rerun with --traceback)"


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
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
