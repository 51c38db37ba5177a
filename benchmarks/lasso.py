"""Lasso benchmark: lagrangekit against scikit-learn, celer and skglm, in the same run.

Every solver is held to one certificate: the duality gap at the rescaled-residual dual point
θ = r·min(1, nα/‖Xᵀr‖∞), divided by P(0) = ‖y‖²/(2n), must be at most 1e-6 (at every α of a
path). Each solver starts from the tolerance its own stopping rule maps to that target and is
tightened tenfold until the certificate holds; the calibrating run counts as the first timing.
BLAS is pinned to one thread; times are medians (wall-clock, or process CPU time with ``--cpu``).

Data (``X[:,0] ~ N(0,1)``, ``X[:,j] = ρX[:,j-1] + √(1-ρ²)N(0,1)``, ρ = 0.5, k true
coefficients ±U(1,2), noise σ = ‖Xw‖/(√n·SNR), SNR = 3, all centred, no intercept):
  (a) scikit-learn's diabetes; (b) 2000×5000, k = 50, seed 0; (c) 200000×100, k = 10, seed 1;
  (d) sparse CSC 10⁴×10⁵ at 0.1% density (N(0,1) entries), k = 100, seed 2, not centred (issue 13);
  (e) the elastic net (l1_ratio 0.5) on (d)'s data, against scikit-learn's and skglm's ElasticNet;
  (f) three targets on (d)'s X ((d)'s y and two more drawn the same way, seeds 3 and 4), against
      scikit-learn's Lasso with 2-D y (targets fitted independently) and skglm target by target.
Work: one α at α_max/20 and α_max/100, and a 100-α path from α_max to 1e-3·α_max; (d), (e) and
(f) α_max/20 only (for (e) α_max = ‖Xᵀy‖∞/(n·l1_ratio); for (f) the smallest target's α_max). The
certificate of (e) is the elastic net's gap (scikit-learn's dual point), of (f) the largest
target's gap.

Usage::

    python benchmarks/lasso.py [--repeat 5] [--path-repeat 1] [--cases a,b,c,d,e,f]
    python benchmarks/lasso.py --cold-start      # import + first fit vs a warm fit
    python benchmarks/lasso.py --memory          # peak memory of a fit against the size of X
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmark this checkout

TARGET = 1e-6
L1_RATIO = 0.5  # case (e)


def ar1_data(n: int, p: int, k: int, seed: int, rho: float = 0.5, snr: float = 3.0):
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return X, noisy_target(X, k, rng, snr)


def noisy_target(X, k: int, rng, snr: float):
    """y = Xw + noise: k coefficients ±U(1,2), noise σ = ‖Xw‖/(√n·SNR)."""
    n, p = X.shape
    w = np.zeros(p)
    support = rng.choice(p, size=k, replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(1, 2, size=k)
    signal = X @ w
    sigma = np.linalg.norm(signal) / (np.sqrt(n) * snr)
    return signal + sigma * rng.standard_normal(n)


def sparse_data(n: int, p: int, density: float, k: int, seed: int, snr: float = 3.0):
    import scipy.sparse as sparse

    rng = np.random.default_rng(seed)
    X = sparse.random(n, p, density=density, format="csc", random_state=rng, data_rvs=rng.standard_normal)
    return X, noisy_target(X, k, rng, snr)


def load_case(name: str):
    if name in ("d", "e"):
        return sparse_data(10_000, 100_000, 1e-3, 100, seed=2)
    if name == "f":
        X, y = sparse_data(10_000, 100_000, 1e-3, 100, seed=2)
        more = [noisy_target(X, 100, np.random.default_rng(seed), 3.0) for seed in (3, 4)]
        return X, np.column_stack([y, *more])
    if name == "a":
        from sklearn.datasets import load_diabetes

        X, y = load_diabetes(return_X_y=True)
    elif name == "b":
        X, y = ar1_data(2000, 5000, 50, seed=0)
    else:
        X, y = ar1_data(200000, 100, 10, seed=1)
    X = np.asfortranarray(X - X.mean(axis=0)) if name == "b" else X - X.mean(axis=0)
    return X, y - y.mean()


def relative_gap(X, y, w, alpha, l1_ratio=1.0) -> float:
    """Gap over P(0) for (1/(2n))‖y − Xw‖² + αρ‖w‖₁ + ½α(1−ρ)‖w‖² (ρ = l1_ratio; 1 is the Lasso).

    The dual point is the residual r rescaled by min(1, nαρ/‖Xᵀr − nα(1−ρ)w‖∞) (scikit-learn's).
    """
    n = X.shape[0]
    r = y - X @ w
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    dual_norm = np.max(np.abs(X.T @ r - l2 * w))
    s = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    rr = r @ r
    gap = 0.5 * rr * (1 + s * s) + l1 * np.abs(w).sum() - s * (r @ y) + 0.5 * l2 * (1 + s * s) * (w @ w)
    return gap / n / ((y @ y) / (2 * n))


# --- solvers: single(X, y, alpha, tol) -> coef ; path(X, y, alphas, tol) -> coefs (p, n_alphas)


def ours_single(X, y, alpha, tol):
    from lagrangekit.linear_model import Lasso

    return Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=1_000_000).fit(X, y).coef_


def ours_path(X, y, alphas, tol):
    from lagrangekit.linear_model import lasso_path

    return lasso_path(X, y, alphas=alphas, tol=tol, max_iter=1_000_000)[1]


def sklearn_single(X, y, alpha, tol):
    from sklearn.linear_model import Lasso

    precompute = X.shape[0] > X.shape[1]
    model = Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=1_000_000, precompute=precompute)
    return model.fit(X, y).coef_


def sklearn_path(X, y, alphas, tol):
    from sklearn.linear_model import lasso_path

    return lasso_path(X, y, alphas=alphas, tol=tol, max_iter=1_000_000)[1]


def celer_single(X, y, alpha, tol):
    from celer import Lasso

    return Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=1000).fit(X, y).coef_


def celer_path(X, y, alphas, tol):
    from celer import celer_path as path

    return path(X, y, "lasso", alphas=alphas, tol=tol, max_iter=1000)[1]


def skglm_single(X, y, alpha, tol):
    if X.shape[0] > 10 * X.shape[1]:  # GramCD, skglm's solver for tall data
        from skglm.penalties import L1
        from skglm.solvers import GramCD

        solver = GramCD(tol=tol, max_iter=100_000, use_acc=True, greedy_cd=False, fit_intercept=False)
        return solver.solve(X, y, None, L1(alpha))[0]
    from skglm import Lasso

    return Lasso(alpha=alpha, fit_intercept=False, tol=tol, max_iter=1000).fit(X, y).coef_


def skglm_path(X, y, alphas, tol):
    from skglm import Lasso

    return Lasso(fit_intercept=False, tol=tol, max_iter=1000).path(X, y, alphas)[1]


def ours_enet(X, y, alpha, tol):
    from lagrangekit.linear_model import ElasticNet

    model = ElasticNet(alpha=alpha, l1_ratio=L1_RATIO, fit_intercept=False, tol=tol, max_iter=1_000_000)
    return model.fit(X, y).coef_


def sklearn_enet(X, y, alpha, tol):
    from sklearn.linear_model import ElasticNet

    model = ElasticNet(alpha=alpha, l1_ratio=L1_RATIO, fit_intercept=False, tol=tol, max_iter=1_000_000)
    return model.fit(X, y).coef_


def skglm_enet(X, y, alpha, tol):
    from skglm import ElasticNet

    model = ElasticNet(alpha=alpha, l1_ratio=L1_RATIO, fit_intercept=False, tol=tol, max_iter=1000)
    return model.fit(X, y).coef_


def skglm_targets(X, Y, alpha, tol):
    return np.vstack([skglm_single(X, Y[:, t], alpha, tol) for t in range(Y.shape[1])])


# starting tolerances: each maps its own stopping rule to gap/P(0) <= 1e-6 where it can
SOLVERS = {
    "lagrangekit": (ours_single, ours_path, TARGET),  # stops on exactly this certificate
    "sklearn": (sklearn_single, sklearn_path, TARGET / 2),  # gap <= tol·‖y‖² = 2·tol·P(0)·n
    "celer": (celer_single, celer_path, TARGET / 2),  # gap <= tol·‖y‖²/n = 2·tol·P(0)
    "skglm": (skglm_single, skglm_path, None),  # KKT violation: set per case below
}


# (e) and (f): ours and the peers that have the model; lagrangekit's and sklearn's 2-D y fit every target
ENET_SOLVERS = {
    "lagrangekit": (ours_enet, None, TARGET),
    "sklearn": (sklearn_enet, None, TARGET / 2),
    "skglm": (skglm_enet, None, None),
}
TARGETS_SOLVERS = {
    "lagrangekit": (ours_single, None, TARGET),
    "sklearn": (sklearn_single, None, TARGET / 2),
    "skglm": (skglm_targets, None, None),
}
CASE_SOLVERS = {"e": ENET_SOLVERS, "f": TARGETS_SOLVERS}


CLOCK = time.perf_counter  # --cpu: time.process_time (the work done; a loaded machine inflates less)


def timed(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = CLOCK()
        out = fn(*args)
        return CLOCK() - t, np.asarray(out)


def calibrated_median(fn, X, y, arg, tol, certify, repeat):
    """Median time at the loosest tolerance (tenfold steps from ``tol``) whose output certifies."""
    for _ in range(6):
        elapsed, out = timed(fn, X, y, arg, tol)
        cert = certify(out)
        if cert <= TARGET:
            break
        tol /= 10
    times = [elapsed] + [timed(fn, X, y, arg, tol)[0] for _ in range(repeat - 1)]
    return statistics.median(times), cert, tol


def warm_up():
    X, y = ar1_data(60, 40, 5, seed=3)
    X, y = X - X.mean(axis=0), y - y.mean()
    Xt, yt = ar1_data(400, 5, 2, seed=3)
    for single, path, _ in SOLVERS.values():
        for A, b in ((X, y), (Xt, yt)):
            amax = np.abs(A.T @ b).max() / A.shape[0]
            timed(single, A, b, amax / 10, 1e-4)
            timed(path, A, b, amax * np.geomspace(1, 0.1, 3), 1e-4)


def run(cases, repeat, path_repeat, skip):
    rows = []
    floors = {}
    for case in cases:
        X, y = load_case(case)
        n = X.shape[0]
        yy = (y * y).sum() / (1 if y.ndim == 1 else y.shape[1])
        ratio = L1_RATIO if case == "e" else 1.0
        amax = np.abs(X.T @ y).max(axis=0).min() / n / ratio  # (f): the smallest target's
        if case == "c":
            floors[case] = statistics.median(timed(lambda A: A.T @ A, X)[0] for _ in range(repeat))
        works = [
            ("α_max/20", amax / 20),
            ("α_max/100", amax / 100),
            ("path", amax * np.geomspace(1, 1e-3, 100)),
        ][: 1 if case in "def" else 3]
        for work, arg in works:
            is_path = work == "path"
            if is_path:
                alphas = arg

                def certify(out, X=X, y=y, alphas=alphas):
                    return max(relative_gap(X, y, out[:, k], a) for k, a in enumerate(alphas))
            elif y.ndim == 2:

                def certify(out, X=X, y=y, alpha=arg):
                    return max(relative_gap(X, y[:, t], out[t], alpha) for t in range(y.shape[1]))
            else:

                def certify(out, X=X, y=y, alpha=arg, ratio=ratio):
                    return relative_gap(X, y, out, alpha, ratio)

            result = {"case": case, "work": work}
            for name, (single, path, tol0) in CASE_SOLVERS.get(case, SOLVERS).items():
                if (case, work, name) in skip or (case, "*", name) in skip:
                    continue
                if tol0 is None:
                    tol0 = 0.1 * TARGET * np.sqrt(yy / n)
                fn = path if is_path else single
                reps = path_repeat if is_path else repeat
                med, cert, tol = calibrated_median(fn, X, y, arg, tol0, certify, reps)
                result[name] = (med, cert, tol)
                print(
                    f"  ({case}) {work:10s} {name:12s} {med:9.4f} s  gap/P0={cert:.1e}  tol={tol:.1e}",
                    flush=True,
                )
            rows.append(result)
    return rows, floors


def report(rows, floors):
    peers = ["sklearn", "celer", "skglm"]
    print(
        "\n| case | work | lagrangekit | "
        + " | ".join(peers)
        + " | "
        + " | ".join(f"÷{p}" for p in peers)
        + " |"
    )
    print("|---" * (3 + 2 * len(peers)) + "|")
    for r in rows:
        ours = r.get("lagrangekit", (np.nan,))[0]
        times = [f"{r[p][0]:.4f}" if p in r else "–" for p in peers]
        ratios = [f"{ours / r[p][0]:.2f}" if p in r else "–" for p in peers]
        print(
            f"| ({r['case']}) | {r['work']} | {ours:.4f} | "
            + " | ".join(times)
            + " | "
            + " | ".join(ratios)
            + " |"
        )
    for case, floor in floors.items():
        one = [r for r in rows if r["case"] == case and r["work"] != "path" and "lagrangekit" in r]
        for r in one:
            ratio = r["lagrangekit"][0] / floor
            print(f"({case}) {r['work']}: lagrangekit / X.T@X floor ({floor:.4f} s) = {ratio:.2f}")


COLD_SNIPPET = """
import sys, time
sys.path.insert(0, {repo!r})
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True)
t0 = time.perf_counter()
import lagrangekit
from lagrangekit.linear_model import Lasso
Lasso().fit(X, y)
t1 = time.perf_counter()
times = []
for _ in range(20):
    s = time.perf_counter(); Lasso().fit(X, y); times.append(time.perf_counter() - s)
