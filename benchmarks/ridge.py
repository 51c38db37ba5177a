"""Ridge benchmark: lagrangekit against the BLAS floor, numpy and scikit-learn, in one run.

Data (issue 5): an AR(1) design, rng = np.random.default_rng(seed); X[:, 0] ~ N(0, 1),
X[:, j] = ρ·X[:, j−1] + √(1 − ρ²)·N(0, 1) with ρ = 0.5; the true w has ``--nonzeros``
entries ±U(1, 2) at random positions; noise σ = ‖Xw‖/(√n·SNR) with SNR = 3.
Shapes: tall 200000×100 (seed 1), wide 500×5000 (seed 2) and a thousand columns 50000×1000
(seed 3, where each ``syrk`` call's O(p²) overhead shows); α = 1.

BLAS is pinned to one thread (threadpoolctl), and times are CPU seconds of this process
(``time.process_time``; with one thread that is the work done, which other jobs on a
shared machine do not inflate the way they inflate wall time; ``--wall`` switches to
wall-clock). Each timing is the median of ``--repeat`` runs, with the candidates and the
floor interleaved within each round; a ratio is the median of the rounds' ratios (each round
runs both sides back to back), with its quartiles in brackets. Every comparison checks that
both sides reached the same objective ‖y − Xw − b‖² + α‖w‖² (or the same chosen α, for CV).

Run: python benchmarks/ridge.py [--repeat 7] [--quick]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from threadpoolctl import threadpool_limits

from lagrangekit.linear_model import Ridge, RidgeCV, ridge_path

ALPHA = 1.0
RHO = 0.5
SNR = 3.0


def ar1_data(n: int, p: int, seed: int, nonzeros: int) -> tuple[np.ndarray, np.ndarray]:
    """The issue's AR(1) recipe."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1 - RHO**2)
    for j in range(1, p):
        X[:, j] = RHO * X[:, j - 1] + scale * rng.standard_normal(n)
    w = np.zeros(p)
    support = rng.choice(p, size=nonzeros, replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=nonzeros) * rng.uniform(1, 2, size=nonzeros)
    signal = X @ w
    sigma = np.linalg.norm(signal) / (np.sqrt(n) * SNR)
    return X, signal + sigma * rng.standard_normal(n)


def objective(X: np.ndarray, y: np.ndarray, coef: np.ndarray, intercept: float, alpha: float) -> float:
    r = y - X @ coef - intercept
    return float(r @ r + alpha * coef @ coef)


CLOCK = time.process_time


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = CLOCK()
    out = fn()
    return CLOCK() - start, out


class Timings(dict):
    """Median seconds per candidate (``timings[name]``), with every round's seconds kept."""

    def __init__(self, rounds: dict[str, list[float]]) -> None:
        super().__init__({k: float(np.median(v)) for k, v in rounds.items()})
        self.rounds = {k: np.asarray(v) for k, v in rounds.items()}

    def ratio(self, name: str, base: str) -> tuple[float, float, float]:
        """Median and quartiles of ``name``'s time over ``base``'s within each round.

        Both ran back to back in every round, so a change of the machine's speed between
        rounds (this machine's load moves the BLAS floor itself by 10%) divides out."""
        per_round = self.rounds[name] / self.rounds[base]
        q25, median, q75 = np.percentile(per_round, [25, 50, 75])
        return float(median), float(q25), float(q75)


def interleaved(candidates: dict[str, Callable[[], object]], repeat: int) -> tuple[Timings, dict]:
    """Timings of the candidates, run round-robin ``repeat`` times; also the last outputs."""
    times: dict[str, list[float]] = {k: [] for k in candidates}
    outputs: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in candidates.items():
            t, outputs[name] = timed(fn)
            times[name].append(t)
    return Timings(times), outputs


def row(label: str, timings: Timings, name: str, base: str, target: str = "") -> str:
    """``name``'s median time and its per-round ratio to ``base`` (median [quartiles])."""
    ratio, q25, q75 = timings.ratio(name, base)
    spread = "" if name == base else f" [{q25:.2f}-{q75:.2f}]"
    return f"  {label:<44} {timings[name] * 1e3:9.1f} ms   {ratio:6.2f}x{spread:<12}   {target}"


