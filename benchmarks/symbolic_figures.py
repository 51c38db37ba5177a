"""Figures for the symbolic route and the KKT checker (run: python benchmarks/symbolic_figures.py).

1. solve_symbolic on the TEXTBOOK cases T1–T6 and the hand-derived test problems, then on the
   Cobb–Douglas figures of issue 17 (2 and 3 goods, numeric and symbolic prices and exponents,
   with and without a cap): how many are solved exactly, and the slowest wall time (median of 3
   runs, after one warm-up); the transforms used are named.
2. solve_symbolic on every Hock–Schittkowski problem with a time limit: how many end with an
   exact optimum whose objective matches the published f* (1e-5 relative); the others raise
   SymbolicSolveError (time limit, unsolvable system) or land elsewhere.
3. check_kkt at every published HS optimum: counts of ok / not ok.
4. One numeric check_kkt on the 15-variable HS117 after compile() (median of 50 runs, BLAS
   pinned to one thread). There is no peer to compare with: neither scipy, cvxpy nor sympy
   ships a KKT checker or an exact active-set solver.

``python benchmarks/symbolic_figures.py [limit] [--cpu] [--wall W] [--only HS1,HS2]``: ``limit``
is the HS time limit in seconds (0 skips part 2); ``--cpu`` reports every time in CPU seconds
of this process and its sympy workers, for a loaded machine where wall-clock time says little.
The limit passed to solve_symbolic stays wall-clock; ``--wall W`` passes W instead (for
example 3 x limit on a machine shared three ways), and part 2 then also counts the exact
optima found within ``limit`` CPU seconds. ``--only`` runs part 2 on the named problems.
Each exact optimum is listed with the method that solved its system (``KKTCandidate.method``).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from _hs import load_hs  # noqa: E402

import lagrangekit as lk  # noqa: E402

x, y, z = sp.symbols("x y z", real=True)
b1, b2 = sp.symbols("b1 b2", real=True)
p1, p2, p3 = sp.symbols("p1:4", real=True)
u, v = sp.symbols("u v", positive=True)


def textbook_and_hand() -> dict[str, lk.Problem]:
    X, Y = sp.Matrix([[1, 0], [0, 1], [1, 1]]), sp.Matrix([1, 2, 4])
    loss = sp.expand(sum(r**2 for r in Y - X * sp.Matrix([b1, b2])))
    circle = {"circle": sp.Eq(x**2 + y**2, 1)}
    return {
        "T1": lk.maximize(x + y, circle),
        "T2": lk.minimize((y - 1) ** 2, {"floor": y >= 3}),
        "T3": lk.maximize(sp.exp(-(x**2 + y**2)), {"line": sp.Eq(x - y + 1, 0)}),
        "T4": lk.maximize(x * y, {"budget": sp.Eq(x + y, 10)}),
        "T5": lk.minimize(x**2 + y**2, {"g": x >= sp.Rational(3, 2), "h": sp.Eq(x + y, 2)}),
        "T6 constrained": lk.minimize(loss, {"ball": b1**2 + b2**2 <= sp.Rational(125, 32)}),
        "T6 penalized": lk.minimize(loss + b1**2 + b2**2),
        "xyz simplex": lk.maximize(
            x * y * z, {"sum": sp.Eq(x + y + z, 3)}, bounds={w: (0, None) for w in (x, y, z)}
        ),
        "parabola distance": lk.minimize(x**2 + (y - 2) ** 2, {"curve": sp.Eq(y - x**2, 0)}),
        "qp active/inactive": lk.minimize((x - 1) ** 2 + (y - 2) ** 2, {"cap": x + y <= 2, "left": x >= -5}),
        "max entropy": lk.maximize(
            -(p1 * sp.log(p1) + p2 * sp.log(p2) + p3 * sp.log(p3)), {"total": sp.Eq(p1 + p2 + p3, 1)}
        ),
        "cobb-douglas": lk.maximize(
            u ** sp.Rational(1, 3) * v ** sp.Rational(2, 3), {"budget": sp.Eq(2 * u + v, 12)}
        ),
        "ellipse min": lk.minimize(x**2 + 2 * y**2, circle),
        "ellipse max": lk.maximize(x**2 + 2 * y**2, circle),
        "weakly active": lk.minimize(x**2 + y**2, {"half": x >= 0}),
        "hyperbola": lk.minimize(x**2 + y**2, {"hyperbola": sp.Eq(x * y, 1)}),
        "disk": lk.minimize(x + y, {"disk": x**2 + y**2 <= 2}),
        "box": lk.minimize((x - 3) ** 2 + (y + 1) ** 2, bounds={x: (0, 2), y: (0, 2)}),
    }


def cobb_douglas() -> dict[str, lk.Problem]:
    """The Cobb–Douglas figures of issue 17; p, q, r, m, a, b are parameters."""
    X, Y, Z = sp.symbols("x y z", positive=True)
    p, q, r, m, a, b = sp.symbols("p q r m a b", positive=True)
    R = sp.Rational
    cd2 = X ** R(2, 3) * Y ** R(1, 3)
    cd3 = X ** R(1, 2) * Y ** R(3, 10) * Z ** R(1, 5)
    sym2, sym3 = sp.Eq(p * X + q * Y, m), sp.Eq(p * X + q * Y + r * Z, m)
    return {
        "2 goods": lk.maximize(cd2, {"budget": sp.Eq(2 * X + Y, 30)}),
        "2 goods, cap": lk.maximize(cd2, {"budget": sp.Eq(2 * X + Y, 30), "cap": X <= 5}),
        "2 goods, prices": lk.maximize(cd2, {"budget": sym2}, variables=[X, Y]),
        "2 goods, prices, cap": lk.maximize(cd2, {"budget": sym2, "cap": X <= 10}, variables=[X, Y]),
        "2 goods, exponents": lk.maximize(X**a * Y**b, {"budget": sym2}, variables=[X, Y]),
        "3 goods": lk.maximize(cd3, {"budget": sp.Eq(2 * X + 3 * Y + Z, 12)}),
        "3 goods, cap": lk.maximize(cd3, {"budget": sp.Eq(2 * X + 3 * Y + Z, 12), "cap": Z <= 1}),
        "3 goods, prices": lk.maximize(cd3, {"budget": sym3}, variables=[X, Y, Z]),
        "3 goods, prices, cap": lk.maximize(cd3, {"budget": sym3, "cap": Z <= 1}, variables=[X, Y, Z]),
    }


def _exact_table(title: str, problems: dict[str, lk.Problem]) -> None:
    print(f"== solve_symbolic, {title} (median of 3)")
    worst = ("", 0.0)
    solved = 0
    for name, problem in problems.items():
        try:
            seconds, res = timed(lambda p=problem: lk.solve_symbolic(p), 3)
        except lk.SymbolicSolveError as exc:
            print(f"  {name:22s} SymbolicSolveError: {str(exc)[:70]}")
            continue
        solved += res.status == "optimal" and res.exact is not None
        worst = max(worst, (name, seconds), key=lambda t: t[1])
        used = "; ".join(t.split(":", 1)[0] for t in res.transforms) or "-"
        print(f"  {name:22s} {res.status:8s} {seconds:6.3f} s  transforms: {used}")
    print(f"  solved exactly: {solved}/{len(problems)}; slowest {worst[0]} {worst[1]:.3f} s")


CPU = "--cpu" in sys.argv  # CPU seconds of this process and its sympy workers, not wall-clock


def _option(name: str) -> str | None:
    if name in sys.argv[:-1]:
        return sys.argv[sys.argv.index(name) + 1]
    return None


def _clock() -> float:
    if not CPU:
        return time.perf_counter()
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = _clock()
        out = fn()
        times.append(_clock() - start)
    return statistics.median(times), out


def main() -> None:
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return
    only = _option("--only")
    if only is None:
        lk.solve_symbolic(lk.minimize(x**2))  # warm-up: imports
        _exact_table("TEXTBOOK and hand-derived problems", textbook_and_hand())
        _exact_table("Cobb–Douglas figures (issue 17)", cobb_douglas())

    cases = load_hs()
    if not cases:
        print("HS data absent")
        return
    if only is not None:
        cases = [c for c in cases if c.name in only.split(",")]
    options = {sys.argv.index(o) + 1 for o in ("--wall", "--only") if o in sys.argv}
    numbers = [a for k, a in enumerate(sys.argv[1:], start=1) if not a.startswith("--") and k not in options]
    limit = float(numbers[0]) if numbers else 10.0  # 0 skips this part
    wall = float(_option("--wall") or limit)
    print(f"== solve_symbolic on {len(cases)} HS problems (timeout {wall:g} s each, wall-clock)")
    _hs_table(cases if limit > 0 else [], limit, wall)
    if only is not None:
        return

    print("== check_kkt at the published HS optima (tol = max(1e-6, 10 x listed residuals))")
    kkt_cases = [c for c in cases if c.kkt_point]
    ok = [c.name for c in kkt_cases if lk.check_kkt(c.problem, c.x_star, tol=_tol(c)).ok]
    bad = [c.name for c in kkt_cases if c.name not in ok]
    print(f"  KKT points ok {len(ok)}/{len(kkt_cases)}; not ok: {' '.join(bad) or 'none'}")
    for c in cases:
        if not c.kkt_point:  # HS13: no multipliers exist, checked at the default tol
            report = lk.check_kkt(c.problem, c.x_star)
            print(f"  {c.name} (no multipliers exist): ok={report.ok}; {report.message}")

    hs117 = next(c for c in cases if c.name == "HS117")
    hs117.problem.compile()
    with threadpool_limits(1):
        seconds, _ = timed(lambda: lk.check_kkt(hs117.problem, hs117.x_star, tol=_tol(hs117)), 50)
        so, _ = timed(
            lambda: lk.check_kkt(hs117.problem, hs117.x_star, tol=_tol(hs117), second_order=True), 20
        )
    print(
        f"== check_kkt on HS117 (n = 15): {1e3 * seconds:.2f} ms median; with second_order {1e3 * so:.2f} ms"
    )


def _hs_table(cases, limit: float, wall: float) -> None:
    outcome: dict[str, list[str]] = {}
    within: list[str] = []
    for case in cases:
        start = _clock()
        try:
            res = lk.solve_symbolic(case.problem, timeout=wall)
            good = res.status == "optimal" and abs(res.fun - case.f_star) <= 1e-5 * max(1, abs(case.f_star))
            method = next((c.method for c in res.candidates if c.optimal), "")
            key = (
                f"exact optimum = f* (by {method.split(' (')[0]})"
                if good
                else f"status {res.status}, f={res.fun:.6g} vs f*={case.f_star:.6g}"
            )
        except lk.SymbolicSolveError as exc:
            good = False
            key = "time limit" if "did not finish" in str(exc) else "SymbolicSolveError: " + str(exc)[:60]
        seconds = _clock() - start
        if good and seconds <= limit:
            within.append(case.name)
        outcome.setdefault(key, []).append(f"{case.name}({seconds:.1f}s)")
    for key, names in sorted(outcome.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(names):3d}  {key}: {' '.join(names)}")
    unit = "CPU" if CPU else "wall-clock"
    print(f"  exact optimum = f* within {limit:g} {unit} seconds: {len(within)}/{len(cases)}")


def _tol(case) -> float:
    return max(1e-6, 10 * max(case.listed["stationarity_scaled"], case.listed["primal_violation"]))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
