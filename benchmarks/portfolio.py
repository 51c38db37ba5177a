"""Portfolio benchmark (issue 16): a long-only mean-variance portfolio written in scalar sympy,
first ``lk.solve`` on a fresh Problem against cvxpy/Clarabel, in one run.

    minimize wᵀΣw  s.t.  budget: Σ wᵢ = 1,  ret: μᵀw >= r,  w >= 0 (bounds)

Data for repetition k (seed k): Σ = FFᵀ/3 + diag(U(0.05, 0.2)) with F ~ N(0, 1) of shape n × 3,
μ ~ U(0.01, 0.15), r the 0.7-quantile of μ. The objective is built as a user would, one sympy
term Σᵢⱼ·wᵢ·wⱼ per pair (n(n+1)/2 terms after sympy collects wᵢwⱼ with wⱼwᵢ); building the
expressions and the Problem (``lk.minimize``) is not timed, and its time is printed apart.
Timed: lagrangekit's first ``lk.solve`` on the fresh Problem (compiling included: every
repetition has new data, so nothing is cached), and its second ``lk.solve`` on the same Problem
(compiled callables and structure cached); cvxpy's model build (``cp.quad_form``) and
``solve(solver="CLARABEL")`` with its gap tolerances at 1e-10 (at the default 1e-8 its f, about
1e-3 here, is up to 1.4e-6 relative above the optimum). Both must reach the same objective to
1e-6 relative, and lagrangekit's status must be "optimal" (a KKT certificate). Each figure is the median of
``--repeat`` runs; the growth exponent is the least-squares slope of log(time) against log(n).

Times are process CPU seconds (``time.process_time``; BLAS pinned to one thread), which other
jobs on a shared machine inflate less than wall time; ``--wall`` switches to wall-clock.

With ``--matrix`` it times the matrix form instead (issue 16, "through the matrix form"): the
same portfolio stated once with sympy MatrixSymbols, ``lk.matrix_minimize(w.T*Sigma*w, {"budget":
(1ᵀw, "==", 1), "ret": (μᵀw, ">=", r), "long": (w, ">=", 0)}, data={Sigma: Σ, mu: μ, r: r})``, and
timed with its build (model build included on both sides: the Problem and ``lk.solve``; cvxpy's
model and solve), for the default sizes 50, 200, 1000, 5000. Same checks: equal objectives to
1e-6 relative, lagrangekit's status "optimal". Target: within 2× cvxpy.

Run: python benchmarks/portfolio.py [--repeat 3] [--sizes 10,25,50,100,200] [--wall] [--matrix]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import cvxpy as cp
import numpy as np
import sympy as sp
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this clone's lagrangekit

import lagrangekit as lk  # noqa: E402

TARGETS = {50: 1.0, 200: 5.0}  # issue 16: seconds for the first solve
GAP = 1e-10  # Clarabel's duality-gap tolerances (default 1e-8, which leaves f ~ 1e-3 off by 1e-6 relative)


def data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((n, 3))
    sigma = F @ F.T / 3 + np.diag(rng.uniform(0.05, 0.2, n))
    mu = rng.uniform(0.01, 0.15, n)
    return sigma, mu, float(np.quantile(mu, 0.7))


def scalar_problem(sigma: np.ndarray, mu: np.ndarray, r: float) -> lk.Problem:
    """The portfolio in scalar sympy, term by term, as a user writes it."""
    n = len(mu)
    w = sp.symbols(f"w1:{n + 1}", real=True)
    risk = sp.Add(*[sp.Float(sigma[i, j]) * w[i] * w[j] for i in range(n) for j in range(n)])
    expected = sp.Add(*[sp.Float(mu[i]) * w[i] for i in range(n)])
    return lk.minimize(
        risk,
        {"budget": sp.Eq(sp.Add(*w), 1), "ret": expected >= r},
        bounds={wi: (0, None) for wi in w},
        variables=w,
    )


def matrix_solve(sigma: np.ndarray, mu: np.ndarray, r: float) -> lk.Result:
    """The portfolio through the matrix form: build and solve."""
    n = sp.Symbol("n", integer=True, positive=True)
    w, S, m = sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("Sigma", n, n), sp.MatrixSymbol("mu", n, 1)
    target = sp.Symbol("r", real=True)
    problem = lk.matrix_minimize(
        w.T * S * w,
        {"budget": (sp.OneMatrix(n, 1).T * w, "==", 1), "ret": (m.T * w, ">=", target), "long": (w, ">=", 0)},
        variables=[w],
        data={S: sigma, m: mu, target: r},
    )
    return lk.solve(problem)


def cvxpy_solve(sigma: np.ndarray, mu: np.ndarray, r: float) -> float:
    w = cp.Variable(len(mu))
    risk = cp.quad_form(w, cp.psd_wrap(sigma))
    problem = cp.Problem(cp.Minimize(risk), [cp.sum(w) == 1, mu @ w >= r, w >= 0])
    problem.solve(solver="CLARABEL", tol_gap_abs=GAP, tol_gap_rel=GAP)
    return float(problem.value)


def timed(clock, func, *args):
    start = clock()
    out = func(*args)
    return clock() - start, out


def run(sizes: list[int], repeat: int, clock) -> list[tuple[int, float, float, float, float]]:
    timed(clock, lk.solve, scalar_problem(*data(3, 0)))  # imports and first-call set-up, untimed
    cvxpy_solve(*data(3, 0))
    rows = []
    for n in sizes:
        ours, again, theirs, builds = [], [], [], []
        for k in range(repeat):
            sigma, mu, r = data(n, seed=k)
            build, problem = timed(clock, scalar_problem, sigma, mu, r)
            t_lk, result = timed(clock, lk.solve, problem)
            t_again, second = timed(clock, lk.solve, problem)
            t_cvx, f_cvx = timed(clock, cvxpy_solve, sigma, mu, r)
            if result.status != "optimal" or abs(result.fun - f_cvx) > 1e-6 * abs(f_cvx):
                raise SystemExit(f"n={n} seed={k}: lk {result.status} f={result.fun!r}, cvxpy f={f_cvx!r}")
            if second.status != "optimal" or second.fun != result.fun:
                raise SystemExit(f"n={n} seed={k}: second lk.solve {second.status} f={second.fun!r}")
            ours.append(t_lk)
            again.append(t_again)
            theirs.append(t_cvx)
            builds.append(build)
        rows.append((n, *(statistics.median(t) for t in (ours, again, theirs, builds))))
        print(f"  n={n}: lk.solve via {result.method}", flush=True)
    return rows


def run_matrix(sizes: list[int], repeat: int, clock) -> list[tuple[int, float, float]]:
    matrix_solve(*data(3, 0))  # imports and first-call set-up, untimed
    cvxpy_solve(*data(3, 0))
    rows = []
    for n in sizes:
        ours, theirs = [], []
        for k in range(repeat):
            sigma, mu, r = data(n, seed=k)
            t_lk, result = timed(clock, matrix_solve, sigma, mu, r)
            t_cvx, f_cvx = timed(clock, cvxpy_solve, sigma, mu, r)
            if result.status != "optimal" or abs(result.fun - f_cvx) > 1e-6 * abs(f_cvx):
                raise SystemExit(f"n={n} seed={k}: lk {result.status} f={result.fun!r}, cvxpy f={f_cvx!r}")
            ours.append(t_lk)
            theirs.append(t_cvx)
        rows.append((n, statistics.median(ours), statistics.median(theirs)))
        print(f"  n={n}: lk.solve via {result.method}", flush=True)
    return rows


def report_matrix(rows: list[tuple[int, float, float]], repeat: int, unit: str) -> None:
    print("Portfolio in matrix form: lk.matrix_minimize + lk.solve vs cvxpy/Clarabel, builds included")
    print(f"median of {repeat} ({unit} s); every run: same objective (1e-6 relative), lk status optimal")
    print(f"{'n':>5} {'lk matrix':>10} {'cvxpy':>10} {'lk/cvxpy':>9} {'target':>7}")
    for n, ours, theirs in rows:
        print(f"{n:>5} {ours:>10.3f} {theirs:>10.3f} {ours / theirs:>9.2f} {'<= 2':>7}")
    ns = [r[0] for r in rows]
    if len(ns) > 1:
        print(
            f"growth exponent (log-log slope): lk matrix {slope(ns, [r[1] for r in rows]):.2f}, "
            f"cvxpy {slope(ns, [r[2] for r in rows]):.2f}"
        )


def slope(ns: list[int], times: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(times), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default=None, help="default 10,25,50,100,200 (--matrix: 50,200,1000,5000)")
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of process CPU time")
    parser.add_argument("--matrix", action="store_true", help="time the matrix form instead of scalar sympy")
    args = parser.parse_args()
    default = "50,200,1000,5000" if args.matrix else "10,25,50,100,200"
    sizes = [int(s) for s in (args.sizes or default).split(",")]
    clock = time.perf_counter if args.wall else time.process_time
    unit = "wall" if args.wall else "CPU"
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.matrix:
            report_matrix(run_matrix(sizes, args.repeat, clock), args.repeat, unit)
            return
        rows = run(sizes, args.repeat, clock)
    print("Portfolio in scalar sympy: first lk.solve (compile included) vs cvxpy/Clarabel (build included)")
    print(f"median of {args.repeat} ({unit} s); every run: same objective (1e-6 relative), lk status optimal")
    print(
        f"{'n':>5} {'lk first':>10} {'lk second':>10} {'cvxpy':>10} {'first/cvxpy':>12} {'second/cvxpy':>13} "
        f"{'target':>7}   {'building (untimed)':>18}"
    )
    for n, ours, again, theirs, build in rows:
        target = f"{TARGETS[n]:.0f} s" if n in TARGETS else ""
        print(
            f"{n:>5} {ours:>10.3f} {again:>10.4f} {theirs:>10.4f} {ours / theirs:>12.1f} "
            f"{again / theirs:>13.2f} {target:>7}   {build:>18.3f}"
        )
    ns = [r[0] for r in rows]
    if len(ns) > 1:
        exponents = ", ".join(
            f"{name} {slope(ns, [r[k] for r in rows]):.2f}"
            for k, name in ((1, "lk first"), (2, "lk second"), (3, "cvxpy"), (4, "building"))
        )
        print(f"growth exponent (log-log slope): {exponents}")


if __name__ == "__main__":
    main()