def bench_solve(name: str, X: np.ndarray, y: np.ndarray, repeat: int) -> float:
    n, p = X.shape
    floor_name = "X.T @ X" if n >= p else "X @ X.T"
    floor_fn = (lambda: X.T @ X) if n >= p else (lambda: X @ X.T)
    med, out = interleaved(
        {
            floor_name: floor_fn,
            "lagrangekit Ridge": lambda: Ridge(alpha=ALPHA).fit(X, y),
            "sklearn Ridge": lambda: SkRidge(alpha=ALPHA).fit(X, y),
        },
        repeat,
    )
    ours, ref = out["lagrangekit Ridge"], out["sklearn Ridge"]
    f_ours = objective(X, y, ours.coef_, ours.intercept_, ALPHA)
    f_ref = objective(X, y, ref.coef_, ref.intercept_, ALPHA)
    print(f"{name}: {n}×{p}, alpha={ALPHA:g}, lagrangekit solver_={ours.solver_!r}")
    print(row(floor_name + " (floor)", med, floor_name, floor_name))
    print(row("lagrangekit Ridge.fit", med, "lagrangekit Ridge", floor_name, "target <= 1.2x"))
    print(row("sklearn Ridge.fit", med, "sklearn Ridge", floor_name))
    print(
        f"  lagrangekit / sklearn = {med['lagrangekit Ridge'] / med['sklearn Ridge']:.2f}x;"
        f" objective rel. diff {abs(f_ours - f_ref) / f_ref:.1e};"
        f" coef rel. diff {np.abs(ours.coef_ - ref.coef_).max() / np.abs(ref.coef_).max():.1e}"
    )
    return med["lagrangekit Ridge"]


def bench_path(X: np.ndarray, y: np.ndarray, repeat: int) -> None:
    alphas = np.logspace(-3, 4, 100)
    med, out = interleaved(
        {
            "one solve": lambda: Ridge(alpha=ALPHA).fit(X, y),
            "ridge_path": lambda: ridge_path(X, y, alphas),
        },
        repeat,
    )
    path = out["ridge_path"]
    worst = 0.0
    for i in (0, 50, 99):
        ref = SkRidge(alpha=alphas[i]).fit(X, y)
        worst = max(worst, float(np.abs(path.coefs[i] - ref.coef_).max() / np.abs(ref.coef_).max()))
    print(f"ridge_path over 100 alphas on tall {X.shape[0]}×{X.shape[1]}")
    print(row("one Ridge solve", med, "one solve", "one solve"))
    print(row("ridge_path (100 alphas)", med, "ridge_path", "one solve", "target <= 3x one solve"))
    print(f"  worst coef rel. diff vs sklearn Ridge at 3 of the alphas: {worst:.1e}")


def bench_cv(name: str, X: np.ndarray, y: np.ndarray, repeat: int) -> None:
    alphas = np.logspace(-3, 4, 100)
    med, out = interleaved(
        {
            "sklearn RidgeCV": lambda: SkRidgeCV(alphas=alphas).fit(X, y),
            "lagrangekit RidgeCV": lambda: RidgeCV(alphas=alphas).fit(X, y),
        },
        repeat,
    )
    ours, ref = out["lagrangekit RidgeCV"], out["sklearn RidgeCV"]
    base = "sklearn RidgeCV"
    print(f"RidgeCV, 100 alphas, leave-one-out, {name} {X.shape[0]}×{X.shape[1]}")
    print(row(base, med, base, base))
    print(row("lagrangekit RidgeCV", med, "lagrangekit RidgeCV", base, "target <= 1.0x sklearn"))
    print(
        f"  chosen alpha: lagrangekit {ours.alpha_:.6g}, sklearn {ref.alpha_:.6g};"
        f" best_score rel. diff {abs(ours.best_score_ - ref.best_score_) / abs(ref.best_score_):.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (median reported)")
    parser.add_argument("--cv-repeat", type=int, default=3, help="runs per RidgeCV timing")
    parser.add_argument("--nonzeros", type=int, default=10, help="nonzeros of the true w")
    parser.add_argument("--quick", action="store_true", help="shapes divided by 10 (a smoke test)")
    parser.add_argument("--wall", action="store_true", help="time wall-clock instead of process CPU time")
    args = parser.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    shrink = 10 if args.quick else 1
    tall = ar1_data(200_000 // shrink, 100, seed=1, nonzeros=args.nonzeros)
    wide = ar1_data(500, 5000 // shrink, seed=2, nonzeros=args.nonzeros)
    thousand = ar1_data(50_000 // shrink, 1000, seed=3, nonzeros=args.nonzeros)
    with threadpool_limits(limits=1):
        clock = "wall-clock" if args.wall else "process CPU"
        print(f"BLAS threads pinned to 1; {clock} time, medians of interleaved runs\n")
        bench_solve("tall", *tall, args.repeat)
        print()
        bench_solve("wide", *wide, args.repeat)
        print()
        bench_solve("a thousand columns", *thousand, args.repeat)
        print()
        bench_path(*tall, args.repeat)
        print()
        bench_cv("tall", *tall, args.cv_repeat)
        print()
        bench_cv("wide", *wide, args.cv_repeat)


if __name__ == "__main__":
    main()
