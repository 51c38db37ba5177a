"""A hypothesis fuzz of the public API on problem text: parse, solve, check_kkt and dual.

Each case is a random problem text from a small grammar that mixes ordinary terms with hostile
ones: undefined domains (log, sqrt, 1/x), non-smooth atoms, huge and tiny coefficients,
constants that are not real numbers, degenerate and contradictory constraints, names that
collide with numpy's. Every case runs through ``lk.parse_problem``, ``lk.solve`` (a random
method), ``lk.check_kkt`` at the answer and ``lk.dual(...).solve()`` and is sorted into:

- ``clean``: every call returned, or raised a lagrangekit error / a ValueError or TypeError
  raised by lagrangekit's own code with a message;
- ``internal error``: any other exception (TypeError, IndexError, LinAlgError,
  ZeroDivisionError, NameError, OverflowError, RecursionError, ... from inside numpy, scipy,
  sympy or lagrangekit);
- ``hang``: a call that took over 10 s of CPU time (``ITIMER_PROF``: the process's own work,
  which other jobs on a shared machine do not inflate; BLAS is pinned to one thread so that
  its threads do not count twice);
- ``wrong answer``, judged by references independent of lagrangekit's numeric compile (the
  expressions are evaluated by sympy's ``evalf`` at the points):
  - ``optimal`` at a point that is not feasible, or whose reported value is not f(x);
  - ``optimal`` with scope ``global`` when a sampled feasible point is better, or with scope
    ``local`` when a sampled feasible point in a small ball around x is better;
  - ``infeasible`` when a sampled point satisfies every constraint strictly;
  - a dual value above the objective at a feasible point (weak duality broken), or a dual
    called unbounded (so the primal infeasible) beside a feasible optimum;
  - ``check_kkt`` at an ``optimal`` answer with its multipliers not ok.

Usage::

    python benchmarks/fuzz_public_api.py --examples 2000 [--seed 0]

prints the counts of each class and the first few cases of every bad class, and exits 1 if any
case is not clean. ``tests/test_public_api_fuzz.py`` runs a few derandomized examples.
"""

from __future__ import annotations

import argparse
import math
import signal
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

import lagrangekit as lk

HANG_SECONDS = 10
METHODS = ("auto", "slsqp", "auglag", "trust-constr")
NAMES = ("x", "y", "z", "e", "beta", "lam", "maximum", "select")
BAD_CLASSES = ("internal error", "hang", "wrong answer")
_PACKAGE = str(Path(lk.__file__).resolve().parent)

# ------------------------------------------------------------------ the grammar


def _coefficient() -> st.SearchStrategy[str]:
    ordinary = st.integers(-5, 5).filter(bool).map(str)
    extreme = st.sampled_from(["1e6", "1e-8", "-1e-6", "1e12", "3.5", "0.001"])
    return st.one_of(ordinary, ordinary, ordinary, extreme)


def _term(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    name = st.sampled_from(names)
    pair = st.tuples(name, name)
    return st.one_of(
        st.tuples(_coefficient(), name, st.integers(1, 4)).map(lambda t: f"{t[0]}*{t[1]}**{t[2]}"),
        st.tuples(_coefficient(), pair).map(lambda t: f"{t[0]}*{t[1][0]}*{t[1][1]}"),
        st.tuples(st.sampled_from(["exp", "log", "sqrt", "sin", "cos", "Abs", "atan"]), name).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        name.map(lambda v: f"exp(-{v})"),
        name.map(lambda v: f"1/{v}"),
        pair.map(lambda t: f"Max({t[0]}, {t[1]})"),
        st.sampled_from(["log(0)", "1e300*1e300", "sqrt(-1)", "nan", "oo", "zoo", "log(1 - 2)", "0"]),
        _coefficient(),
    )


def _sum(names: tuple[str, ...], size: int) -> st.SearchStrategy[str]:
    return st.lists(_term(names), min_size=1, max_size=size).map(lambda terms: " + ".join(terms))


@st.composite
def problem_texts(draw: Callable) -> str:
    """A random problem text over 1-3 variables with 0-3 constraints."""
    n = draw(st.integers(1, 3))
    names = tuple(draw(st.permutations(NAMES))[:n])
    sense = draw(st.sampled_from(["minimize", "maximize"]))
    objective = draw(_sum(names, 4))
    constraints = []
    for _ in range(draw(st.integers(0, 3))):
        lhs = draw(_sum(names, 2))
        relation = draw(st.sampled_from(["<=", ">=", "==", "<=", ">="]))
        rhs = draw(st.sampled_from(["0", "1", "-1", "10", "1e-9", "1e9"]))
        constraints.append(f"{lhs} {relation} {rhs}")
    for name in names:
        if draw(st.integers(0, 3)) == 0:
            constraints.append(f"{name} >= {draw(st.sampled_from(['0', '-1', '1']))}")
        if draw(st.integers(0, 3)) == 0:
            constraints.append(f"{name} <= {draw(st.sampled_from(['2', '5', '0']))}")
    text = f"{sense} {objective}"
    return text + (" subject to " + "; ".join(constraints) if constraints else "")


# ------------------------------------------------------------------ running one case


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Hang


def _timed(call: Callable[[], Any]) -> Any:
    """``call()``, interrupted by _Hang after HANG_SECONDS of CPU time of this process."""
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, HANG_SECONDS)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _raised_on_purpose(error: BaseException) -> bool:
    """A lagrangekit error, or a ValueError/TypeError raised by lagrangekit's own code."""
    if isinstance(error, lk.LagrangekitError):
        return True
    if type(error) not in (ValueError, TypeError) or not str(error):
        return False
    last = traceback.extract_tb(error.__traceback__)[-1].filename
    return str(Path(last).resolve()).startswith(_PACKAGE)


