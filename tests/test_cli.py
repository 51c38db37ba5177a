"""The ``lagrangekit`` command end to end: every command, human and JSON output, every exit
code, hostile problem text and bad CSV files. Expected numbers are TEXTBOOK.md's, or come
from scikit-learn and closed forms."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest

import lagrangekit
from lagrangekit import cli
from lagrangekit.cli import _app, _common, _input

ROOT = Path(__file__).resolve().parents[1]
SQRT2_2 = math.sqrt(2) / 2
T1 = "maximize x + y subject to circle: x**2 + y**2 == 1"
T2 = "minimize (y - 1)**2 subject to floor: y >= 3"
T4 = "maximize x*y subject to budget: x + y == 10"


def _has(name: str, module: str = "") -> bool:
    if not module:
        return name in lagrangekit._EXPORTS
    try:
        getattr(import_module(f"lagrangekit{module}"), name)
    except (ImportError, AttributeError):
        return False
    return True


def needs(name: str, module: str = "", issue: int = 0) -> pytest.MarkDecorator:
    where = f"lagrangekit{module}.{name}" if module else f"lk.{name}"
    return pytest.mark.skipif(not _has(name, module), reason=f"{where} (issue {issue}) is not in this build")


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "lagrangekit", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


def run_inprocess(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(proc_err: str) -> None:
    lines = [line for line in proc_err.splitlines() if line.strip()]
    assert len(lines) == 1, proc_err
    assert lines[0].startswith("lagrangekit: ")
    assert "Traceback" not in proc_err


# ----------------------------------------------------------------------------- solve
@needs("solve_symbolic", issue=3)
def test_solve_default_problem_end_to_end_is_textbook_t1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stream(tty=True))  # no argument, on a terminal: the demo
    code, out, _ = run_inprocess(capsys, "solve")
    assert code == 0
    assert "built-in example" in out
    assert "circle" in out and "sqrt(2)/2" in out
    code, out, _ = run_inprocess(capsys, "solve", "--json")
    data = json.loads(out)
    assert set(data) == {"schema", "command", "exit_code", *cli.JSON_KEYS["solve"]}
    assert data["schema"] == cli.JSON_SCHEMA and data["command"] == "solve" and data["exit_code"] == 0
    assert data["mode"] == "exact" and data["status"] == "optimal" and data["success"] is True
    assert data["x"]["x"] == pytest.approx(SQRT2_2) and data["x"]["y"] == pytest.approx(SQRT2_2)
    assert data["fun"] == pytest.approx(math.sqrt(2))
    assert data["multipliers"]["circle"] == pytest.approx(SQRT2_2)
    assert data["exact"] == {"x": "sqrt(2)/2", "y": "sqrt(2)/2"}
    assert len(data["candidates"]) == 2  # the maximizer and the minimizer of x + y
    assert data["kkt"]["ok"] is True


@needs("solve_symbolic", issue=3)
def test_solve_reads_stdin_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(T2))
    code, out, _ = run_inprocess(capsys, "solve", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["x"]["y"] == pytest.approx(3.0) and data["multipliers"]["floor"] == pytest.approx(4.0)
    path = tmp_path / "t4.txt"
    path.write_text(T4 + "\n")
    code, out, _ = run_inprocess(capsys, "solve", "-f", str(path), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["x"] == {"x": pytest.approx(5.0), "y": pytest.approx(5.0)}
    assert data["fun"] == pytest.approx(25.0) and data["multipliers"]["budget"] == pytest.approx(5.0)


@needs("solve_symbolic", issue=3)
def test_solve_latex_prints_the_lagrangian(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_inprocess(capsys, "solve", T1, "--latex")
    assert code == 0
    assert "L = " in out and r"\lambda_{circle}" in out and r"\frac{\sqrt{2}}{2}" in out
    # the same LaTeX as lk.latex: T1's optimum, by hand, is f = √2 at x = y = λ = √2/2
    assert r"\begin{aligned}" in out and r"&f && \sqrt{2} \\" in out


@needs("solve", issue=4)
def test_solve_numeric_human_output(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_inprocess(capsys, "solve", T4, "--numeric")
    assert code == 0, out
    assert "budget" in out and "stationarity" in out
    code, out, _ = run_inprocess(capsys, "solve", T4, "--method", "slsqp", "--json")
    data = json.loads(out)
    assert data["mode"] == "numeric" and "slsqp" in data["method"].lower()
    assert data["multipliers"]["budget"] == pytest.approx(5.0, rel=1e-5)


@needs("solve", issue=4)
def test_solve_infeasible_exits_1(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_inprocess(
        capsys, "solve", "minimize x subject to x >= 1, x <= 0", "--numeric", "--json"
    )
    data = json.loads(out)
    assert code == 1 and data["exit_code"] == 1
    assert data["status"] == "infeasible" and data["success"] is False


# ----------------------------------------------------------------------------- check
@needs("check_kkt", issue=3)
def test_check_end_to_end_exact_point_and_json(capsys: pytest.CaptureFixture) -> None:
    proc = run("check", T1, "--at", "x=sqrt(2)/2, y=sqrt(2)/2", "--multipliers", "circle=sqrt(2)/2")
    assert proc.returncode == 0, proc.stderr
    assert "KKT point" in proc.stdout and "not a KKT point" not in proc.stdout
    code, out, _ = run_inprocess(capsys, "check", T1, "--at", "x=sqrt(2)/2, y=sqrt(2)/2", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"schema", "command", "exit_code", *cli.JSON_KEYS["check"]}
    assert data["ok"] is True and data["failed"] == []
    assert data["kkt"]["multipliers"]["circle"] == pytest.approx(SQRT2_2)  # estimated, TEXTBOOK T1


@needs("check_kkt", issue=3)
def test_check_rounded_point_depends_on_tolerance(capsys: pytest.CaptureFixture) -> None:
    violation = abs(2 * 0.7071**2 - 1)  # the circle residual of the rounded point, ≈ 2.0e-5
    code, out, _ = run_inprocess(capsys, "check", T1, "--at", "x=0.7071, y=0.7071", "--json")
    data = json.loads(out)
    assert code == 1 and "primal_feasibility" in data["failed"]
    assert data["kkt"]["primal_feasibility"] == pytest.approx(violation, rel=1e-6)
    code, _, _ = run_inprocess(capsys, "check", T1, "--at", "x=0.7071, y=0.7071", "--tol", "1e-4")
    assert code == 0


@needs("check_kkt", issue=3)
def test_check_not_a_kkt_point_and_second_order(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_inprocess(capsys, "check", T1, "--at", "x=1, y=0")
    assert code == 1 and "not a KKT point" in out
    # the minimizer of x + y is a first-order point of the maximize problem, but not a maximum
    at = "x=-sqrt(2)/2, y=-sqrt(2)/2"
    code, _, _ = run_inprocess(capsys, "check", T1, "--at", at)
    assert code == 0
    code, out, _ = run_inprocess(capsys, "check", T1, "--at", at, "--second-order", "--json")
    assert code == 1 and "second_order" in json.loads(out)["failed"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--at", "x=1, z=2"], "not variables"),
        (["--at", "x=1"], "missing a value for y"),
        (["--at", "x 1, y 2"], "name=value"),
        (["--at", "x=1, y=t"], "must be a number"),
        (["--at", "x=1, y=2", "--multipliers", "disk=1"], "not constraints"),
        (["--at", "x=1, x=2, y=1"], "twice"),
    ],
)
def test_check_bad_point_is_a_usage_error(
    capsys: pytest.CaptureFixture, args: list[str], fragment: str
) -> None:
    code, out, err = run_inprocess(capsys, "check", T1, *args, "--json")
    assert code == 2 and out == ""
    assert fragment in err
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- dual
@needs("dual", issue=4)
def test_dual_end_to_end_closed_form(capsys: pytest.CaptureFixture) -> None:
    # minimize −(x + y) s.t. x² + y² <= 1: g(μ) = −μ − 1/(2μ), μ* = √2/2, g* = −√2 (issue 4)
    proc = run("dual", "minimize -(x + y) subject to disk: x**2 + y**2 <= 1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"schema", "command", "exit_code", *cli.JSON_KEYS["dual"]}
    assert data["dual_optimum"] == pytest.approx(-math.sqrt(2), rel=1e-6)
    assert data["multipliers"] == {"disk": pytest.approx(SQRT2_2, rel=1e-6)}
    assert abs(data["gap"]) < 1e-6
    assert data["slater"]["holds"] is True
    import sympy as sp

    mu = sp.Symbol("mu", positive=True)
    g = sp.sympify(data["function"]).subs({s: mu for s in sp.sympify(data["function"]).free_symbols})
    assert sp.simplify(g - (-mu - 1 / (2 * mu))) == 0
    code, out, _ = run_inprocess(capsys, "dual", "minimize -(x + y) subject to disk: x**2 + y**2 <= 1")
    assert code == 0 and "Slater" in out and "holds" in out


@needs("dual", issue=15)
def test_dual_of_two_way_partitioning_flags_a_gap_from_a_local_optimum(
    capsys: pytest.CaptureFixture,
) -> None:
    # B&V §5.1.5 with W = [[0, 1, 3], [1, 0, −1], [3, −1, 0]]: by brute force over {±1}³,
    # p* = −10, and the SDP bound is tight here, so the true gap is 0. A gap computed from a
    # primal optimum that is not proven global must be shown as an upper bound only.
    import itertools

    W = np.array([[0, 1, 3], [1, 0, -1], [3, -1, 0]])
    p_star = min(np.array(s) @ W @ np.array(s) for s in itertools.product((-1, 1), repeat=3))
    text = "minimize 2*x*y + 6*x*z - 2*y*z s.t. x**2 == 1; y**2 == 1; z**2 == 1"
    code, out, _ = run_inprocess(capsys, "dual", text, "--json")
    data = json.loads(out)
    assert data["status"] == "optimal" and data["dual_optimum"] == pytest.approx(p_star, abs=1e-7)
    if data["gap"] > 1e-6:
        assert data["gap_is_upper_bound"] is True
    code, out, _ = run_inprocess(capsys, "dual", text)
    assert "semidefinite program" in out
    if data["gap_is_upper_bound"]:
        assert "<= " in out and "upper bound" in out


@needs("slater_point", issue=4)
def test_dual_reports_slater_failure(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_inprocess(
        capsys, "dual", "minimize x1 + x2 subject to ball: x1**2 + x2**2 <= 0", "--json"
    )
    assert json.loads(out)["slater"]["holds"] is False


# ----------------------------------------------------------------------------- fit
def _write_csv(path: Path, header: list[str], rows: np.ndarray) -> Path:
    lines = [",".join(header)] + [",".join(repr(float(v)) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


R1 = np.array([[1, 3], [2, 1], [3, 2], [4, 5], [5, 4]], dtype=float)


@needs("Ridge", ".linear_model", issue=5)
def test_fit_ridge_end_to_end_textbook_r1(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = _write_csv(tmp_path / "r1.csv", ["x", "y"], R1)
    proc = run("fit", "ridge", str(data), "--target", "y", "--alpha", "0", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"schema", "command", "exit_code", *cli.JSON_KEYS["fit"]}
    assert out["coef"]["x"] == pytest.approx(0.6) and out["intercept"] == pytest.approx(1.2)  # TEXTBOOK R1
    assert out["certificate"]["ok"] is True
    code, out, _ = run_inprocess(capsys, "fit", "ridge", str(data), "--target", "y", "--alpha", "0")
    assert code == 0 and "(intercept)" in out and "0.6" in out


@needs("Lasso", ".linear_model", issue=6)
def test_fit_lasso_matches_sklearn_and_crosschecks(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Lasso

    X, y = load_diabetes(return_X_y=True)
    names = [f"f{j}" for j in range(X.shape[1])]
    data = _write_csv(tmp_path / "diabetes.csv", [*names, "target"], np.column_stack([X, y]))
    ref = Lasso(alpha=0.5, tol=1e-12, max_iter=100_000).fit(X, y)
    args = ["fit", "lasso", str(data), "--target", "target", "--alpha", "0.5", "--json"]
    code, out, _ = run_inprocess(capsys, *args, "--crosscheck")
    got = json.loads(out)
    assert code == 0
    assert [got["coef"][n] for n in names] == pytest.approx(ref.coef_, abs=1e-3)
    assert got["intercept"] == pytest.approx(ref.intercept_, rel=1e-5)
    assert got["certificate"]["kind"] == "duality gap"
    assert got["crosscheck"]["coef_max_abs_diff"] < 1e-3


@needs("ConstrainedRidge", ".linear_model", issue=5)
def test_fit_constrained_ridge_multiplier_is_alpha(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
    data = _write_csv(tmp_path / "d.csv", ["a", "b", "c", "y"], np.column_stack([X, y]))
    s = float(np.sum(Ridge(alpha=3.0).fit(X, y).coef_ ** 2))
    code, out, _ = run_inprocess(
        capsys, "fit", "ridge", str(data), "--target", "y", "--constrained", str(s), "--json"
    )
    assert code == 0
    assert json.loads(out)["multiplier"] == pytest.approx(3.0, rel=1e-5)  # TEXTBOOK T6


@needs("LogisticRegression", ".linear_model", issue=7)
def test_fit_logistic_separable_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = _write_csv(
        tmp_path / "l6.csv", ["x", "passed"], np.array([[10, 1], [9, 1], [3, 0], [2, 0], [1, 0]])
    )
    args = ["fit", "logistic", str(data), "--target", "passed"]
    code, out, _ = run_inprocess(capsys, *args, "--penalty", "none")
    assert code == 1 and "does not exist" in out  # TEXTBOOK L6: no MLE
    code, out, _ = run_inprocess(capsys, *args, "--penalty", "l2", "--alpha", "0.1", "--json")
    assert code == 0 and math.isfinite(json.loads(out)["coef"]["x"])


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "cannot read data file"),
        ("", "is empty"),
        ("x,y\n", "no data rows"),
        ("x,y\n1,2\n3\n", "line 3: 1 fields where the header has 2"),
        ("x,y\n1,2\n3,four\n", "line 3, column 'y': 'four' is not a number"),
        ("x,y\n1,nan\n", "NaN or inf"),
        ("x,x\n1,2\n", "must name every column once"),
        ("x,z\n1,2\n", "--target 'y' is not a column"),
        ("y\n1\n", "no feature columns"),
    ],
)
def test_fit_bad_csv_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture, content: str | None, fragment: str
) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    code, out, err = run_inprocess(capsys, "fit", "ridge", str(path), "--target", "y", "--json")
    assert code == 2 and out == ""
    assert fragment in err
    assert_one_line_error(err)


def test_fit_missing_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_inprocess(capsys, "fit", "lasso", "nowhere.csv", "--target", "y")
    assert code == 2 and out == ""
    assert "nowhere.csv" in err and "No such file" in err
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- hostile text
HOSTILE = [
    "minimize __import__('os').system('touch {sentinel}')",
    'minimize __import__("os").system("touch {sentinel}")',
    "minimize x.__class__.__bases__",
    "minimize (lambda: open('{sentinel}', 'w'))()",
    'minimize exec(\'open("{sentinel}", "w")\')',
    "minimize eval('1')",
    "import os",
    "minimize x subject to x[0] <= 1",
    "minimize x @ x",
    "minimize " + "(" * 500 + "x" + ")" * 500,
    "minimize x**99999999",
    "minimize " + "x+" * 500_000 + "x",  # over the CLI's default --max-length of 1,000,000
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_problem_text_exits_2_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, template: str
) -> None:
    sentinel = tmp_path / "pwned"
    code, out, err = run_inprocess(capsys, "solve", template.format(sentinel=sentinel), "--json")
    assert code == 2 and out == ""
    assert "cannot parse the problem" in err
    assert_one_line_error(err)
    assert not sentinel.exists()


def test_hostile_text_end_to_end_on_stdin(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    proc = run("check", "--at", "x=1", stdin=f"minimize __import__('os').system('touch {sentinel}')")
    assert proc.returncode == 2 and proc.stdout == ""
    assert_one_line_error(proc.stderr)
    assert not sentinel.exists()


# ----------------------------------------------------------------------------- usage
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([], "required: COMMAND"),
        (["frobnicate"], "invalid choice"),
        (["solve", T1, "--exact", "--numeric"], "not allowed with"),
        (["solve", T1, "--exact", "--method", "slsqp"], "cannot be combined with --exact"),
        (["solve", T1, "-f", "x.txt"], "not both"),
        (["solve", "-f", "does-not-exist.txt"], "cannot read problem file"),
        (["check", T1], "required: --at"),
        (["dual"], "needs a problem"),
        (["fit", "ridge", "d.csv", "--target", "y", "--alpha", "1", "--cv"], "not allowed with"),
        (["fit", "ols", "d.csv", "--target", "y"], "invalid choice"),
        (["solve", "minimize x subject to x > 1"], "strict inequality"),
        (["solve", "minimize x y"], "cannot parse"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    args: list[str],
    fragment: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run_inprocess(capsys, *args)
    assert code == 2 and out == ""
    assert fragment in err
    assert_one_line_error(err)


def test_version(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"lagrangekit {lagrangekit.__version__}"


def test_console_script_is_declared() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, func = scripts["lagrangekit"].partition(":")
    assert getattr(import_module(module), func) is cli.main
    script = Path(sys.executable).with_name("lagrangekit")
    if not script.exists():
        pytest.skip("the package is not pip-installed in this environment, so there is no console script")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and lagrangekit.__version__ in proc.stdout


# ----------------------------------------------------------------------------- pieces
class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_only_on_a_terminal() -> None:
    import time

    pipe, tty = _Stream(False), _Stream(True)
    with _common.progress("fitting", stream=pipe):
        time.sleep(0.25)
    with _common.progress("fitting", stream=tty):
        time.sleep(0.25)
    assert pipe.getvalue() == ""
    assert "fitting" in tty.getvalue() and "\r" in tty.getvalue() and "done in" in tty.getvalue()


def test_exception_classification() -> None:
    from lagrangekit.errors import SymbolicSolveError

    assert _app._classify(ValueError("alpha must be >= 0\nmore"))[0] == 2
    assert _app._classify(SymbolicSolveError("too hard"))[0] == 1
    code, message = _app._classify(RuntimeError("boom"))
    assert code == 1 and "internal error" in message and "--traceback" in message


def test_assignments_keep_exact_values_exact() -> None:
    import sympy as sp

    values = _input.parse_assignments("x=sqrt(2)/2, y=0.5, z=max(1, 2), w=1e-3", "--at")
    assert values["x"] == sp.sqrt(2) / 2 and isinstance(values["x"], sp.Basic)
    assert values["y"] == 0.5 and isinstance(values["y"], float)
    assert values["z"] == 2 and values["w"] == pytest.approx(1e-3)