times.sort()
print(t1 - t0, times[len(times) // 2])
"""


def cold_start(repeat):
    subprocess.run(
        [sys.executable, "-c", COLD_SNIPPET.format(repo=str(Path(__file__).resolve().parents[1]))],
        check=True,
        capture_output=True,
    )  # warm the cache
    extra = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", COLD_SNIPPET.format(repo=str(Path(__file__).resolve().parents[1]))],
            check=True,
            capture_output=True,
            text=True,
        )
        first, warm = map(float, out.stdout.split())
        extra.append(first - warm)
        print(f"  import + first fit {first:.3f} s, warm fit {warm * 1e3:.2f} ms, extra {first - warm:.3f} s")
    extra = statistics.median(extra)
    print(f"median extra over a warm fit (sklearn imported, numba cache warm): {extra:.3f} s")


MEMORY_SNIPPET = """
import sys, tracemalloc
sys.path[:0] = [{root!r}, {repo!r}]
from lasso import load_case
import numpy as np
from lagrangekit.linear_model import Lasso
X, y = load_case({case!r})
Lasso(alpha=1.0, fit_intercept=False).fit(X[:50], y[:50])
amax = np.abs(X.T @ y).max() / X.shape[0]
tracemalloc.start()
Lasso(alpha=amax / 100, fit_intercept=True, tol=1e-6, max_iter=100000).fit(X, y)
print(X.nbytes, tracemalloc.get_traced_memory()[1])
"""


def memory(cases):
    """Peak NumPy allocation during one fit (with intercept), traced by tracemalloc, against X's size."""
    root = str(Path(__file__).resolve().parent)
    for case in cases:
        snippet = MEMORY_SNIPPET.format(root=root, repo=str(Path(root).parent), case=case)
        out = subprocess.run([sys.executable, "-c", snippet], check=True, capture_output=True, text=True)
        nbytes, peak = map(int, out.stdout.split())
        total = (nbytes + peak) / nbytes
        sizes = f"X = {nbytes / 2**20:.1f} MiB; fit allocates at most {peak / 2**20:.1f} MiB"
        print(f"  ({case}) {sizes}: peak {total:.2f}× X")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--path-repeat", type=int, default=3)
    parser.add_argument("--cases", default="a,b,c,d")
    parser.add_argument("--skip", default="", help="comma list of case:work:solver to skip (work may be *)")
    parser.add_argument("--cold-start", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="process CPU time instead of wall-clock")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    cases = args.cases.split(",")
    if args.cold_start:
        cold_start(args.repeat)
        return
    if args.memory:
        memory(cases)
        return
    skip = {tuple(s.split(":")) for s in args.skip.split(",") if s}
    with threadpool_limits(limits=1):
        warm_up()
        rows, floors = run(cases, args.repeat, args.path_repeat, skip)
    report(rows, floors)


if __name__ == "__main__":
    main()