@dataclass
class Outcome:
    """The class of one case and, for a bad one, what went wrong."""

    text: str
    kind: str = "clean"
    detail: str = ""
    status: str = ""
    stages: list[str] = field(default_factory=list)


class _Verdict(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _value(expr: sp.Expr, point: dict) -> float:
    """expr at point by sympy's evalf: an evaluation independent of lagrangekit's compile."""
    value = sp.sympify(expr).xreplace(point).evalf(30)
    if value.is_real is not True and not value.is_Number:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _violation(problem: lk.Problem, point: dict) -> float:
    worst = 0.0
    for con in problem.constraints:
        value = _value(con.expr, point)
        if math.isnan(value):
            return math.inf
        worst = max(worst, abs(value) if con.kind == "eq" else max(value, 0.0))
    for var, (lo, hi) in zip(problem.variables, problem.bounds):
        x = float(point[var])
        if lo is not None:
            worst = max(worst, float(lo) - x)
        if hi is not None:
            worst = max(worst, x - float(hi))
    return worst


def _objective(problem: lk.Problem, point: dict) -> float:
    """The minimize-form objective at point."""
    return _value(problem.minimize_objective, point)


def _rounding(problem: lk.Problem, point: dict) -> float:
    """The float64 rounding of the objective's value at point: 4·eps times the sum of its terms'
    sizes (3.5·s + 1e12 near s = −2.9e11 cancels to 1e-9, and float64 sees only ±1.2e-4)."""
    objective = problem.minimize_objective
    terms = objective.args if objective.is_Add else (objective,)
    return 4 * np.finfo(float).eps * sum(abs(_value(t, point)) for t in terms)


def _box(problem: lk.Problem, centre: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The sampling box: the bounds, closed at ±10 where absent, or a 1e-3 ball around centre."""
    lo = np.array([-np.inf if b[0] is None else float(b[0]) for b in problem.bounds])
    hi = np.array([np.inf if b[1] is None else float(b[1]) for b in problem.bounds])
    if centre is None:
        return np.maximum(lo, -10.0), np.minimum(hi, 10.0)
    return np.maximum(lo, centre - 1e-3), np.maximum(
        np.minimum(hi, centre + 1e-3), np.maximum(lo, centre - 1e-3)
    )


def _samples(
    problem: lk.Problem, rng: np.random.Generator, centre: np.ndarray | None, count: int
) -> np.ndarray:
    lo, hi = _box(problem, centre)
    return rng.uniform(lo, hi, size=(count, len(lo)))


def _point(problem: lk.Problem, x: np.ndarray) -> dict:
    return {var: sp.Float(float(v), 30) for var, v in zip(problem.variables, x)}


def _better_sample(
    problem: lk.Problem, value: float, centre: np.ndarray | None, rng: np.random.Generator
) -> str:
    """A sampled point, feasible with margin, better than value by a clear margin ('' if none)."""
    margin = 1e-6 * max(1.0, abs(value))
    for x in _samples(problem, rng, centre, 60):
        point = _point(problem, x)
        if _strictly_feasible(problem, point):
            f = _objective(problem, point)
            if f < value - margin:
                return f"{dict(zip(map(str, problem.variables), x.round(6)))} gives {f:.10g} < {value:.10g}"
    return ""


def _strictly_feasible(problem: lk.Problem, point: dict) -> bool:
    if any(con.kind == "eq" for con in problem.constraints):
        return False
    for con in problem.constraints:
        value = _value(con.expr, point)
        if not value < -1e-9:
            return False
    return _violation(problem, point) == 0.0


def _judge_optimal(problem: lk.Problem, result: lk.Result, rng: np.random.Generator) -> None:
    point = _point(problem, result.x)
    scale = 1.0 + max((abs(float(v)) for v in result.x), default=0.0)
    violation = _violation(problem, point)
    if not violation <= 1e-6 * scale:
        raise _Verdict(
            "wrong answer", f"optimal at an infeasible point (violation {violation:.3g}): {result.x}"
        )
    f = _objective(problem, point)
    reported = -result.fun if problem.is_maximize else result.fun
    if not abs(f - reported) <= 1e-6 * max(1.0, abs(f)) + _rounding(problem, point):
        raise _Verdict("wrong answer", f"reported f = {result.fun} but f(x) = {f}")
    if any(con.kind == "eq" for con in problem.constraints) or result.scope is None:
        return
    better = _better_sample(problem, f, None if result.scope == "global" else np.asarray(result.x), rng)
    if better:
        raise _Verdict("wrong answer", f"{result.scope} optimum {f:.10g} beaten: {better}")


def _judge_infeasible(problem: lk.Problem, rng: np.random.Generator) -> None:
    for x in _samples(problem, rng, None, 60):
        point = _point(problem, x)
        if _strictly_feasible(problem, point):
            raise _Verdict(
                "wrong answer", f"infeasible, but {x.round(6)} satisfies every constraint strictly"
            )


def _judge_dual(problem: lk.Problem, result: lk.Result, dual_result: lk.Result) -> None:
    if result.status != "optimal":
        return
    if dual_result.status == "unbounded":  # claims the primal infeasible
        raise _Verdict("wrong answer", f"dual unbounded, but {result.x.round(6)} is a feasible optimum")
    if dual_result.status != "optimal":
        return
    primal = _objective(problem, _point(problem, result.x))
    if dual_result.fun > primal + 1e-6 * max(1.0, abs(primal)):
        raise _Verdict("wrong answer", f"dual value {dual_result.fun} above a feasible objective {primal}")


def _stage(outcome: Outcome, name: str, call: Callable[[], Any]) -> Any:
    """Run one public call; None if it raised on purpose, else its value (bad classes raise)."""
    outcome.stages.append(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _timed(call)
    except _Hang:
        raise _Verdict("hang", f"{name} took over {HANG_SECONDS} s of CPU time") from None
    except _Verdict:
        raise
    except Exception as error:  # noqa: BLE001 - classifying every exception is the point
        if _raised_on_purpose(error):
            return None
        raise _Verdict("internal error", f"{name}: {type(error).__name__}: {error}") from None


def examine(text: str, method: str, seed: int = 0) -> Outcome:
    """Run one problem text through the public API and classify the outcome."""
    outcome = Outcome(text)
    rng = np.random.default_rng(seed)
    try:
        problem = _stage(outcome, "parse_problem", lambda: lk.parse_problem(text))
        if problem is None:
            return outcome
        result = _stage(outcome, f"solve[{method}]", lambda: lk.solve(problem, method=method, seed=0))
        if result is None:
            return outcome
        outcome.status = result.status
        if result.status == "optimal":
            _judge_optimal(problem, result, rng)
            report = _stage(
                outcome, "check_kkt", lambda: lk.check_kkt(problem, result.point, dict(result.multipliers))
            )
            if report is not None and not report.ok:
                raise _Verdict("wrong answer", f"optimal, but check_kkt says not ok: {report}")
        elif result.status == "infeasible":
            _judge_infeasible(problem, rng)
        dual = _stage(outcome, "dual", lambda: lk.dual(problem))
        if dual is not None:
            dual_result = _stage(outcome, "dual.solve", dual.solve)
            if dual_result is not None:
                _judge_dual(problem, result, dual_result)
    except _Verdict as verdict:
        outcome.kind, outcome.detail = verdict.kind, verdict.detail
    return outcome


def run(examples: int, random_seed: int | None = None, derandomize: bool = False) -> list[Outcome]:
    """Examine ``examples`` random cases; return every outcome."""
    outcomes: list[Outcome] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    @given(problem_texts(), st.sampled_from(METHODS))
    def battery(text: str, method: str) -> None:
        outcomes.append(examine(text, method))

    if random_seed is not None:
        battery = seed(random_seed)(battery)
    battery()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--show", type=int, default=5, help="cases shown per bad class")
    args = parser.parse_args()
    with threadpool_limits(1):
        outcomes = run(args.examples, args.seed)
    counts = Counter(o.kind for o in outcomes)
    print(f"{len(outcomes)} cases: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("clean", *BAD_CLASSES)))
    reached = Counter(o.status or f"stopped at {o.stages[-1]}" for o in outcomes)
    print("how far the cases went: " + ", ".join(f"{k} {v}" for k, v in reached.most_common()))
    for kind in BAD_CLASSES:
        for o in [o for o in outcomes if o.kind == kind][: args.show]:
            print(f"\n[{kind}] {o.text}\n    after {' -> '.join(o.stages)}: {o.detail}")
    return int(any(counts.get(k) for k in BAD_CLASSES))


if __name__ == "__main__":
    raise SystemExit(main())
