"""Sparse QP benchmark (issue 16): the growth of ``lk.solve``'s linear/quadratic route with n when the
problem has O(n) terms, against cvxpy/Clarabel, in one run.

    minimize Σᵢ (wᵢ − wᵢ₊₁)² + Σᵢ cᵢwᵢ  s.t.  budget: Σ wᵢ = 1,  w >= 0 (bounds)

c ~ U(−1, 1) (seed k). Building the sympy expressions and the Problem is not timed (shown apart).
Timed: the first ``lk.solve`` on the fresh Problem (compile included), the second on the same
Problem, and cvxpy's model build and solve (Clarabel, gap tolerances 1e-10). Both must reach the
same objective to 1e-6 relative, lk with status "optimal". Process CPU seconds, BLAS on one
thread, median of ``--repeat`` runs; the growth exponent is the log-log slope of time against n.

Run: python benchmarks/sparse_qp.py [--repeat 3] [--sizes 1000,5000,20000]
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

from portfolio import GAP, slope, timed  # noqa: E402

import lagrangekit as lk  # noqa: E402


def problem(c: np.ndarray) -> lk.Problem:
    n = len(c)
    w = sp.symbols(f"w1:{n + 1}", real=True)
    f = sp.Add(*[(w[i] - w[i + 1]) ** 2 for i in range(n - 1)], *[sp.Float(c[i]) * w[i] for i in range(n)])
    return lk.minimize(f, {"budget": sp.Eq(sp.Add(*w), 1)}, bounds={wi: (0, None) for wi in w}, variables=w)


def cvxpy_solve(c: np.ndarray) -> float:
    w = cp.Variable(len(c))
    objective = cp.sum_squares(w[:-1] - w[1:]) + c @ w
    ref = cp.Problem(cp.Minimize(objective), [cp.sum(w) == 1, w >= 0])
    ref.solve(solver="CLARABEL", tol_gap_abs=GAP, tol_gap_rel=GAP)
    return float(ref.value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1000,5000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    clock = time.process_time
    rows = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lk.solve(problem(np.array([0.1, -0.2, 0.3])))
        cvxpy_solve(np.array([0.1, -0.2, 0.3]))
        for n in sizes:
            times: list[list[float]] = [[], [], [], []]
            for k in range(args.repeat):
                c = np.random.default_rng(k).uniform(-1.0, 1.0, n)
                build, p = timed(clock, problem, c)
                first, result = timed(clock, lk.solve, p)
                second, again = timed(clock, lk.solve, p)
                theirs, f_ref = timed(clock, cvxpy_solve, c)
                ok = result.status == again.status == "optimal"
                if not ok or abs(result.fun - f_ref) > 1e-6 * max(1.0, abs(f_ref)):
                    raise SystemExit(
                        f"n={n} seed={k}: lk {result.status} f={result.fun!r}, cvxpy f={f_ref!r}"
                    )
                for column, t in zip(times, (first, second, theirs, build)):
                    column.append(t)
            rows.append((n, *(statistics.median(t) for t in times)))
            print(f"  n={n}: lk.solve via {result.method}", flush=True)
    print("Sparse QP in scalar sympy: lk.solve first (compile included) and second vs cvxpy/Clarabel")
    print(f"median of {args.repeat} (CPU s); every run: same objective (1e-6 relative), lk status optimal")
    print(
        f"{'n':>6} {'lk first':>10} {'lk second':>10} {'cvxpy':>10} {'first/cvxpy':>12} {'second/cvxpy':>13}"
        f"   {'building (untimed)':>18}"
    )
    for n, first, second, theirs, build in rows:
        print(
            f"{n:>6} {first:>10.3f} {second:>10.4f} {theirs:>10.4f} {first / theirs:>12.1f} "
            f"{second / theirs:>13.2f}   {build:>18.3f}"
        )
    ns = [r[0] for r in rows]
    if len(ns) > 1:
        names = ("lk first", "lk second", "cvxpy", "building")
        print(
            "growth exponent (log-log slope): "
            + ", ".join(f"{name} {slope(ns, [r[k + 1] for r in rows]):.2f}" for k, name in enumerate(names))
        )


if __name__ == "__main__":
    main()
