"""The CLI's input rules (issue 15, section 6): empty standard input, options that do not
apply to the chosen model, --variables, and problem files longer than the library's limit."""

import io
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from test_cli import _Stream, assert_one_line_error, run, run_inprocess

from lagrangekit import cli
from lagrangekit.cli import _fit, _input
from lagrangekit.parsing import MAX_LENGTH


# ----------------------------------------------------------------------------- empty input
def test_solve_with_an_empty_pipe_is_a_usage_error() -> None:
    proc = run("solve", stdin="")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "needs a problem, and standard input is empty" in proc.stderr
    assert_one_line_error(proc.stderr)


@pytest.mark.parametrize("args", [["solve"], ["solve", "-f", "-"], ["check", "--at", "x=1"]])
def test_blank_standard_input_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, args: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("  \n\t\n"))
    code, out, err = run_inprocess(capsys, *args)
    assert code == 2 and out == ""
    assert "empty" in err


def test_an_empty_problem_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "p.txt").write_text("")
    code, _, err = run_inprocess(capsys, "solve", "-f", str(tmp_path / "p.txt"))
    assert code == 2 and "is empty" in err


def test_no_argument_on_a_terminal_still_chooses_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stream(tty=True))
    args = cli.build_parser().parse_args(["solve"])
    assert _input.read_problem_text(args) == (_input.DEFAULT_PROBLEM, True)


def test_no_input_attached_runs_the_demo_as_the_readme_main_job() -> None:
    # stdin /dev/null (a script, cron, CI): not a pipe that gave nothing, so the README's main job
    # `lagrangekit solve` prints TEXTBOOK T1, f = sqrt(2) at x = y = 1/sqrt(2)
    proc = run("solve")  # run() attaches /dev/null when no stdin text is given
    assert proc.returncode == 0, proc.stderr
    assert "built-in example (TEXTBOOK T1)" in proc.stdout and "sqrt(2)" in proc.stdout


# ----------------------------------------------------------------------------- fit options
@pytest.fixture
def data_csv(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
    path = tmp_path / "data.csv"
    rows = ["a,b,c,y"] + [",".join(f"{v:.17g}" for v in (*xi, yi)) for xi, yi in zip(X, y)]
    path.write_text("\n".join(rows) + "\n")
    return path, X, y


@pytest.mark.parametrize(
    "model, extra, option",
    [
        ("lasso", ["--l1-ratio", "0.3"], "--l1-ratio"),
        ("ridge", ["--l1-ratio", "0.3"], "--l1-ratio"),
        ("logistic", ["--l1-ratio", "0.3"], "--l1-ratio"),
        ("ridge", ["--penalty", "l1"], "--penalty"),
        ("lasso", ["--penalty", "l2"], "--penalty"),
        ("elasticnet", ["--penalty", "none"], "--penalty"),
        ("logistic", ["--penalty", "none", "--alpha", "0.5"], "--alpha"),
    ],
)
def test_an_option_that_does_not_apply_to_the_model_is_a_usage_error_naming_it(
    data_csv, capsys: pytest.CaptureFixture, model: str, extra: list[str], option: str
) -> None:
    path, _, _ = data_csv
    code, out, err = run_inprocess(capsys, "fit", model, str(path), "--target", "y", *extra)
    assert code == 2 and out == ""
    assert option in err
    assert_one_line_error(err)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["elasticnet", "--l1-ratio", "0.3"], {"l1_ratio": 0.3, "alpha": 1.0}),
        (["elasticnet"], {"l1_ratio": 0.5}),
        # logistic: --alpha is α of the mean cross-entropy, C = 1/(α·n) with n = 10 samples here
        (["logistic", "--penalty", "l1", "--alpha", "0.2"], {"l1_ratio": 1, "C": 0.5, "solver": "liblinear"}),
        (["logistic", "--penalty", "none"], {"C": float("inf")}),
        (["lasso", "--alpha", "0.4"], {"alpha": 0.4}),
    ],
)
def test_options_that_apply_reach_the_estimator(argv: list[str], expected: dict) -> None:
    args = cli.build_parser().parse_args(["fit", argv[0], "d.csv", "--target", "y", *argv[1:]])
    _, estimator = _fit._make_estimator(args, n_samples=10)
    params = estimator.get_params()
    assert {k: params[k] for k in expected} == expected


# ----------------------------------------------------------------------------- --variables
def test_variables_option_makes_an_undeclared_name_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    text = "minimize x**2 + y**2 s.t. x + yy >= 1"
    code, out, err = run_inprocess(capsys, "check", text, "--variables", "x,y", "--at", "x=1, y=0")
    assert code == 2 and out == ""
    assert "'yy'" in err and f"position {text.index('yy')}" in err


def test_a_lone_variable_is_warned_about_on_stderr(capsys: pytest.CaptureFixture) -> None:
    text = "minimize x**2 + y**2 s.t. x + yy >= 1"
    _, _, err = run_inprocess(capsys, "check", text, "--at", "x=0.5, y=0, yy=0.5")
    assert "LoneVariableWarning" in err and "'yy'" in err and "'c1'" in err


# ----------------------------------------------------------------------------- long files
def _long_problem(n: int) -> str:
    return "minimize " + " + ".join(f"(x - {i})**2" for i in range(1, n + 1))


def test_a_problem_file_of_tens_of_kb_is_read_and_parsed(tmp_path: Path) -> None:
    n = 2000
    path = tmp_path / "p.txt"
    path.write_text(_long_problem(n))
    assert path.stat().st_size > 3 * MAX_LENGTH
    args = cli.build_parser().parse_args(["check", "-f", str(path), "--at", "x=1"])
    text, is_default = _input.read_problem_text(args)
    problem = _input.parse_problem_text(text, args)
    x = sp.Symbol("x", real=True)
    assert not is_default and problem.variables == (x,)
    assert problem.objective == sp.Add(*[(x - i) ** 2 for i in range(1, n + 1)])


def test_max_length_option_limits_the_text_read(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text(_long_problem(200))
    proc = run("check", "-f", str(path), "--at", "x=1", "--max-length", "1000")
    assert proc.returncode == 2
    assert "over the limit of 1000 characters" in proc.stderr and "--max-length" in proc.stderr
    assert_one_line_error(proc.stderr)
